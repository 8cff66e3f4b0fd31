"""查询留痕 under load, over HTTP (test_api_accesslog.sh starts the server).

Every answer that shows a household was logged before it left, whatever the
number of readers at once: the server's log writer commits the reads of many
requests together and answers each only after its entry is durable.  If the
entry cannot be written, the household is not shown (503), while a refusal
is still a 404.  Environment: BASE, PW, DB, JZ (the command), HH_IN (the
household IDs within the caseworker's township, comma-separated), HH_OUT
(outside it).
"""
import os
import subprocess
import threading

from api import Checks, Session, db_rows

t = Checks()
base, pw, db, jz = os.environ["BASE"], os.environ["PW"], os.environ["DB"], os.environ["JZ"]
inside = os.environ["HH_IN"].split(",")
outside = os.environ["HH_OUT"].split(",")


def login(name):
    s = Session(base)
    st, b, _ = s.login(name, pw)
    t.status(st, 200, f"login {name}", b)
    return s


def log_rows(login_name, kind):
    return db_rows(db, "SELECT count(*) FROM access_log WHERE login = ? AND kind = ?",
                   (login_name, kind))[0][0]


RECORD, REFUSED = 0, 2  # jz_access_kind

# ---- 24 readers at once, each reading households in and out of scope ------------
readers = 24
per = 30
sessions = [login("case01") for _ in range(readers)]
got = {"200": 0, "404": 0, "other": []}
lock = threading.Lock()


def reader(i):
    s = sessions[i]
    for k in range(per):
        out = k % 5 == 4
        hid = (outside if out else inside)[(i + k) % len(outside if out else inside)]
        st, b, _ = s.call("GET", f"/api/households/{hid}")
        with lock:
            if st == 200 and not out and b.get("household_id") == hid:
                got["200"] += 1
            elif st == 404 and out:
                got["404"] += 1
            else:
                got["other"].append((hid, st, str(b)[:200]))


before_rec, before_ref = log_rows("case01", RECORD), log_rows("case01", REFUSED)
threads = [threading.Thread(target=reader, args=(i,)) for i in range(readers)]
for th in threads:
    th.start()
for th in threads:
    th.join()
t.check(not got["other"], f"every read answered 200 within the scope, 404 outside: {got['other'][:3]}")
t.check(got["200"] == readers * per * 4 // 5, f"{got['200']} households shown")
t.check(log_rows("case01", RECORD) - before_rec == got["200"],
        f"each of the {got['200']} households shown is in the access log once "
        f"({log_rows('case01', RECORD) - before_rec} entries)")
t.check(log_rows("case01", REFUSED) - before_ref == got["404"],
        f"each of the {got['404']} refusals is in the access log once")

# The auditor sees them through the API, newest first, with the route.
aud = login("audit01")
st, b, _ = aud.call("GET", f"/api/households/{inside[0]}/access?limit=1000")
t.status(st, 200, "the auditor lists who looked at a household", b)
if st == 200:
    mine = [e for e in b["entries"] if e["login"] == "case01" and e["kind_zh"] == "查看档案"]
    t.check(mine and all(e["what"] == "GET /api/households/{id}" for e in mine),
            f"the caseworker's reads of {inside[0]} are listed with the route")
    # Newest first by the time of the look; entries of the same second in
    # the order they were written (the log writer takes them as the
    # workers hand them over, not always in the order of their times).
    ats = [(e["at"], e["id"]) for e in b["entries"]]
    t.check(ats == sorted(ats, reverse=True), "newest first")

# The chain of the audit log is whole after the concurrent commits.
r = subprocess.run([jz, "audit", "verify", db], capture_output=True, text=True)
t.check(r.returncode == 0, f"audit verify after the reads: exit {r.returncode}: {r.stderr[:300]}")

# ---- the log cannot be written: nothing is shown ----------------------------------
ON_PG = db.startswith(("postgresql://", "postgres://"))
if ON_PG:
    db_rows(db, "CREATE FUNCTION refuse_access_log() RETURNS trigger LANGUAGE plpgsql AS"
                " $$ BEGIN RAISE EXCEPTION 'access log refused by the test'; END $$;"
                " CREATE TRIGGER refuse_access_log BEFORE INSERT ON access_log"
                " FOR EACH ROW EXECUTE FUNCTION refuse_access_log()")
else:
    db_rows(db, "CREATE TRIGGER refuse_access_log BEFORE INSERT ON access_log"
                " BEGIN SELECT RAISE(ABORT, 'access log refused by the test'); END")
s = sessions[0]
st, b, _ = s.call("GET", f"/api/households/{inside[0]}")
t.status(st, 503, "a household read whose access entry cannot be written", b)
text = str(b)
t.check("查询留痕未能记录" in text, f"the 503 says the access log failed: {text[:200]}")
t.check("members" not in text and inside[0] not in text.replace(f"/api/households/{inside[0]}", ""),
        f"the 503 shows nothing of the household: {text[:300]}")
st, b, _ = s.call("GET", f"/api/households/{outside[0]}")
t.status(st, 404, "a refusal stays a 404 when its entry cannot be written", b)
db_rows(db, "DROP TRIGGER refuse_access_log ON access_log; DROP FUNCTION refuse_access_log()"
        if ON_PG else "DROP TRIGGER refuse_access_log")
st, b, _ = s.call("GET", f"/api/households/{inside[0]}")
t.status(st, 200, "reads are answered again once the log can be written", b)

t.finish()
