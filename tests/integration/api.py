"""A tiny client of jiuzhu's HTTP API for the integration tests (stdlib only).

Session(base) keeps the session cookie and the CSRF token of one user, like a
browser would; call(method, path, body) returns (status, json or text, headers).
"""
import http.client
import json
import sys
import urllib.parse


class Session:
    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.cookie = None
        self.csrf = None
        self.user = None

    def call(self, method, path, body=None, headers=None, raw=None, csrf=True):
        h = dict(headers or {})
        data = None
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode()
            h.setdefault("Content-Type", "application/json")
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            h.setdefault("Content-Type", "application/json")
        if self.cookie:
            h.setdefault("Cookie", "jz_session=" + self.cookie)
        if csrf and self.csrf:
            h.setdefault("X-CSRF-Token", self.csrf)
        c = http.client.HTTPConnection(self.host, self.port, timeout=30)
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        payload = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        ctype = hdrs.get("content-type", "")
        if ctype.startswith("application/json"):
            try:
                payload = json.loads(payload)
            except ValueError:
                raise AssertionError(f"{method} {path}: invalid JSON body {payload[:200]!r}")
        return r.status, payload, hdrs

    def login(self, login, password):
        st, b, h = self.call("POST", "/api/login", {"login": login, "password": password})
        if st == 200:
            sc = h.get("set-cookie", "")
            self.cookie = sc.split(";", 1)[0].split("=", 1)[1]
            self.csrf = b["csrf_token"]
            self.user = b["user"]
        return st, b, h


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL:", what, file=sys.stderr)

    def status(self, got, want, what, body=None):
        ok = got in want if isinstance(want, (set, tuple, list)) else got == want
        if not ok and body is not None:
            what = f"{what}: {str(body)[:400]}"
        self.check(ok, f"{what}: status {got}, wanted {want}")

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)
