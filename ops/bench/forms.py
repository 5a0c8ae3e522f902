#!/usr/bin/env python3
"""Public form load: N letters from C concurrent clients, each stored exactly once.

    python3 ops/bench/forms.py --port 18091 [-n 10000] [-c 64]

Normally run by ops/bench/forms.sh, which starts the server and checks the database afterwards.
Python 3 standard library only.

Every submission is what a citizen's browser does on the letter form (我要写信):

  1. GET  /sites/{site}/forms/letter   -> 200, HTML with <input name="token" value="...">;
  2. POST /sites/{site}/forms/letter   (application/x-www-form-urlencoded: token, mailbox,
     category=consultation, subject "压测来信 {i}", content, name, phone, email="")
     -> 200, the query page with class="query-code"><strong>XXXX-XXXX-XXXX</strong> and the
     case's subject, which must be the one just posted.

Every DUP_EVERY-th submission (i % DUP_EVERY == 0) posts the same body, same token, twice; both
answers must be 200 with the same query code (the server takes a token once). --dup-mode picks
how the second post goes out:
  sequential  after the first answer, on the same connection (a retry);
  concurrent  on a second connection of the same client, sent before the first answer is read
              (a double click: both posts are on the wire together);
  mixed       (default) alternately: i % (2*DUP_EVERY) == 0 sequential, the others concurrent.
Such a submission counts once.

The C worker threads take submission numbers from a shared counter, each with its own
persistent http.client.HTTPConnection (keep-alive). With --sources K > 1 worker w connects from
the loopback address 127.0.(w % K // 250).(w % K % 250 + 1), so the server sees K client
addresses (only when --host is a 127.x address; Linux routes all of 127/8 to lo).

Nothing is retried: a failed submission is reported, never repeated.

Timings: "POST" is the first POST of each submission, from sending it to reading the whole
answer; "submission" is GET + POST(s), from sending the GET to reading the last answer;
"duplicate POST" is the second POST of a doubled submission (for a concurrent pair it is read
after the first, so it includes that wait). Percentiles are nearest-rank.

Prints human-readable lines, then, as its last line, one line of JSON with the figures.
Exits 1 if any submission failed or the distinct query codes are not exactly N; 2 on bad usage.
--codes-out FILE writes "subject<TAB>sha256('query-code:'+code without dashes)" per stored
submission, the form the database keeps (cases.query_code_hash), for forms.sh to compare.
"""

import argparse
import hashlib
import http.client
import json
import math
import re
import sys
import threading
import time
import urllib.parse
from collections import Counter

TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')
CODE_RE = re.compile(r'class="query-code"><strong>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</strong>')
SUBJECT_RE = re.compile(r'<th scope="row">标题</th><td>([^<]*)</td>')
MAIN_RE = re.compile(r'<main[^>]*>(.*?)</main>', re.S)
TAG_RE = re.compile(r'<[^>]+>')

SUBJECT_PREFIX = "压测来信 "
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=18091)
    p.add_argument("--site", default="jb", help="site code: /sites/{site}/forms/letter")
    p.add_argument("--mailbox", default="qzxx", help="mailbox slug")
    p.add_argument("-n", "--submissions", type=int, default=10000)
    p.add_argument("-c", "--clients", type=int, default=64)
    p.add_argument("--dup-every", type=int, default=10,
                   help="every k-th submission is posted twice (0 = never)")
    p.add_argument("--dup-mode", choices=("sequential", "concurrent", "mixed"), default="mixed")
    p.add_argument("--sources", type=int, default=1,
                   help="distinct loopback client addresses (1 = all from the OS's choice)")
    p.add_argument("--timeout", type=float, default=60.0, help="socket timeout, seconds")
    p.add_argument("--codes-out", help="write subject<TAB>code hash per stored submission")
    a = p.parse_args()
    if a.submissions < 1 or a.clients < 1 or a.dup_every < 0 or a.sources < 1:
        p.error("-n, -c and --sources must be >= 1, --dup-every >= 0")
    return a


def percentile(sorted_values, q):
    """Nearest-rank percentile of an ascending list (q in 0..100)."""
    if not sorted_values:
        return None
    k = max(1, math.ceil(q / 100.0 * len(sorted_values)))
    return sorted_values[k - 1]


def summary(values_s):
    v = sorted(x * 1000.0 for x in values_s)
    if not v:
        return {"count": 0}
    return {
        "count": len(v),
        "mean": round(sum(v) / len(v), 2),
        "p50": round(percentile(v, 50), 2),
        "p90": round(percentile(v, 90), 2),
        "p99": round(percentile(v, 99), 2),
        "max": round(v[-1], 2),
    }


def gist(page):
    """The text of an answer's <main> (or of the whole answer), squeezed, for a failure line."""
    m = MAIN_RE.search(page)
    text = TAG_RE.sub(" ", m.group(1) if m else page)
    return " ".join(text.split())[:200]


def code_hash(code):
    normal = "".join(ch for ch in code if ch.isalnum()).upper()
    return hashlib.sha256(("query-code:" + normal).encode()).hexdigest()


class Failed(Exception):
    """A submission that did not end as one stored letter; str() is its reason class."""

    def __init__(self, reason, detail=""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


class Shared:
    def __init__(self, n):
        self.lock = threading.Lock()
        self.next_i = 0
        self.n = n
        self.ok = 0
        self.failures = Counter()
        self.samples = []  # (i, reason, detail), the first few
        self.codes = {}  # code -> i
        self.code_clash = []  # (code, i, other i)
        self.stored = []  # (subject, code hash)
        self.post_lat = []
        self.sub_lat = []
        self.dup_lat = []
        self.dups_posted = 0
        self.dups_same = 0
        self.dups_by_mode = Counter()
        self.get_lat = []

    def take(self):
        with self.lock:
            if self.next_i >= self.n:
                return None
            i = self.next_i
            self.next_i += 1
            return i


class Client:
    """One simulated client: a worker thread with its persistent connection(s)."""

    def __init__(self, args, w, shared):
        self.a = args
        self.shared = shared
        self.source = None
        if args.sources > 1 and args.host.startswith("127."):
            s = w % args.sources
            self.source = ("127.0.%d.%d" % (s // 250, s % 250 + 1), 0)
        self.base = "/sites/%s/forms/letter" % urllib.parse.quote(args.site)
        self.conn = self.connect()
        self.conn2 = None  # for concurrent duplicates, opened when first needed

    def connect(self):
        return http.client.HTTPConnection(self.a.host, self.a.port, timeout=self.a.timeout,
                                          source_address=self.source)

    def reset(self):
        for c in (self.conn, self.conn2):
            if c is not None:
                c.close()
        self.conn = self.connect()
        self.conn2 = None

    def exchange(self, conn, method, body, what):
        try:
            if body is None:
                conn.request(method, self.base)
            else:
                conn.request(method, self.base, body=body, headers=FORM_HEADERS)
            r = conn.getresponse()
            return r.status, r.read().decode("utf-8", "replace"), r.getheader("Retry-After")
        except (OSError, http.client.HTTPException) as e:
            raise Failed("%s error %s" % (what, type(e).__name__), str(e)) from e

    @staticmethod
    def check_answer(status, page, retry_after, what, subject):
        if status != 200:
            detail = gist(page)
            if retry_after:
                detail = "Retry-After: %s; %s" % (retry_after, detail)
            raise Failed("%s %d" % (what, status), detail)
        m = CODE_RE.search(page)
        if not m:
            raise Failed("%s 200 without query code" % what, gist(page))
        s = SUBJECT_RE.search(page)
        if not s or s.group(1) != subject:
            raise Failed("%s 200 for another subject" % what,
                         "expected %r, got %r" % (subject, s.group(1) if s else None))
        return m.group(1)

    def submit(self, i):
        a = self.a
        subject = "%s%d" % (SUBJECT_PREFIX, i)
        t0 = time.perf_counter()
        status, page, _ = self.exchange(self.conn, "GET", None, "GET")
        t_get = time.perf_counter()
        if status != 200:
            raise Failed("GET %d" % status, gist(page))
        m = TOKEN_RE.search(page)
        if not m:
            raise Failed("GET 200 without token", gist(page))
        body = urllib.parse.urlencode({
            "token": m.group(1),
            "mailbox": a.mailbox,
            "category": "consultation",
            "subject": subject,
            "content": "这是第 %d 封压测来信，用于检验表单提交不丢不重，请勿办理。" % i,
            "name": "压测",
            "phone": "13800000000",
            "email": "",
        })
        dup = a.dup_every > 0 and i % a.dup_every == 0
        mode = None
        if dup:
            mode = a.dup_mode
            if mode == "mixed":
                mode = "sequential" if i % (2 * a.dup_every) == 0 else "concurrent"
        dup_lat = None
        t1 = time.perf_counter()
        if mode == "concurrent":
            # A fresh second connection for each double click: a kept one would sit idle for
            # many seconds between this client's doubled submissions, longer than the server's
            # keep-alive wait (http.header_read_timeout_secs), and be closed under it.
            if self.conn2 is not None:
                self.conn2.close()
            self.conn2 = self.connect()
            # Both posts on the wire before either answer is read.
            try:
                self.conn.request("POST", self.base, body=body, headers=FORM_HEADERS)
                t2a = time.perf_counter()
                self.conn2.request("POST", self.base, body=body, headers=FORM_HEADERS)
                r1 = self.conn.getresponse()
                first = (r1.status, r1.read().decode("utf-8", "replace"), r1.getheader("Retry-After"))
                t_first = time.perf_counter()
                r2 = self.conn2.getresponse()
                second = (r2.status, r2.read().decode("utf-8", "replace"), r2.getheader("Retry-After"))
                t_second = time.perf_counter()
            except (OSError, http.client.HTTPException) as e:
                raise Failed("POST error %s" % type(e).__name__, str(e)) from e
            post_lat = t_first - t1
            dup_lat = t_second - t2a
            t_end = t_second
        else:
            first = self.exchange(self.conn, "POST", body, "POST")
            t_first = time.perf_counter()
            post_lat = t_first - t1
            t_end = t_first
        code = self.check_answer(*first, "POST", subject)
        if mode == "sequential":
            t2 = time.perf_counter()
            second = self.exchange(self.conn, "POST", body, "duplicate POST")
            t_end = time.perf_counter()
            dup_lat = t_end - t2
        if mode is not None:
            with self.shared.lock:
                self.shared.dups_posted += 1
                self.shared.dups_by_mode[mode] += 1
            code2 = self.check_answer(*second, "duplicate POST", subject)
            if code2 != code:
                raise Failed("duplicate POST got another code", "%s then %s" % (code, code2))
        return subject, code, t_get - t0, post_lat, t_end - t0, dup_lat

    def run(self):
        sh = self.shared
        while True:
            i = sh.take()
            if i is None:
                break
            try:
                subject, code, get_lat, post_lat, sub_lat, dup_lat = self.submit(i)
            except Failed as f:
                # The connection may be mid-answer: start afresh for the next submission.
                self.reset()
                with sh.lock:
                    sh.failures[f.reason] += 1
                    if len(sh.samples) < 10:
                        sh.samples.append((i, f.reason, f.detail[:300]))
                continue
            with sh.lock:
                if code in sh.codes:
                    sh.code_clash.append((code, i, sh.codes[code]))
                else:
                    sh.codes[code] = i
                sh.ok += 1
                sh.stored.append((subject, code_hash(code)))
                sh.get_lat.append(get_lat)
                sh.post_lat.append(post_lat)
                sh.sub_lat.append(sub_lat)
                if dup_lat is not None:
                    sh.dup_lat.append(dup_lat)
                    sh.dups_same += 1
        for c in (self.conn, self.conn2):
            if c is not None:
                c.close()


def main():
    a = parse_args()
    sh = Shared(a.submissions)
    # Fail fast, before the load, if the form is not there.
    probe = http.client.HTTPConnection(a.host, a.port, timeout=a.timeout)
    try:
        probe.request("GET", "/sites/%s/forms/letter" % urllib.parse.quote(a.site))
        r = probe.getresponse()
        page = r.read().decode("utf-8", "replace")
    except OSError as e:
        print("forms.py: cannot reach %s:%d: %s" % (a.host, a.port, e), file=sys.stderr)
        return 1
    finally:
        probe.close()
    if r.status != 200 or not TOKEN_RE.search(page):
        print("forms.py: GET /sites/%s/forms/letter answered %d without a token" % (a.site, r.status),
              file=sys.stderr)
        return 1
    if ('value="%s"' % a.mailbox) not in page:
        print("forms.py: mailbox %r is not offered on the form of site %r" % (a.mailbox, a.site),
              file=sys.stderr)
        return 1

    clients = [Client(a, w, sh) for w in range(a.clients)]
    threads = [threading.Thread(target=c.run, name="client-%d" % w, daemon=True)
               for w, c in enumerate(clients)]
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    last = t0
    for t in threads:
        while t.is_alive():
            t.join(timeout=0.5)
            now = time.perf_counter()
            if now - last < 10:
                continue
            last = now
            with sh.lock:
                done, bad = sh.ok, sum(sh.failures.values())
            print("  … %.0f s: %d stored, %d failed" % (now - t0, done, bad), flush=True)
    elapsed = time.perf_counter() - t0
    client_cpu = time.process_time() - cpu0

    failed = sum(sh.failures.values())
    distinct = len(sh.codes)
    post = summary(sh.post_lat)
    sub = summary(sh.sub_lat)
    dupl = summary(sh.dup_lat)
    getl = summary(sh.get_lat)
    rate = sh.ok / elapsed if elapsed > 0 else 0.0
    sources = a.sources if (a.sources > 1 and a.host.startswith("127.")) else 1
    passed = failed == 0 and distinct == a.submissions and not sh.code_clash

    print("== public letter form: %d submissions from %d clients (%d source address%s) ==" % (
        a.submissions, a.clients, sources, "" if sources == 1 else "es"))
    print("target                  http://%s:%d/sites/%s/forms/letter, mailbox %s" % (
        a.host, a.port, a.site, a.mailbox))
    print("submissions ok          %d of %d" % (sh.ok, a.submissions))
    print("failures                %d%s" % (failed, "" if not failed else "  " + ", ".join(
        "%s: %d" % kv for kv in sorted(sh.failures.items()))))
    print("distinct query codes    %d (expected %d)%s" % (
        distinct, a.submissions, "" if not sh.code_clash else
        "  %d codes answered to two submissions" % len(sh.code_clash)))
    print("duplicates posted       %d (%s), %d answered 200 with the same code" % (
        sh.dups_posted, ", ".join("%s %d" % kv for kv in sorted(sh.dups_by_mode.items())) or "none",
        sh.dups_same))
    print("elapsed                 %.2f s" % elapsed)
    print("throughput              %.1f submissions/s (%d POSTs, %d GETs)" % (
        rate, sh.ok + sh.dups_posted, sh.ok))
    for label, s in (("POST latency ms", post), ("GET+POST latency ms", sub),
                     ("GET latency ms", getl), ("duplicate POST ms", dupl)):
        if s["count"]:
            print("%-23s p50 %.1f   p90 %.1f   p99 %.1f   max %.1f   (mean %.1f, n=%d)" % (
                label, s["p50"], s["p90"], s["p99"], s["max"], s["mean"], s["count"]))
    print("client CPU              %.1f s (this script, all threads)" % client_cpu)
    for i, reason, detail in sh.samples:
        print("  failed #%d: %s: %s" % (i, reason, detail.replace("\n", " ")))
    for code, i, j in sh.code_clash[:10]:
        print("  code %s answered to #%d and #%d" % (code, i, j))
    print("verdict                 %s" % ("PASS" if passed else "FAIL"))

    if a.codes_out:
        with open(a.codes_out, "w", encoding="utf-8") as f:
            for subject, h in sorted(sh.stored):
                f.write("%s\t%s\n" % (subject, h))

    result = {
        "submissions": a.submissions,
        "clients": a.clients,
        "source_addresses": sources,
        "ok": sh.ok,
        "failed": failed,
        "failures": dict(sorted(sh.failures.items())),
        "distinct_codes": distinct,
        "codes_clashing": len(sh.code_clash),
        "duplicates_posted": sh.dups_posted,
        "duplicates_by_mode": dict(sorted(sh.dups_by_mode.items())),
        "duplicates_same_code": sh.dups_same,
        "elapsed_s": round(elapsed, 3),
        "submissions_per_s": round(rate, 1),
        "posts": sh.ok + sh.dups_posted,
        "post_ms": post,
        "submission_ms": sub,
        "get_ms": getl,
        "duplicate_post_ms": dupl,
        "client_cpu_s": round(client_cpu, 2),
        "pass": passed,
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
