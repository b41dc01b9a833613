#!/usr/bin/env bash
# Media benchmark (issue 16): the first rendition of a 24-megapixel JPEG, eight
# of them at once with the peak resident memory, and serving a stored
# rendition against the ceiling of the HTTP stack (actix answering the same
# bytes from memory) measured in the same run. Not part of CI.
#
#   bench/media.sh [SECONDS]     (wrk seconds per serving run, default 5)
#
# Needs wrk (apt-get install wrk) and Pillow (pip install pillow) to generate
# the photos.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN="${1:-5}"
PORT=18091
CEILING_PORT=18092
WORK="$(mktemp -d /tmp/masthead-bench-media.XXXXXX)"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
python3 -c 'import PIL' 2>/dev/null || pip install -q pillow
cargo build --release -q -p masthead -p masthead-ceiling
BIN=target/release/masthead
URL="sqlite://$WORK/bench.db?mode=rwc"
EMAIL="bench-admin@newsroom.example"
PASSWORD="correct horse battery staple $(date +%s%N)"

printf '%s\n' "$PASSWORD" | MASTHEAD_JWT_SECRET_FILE="$WORK/jwt.key" "$BIN" user create --database-url "$URL" \
  --email "$EMAIL" --name "Bench Admin" --role admin --password-stdin > /dev/null
RUST_LOG=warn MASTHEAD_JWT_SECRET_FILE="$WORK/jwt.key" "$BIN" serve --database-url "$URL" \
  --bind "127.0.0.1:$PORT" --media-dir "$WORK/media" --media-max-bytes 104857600 \
  --login-ip-limit 1000000 > "$WORK/server.log" 2>&1 &
SERVER=$!
PIDS+=("$SERVER")
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "server did not start"; cat "$WORK/server.log"; exit 1; }

python3 bench/media.py "http://127.0.0.1:$PORT" "$SERVER" "$EMAIL" "$PASSWORD" "$WORK"

"target/release/masthead-ceiling" "127.0.0.1:$CEILING_PORT" "$WORK/rendition.webp" > /dev/null 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$CEILING_PORT/" >/dev/null 2>&1 && break; sleep 0.1; done

rps() { wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
RENDITION="http://127.0.0.1:$PORT$(cat "$WORK/rendition.path")"
wrk -t2 -c64 -d1s "$RENDITION" >/dev/null
wrk -t2 -c64 -d1s "http://127.0.0.1:$CEILING_PORT/" >/dev/null
CEILING=$(rps "http://127.0.0.1:$CEILING_PORT/")
SERVED=$(rps "$RENDITION")
python3 - "$CEILING" "$SERVED" "$(stat -c %s "$WORK/rendition.webp")" <<'PY'
import sys
ceiling, served, size = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print(f"stored 1280 px WebP ({size / 1024:.0f} KiB): {served:.0f} req/s; ceiling (same bytes from memory) "
      f"{ceiling:.0f} req/s -> {served / ceiling:.0%} of the ceiling (target 50%)")
PY
