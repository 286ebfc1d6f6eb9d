#!/usr/bin/env bash
# Installs the real components the test suite drives, when they are missing:
#  - Debian's chromium, for the browser tests (never a browser downloaded by a test tool);
#  - Debian's redis-server, for the storage and multi-instance tests (the tests start their own instance).
# Runs before `npm test` (npm's pretest hook). Needs root or passwordless sudo on a fresh machine.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing test dependencies from Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installed: ${missing[*]}"
