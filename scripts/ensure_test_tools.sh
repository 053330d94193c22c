#!/usr/bin/env bash
# Make sure the tools the browser and HTML tests need are installed:
# Chromium and CJK fonts (Debian packages), Java (for the Nu validator) and
# the npm packages in package.json (axe-core, vnu-jar). Installs what is
# missing when run as root on Debian/Ubuntu; otherwise says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
grep -q "Noto Sans CJK" < <(fc-list 2>/dev/null) || missing+=(fonts-noto-cjk)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# A Redis server of its own for tests/test_servers.py (two app servers).
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)

scripts/apt_install.sh ${missing[@]+"${missing[@]}"}

# npm packages, reinstalled only when the lock file changed.
if [ ! -f node_modules/.installed ] || [ package-lock.json -nt node_modules/.installed ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
  touch node_modules/.installed
fi
