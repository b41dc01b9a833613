#!/usr/bin/env bash
# Read-path benchmark: Masthead against the ceiling of its own HTTP stack.
#
#   bench/run.sh [ARTICLES] [SECONDS]      (defaults: 100000 articles, 5 s per endpoint)
#
# Builds in release mode and, on SQLite (and on PostgreSQL when
# MASTHEAD_BENCH_POSTGRES_URL or the local server is reachable): loads the demo
# content and measures one uncached article read; starts the ceiling server (a
# bare actix-web handler returning the demo article's bytes from memory);
# generates ARTICLES more articles; measures the public read path as served
# (cached), then the database path at scale (cache off: one article, page 1
# and page 1,000 of a cursor walk). wrk: 64 connections, 2 threads. Prints a
# table with ratios to the ceiling measured in the same run. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES="${1:-100000}"
SECONDS_PER_RUN="${2:-5}"
CONNECTIONS=64
WORK="$(mktemp -d /tmp/masthead-bench.XXXXXX)"
MASTHEAD_PORT=18080
CEILING_PORT=18081
PIDS=()
cleanup() { for pid in "${PIDS[@]:-}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
echo "building (release)"
cargo build --release -q -p masthead -p masthead-ceiling
BIN=target/release/masthead
CEILING=target/release/masthead-ceiling

wait_ready() { for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server on $1 did not become ready" >&2; return 1; }

# wrk_run NAME URL [LUA]: prints "NAME rps p50_ms p99_ms"
wrk_run() {
  local name="$1" url="$2" script="${3:-}"
  local args=(-t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  wrk "${args[@]}" "$url" > "$WORK/wrk.out" 2>&1
  python3 - "$name" "$WORK/wrk.out" <<'PY'
import re, sys
name, path = sys.argv[1], sys.argv[2]
text = open(path).read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    if not m:
        sys.exit(f"cannot read wrk output for {name}:\n{text}")
    n, unit = float(m.group(1)), m.group(2)
    return {"us": n / 1000, "ms": n, "s": n * 1000, "m": n * 60_000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errors = f" ({non2xx.group(1)} non-2xx)" if non2xx else ""
print(f"{name}\t{rps:.0f}\t{p50:.2f}\t{p99:.2f}{errors}")
PY
}

graphql_script() { # graphql_script FILE QUERY_JSON
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = %s\n' "$2" > "$1"
}

serve() { # serve LABEL DATABASE_URL CACHE_MB: starts a server, sets SERVER
  RUST_LOG=warn "$BIN" serve --database-url "$2" --bind "127.0.0.1:$MASTHEAD_PORT" --no-demo \
    --public-cache-mb "$3" > "$WORK/server-$1.log" 2>&1 &
  SERVER=$!
  PIDS+=("$SERVER")
  wait_ready "$MASTHEAD_PORT"
}

stop() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; }

bench_backend() { # bench_backend LABEL DATABASE_URL
  local label="$1" url="$2"
  local base="http://127.0.0.1:$MASTHEAD_PORT"
  local slug
  "$BIN" generate --database-url "$url" --articles 0 > "$WORK/demo-$label.log"

  # Uncached, with the demo's handful of articles: what one read costs the database.
  serve "$label" "$url" 0
  # The seed-shaped demo article (the only one filed under local politics).
  slug=$(curl -fs "$base/api/v1/articles?limit=100&tag=local-politics" | python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print([a["slug"] for a in d if "“" in a["title"]][0])')
  curl -fs "$base/api/v1/articles/$slug" > "$WORK/article.json"
  local small
  small=$(curl -fs "$base/api/v1/articles?limit=100" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]))')
  {
    wrk_run "$label uncached GET /articles/{slug}, $small articles" "$base/api/v1/articles/$slug"
    wrk_run "$label uncached GET /sitemap.xml, $small articles" "$base/sitemap.xml"
    wrk_run "$label uncached GET /sitemaps/news.xml, $small articles" "$base/sitemaps/news.xml"
  } >> "$WORK/results.tsv"
  stop

  if [ "$label" = sqlite ]; then
    "$CEILING" "127.0.0.1:$CEILING_PORT" "$WORK/article.json" &
    PIDS+=("$!")
    sleep 0.5
    wrk_run "ceiling (same bytes from memory)" "http://127.0.0.1:$CEILING_PORT/" > "$WORK/ceiling.tsv"
  fi

  echo "[$label] generating $ARTICLES articles"
  local started=$SECONDS
  "$BIN" generate --database-url "$url" --articles "$ARTICLES" > "$WORK/generate-$label.log"
  # After a bulk load on PostgreSQL, what any operator does (and what autovacuum
  # would otherwise do in the middle of the measurements).
  if [ "$label" = postgres ]; then psql -q "$url" -c "VACUUM ANALYZE" -c "CHECKPOINT"; fi
  echo "[$label] generated in $((SECONDS - started)) s"

  graphql_script "$WORK/article.lua" "'{\"query\":\"query(\$s: String!) { article(slug: \$s) { id slug title standfirst publishedAt authors { displayName slug } tags { slug name } sections { heading icon blocks { __typename ... on Paragraph { text html } ... on PullQuote { text icon speaker context } ... on ListBlock { ordered items { text html } } } } } }\",\"variables\":{\"s\":\"$slug\"}}'"
  graphql_script "$WORK/list.lua" "'{\"query\":\"{ articles(first: 10) { edges { cursor node { id slug title standfirst publishedAt authors { displayName slug } tags { slug name } } } pageInfo { hasNextPage endCursor } } }\"}'"

  # The public read path as served: cached.
  serve "$label" "$url" 16
  {
    wrk_run "$label REST GET /articles/{slug}" "$base/api/v1/articles/$slug"
    wrk_run "$label GraphQL article(slug) whole body" "$base/graphql" "$WORK/article.lua"
    wrk_run "$label REST GET /articles?limit=10" "$base/api/v1/articles?limit=10"
    wrk_run "$label GraphQL articles(first: 10)" "$base/graphql" "$WORK/list.lua"
  } >> "$WORK/results.tsv"
  local rss
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER/status")
  echo "$label resident memory after the cached run: $((rss / 1024)) MB" >> "$WORK/memory.txt"
  stop

  # The database path at scale, uncached: one article, the first page, page 1,000.
  serve "$label" "$url" 0
  # Walk 999 pages of 100 once (one client, one process) to find page 1,000's cursor.
  local walk cursor pages
  walk=$(python3 - "$base" <<'PY'
import json, sys, urllib.request
base, cursor, pages = sys.argv[1], "", 0
while pages < 999:
    url = f"{base}/api/v1/articles?limit=100" + (f"&cursor={cursor}" if cursor else "")
    cursor = json.load(urllib.request.urlopen(url))["next_cursor"] or ""
    pages += 1
    if not cursor:
        break
print(pages, cursor)
PY
)
  pages=${walk%% *}; cursor=${walk#* }
  {
    wrk_run "$label uncached GET /articles/{slug}, +$ARTICLES" "$base/api/v1/articles/$slug"
    wrk_run "$label uncached GET /sitemap.xml, +$ARTICLES" "$base/sitemap.xml"
    wrk_run "$label uncached GET /sitemaps/news.xml, +$ARTICLES" "$base/sitemaps/news.xml"
    wrk_run "$label uncached page 1 (limit=100)" "$base/api/v1/articles?limit=100"
    if [ -n "$cursor" ]; then
      wrk_run "$label uncached page $((pages + 1)) (limit=100)" "$base/api/v1/articles?limit=100&cursor=$cursor"
    fi
  } >> "$WORK/results.tsv"
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER/status")
  echo "$label resident memory after the uncached run: $((rss / 1024)) MB" >> "$WORK/memory.txt"
  stop
}

: > "$WORK/results.tsv"; : > "$WORK/memory.txt"
bench_backend sqlite "sqlite://$WORK/bench.db?mode=rwc"

PG_ADMIN="${MASTHEAD_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if command -v psql >/dev/null && psql "$PG_ADMIN" -qc 'select 1' >/dev/null 2>&1; then
  DB="masthead_bench_$$"
  psql "$PG_ADMIN" -qc "CREATE DATABASE $DB" >/dev/null
  bench_backend postgres "${PG_ADMIN%/*}/$DB"
  psql "$PG_ADMIN" -qc "DROP DATABASE $DB WITH (FORCE)" >/dev/null
else
  echo "PostgreSQL not reachable at $PG_ADMIN: skipped"
fi

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m); $ARTICLES generated articles; wrk -t2 -c$CONNECTIONS -d${SECONDS_PER_RUN}s"
python3 - "$WORK/ceiling.tsv" "$WORK/results.tsv" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
ceiling = float(rows[0][1])
rows += [line.rstrip("\n").split("\t") for line in open(sys.argv[2]) if line.strip()]
print(f"{'endpoint':48} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs ceiling':>10}")
for name, rps, p50, p99 in rows:
    print(f"{name:48} {float(rps):>9.0f} {p50:>8} {p99.split()[0]:>8} {float(rps) / ceiling:>9.0%}" + (" " + " ".join(p99.split()[1:]) if len(p99.split()) > 1 else ""))
PY
cat "$WORK/memory.txt"
rm -rf "$WORK"
