#!/usr/bin/env bash
# Install the Debian packages DueDiligence needs, only those missing.
#   scripts/install-system-deps.sh          run-time packages (fonts, WeasyPrint, gettext, poppler)
#   scripts/install-system-deps.sh --test   also Chromium for the browser tests, and node with
#                                           the OpenID provider the SSO test starts and axe-core (npm ci)
set -euo pipefail

packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext poppler-utils)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium)
  # node may come from elsewhere than Debian (with its own npm): only install it if absent.
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

install_test_provider() {
  # The browser tests' node packages, each pinned by its folder's lock file: the SSO test's
  # OpenID provider (tests/oidc_provider) and axe-core, which the accessibility test injects
  # into every page (tests/axe).
  local root dir
  root="$(cd "$(dirname "$0")/.." && pwd)"
  [[ "${1:-}" == "--test" ]] || return 0
  for dir in "$root/tests/oidc_provider:oidc-provider" "$root/tests/axe:axe-core"; do
    local folder="${dir%%:*}" package="${dir##*:}"
    if [[ ! -d "$folder/node_modules/$package" \
          || "$folder/package-lock.json" -nt "$folder/node_modules/.package-lock.json" ]]; then
      echo "Installing the test's $package (npm ci in tests/$(basename "$folder"))"
      (cd "$folder" && npm ci --no-audit --no-fund --silent)
    fi
  done
}

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  install_test_provider "${1:-}"
  exit 0
fi

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
install_test_provider "${1:-}"
