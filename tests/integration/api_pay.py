"""A county's month of payments over HTTP (issue 14 through the API), against a
real server on loopback and a generated county with adopted enrolments:

- the month planned (every line held: no account yet), planned again (nothing
  added); payees set from the registry (the accounts masked in every answer,
  the held lines released), bad payees refused naming the field; a care
  institution registered;
- batches per bank prepared by one reviewer, approved by another (the
  preparer himself refused, 403 with the reason); the 代发 files downloaded
  (an attachment: the bank's encoding, the accounts whole, the same bytes
  again, the download in the access log as 导出);
- the bank's result file uploaded with two refusals, again (nothing
  changes), another file and bad files refused naming the line with
  nothing written; the refused accounts corrected, their follow-ups, the
  next month's batch paying them once;
- the reconciliation (balanced, the refusals re-paid), the statement
  (.xlsx), what is due, the 300-yuan one-time programme with its 6:4
  split, a hold and its release, a fraud stop's recovery repaid to zero,
  the household's payments;
- roles and scope: a reviewer of another county gets the 404 of a batch,
  recovery or household that does not exist; an analyst reads but neither
  writes nor downloads; a caseworker gets 403;
- no whole account number and no whole ID number in any JSON answer.

Run by test_api_pay.sh with BASE, PW and DB in the environment.
"""
import csv
import hashlib
import io
import json
import os
import re
import sys

from api import Checks, Session, db_rows

PW = os.environ["PW"]
DB = os.environ["DB"]
t = Checks()
answers = []  # every JSON answer, for the masking checks


def luhn(base):
    s = 0
    for i, c in enumerate(reversed(base)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        s += d
    return base + str((10 - s % 10) % 10)


def login(who):
    s = Session(os.environ["BASE"])
    st, b, _ = s.login(who, PW)
    if st != 200:
        raise AssertionError(f"login {who}: {st} {b}")
    return s


def call(s, method, path, body=None, want=200, what=None, **kw):
    st, b, h = s.call(method, path, body, **kw)
    t.status(st, want, what or f"{method} {path}", b)
    if isinstance(b, dict):
        answers.append(json.dumps(b, ensure_ascii=False))
    return b, h


def q(sql, *args):
    return db_rows(DB, sql, args)


def state():
    """The ledger and the batches as they stand (to show nothing changed)."""
    return q("SELECT line, status, batch, payee, result, reason FROM pay_lines ORDER BY line") + \
        q("SELECT batch, state, exported_at, settled_at, file_name, results_sha256 FROM pay_batches"
          " ORDER BY batch")


rva, rvb = login("rv.a"), login("rv.b")
analyst, auditor, outsider, cw = login("an.a"), login("au.a"), login("rv.out"), login("cw.a")
COUNTY = "140902"

# ---- the month planned before any account ---------------------------------------------------
b, _ = call(rva, "POST", "/api/pay/plan", {"period": "2025-07"}, what="plan July")
t.check(b["lines_added"] > 50 and b["held"] == b["lines_added"] and b["region"] == COUNTY,
        f"July planned, every line held (no payee): {b}")
july = b["lines_added"]
b, _ = call(rva, "POST", "/api/pay/plan", {"period": "2025-07"}, what="plan July again")
t.check(b["lines_added"] == 0 and b["already"] == july, f"planning again adds nothing: {b}")
call(rva, "POST", "/api/pay/plan", {"period": "2025-7"}, want=422, what="a month without its zero")
call(rva, "POST", "/api/pay/plan", {"period": "2025-07", "region": "140923"}, want=404,
     what="planning another county")

# ---- payees from the registry (the head of each household with a household unit) -----------
heads = q("""SELECT DISTINCT e.household_id, m.name, m.id_number FROM enrolments e
             JOIN households h ON h.household_id = e.household_id
             JOIN members m ON m.hh = h.hh AND m.idx = 0 WHERE e.member_id = '' ORDER BY 1""")
accounts = {}  # household -> (bank, account)
released = 0
all_accounts = set()
for n, (hh, name, idn) in enumerate(heads, 1):
    bank, pre = (("abc", "622848"), ("psbc", "621799"), ("sxrcu", "623159"))[n % 3]
    acct = luhn(pre + f"{n:012d}")
    accounts[hh] = (bank, acct, name, idn)
    all_accounts.add(acct)
    b, _ = call(rva, "PUT", f"/api/households/{hh}/payee",
                {"holder_name": name, "holder_id": idn, "bank": bank, "account": acct},
                what=f"payee of {hh}")
    if n == 1:
        p = b.get("payee", {})
        t.check(p.get("account") == acct[:4] + "*" * 11 + acct[15:] and p.get("version") == 1 and
                p.get("holder_id") != idn and b.get("changed") is True,
                f"the payee answered masked, version 1: {b}")
    released += b.get("released", 0)
t.check(len(heads) > 30, f"{len(heads)} households with a household unit")
t.check(released > 0, f"held lines released by the accounts: {released}")
hh1, (bank1, acct1, name1, id1) = next(iter(accounts.items()))
b, _ = call(rva, "PUT", f"/api/households/{hh1}/payee",
            {"holder_name": name1, "holder_id": id1, "bank": bank1, "account": acct1}, what="the same again")
t.check(b.get("changed") is False and b.get("released") == 0, f"the same account again changes nothing: {b}")
good_acct = luhn("622848000000000001")
bad_payees = [
    ({"account": good_acct[:-1] + str((int(good_acct[-1]) + 1) % 10), "bank": "abc"}, "account",
     "a bad Luhn digit"),
    ({"bank": "icbc"}, "bank", "an unknown bank"),
    ({"holder_id": "140902197803120150"}, "holder_id", "a bad check character"),
    ({"member_id": "110101199003070011"}, "member_id", "a member of another household"),
    ({"institution": 1}, "holder_name", "an institution and an own account at once"),
]
for change, field, what in bad_payees:
    body = dict({"holder_name": name1, "holder_id": id1, "bank": bank1, "account": acct1}, **change)
    b, _ = call(rva, "PUT", f"/api/households/{hh1}/payee", body, want=422, what=what)
    t.check(b.get("error", {}).get("field") == field, f"{what}: names {field}: {b}")
b, _ = call(analyst, "GET", f"/api/households/{hh1}/payee", what="an analyst reads the payee")
t.check(len(b.get("payees", [])) == 1 and b["payees"][0]["account"].startswith(acct1[:4] + "*"),
        f"the payee listed masked: {b}")
call(analyst, "GET", f"/api/households/{hh1}/payee?member_id=1409", want=422, what="a bad member_id")
call(analyst, "PUT", f"/api/households/{hh1}/payee", {"holder_name": name1}, want=403,
     what="an analyst setting a payee")

# ---- a care institution --------------------------------------------------------------------
inst_acct = luhn("623159999999999999")
b, _ = call(rva, "POST", "/api/institutions", {"county": COUNTY, "name": "忻府区敬老院",
                                                 "holder": "忻州市忻府区敬老院", "bank": "sxrcu",
                                                 "account": inst_acct}, want=201, what="an institution")
t.check(b.get("id", 0) > 0 and b.get("account") == inst_acct[:4] + "*" * 11 + inst_acct[15:],
        f"the institution, masked: {b}")
call(rva, "POST", "/api/institutions", {"county": COUNTY, "name": "忻府区敬老院", "holder": "另一",
                                        "bank": "sxrcu", "account": inst_acct}, want=422,
     what="an institution's name twice in a county")
call(rva, "POST", "/api/institutions", {"county": "140923", "name": "代县敬老院", "holder": "代县敬老院",
                                        "bank": "sxrcu", "account": inst_acct}, want=404,
     what="an institution of another county")
b, _ = call(analyst, "GET", f"/api/institutions?county={COUNTY}", what="institutions")
t.check([i["name"] for i in b.get("institutions", [])] == ["忻府区敬老院"], f"listed: {b}")

# ---- batches: prepared by one reviewer, approved by another ---------------------------------
b, _ = call(rva, "POST", "/api/pay/batches", {"period": "2025-07", "county": COUNTY}, want=201,
            what="batches of July")
batches = {x["bank"]: x for x in b.get("batches", [])}
t.check(sorted(batches) == ["abc", "psbc", "sxrcu"] and
        all(x["state"] == "prepared" and x["prepared_by"] == "rv.a" for x in batches.values()),
        f"one batch per bank, prepared by rv.a: {b}")
b, _ = call(rva, "POST", "/api/pay/batches", {"period": "2025-07", "county": COUNTY}, what="again")
t.check(b.get("batches") == [], f"nothing left to batch: {b}")
abc, psbc, rcu = (batches[k]["id"] for k in ("abc", "psbc", "sxrcu"))
b, _ = call(analyst, "GET", f"/api/pay/batches?county={COUNTY}&period=2025-07", what="the list")
t.check(sorted(x["id"] for x in b.get("batches", [])) == sorted([abc, psbc, rcu]), f"listed: {b}")
b, _ = call(analyst, "GET", f"/api/pay/batches/{abc}", what="a batch with its lines")
items = b.get("items", [])
t.check(len(items) == b.get("lines") == batches["abc"]["lines"] and
        sum(i["amount_fen"] for i in items) == b.get("total_fen"), "the lines make the batch")
t.check(all(i["account"] == accounts[i["household_id"]][1][:4] + "*" * 11 + accounts[i["household_id"]][1][15:]
            for i in items), "each line with its account, masked")
b2, _ = call(analyst, "GET", f"/api/pay/batches/{abc}?offset=2&limit=3", what="a page")
t.check([i["id"] for i in b2.get("items", [])] == [i["id"] for i in items[2:5]], "a page of the lines")
call(analyst, "GET", f"/api/pay/batches/{abc}?limit=0", want=422, what="limit 0")
call(rva, "POST", f"/api/pay/batches/{abc}/export", want=422, what="no file before approval")
b, _ = call(rva, "POST", f"/api/pay/batches/{abc}/approve", want=403, what="the preparer approving")
t.check("另一名工作人员" in b.get("error", {}).get("message", ""), f"403 says why: {b}")
call(analyst, "POST", f"/api/pay/batches/{abc}/approve", want=403, what="an analyst approving")
for x in (abc, psbc, rcu):
    b, _ = call(rvb, "POST", f"/api/pay/batches/{x}/approve", what=f"rv.b approves {x}")
    t.check(b.get("state") == "approved" and b.get("approved_by") == "rv.b", f"approved: {b}")

# ---- the 代发 files ------------------------------------------------------------------------
call(rva, "GET", f"/api/pay/batches/{abc}/file", want=409, what="a download never sends a batch")
b, _ = call(analyst, "GET", f"/api/pay/batches/{abc}")
t.check(b.get("state") == "approved", f"the batch not sent by a GET: {b.get('state')}")
st, raw, h = rva.call("POST", f"/api/pay/batches/{abc}/export")
t.status(st, 200, "abc's file", raw)
t.check(h.get("content-type") == "text/csv; charset=GB18030", f"abc's file is GB18030: {h.get('content-type')}")
t.check(h.get("content-disposition") == f'attachment; filename="ABC_DF_{COUNTY}_2025-07_{abc}.csv"',
        f"an attachment named by the bank's pattern: {h.get('content-disposition')}")
rows = list(csv.reader(io.StringIO(raw.decode("gb18030"))))
t.check(rows[0] == ["序号", "卡号", "户名", "金额", "证件号码", "用途", "明细编号"], f"abc's columns: {rows[0]}")
t.check(len(rows) - 1 == batches["abc"]["lines"], "one row per line")
line_hh = {i["id"]: i["household_id"] for i in items}
t.check(all(r[1] == accounts[line_hh[int(r[6])]][1] for r in rows[1:]), "the accounts whole in the bank file")
st, raw2, _ = rva.call("GET", f"/api/pay/batches/{abc}/file")
t.check(st == 200 and raw2 == raw, "downloading again gives the same bytes")
st, x, h = rva.call("GET", f"/api/pay/batches/{abc}/file?format=xlsx")
t.check(st == 200 and x[:2] == b"PK" and h.get("content-type", "").endswith("spreadsheetml.sheet"),
        "the xlsx file")
call(rva, "GET", f"/api/pay/batches/{abc}/file?format=pdf", want=422, what="format pdf")
call(analyst, "GET", f"/api/pay/batches/{abc}/file", want=403, what="an analyst downloading the bank file")
call(analyst, "POST", f"/api/pay/batches/{abc}/export", want=403, what="an analyst sending the bank file")
b, _ = call(analyst, "GET", f"/api/pay/batches/{abc}")
t.check(b.get("state") == "exported" and all(i["status"] == "sent" for i in b.get("items", [])),
        "the export marked the batch exported and its lines sent")
b, _ = call(auditor, "GET", f"/api/access-log?region={COUNTY}&limit=1000", what="the access log")
exports = [e for e in b.get("entries", []) if e["kind_zh"] == "导出" and e["subject"] == f"pay-batch:{abc}"]
t.check(len(exports) == 3 and all(e["login"] == "rv.a" for e in exports) and
        sorted(e["what"] for e in exports) == ["GET /api/pay/batches/{id}/file"] * 2 + ["POST /api/pay/batches/{id}/export"],
        f"the export and two downloads of {abc} logged: {exports}")

# ---- the result file: two refusals ---------------------------------------------------------
out = io.StringIO()
w = csv.writer(out, lineterminator="\n")
w.writerow(["明细编号", "账号", "金额", "结果代码", "说明"])
refused = []
for k, r in enumerate(rows[1:]):
    code, why = ("E102", "账户已销户") if k in (0, 2) else ("0000", "成功")
    if code != "0000":
        refused.append(int(r[6]))
    w.writerow([r[6], r[1], r[3], code, why])
result = out.getvalue().encode("gb18030")
hdr = {"Content-Type": "text/csv"}
b, _ = call(rva, "POST", f"/api/pay/batches/{abc}/results?name=abc-result.csv", raw=result, headers=hdr,
            what="abc's results")
t.check(b.get("paid") == len(rows) - 3 and b.get("refused") == 2 and b.get("already") is False and
        b.get("batch", {}).get("state") == "settled" and
        sorted(i["id"] for i in b.get("refused_lines", [])) == sorted(refused) and
        all(i["result"] == "E102" and i["reason"] == "账户已销户" for i in b.get("refused_lines", [])),
        f"paid and refused, the refusals listed: {b}")
t.check(b.get("sha256") == hashlib.sha256(result).hexdigest(), "the file's sha256")
s1 = state()
b, _ = call(rva, "POST", f"/api/pay/batches/{abc}/results", raw=result, headers=hdr, what="the same file again")
t.check(b.get("already") is True and state() == s1, f"importing again changes nothing: {b}")
call(rva, "POST", f"/api/pay/batches/{abc}/results", raw=result.replace(b"E102", b"0000"), headers=hdr,
     want=422, what="another file for a settled batch")
# Bad files for psbc: refused whole, the line named, nothing written.
st, praw, _ = rva.call("POST", f"/api/pay/batches/{psbc}/export")
prows = list(csv.reader(io.StringIO(praw.decode("utf-8"))))
good = "明细编号,账号,金额,结果代码,说明\n" + "".join(f"{r[1]},{r[4]},{r[5]},0000,\n" for r in prows[1:])
lines = good.splitlines()
bad_files = [
    ("abc's file for psbc", result, 2, "line"),
    ("an unknown line", "\n".join([lines[0], "999999" + lines[1][lines[1].index(","):]] + lines[2:]) + "\n", 2, "line"),
    ("a wrong amount", "\n".join(lines[:2] + [re.sub(r",([0-9.]+),0000", lambda m: f",{float(m.group(1)) + 1:.2f},0000", lines[2])] + lines[3:]) + "\n", 3, "amount"),
    ("a line twice", good + lines[1] + "\n", len(lines) + 1, "line"),
    ("lines missing", "\n".join(lines[:-2]) + "\n", None, None),
    ("UTF-16", good.encode("utf-16"), None, None),
    ("empty", "", None, None),
]
s2 = state()
for what, body, line, field in bad_files:
    b, _ = call(rva, "POST", f"/api/pay/batches/{psbc}/results?name=bad.csv", raw=body, headers=hdr,
                want=422, what=what)
    e = b.get("error", {})
    if line:
        t.check(e.get("line") == line and e.get("field") == field, f"{what}: line {line}, field {field}: {e}")
    t.check(state() == s2, f"{what}: nothing written")
call(rva, "POST", f"/api/pay/batches/{psbc}/results", raw=good, headers=hdr, what="psbc all paid")
st, rraw, _ = rva.call("POST", f"/api/pay/batches/{rcu}/export")
rrows = list(csv.reader(io.StringIO(rraw.decode("gb18030"))))
col = {c: i for i, c in enumerate(rrows[0])}
rgood = "明细编号,账号,金额,结果代码,说明\n" + "".join(
    f"{r[col['明细编号']]},{r[col['账号']]},{r[col['金额']]},0000,\n" for r in rrows[1:])
call(rva, "POST", f"/api/pay/batches/{rcu}/results", raw=rgood, headers=hdr, what="sxrcu all paid")

# ---- refused accounts corrected, follow-ups, the next month ------------------------------------
b, _ = call(rva, "POST", "/api/pay/followups", {"county": COUNTY}, what="follow-ups before correcting")
t.check(b.get("added") == [] and sorted(i["id"] for i in b.get("waiting", [])) == sorted(refused),
        f"both refusals wait for a corrected account: {b}")
refused_hh = list(dict.fromkeys(i["household_id"] for i in items if i["id"] in refused))
for k, hh in enumerate(refused_hh):
    _, _, name, idn = accounts[hh]
    acct = luhn(f"62179977777777777{k}")
    accounts[hh] = ("psbc", acct, name, idn)
    all_accounts.add(acct)
    b, _ = call(rva, "PUT", f"/api/households/{hh}/payee",
                {"holder_name": name, "holder_id": idn, "bank": "psbc", "account": acct}, what="corrected")
    t.check(b.get("changed") is True and b.get("before_version") == 1 and b["payee"]["version"] == 2,
            f"a new version of the payee: {b}")
b, _ = call(rva, "POST", "/api/pay/followups", {"county": COUNTY}, what="follow-ups")
follow = {i["refers_to"]: i for i in b.get("added", [])}
t.check(sorted(follow) == sorted(refused) and b.get("waiting") == [] and
        all(i["kind"] == "followup" and i["status"] == "planned" for i in follow.values()),
        f"one follow-up per refusal: {b}")
b, _ = call(rva, "POST", "/api/pay/followups", {"county": COUNTY}, what="follow-ups again")
t.check(b.get("added") == [], "never twice")
call(rva, "POST", "/api/pay/plan", {"period": "2025-08"}, what="plan August")
b, _ = call(rva, "POST", "/api/pay/batches", {"period": "2025-08", "county": COUNTY}, want=201, what="August's batches")
aug = {x["bank"]: x["id"] for x in b.get("batches", [])}
for bank, x in aug.items():
    call(rvb, "POST", f"/api/pay/batches/{x}/approve", what=f"approve August {bank}")
    st, fraw, _ = rva.call("POST", f"/api/pay/batches/{x}/export")
    enc = "utf-8" if bank == "psbc" else "gb18030"
    frows = list(csv.reader(io.StringIO(fraw.decode(enc))))
    c = {h: i for i, h in enumerate(frows[0])}
    lc = c.get("明细编号", c.get("业务编号"))
    ac = c.get("账号", c.get("卡号", c.get("收款账号")))
    mc = c.get("金额", c.get("金额（元）"))
    res = "line,account,amount,code,reason\n" + "".join(f"{r[lc]},{r[ac]},{r[mc]},0000,\n" for r in frows[1:])
    if bank == "psbc":
        sent = {int(r[lc]) for r in frows[1:]}
        t.check(all(f["id"] in sent for f in follow.values()) and not (set(refused) & sent),
                "the follow-ups sent in August's psbc batch, the refused lines never again")
    call(rva, "POST", f"/api/pay/batches/{x}/results", raw=res, headers=hdr, what=f"August {bank} paid")

# ---- reconciliation, the statement, deadlines ---------------------------------------------------
b, _ = call(analyst, "GET", f"/api/pay/reconcile?county={COUNTY}&period=2025-07", what="July reconciled")
tot = b.get("total", {})
t.check(b.get("balanced") is True and tot.get("refused", {}).get("n") == 2 and
        tot.get("repaid", {}).get("n") == 2 and tot.get("superseded", {}).get("n") == 2 and
        tot.get("refused_open", {}).get("n") == 0 and all(i["holds"] for i in b.get("identities", [])),
        f"July balanced, both refusals re-paid: {json.dumps(b, ensure_ascii=False)[:600]}")
b, _ = call(auditor, "GET", f"/api/pay/reconcile?batch={abc}", what="abc's batch reconciled")
t.check(b.get("balanced") is True and b.get("batch") == abc and b.get("period") is None, f"a batch: {str(b)[:300]}")
call(auditor, "GET", f"/api/pay/reconcile?batch={abc}&county={COUNTY}", want=422, what="a batch and a county")
call(auditor, "GET", f"/api/pay/reconcile?county={COUNTY}", want=422, what="a county without a period")
call(auditor, "GET", f"/api/pay/reconcile?county={COUNTY}&period=2099-nothing", want=404, what="a period nobody has")
st, xl, h = auditor.call("GET", f"/api/pay/statement?county={COUNTY}&period=2025-07")
t.check(st == 200 and xl[:2] == b"PK" and
        h.get("content-disposition") == f'attachment; filename="statement_{COUNTY}_2025-07.xlsx"',
        f"the statement: {st} {h.get('content-disposition')}")
b, _ = call(auditor, "GET", f"/api/access-log?region={COUNTY}&limit=1000")
t.check(any(e["kind_zh"] == "导出" and e["subject"] == f"pay-statement:{COUNTY}:2025-07" and e["login"] == "au.a"
            for e in b.get("entries", [])), "the statement's download logged")
b, _ = call(analyst, "GET", "/api/pay/due?date=2025-09-01&within=10", what="nothing due")
t.check(b.get("date") == "2025-09-01" and b.get("rows") == [], f"July and August sent: {str(b)[:400]}")
b, _ = call(rva, "POST", "/api/pay/plan", {"period": "2025-09"}, what="plan September")
sept = b.get("total_added_fen")
b, _ = call(analyst, "GET", "/api/pay/due?date=2025-09-01&within=10", what="September due")
t.check([(r["period"], r["late"], r["due"], r["rule"]) for r in b.get("rows", [])] ==
        [("2025-09", False, "2025-09-10", "R-DB-PAY")] and b["rows"][0]["amount_fen"] == sept,
        f"September's money due by the 10th: {str(b)[:400]}")
b, _ = call(analyst, "GET", "/api/pay/due?date=2025-09-15", what="September late")
t.check(all(r["late"] for r in b.get("rows", [])) and b.get("rows"), f"late after the 10th: {str(b)[:400]}")
call(analyst, "GET", "/api/pay/due?within=366", want=422, what="within 366")

# ---- the 300-yuan one-time programme, a hold ----------------------------------------------------
b, _ = call(rva, "POST", "/api/pay/once", {"programme": "2022-subsidy"}, what="the 300-yuan programme")
t.check(b.get("lines_added") == b.get("persons") and b.get("province_fen") + b.get("local_fen") == b.get("total_fen")
        and b.get("province_fen") * 4 == b.get("local_fen") * 6 and b.get("programme", {}).get("amount_fen") == 30000,
        f"one line per person, split 6:4: {b}")
b2, _ = call(rva, "POST", "/api/pay/once", {"programme": "2022-subsidy"}, what="again")
t.check(b2.get("lines_added") == 0 and b2.get("already") == b.get("persons"), "paid once, whatever is re-run")
b, _ = call(rva, "POST", "/api/pay/once", {"programme": "nosuch"}, want=404, what="an unknown programme")
t.check(b.get("error", {}).get("field") == "programme", f"names the programme: {b}")
(enr, hh_h), = q("SELECT enrolment, household_id FROM enrolments WHERE member_id = '' AND status = 0 ORDER BY enrolment LIMIT 1")
b, _ = call(rva, "POST", f"/api/enrolments/{enr}/hold", {"from": "2025-10", "reason": f"复核期间暂停（{id1}）"},
            what="a hold")
t.check(b.get("from") == "2025-10" and b.get("household_id") == hh_h and
        b.get("reason") == f"复核期间暂停（{id1[:6]}********{id1[14:]}）", f"held, the ID masked: {b}")
call(rva, "POST", f"/api/enrolments/{enr}/release", {"to": "2025-10", "back_pay": True}, what="released")
call(rva, "POST", f"/api/enrolments/{enr}/release", {"to": "2025-10"}, want=(404, 409, 422), what="released twice")

# ---- a fraud stop's recovery, repaid ----------------------------------------------------------
fraud = next(i for i in items if i["id"] == refused[0])
fraud_hh, fenr = fraud["household_id"], fraud["enrolment"]
call(rva, "POST", f"/api/enrolments/{fenr}/stop", {"reason": "fraud", "note": "隐瞒收入", "fraud_from": "2025-07"},
     what="a fraud stop")
b, _ = call(analyst, "GET", f"/api/recoveries?household={fraud_hh}", what="the household's recoveries")
recs = b.get("recoveries", [])
t.check(len(recs) == 1 and recs[0]["balance_fen"] == recs[0]["amount_fen"] > 0 and recs[0]["from_period"] == "2025-07",
        f"a recovery of what was paid from July: {b}")
rec = recs[0]["id"] if recs else 999999
amount = recs[0]["amount_fen"] if recs else 0
b, _ = call(rva, "POST", f"/api/recoveries/{rec}/repayments", {"amount_fen": amount + 1},
            want=422, what="more than the balance")
b, _ = call(rva, "POST", f"/api/recoveries/{rec}/repayments", {"amount_fen": 100, "note": "第一笔"},
            want=201, what="a repayment")
t.check(b.get("recovery", {}).get("balance_fen") == amount - 100 and b.get("repayment", {}).get("amount_fen") == 100 and
        isinstance(b.get("repayment", {}).get("id"), int) and b["repayment"]["id"] > 0,
        f"the balance after: {b}")
b, _ = call(rva, "POST", f"/api/recoveries/{rec}/repayments", {"amount_fen": amount - 100},
            want=201, what="the rest")
t.check(b.get("recovery", {}).get("settled") is True, f"settled: {b}")
call(analyst, "POST", f"/api/recoveries/{rec}/repayments", {"amount_fen": 1}, want=403, what="an analyst repaying")
b, _ = call(auditor, "GET", f"/api/recoveries?county={COUNTY}", what="the county's recoveries")
t.check(any(r["id"] == rec and len(r["repayments"]) == 2 for r in b.get("recoveries", [])), "listed with its repayments")
b, _ = call(analyst, "GET", f"/api/households/{fraud_hh}/payments", what="the household's payments")
kinds = sorted({(i["period"], i["kind"], i["status"]) for i in b.get("lines", [])})
t.check(("2025-07", "regular", "superseded") in kinds and ("2025-07", "followup", "paid") in kinds and
        len(b.get("recoveries", [])) == 1 and b["recoveries"][0]["settled"],
        f"the lines, the re-payment and the settled recovery: {kinds}")

# ---- roles and scope ----------------------------------------------------------------------------
ghost_batch, ghost_rec = 999999, 999999
for path, method, body in ((f"/api/pay/batches/{{}}", "GET", None),
                           (f"/api/pay/batches/{{}}/file", "GET", None),
                           (f"/api/pay/batches/{{}}/approve", "POST", None),
                           (f"/api/pay/batches/{{}}/results", "POST", "x")):
    st1, b1, _ = outsider.call(method, path.format(abc), raw=body, headers=hdr if body else None)
    st2, b2, _ = outsider.call(method, path.format(ghost_batch), raw=body, headers=hdr if body else None)
    t.check(st1 == st2 == 404 and b1 == b2, f"{method} {path}: another county's batch is one that does not exist: {b1} / {b2}")
st1, b1, _ = outsider.call("POST", f"/api/recoveries/{rec}/repayments", {"amount_fen": 1})
st2, b2, _ = outsider.call("POST", f"/api/recoveries/{ghost_rec}/repayments", {"amount_fen": 1})
t.check(st1 == st2 == 404 and b1 == b2, f"another county's recovery: {b1} / {b2}")
for path in (f"/api/households/{hh1}/payee", f"/api/households/{hh1}/payments"):
    st, b, _ = outsider.call("GET", path)
    t.status(st, 404, f"a reviewer of 代县 reads {path}", b)
st, b, _ = outsider.call("GET", f"/api/pay/reconcile?county={COUNTY}&period=2025-07")
t.status(st, 404, "a reviewer of 代县 reconciling 忻府区", b)
st, b, _ = outsider.call("GET", "/api/pay/batches")
t.check(st == 200 and b.get("batches") == [], f"a reviewer of 代县 lists no batch of 忻府区: {b}")
st, b, _ = cw.call("GET", f"/api/pay/batches/{abc}")
t.status(st, 403, "a caseworker reading a batch", b)

# ---- masking ---------------------------------------------------------------------------------------
text = "\n".join(answers)
leaks = [a for a in all_accounts | {inst_acct} if a in text]
t.check(not leaks, f"no whole account in a JSON answer: {leaks[:3]}")
t.check(not re.search(r"(?<![0-9])\d{17}[\dX](?![0-9])", text), "no whole ID number in a JSON answer")
print(f"{len(answers)} JSON answers, {len(accounts)} payees")
t.finish()
