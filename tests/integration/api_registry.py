"""Checks of the web platform's lists and of the policy simulation against a
running server (test_api_registry.sh made the data: 120 households of
忻府区 140902, 40 of them in 140902001001 and 80 in 奇村镇 140902101201,
and 30 of 代县 140923, all assessed)."""
import os
import re

from api import Checks, Session, db_rows

t = Checks()
BASE, PW, DB = os.environ["BASE"], os.environ["PW"], os.environ["DB"]
WHOLE_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


def login(name):
    s = Session(BASE)
    st, b, _ = s.login(name, PW)
    t.status(st, 200, f"login {name}", b)
    return s


def get(s, path, want=200, what=None):
    st, b, _ = s.call("GET", path)
    t.status(st, want, what or path, b)
    return b if isinstance(b, dict) else {}


case, ana, ana9 = login("case01"), login("ana01"), login("ana09")
aud, audall = login("audit01"), login("auditall")

# ---- households, a page at a time ---------------------------------------------------------
b = get(case, "/api/households?limit=25")
t.check(b.get("total") == 80, f"the caseworker sees his township's 80 households: {b.get('total')}")
t.check(len(b.get("items", [])) == 25 and b.get("offset") == 0 and b.get("limit") == 25, "a page of 25")
items = b.get("items", [])
t.check(all(i["region"].startswith("140902101") for i in items), "only his township")
t.check(all(re.fullmatch(r"140902\*{8}[0-9]{3}[0-9X]", i["head_id"]) for i in items),
        f"ID numbers masked: {items[0]['head_id'] if items else None}")
t.check(not WHOLE_ID.search(str(b)), "no whole ID number anywhere in the page")
t.check(all(i["category"] in ("none", "dibao", "dibao_expenditure", "marginal", "rigid_expenditure")
            for i in items), "every one assessed, its category named")
t.check(all(i["category_zh"] for i in items) and all(i["assessed_on"] == "2025-06-01" for i in items),
        "with its Chinese and its date")
t.check(all(i["region_name"].endswith(" 201 村") and len(i["region_name"]) > 6 for i in items),
        f"each with its village in words: {items[0]['region_name'] if items else None}")
ids = [i["household_id"] for i in items]
t.check(ids == sorted(ids), "in order")
b2 = get(case, "/api/households?limit=25&offset=25")
t.check([i["household_id"] for i in b2.get("items", [])][:1] != ids[:1] and
        not set(i["household_id"] for i in b2.get("items", [])) & set(ids), "the next page goes on")
last = get(case, "/api/households?limit=25&offset=75")
t.check(len(last.get("items", [])) == 5, "the last page holds the rest")
get(case, "/api/households?region=140923", want=404, what="another county's households")
get(case, "/api/households?region=140902001", want=404, what="another township of his county")
# Filters: a household ID's beginning, part of a name, a whole ID number.
b = get(ana9, "/api/households?q=H140902-70001&limit=500")
t.check(sorted(i["household_id"] for i in b.get("items", [])) ==
        [f"H140902-7{n:05d}" for n in range(10, 20)], f"by the household ID's beginning: {b.get('total')}")
b = get(ana9, "/api/households?q=" + __import__("urllib.parse").parse.quote("刘秀157"))
t.check([i["household_id"] for i in b.get("items", [])] == ["H140902-700057"],
        f"by a member's name (the spouse's): {b.get('items')}")
(spouse_id,), = db_rows(DB, "SELECT m.id_number FROM members m JOIN households h ON h.hh = m.hh "
                       "WHERE h.household_id = 'H140902-700033' AND m.idx = 1")
b = get(ana9, f"/api/households?q={spouse_id}")
t.check([i["household_id"] for i in b.get("items", [])] == ["H140902-700033"], "by a member's whole ID number")
b = get(ana9, "/api/households?q=%25")
t.check(b.get("total") == 0, "a % is a character, not a wildcard")
cats = {}
for c in ("none", "dibao", "marginal", "unassessed"):
    cats[c] = get(ana9, f"/api/households?category={c}&limit=1").get("total")
t.check(cats["dibao"] > 0 and cats["none"] > 0, f"households of several categories: {cats}")
t.check(cats["unassessed"] == 0, "none unassessed")
all9 = get(ana9, "/api/households?limit=1").get("total")
t.check(all9 == 120, f"the county analyst sees 120: {all9}")
t.check(get(ana, "/api/households?limit=1").get("total") == 150, "the province's analyst sees all 150")

# ---- the regions below a code (public division codes), for pickers ----------------------------
b = get(case, "/api/regions")
t.check(b.get("parent") == "140902101" and b.get("regions") == [], "a township has no division below it in the table")
b = get(case, "/api/regions?parent=140902")
towns = {r["code"]: r["name"] for r in b.get("regions", [])}
t.check(len(towns) > 5 and all(c.startswith("140902") and len(c) == 9 for c in towns), f"忻府区's townships: {len(towns)}")
b = get(ana, "/api/regions")
t.check(len(b.get("regions", [])) == 11 and any(r["name"] == "忻州市" for r in b["regions"]),
        f"the province's 11 cities: {[r['name'] for r in b.get('regions', [])]}")

# ---- the policy simulation ------------------------------------------------------------------
stats_before = get(ana9, "/api/stats?level=county")
det_before = db_rows(DB, "SELECT count(*), sum(category), sum(monthly_amount) FROM determinations")[0]
audit_before = db_rows(DB, "SELECT count(*) FROM audit")[0][0]
st, b, _ = ana9.call("POST", "/api/simulate", {"params": {"dibao.standard.rural": "1500"}, "examples": 5})
t.status(st, 200, "a simulation", b)
t.check(b.get("region") == "140902" and b.get("households") == 120, f"over his county: {b.get('households')}")
t.check(b.get("changed", 0) > 0, f"a higher standard changes categories: {b.get('changed')}")
t.check(b.get("monthly_after_fen", 0) > b.get("monthly_before_fen", 0), "and costs more")
cs = b.get("counties", [])
t.check(len(cs) == 1 and cs[0]["county"] == "140902" and cs[0]["county_name"] == "忻府区", f"by county: {cs}")
moves = b.get("moves", [])
t.check(sum(m["households"] for m in moves) == 120, "every household in the moves")
t.check(any(m["before"] == "none" and m["after"] == "dibao" for m in moves), f"some become 低保: {moves}")
ex = b.get("examples", [])
t.check(0 < len(ex) <= 5 and all(e["before"] != e["after"] for e in ex), f"examples of changed households: {ex}")
t.check(isinstance(b.get("seconds"), float), "the time it took")
# The same simulation again reads the snapshot the first one left in the
# cache (nothing changed in between), and answers the same.
first = b
st, b, _ = ana9.call("POST", "/api/simulate", {"params": {"dibao.standard.rural": "1500"}, "examples": 5})
t.status(st, 200, "the simulation again", b)
t.check(b.get("snapshot_cached") is True, f"from the snapshot cache: {b.get('snapshot_cached')}")
t.check(first.get("results_cached") is False and b.get("results_cached") is True
        and b.get("results_updated") == 0,
        f"the stored results from the cache the second time: {first.get('results_cached')}, "
        f"{b.get('results_cached')}, {b.get('results_updated')}")
cache_use = ("seconds", "snapshot_cached", "results_cached")
t.check({k: v for k, v in b.items() if k not in cache_use}
        == {k: v for k, v in first.items() if k not in cache_use},
        "the same answer from the cache")
t.check(db_rows(DB, "SELECT count(*), sum(category), sum(monthly_amount) FROM determinations")[0]
        == det_before, "nothing written: the determinations as they were")
t.check(get(ana9, "/api/stats?level=county") == stats_before, "the statistics as they were")
t.check(db_rows(DB, "SELECT count(*) FROM audit")[0][0] == audit_before, "no audit entry: nothing changed")
st, b, _ = ana9.call("POST", "/api/simulate", {"params": {"dibao.standard.rural": "abc"}})
t.status(st, 422, "a bad value", b)
t.check("dibao.standard.rural" in (b.get("error", {}).get("field") or ""), f"names the parameter: {b}")
st, b, _ = ana9.call("POST", "/api/simulate", {"params": {}})
t.status(st, 422, "no parameter", b)
st, b, _ = ana9.call("POST", "/api/simulate", {"region": "140923", "params": {"dibao.standard.rural": "900"}})
t.status(st, 404, "another county", b)
st, b, _ = ana.call("POST", "/api/simulate", {"region": "140923", "params": {"dibao.standard.rural": "900"}})
t.status(st, 200, "the province's analyst, 代县", b)
t.check(b.get("households") == 30, f"代县's 30: {b.get('households')}")
st, b, _ = case.call("POST", "/api/simulate", {"params": {"dibao.standard.rural": "900"}})
t.status(st, 403, "a caseworker does not simulate", b)

# ---- the statistics as an .xlsx workbook (统计分析's Excel export), an export in the access log ----
import io, zipfile
st, raw, h = ana9.call("GET", "/api/stats?level=township&format=xlsx")
t.status(st, 200, "the statistics as .xlsx", raw if st != 200 else None)
t.check(h.get("content-type", "").endswith("spreadsheetml.sheet") and
        "stats_140902_9.xlsx" in h.get("content-disposition", ""), f"an attachment: {h.get('content-disposition')}")
if st == 200:
    strings = zipfile.ZipFile(io.BytesIO(raw)).read("xl/sharedStrings.xml").decode()
    t.check("奇村镇" in strings and "合计" in strings and "低保" in strings and "忻府区" in strings,
            "its rows: the townships by category, the totals")
t.check(db_rows(DB, "SELECT count(*) FROM access_log WHERE login = 'ana09' AND kind = 3 AND subject = 'stats:140902'")[0][0] == 1,
        "the export is in the access log")
st, b, _ = ana9.call("GET", "/api/stats?format=pdf")
t.status(st, 422, "format pdf", b)

# ---- the audit log -----------------------------------------------------------------------------
b = get(audall, "/api/audit?limit=5")
es = b.get("entries", [])
t.check(b.get("total", 0) >= 3 and len(es) == 5, f"a page of the log: {b.get('total')}")
t.check([e["seq"] for e in es] == sorted((e["seq"] for e in es), reverse=True), "newest first")
b = get(audall, "/api/audit?action=households.put&limit=500")
puts = b.get("entries", [])
t.check(len(puts) >= 1 and all(e["action"] == "households.put" for e in puts), "filtered by action")
t.check(not WHOLE_ID.search(str(get(audall, "/api/audit?limit=500"))), "no whole ID number in the list")
b = get(aud, "/api/audit?limit=500")
t.check(all((e["county"] or "").startswith("140902") for e in b.get("entries", [])),
        "a county's auditor: his county's entries only")
get(aud, "/api/audit?region=140923", want=404, what="another county's log")
st, b, _ = ana9.call("GET", "/api/audit")
t.status(st, 403, "an analyst does not read the audit log", b)
t.finish()
