#!/usr/bin/env bash
# The platform as its users meet it (issue 13, "Done when"), with curl: an
# admin and users of each role made on the command line; the server
# started; a village assistant enters a new application, the township
# caseworker carries it to 公示, the county reviewer decides it, a
# department officer uploads a feed and answers a referral, an auditor
# reads who looked at the household; each is refused outside his scope.
source "$(dirname "$0")/lib.sh"
source "$HERE/server.sh"
export PW="correct-horse-battery-9" JIUZHU_ARGON2_FAST=1
DB=$(test_db reg.db)
expect_status 0 "$JZ" init "$DB"
add_user admin01 省管理员 admin ""
add_user cun01 王协理 assistant 140902101201
add_user xiang01 张经办 caseworker 140902101
add_user xian01 李审核 reviewer 140902
add_user yibao01 赵医保 dept 1409 --dept medical
add_user shenji01 钱审计 auditor 140902
add_user dai01 孙经办 caseworker 140923100
expect_status 0 "$JZ" user list "$DB"
expect_lines "$TMP/out" 8 "seven users and a header"
start_server "$DB" || { bad "server start"; finish; exit 1; }

# req USER METHOD PATH [BODY-FILE|-d JSON] -> $TMP/body, prints the status
req() {
  local who=$1 method=$2 path=$3
  shift 3
  local csrf=()
  [ -s "$TMP/$who.csrf" ] && csrf=(-H "X-CSRF-Token: $(cat "$TMP/$who.csrf")")
  curl -s -o "$TMP/body" -w '%{http_code}' -b "$TMP/$who.jar" -X "$method" "${csrf[@]}" \
    -H 'Content-Type: application/json' "$@" "$BASE$path"
}
login() {
  curl -s -c "$TMP/$1.jar" -o "$TMP/login.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"$PW\"}" "$BASE/api/login" >"$TMP/st"
  [ "$(cat "$TMP/st")" = 200 ] && ok || bad "login $1: $(cat "$TMP/st") $(cat "$TMP/login.json")"
  jq -r .csrf_token "$TMP/login.json" >"$TMP/$1.csrf"
}
want() { # STATUS GOT WHAT
  if [ "$1" = "$2" ]; then ok; else bad "$3: status $2, wanted $1: $(head -c 400 "$TMP/body")"; fi
}
for u in cun01 xiang01 xian01 yibao01 shenji01 dai01; do login $u; done

# 1. The village assistant enters the application: a new household record.
sed 's/"assess_date": "2025-06-01"/"assess_date": "2026-11-02"/' "$SRC/examples/01-dibao-rural.json" >"$TMP/hh.json"
want 201 "$(req cun01 PUT /api/households/H140902-000101 --data-binary @"$TMP/hh.json")" "assistant enters a household"
expect_grep "$TMP/body" '"members":3' "three members stored"
# ... not in another village, not in 代县 (the record's region is checked).
sed 's/140902101201/140923100201/' "$TMP/hh.json" | sed 's/H140902-000101/H140923-000101/' >"$TMP/dai.json"
want 422 "$(req cun01 PUT /api/households/H140923-000101 --data-binary @"$TMP/dai.json")" "assistant outside his village"
expect_grep "$TMP/body" '管辖范围' "says it is outside his scope"
want 403 "$(req cun01 POST /api/cases -d '{"household_id":"H140902-000101"}')" "an assistant does not accept cases"
# A bad amount is a 422 naming the member and the field, in Chinese.
sed 's/"9600.00"/"9600.001"/' "$TMP/hh.json" >"$TMP/bad.json"
want 422 "$(req cun01 PUT /api/households/H140902-000101 --data-binary @"$TMP/bad.json")" "bad amount"
expect_grep "$TMP/body" '"field":"members\[0\].income\[0\].amount"' "names the field"
expect_grep "$TMP/body" '两位小数' "says why in Chinese"

# R-HH-3: a person of another household is refused, and nothing is
# written; the other household is named only if it lies within the user's
# scope.  A household of 代县 (example 02's people) is stored first.
sed -e 's/"region": "140105001001"/"region": "140923100201"/' -e 's/H140105-000202/H140923-000202/' \
  -e 's/"area": "urban"/"area": "rural"/' "$SRC/examples/02-expenditure-illness-education.json" >"$TMP/dai-hh.json"
expect_status 0 "$JZ" import "$DB" "$TMP/dai-hh.json"
python3 - "$TMP/hh.json" "$TMP/claim.json" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
h["household_id"] = "H140902-000102"
h["members"][2]["id"] = "140105200503150110"   # a member of the 代县 household
json.dump(h, open(sys.argv[2], "w"), ensure_ascii=False)
PY
n_before=$(db_sql "$DB" "SELECT count(*) FROM households")
want 422 "$(req cun01 PUT /api/households/H140902-000102 --data-binary @"$TMP/claim.json")" "a member of a household outside his scope"
expect_grep "$TMP/body" 'R-HH-3' "cites R-HH-3"
expect_no_grep "$TMP/body" 'H140923-000202' "does not name the household outside his scope"
expect_no_grep "$TMP/body" '140105200503150110' "nor show the ID number whole"
n_after=$(db_sql "$DB" "SELECT count(*) FROM households")
[ "$n_before" = "$n_after" ] && ok || bad "nothing written ($n_before -> $n_after households)"
# Within his scope the other household is named.
sed 's/H140902-000101/H140902-000103/' "$TMP/hh.json" >"$TMP/copy.json"
want 422 "$(req cun01 PUT /api/households/H140902-000103 --data-binary @"$TMP/copy.json")" "a member of a household in his scope"
expect_grep "$TMP/body" 'H140902-000101' "names the household within his scope"

# 2. The township caseworker accepts it and carries it to 公示.
want 201 "$(req xiang01 POST /api/cases -d '{"household_id":"H140902-000101","date":"2026-11-02","note":"申请低保"}')" "caseworker accepts"
case_id=$(jq .case.id "$TMP/body")
for s in '"investigate","date":"2026-11-03","home_visit":true' '"verify","date":"2026-11-04"' \
  '"preliminary","date":"2026-11-05"' '"notice","date":"2026-11-06"'; do
  want 200 "$(req xiang01 POST "/api/cases/$case_id/steps" -d "{\"action\":$s}")" "caseworker step $s"
done
expect_grep "$TMP/body" '"state":"notice"' "the case is in 公示"
# The steps each may take today (the web page offers only these): the 公示
# is over, so the county may confirm; the township may not.
acts() { jq -r '[.actions[].action] | join(",")' "$TMP/body"; }
want 200 "$(req xiang01 GET "/api/cases/$case_id")" "the case, for the caseworker"
a=$(acts)
case ",$a," in *,confirm,* | *,decide,* | *,object,* | *,investigate,*) bad "caseworker's actions in 公示: $a" ;; *,home-visit,*) ok ;; *) bad "caseworker's actions in 公示: $a" ;; esac
want 200 "$(req xian01 GET "/api/cases/$case_id")" "the case, for the reviewer"
a=$(acts)
case ",$a," in *,home-visit,* | *,decide,*) bad "reviewer's actions in 公示: $a" ;; *,confirm,*) ok ;; *) bad "reviewer's actions in 公示: $a" ;; esac
want 200 "$(req xiang01 GET "/api/villages/140902101201/postings?kind=notice&date=2026-11-06&format=json")" "公示 list"
expect_grep "$TMP/body" '"name":"王建国","persons":3' "R-PUB-1: the name and the persons"
expect_no_grep "$TMP/body" '1409021978' "no ID number on the public list"
want 200 "$(req xiang01 GET "/api/villages/140902101201/postings?kind=notice&date=2026-11-06&format=xlsx")" "公示 as xlsx"
want 404 "$(req dai01 GET "/api/cases/$case_id")" "代县's caseworker cannot see the case"
want 404 "$(req dai01 GET /api/villages/140902101201/postings)" "nor the village's lists"
want 403 "$(req xiang01 POST "/api/cases/$case_id/steps" -d '{"action":"confirm","date":"2026-11-16"}')" "the township does not confirm"

# 3. The county reviewer confirms and decides; it is published.
for s in '"confirm","date":"2026-11-16"' '"decide","date":"2026-11-17","decision":"approved"' \
  '"publish","date":"2026-11-18"'; do
  want 200 "$(req xian01 POST "/api/cases/$case_id/steps" -d "{\"action\":$s}")" "reviewer step $s"
done
expect_grep "$TMP/body" '"state":"closed"' "the case is closed"
want 200 "$(req xian01 GET "/api/cases/$case_id")" "the closed case"
[ "$(acts)" = "" ] && ok || bad "a closed case offers steps: $(acts)"
want 200 "$(req xian01 GET "/api/enrolments?household=H140902-000101")" "the enrolment"
expect_grep "$TMP/body" '"programme":"dibao"' "a 低保 enrolment"
want 200 "$(req xian01 GET "/api/cases/$case_id/document?format=html")" "the decision notice"
expect_grep "$TMP/body" '审核确认通知书\|通知书' "a notice"

# 4. The department officer uploads his feed; not another department's.
printf 'id_number,name,kind,date,total,out_of_pocket\n140902197803120159,王建国,settlement,2026-10-02,90000.00,62500.50\n' >"$TMP/med.csv"
want 200 "$(req yibao01 POST "/api/feeds/medical?name=med.csv" -H 'Content-Type: text/csv' --data-binary @"$TMP/med.csv")" "medical feed"
expect_grep "$TMP/body" '"added":1' "the row is stored"
# Whether the row is a registered person is not told to the department (a
# file of one row would tell whether that person receives assistance).
expect_no_grep "$TMP/body" '"matched"' "no match count for the department"
want 403 "$(req yibao01 POST /api/feeds/hrss -H 'Content-Type: text/csv' --data-binary @"$TMP/med.csv")" "another department's feed"
want 200 "$(req xian01 POST /api/monitor/run -d '{"on":"2026-11-20"}')" "monitoring run"
expect_grep "$TMP/body" '"raised":1' "one alert"
want 200 "$(req xian01 POST /api/alerts/1/actions -d '{"action":"refer","dept":"medical","on":"2026-11-23","note":"请医保核查"}')" "refer to 医保"
want 200 "$(req yibao01 GET /api/referrals)" "the referral reaches 医保"
expect_grep "$TMP/body" '"id":1' "the alert is listed"
want 200 "$(req yibao01 POST /api/alerts/1/actions -d '{"action":"feedback","dept":"medical","kind":"医疗救助","amount_fen":150000,"on":"2026-11-24"}')" "医保's feedback"
want 404 "$(req dai01 GET /api/alerts/1)" "代县 does not see the alert"

# 5. The auditor reads who looked at the household, and the audit check.
want 200 "$(req xiang01 GET /api/households/H140902-000101)" "the household's page"
expect_grep "$TMP/body" '"140902197803120159"' "the ID number whole on its own page"
expect_grep "$TMP/body" '"decisive' "the decisive rules are on the page"
expect_no_grep "$TMP/body" '"trace"' "the full trace only on demand"
want 200 "$(req xiang01 GET "/api/households/H140902-000101?trace=true")" "the page with the trace"
expect_grep "$TMP/body" '"trace"' "the full trace when asked"
want 404 "$(req dai01 GET /api/households/H140902-000101)" "代县 cannot read it"
want 404 "$(req dai01 GET /api/households/H140902-999999)" "a household that does not exist looks the same"
want 200 "$(req shenji01 GET /api/households/H140902-000101/access)" "the access log"
expect_grep "$TMP/body" '"login":"xiang01"' "the caseworker's read is logged"
expect_grep "$TMP/body" '"login":"dai01"' "代县's refused attempt is logged"
expect_grep "$TMP/body" '越权' "as refused"
want 200 "$(req shenji01 GET "/api/access-log?region=140902101201")" "the access log of the village"
expect_grep "$TMP/body" '"subject":"140902101201"' "the xlsx download is logged"
want 200 "$(req shenji01 GET /api/audit/verify)" "audit verify"
expect_grep "$TMP/body" '"intact":true' "the audit chain is intact"
want 403 "$(req xiang01 GET /api/audit/verify)" "a caseworker does not read the audit"
stop_server

# Every change has the logged-in user as its actor.
db_sql "$DB" "SELECT actor || ' ' || action FROM audit" >"$TMP/audit.txt"
expect_grep "$TMP/audit.txt" '^cun01 households.put' "the assistant entered the record"
expect_grep "$TMP/audit.txt" '^xiang01 case.notice' "the caseworker posted the notice"
expect_grep "$TMP/audit.txt" '^xian01 case.decide' "the reviewer decided"
expect_grep "$TMP/audit.txt" '^yibao01 feed.import' "the officer imported"
# ... and a command-line user is recorded as such, never as a login.
expect_grep "$TMP/audit.txt" '^setup（命令行） user.add' "the users were made on the command line"
finish
