#!/usr/bin/env bash
# Installs the Debian packages the tests use, when they are missing:
#   chromium          the real browser for the app's end-to-end tests (Playwright drives it)
#   postgresql        a throwaway server on loopback for the store's tests
#   poppler-utils     pdftoppm / pdftotext, to check every PDF page renders
#   fonts-wqy-zenhei  a fallback font so Chinese/Japanese/Korean answers render in PDFs
# Runs apt-get as root (or through sudo when it needs no password); otherwise it only
# says what is missing, and the tests that need it are skipped locally.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || missing+=(fonts-wqy-zenhei)

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "system packages missing: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install ${missing[*]} (tests that need them are skipped)" >&2
  exit 0
fi

echo "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
