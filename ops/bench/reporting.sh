#!/usr/bin/env bash
# Reporting figures (信息报送统计) over the demo cluster's year of history: how long the portal's
# figures and ranking for the last twelve months take, end to end through the JSON API.
#
#   bash ops/bench/reporting.sh          (from anywhere; needs cargo, curl and GNU date)
#
# What it does (details in ops/bench/README.md):
#   1. cargo build --release -p zhanqun (SKIP_BUILD=1 uses the existing binary);
#   2. starts `zhanqun serve --demo --listen 127.0.0.1:0` with its data in a temporary work dir
#      (the first start seeds the demo cluster with its year of reporting history) and reads the
#      port it got from its output;
#   3. creates a cluster admin `bench` with `zhanqun admin create` (random password on stdin)
#      and signs in through /console/login (zq_csrf cookie plus hidden csrf field) for a session
#      cookie;
#   4. GET /api/v1/sites/www/reporting/figures?from=<now-365d>&to=<now> WARMUP times unmeasured,
#      then N times measured (curl's time_total), one request at a time;
#   5. prints min/median/p95/max in ms, the submissions and adoptions aggregated, the seeding
#      log lines and the machine; PASS when every answer was 200 and p95 < TARGET_MS.
#
# Environment overrides (defaults in brackets):
#   N [50]  WARMUP [5]  TARGET_MS [1000]  READY_TIMEOUT [300] seconds for the first start
#   SKIP_BUILD [0]  BIN [${CARGO_TARGET_DIR:-target}/release/zhanqun]
#   KEEP [0]  1 = keep the work dir (server log, answers)   STRICT [0]  1 = exit 1 on MISS
#   DATABASE_URL [unset]  an EMPTY PostgreSQL database to use instead of SQLite in the work dir,
#                         e.g. postgres://postgres@127.0.0.1:5432/zq_bench (passed as ZQ_DB__URL)
# Only 127.0.0.1 is ever contacted. None of this script's settings are named ZQ_*: Zhanqun
# reads every ZQ_* variable and refuses unknown ones.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
N=${N:-50}
WARMUP=${WARMUP:-5}
TARGET_MS=${TARGET_MS:-1000}
READY_TIMEOUT=${READY_TIMEOUT:-300}
SKIP_BUILD=${SKIP_BUILD:-0}
KEEP=${KEEP:-0}
STRICT=${STRICT:-0}
BIN=${BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/zhanqun}

WORK=
APP_PID=

die() {
    printf 'reporting.sh: FAILED: %s\n' "$*" >&2
    if [[ -n $WORK && -f $WORK/server.log ]]; then
        printf -- '--- last lines of the server log ---\n' >&2
        tail -n 20 "$WORK/server.log" >&2 || true
    fi
    exit 1
}

cleanup() {
    if [[ -n $APP_PID ]] && kill -0 "$APP_PID" 2>/dev/null; then
        kill "$APP_PID" 2>/dev/null || true
        wait "$APP_PID" 2>/dev/null || true
    fi
    if [[ -n $WORK && $KEEP != 1 ]]; then
        rm -rf "$WORK"
    elif [[ -n $WORK ]]; then
        printf 'work dir kept: %s\n' "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in curl date awk sort grep; do
    command -v "$tool" >/dev/null || die "$tool is needed (on Debian: apt-get install -y curl coreutils gawk)"
done

# 1. Build.
if [[ $SKIP_BUILD != 1 ]]; then
    printf '== cargo build --release -p zhanqun ==\n'
    (cd "$ROOT" && cargo build --release -p zhanqun) || die "the release build failed"
fi
[[ -x $BIN ]] || die "no binary at $BIN"

# 2. Start the server on a free port with a fresh data dir.
WORK=$(mktemp -d /tmp/zq-bench-reporting.XXXXXX)
export ZQ_DATA_DIR=$WORK/data
DB_DESC="SQLite (the embedded default)"
if [[ -n ${DATABASE_URL:-} ]]; then
    export ZQ_DB__URL=$DATABASE_URL
    DB_DESC="PostgreSQL ($(sed 's#//[^@/]*@#//…@#' <<<"$DATABASE_URL"))"
fi
printf '== zhanqun serve --demo (data in %s) ==\n' "$WORK"
ZQ_METRICS__LISTEN=off ZQ_LOG=${ZQ_LOG:-info} "$BIN" serve --demo --listen 127.0.0.1:0 \
    >"$WORK/server.log" 2>&1 &
APP_PID=$!
PORT=
for _ in $(seq 1 $((READY_TIMEOUT * 10))); do
    kill -0 "$APP_PID" 2>/dev/null || die "zhanqun exited during start-up"
    PORT=$(sed -n 's#^Zhanqun is serving .* on http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$WORK/server.log" | head -n 1)
    [[ -n $PORT ]] && break
    sleep 0.1
done
[[ -n $PORT ]] || die "zhanqun did not start within ${READY_TIMEOUT}s"
BASE=http://127.0.0.1:$PORT
for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$BASE/readyz" && break
    sleep 0.1
done
curl -fsS -o /dev/null "$BASE/readyz" || die "/readyz does not answer 2xx"
SEED_LINES=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/server.log" | grep -E 'seeded the demo' || true)

# 3. A cluster admin and a session.
PASSWORD="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')-Zq9"
printf '%s\n' "$PASSWORD" | "$BIN" admin create --login bench --name "基准测试" \
    >"$WORK/admin.log" 2>&1 || { cat "$WORK/admin.log" >&2; die "admin create failed"; }
curl -fsS -D "$WORK/login.headers" -o "$WORK/login.html" "$BASE/console/login" \
    || die "GET /console/login failed"
CSRF_COOKIE=$(grep -i '^set-cookie: zq_csrf=' "$WORK/login.headers" | head -n 1 | sed 's/^[^=]*=\([^;]*\).*/\1/' | tr -d '\r')
CSRF_FIELD=$(grep -o 'name="csrf" value="[^"]*"' "$WORK/login.html" | head -n 1 | sed 's/.*value="\([^"]*\)"/\1/')
[[ -n $CSRF_COOKIE && -n $CSRF_FIELD ]] || die "no csrf cookie or field on /console/login"
STATUS=$(curl -sS -o /dev/null -D "$WORK/signin.headers" -w '%{http_code}' \
    -H "Cookie: zq_csrf=$CSRF_COOKIE" \
    --data-urlencode "login=bench" --data-urlencode "password=$PASSWORD" \
    --data-urlencode "csrf=$CSRF_FIELD" "$BASE/console/login")
SESSION=$(grep -i '^set-cookie: zq_session=' "$WORK/signin.headers" | head -n 1 | sed 's/^[^=]*=\([^;]*\).*/\1/' | tr -d '\r')
[[ -n $SESSION ]] || die "sign-in gave no session (HTTP $STATUS)"

# 4. The figures of the last twelve months, one request at a time.
TO=$(date -u -d '+1 minute' +%Y-%m-%dT%H:%M:%SZ)
FROM=$(date -u -d "$TO - 365 days" +%Y-%m-%dT%H:%M:%SZ)
URL="$BASE/api/v1/sites/www/reporting/figures?from=$FROM&to=$TO"
fetch() {
    curl -sS -o "$WORK/figures.json" -w '%{http_code} %{time_total}\n' \
        -H "Cookie: zq_session=$SESSION" "$URL"
}
printf '== GET %s: %d warm-up, %d measured ==\n' "${URL#"$BASE"}" "$WARMUP" "$N"
for _ in $(seq 1 "$WARMUP"); do fetch >/dev/null; done
: >"$WORK/times.txt"
BAD=0
for _ in $(seq 1 "$N"); do
    read -r code secs < <(fetch)
    [[ $code == 200 ]] || BAD=$((BAD + 1))
    awk -v s="$secs" 'BEGIN { printf "%.3f\n", s * 1000 }' >>"$WORK/times.txt"
done
grep -q '"units"' "$WORK/figures.json" || die "the answer has no units: $(head -c 300 "$WORK/figures.json")"
SUBMITTED=$(grep -o '"submitted":[0-9]*' "$WORK/figures.json" | awk -F: '{ s += $2 } END { print s + 0 }')
ADOPTED=$(grep -o '"adopted":[0-9]*' "$WORK/figures.json" | awk -F: '{ s += $2 } END { print s + 0 }')
UNITS=$(grep -o '"rank":[0-9]*' "$WORK/figures.json" | wc -l | tr -d ' ')

# 5. Report.
read -r MIN MEDIAN P95 MAX < <(sort -n "$WORK/times.txt" | awk '
    { v[NR] = $1 }
    END {
        med = int((NR + 1) / 2); p95 = int(NR * 0.95); if (p95 < NR * 0.95) p95++;
        printf "%s %s %s %s\n", v[1], v[med], v[p95], v[NR]
    }')
VERDICT=MISS
if [[ $BAD == 0 ]] && awk -v p="$P95" -v t="$TARGET_MS" 'BEGIN { exit !(p < t) }'; then
    VERDICT=PASS
fi
printf '\n== reporting figures, www, last 12 months (%s .. %s) ==\n' "$FROM" "$TO"
printf 'units ranked            %s\n' "$UNITS"
printf 'submissions aggregated  %s (adopted %s; withdrawn ones are not counted)\n' "$SUBMITTED" "$ADOPTED"
printf 'requests                %s measured, %s not 200\n' "$N" "$BAD"
printf 'latency ms              min %s   median %s   p95 %s   max %s\n' "$MIN" "$MEDIAN" "$P95" "$MAX"
printf 'target                  p95 < %s ms   %s\n' "$TARGET_MS" "$VERDICT"
printf '\n== seeding (server log) ==\n%s\n' "$SEED_LINES"
printf '\n== machine ==\n'
printf 'date      %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
printf 'git       %s\n' "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with local changes)')"
printf 'cpus      %s × %s\n' "$(nproc 2>/dev/null || echo '?')" "$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //' || echo '?')"
printf 'load      %s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
printf 'memory    %s\n' "$(awk '/MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo 2>/dev/null || echo '?')"
printf 'kernel    %s\n' "$(uname -sr)"
printf 'database  %s\n' "$DB_DESC"
printf 'binary    %s\n' "$BIN"

if [[ $VERDICT == MISS && $STRICT == 1 ]]; then
    exit 1
fi
