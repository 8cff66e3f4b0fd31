#!/usr/bin/env python3
"""jz_http.py - the HTTP chores of bench/bench_server.sh (Python stdlib only).

  jz_http.py login PORT LOGIN            password from JZ_BENCH_PASSWORD; prints the
                                         session token (the jz_session cookie)
  jz_http.py get PORT TOKEN PATH         prints the answer's size in bytes, or fails
  jz_http.py post PORT TOKEN PATH FILE   the same for a POST of FILE (JSON)
  jz_http.py accept PORT TOKEN PREFIX FIRST COUNT WANT DATE
                                         accepts applications (POST /api/cases) for the
                                         households PREFIX%08d, FIRST to FIRST+COUNT-1, on
                                         DATE, four at a time, until WANT cases exist;
                                         prints their IDs, one a line
  jz_http.py hold PORT TOKEN PID N [PATH]
                                         opens N keep-alive connections, sends one GET of
                                         PATH (default /api/me) on each and reads its
                                         answer, then reads /proc/PID/status while all N
                                         are open; prints "KEY VALUE" lines
  jz_http.py fsync DIR                   the median time in ms of appending 16 KiB (one
                                         page of the store) to a file in DIR and
                                         fdatasync: what every durable commit waits for
                                         at least

Every failure is printed to stderr with the answer's status and body, and the
exit status is 1.
"""
import http.client
import json
import os
import resource
import socket
import sys
import threading
import time


def fail(msg):
    print("jz_http: " + msg, file=sys.stderr)
    sys.exit(1)


def conn(port):
    return http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def login(port, who):
    pw = os.environ.get("JZ_BENCH_PASSWORD")
    if not pw:
        fail("JZ_BENCH_PASSWORD is not set")
    c = conn(port)
    c.request("POST", "/api/login", json.dumps({"login": who, "password": pw}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        fail("login %s: %d %s" % (who, r.status, body[:300].decode(errors="replace")))
    for h, v in r.getheaders():
        if h.lower() == "set-cookie" and v.startswith("jz_session="):
            print(v.split(";", 1)[0].split("=", 1)[1])
            return
    fail("login %s: no jz_session cookie" % who)


def one(port, token, method, path, body=None):
    c = conn(port)
    hdr = {"Authorization": "Bearer " + token}
    if body is not None:
        hdr["Content-Type"] = "application/json"
    c.request(method, path, body, hdr)
    r = c.getresponse()
    data = r.read()
    if r.status // 100 != 2:
        fail("%s %s: %d %s" % (method, path, r.status, data[:300].decode(errors="replace")))
    print(len(data))


def accept(port, token, prefix, first, count, want, date):
    ids, refused = [], []
    lock = threading.Lock()
    nxt = [first]

    def worker():
        c = conn(port)
        while True:
            with lock:
                if len(ids) >= want or nxt[0] >= first + count:
                    return
                i = nxt[0]
                nxt[0] += 1
            hid = "%s%08d" % (prefix, i)
            body = json.dumps({"household_id": hid, "date": date, "note": "性能测试受理"})
            c.request("POST", "/api/cases", body,
                      {"Content-Type": "application/json", "Authorization": "Bearer " + token})
            r = c.getresponse()
            data = r.read()
            with lock:
                if r.status == 201:
                    ids.append(json.loads(data)["case"]["id"])
                else:
                    refused.append("%s: %d %s" % (hid, r.status, data[:200].decode(errors="replace")))

    ts = [threading.Thread(target=worker) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if len(ids) < want:
        fail("only %d of %d cases accepted; first refusals:\n  %s"
             % (len(ids), want, "\n  ".join(refused[:5])))
    for i in sorted(ids)[:want]:
        print(i)


def status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "RssAnon", "Threads"):
                out[k] = v.split()[0]
    out["fds"] = str(len(os.listdir("/proc/%d/fd" % pid)))
    return out


def hold(port, token, pid, n, path):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 256), hard))
    for k, v in status(pid).items():
        print("idle_%s %s" % (k, v))
    req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\n"
           "Connection: keep-alive\r\n\r\n" % (path, port, token)).encode()
    socks, bad = [], 0
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=60)
        s.sendall(req)
        socks.append(s)
    # Read every answer (headers and Content-Length bytes of body).
    for s in socks:
        buf = b""
        while b"\r\n\r\n" not in buf:
            d = s.recv(65536)
            if not d:
                break
            buf += d
        head, _, rest = buf.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        if not lines[0].startswith(b"HTTP/1.1 2"):
            bad += 1
        length = 0
        for ln in lines[1:]:
            k, _, v = ln.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v.strip())
        while len(rest) < length:
            d = s.recv(65536)
            if not d:
                break
            rest += d
    time.sleep(0.5)  # let the server settle with all of them open
    # Still open?  A closed connection reads as EOF at once.
    alive = 0
    for s in socks:
        s.setblocking(False)
        try:
            alive += 0 if s.recv(1) == b"" else 1
        except BlockingIOError:
            alive += 1
    for k, v in status(pid).items():
        print("open_%s %s" % (k, v))
    print("open_connections %d" % alive)
    print("non2xx %d" % bad)
    for s in socks:
        s.close()


def fsync(d):
    path = os.path.join(d, "fsync-probe")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    page = b"\0" * 16384
    times = []
    try:
        for i in range(100):
            t = time.perf_counter()
            os.pwrite(fd, page, i * len(page))  # appended, as to the store's log
            os.fdatasync(fd)
            times.append(time.perf_counter() - t)
    finally:
        os.close(fd)
        os.unlink(path)
    times.sort()
    print("%.2f" % (times[len(times) // 2] * 1000))


def main(a):
    if len(a) == 2 and a[0] == "fsync":
        fsync(a[1])
        return
    if len(a) < 2:
        fail("usage: see the top of this file")
    cmd, port = a[0], int(a[1])
    if cmd == "login" and len(a) == 3:
        login(port, a[2])
    elif cmd == "get" and len(a) == 4:
        one(port, a[2], "GET", a[3])
    elif cmd == "post" and len(a) == 5:
        with open(a[4], "rb") as f:
            one(port, a[2], "POST", a[3], f.read())
    elif cmd == "accept" and len(a) == 8:
        accept(port, a[2], a[3], int(a[4]), int(a[5]), int(a[6]), a[7])
    elif cmd == "hold" and len(a) in (5, 6):
        hold(port, a[2], int(a[3]), int(a[4]), a[5] if len(a) == 6 else "/api/me")
    else:
        fail("usage: see the top of this file")


if __name__ == "__main__":
    main(sys.argv[1:])
