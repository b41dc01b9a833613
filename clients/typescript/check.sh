#!/usr/bin/env bash
# Proves that typed clients generated from what the server publishes compile
# under `tsc --strict`: the GraphQL snippet narrows blocks on `__typename`,
# the REST snippet sends back the document it read. `.ci/run` runs this after
# the tests (which build target/debug/masthead).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v npm >/dev/null 2>&1; then
  echo "typed-client check skipped: npm is not installed (apt-get install nodejs npm)"
  exit 0
fi
masthead="${MASTHEAD_BIN:-../../target/debug/masthead}"
"$masthead" openapi > openapi.json
npm ci --no-audit --no-fund --loglevel=error
npm run --silent check
echo "typed clients compile: GraphQL (client preset) and REST (openapi-typescript + openapi-fetch)"
