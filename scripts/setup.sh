#!/usr/bin/env bash
# Set up everything the auditor needs on a Debian machine: system packages (a Chromium, a CJK font
# so screenshots show Chinese, zbar), a virtualenv in .venv and the package with its test extras.
# Idempotent and fast when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium fonts-wqy-microhei libzbar0)
# node parses the page scripts in the test command; Debian's nodejs where none is installed.
command -v node >/dev/null || APT_PACKAGES+=(nodejs)
# More packages on request, e.g. the test command's LibreOffice that lays out the Word notice.
read -r -a extra <<<"${EXTRA_APT_PACKAGES:-}"
APT_PACKAGES+=("${extra[@]}")
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "==> apt-get install ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "auditor needs Python >= 3.11 (found $("$python" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$python" -m venv .venv || {
    echo "==> python3-venv missing; installing it"
    apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    "$python" -m venv .venv
  }
fi

# Reinstall only when the dependency list changed.
stamp=.venv/.auditor-setup
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> pip install -e .[test]"
  log=.venv/pip-install.log
  { .venv/bin/python -m pip install --upgrade pip && .venv/bin/python -m pip install -e ".[test]"; } \
    >"$log" 2>&1 || { tail -40 "$log" >&2; echo "pip install failed; full log: $log" >&2; exit 1; }
  echo "$want" > "$stamp"
fi
