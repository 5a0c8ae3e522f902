#!/usr/bin/env bash
# Zhanqun's HTTPS listener vs nginx serving the same page with the same certificate.
#
#   bash ops/bench/tls.sh            (from the repository root; root on Debian, apt reachable)
#
# What it does:
#   1. installs nginx, wrk, curl and openssl if missing; builds the release binary (SKIP_BUILD=1
#      to use the existing one);
#   2. makes a local CA and a certificate for www.haichuan.localhost (ECDSA P-256, as most
#      government sites' certificates are now) and lays it in a certificate directory;
#   3. starts `zhanqun serve --demo` with ZQ_TLS__LISTEN=127.0.0.1:18443 and ZQ_TLS__DIR on that
#      directory; fetches the portal's home page over HTTPS (curl --cacert, so the chain is
#      verified) and gives the same bytes to nginx on 127.0.0.1:18444 with the same certificate,
#      TLS 1.2 and 1.3, a shared session cache and tickets;
#   4. wrk -t2 -c64 (ROUNDS rounds, alternating): (a) keep-alive, requests per second over TLS;
#      (b) `Connection: close`, so every request is a new connection with a full handshake
#      (wrk does not resume sessions): handshakes per second;
#   5. writes the table, the machine facts and the commands to ops/bench/tls-last-run.txt.
#
# wrk sends SNI from the URL's host, so www.haichuan.localhost must resolve to 127.0.0.1; the
# script adds that line to /etc/hosts when getent does not find it (marked, once).
#
# Environment: DURATION [10s], CONNS [64], THREADS [2], ROUNDS [3], ZQ_TLS_PORT [18443],
# NGINX_TLS_PORT [18444], HTTP_PORT [18441], SKIP_BUILD [0], KEEP [0].

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
ZQ_TLS_PORT=${ZQ_TLS_PORT:-18443}
NGINX_TLS_PORT=${NGINX_TLS_PORT:-18444}
HTTP_PORT=${HTTP_PORT:-18441}
SKIP_BUILD=${SKIP_BUILD:-0}
KEEP=${KEEP:-0}
HOST=www.haichuan.localhost
BIN=${BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/zhanqun}
OUT=$ROOT/ops/bench/tls-last-run.txt

need=()
for c in nginx wrk curl openssl; do command -v "$c" >/dev/null || need+=("$c"); done
if ((${#need[@]})); then
    apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || {
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    }
fi
if [[ $SKIP_BUILD != 1 ]]; then
    (cd "$ROOT" && cargo build --release -q -p zhanqun)
fi
if ! getent hosts "$HOST" >/dev/null; then
    echo "127.0.0.1 $HOST # added by zhanqun ops/bench/tls.sh" >>/etc/hosts
fi

WORK=$(mktemp -d /tmp/zq-tls-bench.XXXXXX)
ZQ_PID=
NGINX_PID=
cleanup() {
    [[ -n $ZQ_PID ]] && kill "$ZQ_PID" 2>/dev/null || true
    [[ -n $NGINX_PID ]] && kill "$NGINX_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    [[ $KEEP == 1 ]] || rm -rf "$WORK"
}
trap cleanup EXIT

# The local CA and the site's certificate.
mkdir -p "$WORK/certs" "$WORK/nginx/logs"
cd "$WORK"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=Zhanqun bench CA" -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$HOST" \
    -keyout certs/www.key -out www.csr 2>/dev/null
printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\n' "$HOST" >ext.cnf
openssl x509 -req -in www.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
    -extfile ext.cnf -out certs/www.crt 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in certs/www.key -out certs/www.key.p8 && mv certs/www.key.p8 certs/www.key

# Zhanqun with the certificate directory.
ZQ_DATA_DIR=$WORK/data ZQ_HTTP__LISTEN=127.0.0.1:$HTTP_PORT ZQ_METRICS__LISTEN=off \
    ZQ_TLS__LISTEN=127.0.0.1:$ZQ_TLS_PORT ZQ_TLS__DIR=$WORK/certs ZQ_LOG=warn \
    "$BIN" serve --demo >"$WORK/zhanqun.log" 2>&1 &
ZQ_PID=$!
for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "http://127.0.0.1:$HTTP_PORT/readyz" 2>/dev/null && break
    kill -0 "$ZQ_PID" 2>/dev/null || { cat "$WORK/zhanqun.log" >&2; exit 1; }
    sleep 1
done
URL_PATH=/
curl -fsS --cacert ca.crt "https://$HOST:$ZQ_TLS_PORT$URL_PATH" -o page.html
mkdir -p www && cp page.html www/index.html
chmod 0755 "$WORK" && chmod -R a+rX www # nginx workers may run as another user
BYTES=$(wc -c <page.html)

cat >nginx/nginx.conf <<EOF
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:SSL:10m;
    ssl_session_tickets on;
    server {
        listen 127.0.0.1:$NGINX_TLS_PORT ssl;
        server_name $HOST;
        ssl_certificate $WORK/certs/www.crt;
        ssl_certificate_key $WORK/certs/www.key;
        root $WORK/www;
        default_type text/html;
        charset utf-8;
    }
}
EOF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
sleep 1
curl -fsS --cacert ca.crt "https://$HOST:$NGINX_TLS_PORT/" -o nginx-page.html
cmp -s page.html nginx-page.html || { echo "nginx does not serve the same bytes" >&2; exit 1; }

# The same page from both, verified by the same CA.
run() { # server-port extra-header -> requests/s
    local port=$1 header=$2 out
    if [[ -n $header ]]; then
        out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -H "$header" "https://$HOST:$port/" 2>&1)
    else
        out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" "https://$HOST:$port/" 2>&1)
    fi
    echo "$out" >>"$WORK/wrk.log"
    echo "$out" | awk '/Requests\/sec/ {print $2}'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A R
for load in keepalive handshake; do
    header=""
    [[ $load == handshake ]] && header="Connection: close"
    zq=() ng=()
    run "$ZQ_TLS_PORT" "$header" >/dev/null # warm
    run "$NGINX_TLS_PORT" "$header" >/dev/null
    for _ in $(seq 1 "$ROUNDS"); do
        ng+=("$(run "$NGINX_TLS_PORT" "$header")")
        zq+=("$(run "$ZQ_TLS_PORT" "$header")")
    done
    R[$load.nginx]=$(printf '%s\n' "${ng[@]}" | median)
    R[$load.zhanqun]=$(printf '%s\n' "${zq[@]}" | median)
    R[$load.all]="nginx ${ng[*]} / zhanqun ${zq[*]}"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
keep_ratio=$(ratio "${R[keepalive.zhanqun]}" "${R[keepalive.nginx]}")
hs_ratio=$(ratio "${R[handshake.zhanqun]}" "${R[handshake.nginx]}")
verdict=MISS
awk -v r="$keep_ratio" 'BEGIN { exit !(r >= 1.0) }' && verdict=PASS

{
    echo "# ops/bench/tls.sh — $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
    echo "nginx: $(nginx -v 2>&1 | sed 's/.*: //'), wrk: $(wrk -v 2>&1 | head -1 | awk '{print $2}'), openssl: $(openssl version | awk '{print $2}')"
    echo "page: https://$HOST/ ($BYTES bytes, the same bytes from both), certificate ECDSA P-256 from a local CA"
    echo "load: wrk -t$THREADS -c$CONNS -d$DURATION, $ROUNDS rounds alternating nginx/zhanqun, median shown"
    echo
    echo "| load | nginx req/s | Zhanqun req/s | Zhanqun / nginx | target |"
    echo "|---|---:|---:|---:|---|"
    echo "| keep-alive over TLS | ${R[keepalive.nginx]} | ${R[keepalive.zhanqun]} | $keep_ratio | >= 1.0: $verdict |"
    echo "| full handshake per request (Connection: close) | ${R[handshake.nginx]} | ${R[handshake.zhanqun]} | $hs_ratio | recorded |"
    echo
    echo "rounds: keep-alive ${R[keepalive.all]}; handshakes ${R[handshake.all]}"
} | tee "$OUT"
