"""Payments for the API's scope matrix and bad-input tests (api_scope.py,
api_input.py): what setup_registry (api.py) made gets, on each side, two more
households already receiving 低保 (adopted at import), July planned, payees
and an institution, three batches of July in three states (prepared,
approved, exported: what the approve, file and results routes need), a
fraud stop's recovery (of household 9, whose July line the bank already
has: a line not yet sent would be withdrawn, not recovered), and the text
of the exported batch's result file.

setup_pay(jz, db, tmp, state) runs the command line (as `setup` and a
second user, 科长, who approves) and adds state[side]["pay"]:
  {"batch": {"prepared": id, "approved": id, "exported": id},
   "recovery": id, "hold": enrolment id, "results": result file text,
   "payee": {"hh": n, "body": a valid PUT body}}.
"""
import csv
import io
import json
import os

from api import INSIDE, OUTSIDE, _run, db_rows, household

PAY_BANKS = {1: ("abc", "622848"), 2: ("psbc", "621799"), 8: ("sxrcu", "623159"), 9: ("sxrcu", "623159")}


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


def account(side, n, version=1):
    bank, pre = PAY_BANKS[n]
    return bank, luhn(pre + f"{(1 if side == 'in' else 2)}{version}{n:010d}")


def setup_pay(jz, db, tmp, state):
    sides = (("in", INSIDE), ("out", OUTSIDE))
    path = os.path.join(tmp, "adopted.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for side, where in sides:
            for n in (8, 9):
                base = 100 + n if side == "in" else 200 + n
                h = household(f"H{where['county']}-90000{n}", where["village"], base)
                h["current"] = {"programme": "dibao", "since": "2025-01-01", "monthly_amount": "400.00"}
                state[side]["hh"][n] = dict(h)
                f.write(json.dumps(h, ensure_ascii=False) + "\n")
    _run([jz, "import", db, path], "import adopted")
    _run([jz, "pay", "plan", db, "--period", "2025-07", "--actor", "setup"], "plan July")
    for side, where in sides:
        inst = luhn(f"62315999999999999{1 if side == 'in' else 2}")
        _run([jz, "pay", "institution", "add", db, "--county", where["county"], "--name", "敬老院",
              "--holder", "敬老院", "--bank", "sxrcu", "--account", inst, "--actor", "setup"], "institution")
        for n in (1, 2, 8, 9):
            head = state[side]["hh"][n]["members"][0]
            bank, acct = account(side, n)
            _run([jz, "pay", "payee", "set", db, "--household", state[side]["hh"][n]["household_id"],
                  "--name", head["name"], "--id", head["id"], "--bank", bank, "--account", acct,
                  "--actor", "setup"], f"payee {n}")
        _run([jz, "pay", "batch", db, "--period", "2025-07", "--county", where["county"], "--actor", "setup"],
             "batch")
    for side, where in sides:
        batches = {b: int(n) for b, n in db_rows(db, "SELECT bank, batch FROM pay_batches WHERE county = ? AND period = '2025-07'",
                                                 (where["county"],))}
        pay = {"batch": {"prepared": batches["abc"], "approved": batches["psbc"],
                         "exported": batches["sxrcu"]}}
        for b in ("approved", "exported"):
            _run([jz, "pay", "approve", db, "--batch", str(pay["batch"][b]), "--actor", "科长"], "approve")
        out = os.path.join(tmp, f"files-{side}")
        os.makedirs(out, exist_ok=True)
        _run([jz, "pay", "export", db, "--batch", str(pay["batch"]["exported"]), "--out", out,
              "--actor", "setup"], "export")
        name, = os.listdir(out)
        with open(os.path.join(out, name), encoding="gb18030") as f:
            rows = list(csv.reader(f))
        col = {c: i for i, c in enumerate(rows[0])}
        pay["results"] = "明细编号,账号,金额,结果代码,说明\n" + "".join(
            f"{r[col['明细编号']]},{r[col['账号']]},{r[col['金额']]},0000,成功\n" for r in rows[1:])
        (e8,), = db_rows(db, "SELECT enrolment FROM enrolments WHERE household_id = ?",
                         (state[side]["hh"][8]["household_id"],))
        (e9,), = db_rows(db, "SELECT enrolment FROM enrolments WHERE household_id = ?",
                         (state[side]["hh"][9]["household_id"],))
        e8, e9 = int(e8), int(e9)
        pay["hold"] = e8
        _run([jz, "enrolment", "stop", db, str(e9), "--reason", "fraud", "--from-month", "2025-07",
              "--note", "隐瞒收入", "--actor", "setup"], "fraud stop")
        (rec,), = db_rows(db, "SELECT recovery FROM recoveries WHERE enrolment = ?", (e9,))
        pay["recovery"] = int(rec)
        head = state[side]["hh"][9]["members"][0]
        bank, acct = account(side, 9, 2)
        pay["payee"] = {"hh": 9, "body": {"holder_name": head["name"], "holder_id": head["id"],
                                          "bank": bank, "account": acct}}
        state[side]["pay"] = pay
    return state


# ---- the scope matrix's rows (api_scope.py) ----------------------------------------------------

GHOST_ID = 999999


def _county(side):
    return {"in": INSIDE["county"], "out": OUTSIDE["county"], "ghost": "140988"}[side]


def _pay(c, side):
    return c.side(side)["pay"]


def _batch(which):
    return lambda c, side: GHOST_ID if side == "ghost" else _pay(c, side)["batch"][which]


def _req(path, body=None, raw=None, ctype=None, echo=()):
    return {"path": path, "body": body, "raw": raw, "ctype": ctype, "echo": list(echo)}


def _by_county(path, body=None):
    """A route whose subject is a county: in the body (body(county)), else
    in the query."""
    def build(c, side, role):
        k = _county(side)
        if body:
            return _req(path, body(k), echo=[k])
        return _req(f"{path}{'&' if '?' in path else '?'}county={k}", echo=[k])
    return build


def _by_id(fmt, subject, body=None, raw=None, ctype=None):
    def build(c, side, role):
        s = str(subject(c, side))
        return _req(fmt.format(s), body(c, side) if body else None, raw(c, side) if raw else None, ctype,
                    echo=[s])
    return build


def _results_text(c, side):
    return _pay(c, "in" if side == "in" else "out")["results"]


def _payee_put(c, side, role):
    """Inside: household 9's account changed; outside: the outside one's;
    ghost: a household nobody registered, with the outside one's body."""
    p = _pay(c, "in" if side == "in" else "out")["payee"]
    hid = c.hh(side, p["hh"])
    return _req(f"/api/households/{hid}/payee", p["body"], echo=[hid])


def _institution_add(c, side, role):
    k = _county(side)
    n = c.serial()
    return _req("/api/institutions", {"county": k, "name": f"供养服务中心{n}", "holder": f"供养服务中心{n}",
                                      "bank": "sxrcu", "account": luhn("623159888888888888")}, echo=[k])


def _recovery(c, side):
    return GHOST_ID if side == "ghost" else _pay(c, side)["recovery"]


def _hold_enrolment(c, side):
    return GHOST_ID if side == "ghost" else _pay(c, side)["hold"]


def fixture_rows(listing):
    """The rows of the payment routes, in the order they run (plan before
    the batches of August; a hold before its release)."""
    return [
        ("POST", "/api/pay/plan", dict(build=_by_county("/api/pay/plan", lambda k: {"period": "2025-08", "region": k}))),
        ("POST", "/api/pay/batches",
         dict(build=_by_county("/api/pay/batches", lambda k: {"period": "2025-08", "county": k}))),
        ("GET", "/api/pay/batches", dict(build=_by_county("/api/pay/batches?period=2025-07"))),
        ("GET", "/api/pay/batches/{id}", dict(build=_by_id("/api/pay/batches/{}", _batch("exported")))),
        ("POST", "/api/pay/batches/{id}/approve",
         dict(build=_by_id("/api/pay/batches/{}/approve", _batch("prepared")))),
        ("POST", "/api/pay/batches/{id}/export",
         dict(build=_by_id("/api/pay/batches/{}/export", _batch("approved")))),
        ("GET", "/api/pay/batches/{id}/file", dict(build=_by_id("/api/pay/batches/{}/file", _batch("exported")))),
        ("POST", "/api/pay/batches/{id}/results",
         dict(build=_by_id("/api/pay/batches/{}/results?name=result.csv", _batch("exported"), raw=_results_text,
                           ctype="text/csv"))),
        ("POST", "/api/pay/followups", dict(build=_by_county("/api/pay/followups", lambda k: {"county": k}))),
        ("POST", "/api/pay/once",
         dict(build=_by_county("/api/pay/once", lambda k: {"programme": "2022-subsidy", "region": k}))),
        ("GET", "/api/pay/reconcile", dict(build=_by_county("/api/pay/reconcile?period=2025-07"))),
        ("GET", "/api/pay/statement", dict(build=_by_county("/api/pay/statement?period=2025-07"))),
        ("GET", "/api/pay/due", dict(build=listing("/api/pay/due?date=2025-07-01"))),
        ("GET", "/api/households/{id}/payee",
         dict(build=_by_id("/api/households/{}/payee", lambda c, s: c.hh(s, 1)))),
        ("PUT", "/api/households/{id}/payee", dict(build=_payee_put)),
        ("GET", "/api/households/{id}/payments",
         dict(build=_by_id("/api/households/{}/payments", lambda c, s: c.hh(s, 9)))),
        ("GET", "/api/institutions", dict(build=_by_county("/api/institutions"))),
        ("POST", "/api/institutions", dict(build=_institution_add)),
        ("POST", "/api/enrolments/{id}/hold",
         dict(build=_by_id("/api/enrolments/{}/hold", _hold_enrolment,
                           body=lambda c, s: {"from": "2025-10", "reason": "复核期间暂停"}))),
        ("POST", "/api/enrolments/{id}/release",
         dict(build=_by_id("/api/enrolments/{}/release", _hold_enrolment,
                           body=lambda c, s: {"to": "2025-10", "back_pay": False}))),
        ("GET", "/api/recoveries", dict(build=_by_county("/api/recoveries"))),
        ("POST", "/api/recoveries/{id}/repayments",
         dict(build=_by_id("/api/recoveries/{}/repayments", _recovery,
                           body=lambda c, s: {"amount_fen": 100, "note": "退回一部分"}))),
    ]


# ---- bad input (api_input.py) ----------------------------------------------------------------

MiB = 1 << 20


def input_rows(r):
    """The rows of the payment routes for api_input.py: a valid request of
    each (never sent as it is) to be spoiled, and bad query values with the
    field each must name."""
    import datetime
    pay = r.I["pay"]
    k = INSIDE["county"]
    hid = r.I["hh"][9]["household_id"]
    today = datetime.date.today().isoformat()
    head, row = pay["results"].splitlines()[:2]
    f = row.split(",")
    wrong = ",".join(f[:2] + [f"{float(f[2]) + 1:.2f}"] + f[3:])
    return {
        ("POST", "/api/pay/plan"): dict(role="reviewer", path="/api/pay/plan",
                                        body={"period": "2025-08", "region": k},
                                        bad_values={"period": "2868-06", "region": "14x"}),
        ("POST", "/api/pay/batches"): dict(role="reviewer", path="/api/pay/batches",
                                           body={"period": "2025-08", "county": k},
                                           bad_values={"period": "2025-Q3", "county": "1409"}),
        ("GET", "/api/pay/batches"): dict(role="analyst", path="/api/pay/batches",
                                          query=[("county=abc", "county"), ("county=1409021", "county"),
                                                 ("period=2025-7", "period"), ("period=2025-Q3", "period")]),
        ("GET", "/api/pay/batches/{id}"): dict(role="analyst", path=f"/api/pay/batches/{pay['batch']['exported']}",
                                               ids="/api/pay/batches/{}",
                                               query=[("limit=0", "limit"), ("limit=10001", "limit"),
                                                      ("offset=-1", "offset"), ("offset=x", "offset"),
                                                      ("limit=01", "limit")]),
        ("POST", "/api/pay/batches/{id}/approve"): dict(role="reviewer",
                                                        path=f"/api/pay/batches/{pay['batch']['prepared']}/approve",
                                                        ids="/api/pay/batches/{}/approve"),
        ("POST", "/api/pay/batches/{id}/export"): dict(role="reviewer",
                                                       path=f"/api/pay/batches/{pay['batch']['approved']}/export",
                                                       ids="/api/pay/batches/{}/export",
                                                       query=[("format=pdf", "format"), ("format=", "format")]),
        ("GET", "/api/pay/batches/{id}/file"): dict(role="reviewer",
                                                    path=f"/api/pay/batches/{pay['batch']['exported']}/file",
                                                    ids="/api/pay/batches/{}/file",
                                                    query=[("format=pdf", "format"), ("format=", "format")]),
        ("POST", "/api/pay/batches/{id}/results"): dict(
            role="reviewer", path=f"/api/pay/batches/{pay['batch']['exported']}/results",
            ids="/api/pay/batches/{}/results", raw=pay["results"], max=64 * MiB,
            bad_raw=[("an unknown line", f"{head}\n999999,{row.split(',', 1)[1]}\n"),
                     ("a wrong amount", f"{head}\n{wrong}\n"),
                     ("neither UTF-8 nor GB18030", b"\xff\xfe\x00\x01,\x80\x81\n"),
                     ("empty", "")],
            query=[("name=" + "n" * 201, "name"), ("name=", "name")]),
        ("POST", "/api/pay/followups"): dict(role="reviewer", path="/api/pay/followups", body={"county": k},
                                             bad_values={"county": "14090x"}),
        ("POST", "/api/pay/once"): dict(role="reviewer", path="/api/pay/once",
                                        body={"programme": "2022-subsidy", "region": k},
                                        bad_values={"programme": "nosuch", "region": "1409x"}),
        ("GET", "/api/pay/reconcile"): dict(role="auditor", path="/api/pay/reconcile",
                                            query=[("batch=abc", "batch"), ("batch=0", "batch"),
                                                   (f"batch=1&county={k}", "batch"),
                                                   ("county=1409&period=2025-07", "county"),
                                                   (f"county={k}&period=2025%2F07", "period"),
                                                   (f"county={k}", "period"), ("period=2025-07", "county")]),
        ("GET", "/api/pay/statement"): dict(role="auditor", path="/api/pay/statement",
                                            query=[("county=1409&period=2025-07", "county"),
                                                   (f"county={k}&period=a%2Fb", "period"),
                                                   (f"county={k}", "period"), ("period=2025-07", "county")]),
        ("GET", "/api/pay/due"): dict(role="analyst", path="/api/pay/due",
                                      query=[("within=366", "within"), ("within=x", "within"),
                                             ("within=-1", "within"), ("date=2025-02-30", "date"),
                                             ("region=abc", "region")]),
        ("GET", "/api/households/{id}/payee"): dict(role="auditor", path=f"/api/households/{hid}/payee",
                                                    ids="/api/households/{}/payee",
                                                    query=[("member_id=123", "member_id")]),
        ("PUT", "/api/households/{id}/payee"): dict(
            role="reviewer", path=f"/api/households/{hid}/payee", ids="/api/households/{}/payee",
            body=pay["payee"]["body"],
            bad_values={"bank": "icbc", "account": "6228481234", "holder_name": "=SUM(A1)",
                        "holder_id": r.I["hh"][9]["members"][0]["id"][:-1] + "Y",
                        "member_id": r.I["hh"][1]["members"][0]["id"]}),
        ("GET", "/api/households/{id}/payments"): dict(role="analyst", path=f"/api/households/{hid}/payments",
                                                       ids="/api/households/{}/payments"),
        ("GET", "/api/institutions"): dict(role="analyst", path="/api/institutions",
                                           query=[("county=abc", "county")]),
        ("POST", "/api/institutions"): dict(role="reviewer", path="/api/institutions",
                                            body={"county": k, "name": "新敬老院", "holder": "新敬老院",
                                                  "bank": "sxrcu", "account": luhn("623159777777777777")},
                                            bad_values={"county": "1409", "bank": "icbc", "account": "12",
                                                        "name": "=cmd|' /C calc'!A0"}),
        ("POST", "/api/enrolments/{id}/hold"): dict(role="reviewer", path=f"/api/enrolments/{pay['hold']}/hold",
                                                    ids="/api/enrolments/{}/hold",
                                                    body={"from": "2025-10", "reason": "复核期间暂停"},
                                                    bad_values={"from": "2025-13", "reason": "a\nb"}),
        ("POST", "/api/enrolments/{id}/release"): dict(role="reviewer",
                                                       path=f"/api/enrolments/{pay['hold']}/release",
                                                       ids="/api/enrolments/{}/release",
                                                       body={"to": "2025-10", "back_pay": False},
                                                       bad_values={"to": "2025-1"}),
        ("GET", "/api/recoveries"): dict(role="auditor", path="/api/recoveries",
                                         query=[("county=1409", "county"), ("household=", "household")]),
        ("POST", "/api/recoveries/{id}/repayments"): dict(
            role="reviewer", path=f"/api/recoveries/{pay['recovery']}/repayments",
            ids="/api/recoveries/{}/repayments",
            body={"amount_fen": 100, "date": today, "note": "退回一部分"},
            bad_values={"amount_fen": 0, "date": "2099-01-01", "note": "a\u202eb"}),
    }
