#!/usr/bin/env bash
# apt_install.sh PACKAGE...: install Debian packages that are missing, when
# run as root on Debian/Ubuntu; otherwise say what to install and fail.
# Used by `make` for the system tools it needs (gettext, Chromium, ...).
set -euo pipefail
[ $# -gt 0 ] || exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing $* with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "$@" >&2
else
  echo "please install $* (Debian/Ubuntu: sudo apt-get install $*)" >&2
  exit 1
fi
