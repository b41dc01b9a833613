#!/usr/bin/env bash
# Export/import benchmark (issue 17): `masthead export` and `masthead import`
# of a newsroom of SMALL and LARGE generated articles (plus the demo), SQLite
# to PostgreSQL and back to SQLite. Prints wall time, file size and peak RSS
# (/usr/bin/time -v) per step, and the LARGE/SMALL ratios: rows grow 10x, so
# a flat RSS ratio shows memory does not grow with the data.
#
#   bench/transfer.sh [SMALL] [LARGE]          (defaults: 10000 100000)
#   MASTHEAD_BIN=path/to/masthead bench/transfer.sh   (skip the build)
#   MASTHEAD_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres
#     (a server where a scratch database may be created; without it, SQLite only)
#
# Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."

SMALL="${1:-10000}"
LARGE="${2:-100000}"
PG_ADMIN="${MASTHEAD_BENCH_POSTGRES_URL:-}"
WORK="$(mktemp -d /tmp/masthead-transfer.XXXXXX)"
PG_DB="masthead_bench_transfer_$$"
cleanup() {
  rm -rf "$WORK"
  [ -n "$PG_ADMIN" ] && psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT

if [ -n "${MASTHEAD_BIN:-}" ]; then
  BIN="$MASTHEAD_BIN"
else
  echo "building (release)"
  cargo build --release -q -p masthead
  BIN=target/release/masthead
fi
export RUST_LOG=warn

# measure LABEL CMD...: runs CMD under /usr/bin/time -v; prints seconds and peak RSS (MB).
measure() {
  local label="$1"; shift
  /usr/bin/time -v "$@" > "$WORK/out" 2> "$WORK/time" || { cat "$WORK/out" "$WORK/time"; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$WORK/time")
  printf "%-34s %8.1f s %8s MB RSS\n" "$label" "$wall" "$rss"
  echo "$wall $rss" > "$WORK/last"
}

declare -A RSS TIME
run() {
  local n="$1" db="$WORK/source-$1.db"
  echo "== $n generated articles"
  "$BIN" generate --articles "$n" --database-url "sqlite://$db?mode=rwc" > /dev/null
  measure "export sqlite ($n)" "$BIN" export --out "$WORK/$n.jsonl" --database-url "sqlite://$db?mode=rwc"
  read -r TIME[export-$n] RSS[export-$n] < "$WORK/last"
  measure "export sqlite gzip ($n)" "$BIN" export --out "$WORK/$n.jsonl.gz" --database-url "sqlite://$db?mode=rwc"
  printf "%-34s %8s MB plain, %s MB gzipped, %s lines\n" "file ($n)" \
    "$(du -m "$WORK/$n.jsonl" | cut -f1)" "$(du -m "$WORK/$n.jsonl.gz" | cut -f1)" "$(wc -l < "$WORK/$n.jsonl")"
  measure "import -> sqlite ($n)" "$BIN" import "$WORK/$n.jsonl.gz" --database-url "sqlite://$WORK/target-$n.db?mode=rwc"
  read -r TIME[import-$n] RSS[import-$n] < "$WORK/last"
  if [ -n "$PG_ADMIN" ]; then
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB" > /dev/null 2>&1
    local pg="${PG_ADMIN%/*}/$PG_DB"
    measure "import -> postgres ($n)" "$BIN" import "$WORK/$n.jsonl" --database-url "$pg"
    read -r TIME[pgimport-$n] RSS[pgimport-$n] < "$WORK/last"
    measure "export postgres ($n)" "$BIN" export --out "$WORK/$n-pg.jsonl" --database-url "$pg"
    read -r TIME[pgexport-$n] RSS[pgexport-$n] < "$WORK/last"
    if cmp -s <(tail -n +2 "$WORK/$n.jsonl") <(tail -n +2 "$WORK/$n-pg.jsonl"); then
      echo "sqlite and postgres exports: identical but for the header"
    else
      echo "sqlite and postgres exports DIFFER"; exit 1
    fi
  fi
  rm -f "$WORK"/*.jsonl "$WORK"/*.jsonl.gz "$WORK"/*.db*
}

run "$SMALL"
run "$LARGE"
echo "== $LARGE vs $SMALL articles"
steps="export import"
[ -n "$PG_ADMIN" ] && steps="$steps pgimport pgexport"
for step in $steps; do
  awk -v s="$step" -v t1="${TIME[$step-$SMALL]}" -v t2="${TIME[$step-$LARGE]}" \
      -v r1="${RSS[$step-$SMALL]}" -v r2="${RSS[$step-$LARGE]}" \
      'BEGIN { printf "%-10s time x%.1f, peak RSS x%.2f\n", s, (t1>0 ? t2/t1 : 0), (r1>0 ? r2/r1 : 0) }'
done
