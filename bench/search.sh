#!/usr/bin/env bash
# Search benchmark: uncached full-text search at scale, on SQLite and
# PostgreSQL (when MASTHEAD_BENCH_POSTGRES_URL or the local server answers).
#
#   bench/search.sh [ARTICLES] [REQUESTS]   (defaults: 100000 articles, 100 requests a query)
#
# Generates ARTICLES articles with the existing generator (`masthead
# generate`, which indexes them as any write does), serves with the public
# cache off, and times REQUESTS sequential requests per query (one client:
# the cost of one search, not throughput): two-word queries of every word
# frequency, a one-word query matching everything, a phrase, one-letter
# prefixes, each in relevance order and some newest first. The baseline,
# measured in the same run, is the uncached public list `GET /articles`.
# Also prints the index size and the latency of an article save (REST PUT).
# With MASTHEAD_BENCH_BEFORE_BIN set to a build from before search (e.g. of
# d89ae07, the merge before search landed), the same saves are timed on that
# build too, on its own freshly generated database: the extra cost per save.
# Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES="${1:-100000}"
REQUESTS="${2:-100}"
WORK="$(mktemp -d /tmp/masthead-search.XXXXXX)"
PORT=18090
PIDS=()
cleanup() { for pid in "${PIDS[@]:-}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "building (release)"
cargo build --release -q -p masthead
BIN=target/release/masthead

wait_ready() { for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server did not become ready" >&2; return 1; }

# The generator's words: `generated`, `story`, `officials`, `talking` are in
# every article; `speaker N` (N < 50) in 2 %; the article number in one or two.
QUERIES=(
  "baseline: GET /articles?limit=20|/api/v1/articles?limit=20"
  "two common words|/api/v1/search?q=officials%20talking%20"
  "two common words, newest|/api/v1/search?q=officials%20talking%20&sort=newest"
  "one word in every article|/api/v1/search?q=generated%20"
  "common + mid (2 %)|/api/v1/search?q=speaker%2017%20"
  "two mid words (2 %, 2 %)|/api/v1/search?q=17%2033%20"
  "common + rare|/api/v1/search?q=generated%2077777%20"
  "two rare words|/api/v1/search?q=77777%2012345%20"
  "phrase of common words|/api/v1/search?q=%22keep%20talking%22%20"
  "prefix a|/api/v1/search?q=a"
  "prefix s|/api/v1/search?q=s"
  "prefix g, newest|/api/v1/search?q=g&sort=newest"
  "word absent from the corpus|/api/v1/search?q=zanzibar%20"
  "page 5 of two common words|CURSOR:/api/v1/search?q=officials%20talking%20"
)

measure() { # measure LABEL: prints one row per query
  python3 - "$1" "$PORT" "$REQUESTS" "${QUERIES[@]}" <<'PY'
import json, sys, time, urllib.request
label, port, requests, queries = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
base = f"http://127.0.0.1:{port}"
def get(path):
    with urllib.request.urlopen(base + path) as response:
        return response.status, response.read()
def timed(path):
    samples = []
    for i in range(requests + 5):
        started = time.perf_counter()
        status, body = get(path)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            sys.exit(f"{path}: {status}")
        if i >= 5:
            samples.append(elapsed)
    samples.sort()
    return samples[len(samples) // 2], samples[int(len(samples) * 0.95) - 1], samples[-1], body
baseline = None
for entry in queries:
    name, path = entry.split("|", 1)
    if path.startswith("CURSOR:"):
        path = path[len("CURSOR:"):]
        for _ in range(4):
            _, body = get(path if "cursor=" not in path else path)
            cursor = json.loads(body)["next_cursor"]
            path = path.split("&cursor=")[0] + f"&cursor={cursor}"
    p50, p95, worst, body = timed(path)
    if baseline is None:
        baseline = p95
    hits = len(json.loads(body).get("data", []))
    print(f"{label}\t{name}\t{p50:.1f}\t{p95:.1f}\t{worst:.1f}\t{p95 / baseline:.1f}x\t{hits}")
PY
}

save_cost() { # save_cost LABEL URL [BIN]: p50/p95 of REST saves of one article
  local email="bench-$RANDOM@example.org" bin="${3:-$BIN}"
  printf 'bench password 1234567' | "$bin" user create --database-url "$2" --email "$email" --name "Bench Editor" --role editor --password-stdin >/dev/null
  python3 - "$1" "$PORT" "$email" "$REQUESTS" <<'PY'
import json, sys, time, urllib.request
label, port, email, requests = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
base = f"http://127.0.0.1:{port}/api/v1"
def call(method, path, body=None, headers=None):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request) as response:
        return response.headers, json.loads(response.read() or b"null")
_, login = call("POST", "/auth/login", {"email": email, "password": "bench password 1234567"})
auth = {"Authorization": f"Bearer {login['access_token']}"}
_, found = call("GET", "/articles?limit=1&fields=id")
article_id = found["data"][0]["id"]
samples = []
for i in range(requests):
    headers, document = call("GET", f"/admin/articles/{article_id}", headers=auth)
    document["standfirst"] = f"Edited {i} times for the benchmark."
    started = time.perf_counter()
    call("PUT", f"/admin/articles/{article_id}", document, {**auth, "If-Match": headers["ETag"]})
    samples.append((time.perf_counter() - started) * 1000)
samples.sort()
print(f"{label}\tarticle save (PUT, index included)\t{samples[len(samples)//2]:.1f}\t{samples[int(len(samples)*0.95)-1]:.1f}\t{samples[-1]:.1f}")
PY
}

bench_backend() { # bench_backend LABEL DATABASE_URL
  local label="$1" url="$2" started=$SECONDS
  "$BIN" generate --database-url "$url" --articles "$ARTICLES" > "$WORK/generate-$label.log"
  if [ "$label" = postgres ]; then psql -q "$url" -c "VACUUM ANALYZE" -c "CHECKPOINT"; fi
  echo "[$label] generated and indexed $ARTICLES articles in $((SECONDS - started)) s"
  RUST_LOG=warn "$BIN" serve --database-url "$url" --bind "127.0.0.1:$PORT" --no-demo --public-cache-mb 0 \
    > "$WORK/server-$label.log" 2>&1 &
  local server=$!
  PIDS+=("$server")
  wait_ready
  measure "$label" >> "$WORK/results.tsv"
  save_cost "$label" "$url" >> "$WORK/saves.tsv"
  kill "$server"; wait "$server" 2>/dev/null || true
  if [ "$label" = postgres ]; then
    psql -qAt "$url" -c "SELECT 'index size (search_documents + GIN): ' || pg_size_pretty(pg_total_relation_size('search_documents')) || ' of ' || pg_size_pretty(pg_database_size(current_database()))" >> "$WORK/sizes.txt"
  else
    python3 - "${url#sqlite://}" >> "$WORK/sizes.txt" <<'PY'
import sqlite3, sys
path = sys.argv[1].split("?")[0]
db = sqlite3.connect(path)
rows = dict(db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"))
index = sum(size for name, size in rows.items() if "search" in name)
total = sum(rows.values())
print(f"sqlite: index size (search_fts + search_documents): {index / 1048576:.0f} MB of {total / 1048576:.0f} MB")
PY
  fi
}

before_saves() { # before_saves LABEL DATABASE_URL: save cost on the build from before search
  local label="$1" url="$2" before="$MASTHEAD_BENCH_BEFORE_BIN"
  "$before" generate --database-url "$url" --articles "$ARTICLES" > "$WORK/generate-before-$label.log"
  RUST_LOG=warn "$before" serve --database-url "$url" --bind "127.0.0.1:$PORT" --no-demo --public-cache-mb 0 \
    > "$WORK/server-before-$label.log" 2>&1 &
  local server=$!
  PIDS+=("$server")
  wait_ready
  save_cost "$label (before search)" "$url" "$before" >> "$WORK/saves.tsv"
  kill "$server"; wait "$server" 2>/dev/null || true
}

bench_backend sqlite "sqlite://$WORK/bench.db?mode=rwc"
if [ -n "${MASTHEAD_BENCH_BEFORE_BIN:-}" ]; then
  before_saves sqlite "sqlite://$WORK/before.db?mode=rwc"
fi

PG_ADMIN="${MASTHEAD_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if command -v psql >/dev/null && psql "$PG_ADMIN" -qc 'select 1' >/dev/null 2>&1; then
  DB="masthead_search_bench_$$"
  psql "$PG_ADMIN" -qc "CREATE DATABASE $DB" >/dev/null
  bench_backend postgres "${PG_ADMIN%/*}/$DB"
  psql "$PG_ADMIN" -qc "DROP DATABASE $DB WITH (FORCE)" >/dev/null
  if [ -n "${MASTHEAD_BENCH_BEFORE_BIN:-}" ]; then
    psql "$PG_ADMIN" -qc "CREATE DATABASE $DB" >/dev/null
    before_saves postgres "${PG_ADMIN%/*}/$DB"
    psql "$PG_ADMIN" -qc "DROP DATABASE $DB WITH (FORCE)" >/dev/null
  fi
else
  echo "PostgreSQL not reachable at $PG_ADMIN: skipped"
fi

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $ARTICLES generated articles; $REQUESTS sequential requests a query, cache off"
printf 'backend\tquery\tp50 ms\tp95 ms\tmax ms\tp95/baseline\tresults\n'
cat "$WORK/results.tsv"
echo
printf 'backend\toperation\tp50 ms\tp95 ms\tmax ms\n'
cat "$WORK/saves.tsv"
echo
cat "$WORK/sizes.txt"
