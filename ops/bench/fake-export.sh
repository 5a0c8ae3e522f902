#!/usr/bin/env bash
# Testing aid for ops/bench/run.sh: writes a made-up export in the layout `zhanqun export`
# produces, so the nginx / wrk / parsing / report parts of the benchmark can be exercised
# without building Zhanqun:
#
#   bash ops/bench/fake-export.sh /tmp/fake-export [HOSTS] [PAGES_PER_HOST]
#   FAKE_EXPORT=/tmp/fake-export bash ops/bench/run.sh
#
# Layout written (same as the real export):
#   DIR/{host}/index.html, DIR/{host}/col/{c}/index.html, DIR/{host}/col/{c}/page/2/index.html,
#   DIR/{host}/art/{n}.html, DIR/{host}/sitemap.html, DIR/{host}/sitemap.xml,
#   DIR/{host}/col/{c}/atom.xml, DIR/_static/site.css, and DIR/pages.tsv (host<TAB>path<TAB>bytes).
# Defaults: 36 hosts, 40 pages per host (1,440 pages of about 8-30 KB each).
set -euo pipefail

dir=${1:?usage: fake-export.sh DIR [HOSTS] [PAGES_PER_HOST]}
hosts=${2:-36}
per_host=${3:-40}

command -v python3 >/dev/null || { echo "fake-export.sh: needs python3" >&2; exit 1; }

python3 - "$dir" "$hosts" "$per_host" <<'PY'
import os, random, sys

out, n_hosts, per_host = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(20240611)
codes = ["www"] + ["fgw", "jyj", "gaj", "mzj", "czj", "rsj", "zrzyj", "sthjj", "zjj", "jtj",
                   "slj", "nyj", "swj", "wlj", "wjw", "yjj", "sjj", "tjj", "ybj", "cgj"]
codes += ["%s-%s" % (d, t) for d in ("jb", "xh", "hs") for t in ("hbjd", "dqjd", "xzz", "nhz", "sxz")]
codes = codes[:n_hosts]
while len(codes) < n_hosts:
    codes.append("site%02d" % len(codes))
os.makedirs(os.path.join(out, "_static"), exist_ok=True)
with open(os.path.join(out, "_static", "site.css"), "w") as f:
    f.write("body{font-family:sans-serif}\n" * 40)
lines = []
filler = "海川市人民政府门户网站 政务公开 信息公开 办事服务 互动交流 " * 4

def write(host, path, kind):
    if path.endswith("/"):
        rel = path + "index.html"
    else:
        rel = path
    full = os.path.join(out, host, rel.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    size = rng.randint(8_000, 30_000)
    if kind == "xml":
        head = '<?xml version="1.0" encoding="utf-8"?>\n<feed><id>http://%s:18082%s</id>\n' % (host, path)
        tail = "</feed>\n"
    else:
        head = "<!doctype html><html><head><title>%s %s</title></head><body>\n" % (host, path)
        tail = "</body></html>\n"
    body = head
    while len(body.encode()) < size:
        body += "<p>%s %s</p>\n" % (filler, rng.randint(0, 10**9))
    body += tail
    data = body.encode()
    with open(full, "wb") as f:
        f.write(data)
    lines.append("%s\t%s\t%d\n" % (host, path, len(data)))

for code in codes:
    host = "%s.haichuan.localhost" % code
    write(host, "/", "html")
    write(host, "/sitemap.html", "html")
    write(host, "/sitemap.xml", "xml")
    cols = ["ywdt", "tzgg", "zcwj"]
    for c in cols:
        write(host, "/col/%s/" % c, "html")
        write(host, "/col/%s/page/2/" % c, "html")
        write(host, "/col/%s/atom.xml" % c, "xml")
    art = 1000 * (codes.index(code) + 1)
    remaining = max(0, per_host - 3 - 3 * len(cols))
    for i in range(remaining):
        write(host, "/art/%d.html" % (art + i), "html")

with open(os.path.join(out, "pages.tsv"), "w") as f:
    f.writelines(lines)
print("fake-export.sh: %d pages over %d hosts in %s" % (len(lines), len(codes), out))
PY
