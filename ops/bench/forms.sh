#!/usr/bin/env bash
# Public form submissions under load: N letters (我要写信) from C concurrent clients must each be
# stored exactly once — none lost, none doubled — with throughput and p99 recorded.
#
#   bash ops/bench/forms.sh          (from the repository root; needs python3, curl, and sqlite3
#                                     or, with DATABASE_URL, psql)
#
# What it does (details in ops/bench/README.md):
#   1. cargo build --release -p zhanqun (SKIP_BUILD=1 uses the existing binary);
#   2. starts `zhanqun serve --demo` on 127.0.0.1:PORT with its data in a fresh work dir
#      (ZQ_DATA_DIR=$WORK; the first start seeds the demo cluster) and waits for /readyz;
#   3. runs ops/bench/forms.py: N submissions of site SITE's letter form (GET the form for its
#      token, POST the letter, read the query code), C client threads with keep-alive
#      connections; every DUP_EVERY-th submission is posted twice with the same token and must
#      get the same code;
#   4. stops the server (SIGTERM) and checks the database itself: exactly N cases whose subject
#      starts with '压测来信 ', no subject twice, one 'submit' step each, and their
#      (subject, query_code_hash) pairs identical to the codes the clients were answered;
#   5. prints PASS or FAIL and writes the report (machine, command, output) to LAST_RUN.
#
# Environment overrides (defaults in brackets):
#   N [10000]  C [64]  PORT [18091]  SITE [jb]  MAILBOX [qzxx]
#   DUP_EVERY [10]  DUP_MODE [mixed]: sequential (a retry) | concurrent (a double click) | mixed
#   SOURCES [$C]  loopback client addresses 127.0.0.1… the clients connect from (1 = one address)
#   (the clients post as soon as a form is served: ZQ_HTTP__FORM_MIN_FILL_SECS=0)
#   RATE_PER_MINUTE [10000]  passed as ZQ_HTTP__FORM_SUBMITS_PER_MINUTE (the server accepts
#                            1–10000); the per-address limit would otherwise refuse the load
#   READY_TIMEOUT [300] seconds for the first start   SKIP_BUILD [0]
#   BIN [${CARGO_TARGET_DIR:-target}/release/zhanqun]
#   KEEP [0]  1 = keep the work dir (database, server log, codes)
#   LAST_RUN [ops/bench/forms-last-run.txt]
#   DATABASE_URL [unset]  an EMPTY PostgreSQL database instead of SQLite in the work dir, e.g.
#                         postgres://postgres@127.0.0.1:5432/zq_bench (passed as ZQ_DB__URL)
# Only 127.0.0.1 (and the PostgreSQL server of DATABASE_URL) is contacted. None of this
# script's settings are named ZQ_*: Zhanqun reads every ZQ_* variable and refuses unknown ones.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
N=${N:-10000}
C=${C:-64}
PORT=${PORT:-18091}
SITE=${SITE:-jb}
MAILBOX=${MAILBOX:-qzxx}
DUP_EVERY=${DUP_EVERY:-10}
DUP_MODE=${DUP_MODE:-mixed}
SOURCES=${SOURCES:-$C}
RATE_PER_MINUTE=${RATE_PER_MINUTE:-10000}
READY_TIMEOUT=${READY_TIMEOUT:-300}
SKIP_BUILD=${SKIP_BUILD:-0}
KEEP=${KEEP:-0}
LAST_RUN=${LAST_RUN:-ops/bench/forms-last-run.txt}
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/zhanqun}
PREFIX='压测来信 '

WORK=
APP_PID=
CMD="N=$N C=$C PORT=$PORT SITE=$SITE MAILBOX=$MAILBOX DUP_EVERY=$DUP_EVERY DUP_MODE=$DUP_MODE SOURCES=$SOURCES RATE_PER_MINUTE=$RATE_PER_MINUTE SKIP_BUILD=$SKIP_BUILD BIN=$BIN${DATABASE_URL:+ DATABASE_URL=$(sed 's#//[^@/]*@#//…@#' <<<"$DATABASE_URL")} bash ops/bench/forms.sh"

say() {
    if [[ -n $WORK ]]; then printf '%s\n' "$*" | tee -a "$WORK/console.log"; else printf '%s\n' "$*"; fi
}

die() {
    printf 'forms.sh: FAILED: %s\n' "$*" >&2
    if [[ -n $WORK && -f $WORK/server.log ]]; then
        printf -- '--- last lines of the server log ---\n' >&2
        tail -n 20 "$WORK/server.log" >&2 || true
    fi
    exit 1
}

stop_server() {
    if [[ -n $APP_PID ]] && kill -0 "$APP_PID" 2>/dev/null; then
        kill "$APP_PID" 2>/dev/null || true
        for _ in $(seq 1 300); do
            kill -0 "$APP_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$APP_PID" 2>/dev/null && kill -9 "$APP_PID" 2>/dev/null
        wait "$APP_PID" 2>/dev/null || true
    fi
    APP_PID=
}

cleanup() {
    stop_server
    if [[ -n $WORK && $KEEP != 1 ]]; then
        rm -rf "$WORK"
    elif [[ -n $WORK ]]; then
        printf 'work dir kept: %s\n' "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in python3 curl; do
    command -v "$tool" >/dev/null || die "$tool is needed"
done
if [[ -n ${DATABASE_URL:-} ]]; then
    command -v psql >/dev/null || die "psql is needed with DATABASE_URL (apt-get install -y postgresql-client)"
else
    command -v sqlite3 >/dev/null || die "sqlite3 is needed (apt-get install -y sqlite3)"
fi
[[ $N =~ ^[1-9][0-9]*$ && $C =~ ^[1-9][0-9]*$ ]] || die "N and C must be positive integers"

# 1. Build.
if [[ $SKIP_BUILD != 1 ]]; then
    printf '== cargo build --release -p zhanqun ==\n'
    cargo build --release -p zhanqun || die "the release build failed"
fi
[[ -x $BIN ]] || die "no binary at $BIN"

# 2. Start the server with a fresh data dir.
WORK=$(mktemp -d /tmp/zq-bench-forms.XXXXXX)
: >"$WORK/console.log"
BASE=http://127.0.0.1:$PORT
if curl -s -o /dev/null --max-time 2 "$BASE/"; then
    die "something already answers on 127.0.0.1:$PORT (set PORT)"
fi
DB_DESC="SQLite ($WORK/zhanqun.sqlite)"
if [[ -n ${DATABASE_URL:-} ]]; then
    export ZQ_DB__URL=$DATABASE_URL
    DB_DESC="PostgreSQL ($(sed 's#//[^@/]*@#//…@#' <<<"$DATABASE_URL"))"
fi
say "== zhanqun serve --demo on $BASE (data in $WORK) =="
ZQ_DATA_DIR=$WORK ZQ_HTTP__LISTEN=127.0.0.1:$PORT ZQ_METRICS__LISTEN=off \
    ZQ_HTTP__FORM_SUBMITS_PER_MINUTE=$RATE_PER_MINUTE ZQ_HTTP__FORM_MIN_FILL_SECS=0 ZQ_HTTP__FORM_CAPTCHA_AFTER=0 \
    ZQ_LOG=${ZQ_LOG:-info} \
    "$BIN" serve --demo >"$WORK/server.log" 2>&1 &
APP_PID=$!
START=$SECONDS
until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/readyz" || true) == 200 ]]; do
    kill -0 "$APP_PID" 2>/dev/null || die "zhanqun exited during start-up"
    ((SECONDS - START < READY_TIMEOUT)) || die "/readyz did not answer 200 within ${READY_TIMEOUT}s"
    sleep 0.2
done
say "ready after $((SECONDS - START)) s"

# The database queries, SQLite or PostgreSQL: tab-separated rows, no headers.
sql() {
    if [[ -n ${DATABASE_URL:-} ]]; then
        psql "$DATABASE_URL" -X -q -A -t -F $'\t' -v ON_ERROR_STOP=1 -c "$1"
    else
        sqlite3 -batch -noheader -separator $'\t' "$WORK/zhanqun.sqlite" "$1"
    fi
}
OURS="subject LIKE '$PREFIX%'"
BEFORE=$(sql "SELECT count(*) FROM cases WHERE $OURS") || die "cannot query the database"
[[ $BEFORE == 0 ]] || die "the database already holds $BEFORE cases with subjects '$PREFIX…'; use an empty database"

# 3. The load.
say ""
set +e
python3 "$ROOT/ops/bench/forms.py" --port "$PORT" --site "$SITE" --mailbox "$MAILBOX" \
    -n "$N" -c "$C" --dup-every "$DUP_EVERY" --dup-mode "$DUP_MODE" --sources "$SOURCES" \
    --codes-out "$WORK/codes.tsv" 2>&1 | tee -a "$WORK/console.log"
LOAD_RC=${PIPESTATUS[0]}
set -e
[[ -f $WORK/codes.tsv ]] || die "forms.py did not finish (exit $LOAD_RC)"

# 4. Stop the server, then check what the database holds.
say ""
say "== database check: $DB_DESC, after the server stopped =="
stop_server
STORED=$(sql "SELECT count(*) FROM cases WHERE $OURS")
DOUBLED=$(sql "SELECT count(*) FROM (SELECT subject FROM cases WHERE $OURS GROUP BY subject HAVING count(*) > 1) d")
DOUBLED_LIST=$(sql "SELECT subject || ' ×' || count(*) FROM cases WHERE $OURS GROUP BY subject HAVING count(*) > 1 ORDER BY subject LIMIT 5")
BAD_STEPS=$(sql "SELECT count(*) FROM cases c WHERE c.$OURS AND (SELECT count(*) FROM case_steps s WHERE s.case_id = c.id AND s.step = 'submit') <> 1")
sql "SELECT subject, query_code_hash FROM cases WHERE $OURS" | LC_ALL=C sort >"$WORK/db-codes.tsv"
LC_ALL=C sort "$WORK/codes.tsv" >"$WORK/client-codes.tsv"
if cmp -s "$WORK/db-codes.tsv" "$WORK/client-codes.tsv"; then
    CODES_MATCH=yes
else
    CODES_MATCH=no
    DIFF=$(diff "$WORK/client-codes.tsv" "$WORK/db-codes.tsv" | grep '^[<>]' | head -n 5 || true)
fi
say "rows with subject '$PREFIX…'     $STORED (expected $N)"
say "subjects stored twice or more     $DOUBLED${DOUBLED_LIST:+  ($(tr '\n' ' ' <<<"$DOUBLED_LIST"))}"
say "cases without exactly one submit  $BAD_STEPS"
say "rows = codes answered to clients  $CODES_MATCH ($(wc -l <"$WORK/db-codes.tsv") rows, $(wc -l <"$WORK/client-codes.tsv") answered)"
[[ $CODES_MATCH == yes ]] || say "  first differences (< answered only, > stored only):"$'\n'"$DIFF"

VERDICT=FAIL
if [[ $LOAD_RC == 0 && $STORED == "$N" && $DOUBLED == 0 && $BAD_STEPS == 0 && $CODES_MATCH == yes ]]; then
    VERDICT=PASS
fi
say ""
say "forms.sh: $VERDICT  ($N submissions from $C clients: load exit $LOAD_RC, $STORED stored, $DOUBLED doubled)"

# 5. The report.
{
    printf '# ops/bench/forms.sh — last complete run\n\n'
    printf 'verdict   %s\n' "$VERDICT"
    printf 'date      %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf 'command   %s\n' "$CMD"
    printf 'git       %s\n' "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with local changes)')"
    printf 'nproc     %s\n' "$(nproc 2>/dev/null || echo '?')"
    printf 'cpu       %s\n' "$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //' || echo '?')"
    printf 'load      %s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
    printf 'memory    %s\n' "$(awk '/MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo 2>/dev/null || echo '?')"
    printf 'uname     %s\n' "$(uname -a)"
    printf 'python    %s\n' "$(python3 --version 2>&1)"
    printf 'database  %s\n' "$DB_DESC"
    printf 'binary    %s\n' "$BIN"
    printf '\n## output\n\n'
    cat "$WORK/console.log"
} >"$WORK/report.txt"
cp "$WORK/report.txt" "$LAST_RUN"
printf 'report written to %s\n' "$LAST_RUN"

[[ $VERDICT == PASS ]]
