#!/usr/bin/env bash
# The lexicon of serious errors on the save and approve path: one check of a 20,000-character
# article against a 10,000-term lexicon (each term also in its traditional form, as the
# services build it) must take well under 10 ms.
#
#   bash ops/bench/lexicon.sh        (from the repository root)
#
# Builds and runs crates/zq-services/examples/lexicon_bench.rs in release mode, prints its
# figures (build time of the automaton; median, p99 and worst check over RUNS checks) and
# writes them with the machine and the command to LAST_RUN. PASS when the p99 is under LIMIT_MS.
#
# Environment overrides (defaults in brackets):
#   TERMS [10000]  CHARS [20000]  RUNS [200]  LIMIT_MS [10]
#   LAST_RUN [ops/bench/lexicon-last-run.txt]
set -euo pipefail
cd "$(dirname "$0")/../.."
export TERMS=${TERMS:-10000} CHARS=${CHARS:-20000} RUNS=${RUNS:-200}
LIMIT_MS=${LIMIT_MS:-10}
LAST_RUN=${LAST_RUN:-ops/bench/lexicon-last-run.txt}

cargo build --release -q -p zq-services --example lexicon_bench
out=$(cargo run --release -q -p zq-services --example lexicon_bench)
p99=$(printf '%s\n' "$out" | awk -F'\t' '$1 == "check_p99_ms" {print $2}')
verdict=$(awk -v p="$p99" -v l="$LIMIT_MS" 'BEGIN {print (p < l) ? "PASS" : "FAIL"}')
{
  printf 'lexicon benchmark, %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'machine: %s, %s cores\n' "$(uname -srm)" "$(nproc)"
  printf 'command: TERMS=%s CHARS=%s RUNS=%s bash ops/bench/lexicon.sh\n\n' "$TERMS" "$CHARS" "$RUNS"
  printf '%s\n\n' "$out"
  printf '%s: p99 %s ms (limit %s ms)\n' "$verdict" "$p99" "$LIMIT_MS"
} | tee "$LAST_RUN"
[[ $verdict == PASS ]]
