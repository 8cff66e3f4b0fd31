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


# ---- fixtures and checks shared by the API tests (api_scope.py, api_input.py) ----

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)



def db_rows(db, sql, args=()):
    """The rows of a query on the test's database: an SQLite file through
    sqlite3, a PostgreSQL URL through psql (the arguments are the tests' own
    simple values, quoted as literals).  Both give tuples of the columns'
    own types (int, str, None): psql hands each row over as JSON."""
    if db.startswith(("postgresql://", "postgres://")):
        import subprocess
        text = sql
        if args:  # (a query without arguments may hold a '?' of its own)
            parts = sql.split("?")
            text = parts[0]
            for a, rest in zip(args, parts[1:]):
                text += ("'" + str(a).replace("'", "''") + "'" if isinstance(a, str) else str(a)) + rest
        text = text.strip().rstrip(";")
        if not text.lower().startswith(("select", "with")):
            subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", db, "-c", text],
                           capture_output=True, text=True, check=True)
            return []
        out = subprocess.run(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", db, "-c",
                              f"SELECT row_to_json(r) FROM ({text}) AS r"],
                             capture_output=True, text=True, check=True).stdout
        return [tuple(v for _, v in json.loads(line, object_pairs_hook=list))
                for line in out.splitlines() if line]
    import sqlite3
    con = sqlite3.connect(db.removeprefix("sqlite:"), timeout=30)
    try:
        rows = [tuple(r) for r in con.execute(sql, args)]
        con.commit()
        return rows
    finally:
        con.close()


def db_tables(db):
    """The names of the store's tables (on PostgreSQL the partitioned
    tables, whose rows are those of all their partitions), sorted."""
    if db.startswith(("postgresql://", "postgres://")):
        sql = ("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
               " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
               " ORDER BY 1")
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    return [n for (n,) in db_rows(db, sql)]


def idnum(county, birth, seq):
    """A valid 18-character ID number: county (6 digits), birth (YYYYMMDD),
    seq (0..999, odd = male), and the GB 11643 check character."""
    body = f"{county}{birth}{seq:03d}"
    s = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS))
    return body + "10X98765432"[s % 11]


def household(hid, region, n, area="rural"):
    """A household record (FORMATS.md) of three members whose ID numbers are
    made from n (distinct n, distinct people): a working head, a spouse
    without work and a pupil, poor enough for 低保."""
    county = region[:6]
    day = 1 + n % 28
    return {
        "household_id": hid,
        "region": region,
        "area": area,
        "assess_date": "2025-06-01",
        "members": [
            {"id": idnum(county, f"197803{day:02d}", 2 * n + 1), "name": f"王建{n}",
             "relation": "head", "employment": "employed",
             "income": [{"kind": "wage", "amount": "6000.00"}],
             "assets": {"financial": "3000.00"}},
            {"id": idnum(county, f"198005{day:02d}", 2 * n + 2), "name": f"刘秀{n}",
             "relation": "spouse", "employment": "none"},
            {"id": idnum(county, f"201209{day:02d}", 2 * n + 3), "name": f"王小{n}",
             "relation": "child", "student": {"level": "junior"}},
        ],
    }


def error_shape(t, what, body, status, field=None):
    """Checks the JSON error shape: {"error": {code, status, message (in
    Chinese), ...}}, the status in the body equal to the HTTP one, and the
    field when one is named."""
    e = body.get("error") if isinstance(body, dict) else None
    t.check(isinstance(e, dict), f"{what}: a JSON error object, got {str(body)[:200]}")
    if not isinstance(e, dict):
        return
    t.check(isinstance(e.get("code"), str) and e["code"], f"{what}: error code {e.get('code')!r}")
    t.check(e.get("status") == status, f"{what}: error status {e.get('status')} != HTTP {status}")
    msg = e.get("message", "")
    t.check(isinstance(msg, str) and any("\u4e00" <= c <= "\u9fff" for c in msg),
            f"{what}: message in Chinese: {msg!r}")
    if field is not None:
        t.check(e.get("field") == field, f"{what}: field {e.get('field')!r}, wanted {field!r}")


# ---- a registry with something of every kind inside and outside a scope ----

INSIDE = {"county": "140902", "township": "140902101", "village": "140902101201"}   # 忻府区 奇村镇
OUTSIDE = {"county": "140923", "township": "140923100", "village": "140923100201"}  # 代县
GHOST = {"county": "140988", "village": "140923100299"}  # codes nobody lives under


def _run(cmd, what):
    import subprocess
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"setup: {what}: exit {r.returncode}: {r.stderr.strip()[:400]}")
    return r.stdout


def setup_registry(jz, db, tmp):
    """Fills the store db (made by `jiuzhu init`) through the command line,
    the same on both sides: INSIDE (忻府区 140902, village 140902101201) and
    OUTSIDE (代县 140923, village 140923100201).  Per side (prefix H140902-
    or H140923-):
      90000n  n=1,2: run from 受理 to 公布, approved: a case each, an
              enrolment each, the village's 公示 and 公布 lists; a vehicle
              registration of the spouse raises a D alert each; the alert of
              n=1 is referred to 医保 (medical)
      900003  an application accepted (a caseworker's next step)
      900004  an application accepted (a reviewer's next step)
      900005  no case (an application to accept)
      900006  no case (a record to replace)
      900007  no case (deaths)
    and a member of staff registered in the side's county (R-WF-5).
    Returns a dict: side -> {"hh": {n: household record}, "case": {n: id},
    "enrol": {n: id}, "alert": {n: id}, "staff": ID number}."""
    import os
    state = {}
    sides = (("in", INSIDE), ("out", OUTSIDE))
    path = os.path.join(tmp, "households.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for side, where in sides:
            hh = {}
            for n in range(1, 8):
                base = 100 + n if side == "in" else 200 + n
                hh[n] = household(f"H{where['county']}-90000{n}", where["village"], base)
                f.write(json.dumps(hh[n], ensure_ascii=False) + "\n")
            state[side] = {"hh": hh, "case": {}, "enrol": {}, "alert": {}}
    _run([jz, "import", db, path], "import")
    steps = (("investigate", "2025-01-21"), ("verify", "2025-01-22"), ("preliminary", "2025-01-23"),
             ("notice", "2025-01-24"), ("confirm", "2025-02-05"), ("decide", "2025-02-05"),
             ("publish", "2025-02-06"))
    cid = 0
    for side, where in sides:
        for n in (1, 2, 3, 4):
            hid = state[side]["hh"][n]["household_id"]
            _run([jz, "case", "accept", db, hid, "--date", "2025-01-20"], f"accept {hid}")
            cid += 1
            state[side]["case"][n] = cid
            if n > 2:
                continue
            for step, day in steps:
                extra = ["--approve"] if step == "decide" else []
                _run([jz, "case", step, db, str(cid), "--date", day] + extra, f"{step} {cid}")
    veh = os.path.join(tmp, "vehicle.csv")
    with open(veh, "w", encoding="utf-8") as f:
        f.write("id_number,name,vehicle_type,registration_date\n")
        for side, _ in sides:
            for n in (1, 2):
                m = state[side]["hh"][n]["members"][1]
                f.write(f"{m['id']},{m['name']},小型轿车,2025-03-15\n")
    _run([jz, "feed", "import", db, "vehicle", veh], "vehicle feed")
    _run([jz, "monitor", "run", db, "--date", "2025-06-01"], "monitor run")
    for side, _ in sides:
        for n in (1, 2):
            hid = state[side]["hh"][n]["household_id"]
            (e,), = db_rows(db, "SELECT enrolment FROM enrolments WHERE household_id = ?", (hid,))
            (a,), = db_rows(db, "SELECT alert FROM alerts WHERE household_id = ?", (hid,))
            state[side]["enrol"][n], state[side]["alert"][n] = int(e), int(a)
    for side, where in sides:
        staff = idnum(where["county"], "19800101", 991)
        _run([jz, "staff", "add", db, "--id", staff, "--name", "李干部", "--unit", "民政办",
              "--county", where["county"]], "staff add")
        state[side]["staff"] = staff
        _run([jz, "alert", "refer", db, str(state[side]["alert"][1]), "--dept", "medical",
              "--date", "2025-06-02"], "refer")
    return state
