#!/usr/bin/env bash
# Desk benchmark (issue 13): how fast the article list appears in a real
# browser with 10,000 articles in the database, against the same measurement
# on the demo's handful of articles in the same run.
#
#   bench/desk.sh [ARTICLES] [ROUNDS]      (defaults: 10000 articles, 15 rounds)
#   MASTHEAD_BIN=path/to/masthead bench/desk.sh     (skip the build)
#
# Needs chromium, chromedriver and Python's selenium
# (`apt-get install chromium chromium-driver`, `python3 -m pip install selenium`).
# Builds in release mode, then for each database (demo only; demo + ARTICLES
# generated) starts the real server on SQLite, signs in as an admin in headless
# Chromium and times, ROUNDS times each:
#   open    — loading /desk#/articles (session restored from the refresh
#             cookie) until the first page of rows is on screen;
#   switch  — clicking a status tab until its rows are on screen.
# Prints the medians and p90s, the ratio large/small, and exits non-zero when
# the median open on the large database is over 1 s (the issue's budget).
# Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES="${1:-10000}"
ROUNDS="${2:-15}"
PORT=18096
WORK="$(mktemp -d /tmp/masthead-desk-bench.XXXXXX)"
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

for tool in chromium chromedriver; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install chromium chromium-driver)"; exit 2; }
done
python3 -c 'import selenium' 2>/dev/null || { echo "selenium is missing (python3 -m pip install selenium)"; exit 2; }

if [ -n "${MASTHEAD_BIN:-}" ]; then
  BIN="$MASTHEAD_BIN"
else
  echo "building (release)"
  cargo build --release -q -p masthead
  BIN=target/release/masthead
fi

ADMIN_EMAIL="bench-admin@newsroom.example"
ADMIN_PASSWORD="correct horse battery staple $(date +%s%N)"

measure() { # measure LABEL ARTICLES
  local label="$1" articles="$2" url="sqlite://$WORK/$1.db?mode=rwc"
  export MASTHEAD_JWT_SECRET_FILE="$WORK/jwt-$label.key"
  "$BIN" generate --database-url "$url" --articles "$articles" > /dev/null
  printf '%s\n' "$ADMIN_PASSWORD" | "$BIN" user create --database-url "$url" \
    --email "$ADMIN_EMAIL" --name "Bench Admin" --role admin --password-stdin > /dev/null
  RUST_LOG=warn "$BIN" serve --database-url "$url" --bind "127.0.0.1:$PORT" --no-demo \
    --shutdown-drain-seconds 0 > "$WORK/server-$label.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  python3 bench/desk.py "http://127.0.0.1:$PORT" "$ADMIN_EMAIL" "$ADMIN_PASSWORD" "$ROUNDS" > "$WORK/$label.json"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
}

echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
measure small 0
measure large "$ARTICLES"
python3 - "$WORK/small.json" "$WORK/large.json" "$ARTICLES" <<'PY'
import json, sys
small, large = (json.load(open(path)) for path in sys.argv[1:3])
articles = sys.argv[3]
print(f"{'':8}{'demo articles':>26}{'demo + ' + articles:>26}{'ratio':>8}")
for kind in ("open", "switch"):
    s, l = small[kind], large[kind]
    print(f"{kind:8}{s['median']:>14.0f} ms (p90 {s['p90']:>4.0f}){l['median']:>14.0f} ms (p90 {l['p90']:>4.0f}){l['median'] / s['median']:>8.2f}")
budget = 1000
ok = large["open"]["median"] <= budget
print(f"budget: the list opens in {large['open']['median']:.0f} ms with {articles} articles (target ≤ {budget} ms): {'met' if ok else 'MISSED'}")
sys.exit(0 if ok else 1)
PY
