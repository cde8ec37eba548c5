#!/usr/bin/env bash
# Install what is missing: the venv and Python deps, bun (from the npm registry, for Reflex),
# and with `--test` also PostgreSQL, Redis and Chromium from Debian's packages.
# Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
WANT_TEST=0
[ "${1:-}" = "--test" ] && WANT_TEST=1

say() { printf '\033[1;36m[ylada]\033[0m %s\n' "$*"; }

APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages: ${missing[*]} (run as root or install them)" >&2; exit 1
  fi
  say "apt-get install ${missing[*]}"
  if [ $APT_UPDATED = 0 ]; then
    apt-get -o DPkg::Lock::Timeout=300 update -qq; APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
}

# 1. Python virtualenv and dependencies (re-installed when pyproject.toml changes).
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PY" -m venv .venv || { apt_install python3-venv; "$PY" -m venv .venv; }
fi
EXTRAS=""
[ $WANT_TEST = 1 ] && EXTRAS="[test]"
STAMP=".venv/.ylada-installed${EXTRAS:+-test}"
fresh() { [ -f "$1" ] && [ ! pyproject.toml -nt "$1" ]; }
# The test install is a superset of the plain one.
# A .venv copied from (or left by) another checkout imports that checkout's code, or none
# once it is gone (the `ylada` command then fails with "required file not found"): install
# again when the package does not resolve to this folder.
HERE="$PWD"
[ "$(cd / && "$HERE/.venv/bin/python" -c 'import ylada_app, os; print(os.path.dirname(os.path.dirname(ylada_app.__file__)))' 2>/dev/null)" = "$HERE" ] \
  || rm -f .venv/.ylada-installed .venv/.ylada-installed-test
if ! fresh "$STAMP" && ! { [ $WANT_TEST = 0 ] && fresh .venv/.ylada-installed-test; }; then
  say "installing Python dependencies${EXTRAS:+ (with test extras)}"
  mkdir -p .logs
  if ! { .venv/bin/python -m pip install -q --upgrade pip \
         && .venv/bin/python -m pip install -q -e ".${EXTRAS}"; } > .logs/pip-install.log 2>&1
  then
    cat .logs/pip-install.log >&2; echo "pip install failed (log: .logs/pip-install.log)" >&2
    exit 1
  fi
  .venv/bin/python -c "import reflex, sqlmodel, rq, psycopg"
  touch "$STAMP"
fi

# 2. bun for Reflex's frontend build, from the npm registry (Reflex's own download needs the
#    internet). Node/npm come from Debian when absent.
if [ ! -x .tools/bin/bun ]; then
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  say "installing bun into .tools/"
  npm install -g --prefix .tools bun@1.4.4 >/dev/null 2>&1
  .tools/bin/bun --version >/dev/null
fi

# 3. Test servers and the browser.
if [ $WANT_TEST = 1 ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  command -v chromium >/dev/null 2>&1 || apt_install chromium
  # Customers write emoji: screenshots must show them as their phones do.
  apt_install fonts-noto-color-emoji
  # psql, the packages' default clusters and services are not used: tests start their own.
fi
