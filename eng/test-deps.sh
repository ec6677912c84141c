#!/usr/bin/env bash
# Test dependencies: Debian's Chromium (browser tests), python3 (the gateway sample's portal), a private PostgreSQL on 127.0.0.1 (proof store tests) and the
# real vendor SDKs the browser tests run (npm, exact versions pinned in eng/npm/package-lock.json, into artifacts/npm).
#   bash eng/test-deps.sh install   installs what is missing (root, apt; npm); idempotent, non-interactive
#   source eng/test-deps.sh start   starts PostgreSQL if ENT_CONSENT_POSTGRES is unset and exports it
#   ent_consent_stop_postgres       stops the server that `start` started
# Strict when run; when sourced, the caller's shell options are left alone (a sourced `set -e` would outlive this
# file and end an interactive shell, or a test loop before its `ent_consent_stop_postgres`, at the first failure).
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
fi

# npm ci from the committed lock file into the git-ignored artifacts/npm; skipped when that exact lock is installed.
ent_consent_install_vendor_sdks() {
  local root dest
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  dest="$root/artifacts/npm"
  if [ -d "$dest/node_modules" ] && cmp -s "$root/eng/npm/package-lock.json" "$dest/package-lock.json"; then
    echo "test-deps: vendor SDKs are installed in artifacts/npm"
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
      echo "test-deps: npm is missing; install nodejs and npm, or run as root" >&2
      return 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  mkdir -p "$dest"
  cp "$root/eng/npm/package.json" "$root/eng/npm/package-lock.json" "$dest/"
  (cd "$dest" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "test-deps: vendor SDKs installed in artifacts/npm"
}

ent_consent_install() {
  ent_consent_install_vendor_sdks
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
  fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
  # The gateway's browser tests front samples/Gateway/portal.py, a portal in Python's standard library.
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  if [ ${#missing[@]} -eq 0 ]; then
    echo "test-deps: Chromium, PostgreSQL and python3 are installed"
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "test-deps: missing ${missing[*]}; run as root or install them with apt-get" >&2
    return 1
  fi
  echo "test-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ent_consent_start_postgres() {
  if [ -n "${ENT_CONSENT_POSTGRES:-}" ]; then
    echo "test-deps: using ENT_CONSENT_POSTGRES from the environment"
    return 0
  fi
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ] || [ "$(id -u)" != 0 ] || ! id postgres >/dev/null 2>&1; then
    echo "test-deps: no PostgreSQL to start; its tests will say why they are skipped (or fail under CI=true)" >&2
    return 0
  fi
  ENT_CONSENT_PGDATA=$(mktemp -d /tmp/ent-consent-pg.XXXXXX) || return 1
  chown postgres "$ENT_CONSENT_PGDATA" || return 1
  local port=${ENT_CONSENT_PGPORT:-55432}
  runuser -u postgres -- "$bin/initdb" -D "$ENT_CONSENT_PGDATA" -A trust -U postgres >/dev/null || return 1
  runuser -u postgres -- "$bin/pg_ctl" -D "$ENT_CONSENT_PGDATA" -l "$ENT_CONSENT_PGDATA/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $ENT_CONSENT_PGDATA -c fsync=on -c max_connections=200" start >/dev/null \
    || { echo "test-deps: PostgreSQL did not start on 127.0.0.1:$port (see $ENT_CONSENT_PGDATA/server.log)" >&2; return 1; }
  export ENT_CONSENT_PGDATA ENT_CONSENT_PGBIN="$bin"
  export ENT_CONSENT_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  echo "test-deps: PostgreSQL started on 127.0.0.1:$port"
}

ent_consent_stop_postgres() {
  if [ -n "${ENT_CONSENT_PGDATA:-}" ]; then
    runuser -u postgres -- "$ENT_CONSENT_PGBIN/pg_ctl" -D "$ENT_CONSENT_PGDATA" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$ENT_CONSENT_PGDATA"
  fi
}

case "${1:-}" in
  install) ent_consent_install ;;
  start) ent_consent_start_postgres ;;
  "") ;;
  *) echo "usage: eng/test-deps.sh install | source eng/test-deps.sh start" >&2; exit 2 ;;
esac
