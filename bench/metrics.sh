#!/usr/bin/env bash
# Cost of metrics on the hottest path: the cached public article read, served
# with --metrics-bind off and on, alternating (off, on, off, on) so drift on a
# shared machine hits both alike. Prints requests/s of each run and the ratio
# on/off of the medians. Not part of CI.
#
#   bench/metrics.sh [SECONDS]      (default 5 s per run)
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN="${1:-5}"
PORT=18090
WORK="$(mktemp -d /tmp/masthead-bench-metrics.XXXXXX)"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
cargo build --release -q -p masthead
BIN=target/release/masthead
URL="sqlite://$WORK/bench.db?mode=rwc"

start() { # start EXTRA_ARGS...
  RUST_LOG=warn MASTHEAD_JWT_SECRET_FILE="$WORK/jwt.key" "$BIN" serve --database-url "$URL" \
    --bind "127.0.0.1:$PORT" "$@" > "$WORK/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "server did not become ready" >&2; cat "$WORK/server.log" >&2; exit 1
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""; }

start --shutdown-drain-seconds 0
SLUG=$(curl -fs "http://127.0.0.1:$PORT/api/v1/articles?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["slug"])')
stop

declare -a OFF ON
for round in 1 2; do
  for mode in off on; do
    if [ "$mode" = on ]; then start --shutdown-drain-seconds 0 --metrics-bind 127.0.0.1:0; else start --shutdown-drain-seconds 0; fi
    wrk -t2 -c64 -d1s "http://127.0.0.1:$PORT/api/v1/articles/$SLUG" >/dev/null
    rps=$(wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" "http://127.0.0.1:$PORT/api/v1/articles/$SLUG" | awk '/Requests\/sec/ {print $2}')
    echo "round $round metrics $mode: $rps req/s"
    if [ "$mode" = on ]; then ON+=("$rps"); else OFF+=("$rps"); fi
    stop
  done
done
python3 - "${OFF[*]}" "${ON[*]}" <<'PY'
import statistics, sys
off = [float(x) for x in sys.argv[1].split()]
on = [float(x) for x in sys.argv[2].split()]
print(f"cached GET /api/v1/articles/{{slug}}: off {statistics.median(off):.0f} req/s, on {statistics.median(on):.0f} req/s, ratio on/off {statistics.median(on) / statistics.median(off):.3f}")
PY
