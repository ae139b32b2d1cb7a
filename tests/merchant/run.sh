#!/usr/bin/env bash
# `make merchant-test`: the black-box suite (tests/merchant/blackbox.py) against each
# reference service on SQLite and on PostgreSQL (a throwaway cluster this script starts).
#
#   bash tests/merchant/run.sh                    # every service, both databases
#   bash tests/merchant/run.sh python sqlite      # one of each
#   MERCHANT_PAYMENTS=200 MERCHANT_KILLS=5 MERCHANT_SEED=42 bash tests/merchant/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
services="${1:-python node}"
databases="${2:-sqlite postgres}"
payments="${MERCHANT_PAYMENTS:-200}"
kills="${MERCHANT_KILLS:-5}"
work="$(mktemp -d /tmp/merchant-run.XXXXXX)"
chmod 755 "$work" # the PostgreSQL cluster runs as its own user
step() { printf '\n== %s\n' "$*"; }

cleanup() {
  if [ -n "${pg_dir:-}" ] && [ -f "$pg_dir/data/postmaster.pid" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step "the acp sandbox and the Python wheel"
cargo build -q --release -p acp-cli --manifest-path "$root/Cargo.toml"
export ACP_BIN="$target/release/acp"
wheel="$(ls "$target"/wheels/unionpay_acp-*.whl 2>/dev/null | head -1 || true)"
if [ -z "$wheel" ]; then
  bash "$root/python/test.sh" >/dev/null
  wheel="$(ls "$target"/wheels/unionpay_acp-*.whl | head -1)"
fi

step "the services' environments (installed packages, as a merchant installs them)"
venv="$target/merchant/venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r "$root/python/merchant-service/requirements.txt"
"$venv/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel"
if [[ " $services " == *" node "* ]]; then
  tarball="$(cd "$work" && npm pack --silent "$root/npm" | tail -1)"
  (cd "$root/npm/merchant-service" && npm ci --silent --no-audit --no-fund &&
    npm install --silent --no-audit --no-fund --no-save "$work/$tarball")
fi

pg_url=""
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
start_postgres() {
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [ -z "$pg_bin" ]; then
    step "PostgreSQL (Debian's package)"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
    pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  pg_dir="$work/pg"
  mkdir -p "$pg_dir"
  [ "$(id -u)" != 0 ] || chown postgres "$pg_dir"
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  as_pg "$pg_bin/initdb" -A trust -U postgres -D "$pg_dir/data" >/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on" start >/dev/null
  pg_url="postgresql://postgres@127.0.0.1:$port"
}

status=0
for service in $services; do
  case "$service" in
    python) command="$venv/bin/python -m merchant_service"; cwd="$root/python/merchant-service" ;;
    node) command="node src/server.mjs"; cwd="$root/npm/merchant-service" ;;
    *) echo "unknown service $service" >&2; exit 2 ;;
  esac
  for db in $databases; do
    case "$db" in
      sqlite) url="sqlite:///$work/$service.db" ;;
      postgres)
        [ -n "$pg_url" ] || { step "PostgreSQL (a throwaway cluster on 127.0.0.1)"; start_postgres; }
        as_pg "$pg_bin/createdb" -h "$pg_dir" -p "${pg_url##*:}" -U postgres "merchant_$service"
        url="$pg_url/merchant_$service" ;;
      *) echo "unknown database $db" >&2; exit 2 ;;
    esac
    step "merchant-service $service $db: $payments payments, $kills kills"
    "$venv/bin/python" "$root/tests/merchant/blackbox.py" --service "$service" --db "$db" \
      --database-url "$url" --command "$command" --cwd "$cwd" --payments "$payments" --kills "$kills" ||
      status=1
  done
done
exit "$status"
