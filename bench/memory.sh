#!/usr/bin/env bash
# Memory benchmark: resident memory of the server under sign-in floods and
# reply posts, against the 64 MB target of issue 12.
#
#   bench/memory.sh [SIGN_INS] [REPLIES] [PARALLEL]   (defaults: 200 1000 8)
#   MASTHEAD_BIN=path/to/masthead bench/memory.sh     (skip the build)
#
# Builds in release mode, starts the server with demo content on a temporary
# SQLite file, then sends SIGN_INS failed sign-ins (unknown addresses, each
# from its own 127.0.x.y source address, PARALLEL at a time: every one costs a
# full argon2 hash) and REPLIES reply posts under the open demo article.
# Prints VmRSS (from /proc/PID/status) at start, after the sign-ins and after
# the replies, with the ratio to the target. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."

SIGN_INS="${1:-200}"
REPLIES="${2:-1000}"
PARALLEL="${3:-8}"
TARGET_MB=64
PORT=18090
WORK="$(mktemp -d /tmp/masthead-memory.XXXXXX)"
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

if [ -n "${MASTHEAD_BIN:-}" ]; then
  BIN="$MASTHEAD_BIN"   # an already built binary, e.g. to compare allocators
else
  echo "building (release)"
  cargo build --release -q -p masthead
  BIN=target/release/masthead
fi

RUST_LOG=warn MASTHEAD_JWT_SECRET_FILE="$WORK/jwt.key" "$BIN" serve \
  --database-url "sqlite://$WORK/memory.db?mode=rwc" --bind "127.0.0.1:$PORT" \
  --reply-rate-limit 1000000 --reply-daily-limit 1000000 > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "server did not start"; cat "$WORK/server.log"; exit 1; }

rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER/status"; }
report() { # report LABEL
  local rss; rss="$(rss_mb)"
  awk -v label="$1" -v rss="$rss" -v target="$TARGET_MB" \
    'BEGIN { printf "%-34s %7.1f MB   %5.2f x the %d MB target\n", label, rss, rss / target, target }'
}

report "at start (demo loaded)"

python3 - "$PORT" "$SIGN_INS" "$PARALLEL" <<'PY'
import concurrent.futures, http.client, json, sys
port, count, parallel = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def attempt(i):
    # Each attempt from its own loopback address, so no per-IP limit applies.
    source = f"127.0.{1 + i // 250}.{1 + i % 250}"
    connection = http.client.HTTPConnection("127.0.0.1", port, source_address=(source, 0), timeout=60)
    body = json.dumps({"email": f"nobody-{i}@example.org", "password": "not the password at all"})
    connection.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})
    status = connection.getresponse().status
    connection.close()
    return status
with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
    statuses = list(pool.map(attempt, range(count)))
summary = {s: statuses.count(s) for s in sorted(set(statuses))}
print(f"{count} failed sign-ins, {parallel} at a time: statuses {summary}")
PY
report "after the failed sign-ins"

python3 - "$PORT" "$REPLIES" "$PARALLEL" <<'PY'
import concurrent.futures, http.client, json, sys, uuid
port, count, parallel = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
connection = http.client.HTTPConnection("127.0.0.1", port)
connection.request("GET", "/api/v1/articles?limit=100")
articles = json.loads(connection.getresponse().read())["data"]
slug = next(a["slug"] for a in articles if a["reply_policy"] == "open")
def post(i):
    source = f"127.1.{1 + i // 250}.{1 + i % 250}"
    connection = http.client.HTTPConnection("127.0.0.1", port, source_address=(source, 0), timeout=60)
    body = json.dumps({"author_name": "Bench Reader", "author_email": "bench@example.org",
                       "body": f"Reply number {i}: {uuid.uuid4().hex}"})
    connection.request("POST", f"/api/v1/articles/{slug}/replies", body, {"Content-Type": "application/json"})
    status = connection.getresponse().status
    connection.close()
    return status
with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
    statuses = list(pool.map(post, range(count)))
summary = {s: statuses.count(s) for s in sorted(set(statuses))}
print(f"{count} reply posts under {slug}, {parallel} at a time: statuses {summary}")
PY
report "after the reply posts"
