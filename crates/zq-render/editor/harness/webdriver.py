"""A very small W3C WebDriver client over urllib (no selenium needed): chromedriver + headless
Chromium, the calls check.py uses and nothing more."""
import base64
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
KEYS = {"enter": "\ue007", "tab": "\ue004", "escape": "\ue00c", "backspace": "\ue003", "end": "\ue010",
        "home": "\ue011", "left": "\ue012", "up": "\ue013", "right": "\ue014", "down": "\ue015",
        "shift": "\ue008", "control": "\ue009", "alt": "\ue00a", "f10": "\ue03a", "delete": "\ue017"}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class WebDriverError(Exception):
    pass


class Browser:
    def __init__(self, chromedriver="/usr/bin/chromedriver", chromium="/usr/bin/chromium", width=1280, height=1100):
        self.port = free_port()
        self.proc = subprocess.Popen([chromedriver, "--port=%d" % self.port],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = "http://127.0.0.1:%d" % self.port
        for _ in range(100):
            try:
                urllib.request.urlopen(self.base + "/status", timeout=1).read()
                break
            except Exception:
                time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=%d,%d" % (width, height), "--lang=zh-CN", "--disable-popup-blocking"]},
            "goog:loggingPrefs": {"browser": "ALL"},
        }}}
        self.session = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else (b"{}" if method == "POST" else None)
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                out = json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            out = json.loads(e.read() or b"{}")
            raise WebDriverError("%s %s: %s" % (method, path, out.get("value", {}).get("message", out)))
        return out.get("value")

    def s(self, method, path, body=None):
        return self._call(method, "/session/%s%s" % (self.session, path), body)

    def quit(self):
        try:
            self.s("DELETE", "")
        except Exception:
            pass
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except Exception:
            self.proc.kill()

    # navigation, scripts, windows
    def get(self, url):
        self.s("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def js_async(self, script, *args):
        return self.s("POST", "/execute/async", {"script": script, "args": list(args)})

    def handles(self):
        return self.s("GET", "/window/handles")

    def window(self):
        return self.s("GET", "/window")

    def switch(self, handle):
        self.s("POST", "/window", {"handle": handle})

    def close_window(self):
        return self.s("DELETE", "/window")

    def screenshot(self, path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.s("GET", "/screenshot")))

    def logs(self):
        try:
            return self.s("POST", "/se/log", {"type": "browser"})
        except WebDriverError:
            return []

    # elements
    def find(self, css):
        return self.s("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def find_all(self, css):
        return [e[ELEMENT] for e in self.s("POST", "/elements", {"using": "css selector", "value": css})]

    def click(self, el):
        self.s("POST", "/element/%s/click" % el)

    def type(self, el, text):
        self.s("POST", "/element/%s/value" % el, {"text": text})

    def clear(self, el):
        self.s("POST", "/element/%s/clear" % el)

    def text(self, el):
        return self.s("GET", "/element/%s/text" % el)

    def keys(self, *seq):
        """Key presses through the Actions API: each item a character, a KEYS name, or a tuple of
        them pressed together (e.g. ("control", "b"))."""
        actions = []
        for item in seq:
            combo = item if isinstance(item, tuple) else (item,)
            codes = [KEYS.get(k, k) for k in combo]
            for c in codes:
                actions.append({"type": "keyDown", "value": c})
            for c in reversed(codes):
                actions.append({"type": "keyUp", "value": c})
        self.s("POST", "/actions", {"actions": [{"type": "key", "id": "kbd", "actions": actions}]})
        self.s("DELETE", "/actions")

    def wait(self, script, timeout=10, every=0.1, *args):
        """Waits until the script returns something truthy; returns it."""
        end = time.time() + timeout
        last = None
        while time.time() < end:
            last = self.js(script, *args)
            if last:
                return last
            time.sleep(every)
        raise WebDriverError("timed out waiting for: %s (last %r)" % (script, last))
