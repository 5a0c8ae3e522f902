#!/usr/bin/env bash
# The inspection's full recomputation — every site's indicators and score, as the office's
# scorecard, the metrics gauges and the daily standing compute them — timed on the 35-site demo
# cluster and on a cluster grown to SITES sites with generated department sites.
#
#   bash ops/bench/inspection.sh        (from the repository root)
#
# Builds and runs crates/zq-demo/examples/inspection_bench.rs in release mode on a fresh SQLite
# file (set DATABASE_URL to an empty PostgreSQL database to measure that instead), prints the
# figures and writes them with the machine and the command to LAST_RUN.
#
# Environment overrides (defaults in brackets):
#   SITES [1000]  RUNS [20]  LAST_RUN [ops/bench/inspection-last-run.txt]
set -euo pipefail
cd "$(dirname "$0")/../.."
export SITES=${SITES:-1000} RUNS=${RUNS:-20}
LAST_RUN=${LAST_RUN:-ops/bench/inspection-last-run.txt}

cargo build --release -q -p zq-demo --example inspection_bench
out=$(RUST_LOG=warn cargo run --release -q -p zq-demo --example inspection_bench)
{
  printf 'inspection recomputation benchmark, %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'machine: %s, %s cores\n' "$(uname -srm)" "$(nproc)"
  printf 'command: SITES=%s RUNS=%s bash ops/bench/inspection.sh\n\n' "$SITES" "$RUNS"
  printf '%s\n' "$out"
} | tee "$LAST_RUN"
