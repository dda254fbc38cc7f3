#!/usr/bin/env bash
# Install the Debian packages DueDiligence needs, only those missing.
#   scripts/install-system-deps.sh          run-time packages (fonts, WeasyPrint, gettext, poppler)
#   scripts/install-system-deps.sh --test   also Chromium for the browser tests
set -euo pipefail

packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext poppler-utils)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium)
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing Debian packages: ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then sudo="sudo"; else
    echo "Need root to install: ${missing[*]} (run as root or install sudo)" >&2
    exit 1
  fi
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
