#!/usr/bin/env bash
# Install the Debian packages DueDiligence needs, only those missing.
#   scripts/install-system-deps.sh          run-time packages (fonts, WeasyPrint, gettext, poppler)
#   scripts/install-system-deps.sh --test   also Chromium for the browser tests, and node with
#                                           the OpenID provider the SSO test starts (npm ci)
set -euo pipefail

packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext poppler-utils)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium)
  # node may come from elsewhere than Debian (with its own npm): only install it if absent.
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

install_test_provider() {
  # The SSO browser test runs node's oidc-provider, pinned by tests/oidc_provider's lock file.
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/oidc_provider"
  if [[ "${1:-}" == "--test" && ( ! -d "$dir/node_modules/oidc-provider" \
        || "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ) ]]; then
    echo "Installing the test OpenID provider (npm ci in tests/oidc_provider)"
    (cd "$dir" && npm ci --no-audit --no-fund --silent)
  fi
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
