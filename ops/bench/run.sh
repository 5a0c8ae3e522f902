#!/usr/bin/env bash
# Zhanqun cached page serving vs nginx serving the same bytes as static files.
#
#   bash ops/bench/run.sh            (from the repository root; root on Debian, apt reachable)
#
# What it does (details in ops/bench/README.md):
#   1. installs nginx, wrk, curl and procps from Debian's packages if missing;
#   2. cargo build --release -p zhanqun;
#   3. starts `zhanqun serve --demo` on 127.0.0.1:18081 (metrics on 127.0.0.1:19464) with its
#      data in a temporary work dir, then `zhanqun export --out $WORK/export --port 18082`, and
#      restarts it on the seeded data (the loads and RSS are a node's that did not seed);
#   4. starts nginx on 127.0.0.1:18082 with a generated config (one server block per exported
#      host; its own prefix, pid file and logs in $WORK/nginx; never the system nginx or port 80);
#   5. checks that 20 random manifest pages are byte-identical from both servers (>= 18 must be);
#   6. warms both servers with every manifest page once (curl --parallel);
#   7. wrk -t2 -c64 -d10s --latency (3 rounds), nginx then Zhanqun, for (a) one hot page and (b) a rotation
#      over the manifest (ops/bench/rotate.lua); fills Zhanqun's cache (the rotation again
#      under other Host ports until 1.25x the cache size was asked for) and reads its RSS; restarts
#      Zhanqun with ZQ_CACHE__ENABLED=false and runs (c) the rotation against Zhanqun alone,
#      then (d) its HTML pages and (e) the same pages' 繁體 variant (the conversion's cost);
#   8. prints a table with targets marked PASS/MISS and writes it, the machine facts, the exact
#      commands and the full console log to ops/bench/last-run.txt.
#
# Every load is bounded (fixed wrk duration) and only ever targets 127.0.0.1.
#
# Environment overrides (defaults in brackets):
#   DURATION [10s]          wrk duration of each measured run
#   CONNS [64]              wrk connections
#   THREADS [2]             wrk threads
#   ROUNDS [3]              measured runs per load and server, alternating nginx/zhanqun; the
#                           table shows the median of each figure (this VM is noisy: keep 3)
#   WARM_DURATION [3s]      unmeasured wrk run (same load) before every measured run; 0 = none
#   ZHANQUN_PORT [18081]    Zhanqun's listener          NGINX_PORT [18082]   nginx's listener
#   METRICS_PORT [19464]    Zhanqun's metrics listener
#   CACHE_MAX_BYTES [67108864]  passed as ZQ_CACHE__MAX_BYTES
#   HOT_HOST [www.haichuan.localhost]  HOT_PATH [/]   the page of load (a)
#   HOST_PORT [$NGINX_PORT] port written into every Host header, to both servers. The export is
#                           rendered for http://{host}:{NGINX_PORT}/, and Zhanqun puts the
#                           request's port into cross-site links and XML URLs, so sending
#                           "Host: {host}:18082" makes Zhanqun render the exported bytes exactly.
#                           Set HOST_PORT= (empty) to send bare host names.
#   ROTATE_MAX [0]          0 = rotate over every manifest page; N = deterministic sample of
#                           max(N, 1000) pages that includes every host
#   READY_TIMEOUT [300]     seconds to wait for /readyz (the first start seeds the demo cluster)
#   FILL_DURATION [5s]      length of each unmeasured rotation that fills the cache before RSS
#                           is read (under Host ports FILL_PORT_BASE+1.. [20000], at most
#                           FILL_MAX [16] of them)
#   HANT_LOADS [1]          1 = after (c), with the cache still off, run (d) the HTML pages and
#                           (e) the same pages' 繁體 variant (/hant/…): the conversion's cost in
#                           renders/s and CPU µs per page (0 with FAKE_EXPORT: nginx has no /hant)
#   STRICT [0]              1 = exit 1 when any target is MISS (default: exit 0 once the run completes)
#   KEEP [auto]             the work dir: auto = removed after a complete run, kept after a
#                           failure; 1 = always kept; 0 = always removed
#   LAST_RUN [ops/bench/last-run.txt]  where the report is written
#   BIN [${CARGO_TARGET_DIR:-target}/release/zhanqun]
#   SKIP_BUILD [0]          1 = use the existing binary, no cargo build
#   FAKE_EXPORT [unset]     testing aid: a directory in the export layout (make one with
#                           ops/bench/fake-export.sh). Skips build, Zhanqun and the export; a second
#                           nginx serving that directory on ZHANQUN_PORT stands in for Zhanqun (also
#                           "restarted" for (c)). LAST_RUN then defaults to
#                           /tmp/zq-bench-fake-last-run.txt so the real report is not overwritten.
#   FAKE_STANDIN_EXPORT     testing aid: another export dir for the stand-in to serve (e.g. to
#                           see the byte-identity check fail)
#
# A run that fails part-way writes its partial report to $WORK/last-run.txt instead (the work dir
# is then kept unless KEEP=0), so ops/bench/last-run.txt always holds the last complete run.
#
# Zhanqun reads every ZQ_* variable and refuses unknown ones, so this script names none of its
# own settings ZQ_*; the only ZQ_* it sets are those passed to the zhanqun processes.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR=$ROOT/ops/bench

DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
WARM_DURATION=${WARM_DURATION:-3s}
ZHANQUN_PORT=${ZHANQUN_PORT:-18081}
NGINX_PORT=${NGINX_PORT:-18082}
METRICS_PORT=${METRICS_PORT:-19464}
CACHE_MAX_BYTES=${CACHE_MAX_BYTES:-67108864}
HOT_HOST=${HOT_HOST:-www.haichuan.localhost}
HOT_PATH=${HOT_PATH:-/}
HOST_PORT=${HOST_PORT-$NGINX_PORT}
ROTATE_MAX=${ROTATE_MAX:-0}
READY_TIMEOUT=${READY_TIMEOUT:-300}
FILL_DURATION=${FILL_DURATION:-5s}
FILL_PORT_BASE=${FILL_PORT_BASE:-20000}
FILL_MAX=${FILL_MAX:-16}
STRICT=${STRICT:-0}
HANT_LOADS=${HANT_LOADS:-$([[ -n ${FAKE_EXPORT:-} ]] && echo 0 || echo 1)}
KEEP=${KEEP:-auto}
SKIP_BUILD=${SKIP_BUILD:-0}
FAKE_EXPORT=${FAKE_EXPORT:-}
BIN=${BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/zhanqun}
SANITY_N=20
SANITY_MIN=18

# Targets.
TARGET_RPS_RATIO=1.0
TARGET_P99_RATIO=1.5
TARGET_RENDER_RPS=3000
TARGET_RSS_MIB=150

WORK=
APP_PID=         # Zhanqun (or, with FAKE_EXPORT, the stand-in nginx master)
APP_KIND=zhanqun
NGINX_PREFIX=
STANDIN_PREFIX=
COMPLETED=0
CONSOLE=/dev/null
CMDS=/dev/null
RESULTS=/dev/null  # TSV: load server rps p50_ms p99_ms non2xx socket_errors cpu_us_per_request
SUMMARY=
EXPORT_INFO=
RSS_MIB=n/a
SEEDER_RSS_MIB=n/a
FILL_NOTE="not filled"
METRICS_RSS_MIB=absent
ROT_PAGES="?"
LOADAVG_START="?"
MISSES=0
APP_DESC=
LAST_RUN=${LAST_RUN:-}

# ---------------------------------------------------------------------------------------------
# Output helpers: everything printed also goes to $CONSOLE; commands go to $CMDS.

log() { printf '%s\n' "$*" | tee -a "$CONSOLE"; }
section() { log ""; log "== $* =="; }
die() {
    printf 'run.sh: FAILED: %s\n' "$*" | tee -a "$CONSOLE" >&2
    exit 1
}
note_cmd() { printf '%s\n' "$*" >>"$CMDS"; }
# Quote a command for the log, as it could be pasted into a shell.
quote_cmd() {
    local out="" a q="'"
    for a in "$@"; do
        if [[ $a =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then
            out+="$a "
        else
            out+="$q${a//$q/$q\\$q$q}$q "
        fi
    done
    printf '%s' "${out% }"
}
# run CMD...: log and run a command, its output to the console.
run() {
    note_cmd "$(quote_cmd "$@")"
    log "\$ $(quote_cmd "$@")"
    "$@" 2>&1 | tee -a "$CONSOLE"
}

# in_bg OUT [--stderr ERR] CMD...: run CMD with its output to OUT (stderr too, unless ERR) and wait for it in a way a signal can
# interrupt (bash defers traps until a foreground child ends, and wrk takes SIGINT as "stop and
# print"); the EXIT trap then stops it.
CHILD=
in_bg() {
    local out=$1 err=$1 rc=0
    shift
    if [[ $1 == --stderr ]]; then
        err=$2
        shift 2
    fi
    if [[ $err == "$out" ]]; then
        "$@" >"$out" 2>&1 &
    else
        "$@" >"$out" 2>"$err" &
    fi
    CHILD=$!
    wait "$CHILD" || rc=$?
    CHILD=
    return "$rc"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# Processes: only what this script started is ever stopped, by pid.

# alive PID: running (an exited child of ours stays a zombie until reaped: that counts as gone).
alive() {
    kill -0 "$1" 2>/dev/null || return 1
    [[ $(ps -o stat= -p "$1" 2>/dev/null) != Z* ]]
}

wait_gone() { # pid seconds
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        alive "$1" || return 0
        sleep 0.1
    done
    return 1
}

stop_pid() { # pid name
    local pid=$1
    [[ -n $pid ]] || return 0
    if ! alive "$pid"; then
        wait "$pid" 2>/dev/null || true
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" 15; then
        log "warning: $2 (pid $pid) did not stop on TERM; sending KILL"
        kill -KILL "$pid" 2>/dev/null || true
        wait_gone "$pid" 5 || true
    fi
    wait "$pid" 2>/dev/null || true
}

nginx_pid() { # prefix
    [[ -n $1 && -s $1/nginx.pid ]] && cat "$1/nginx.pid"
}

stop_nginx() { # prefix name
    local pid
    pid=$(nginx_pid "$1" || true)
    [[ -n $pid ]] && stop_pid "$pid" "$2"
    return 0
}

stop_app() {
    if [[ $APP_KIND == standin ]]; then
        stop_nginx "$STANDIN_PREFIX" "stand-in nginx"
    else
        stop_pid "$APP_PID" zhanqun
    fi
    APP_PID=
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    [[ -n $CHILD ]] && stop_pid "$CHILD" "child process"
    stop_app || true
    stop_nginx "$NGINX_PREFIX" nginx || true
    if [[ -n $WORK && -d $WORK ]]; then
        if [[ $COMPLETED != 1 && $KEEP != 0 ]]; then
            # A failed run leaves the last complete report alone; its own goes into the work dir.
            LAST_RUN=$WORK/last-run.txt
            write_last_run "INCOMPLETE (exit $rc)" || true
        fi
        if [[ $KEEP == 1 || ($KEEP == auto && $COMPLETED != 1) ]]; then
            printf 'run.sh: work dir kept: %s\n' "$WORK" >&2
        else
            rm -rf "$WORK"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Packages.

APT_UPDATED=0
apt_install() {
    command -v apt-get >/dev/null || die "missing $*, and no apt-get to install it"
    [[ $(id -u) == 0 ]] || die "missing $*; run as root (or install it) so apt-get can install it"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >>"$CONSOLE" 2>&1; then
        if [[ $APT_UPDATED == 0 ]]; then
            APT_UPDATED=1
            apt-get update >>"$CONSOLE" 2>&1 || die "apt-get update failed"
            DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >>"$CONSOLE" 2>&1 ||
                die "apt-get install $* failed"
        else
            die "apt-get install $* failed"
        fi
    fi
    note_cmd "apt-get install -y $*"
}

ensure_tools() {
    local need=() t
    command -v nginx >/dev/null || need+=(nginx)
    command -v wrk >/dev/null || need+=(wrk)
    command -v curl >/dev/null || need+=(curl)
    command -v ps >/dev/null || need+=(procps)
    for t in shuf cmp awk; do
        command -v "$t" >/dev/null || die "missing $t (coreutils/diffutils/awk)"
    done
    if ((${#need[@]})); then
        log "installing: ${need[*]}"
        apt_install "${need[@]}"
    fi
    [[ -r /etc/nginx/mime.types ]] || die "/etc/nginx/mime.types not found (nginx-common)"
}

# ---------------------------------------------------------------------------------------------
# nginx configuration: one server block per exported host, static files only.

gen_nginx_conf() { # prefix port export_dir hosts_file standin(0|1)
    local prefix=$1 port=$2 export=$3 hosts=$4 standin=$5 host
    mkdir -p "$prefix/logs" "$prefix/tmp"
    # Debian's mime.types, with .xml (sitemaps, atom feeds) as application/xml, not text/xml.
    sed -E 's#^([[:space:]]*)text/xml([[:space:]]+)xml;#\1application/xml\2xml;#' /etc/nginx/mime.types >"$prefix/mime.types"
    if ! grep -Eq '^[[:space:]]*application/xml[[:space:]]+xml;' "$prefix/mime.types"; then
        printf 'types {\n    application/xml xml;\n}\n' >>"$prefix/mime.types"
    fi
    # The response headers Zhanqun sends on pages, so both servers send about the same header bytes.
    cat >"$prefix/security-headers.conf" <<'EOF'
add_header X-Content-Type-Options "nosniff" always;
add_header Referrer-Policy "strict-origin-when-cross-origin" always;
add_header X-Frame-Options "SAMEORIGIN" always;
add_header Content-Security-Policy "default-src 'self'; img-src 'self' data: https: http:; style-src 'self'; script-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'" always;
EOF
    {
        cat <<EOF
# Generated by ops/bench/run.sh: static files exported by \`zhanqun export\`.
worker_processes auto;
worker_rlimit_nofile 65536;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;

events {
    worker_connections 4096;
}

http {
    include $prefix/mime.types;
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/xml text/plain text/css application/javascript application/xml application/atom+xml;

    access_log off;
    log_not_found off;
    server_tokens off;

    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    # keepalive_timeout and keepalive_requests: nginx defaults.

    open_file_cache max=20000 inactive=120s;
    open_file_cache_valid 120s;
    open_file_cache_min_uses 1;
    open_file_cache_errors on;

    client_body_temp_path $prefix/tmp/body;
    proxy_temp_path $prefix/tmp/proxy;
    fastcgi_temp_path $prefix/tmp/fastcgi;
    uwsgi_temp_path $prefix/tmp/uwsgi;
    scgi_temp_path $prefix/tmp/scgi;

    include $prefix/security-headers.conf;
    add_header Cache-Control "public, no-cache";

    # Unknown hosts: 404 (reuseport spreads connections over the workers).
    server {
        listen 127.0.0.1:$port default_server reuseport;
        server_name _;
EOF
        if [[ $standin == 1 ]]; then
            printf '        location = /readyz { return 200 "ready (stand-in nginx)\\n"; }\n'
        fi
        cat <<EOF
        location / { return 404; }
    }
EOF
        if [[ $standin == 1 ]]; then
            # Stand-in metrics, in the Prometheus text format, to exercise the parsing.
            cat <<EOF

    server {
        listen 127.0.0.1:$METRICS_PORT;
        location = /metrics {
            default_type text/plain;
            return 200 "# TYPE zhanqun_process_resident_memory_bytes gauge\nzhanqun_process_resident_memory_bytes 4.1234432e+07\nzhanqun_cache_lookups_total{layer=\"l1\",result=\"hit\",tenant=\"www\"} 12345\nzhanqun_cache_lookups_total{layer=\"l1\",result=\"miss\",tenant=\"www\"} 67\nzhanqun_cache_l1_bytes 3.3e+07\nzhanqun_cache_l1_entries 1440\n";
        }
    }
EOF
        fi
        while IFS= read -r host; do
            cat <<EOF

    server {
        listen 127.0.0.1:$port;
        server_name $host;
        root $export/$host;
        index index.html;
        location / {
        }
        location /static/ {
            alias $export/_static/;
            include $prefix/security-headers.conf;
            add_header Cache-Control "public, max-age=31536000, immutable";
        }
    }
EOF
        done <"$hosts"
        printf '}\n'
    } >"$prefix/nginx.conf"
}

start_nginx() { # prefix port name
    local prefix=$1 port=$2 name=$3 i
    port_in_use "$port" && die "port $port is already in use (a previous run still up?)"
    run nginx -t -q -e "$prefix/logs/error.log" -p "$prefix" -c "$prefix/nginx.conf" ||
        die "$name: configuration test failed (see $prefix/nginx.conf)"
    run nginx -e "$prefix/logs/error.log" -p "$prefix" -c "$prefix/nginx.conf" ||
        die "$name: failed to start (see $prefix/logs/error.log)"
    for ((i = 0; i < 100; i++)); do
        [[ -s $prefix/nginx.pid ]] && port_in_use "$port" && break
        sleep 0.1
    done
    port_in_use "$port" || die "$name: not listening on $port (see $prefix/logs/error.log)"
    log "$name: pid $(nginx_pid "$prefix") on 127.0.0.1:$port"
}

# ---------------------------------------------------------------------------------------------
# Zhanqun (or its stand-in).

start_app() { # label extra-env...
    local label=$1 i
    shift
    port_in_use "$ZHANQUN_PORT" && die "port $ZHANQUN_PORT is already in use (a previous run still up?)"
    if [[ -n $FAKE_EXPORT ]]; then
        APP_KIND=standin
        start_nginx "$STANDIN_PREFIX" "$ZHANQUN_PORT" "stand-in for zhanqun ($label)"
        APP_PID=$(nginx_pid "$STANDIN_PREFIX")
        return 0
    fi
    port_in_use "$METRICS_PORT" && die "port $METRICS_PORT is already in use (a previous run still up?)"
    local envs=(
        "ZQ_DATA_DIR=$WORK/data"
        "ZQ_HTTP__LISTEN=127.0.0.1:$ZHANQUN_PORT"
        "ZQ_METRICS__LISTEN=127.0.0.1:$METRICS_PORT"
        "ZQ_CACHE__MAX_BYTES=$CACHE_MAX_BYTES"
        "ZQ_LOG=warn"
        "$@"
    )
    note_cmd "$(quote_cmd env "${envs[@]}" "$BIN" serve --demo) >>\$WORK/zhanqun.log 2>&1 &"
    log "\$ $(quote_cmd env "${envs[@]}" "$BIN" serve --demo) &    # $label"
    env "${envs[@]}" "$BIN" serve --demo >>"$WORK/zhanqun.log" 2>&1 &
    APP_PID=$!
    log "zhanqun: pid $APP_PID, waiting up to ${READY_TIMEOUT}s for /readyz"
    for ((i = 0; i < READY_TIMEOUT * 5; i++)); do
        if curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$ZHANQUN_PORT/readyz"; then
            log "zhanqun: ready after ~$((i / 5))s: $(curl -fs --max-time 2 "http://127.0.0.1:$ZHANQUN_PORT/readyz" | tr -d '\n')"
            return 0
        fi
        if ! alive "$APP_PID"; then
            tail -n 30 "$WORK/zhanqun.log" | tee -a "$CONSOLE" >&2
            APP_PID=
            die "zhanqun exited before it was ready (log above, full log $WORK/zhanqun.log)"
        fi
        sleep 0.2
    done
    tail -n 30 "$WORK/zhanqun.log" | tee -a "$CONSOLE" >&2
    die "zhanqun not ready after ${READY_TIMEOUT}s"
}

# ---------------------------------------------------------------------------------------------
# wrk runs and their parsing.

BROWSER_UA="Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"

# Normalise a wrk time ("850.00us", "1.23ms", "2.01s", "1.00m") to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n = n / 1000
        else if (v ~ /ms$/) n = n
        else if (v ~ /s$/) n = n * 1000
        else if (v ~ /m$/) n = n * 60000
        else if (v ~ /h$/) n = n * 3600000
        else { print "n/a"; exit }
        printf "%.3f", n
    }'
}

# CPU time (clock ticks, user + system) a server's processes have used so far: the process
# itself and its children (nginx's workers). Read from /proc, so it needs no perf counters.
server_ticks() { # pid
    local t=0 p
    for p in "$1" $(pgrep -P "$1" 2>/dev/null); do
        [[ -r /proc/$p/stat ]] || continue
        t=$((t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat")))
    done
    printf '%s\n' "$t"
}

# CPU microseconds per request: ticks used during a run over the requests it answered. Unlike
# req/s it hardly depends on what else the machine is doing, so it compares runs made at
# different times (req/s on this shared 2-core machine varied up to 2x within minutes).
cpu_per_request() { # ticks file
    awk -v t="$1" -v hz="$(getconf CLK_TCK)" '/ requests in / { n = $1 }
        END { if (n > 0) printf "%.1f", t * 1000000 / hz / n; else print "n/a" }' "$2"
}

parse_wrk() { # file load server cpu_ticks
    local file=$1 rps p50 p99 non2xx errs
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$file")
    p50=$(awk '$1 == "50%" { print $2; exit }' "$file")
    p99=$(awk '$1 == "99%" { print $2; exit }' "$file")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$file")
    errs=$(awk -F': ' '/Socket errors:/ { print $2 }' "$file")
    [[ -n $rps && -n $p50 && -n $p99 ]] || die "could not parse wrk output $file"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$3" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" \
        "${non2xx:-0}" "${errs:-none}" "$(cpu_per_request "$4" "$file")" >>"$RESULTS"
}

# bench LOAD SERVER PORT ROUND wrk-args...: a measured run.
bench() {
    local load=$1 server=$2 port=$3 round=$4 out
    shift 4
    out=$WORK/wrk-$load-$server-r$round.txt
    section "load $load against $server (127.0.0.1:$port)$( ((ROUNDS > 1)) && echo ", round $round of $ROUNDS")"
    if [[ $WARM_DURATION != 0 && $WARM_DURATION != 0s ]]; then
        local warm=(wrk "-t$THREADS" "-c$CONNS" "-d$WARM_DURATION" "$@")
        note_cmd "$(quote_cmd "${warm[@]}")   # warm-up, not measured"
        log "unmeasured warm-up: \$ $(quote_cmd "${warm[@]}")"
        in_bg "$WORK/wrk-$load-$server-r$round-warmup.txt" "${warm[@]}" ||
            { tee -a "$CONSOLE" <"$WORK/wrk-$load-$server-r$round-warmup.txt"; die "wrk warm-up failed"; }
        sleep 1
    fi
    local cmd=(wrk "-t$THREADS" "-c$CONNS" "-d$DURATION" --latency "$@")
    note_cmd "$(quote_cmd "${cmd[@]}")"
    log "\$ $(quote_cmd "${cmd[@]}")"
    local pid ticks
    if [[ $server == nginx ]]; then pid=$(nginx_pid "$NGINX_PREFIX"); else pid=$APP_PID; fi
    ticks=$(server_ticks "$pid")
    in_bg "$out" "${cmd[@]}" || { tee -a "$CONSOLE" <"$out"; die "wrk failed"; }
    ticks=$(($(server_ticks "$pid") - ticks))
    tee -a "$CONSOLE" <"$out"
    log "server CPU during the run: $ticks ticks, $(cpu_per_request "$ticks" "$out") us per request"
    parse_wrk "$out" "$load" "$server" "$ticks"
    sleep 2
}

hot_args() { # port
    # A browser's User-Agent, so Zhanqun counts every view (visit statistics) as it would a reader's.
    printf '%s\n' -H "Host: $HOT_HOST${HOST_PORT:+:$HOST_PORT}" -H "User-Agent: $BROWSER_UA" "http://127.0.0.1:$1$HOT_PATH"
}

rotate_args() { # port [pages: "" | html | /hant]
    printf '%s\n' -s "$BENCH_DIR/rotate.lua" "http://127.0.0.1:$1/" -- "$TSV" "$HOST_PORT" "$ROTATE_MAX" "${2:-}"
}

# ---------------------------------------------------------------------------------------------
# Report.

# result LOAD SERVER FIELD: over the rounds, the median of req/s, p50 and p99 (fields 3-5), the
# sum of non-2xx/3xx (6), the socket errors of every round that had any (7).
result() {
    awk -F'\t' -v l="$1" -v s="$2" -v f="$3" '
        $1 == l && $2 == s { v[++n] = $f }
        END {
            if (n == 0) exit
            if (f == 6) { for (i = 1; i <= n; i++) t += v[i]; print t; exit }
            if (f == 7) { out = ""; for (i = 1; i <= n; i++) if (v[i] != "none") out = out (out == "" ? "" : " | ") v[i]
                          print (out == "" ? "none" : out); exit }
            for (i = 2; i <= n; i++) { x = v[i]; for (j = i - 1; j >= 1 && v[j] + 0 > x + 0; j--) v[j + 1] = v[j]; v[j + 1] = x }
            print (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
        }' "$RESULTS"
}
# Three decimals, so PASS/MISS is decided on the ratio itself (0.997 is a MISS, not "1.00").
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.3f", a / b }'; }
mark() { # value op target
    awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
        if (v == "n/a" || v == "") { print "MISS (no figure)"; exit }
        ok = (op == ">=") ? (v + 0 >= t + 0) : (v + 0 <= t + 0)
        print ok ? "PASS" : "MISS"
    }'
}
fmt() { awk -v v="$1" -v d="$2" 'BEGIN { if (v == "" || v == "n/a") print "n/a"; else printf "%.*f", d, v }'; }

summary_line() {
    printf '%s\n' "$*" >>"$SUMMARY"
    log "$*"
}
target_line() { # label value op target [invalid-reason]
    local m
    m=$(mark "$2" "$3" "$4")
    [[ -n ${5:-} ]] && m="MISS (invalid: $5)"
    [[ $m == PASS ]] || MISSES=$((MISSES + 1))
    summary_line "$(printf '  %-44s %10s   target %s %-8s %s' "$1" "$2" "$3" "$4" "$m")"
}
# Why the figures of load $1 cannot be judged: a server answered errors.
invalid_reason() {
    local server n why=""
    for server in "${@:2}"; do
        n=$(result "$1" "$server" 6)
        [[ -n $n && $n != 0 ]] && why+="$server answered $n non-2xx/3xx; "
    done
    printf '%s' "${why%; }"
}

build_report() {
    local load server label rps p50 p99 bad
    section "results"
    : >"$SUMMARY"
    summary_line "$(printf '%-34s %-8s %12s %10s %10s %10s  %s' load server req/s 'p50 ms' 'p99 ms' 'CPU us/req' notes)"
    summary_line "$(printf '%-34s %-8s %12s %10s %10s %10s  %s' ---- ------ ----- ------ ------ ---------- -----)"
    for load in a b c d e; do
        case $load in
            a) label="(a) hot: $HOT_HOST$HOT_PATH" ;;
            b) label="(b) rotation: $ROT_PAGES pages" ;;
            c) label="(c) rotation, cache off" ;;
            d) label="(d) HTML pages, cache off" ;;
            e) label="(e) same, 繁體 (/hant), cache off" ;;
        esac
        [[ $load == [de] && -z $(result "$load" zhanqun 3) ]] && continue
        for server in nginx zhanqun; do
            if [[ $load == [cde] && $server == nginx ]]; then
                summary_line "$(printf '%-34s %-8s %12s %10s %10s %10s  %s' "$label" nginx n/a n/a n/a n/a 'no equivalent')"
                continue
            fi
            rps=$(result "$load" "$server" 3)
            p50=$(result "$load" "$server" 4)
            p99=$(result "$load" "$server" 5)
            bad=""
            [[ $(result "$load" "$server" 6) != 0 ]] && bad+="non-2xx/3xx: $(result "$load" "$server" 6); "
            [[ $(result "$load" "$server" 7) != none ]] && bad+="socket errors: $(result "$load" "$server" 7)"
            summary_line "$(printf '%-34s %-8s %12s %10s %10s %10s  %s' "$label" "$server" "$(fmt "$rps" 0)" \
                "$(fmt "$p50" 2)" "$(fmt "$p99" 2)" "$(fmt "$(result "$load" "$server" 8)" 1)" "$bad")"
        done
    done
    summary_line ""
    summary_line "Targets (ratios are zhanqun / nginx):"
    local l invalid
    for l in a b; do
        invalid=$(invalid_reason "$l" nginx zhanqun)
        target_line "($l) req/s ratio" "$(ratio "$(result "$l" zhanqun 3)" "$(result "$l" nginx 3)")" ">=" "$TARGET_RPS_RATIO" "$invalid"
        target_line "($l) p99 ratio" "$(ratio "$(result "$l" zhanqun 5)" "$(result "$l" nginx 5)")" "<=" "$TARGET_P99_RATIO" "$invalid"
    done
    for l in a b; do
        summary_line "$(printf '  %-44s %10s   (zhanqun / nginx; not a target, the cost behind the req/s ratio)' \
            "($l) CPU per request ratio" "$(ratio "$(result "$l" zhanqun 8)" "$(result "$l" nginx 8)")")"
    done
    target_line "(c) req/s, cache disabled" "$(fmt "$(result c zhanqun 3)" 0)" ">=" "$TARGET_RENDER_RPS" "$(invalid_reason c zhanqun)"
    if [[ -n $(result e zhanqun 3) ]]; then
        summary_line "$(printf '  %-44s %10s   (not a target: renders/s of the 繁體 variant over the same pages)' \
            "(e)/(d) req/s, 繁體 conversion" "$(ratio "$(result e zhanqun 3)" "$(result d zhanqun 3)")")"
        summary_line "$(printf '  %-44s %10s   (CPU us per render, 繁體 minus simplified)' \
            "(e)-(d) conversion cost, us/page" "$(awk -v e="$(result e zhanqun 8)" -v d="$(result d zhanqun 8)" \
                'BEGIN { if (e == "" || d == "") print "n/a"; else printf "%.0f", e - d }')")"
    fi
    target_line "RSS, cache full, MiB (ps)" "$RSS_MIB" "<=" "$TARGET_RSS_MIB"
    summary_line "$(printf '  %-44s %s' "cache at that moment" "$FILL_NOTE")"
    summary_line "$(printf '  %-44s %10s' "process_resident_memory_bytes, MiB" "$METRICS_RSS_MIB")"
    summary_line "$(printf '  %-44s %10s' "RSS of the seeding start, MiB (info)" "$SEEDER_RSS_MIB")"
    summary_line ""
    summary_line "wrk -t$THREADS -c$CONNS -d$DURATION --latency$( ((ROUNDS > 1)) && echo ", median of $ROUNDS rounds"); Host header port: ${HOST_PORT:-none}; $APP_DESC"
}

machine_facts() {
    printf 'date:      %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    printf 'git HEAD:  %s%s\n' "$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)" \
        "$( [[ -n $(git -C "$ROOT" status --porcelain 2>/dev/null) ]] && echo ' (work tree has uncommitted changes)')"
    printf 'nproc:     %s\n' "$(nproc)"
    printf 'loadavg:   %s (at the start: %s)\n' "$(cut -d' ' -f1-3 /proc/loadavg)" "$LOADAVG_START"
    printf 'cpu:       %s\n' "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
    printf 'kernel:    %s\n' "$(uname -r)"
    printf 'nginx:     %s\n' "$(nginx -v 2>&1)"
    printf 'wrk:       %s\n' "$(wrk -v 2>&1 | head -n 1)"
    printf 'curl:      %s\n' "$(curl --version | head -n 1)"
    if [[ -z $FAKE_EXPORT ]] && command -v rustc >/dev/null; then
        printf 'rustc:     %s\n' "$(rustc -V 2>&1)"
    fi
    printf 'free -m:\n'
    free -m | sed 's/^/  /'
}

write_last_run() { # status
    [[ -n $WORK && -d $WORK && -n $LAST_RUN ]] || return 0
    {
        printf '# Zhanqun vs nginx benchmark: last run (%s)\n\n' "$1"
        printf 'Written by ops/bench/run.sh. Paste what matters into RESULTS.md.\n'
        [[ -n $FAKE_EXPORT ]] && printf '\nNOTE: FAKE_EXPORT run (testing aid): "zhanqun" below is a stand-in nginx, not Zhanqun.\n'
        printf '\n## Summary\n\n'
        if [[ -s $SUMMARY ]]; then cat "$SUMMARY"; else printf '(no results: the run stopped before the measurements)\n'; fi
        if [[ -s $RESULTS ]]; then
            printf '\n## Every measured run (load, server, req/s, p50 ms, p99 ms, non-2xx/3xx, socket errors)\n\n'
            sed 's/^/  /' "$RESULTS"
        fi
        printf '\n## Export\n\n'
        if [[ -n $EXPORT_INFO ]]; then printf '%s\n' "$EXPORT_INFO"; else printf '(none)\n'; fi
        printf '\n## Machine\n\n'
        machine_facts
        printf '\n## Commands run\n\n'
        sed 's/^/  /' "$CMDS"
        printf '\n## nginx configuration (abridged: first two server blocks)\n\n'
        if [[ -s $NGINX_PREFIX/nginx.conf ]]; then
            awk '/^    server \{/ { n++ } n <= 2 { print "  " $0 }' "$NGINX_PREFIX/nginx.conf"
            printf '  ... (%s server blocks in all)\n' "$(grep -c '^    server {' "$NGINX_PREFIX/nginx.conf")"
        fi
        printf '\n## Full console log\n\n'
        sed 's/^/  /' "$CONSOLE"
    } >"$LAST_RUN.tmp" && mv "$LAST_RUN.tmp" "$LAST_RUN"
    printf 'run.sh: report written to %s\n' "$LAST_RUN" >&2
}

# =============================================================================================
# Main.

cd "$ROOT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/zq-bench.XXXXXX")
chmod 0755 "$WORK" # nginx workers may run as another user and must reach the export
CONSOLE=$WORK/console.log
CMDS=$WORK/commands.txt
RESULTS=$WORK/results.tsv
SUMMARY=$WORK/summary.txt
for f in "$CONSOLE" "$CMDS" "$RESULTS" "$SUMMARY"; do : >"$f"; done
NGINX_PREFIX=$WORK/nginx
STANDIN_PREFIX=$WORK/standin
if [[ -n $FAKE_EXPORT ]]; then
    LAST_RUN=${LAST_RUN:-${TMPDIR:-/tmp}/zq-bench-fake-last-run.txt}
    APP_DESC="FAKE_EXPORT: stand-in nginx on $ZHANQUN_PORT in place of zhanqun"
else
    LAST_RUN=${LAST_RUN:-$BENCH_DIR/last-run.txt}
    APP_DESC="zhanqun ZQ_CACHE__MAX_BYTES=$CACHE_MAX_BYTES"
fi
case $LAST_RUN in /*) ;; *) LAST_RUN=$ROOT/$LAST_RUN ;; esac

LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg)
section "zhanqun vs nginx benchmark, work dir $WORK"
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer"
log "settings: DURATION=$DURATION CONNS=$CONNS THREADS=$THREADS ROUNDS=$ROUNDS HOST_PORT=${HOST_PORT:-<none>} ROTATE_MAX=$ROTATE_MAX"
if awk -v l="${LOADAVG_START%% *}" -v n="$(nproc)" 'BEGIN { exit !(l + 0 > n * 0.5) }'; then
    log "warning: the machine is busy (load average $LOADAVG_START on $(nproc) CPUs): figures will be noisy"
fi
ensure_tools
# ZQ_* variables this script does not set itself would reach every zhanqun process.
inherited=$(env | grep -o '^ZQ_[A-Z0-9_]*' |
    grep -vxE 'ZQ_(DATA_DIR|HTTP__LISTEN|METRICS__LISTEN|CACHE__MAX_BYTES|LOG)' | sort | tr '\n' ' ' || true)
if [[ -n $inherited ]]; then
    log "warning: inherited from the environment, these reach every zhanqun process: $inherited"
fi

for p in "$ZHANQUN_PORT" "$NGINX_PORT"; do
    port_in_use "$p" && die "port $p is already in use (a previous run still up?)"
done

# --- build, serve, export ---------------------------------------------------------------------
if [[ -n $FAKE_EXPORT ]]; then
    section "FAKE_EXPORT=$FAKE_EXPORT: no build, no zhanqun (testing aid)"
    [[ -s $FAKE_EXPORT/pages.tsv ]] || die "$FAKE_EXPORT/pages.tsv missing (make one with ops/bench/fake-export.sh)"
    EXPORT=$(cd "$FAKE_EXPORT" && pwd)
else
    if [[ $SKIP_BUILD != 1 ]]; then
        section "build"
        command -v cargo >/dev/null || die "cargo not found (install a Rust toolchain)"
        run cargo build --release -p zhanqun || die "cargo build failed"
    fi
    [[ -x $BIN ]] || die "no zhanqun binary at $BIN"
    section "start zhanqun (demo cluster)"
    mkdir -p "$WORK/data"
    start_app "cache on"
    section "export"
    EXPORT=$WORK/export
    note_cmd "$(quote_cmd env "ZQ_DATA_DIR=$WORK/data" ZQ_LOG=warn "$BIN" export --out "$EXPORT" --port "$NGINX_PORT")"
    log "\$ $(quote_cmd env "ZQ_DATA_DIR=$WORK/data" ZQ_LOG=warn "$BIN" export --out "$EXPORT" --port "$NGINX_PORT")"
    env "ZQ_DATA_DIR=$WORK/data" ZQ_LOG=warn "$BIN" export --out "$EXPORT" --port "$NGINX_PORT" 2>&1 |
        tee -a "$CONSOLE" || die "zhanqun export failed"
    # The first start seeded the demo cluster (two years of articles, a year of reporting,
    # interaction and visits) in its own process; a production node never does that work, and
    # the allocator keeps much of what it used. The loads and the memory figure are taken from a
    # start on the seeded data, as a node of a running cluster starts.
    section "restart zhanqun on the seeded data (as a production node starts)"
    if [[ -n $APP_PID ]] && rss_kib=$(ps -o rss= -p "$APP_PID" | tr -d ' ') && [[ -n $rss_kib ]]; then
        SEEDER_RSS_MIB=$(awk -v k="$rss_kib" 'BEGIN { printf "%.1f", k / 1024 }')
        log "RSS of the process that seeded the demo, before any load: $SEEDER_RSS_MIB MiB (not the target's figure)"
    fi
    stop_app
    start_app "cache on"
fi
TSV=$EXPORT/pages.tsv
[[ -s $TSV ]] || die "export wrote no manifest at $TSV"
chmod -R a+rX "$EXPORT" 2>/dev/null || true

# --- check the export ---------------------------------------------------------------------------
section "check the export"
awk -F'\t' 'NF < 2 || $2 !~ /^\// { bad++; if (bad <= 5) print "bad manifest line " NR ": " $0 }
            END { exit bad > 0 }' "$TSV" | tee -a "$CONSOLE" >&2 || die "malformed lines in $TSV"
cut -f1 "$TSV" | sort -u >"$WORK/hosts.txt"
if grep -Ev '^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$' "$WORK/hosts.txt" >"$WORK/bad-hosts.txt"; then
    die "unexpected host names in the manifest: $(head -n 3 "$WORK/bad-hosts.txt" | tr '\n' ' ')"
fi
# Every manifest page must exist as a file; compare sizes with the manifest's bytes column.
(cd "$EXPORT" && find . -type f -printf '%P\t%s\n') >"$WORK/files.tsv"
awk -F'\t' '
    NR == FNR { size[$1] = $2; next }
    {
        f = $1 $2; if (f ~ /\/$/) f = f "index.html"
        if (!(f in size)) { missing++; if (missing <= 5) print "missing file for " $1 $2 ": " f }
        else if ($3 != "" && size[f] != $3) { wrong++; if (wrong <= 5) print "size differs for " $1 $2 ": manifest " $3 ", file " size[f] }
    }
    END { printf "manifest files: %d missing, %d with another size\n", missing + 0, wrong + 0; exit missing > 0 }
' "$WORK/files.tsv" "$TSV" | tee -a "$CONSOLE" || die "the manifest lists pages with no file"
[[ -d $EXPORT/_static ]] || log "warning: no $EXPORT/_static (static assets) in the export"
PAGES=$(wc -l <"$TSV")
HOSTS=$(wc -l <"$WORK/hosts.txt")
TOTAL_BYTES=$(awk -F'\t' '{ s += $3 } END { printf "%d", s }' "$TSV")
if [[ $ROTATE_MAX == 0 || $PAGES -le $ROTATE_MAX || $PAGES -le 1000 ]]; then
    ROT_PAGES=$PAGES
else
    ROT_PAGES=$((ROTATE_MAX < 1000 ? 1000 : ROTATE_MAX))
fi
EXPORT_INFO=$(
    printf 'pages: %s over %s hosts, %s bytes (%.1f MiB), static assets: %s files\n' "$PAGES" "$HOSTS" \
        "$TOTAL_BYTES" "$(awk -v b="$TOTAL_BYTES" 'BEGIN { print b / 1048576 }')" \
        "$(find "$EXPORT/_static" -type f 2>/dev/null | wc -l)"
    printf 'pages per kind: '
    awk -F'\t' '{ p = $2; k = "other"
        if (p == "/") k = "home"; else if (p ~ /^\/art\//) k = "article"; else if (p ~ /\/page\/[0-9]+\/$/) k = "column page 2+"
        else if (p ~ /^\/col\/[^\/]+\/$/) k = "column"; else if (p ~ /atom\.xml$/) k = "atom"; else if (p ~ /^\/sitemap/) k = "sitemap"
        n[k]++ } END { for (k in n) printf "%s %d; ", k, n[k]; print "" }' "$TSV"
    printf 'rotation set: %s pages\n' "$ROT_PAGES"
)
log "$EXPORT_INFO"
if ((PAGES < 1000)); then
    log "warning: the manifest has $PAGES pages (< 1000): the rotation covers fewer pages than intended"
fi
if [[ -z $FAKE_EXPORT ]] && ((TOTAL_BYTES > CACHE_MAX_BYTES)); then
    log "warning: the exported pages ($TOTAL_BYTES bytes) exceed ZQ_CACHE__MAX_BYTES=$CACHE_MAX_BYTES;" \
        "(b) will include cache misses"
fi
grep -qxF "$HOT_HOST" "$WORK/hosts.txt" || die "hot host $HOT_HOST is not in the manifest"
awk -F'\t' -v h="$HOT_HOST" -v p="$HOT_PATH" '$1 == h && $2 == p { found = 1 } END { exit !found }' "$TSV" ||
    die "hot page $HOT_HOST$HOT_PATH is not in the manifest"

# --- nginx --------------------------------------------------------------------------------------
section "nginx"
gen_nginx_conf "$NGINX_PREFIX" "$NGINX_PORT" "$EXPORT" "$WORK/hosts.txt" 0
start_nginx "$NGINX_PREFIX" "$NGINX_PORT" nginx
if [[ -n $FAKE_EXPORT ]]; then
    gen_nginx_conf "$STANDIN_PREFIX" "$ZHANQUN_PORT" "$(cd "${FAKE_STANDIN_EXPORT:-$EXPORT}" && pwd)" "$WORK/hosts.txt" 1
    start_app "stand-in"
fi

# --- sanity: same bytes from both -------------------------------------------------------------
section "sanity: $SANITY_N random pages, byte-identical from both servers?"
mkdir -p "$WORK/sanity"
host_hdr() { printf 'Host: %s%s' "$1" "${2:+:$2}"; }
fetch() { # port host path hostport out -> "status size"
    curl -s --path-as-is --max-time 10 -o "$5" -w '%{http_code} %{size_download}' \
        -H "$(host_hdr "$2" "$4")" "http://127.0.0.1:$1$3" || true
}
shuf -n "$SANITY_N" "$TSV" >"$WORK/sanity/sample.tsv"
note_cmd "shuf -n $SANITY_N pages.tsv; for each: curl -s -H 'Host: {host}${HOST_PORT:+:$HOST_PORT}' http://127.0.0.1:{$NGINX_PORT,$ZHANQUN_PORT}{path}; cmp"
matched=0
n=0
: >"$WORK/sanity/mismatches.tsv"
while IFS=$'\t' read -r host path _; do
    n=$((n + 1))
    a=$(fetch "$NGINX_PORT" "$host" "$path" "$HOST_PORT" "$WORK/sanity/$n.nginx")
    b=$(fetch "$ZHANQUN_PORT" "$host" "$path" "$HOST_PORT" "$WORK/sanity/$n.zhanqun")
    if [[ ${a%% *} == 200 && ${b%% *} == 200 ]] && cmp -s "$WORK/sanity/$n.nginx" "$WORK/sanity/$n.zhanqun"; then
        matched=$((matched + 1))
        log "  same  $host$path ($a / $b)"
    else
        log "  DIFF  $host$path (nginx status,bytes $a / zhanqun $b) $(cmp "$WORK/sanity/$n.nginx" "$WORK/sanity/$n.zhanqun" 2>&1 | head -n 1)"
        printf '%s\t%s\t%s\n' "$n" "$host" "$path" >>"$WORK/sanity/mismatches.tsv"
    fi
done <"$WORK/sanity/sample.tsv"
log "sanity: $matched of $n pages byte-identical (need $SANITY_MIN)"
if ((matched < SANITY_MIN)); then
    # Hint: would the other Host form (with/without the port) have matched?
    if [[ -n $HOST_PORT ]]; then alt=""; alt_desc="bare host names (HOST_PORT=)"; else alt=$NGINX_PORT; alt_desc="HOST_PORT=$NGINX_PORT"; fi
    alt_ok=0
    while IFS=$'\t' read -r i host path; do
        b=$(fetch "$ZHANQUN_PORT" "$host" "$path" "$alt" "$WORK/sanity/$i.zhanqun-alt")
        [[ ${b%% *} == 200 ]] && cmp -s "$WORK/sanity/$i.nginx" "$WORK/sanity/$i.zhanqun-alt" && alt_ok=$((alt_ok + 1))
    done <"$WORK/sanity/mismatches.tsv"
    log "hint: with $alt_desc, $alt_ok of the $((n - matched)) differing pages would match."
    first=$(head -n 1 "$WORK/sanity/mismatches.tsv" | cut -f1)
    if [[ -n $first && -s $WORK/sanity/$first.nginx ]]; then
        log "first difference (nginx < > zhanqun), page $(head -n 1 "$WORK/sanity/mismatches.tsv" | cut -f2,3 | tr '\t' ' '):"
        diff <(fold -w 160 "$WORK/sanity/$first.nginx") <(fold -w 160 "$WORK/sanity/$first.zhanqun") 2>&1 | head -n 12 | tee -a "$CONSOLE" || true
    fi
    die "only $matched of $n sampled pages are byte-identical between nginx and zhanqun (need $SANITY_MIN); bodies kept in $WORK/sanity"
fi

# --- warm both servers: every manifest page once ------------------------------------------------
warm() { # port name
    local cfg=$WORK/warm-$2.curlrc codes=$WORK/warm-$2.codes start end
    awk -F'\t' -v port="$1" -v hp="$HOST_PORT" '{
        h = $1; if (hp != "") h = h ":" hp
        if (NR > 1) print "next"
        printf "url = \"http://127.0.0.1:%s%s\"\nheader = \"Host: %s\"\n", port, $2, h
        print "silent\npath-as-is\nmax-time = 30\noutput = \"/dev/null\"\nwrite-out = \"%{http_code}\\n\""
    }' "$TSV" >"$cfg"
    note_cmd "curl -s --parallel --parallel-max 8 -K $(basename "$cfg")   # every manifest page once, $2"
    start=$(date +%s)
    in_bg "$codes" --stderr "$codes.stderr" curl -s --parallel --parallel-max 8 -K "$cfg" || true
    end=$(date +%s)
    log "warm $2: $(wc -l <"$codes") requests in $((end - start))s, status counts: $(sort "$codes" | uniq -c | awk '{ printf "%s x%s; ", $2, $1 }')"
    local non200
    non200=$(grep -vcx 200 "$codes" || true)
    if ((non200 * 100 > PAGES)); then
        die "warming $2: $non200 of $PAGES manifest pages did not answer 200"
    fi
}
section "warm"
warm "$NGINX_PORT" nginx
warm "$ZHANQUN_PORT" zhanqun

# --- (a) hot page, (b) rotation -------------------------------------------------------------------
metrics_snapshot() { # file: Zhanqun's /metrics now, if it serves them
    curl -fs --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" >"$1" 2>/dev/null || { rm -f "$1"; return 1; }
}
# cache_summary BEFORE AFTER: page cache lookups by layer/result and renders between two
# snapshots, summed over tenants; L1 size at the second. Metric names matched by suffix.
cache_summary() {
    awk '
        function label(s, k,   i, r) {
            i = index(s, k "=\""); if (!i) return "?"
            r = substr(s, i + length(k) + 2); return substr(r, 1, index(r, "\"") - 1)
        }
        /^#/ { next }
        {
            name = $1; sub(/\{.*/, "", name); sign = (FILENAME == ARGV[1]) ? -1 : 1
            if (name ~ /cache_lookups_total$/) { k = label($1, "layer") "/" label($1, "result"); d[k] += sign * $2; keys[k] = 1 }
            else if (name ~ /render_duration_seconds_count$/) renders += sign * $2
            else if (sign > 0 && name ~ /cache_l1_bytes$/) l1b = $2
            else if (sign > 0 && name ~ /cache_l1_entries$/) l1e = $2
        }
        END {
            out = ""
            for (k in keys) if (d[k] != 0) out = out sprintf("%s %d, ", k, d[k])
            if (out == "") out = "no cache lookups, "
            printf "%srenders %d", out, renders
            if (l1b != "") printf "; L1 now %.1f MiB in %d entries", l1b / 1048576, l1e
            print ""
        }' "$1" "$2"
}

mapfile -t A_NGINX < <(hot_args "$NGINX_PORT")
mapfile -t A_ZQ < <(hot_args "$ZHANQUN_PORT")
mapfile -t B_NGINX < <(rotate_args "$NGINX_PORT")
mapfile -t B_ZQ < <(rotate_args "$ZHANQUN_PORT")

for ((r = 1; r <= ROUNDS; r++)); do
    bench a nginx "$NGINX_PORT" "$r" "${A_NGINX[@]}"
    bench a zhanqun "$ZHANQUN_PORT" "$r" "${A_ZQ[@]}"
done
metrics_snapshot "$WORK/metrics-before-b.txt" || true
for ((r = 1; r <= ROUNDS; r++)); do
    bench b nginx "$NGINX_PORT" "$r" "${B_NGINX[@]}"
    bench b zhanqun "$ZHANQUN_PORT" "$r" "${B_ZQ[@]}"
done

# --- fill the cache ------------------------------------------------------------------------------
# The memory target is for a full cache, and the manifest's pages alone may not fill it. Every
# page asked for under another Host port is another cache entry (links carry the port), so the
# rotation is repeated under ports FILL_PORT_BASE+1, +2, ... until what was asked for comes to
# 1.25 times CACHE_MAX_BYTES (judged by L1's size after (b)); L1 then evicts, i.e. it is full.
section "fill zhanqun's cache"
if metrics_snapshot "$WORK/metrics-fill-before.txt"; then
    l1b=$(awk '$1 ~ /cache_l1_bytes$/ { print $2; exit }' "$WORK/metrics-fill-before.txt")
    fills=$(awk -v b="${l1b:-0}" -v m="$CACHE_MAX_BYTES" -v max="$FILL_MAX" 'BEGIN {
        if (b + 0 <= 0) { print 0; exit }
        n = int(1.25 * m / b); if (n * b < 1.25 * m) n++; n--   # the rotation in (b) was one
        print (n < 0 ? 0 : (n > max + 0 ? max + 0 : n)) }')
    log "L1 after (b): ${l1b:-?} bytes; $fills more rotation(s) under other Host ports"
    for ((i = 1; i <= fills; i++)); do
        cmd=(wrk "-t$THREADS" "-c$CONNS" "-d$FILL_DURATION" -s "$BENCH_DIR/rotate.lua"
            "http://127.0.0.1:$ZHANQUN_PORT/" -- "$TSV" "$((FILL_PORT_BASE + i))" "$ROTATE_MAX")
        note_cmd "$(quote_cmd "${cmd[@]}")   # fills the cache, not measured"
        log "\$ $(quote_cmd "${cmd[@]}")"
        in_bg "$WORK/wrk-fill-$i.txt" "${cmd[@]}" ||
            { tee -a "$CONSOLE" <"$WORK/wrk-fill-$i.txt"; die "wrk (cache fill) failed"; }
    done
    if metrics_snapshot "$WORK/metrics-fill-after.txt"; then
        FILL_NOTE=$(awk '$1 ~ /cache_l1_bytes$/ { b = $2 } $1 ~ /cache_l1_entries$/ { e = $2 }
            END { printf "L1 %.1f MiB in %d entries", b / 1048576, e }' "$WORK/metrics-fill-after.txt")
        log "after the fill: $FILL_NOTE"
    fi
else
    log "no metrics: the cache is not filled"
fi

# --- memory with the cache full -------------------------------------------------------------------
section "memory with the cache full"
if [[ -n $APP_PID ]] && rss_kib=$(ps -o rss= -p "$APP_PID" | tr -d ' ') && [[ -n $rss_kib ]]; then
    RSS_MIB=$(awk -v k="$rss_kib" 'BEGIN { printf "%.1f", k / 1024 }')
fi
note_cmd "ps -o rss= -p $APP_PID"
log "RSS (ps -o rss= -p $APP_PID): $RSS_MIB MiB"
note_cmd "curl -s http://127.0.0.1:$METRICS_PORT/metrics"
if metrics_snapshot "$WORK/metrics-full.txt"; then
    # The registry may prefix every name (zhanqun_process_resident_memory_bytes).
    rss_line=$(awk '$1 ~ /^([a-z0-9_]+_)?process_resident_memory_bytes$/ { print $1, $2; exit }' "$WORK/metrics-full.txt")
    if [[ -n $rss_line ]]; then
        METRICS_RSS_MIB=$(awk -v b="${rss_line#* }" 'BEGIN { printf "%.1f", b / 1048576 }')
        log "${rss_line%% *}: $METRICS_RSS_MIB MiB"
    else
        METRICS_RSS_MIB="absent (metrics served, no process_resident_memory_bytes)"
        log "process_resident_memory_bytes: $METRICS_RSS_MIB"
    fi
    if [[ -s $WORK/metrics-before-b.txt && -s $WORK/metrics-fill-before.txt ]]; then
        log "zhanqun's cache during (b), warm-ups included: $(cache_summary "$WORK/metrics-before-b.txt" "$WORK/metrics-fill-before.txt")"
    fi
else
    METRICS_RSS_MIB="absent (nothing on 127.0.0.1:$METRICS_PORT/metrics)"
    log "process_resident_memory_bytes: $METRICS_RSS_MIB"
fi

# --- (c) cache disabled ---------------------------------------------------------------------------
section "restart zhanqun with the cache disabled"
stop_app
start_app "cache off" ZQ_CACHE__ENABLED=false
mapfile -t C_ZQ < <(rotate_args "$ZHANQUN_PORT")
for ((r = 1; r <= ROUNDS; r++)); do
    bench c zhanqun "$ZHANQUN_PORT" "$r" "${C_ZQ[@]}"
done
if metrics_snapshot "$WORK/metrics-after-c.txt"; then
    # Since the restart: with the cache off, expect bypasses and one render per request.
    log "zhanqun's cache since the cache-off restart: $(cache_summary /dev/null "$WORK/metrics-after-c.txt")"
fi

# --- (d), (e) the 繁體 conversion's cost: the same HTML pages, simplified then traditional -------
if [[ $HANT_LOADS == 1 ]]; then
    mapfile -t D_ZQ < <(rotate_args "$ZHANQUN_PORT" html)
    mapfile -t E_ZQ < <(rotate_args "$ZHANQUN_PORT" /hant)
    for ((r = 1; r <= ROUNDS; r++)); do
        bench d zhanqun "$ZHANQUN_PORT" "$r" "${D_ZQ[@]}"
        bench e zhanqun "$ZHANQUN_PORT" "$r" "${E_ZQ[@]}"
    done
fi

# --- report ---------------------------------------------------------------------------------------
build_report
COMPLETED=1
write_last_run "complete, $MISSES target(s) missed"
stop_app
stop_nginx "$NGINX_PREFIX" nginx
if [[ $STRICT == 1 && $MISSES -gt 0 ]]; then
    exit 1
fi
exit 0
