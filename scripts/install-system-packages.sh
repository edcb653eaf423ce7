#!/usr/bin/env bash
# Installs the Debian packages reportgen needs, only those that are missing.
#   scripts/install-system-packages.sh          what building a report needs
#   scripts/install-system-packages.sh --test   plus what the test suite needs
set -euo pipefail

packages=(
  libpango-1.0-0 libpangoft2-1.0-0   # WeasyPrint's text layout
  libharfbuzz-subset0                # fast, reproducible font subsetting in WeasyPrint
  fontconfig
  libenchant-2-2 hunspell-da hunspell-en-us hunspell-en-gb  # hyphenation only of the words a dictionary knows
)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(poppler-utils qpdf)     # pdftotext / pdftoppm / qpdf --check in the tests
  packages+=(libreoffice-calc-nogui) # sheets saved by real LibreOffice in the tests
  packages+=(chromium)               # the web edition and the live preview in a real browser
  command -v npm >/dev/null || packages+=(nodejs npm)  # axe-core, from the npm registry
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "reportgen needs these Debian/Ubuntu packages (or their equivalents): ${missing[*]}" >&2
  exit 1
fi
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
echo "Installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
