#!/usr/bin/env bash
# Instructions per ingest request, counted by valgrind's callgrind (the same count whatever else
# the machine runs): bench/request-cost-child.js with 16 and then 300 measured requests, after
# the same warm-up; the difference divided by 284 is one request's share.
# Usage: bash bench/request-instructions.sh <checkout with dist/ built> (after npm run prebench)
set -euo pipefail
checkout=$(cd "${1:?a checkout}" && pwd)
child="${REQUEST_COST_CHILD:-$(dirname "$0")/../build-bench/bench/request-cost-child.js}"
count() {
  local log
  log=$(mktemp)
  REQUEST_COST_HEAP=off valgrind --tool=callgrind --callgrind-out-file=/dev/null node --single-threaded "$child" "$checkout" 100 "$1" >/dev/null 2>"$log"
  grep -o 'Collected : [0-9]*' "$log" | grep -o '[0-9]*$'
  rm -f "$log"
}
small=$(count 16)
large=$(count 300)
echo "$checkout: $(((large - small) / 284)) instructions per request of 100 events"
