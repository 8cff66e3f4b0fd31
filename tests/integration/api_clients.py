"""64 clients at once through `jiuzhu serve` (tests/integration/test_pg_clients.sh).

  api_clients.py BASE PASSWORD PREFIX FIRST ROUND OUT

PREFIX is the households' ID prefix (H140902-), FIRST the number of the
first household of this round.  64 clients, each logged in on its own
(caseworkers xiang01..xiang04 in turn) with its own keep-alive connection,
take household FIRST+i (i = 0..63) from the application to 公示: accept,
investigate (with a home visit), verify, preliminary, notice, and two more
home visits.  Besides them, 8 racers, two on each of the households
FIRST+64..FIRST+67, take the same steps on the same case at the same time:
of each pair exactly one accepts the case and each step is taken once (the
pair sends each step at the same moment); the other is told 409 (a genuine
conflict: both read the case before either wrote) or 422 on the field
"case" (the step is no longer legal in the state the winner left); the
second application of a household: 422 "这一户已有未办结的案件", what any
second application is told.  All 72 start together (a barrier).

Every answer is checked: 2xx, or 409 for a racer; never 5xx, never words of
PostgreSQL (SQLSTATE codes, "serializ", "deadlock", English libpq text).
Writes OUT: one JSON object {"cases": {household: case id}, "racers":
{household: case id}, "answers": n, "seconds": s} for the shell's checks of
the database, and prints the round's figures.  Exit 1 on any failure.
"""
import http.client
import json
import re
import sys
import threading
import time
import urllib.parse

from api import Checks

BASE, PW, PREFIX, FIRST, ROUND, OUT = sys.argv[1:7]
FIRST = int(FIRST)
CLIENTS = 64
RACED = 4  # households raced on, two racers each
U = urllib.parse.urlsplit(BASE)
RAW = re.compile(r"SQLSTATE|serializ|deadlock|could not|violates|duplicate key|relation \"|"
                 r"server closed|\(40001\)|\(40P01\)|PostgreSQL", re.I)
STEPS = (
    {"action": "investigate", "date": "2025-03-04", "home_visit": True},
    {"action": "verify", "date": "2025-03-05"},
    {"action": "preliminary", "date": "2025-03-06"},
    {"action": "notice", "date": "2025-03-07"},
)
VISITS = ({"action": "home-visit", "date": "2025-03-10", "note": "入户调查：核实家庭成员"},
          {"action": "home-visit", "date": "2025-03-11", "note": "入户调查：核实收入和财产"})

t = Checks()
lock = threading.Lock()
answers = []  # (who, what, status, body text)
cases, racers = {}, {}


class Client:
    def __init__(self, login):
        self.c = http.client.HTTPConnection(U.hostname, U.port, timeout=120)
        st, b = self.call("POST", "/api/login", {"login": login, "password": PW}, record=False)
        if st != 200:
            raise AssertionError(f"login {login}: {st} {b[:200]}")
        self.csrf = json.loads(b)["csrf_token"]

    def call(self, method, path, body, record=True, who="", what=""):
        h = {"Content-Type": "application/json"}
        if getattr(self, "cookie", None):
            h["Cookie"] = "jz_session=" + self.cookie
            h["X-CSRF-Token"] = self.csrf
        self.c.request(method, path, json.dumps(body, ensure_ascii=False).encode(), h)
        r = self.c.getresponse()
        data = r.read().decode(errors="replace")
        if not getattr(self, "cookie", None):
            for k, v in r.getheaders():
                if k.lower() == "set-cookie" and v.startswith("jz_session="):
                    self.cookie = v.split(";", 1)[0].split("=", 1)[1]
        if record:
            with lock:
                answers.append((who, what, r.status, data))
        return r.status, data


def lost_accept(st, body):
    """The answer to the second of two applications of one household at
    once: as to any application of a household whose case is open, 422
    "这一户已有未办结的案件" (R-WF: continue in that case), on either backend."""
    return st == 422 and "已有未办结的案件" in body


def lost_step(st, body):
    """The answer to the loser of two racers taking the same step: 409 when
    both read the case before either wrote it (JZ_ECONFLICT), else 422 on
    the field "case": the step is no longer legal in the state the winner
    left (as it would be one after the other)."""
    if st == 409:
        return True
    try:
        return st == 422 and json.loads(body)["error"].get("field") == "case"
    except (ValueError, KeyError, TypeError):
        return False


pairs = {}


def work(i, barrier, racer):
    hid = f"{PREFIX}{FIRST + i:08d}"
    who = f"{'racer' if racer else 'client'} {i} ({hid})"
    pair = pairs[hid] if racer else None
    try:
        c = Client(f"xiang0{1 + i % 4}")
    except Exception as e:  # noqa: BLE001 - reported as a failure
        with lock:
            answers.append((who, "login", 0, str(e)))
        barrier.wait()
        return
    barrier.wait()
    st, b = c.call("POST", "/api/cases", {"household_id": hid, "date": "2025-03-03", "note": "申请低保"},
                   who=who, what="accept")
    if st == 201:
        with lock:
            (racers if racer else cases)[hid] = json.loads(b)["case"]["id"]
    elif not (racer and lost_accept(st, b)):
        return
    if racer:
        pair.wait()  # the winner has put the case in racers
    with lock:
        cid = (racers if racer else cases).get(hid)
    if not cid:
        return
    for s in STEPS + (() if racer else VISITS):
        if racer:
            pair.wait()  # both racers send the step at the same moment
        c.call("POST", f"/api/cases/{cid}/steps", s, who=who, what=s["action"])


def main():
    barrier = threading.Barrier(CLIENTS + 2 * RACED)
    for k in range(RACED):
        pairs[f"{PREFIX}{FIRST + CLIENTS + k:08d}"] = threading.Barrier(2, timeout=120)
    ts = [threading.Thread(target=work, args=(i, barrier, False)) for i in range(CLIENTS)]
    ts += [threading.Thread(target=work, args=(CLIENTS + i // 2, barrier, True)) for i in range(2 * RACED)]
    t0 = time.monotonic()
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    secs = time.monotonic() - t0
    by = {}
    for who, what, st, body in answers:
        by[st] = by.get(st, 0) + 1
        racer = who.startswith("racer")
        ok = 200 <= st < 300 or (racer and (lost_accept(st, body) if what == "accept" else lost_step(st, body)))
        t.check(ok, f"round {ROUND}: {who} {what}: status {st}: {body[:300]}")
        t.check(not RAW.search(body), f"round {ROUND}: {who} {what}: PostgreSQL's words reach the user: {body[:300]}")
        if st == 409:
            try:
                e = json.loads(body)["error"]
                t.check(e.get("status") == 409 and any("\u4e00" <= ch <= "\u9fff" for ch in e.get("message", "")),
                        f"round {ROUND}: {who} {what}: a 409 in the error shape, in Chinese: {body[:300]}")
            except (ValueError, KeyError, TypeError):
                t.check(False, f"round {ROUND}: {who} {what}: a 409 without the JSON error: {body[:300]}")
    t.check(len(cases) == CLIENTS, f"round {ROUND}: {len(cases)} of {CLIENTS} clients' cases accepted")
    t.check(len(racers) == RACED, f"round {ROUND}: {len(racers)} of {RACED} raced cases accepted")
    # Of each pair of racers, one 2xx and one 409 per step (accept included).
    for k in range(RACED):
        hid = f"{PREFIX}{FIRST + CLIENTS + k:08d}"
        for what in ("accept",) + tuple(s["action"] for s in STEPS):
            got = sorted(st for who, w, st, _ in answers if w == what and f"({hid})" in who)
            lost = lost_accept if what == "accept" else lost_step
            won = [st for who, w, st, _ in answers if w == what and f"({hid})" in who and 200 <= st < 300]
            lost_n = [st for who, w, st, b in answers if w == what and f"({hid})" in who and lost(st, b)]
            t.check(len(got) == 2 and len(won) == 1 and len(lost_n) == 1,
                    f"round {ROUND}: racers on {hid}, {what}: answers {got}, wanted one 2xx and one refusal")
    n_conflicts = by.get(409, 0)
    n_state = sum(1 for who, w, st, b in answers if st == 422)
    print(f"round {ROUND}: {len(answers)} answers in {secs:.1f} s "
          f"({len(answers) / secs:.0f}/s); by status: "
          + ", ".join(f"{k} x {v}" for k, v in sorted(by.items()))
          + f"; the racers' losers: {n_conflicts} x 409 (both read the case first), {n_state} x 422 (the step came after the winner's)")
    with open(OUT, "w") as f:
        json.dump({"cases": cases, "racers": racers, "answers": len(answers), "seconds": secs}, f)
    t.finish()


main()
