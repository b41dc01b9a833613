#!/usr/bin/env bash
# Writers benchmark (issue 12, item 1): a busy newsroom writing at once.
#
#   bench/writers.sh [SECONDS] [WRITERS]      (defaults: 30 s, 50 writers)
#   MASTHEAD_BIN=path/to/masthead bench/writers.sh 5    (skip the build; a quick run)
#   MASTHEAD_BENCH_BACKENDS=postgres bench/writers.sh   (one database only; default "sqlite postgres")
#
# Builds in release mode and, on SQLite and then on PostgreSQL (when
# MASTHEAD_BENCH_POSTGRES_URL or the local server is reachable), starts the real
# server with the demo content and:
#   1. sends 200 failed sign-ins, each from its own 127.0.x.y address, and
#      1,000 reply posts; resident memory after each;
#   2. measures public reads alone for SECONDS (4 readers: an article, the
#      first list page, a reply thread) — the baseline — with a control reader
#      of /healthz (no cache, no database: the machine's own share of a wait);
#   3. runs WRITERS concurrent writers for SECONDS, spread over creates, saves
#      (PUT with If-Match), publish/unpublish, anonymous reply posts, reply
#      moderation, refresh-token rotations and account updates, with the same
#      4 readers meanwhile; resident memory after it.
# Prints count, 2xx/4xx/5xx and p50/p99 per kind, the reads against the
# baseline as ratios (per path too, and how many were cache misses, from the
# metrics listener on port 18096), and memory against the 64 MB target. Exits non-zero
# when a target is missed (any 5xx, a write kind's p99 over 1 s, memory over
# 64 MB). Not part of CI. Clients are Python (bench/writers.py), one process
# per group of threads.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_PHASE="${1:-30}"
WRITERS="${2:-50}"
PORT=18095
METRICS_PORT=18096
WORK="$(mktemp -d /tmp/masthead-writers.XXXXXX)"
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

if [ -n "${MASTHEAD_BIN:-}" ]; then
  BIN="$MASTHEAD_BIN"
else
  echo "building (release)"
  cargo build --release -q -p masthead
  BIN=target/release/masthead
fi

ADMIN_EMAIL="bench-admin@newsroom.example"
ADMIN_PASSWORD="correct horse battery staple $(date +%s%N)"
status=0

bench_backend() { # bench_backend LABEL DATABASE_URL
  local label="$1" url="$2"
  export MASTHEAD_JWT_SECRET_FILE="$WORK/jwt-$label.key"
  "$BIN" generate --database-url "$url" --articles 0 > "$WORK/demo-$label.log"
  printf '%s\n' "$ADMIN_PASSWORD" | "$BIN" user create --database-url "$url" \
    --email "$ADMIN_EMAIL" --name "Bench Admin" --role admin --password-stdin > /dev/null
  # Limits that protect a real site from one client would stop the load
  # generator (all on loopback); they are not what is measured here.
  RUST_LOG=warn "$BIN" serve --database-url "$url" --bind "127.0.0.1:$PORT" --no-demo \
    --login-ip-limit 1000000 --reply-rate-limit 1000000 --reply-daily-limit 1000000 \
    --metrics-bind "127.0.0.1:$METRICS_PORT" \
    > "$WORK/server-$label.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "server did not start"; cat "$WORK/server-$label.log"; exit 1; }
  MASTHEAD_BENCH_METRICS="http://127.0.0.1:$METRICS_PORT/metrics" \
  python3 bench/writers.py "http://127.0.0.1:$PORT" "$SERVER" "$ADMIN_EMAIL" "$ADMIN_PASSWORD" \
    "$SECONDS_PER_PHASE" "$WRITERS" "$label" || status=1
  if grep -q ' ERROR ' "$WORK/server-$label.log"; then
    echo "[$label] server logged errors:"; grep ' ERROR ' "$WORK/server-$label.log" | head -5
  fi
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  echo
}

echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m)"
BACKENDS="${MASTHEAD_BENCH_BACKENDS:-sqlite postgres}"
case " $BACKENDS " in *" sqlite "*) bench_backend sqlite "sqlite://$WORK/writers.db?mode=rwc" ;; esac

PG_ADMIN="${MASTHEAD_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if [[ " $BACKENDS " != *" postgres "* ]]; then
  :
elif command -v psql >/dev/null && psql "$PG_ADMIN" -qc 'select 1' >/dev/null 2>&1; then
  DB="masthead_writers_$$"
  psql "$PG_ADMIN" -qc "CREATE DATABASE $DB" >/dev/null
  bench_backend postgres "${PG_ADMIN%/*}/$DB"
  psql "$PG_ADMIN" -qc "DROP DATABASE $DB WITH (FORCE)" >/dev/null
else
  echo "PostgreSQL not reachable at $PG_ADMIN: skipped"
fi
exit $status
