#!/usr/bin/env python3
"""A mock of the console's editor page and its endpoints, for checking static/rte.js in a browser.

    python3 server.py [PORT]        (default 8765; binds 127.0.0.1 only)

GET  /                      the editor page (harness/index.html); ?body=NAME picks the textarea's
                            content from FIXTURES, ?attrs=none drops the form's data-* attributes,
                            ?status=none leaves out the <p class="rte-status"> (the bundle adds one)
GET  /static/FILE           crates/zq-render/static/FILE (style.css, rte.js, console.js)
GET  /rte.css               crates/zq-render/editor/rte.css
POST /console/sites/jb/attachments/inline   multipart csrf+file -> {"url","name","is_image"} or
                            {"error"} 4xx (a file named *toolarge* is refused, as the server would)
GET  /console/sites/jb/autosave?page=P      {"saved_at","fields"} or {}
POST /console/sites/jb/autosave?page=P      multipart form fields -> {"saved_at"}
POST /console/sites/jb/preview              urlencoded fields -> a page with title and body
POST /console/sites/jb/articles/new         the form itself -> a page echoing what was sent
GET  /files/…               the uploaded files
GET  /__state, POST /__reset                the mock's memory, for check.py
POST /__config {"fail_autosave": bool, "slow_submit": seconds}   make the autosave fail (500),
                            make the form's own POST answer late
Every answer carries the console's Content-Security-Policy, so a violation shows in the browser.
"""
import hashlib
import html
import json
import os
import sys
import threading
import time
from email.parser import BytesParser
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
STATIC = os.path.normpath(os.path.join(HERE, "..", "..", "static"))
RTE_CSS = os.path.normpath(os.path.join(HERE, "..", "rte.css"))
UPLOADS = "/tmp/rte-uploads"
CSP = ("default-src 'self'; img-src 'self' data: https: http:; style-src 'self'; script-src 'self'; "
       "frame-ancestors 'self'; base-uri 'self'; form-action 'self'")
ATTRS = ('data-upload-url="/console/sites/jb/attachments/inline" '
         'data-autosave-url="/console/sites/jb/autosave?page=articles/new" '
         'data-preview-url="/console/sites/jb/preview"')
FIXTURES = {
    "empty": "",
    "legacy": ('<div>旧系统的一段文字</div>裸露的文字\n<p><img src="/static/logo.svg" alt="网站标志"></p>'
               '<p><b>粗体</b>和<i>斜体</i>，<font color="red">红字</font>，<span style="text-align:center">x</span></p>'
               '<h1>旧的一级标题</h1><h4>旧的四级标题</h4>'
               '<p style="text-align:center;text-indent:2em">居中缩进的旧段落</p>'
               '<table border="1" width="600"><colgroup><col width="200"></colgroup><tr><td width="200" style="color:red">甲</td><td>乙</td></tr></table>'
               '<ul><li>一</li><li>二</li></ul>'),
    "hostile": ('<p>正常段落</p><img src="x" onerror="window.__xss=1" alt="坏图">'
                '<script>window.__xss=2</script><p><a href="javascript:window.__xss=3">坏链接</a>'
                '<a href="//evil.example/">协议相对</a><a href="/ok">站内</a></p>'
                '<iframe src="/x"></iframe><p onclick="window.__xss=4" style="color:red" class="evil indent">属性</p>'
                '<img src="data:image/png;base64,iVBORw0KGgo=" alt="数据图">'),
    "text": "第一段文字\n第二段文字\n\n第三段<不是标签>",
}
STATUS = '<p class="rte-status" role="status" aria-live="polite"></p>'

STATE = {"autosaves": {}, "autosave_posts": [], "uploads": [], "previews": [], "submits": []}
CONFIG = {"fail_autosave": False, "slow_submit": 0}
LOCK = threading.Lock()


def parse_multipart(content_type, body):
    msg = BytesParser(policy=email_policy).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\nMIME-Version: 1.0\r\n\r\n" + body)
    fields, files = {}, []
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename is not None:
            files.append((name, filename, part.get_content_type(), payload))
        else:
            fields[name] = payload.decode("utf-8")
    return fields, files


class Handler(BaseHTTPRequestHandler):
    server_version = "rte-mock"

    def log_message(self, fmt, *args):
        if os.environ.get("RTE_MOCK_LOG"):
            sys.stderr.write("mock: " + fmt % args + "\n")

    def send(self, status, body, ctype="text/html; charset=utf-8"):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def json(self, status, obj):
        self.send(status, json.dumps(obj, ensure_ascii=False), "application/json")

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n)

    def do_GET(self):
        url = urlsplit(self.path)
        q = parse_qs(url.query)
        path = url.path
        if path == "/":
            page = open(os.path.join(HERE, "index.html"), encoding="utf-8").read()
            body = FIXTURES.get(q.get("body", ["empty"])[0], "")
            page = page.replace("{{BODY}}", html.escape(body, quote=False))
            page = page.replace("{{ATTRS}}", "" if q.get("attrs") == ["none"] else ATTRS)
            page = page.replace("{{STATUS}}", "" if q.get("status") == ["none"] else STATUS)
            return self.send(200, page)
        if path.startswith("/static/") and "/.." not in path:
            f = os.path.join(STATIC, os.path.basename(path))
            if os.path.isfile(f):
                ctype = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
                         "svg": "image/svg+xml"}.get(f.rsplit(".", 1)[-1], "application/octet-stream")
                return self.send(200, open(f, "rb").read(), ctype)
        if path == "/rte.css":
            return self.send(200, open(RTE_CSS, "rb").read(), "text/css; charset=utf-8")
        if path.startswith("/files/") and "/.." not in path:
            f = os.path.join(UPLOADS, os.path.basename(path))
            if os.path.isfile(f):
                return self.send(200, open(f, "rb").read(), "image/png")
        if path == "/console/sites/jb/autosave":
            page = q.get("page", [""])[0]
            with LOCK:
                kept = STATE["autosaves"].get(page)
            return self.json(200, kept or {})
        if path == "/__state":
            with LOCK:
                return self.json(200, STATE)
        return self.send(404, "<h1>404</h1>")

    def do_POST(self):
        url = urlsplit(self.path)
        q = parse_qs(url.query)
        path = url.path
        ctype = self.headers.get("Content-Type", "")
        raw = self.body()
        if path == "/__reset":
            with LOCK:
                for k in STATE:
                    STATE[k] = {} if k == "autosaves" else []
                CONFIG.update(fail_autosave=False, slow_submit=0)
            return self.json(200, {})
        if path == "/__config":
            with LOCK:
                CONFIG.update(json.loads(raw or b"{}"))
            return self.json(200, CONFIG)
        if path == "/console/sites/jb/attachments/inline":
            if not ctype.startswith("multipart/form-data"):
                return self.json(400, {"error": "请求格式不对"})
            fields, files = parse_multipart(ctype, raw)
            if fields.get("csrf") != "test-csrf":
                return self.json(403, {"error": "页面已过期（可能已在别处退出），请刷新后再试。"})
            if not files:
                return self.json(422, {"error": "请选择要上传的文件"})
            _, filename, ftype, data = files[0]
            if "toolarge" in filename:
                return self.json(422, {"error": "“%s”超过 5 MiB，图片不能超过 5 MiB。" % filename})
            digest = hashlib.sha256(data).hexdigest()
            ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
            os.makedirs(UPLOADS, exist_ok=True)
            name = digest[:16] + "." + ext
            with open(os.path.join(UPLOADS, name), "wb") as f:
                f.write(data)
            with LOCK:
                STATE["uploads"].append({"name": filename, "type": ftype, "size": len(data), "stored": name})
            return self.json(200, {"url": "/files/" + name, "name": filename,
                                   "is_image": ftype.startswith("image/")})
        if path == "/console/sites/jb/autosave":
            if not ctype.startswith("multipart/form-data"):
                return self.json(400, {"error": "请求格式不对"})
            fields, files = parse_multipart(ctype, raw)
            if fields.get("csrf") != "test-csrf":
                return self.json(403, {"error": "页面已过期，请刷新后再试。"})
            at = time.strftime("%Y-%m-%d %H:%M")
            page = q.get("page", [""])[0]
            if CONFIG["fail_autosave"]:
                with LOCK:
                    STATE["autosave_posts"].append({"t": time.time(), "failed": True})
                return self.json(500, {"error": "数据库暂时不可用"})
            with LOCK:
                STATE["autosaves"][page] = {"saved_at": at, "fields": fields}
                STATE["autosave_posts"].append({"t": time.time(), "fields": sorted(fields),
                                                "files": [f[0] for f in files], "content_type": ctype.split(";")[0]})
            return self.json(200, {"saved_at": at})
        if path == "/console/sites/jb/preview":
            fields = {k: v[0] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
            with LOCK:
                STATE["previews"].append({"content_type": ctype, "fields": fields})
            page = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>预览：%s</title>'
                    '<link rel="stylesheet" href="/static/style.css"></head><body><main><article class="article">'
                    '<h1>%s</h1><div class="body">%s</div></article></main></body></html>'
                    % (html.escape(fields.get("title", "")), html.escape(fields.get("title", "")),
                       fields.get("body", "")))
            return self.send(200, page)
        if path == "/console/sites/jb/articles/new":
            fields, files = parse_multipart(ctype, raw) if ctype.startswith("multipart/") else ({}, [])
            with LOCK:
                STATE["submits"].append({"t": time.time(), "fields": fields})
            time.sleep(float(CONFIG["slow_submit"] or 0))
            return self.send(200, '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>已保存</title>'
                             '</head><body><h1>已保存</h1><pre id="got">%s</pre></body></html>'
                             % html.escape(json.dumps(fields, ensure_ascii=False, indent=1)))
        return self.json(404, {"error": "无此地址"})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(port):
    httpd = Server(("127.0.0.1", port), Handler)
    return httpd


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8765
    httpd = serve(port)
    print("rte mock on http://127.0.0.1:%d/" % httpd.server_address[1], flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
