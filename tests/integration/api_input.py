"""Bad input through the API (issue 13), against a real server on loopback:
for every route that takes a body or a path or query parameter, bad JSON
(truncated, not an object, 40 levels deep, duplicate keys, empty), a wrong
Content-Type, a wrong type for each field, an unknown field, an oversize
body, bad IDs in the path (非数字, too long, an encoded slash, a NUL...), bad
query values, and a household record claiming a person of another household
(R-HH-3).  Each must get a 4xx with the JSON error shape (code, status, a
Chinese message, the field where one is named) and write nothing: a digest
of every table but the access log (and when sessions were last seen) is
taken before and after each request.

Run by test_api_input.sh with BASE, PW, DB, ROUTES and STATE in the
environment (api_scope.py setup made the data).
"""
import copy
import hashlib
import json
import os
import urllib.parse

from api import INSIDE, OUTSIDE, Checks, Session, db_rows, db_tables, error_shape, household, idnum
from api_payfix import input_rows as pay_input_rows

MiB = 1 << 20
ROLES = ("admin", "analyst", "reviewer", "caseworker", "assistant", "dept", "auditor")
LOGIN = {r: "sc." + r for r in ROLES}
# Routes that take nothing: no body, no parameter.
NO_INPUT = {("GET", "/api/me"), ("GET", "/api/health"), ("GET", "/api/openapi.json"),
            ("POST", "/api/logout"), ("GET", "/api/rules")}


class Db:
    """A digest of the store's data: every table, rows sorted, but the
    access log (a refusal is logged), when sessions were last seen, the
    audit log's entries of access log commits and its head."""

    def __init__(self, path):
        self.path = path

    def digest(self):
        h = hashlib.sha256()
        names = [n for n in db_tables(self.path) if n not in ("access_log", "session_seen")]
        where = {"audit": """ WHERE NOT (action = 'commit' AND after LIKE '{"access_log":%}'""" +
                           """ AND after NOT LIKE '%},"%')""",
                 "meta": " WHERE key <> 'audit_head'"}
        if self.path.startswith(("postgresql://", "postgres://")):
            # One query for all the tables (a psql a table would take minutes).
            (d,), = db_rows(self.path, "SELECT md5(string_agg(t, E'\\n' ORDER BY t)) FROM (" + " UNION ALL ".join(
                f"""SELECT '{n}:' || r::text AS t FROM "{n}" r""" + where.get(n, "") for n in names) + ") x")
            return d or ""
        for n in names:
            h.update(n.encode())
            for r in sorted(repr(r) for r in db_rows(self.path, f'SELECT * FROM "{n}"' + where.get(n, ""))):
                h.update(r.encode())
        return h.hexdigest()


class Run:
    def __init__(self, t, base, pw, db, state):
        self.t, self.base, self.pw, self.db = t, base, pw, db
        self.I, self.O = state["in"], state["out"]
        self.sessions = {}
        for role in ROLES:  # a login writes: all of them before the first digest
            self.session(role)
        self.last = db.digest()
        self.sent = 0

    def session(self, role):
        if role is None:
            return Session(self.base)
        if role not in self.sessions:
            s = Session(self.base)
            st, b, _ = s.login(LOGIN[role], self.pw)
            if st != 200:
                raise AssertionError(f"login {LOGIN[role]}: {st} {b}")
            self.sessions[role] = s
        return self.sessions[role]

    def bad(self, what, role, method, path, body=None, raw=None, ctype="application/json",
            want=None, field=None, code=None):
        """Sends one bad request: a 4xx (want, if given) with the error shape,
        and nothing written."""
        headers = {}
        if body is not None or raw is not None:
            headers["Content-Type"] = ctype or ""  # None: an empty one
        s = self.session(role)
        try:
            st, b, h = s.call(method, path, body, headers=headers, raw=raw)
        except (ConnectionError, OSError) as e:
            self.t.check(False, f"{what}: {method} {path[:80]}: connection failed: {e}")
            return None
        self.sent += 1
        what = f"{what} ({method} {path[:80]})"
        if want is not None:
            self.t.status(st, want, what, b)
        else:
            self.t.check(400 <= st < 500, f"{what}: status {st}, wanted a 4xx: {str(b)[:300]}")
        self.t.check(h.get("content-type", "").startswith("application/json"),
                     f"{what}: a JSON answer, got {h.get('content-type')}")
        if isinstance(b, dict):
            error_shape(self.t, what, b, st, field)
            if code is not None:
                self.t.check(b.get("error", {}).get("code") == code,
                             f"{what}: code {b.get('error', {}).get('code')!r}, wanted {code!r}")
        else:
            self.t.check(False, f"{what}: not a JSON object: {str(b)[:200]}")
        now = self.db.digest()
        self.t.check(now == self.last, f"{what}: the store changed")
        self.last = now
        return b


# ---- the rows: a valid request of every route, to be spoiled ---------------------

def household_of(r, side, n):
    return copy.deepcopy((r.I if side == "in" else r.O)["hh"][n])


def rows(r):
    """(method, path) -> the row: role (who calls), path (a valid one),
    body (a valid JSON body, never sent as it is), raw (a valid text body),
    ids (the path with {} where a bad ID goes), query (bad query strings
    with the field each must name), max (the body limit)."""
    I = r.I
    cid, aid, eid = I["case"][3], I["alert"][2], I["enrol"][1]
    hid = I["hh"][6]["household_id"]
    v = INSIDE["village"]
    spare = idnum(INSIDE["county"], "19700101", 555)
    return {
        ("POST", "/api/login"): dict(role=None, path="/api/login",
                                     body={"login": LOGIN["analyst"], "password": r.pw}),
        ("POST", "/api/me/password"): dict(role="assistant", path="/api/me/password",
                                           body={"old_password": r.pw, "new_password": "Other-pass-word-42"}),
        ("GET", "/api/users"): dict(role="admin", path="/api/users",
                                    query=[("region=abc", "region"), ("region=1409021012011", "region"),
                                           ("region=14%27%20OR%201", "region")]),
        ("POST", "/api/users"): dict(role="admin", path="/api/users",
                                     body={"login": "sc.newone", "name": "新用户", "role": "assistant",
                                           "scope": v, "dept": "medical", "password": "correct-horse-battery-9"},
                                     bad_values={"role": "boss", "scope": "14'--", "dept": "nosuch",
                                                 "login": "Bad Login!"}),
        ("POST", "/api/users/{login}/disable"): dict(role="admin", path="/api/users/sc.spare/disable",
                                                     ids="/api/users/{}/disable"),
        ("POST", "/api/users/{login}/enable"): dict(role="admin", path="/api/users/sc.spare/enable",
                                                    ids="/api/users/{}/enable"),
        ("POST", "/api/users/{login}/password"): dict(role="admin", path="/api/users/sc.spare/password",
                                                      ids="/api/users/{}/password",
                                                      body={"password": "Brand-new-pass-77"},
                                                      bad_values={"password": "short"}),
        ("GET", "/api/households/{id}"): dict(role="reviewer", path=f"/api/households/{hid}",
                                              ids="/api/households/{}"),
        ("PUT", "/api/households/{id}"): dict(role="caseworker", path=f"/api/households/{hid}",
                                              ids="/api/households/{}", body=household_of(r, "in", 6),
                                              nested=["members[0].income[0].amount", "members[0].name",
                                                      "members[1].relation", "members[2].student.level",
                                                      "members[0].assets.financial"],
                                              bad_values={"region": "999999999999", "area": "moon",
                                                          "assess_date": "2025-02-30", "household_id": "H1"}),
        ("GET", "/api/households/{id}/chain"): dict(role="reviewer", path=f"/api/households/{hid}/chain",
                                                    ids="/api/households/{}/chain"),
        ("GET", "/api/households/{id}/access"): dict(role="auditor", path=f"/api/households/{hid}/access",
                                                     ids="/api/households/{}/access",
                                                     query=[("limit=0", "limit"), ("limit=abc", "limit"),
                                                            ("limit=1001", "limit"), ("limit=-5", "limit")]),
        ("GET", "/api/access-log"): dict(role="auditor", path="/api/access-log",
                                         query=[("region=x", "region"), ("limit=99999999999999999999", "limit")]),
        ("POST", "/api/assess"): dict(role="assistant", path="/api/assess",
                                      body={"household": household_of(r, "in", 1), "params": {},
                                            "date": "2025-06-01", "trace": False},
                                      nested=["household.members[0].income[0].amount", "household.region"],
                                      bad_values={"date": "2025-13-01", "params": {"no.such.param": "1"}}),
        ("GET", "/api/cases"): dict(role="reviewer", path="/api/cases",
                                    query=[("region=abc", "region"), ("region=140902%00", "region")]),
        ("POST", "/api/cases"): dict(role="caseworker", path="/api/cases",
                                     body={"household_id": I["hh"][5]["household_id"], "applicant": "王建105",
                                           "date": "2025-03-03", "note": "申请", "township_confirms": False,
                                           "review": False, "programmes": ["dibao"]},
                                     bad_values={"date": "2099-01-05", "programmes": ["nosuch"],
                                                 "household_id": "H-NONE"}),
        ("GET", "/api/cases/due"): dict(role="caseworker", path="/api/cases/due",
                                        query=[("within=366", "within"), ("within=x", "within"),
                                               ("within=-1", "within"), ("region=1%2F2", "region")]),
        ("GET", "/api/cases/{id}"): dict(role="reviewer", path=f"/api/cases/{cid}", ids="/api/cases/{}"),
        ("POST", "/api/cases/{id}/steps"): dict(role="caseworker", path=f"/api/cases/{cid}/steps",
                                                ids="/api/cases/{}/steps",
                                                body={"action": "investigate", "date": "2025-01-21",
                                                      "note": "入户", "home_visit": True},
                                                bad_values={"action": "fly", "date": "2099-01-05"}),
        ("GET", "/api/cases/{id}/document"): dict(role="reviewer", path=f"/api/cases/{I['case'][1]}/document",
                                                  ids="/api/cases/{}/document",
                                                  query=[("format=pdf", "format"), ("format=csv", "format")]),
        ("GET", "/api/villages/{code}/postings"): dict(
            role="reviewer", path=f"/api/villages/{v}/postings", ids="/api/villages/{}/postings",
            query=[("kind=x", "kind"), ("kind=notice&date=2025-13-45", "date"), ("date=2025-01-24", "kind"),
                   ("kind=notice&date=2025-01-24&format=pdf", "format")]),
        ("GET", "/api/enrolments"): dict(role="reviewer", path="/api/enrolments", query=[("region=x1", "region")]),
        ("POST", "/api/enrolments/{id}/exit"): dict(role="reviewer", path=f"/api/enrolments/{eid}/exit",
                                                    ids="/api/enrolments/{}/exit",
                                                    body={"date": "2025-07-01", "note": "就业"},
                                                    bad_values={"date": "2099-01-05"}),
        ("POST", "/api/enrolments/{id}/stop"): dict(role="reviewer", path=f"/api/enrolments/{eid}/stop",
                                                    ids="/api/enrolments/{}/stop",
                                                    body={"date": "2025-07-01", "note": "骗取", "reason": "fraud",
                                                          "fraud_from": "2025-04"},
                                                    bad_values={"reason": "whim", "fraud_from": "2099-01",
                                                                "date": "2099-01-05"}),
        ("POST", "/api/deaths"): dict(role="caseworker", path="/api/deaths",
                                      body={"id_number": I["hh"][1]["members"][0]["id"], "death_date": "2025-05-01",
                                            "date": "2025-05-02", "note": "病故", "enrolment": I["enrol"][1]},
                                      bad_values={"id_number": "140902197803120150", "death_date": "2025-05-32",
                                                  "date": "2099-01-05"}),
        ("POST", "/api/reviews/open-due"): dict(role="reviewer", path="/api/reviews/open-due",
                                                query=[("region=abc", "region")]),
        ("POST", "/api/feeds/{dept}"): dict(
            role="dept", path="/api/feeds/medical", ids="/api/feeds/{}", max=64 * MiB,
            raw=f"id_number,name,kind,date,total,out_of_pocket\n{spare},某人,settlement,2025-04-01,900,800\n",
            bad_raw=[("not UTF-8", b"id_number,name,kind,date,total,out_of_pocket\n\xff\xfe,\xc3(,x\n"),
                     ("a wrong header", "id,who\n1,2\n"), ("empty", "")],
            query=[("name=" + "n" * 201, "name")]),
        ("POST", "/api/monitor/run"): dict(role="reviewer", path="/api/monitor/run",
                                           body={"on": "2025-06-01", "region": v},
                                           bad_values={"on": "2025-06-31", "region": "14O9"}),
        ("POST", "/api/monitor/fpm"): dict(role="reviewer", path="/api/monitor/fpm", max=64 * MiB,
                                           raw="id_number,name,listed_date\n",
                                           bad_raw=[("not UTF-8", b"\xff\xfe\xfd"), ("a wrong header", "a,b\n")],
                                           query=[("region=abc", "region")]),
        ("GET", "/api/alerts"): dict(role="reviewer", path="/api/alerts",
                                     query=[("category=Z", "category"), ("state=x", "state"),
                                            ("limit=abc", "limit"), ("offset=-1", "offset"), ("region=a", "region")]),
        ("GET", "/api/referrals"): dict(role="reviewer", path="/api/referrals", query=[("region=abc", "region")]),
        ("GET", "/api/alerts/{id}"): dict(role="reviewer", path=f"/api/alerts/{aid}", ids="/api/alerts/{}"),
        ("POST", "/api/alerts/{id}/actions"): dict(role="reviewer", path=f"/api/alerts/{aid}/actions",
                                                   ids="/api/alerts/{}/actions",
                                                   body={"action": "assign", "assignee": "李核查员",
                                                         "on": "2025-06-03", "note": "核查",
                                                         "expect_state": "open"},
                                                   bad_values={"action": "burn", "on": "2099-01-01",
                                                               "expect_state": "asleep"}),
        ("POST", "/api/staff"): dict(role="reviewer", path="/api/staff",
                                     body={"county": INSIDE["county"], "id": spare, "name": "赵干部", "unit": "民政办"},
                                     bad_values={"county": "1409", "id": spare[:-1] + ("0" if spare[-1] != "0" else "1"),
                                                 "name": "长" * 40}),
        ("POST", "/api/staff/relatives"): dict(role="reviewer", path="/api/staff/relatives",
                                               body={"staff_id": I["staff"], "id": spare, "name": "赵某",
                                                     "relation": "兄弟"},
                                               bad_values={"id": I["staff"], "relation": "亲" * 40}),
        ("GET", "/api/regions"): dict(role="assistant", path="/api/regions",
                                      query=[("parent=140", "parent"), ("parent=14090201", "parent"),
                                             ("parent=abcd", "parent")]),
        ("GET", "/api/households"): dict(role="caseworker", path="/api/households",
                                         query=[("limit=0", "limit"), ("limit=501", "limit"), ("offset=-1", "offset"),
                                                ("offset=x", "offset"), ("category=rich", "category"),
                                                ("region=14x", "region"), ("q=" + "x" * 65, "q")]),
        ("GET", "/api/audit"): dict(role="auditor", path="/api/audit",
                                    query=[("limit=0", "limit"), ("offset=-2", "offset"), ("action=Pay%20plan", "action"),
                                           ("region=abc", "region")]),
        ("POST", "/api/simulate"): dict(role="analyst", path="/api/simulate",
                                        body={"region": INSIDE["county"], "params": {"dibao.standard.rural": "700"},
                                              "date": "2025-06-01", "examples": 3},
                                        bad_values={"params": {"no.such.param": "1"}, "date": "2025-02-30",
                                                    "examples": 51, "region": "14O9"}),
        ("GET", "/api/params"): dict(role="analyst", path="/api/params",
                                     query=[("region=abc", "region"),
                                            ("region=140902&date=2025-02-30", "date")]),
        ("GET", "/api/stats"): dict(role="analyst", path="/api/stats",
                                    query=[("level=village", "level"), ("region=abc", "region"),
                                           ("format=pdf", "format")]),
        ("GET", "/api/audit/verify"): dict(role="auditor", path="/api/audit/verify",
                                           query=[("checkpoint=garbage", "checkpoint"),
                                                  ("checkpoint=1%3Azz", "checkpoint")]),
    }


def wrong_types(v):
    """Values of another JSON type than v."""
    if isinstance(v, bool):
        return ["true", 1, []]
    if isinstance(v, int):
        return ["12", 1.5, True, {}]
    if isinstance(v, str):
        return [12345, True, [], {}]
    if isinstance(v, list):
        return ["x", 1, {}]
    if isinstance(v, dict):
        return ["x", 1, []]
    raise AssertionError(f"no wrong type for {v!r}")


def get_path(obj, path):
    """obj and the last key of a path like members[0].income[0].amount."""
    parts = []
    for seg in path.split("."):
        name, *idx = seg.replace("]", "").split("[")
        parts.append(name)
        parts.extend(int(i) for i in idx)
    for p in parts[:-1]:
        obj = obj[p]
    return obj, parts[-1]


def spoil_body(r, key, row):
    method, path = key
    role, body, p = row["role"], row["body"], row["path"]
    what = f"{method} {path}"
    good = json.dumps(body, ensure_ascii=False)
    first = next(iter(body))
    bad_json = [
        ("truncated", good[:-3]),
        ("not an object: an array", "[" + good + "]"),
        ("not an object: a string", '"' + first + '"'),
        ("not an object: a number", "42"),
        ("40 levels deep", '{"a":' * 40 + "1" + "}" * 40),
        ("40 levels deep in a field", "{" + json.dumps(first) + ":" + "[" * 40 + "]" * 40 + "}"),
        ("duplicate keys", "{" + json.dumps(first) + ":" + json.dumps(body[first]) + "," + good[1:]),
        ("empty", ""),
        ("a trailing comma", good[:-1] + ",}"),
        ("not UTF-8", b'{"' + first.encode() + b'":"\xff\xfe"}'),
        ("two objects", good + good),
    ]
    for name, raw in bad_json:
        r.bad(f"{what}: bad JSON, {name}", role, method, p, raw=raw, want=400, code="bad_json")
    for ctype in ("text/plain", "application/x-www-form-urlencoded", None):
        r.bad(f"{what}: Content-Type {ctype}", role, method, p, raw=good, ctype=ctype, want=415,
              code="media_type")
    # A wrong type in each field, and values of the right type that are wrong.
    for f, v in body.items():
        for w in wrong_types(v):
            b = dict(body, **{f: w})
            r.bad(f"{what}: field {f} as {json.dumps(w)}", role, method, p, body=b, want=422, field=f)
    for f, w in row.get("bad_values", {}).items():
        b = r.bad(f"{what}: field {f} = {json.dumps(w, ensure_ascii=False)[:40]}", role, method, p,
                  body=dict(body, **{f: w}), want=(404, 422))
        e = b.get("error", {}) if isinstance(b, dict) else {}
        if e.get("status") == 422:  # a 404 names nothing (a subject is not found)
            r.t.check(e.get("field", "").startswith(f), f"{what}: {f} = {w!r}: the error names {e.get('field')!r}")
    for f in row.get("nested", []):
        b = copy.deepcopy(body)
        o, k = get_path(b, f)
        for w in wrong_types(o[k])[1:3]:  # an amount may be a number (FORMATS.md)
            o[k] = w
            r.bad(f"{what}: {f} as {json.dumps(w)}", role, method, p, body=b, want=422,
                  field=f.split(".", 1)[1] if f.startswith("household.") else f)
    r.bad(f"{what}: an unknown field", role, method, p, body=dict(body, zz_unknown=1), want=422,
          field="zz_unknown")
    for f in row.get("nested", [])[:1]:
        b = copy.deepcopy(body)
        o, k = get_path(b, f.rsplit(".", 1)[0] + ".x") if "." in f else (b, None)
        if k is not None:
            o["zz_unknown"] = 1
            r.bad(f"{what}: an unknown field inside", role, method, p, body=b, want=422)
    # Oversize: a valid-looking object just over the limit.
    head = (good[:-1] + ', "zz_pad": "').encode()
    big = head + b"x" * (row.get("max", MiB) + 1 - len(head) - 2) + b'"}'
    assert len(big) == row.get("max", MiB) + 1
    r.bad(f"{what}: a body over {row.get('max', MiB)} bytes", role, method, p, raw=big, want=413,
          code="too_large")


def spoil_raw(r, key, row):
    method, path = key
    role, p, good = row["role"], row["path"], row["raw"]
    what = f"{method} {path}"
    for name, raw in row.get("bad_raw", []):
        r.bad(f"{what}: {name}", role, method, p, raw=raw, ctype="text/csv", want=422)
    limit = row.get("max", MiB)
    big = good.encode() + b"x" * (limit + 1 - len(good.encode()))
    r.bad(f"{what}: a body over {limit} bytes", role, method, p, raw=big, ctype="text/csv", want=413,
          code="too_large")


BAD_IDS = [
    ("非数字", urllib.parse.quote("非数字")),
    ("letters", "abc"),
    ("too long", "9" * 200),
    ("95 digits", "1" * 95),
    ("an encoded slash", "1%2F2"),
    ("an encoded NUL", "1%00"),
    ("an encoded newline", "1%0A"),
    ("a bad escape", "1%G0"),
    ("negative", "-1"),
    ("zero", "0"),
    ("past int64", "99999999999999999999"),
    ("a space", "%201"),
    ("a quote", "1%27%20OR%20%271%27%3D%271"),
    ("dots", ".."),
]


def spoil_ids(r, key, row):
    method, path = key
    what = f"{method} {path}"
    for name, bad in BAD_IDS:
        p = row["ids"].format(bad)
        r.bad(f"{what}: {name} in the path", row["role"], method, p,
              body=row.get("body"), raw=row.get("raw"),
              ctype="text/csv" if row.get("raw") is not None else "application/json")


def spoil_query(r, key, row):
    method, path = key
    for q, field in row.get("query", []):
        p = row["path"] + ("&" if "?" in row["path"] else "?") + q
        r.bad(f"{method} {path}: ?{q[:40]}", row["role"], method, p, body=row.get("body"),
              raw=row.get("raw"), ctype="text/csv" if row.get("raw") is not None else
              ("application/json" if row.get("body") is not None else None),
              want=(400, 404, 422), field=field)


def claims(r):
    """R-HH-3 through PUT /api/households/{id}: a record claiming a person of
    another household is refused, nothing written; another scope's
    household is not named."""
    what = "PUT /api/households/{id}"
    for side, n in (("in", 5), ("out", 5)):
        other = household_of(r, side, n)
        for target in (household_of(r, "in", 6), household("H140902-900099", INSIDE["village"], 150)):
            h = copy.deepcopy(target)
            p = dict(other["members"][2], relation="child")
            h["members"].append(p)
            b = r.bad(f"{what}: {h['household_id']} claims a member of {other['household_id']} (R-HH-3)",
                      "caseworker", "PUT", f"/api/households/{h['household_id']}", body=h, want=422,
                      field=f"members[{len(h['members']) - 1}].id")
            text = json.dumps(b, ensure_ascii=False)
            if side == "in":
                r.t.check(other["household_id"] in text, f"R-HH-3 names the household of the scope: {text}")
            else:
                r.t.check(other["household_id"] not in text and OUTSIDE["village"] not in text,
                          f"R-HH-3 does not name another scope's household: {text}")
            r.t.check("R-HH-3" in text and p["id"] not in text, f"R-HH-3 says why, the ID masked: {text}")
    # Two members of the record with one ID number.
    h = household_of(r, "in", 6)
    h["members"].append(dict(h["members"][0], relation="other"))
    r.bad(f"{what}: one person twice in a record", "caseworker", "PUT", f"/api/households/{h['household_id']}",
          body=h, want=422)
    # The record's ID and the address differ.
    h = household_of(r, "in", 6)
    r.bad(f"{what}: the record of another address", "caseworker", "PUT", "/api/households/H140902-900005",
          body=h, want=422, field="household_id")


def main():
    t = Checks()
    routes = []
    with open(os.environ["ROUTES"], encoding="utf-8") as f:
        routes = [json.loads(line) for line in f if line.strip()]
    with open(os.environ["STATE"], encoding="utf-8") as f:
        state = json.load(f)
    for side in state.values():
        for k in ("hh", "case", "enrol", "alert"):
            side[k] = {int(n): v for n, v in side[k].items()}
    r = Run(t, os.environ["BASE"], os.environ["PW"], Db(os.environ["DB"]), state)
    table = {(x["method"], x["path"]): x for x in routes}
    rs = rows(r)
    rs.update(pay_input_rows(r))  # payments (api_payfix.py)
    for key in rs:
        t.check(key in table, f"input row {key}: no such route")
    for key, route in table.items():
        if key in NO_INPUT:
            t.check("{" not in key[1] and key[0] in ("GET", "POST"), f"{key}: takes no input?")
            continue
        t.check(key in rs, f"route {key[0]} {key[1]} takes input and has no row in api_input.py")
        row = rs.get(key)
        if row is None:
            continue
        if row["role"] is not None:
            t.check(row["role"] in route["roles"], f"{key}: {row['role']} may not call it")
        if row.get("body") is not None:
            spoil_body(r, key, row)
        if row.get("raw") is not None:
            spoil_raw(r, key, row)
        if row.get("ids"):
            spoil_ids(r, key, row)
        spoil_query(r, key, row)
        t.check(row.get("body") is not None or row.get("raw") is not None or row.get("ids") or row.get("query"),
                f"{key}: its row spoils nothing")
    claims(r)
    print(f"{r.sent} bad requests")
    t.finish()


if __name__ == "__main__":
    main()
