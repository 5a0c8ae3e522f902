#!/usr/bin/env bash
# The cost of the integrity scan (防篡改) over the demo cluster, on SQLite and PostgreSQL.
#
#   bash ops/bench/integrity.sh      (from the repository root; PostgreSQL reachable as
#                                     ZHANQUN_TEST_POSTGRES, default postgres://postgres@127.0.0.1:5432/postgres)
#
# Seeds the full demo cluster (`zhanqun serve --demo`: every site, two years of articles, a
# year of reporting history) into a fresh database, stops the server, then runs
# `zhanqun integrity` ROUNDS times (every published article fingerprinted again and compared
# with the audit log, every stored file hashed) and records the wall time and peak RSS of each
# run in ops/bench/integrity-last-run.txt. SKIP_BUILD=1 uses the existing release binary.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROUNDS=${ROUNDS:-3}
SKIP_BUILD=${SKIP_BUILD:-0}
PORT=${PORT:-18451}
PG_ADMIN=${ZHANQUN_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}
BIN=${BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/zhanqun}
OUT=$ROOT/ops/bench/integrity-last-run.txt

if [[ $SKIP_BUILD != 1 ]]; then
    (cd "$ROOT" && cargo build --release -q -p zhanqun)
fi
WORK=$(mktemp -d /tmp/zq-integrity-bench.XXXXXX)
PG_DB=zq_integrity_bench_$$
cleanup() {
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

seed() { # database-url
    ZQ_DB__URL=$1 ZQ_DATA_DIR=$WORK/data ZQ_HTTP__LISTEN=127.0.0.1:$PORT ZQ_METRICS__LISTEN=off \
        ZQ_LOG=warn "$BIN" serve --demo >"$WORK/serve.log" 2>&1 &
    local pid=$!
    for _ in $(seq 1 600); do
        curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && break
        sleep 1
    done
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

measure() { # label database-url
    local label=$1 url=$2
    for i in $(seq 1 "$ROUNDS"); do
        /usr/bin/time -f "%e %M" -o "$WORK/time" \
            env ZQ_DB__URL="$url" ZQ_DATA_DIR="$WORK/data" ZQ_LOG=warn "$BIN" integrity >"$WORK/out" 2>&1
        read -r secs kib <"$WORK/time"
        echo "| $label | $i | $(head -1 "$WORK/out") | ${secs} s | $((kib / 1024)) MiB |"
    done
}

{
    echo "# ops/bench/integrity.sh — $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
    echo
    echo "| database | run | what it checked | wall time | peak RSS |"
    echo "|---|---:|---|---:|---:|"
    mkdir -p "$WORK/data"
    seed "sqlite://$WORK/data/zhanqun.db?mode=rwc"
    measure SQLite "sqlite://$WORK/data/zhanqun.db?mode=rwc"
    psql -q "$PG_ADMIN" -c "CREATE DATABASE $PG_DB" >/dev/null
    pg_url=${PG_ADMIN%/*}/$PG_DB
    seed "$pg_url"
    measure PostgreSQL "$pg_url"
} | tee "$OUT"
