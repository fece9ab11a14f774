#!/usr/bin/env bash
# Install the Debian/Ubuntu packages the product needs, only those that are missing.
#   scripts/system-packages.sh run    python venv support, Chromium (charts), WeasyPrint's libraries, fonts (DejaVu; WenQuanYi Micro Hei for CJK text)
#   scripts/system-packages.sh test   the same plus PostgreSQL (tests start a throwaway server), poppler and npm
# Uses apt-get as root, sudo otherwise; without either it says exactly what to install.
set -euo pipefail

want=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-wqy-microhei)
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null \
   && ! command -v google-chrome >/dev/null && ! command -v google-chrome-stable >/dev/null; then
  want+=(chromium)
fi
if [ "${1:-run}" = "test" ]; then
  want+=(poppler-utils)
  command -v npm >/dev/null || want+=(nodejs npm)  # installs axe-core, the accessibility engine of the browser tests
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || want+=(postgresql)
fi

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "This machine has no apt-get. Please install: ${missing[*]} (or their equivalents)." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
