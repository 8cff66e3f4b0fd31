"""The scoping matrix (issue 13): every route of `jiuzhu serve --print-routes`
x every role (and no login) x a subject inside and one outside the users'
scope, against a real server on loopback, with the status each must get:

- a public route: 2xx for everybody, also without a login;
- no login: 401 on every other route;
- a role the route does not list: 403, whatever the subject;
- an allowed role, a subject outside his scope: 404 (a few routes that
  create their subject say 422 "not within your scope", named in their
  row), and the same status and body as for a subject that does not exist;
- an allowed role, a subject inside: 2xx.

FIXTURES holds one row per (method, path): how to build the request for a
subject inside, outside and nonexistent ("ghost").  A route without a row,
or a row without a route, fails the test.  Rows run in the order of
FIXTURES: each write finds what it needs (a spare case per role that may
step, a spare user to disable...).  After the matrix: the rules beyond the
table (a step's action belongs to a role, a department answers only its own
referrals, an administrator manages only his scope's users) and the access
log (查询留痕): every read of a household is there for the auditor, and a
refused read by a user outside the scope leaves a refused entry.

Run by test_api_scope.sh with BASE, PW, ROUTES (the route table) and STATE
(what setup_registry made) in the environment; `api_scope.py setup JZ DB
TMP` makes the data and writes STATE.
"""
import json
import os
import re
import sys

from api import GHOST, INSIDE, OUTSIDE, Checks, Session, household, idnum, setup_registry
from api_payfix import fixture_rows as pay_rows
from api_payfix import setup_pay

ROLES = ("admin", "analyst", "reviewer", "caseworker", "assistant", "dept", "auditor")
LOGIN = {r: "sc." + r for r in ROLES}
# Users made by test_api_scope.sh besides one per role:
SPARE = "sc.spare"      # a caseworker of 奇村镇: disabled, enabled, his password reset
OUTSIDER = "sc.outside"  # a reviewer of 代县: outside the administrator's scope
ALL_AUDITOR = "sc.audall"  # an auditor of the whole province
GHOST_LOGIN = "sc.nobody"  # nobody


def masked(s):
    return s[:6] + "*" * 8 + s[14:] if len(s) == 18 else s


class Ctx:
    """Sessions of the users, their passwords, the data of setup_registry."""

    def __init__(self, base, pw, state):
        self.base = base
        self.pw = {r: pw for r in ROLES}
        self.sessions = {}
        self.I, self.O = state["in"], state["out"]
        self.n = 0

    def session(self, role):
        if role not in self.sessions:
            self.sessions[role] = self.fresh(role)
        return self.sessions[role]

    def fresh(self, role):
        s = Session(self.base)
        st, b, _ = s.login(LOGIN[role], self.pw[role])
        if st != 200:
            raise AssertionError(f"login {LOGIN[role]}: {st} {b}")
        return s

    def serial(self):
        self.n += 1
        return self.n

    def side(self, side):
        return self.I if side == "in" else self.O

    def hh(self, side, n):
        """A household ID of a side (ghost: one nobody registered)."""
        if side == "ghost":
            return "H140923-999999"
        return self.side(side)["hh"][n]["household_id"]

    def member(self, side, n, k):
        if side == "ghost":
            return idnum(OUTSIDE["county"], "19900101", 999)
        return self.side(side)["hh"][n]["members"][k]["id"]

    def case(self, side, n):
        return 999999 if side == "ghost" else self.side(side)["case"][n]

    def enrol(self, side, n):
        return 999999 if side == "ghost" else self.side(side)["enrol"][n]

    def alert(self, side, n):
        return 999999 if side == "ghost" else self.side(side)["alert"][n]


def req(path, body=None, raw=None, ctype=None, echo=()):
    return {"path": path, "body": body, "raw": raw, "ctype": ctype, "echo": list(echo)}


def region(side):
    return {"in": INSIDE["village"], "out": OUTSIDE["county"], "ghost": GHOST["county"]}[side]


def listing(path):
    """A list: ?region= the inside village, the outside county, or a county
    that does not exist."""
    return lambda c, side, role: req(f"{path}{'&' if '?' in path else '?'}region={region(side)}",
                                     echo=[region(side)])


def by_subject(fmt, subject):
    """A route whose path names its subject: subject(c, side) gives it."""
    def build(c, side, role):
        s = str(subject(c, side))
        return req(fmt.format(s), echo=[s])
    return build


def same(build):
    """A route without a subject: the same request on every side."""
    return lambda c, side, role: build(c, "in", role)


def password_for(c, role):
    return f"Fresh-{c.serial()}-battery-horse"


# ---- the rows --------------------------------------------------------------------

def login_row(c, side, role):
    who = role or "analyst"
    return req("/api/login", {"login": LOGIN[who], "password": c.pw[who]})


def me_password(c, side, role):
    if role is None:
        return req("/api/me/password", {"old_password": "x" * 12, "new_password": "y" * 12})
    new = password_for(c, role)
    r = req("/api/me/password", {"old_password": c.pw[role], "new_password": new})
    r["new_password"] = new
    return r


def me_password_after(c, role, r, status):
    # Every session of the user ended: log in again with the new password.
    if role and status == 200:
        c.pw[role] = r["new_password"]
        c.sessions.pop(role, None)


def users_add(c, side, role):
    scope = {"in": INSIDE["village"], "out": OUTSIDE["county"], "ghost": GHOST["county"]}[side]
    login = f"sc.new{c.serial()}"
    return req("/api/users", {"login": login, "name": "新协理员", "role": "assistant",
                              "scope": scope, "password": "correct-horse-battery-9"},
               echo=[scope, login])


def user_subject(c, side):
    return {"in": SPARE, "out": OUTSIDER, "ghost": GHOST_LOGIN}[side]


def user_password(c, side, role):
    s = user_subject(c, side)
    return req(f"/api/users/{s}/password", {"password": password_for(c, role)}, echo=[s])


def household_put(c, side, role):
    """Inside: household 6's record again (a correction).  Outside: the
    outside household's record as it is, in 代县 (not the user's to enter);
    ghost: the same for a household nobody registered."""
    if side == "in":
        h = c.I["hh"][6]
    else:
        h = dict(c.O["hh"][6])
        if side == "ghost":
            h["household_id"] = c.hh("ghost", 0)
            h["members"] = household(h["household_id"], h["region"], 299)["members"]
    return req(f"/api/households/{h['household_id']}", h, echo=[h["household_id"]])


def assess(c, side, role):
    h = c.side("in" if side == "in" else "out")["hh"][1]
    return req("/api/assess", {"household": h, "date": "2025-06-01", "trace": False})


def case_accept(c, side, role):
    s = c.hh(side, 5)
    return req("/api/cases", {"household_id": s, "date": "2025-03-03"}, echo=[s])


def case_step(c, side, role):
    """The caseworker investigates case 3; the reviewer extends case 4 (an
    action either may take); outside: any action on the outside case."""
    if side == "in" and role == "reviewer":
        cid, body = c.case("in", 4), {"action": "extend", "extend_reason": "hard-investigation",
                                      "date": "2025-01-21"}
    else:
        cid, body = c.case(side, 3), {"action": "investigate", "date": "2025-01-21"}
    return req(f"/api/cases/{cid}/steps", body, echo=[str(cid)])


def enrol_change(what, body):
    def build(c, side, role):
        e = c.enrol(side, 1 if what == "exit" else 2)
        return req(f"/api/enrolments/{e}/{what}", body, echo=[str(e)])
    return build


def death(c, side, role):
    # The reviewer records the death of household 7's child, the caseworker the spouse's.
    person = c.member(side, 7, 2 if role == "reviewer" else 1)
    return req("/api/deaths", {"id_number": person, "death_date": "2025-05-01", "date": "2025-05-02"},
               echo=[person, masked(person)])


def feed(c, side, role):
    """A department's file about people of either side (a feed has no
    region: R-MON-1 compares it with the whole registry)."""
    m = c.side("in" if side == "in" else "out")["hh"][1]["members"][0]
    csv = f"id_number,name,kind,date,total,out_of_pocket\n{m['id']},{m['name']},settlement,2025-04-01,900,800\n"
    return req("/api/feeds/medical?name=scope.csv", raw=csv, ctype="text/csv")


def simulate(c, side, role):
    r = region(side)
    return req("/api/simulate", {"region": r, "params": {"dibao.standard.rural": "700"}, "examples": 2},
               echo=[r])


def monitor_run(c, side, role):
    r = region(side)
    return req("/api/monitor/run", {"on": "2025-06-01", "region": r}, echo=[r])


def fpm(c, side, role):
    m = c.I["hh"][5]["members"][0]
    r = listing("/api/monitor/fpm?name=fpm.csv")(c, side, role)
    r["raw"] = f"id_number,name,listed_date\n{m['id']},{m['name']},2025-01-01\n"
    r["ctype"] = "text/csv"
    return r


def alert_action(c, side, role):
    """Inside: the reviewer and the caseworker assign alert 2; the
    department's officer answers alert 1, referred to his department."""
    if side == "in" and role == "dept":
        a, body = c.alert("in", 1), {"action": "feedback", "dept": "medical", "kind": "医疗救助",
                                     "amount_fen": 50000, "on": "2025-06-05"}
    else:
        a, body = c.alert(side, 2 if side == "in" else 1), {"action": "assign", "assignee": "李核查员",
                                                             "on": "2025-06-03"}
        if role == "dept":  # outside: the alert referred to his department
            body = {"action": "feedback", "dept": "medical", "kind": "医疗救助", "amount_fen": 50000,
                    "on": "2025-06-05"}
    return req(f"/api/alerts/{a}/actions", body, echo=[str(a)])


def staff(c, side, role):
    county = {"in": INSIDE["county"], "out": OUTSIDE["county"], "ghost": GHOST["county"]}[side]
    return req("/api/staff", {"county": county, "id": idnum(INSIDE["county"], "19850101", 700 + c.serial()),
                              "name": "赵干部", "unit": "民政办"}, echo=[county])


def staff_relative(c, side, role):
    s = idnum(OUTSIDE["county"], "19800101", 993) if side == "ghost" else c.side(side)["staff"]
    return req("/api/staff/relatives", {"staff_id": s, "id": idnum(INSIDE["county"], "19900101", 800 + c.serial()),
                                        "name": "赵某", "relation": "兄弟"}, echo=[s, masked(s)])


# (method, path) -> the row.  inside: the statuses an allowed role gets for
# the inside subject; outside: what he gets for the outside one (404 unless
# named).  session "fresh": the call is made with a session of its own (it
# ends it).  after: run after each call with its status.
FIXTURES = [
    ("POST", "/api/login", dict(build=login_row)),
    ("GET", "/api/openapi.json", dict(build=same(lambda c, s, r: req("/api/openapi.json")))),
    ("GET", "/api/health", dict(build=same(lambda c, s, r: req("/api/health")))),
    ("GET", "/api/me", dict(build=same(lambda c, s, r: req("/api/me")))),
    ("POST", "/api/me/password", dict(build=me_password, session="fresh", after=me_password_after)),
    ("POST", "/api/logout", dict(build=same(lambda c, s, r: req("/api/logout")), session="fresh")),
    ("GET", "/api/users", dict(build=listing("/api/users"))),
    ("POST", "/api/users", dict(build=users_add, outside=422)),
    ("POST", "/api/users/{login}/disable", dict(build=by_subject("/api/users/{}/disable", user_subject))),
    ("POST", "/api/users/{login}/enable", dict(build=by_subject("/api/users/{}/enable", user_subject))),
    ("POST", "/api/users/{login}/password", dict(build=user_password)),
    ("GET", "/api/households/{id}", dict(build=by_subject("/api/households/{}", lambda c, s: c.hh(s, 1)))),
    ("GET", "/api/households/{id}/chain",
     dict(build=by_subject("/api/households/{}/chain", lambda c, s: c.hh(s, 1)))),
    ("GET", "/api/households/{id}/access",
     dict(build=by_subject("/api/households/{}/access", lambda c, s: c.hh(s, 1)))),
    ("PUT", "/api/households/{id}", dict(build=household_put, outside=422)),
    ("GET", "/api/access-log", dict(build=listing("/api/access-log"))),
    ("POST", "/api/assess", dict(build=assess)),
    ("GET", "/api/cases", dict(build=listing("/api/cases"))),
    ("POST", "/api/cases", dict(build=case_accept)),
    ("GET", "/api/cases/due", dict(build=listing("/api/cases/due"))),
    ("GET", "/api/cases/{id}", dict(build=by_subject("/api/cases/{}", lambda c, s: c.case(s, 1)))),
    ("POST", "/api/cases/{id}/steps", dict(build=case_step)),
    ("GET", "/api/cases/{id}/document",
     dict(build=by_subject("/api/cases/{}/document", lambda c, s: c.case(s, 1)))),
    ("GET", "/api/villages/{code}/postings",
     dict(build=by_subject("/api/villages/{}/postings",
                           lambda c, s: {"in": INSIDE, "out": OUTSIDE, "ghost": GHOST}[s]["village"]))),
    ("GET", "/api/enrolments", dict(build=listing("/api/enrolments"))),
    ("POST", "/api/enrolments/{id}/exit", dict(build=enrol_change("exit", {"date": "2025-07-01", "note": "就业"}))),
    ("POST", "/api/enrolments/{id}/stop",
     dict(build=enrol_change("stop", {"date": "2025-07-01", "note": "收入超标", "reason": "ineligible"}))),
    ("POST", "/api/deaths", dict(build=death)),
    ("POST", "/api/reviews/open-due", dict(build=listing("/api/reviews/open-due"))),
    ("POST", "/api/feeds/{dept}", dict(build=feed)),
    ("POST", "/api/monitor/run", dict(build=monitor_run)),
    ("POST", "/api/monitor/fpm", dict(build=fpm)),
    ("GET", "/api/alerts", dict(build=listing("/api/alerts"))),
    ("GET", "/api/referrals", dict(build=listing("/api/referrals"))),
    ("GET", "/api/alerts/{id}", dict(build=by_subject("/api/alerts/{}", lambda c, s: c.alert(s, 1)))),
    ("POST", "/api/alerts/{id}/actions", dict(build=alert_action)),
    ("POST", "/api/staff", dict(build=staff, outside=422)),
    ("POST", "/api/staff/relatives", dict(build=staff_relative)),
    ("GET", "/api/stats", dict(build=listing("/api/stats"))),
    ("GET", "/api/households", dict(build=listing("/api/households"))),
    ("GET", "/api/rules", dict(build=same(lambda c, s, r: req("/api/rules")))),
    ("GET", "/api/regions", dict(build=same(lambda c, s, r: req("/api/regions?parent=140902")))),
    ("GET", "/api/audit", dict(build=listing("/api/audit"))),
    ("POST", "/api/simulate", dict(build=simulate)),
    ("GET", "/api/params", dict(build=listing("/api/params"))),
    ("GET", "/api/audit/verify", dict(build=same(lambda c, s, r: req("/api/audit/verify")))),
] + pay_rows(listing)  # payments (api_payfix.py)


def call(c, row, role, r):
    """Sends request r as role (None: without a login)."""
    if role is None:
        s = Session(c.base)
    elif row.get("session") == "fresh":
        s = c.fresh(role)
    else:
        s = c.session(role)
    headers = {"Content-Type": r["ctype"]} if r["ctype"] else None
    return s.call(row["method"], r["path"], r["body"], headers=headers, raw=r["raw"])


def normal(body, echo):
    """The body with what the request itself named replaced: an outside
    subject and a nonexistent one must get the same answer but for that."""
    text = json.dumps(body, ensure_ascii=False, sort_keys=True) if not isinstance(body, bytes) else repr(body)
    for e in sorted(echo, key=len, reverse=True):
        text = re.sub(r"(?<![0-9A-Za-z*])" + re.escape(e) + r"(?![0-9A-Za-z*])", "<S>", text)
    return text


def main():
    if sys.argv[1:2] == ["setup"]:
        jz, db, tmp = sys.argv[2:5]
        state = setup_registry(jz, db, tmp)
        setup_pay(jz, db, tmp, state)
        with open(os.path.join(tmp, "state.json"), "w", encoding="utf-8") as f:
            json.dump(state, f, ensure_ascii=False)
        return
    t = Checks()
    routes = []
    with open(os.environ["ROUTES"], encoding="utf-8") as f:
        for line in f:
            if line.strip():
                routes.append(json.loads(line))
    with open(os.environ["STATE"], encoding="utf-8") as f:
        state = json.load(f)
    for side in state.values():  # JSON made the keys strings
        for k in ("hh", "case", "enrol", "alert"):
            side[k] = {int(n): v for n, v in side[k].items()}
    c = Ctx(os.environ["BASE"], os.environ["PW"], state)

    # Every route has its row, every row its route.
    table = {(r["method"], r["path"]): r for r in routes}
    rows = {}
    for method, path, row in FIXTURES:
        t.check((method, path) not in rows, f"two fixture rows for {method} {path}")
        t.check((method, path) in table, f"fixture row {method} {path}: no such route")
        rows[(method, path)] = dict(row, method=method, path=path)
    for key in table:
        t.check(key in rows, f"route {key[0]} {key[1]} has no fixture row in api_scope.py")
    t.check(len(table) > 0, "the route table is not empty")
    for r in routes:
        t.check(set(r["roles"]) <= set(ROLES), f"{r['method']} {r['path']}: unknown role in {r['roles']}")

    n_cells = 0
    for method, path, _ in FIXTURES:
        key = (method, path)
        if key not in table:
            continue
        route, row = table[key], rows[key]
        public = not route["roles"]
        scoped = route["scope"] != "none"
        for role in (None,) + ROLES:
            for side in ("in", "out"):
                r = row["build"](c, side, role)
                st, body, _ = call(c, row, role, r)
                if row.get("after"):
                    row["after"](c, role, r, st)
                what = f"{method} {path} as {role or 'nobody'}, subject {side}side ({r['path']})"
                if role is not None:
                    n_cells += 1
                if public:
                    t.status(st, (200, 201), what, body)
                elif role is None:
                    t.status(st, 401, what, body)
                elif role not in route["roles"]:
                    t.status(st, 403, what, body)
                elif side == "in" or not scoped:
                    t.status(st, row.get("inside", (200, 201)), what, body)
                else:
                    want = row.get("outside", 404)
                    t.status(st, want, what, body)
                    # ...and exactly what a subject that does not exist gets.
                    g = row["build"](c, "ghost", role)
                    gst, gbody, _ = call(c, row, role, g)
                    t.check(gst == st and normal(gbody, g["echo"]) == normal(body, r["echo"]),
                            f"{what}: the answer differs from a nonexistent subject's ({g['path']}): "
                            f"{st} {normal(body, r['echo'])[:300]} / {gst} {normal(gbody, g['echo'])[:300]}")
    print(f"matrix: {len(table)} routes x {len(ROLES)} roles x inside/outside = {n_cells} checks "
          f"(and {len(table) * 2} without a login)")

    beyond_the_table(t, c)
    access_log(t, c)
    t.finish()


def expect(t, c, role, method, path, body, want, what, raw=None, ctype=None):
    s = c.session(role)
    st, b, _ = s.call(method, path, body, headers={"Content-Type": ctype} if ctype else None, raw=raw)
    t.status(st, want, what, b)
    return st, b


def beyond_the_table(t, c):
    """Role rules a route's row in the table cannot say."""
    I, O = c.I, c.O
    # A step's action belongs to a role (seed 001 四).
    expect(t, c, "caseworker", "POST", f"/api/cases/{I['case'][4]}/steps",
           {"action": "confirm", "date": "2025-02-05"}, 403, "a caseworker confirming (the county's step)")
    expect(t, c, "reviewer", "POST", f"/api/cases/{I['case'][3]}/steps",
           {"action": "verify", "date": "2025-01-22"}, 403, "a reviewer verifying (the township's step)")
    # A department's officer: his own department's data, feedback on his own referrals.
    expect(t, c, "dept", "POST", "/api/feeds/bank", None, 403, "a medical officer uploading the bank's file",
           raw="id_number,name,bank,balance_date,balance\n", ctype="text/csv")
    expect(t, c, "dept", "POST", "/api/feeds/nosuch", None, 404, "an unknown department's file",
           raw="x\n", ctype="text/csv")
    expect(t, c, "dept", "GET", f"/api/alerts/{I['alert'][2]}", None, 404,
           "an alert not referred to his department")
    expect(t, c, "dept", "POST", f"/api/alerts/{I['alert'][2]}/actions",
           {"action": "feedback", "dept": "medical", "kind": "医疗救助", "amount_fen": 1, "on": "2025-06-05"},
           404, "feedback on an alert not referred to his department")
    expect(t, c, "dept", "POST", f"/api/alerts/{I['alert'][1]}/actions",
           {"action": "assign", "assignee": "李核查员", "on": "2025-06-05"}, 403, "a department assigning")
    expect(t, c, "dept", "POST", f"/api/alerts/{I['alert'][1]}/actions",
           {"action": "feedback", "dept": "bank", "kind": "贷款", "amount_fen": 1, "on": "2025-06-05"},
           403, "feedback in another department's name")
    expect(t, c, "reviewer", "POST", f"/api/alerts/{I['alert'][1]}/actions",
           {"action": "feedback", "dept": "medical", "kind": "医疗救助", "amount_fen": 1, "on": "2025-06-05"},
           403, "a reviewer giving a department's feedback")
    # An administrator manages users within his scope only.
    expect(t, c, "admin", "POST", "/api/users",
           {"login": "sc.wide", "name": "全省用户", "role": "analyst", "scope": "", "password": "correct-horse-battery-9"},
           422, "an administrator of 忻府区 adding a province-wide user")
    expect(t, c, "admin", "POST", f"/api/users/{LOGIN['admin']}/disable", None, 422,
           "an administrator disabling himself")
    expect(t, c, "admin", "POST", f"/api/users/{OUTSIDER}/password", {"password": "Another-long-pass-5"}, 404,
           "an administrator resetting the password of a user of 代县")
    # Entering a household: moving an outside household into the scope.
    h = dict(O["hh"][6], region=INSIDE["village"])
    expect(t, c, "caseworker", "PUT", f"/api/households/{h['household_id']}", h, 404,
           "a household of 代县 re-entered as one of 奇村镇")
    # A death checked against an enrolment of another scope: as one that does not exist.
    person = I["hh"][7]["members"][0]["id"]
    _, b1 = expect(t, c, "reviewer", "POST", "/api/deaths",
                   {"id_number": person, "death_date": "2025-05-01", "date": "2025-05-02",
                    "enrolment": O["enrol"][1]}, 404, "a death checked against an enrolment of 代县")
    _, b2 = expect(t, c, "reviewer", "POST", "/api/deaths",
                   {"id_number": person, "death_date": "2025-05-01", "date": "2025-05-02",
                    "enrolment": 999999}, 404, "a death checked against an enrolment that does not exist")
    t.check(normal(b1, [str(O["enrol"][1])]) == normal(b2, ["999999"]),
            f"an enrolment of 代县 reads as one that does not exist: {b1} / {b2}")
    t.check(O["hh"][1]["household_id"] not in json.dumps(b1), "the enrolment's household is not named")
    # Registering a member of staff of 代县 again, as one of 忻府区.
    expect(t, c, "reviewer", "POST", "/api/staff",
           {"county": INSIDE["county"], "id": O["staff"], "name": "李干部", "unit": "忻府区民政局"}, 404,
           "a member of staff of 代县 registered again in 忻府区")


def entries(t, c, hid):
    st, b, _ = c.session("auditor").call("GET", f"/api/households/{hid}/access?limit=1000")
    t.status(st, 200, f"the access log of {hid}", b)
    return b.get("entries", []) if st == 200 else []


def access_log(t, c):
    """查询留痕: every read of a household's record, chain or alert is in
    the access log before it is answered; a refused one too."""
    hid = c.I["hh"][1]["household_id"]
    alert = c.I["alert"][1]
    before = {e["id"] for e in entries(t, c, hid)}
    reads = []
    for role in ("analyst", "reviewer", "caseworker", "assistant", "auditor"):
        for path, kind in ((f"/api/households/{hid}", "查看档案"), (f"/api/households/{hid}/chain", "查看档案")):
            st, b, _ = c.session(role).call("GET", path)
            t.status(st, 200, f"{role} reads {path}", b)
            reads.append((LOGIN[role], kind, "GET " + path.replace(hid, "{id}")))
    for role in ("analyst", "reviewer", "caseworker", "auditor", "dept"):
        st, b, _ = c.session(role).call("GET", f"/api/alerts/{alert}")
        t.status(st, 200, f"{role} reads alert {alert}", b)
        reads.append((LOGIN[role], "查看完整身份证号", "GET /api/alerts/{id}"))
    # A reviewer of 代县 tries: refused, and the attempt is logged in 忻府区.
    out = Session(c.base)
    out.login(OUTSIDER, os.environ["PW"])
    for path in (f"/api/households/{hid}", f"/api/households/{hid}/chain", f"/api/alerts/{alert}"):
        st, b, _ = out.call("GET", path)
        t.status(st, 404, f"a reviewer of 代县 reads {path}", b)
    st, b, _ = out.call("GET", f"/api/cases/{c.I['case'][1]}")
    t.status(st, 404, "a reviewer of 代县 reads a case of 忻府区", b)
    new = [e for e in entries(t, c, hid) if e["id"] not in before]
    got = [(e["login"], e["kind_zh"], e["what"]) for e in new]
    for r in reads:
        t.check(r in got, f"the access log has {r}: {got}")
    refused = [e for e in new if e["login"] == OUTSIDER]
    t.check(len(refused) == 3 and all(e["kind_zh"] == "越权请求被拒" for e in refused),
            f"three refused reads by {OUTSIDER} on {hid}: {refused}")
    t.check(len(new) == len(reads) + 3, f"{len(reads) + 3} new entries, got {len(new)}")
    t.check(all(e["region"] == INSIDE["village"] for e in new), "each entry has the household's village")
    t.check(not any(re.search(r"\d{17}[\dX]", json.dumps(e)) for e in new), "no ID number in an entry")
    # The refused reads of the matrix are in 代县's log (an auditor of the
    # province sees them; the auditor of 忻府区 does not).
    s = Session(c.base)
    s.login(ALL_AUDITOR, os.environ["PW"])
    st, b, _ = s.call("GET", f"/api/access-log?region={OUTSIDE['county']}&limit=1000")
    t.status(st, 200, "the access log of 代县", b)
    logins = {e["login"] for e in b.get("entries", []) if e["kind_zh"] == "越权请求被拒"}
    for role in ROLES:
        t.check(LOGIN[role] in logins, f"{role}'s refused reads of 代县 are in 代县's access log: {sorted(logins)}")
    st, b, _ = c.session("auditor").call("GET", f"/api/households/{c.O['hh'][1]['household_id']}/access")
    t.status(st, 404, "the auditor of 忻府区 does not see 代县's log", b)


if __name__ == "__main__":
    main()
