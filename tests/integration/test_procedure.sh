#!/usr/bin/env bash
# The procedure as caseworkers run it (issue: 受理 to 公布): the commands of
# every step, illegal steps refused with what must come first, an objection
# sending the case back, a refusal with its reasons and sources, the staff
# relatives' register, `case due` around the Spring Festival and National
# Day, the documents (and R-PUB-1: nothing but name, members and amount on
# a list), and the audit log catching edits, deletions and reordering.
. "$(dirname "$0")/lib.sh"

export JIUZHU_ACTOR=张科员
DB=$(test_db p.db)
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" import "$DB" "$SRC"/examples/*.json

# ---- 受理 to 公布 ------------------------------------------------------------------
expect_status 0 "$JZ" case accept "$DB" H140902-000101 --date 2025-01-20 --note 申请低保
expect_grep "$TMP/out" '已受理：案件 1' "case 1 accepted"
expect_status 1 "$JZ" case accept "$DB" H140902-000101 --date 2025-01-21
expect_grep "$TMP/err" '已有未办结的案件 1' "one open case per household"
expect_status 1 "$JZ" case accept "$DB" H-NOT-THERE --date 2025-01-21
expect_grep "$TMP/err" 'H-NOT-THERE' "an unknown household is named"

expect_status 1 "$JZ" case verify "$DB" 1 --date 2025-01-21
expect_grep "$TMP/err" '须先启动家庭经济状况调查' "verification before investigation"
expect_status 0 "$JZ" case investigate "$DB" 1 --date 2025-01-22 --actor 李调查员
expect_status 0 "$JZ" case verify "$DB" 1 --date 2025-01-24
expect_status 0 "$JZ" case preliminary "$DB" 1 --date 2025-02-06
expect_grep "$TMP/out" '最低生活保障 3 人  每月 962.00 元' "the opinion's unit and amount"
expect_grep "$TMP/out" 'R-DB-1 成立' "the opinion's rules"
expect_grep "$TMP/out" '晋民发〔2023〕31号' "and their sources"
expect_status 1 "$JZ" case confirm "$DB" 1 --date 2025-02-07
expect_grep "$TMP/err" '须先公示' "confirming before the notice"
expect_status 0 "$JZ" case notice "$DB" 1 --date 2025-02-07
expect_grep "$TMP/out" '2025-02-07 至 2025-02-13' "the 7-day notice period"

# The 公示 list of the village, in every format, shows R-PUB-1 only.
for f in text html csv; do
  expect_status 0 "$JZ" case list-doc "$DB" --village 140902101201 --kind notice --date 2025-02-07 \
    --format $f --out "$TMP/notice.$f"
  expect_grep "$TMP/notice.$f" '王建国' "the applicant on the $f 公示 list"
  expect_grep "$TMP/notice.$f" '962.00' "the proposed amount on the $f 公示 list"
done
expect_grep "$TMP/notice.text" '2025年2月7日至2025年2月13日' "the 公示 period"
expect_status 0 "$JZ" case list-doc "$DB" --village 140902101201 --kind notice --date 2025-02-07 \
  --format xlsx --out "$TMP/notice.xlsx"
unzip -p "$TMP/notice.xlsx" xl/sharedStrings.xml xl/worksheets/sheet1.xml >"$TMP/notice.xlsx.txt" 2>/dev/null
expect_grep "$TMP/notice.xlsx.txt" '王建国' "the applicant in the xlsx 公示 list"
# Nothing else: no ID number (whole or in part), no illness, disability or income.
for f in "$TMP"/notice.text "$TMP"/notice.html "$TMP"/notice.csv "$TMP"/notice.xlsx.txt; do
  for id in $(grep -o '"id": *"[0-9X]*"' "$SRC/examples/01-dibao-rural.json" | grep -o '[0-9X]\{18\}'); do
    expect_no_grep "$f" "$id" "no ID number on $(basename "$f")"
    expect_no_grep "$f" "${id:0:6}\*" "no masked ID number on $(basename "$f")"
  done
  for word in 身份证 残疾 疾病 大病 收入; do
    expect_no_grep "$f" "$word" "no '$word' on $(basename "$f")"
  done
done
# The household's yearly income (12000.00) appears nowhere.
for f in "$TMP"/notice.text "$TMP"/notice.html "$TMP"/notice.csv; do
  expect_no_grep "$f" '12000' "no income on $(basename "$f")"
done
expect_no_grep "$TMP/notice.xlsx.txt" '>12000' "no income in the xlsx cells"

# Confirming during the notice period is refused; after it, allowed.
expect_status 1 "$JZ" case confirm "$DB" 1 --date 2025-02-13
expect_grep "$TMP/err" '公示期至 2025-02-13 才结束' "confirming on the notice's last day"
expect_status 0 "$JZ" case confirm "$DB" 1 --date 2025-02-14
expect_status 0 "$JZ" case decide "$DB" 1 --approve --date 2025-02-17
expect_grep "$TMP/out" '自 2025-03 起发放' "paid from the month after the decision"
expect_status 1 "$JZ" case decide "$DB" 1 --refuse --date 2025-02-17
expect_grep "$TMP/err" '不能重复决定' "deciding twice"
expect_status 0 "$JZ" case document "$DB" 1
cp "$TMP/out" "$TMP/decision1.txt"
expect_grep "$TMP/decision1.txt" '审核确认通知书' "the approval notice"
expect_grep "$TMP/decision1.txt" '王建国' "addressed to the applicant"
expect_grep "$TMP/decision1.txt" '962.00' "with the amount"
expect_grep "$TMP/decision1.txt" '忻府区民政局' "signed by the county bureau"
expect_status 0 "$JZ" case publish "$DB" 1 --date 2025-02-18
expect_status 0 "$JZ" case list-doc "$DB" --village 140902101201 --kind publish --date 2025-02-18
expect_grep "$TMP/out" '王建国' "the 公布 list"
expect_grep "$TMP/out" '公布日期：2025年2月18日' "the 公布 date"
expect_status 1 "$JZ" case investigate "$DB" 1 --date 2025-02-19
expect_grep "$TMP/err" '已办结' "acting on a closed case"
expect_status 0 "$JZ" case show "$DB" 1
expect_grep "$TMP/out" '李调查员' "each step's actor"
expect_grep "$TMP/out" '申请低保' "and note"

# ---- an objection sends it back; extension; a refusal with reasons --------------
expect_status 0 "$JZ" case accept "$DB" H140902-000606 --date 2025-09-25
expect_status 0 "$JZ" case investigate "$DB" 2 --date 2025-09-26
expect_status 0 "$JZ" case verify "$DB" 2 --date 2025-09-28
expect_status 0 "$JZ" case preliminary "$DB" 2 --date 2025-09-29
expect_grep "$TMP/out" '临时救助' "the opinion keeps the temporary grant the engine found (R-WF-8)"
expect_grep "$TMP/out" 'R-TMP-1' "with its rule"
expect_status 0 "$JZ" case notice "$DB" 2 --date 2025-09-30
expect_status 1 "$JZ" case object "$DB" 2 --date 2025-10-01
expect_grep "$TMP/err" '须记录异议的内容' "an objection needs its content"
expect_status 0 "$JZ" case object "$DB" 2 --date 2025-10-02 --note 村民反映家中有人外出务工
expect_grep "$TMP/out" '已退回家庭经济状况调查' "an objection sends the case back"
expect_status 1 "$JZ" case confirm "$DB" 2 --date 2025-10-09
expect_status 0 "$JZ" case extend "$DB" 2 --reason objection --date 2025-10-09
expect_status 0 "$JZ" case show "$DB" 2
expect_grep "$TMP/out" '45 个工作日（已延长：公示有异议）' "the extension and its reason"
expect_status 0 "$JZ" case verify "$DB" 2 --date 2025-10-09
expect_status 0 "$JZ" case preliminary "$DB" 2 --date 2025-10-10
expect_status 0 "$JZ" case notice "$DB" 2 --date 2025-10-11
expect_status 0 "$JZ" case confirm "$DB" 2 --date 2025-10-20
expect_status 1 "$JZ" case decide "$DB" 2 --approve --unit household=dibao:100 --date 2025-10-21
expect_grep "$TMP/err" 'R-WF-7' "approving what the opinion did not find needs the county's written reason"
expect_status 1 "$JZ" case decide "$DB" 2 --refuse --date 2025-10-21
expect_grep "$TMP/err" '须由县级民政部门写明理由' "refusing the temporary grant found needs a reason"
expect_status 0 "$JZ" case decide "$DB" 2 --refuse --judgment 经核实吴刚已返岗复工 --date 2025-10-21
expect_status 0 "$JZ" case document "$DB" 2 --format html --out "$TMP/refusal.html"
expect_grep "$TMP/refusal.html" '不予批准通知书' "the refusal notice"
expect_grep "$TMP/refusal.html" 'R-DB-1' "each reason's rule"
expect_grep "$TMP/refusal.html" '晋民发〔2023〕31号 一(一)' "and its source"
expect_grep "$TMP/refusal.html" '行政复议' "the right to appeal"
expect_no_grep "$TMP/refusal.html" 'R-TMP-1' "an entitlement is not a reason for refusal"
expect_status 0 "$JZ" case due "$DB" --date 2025-10-22
expect_grep "$TMP/out" '书面通知申请人' "the written refusal is due"
expect_grep "$TMP/out" '2025-10-24' "within 3 working days"

# ---- staff relatives (R-WF-5) -----------------------------------------------------
expect_status 1 "$JZ" staff add "$DB" --id 140902198001010013 --name 李干部 --unit 奇村镇民政办
expect_grep "$TMP/err" '校验码' "a bad staff ID number is refused"
expect_status 0 "$JZ" staff add "$DB" --id 140902198001010016 --name 李干部 --unit 奇村镇民政办 --county 140902
rel=$(grep -o '[0-9]\{17\}[0-9X]' "$SRC/examples/03-marginal-single-dibao.json" | head -1)
expect_status 0 "$JZ" staff relative "$DB" --staff 140902198001010016 --id "$rel" --name 李福贵 --relation 兄弟
expect_status 0 "$JZ" case accept "$DB" H140902-000303 --date 2025-03-03
expect_grep "$TMP/out" '备案' "a staff relative's application is flagged"
expect_status 0 "$JZ" case investigate "$DB" 3 --date 2025-03-04
expect_status 0 "$JZ" case verify "$DB" 3 --date 2025-03-05
expect_status 0 "$JZ" case preliminary "$DB" 3 --date 2025-03-06
expect_grep "$TMP/out" '单人保' "a member applying alone gets his own unit"
expect_status 0 "$JZ" case notice "$DB" 3 --date 2025-03-07
expect_status 1 "$JZ" case confirm "$DB" 3 --date 2025-03-14
expect_grep "$TMP/err" '入户调查' "no confirmation without a home visit"
expect_status 0 "$JZ" case home-visit "$DB" 3 --date 2025-03-14 --note 入户核实
expect_status 0 "$JZ" case confirm "$DB" 3 --date 2025-03-14

# ---- case due around the Spring Festival and National Day ------------------------
DUE=$(test_db due.db)
expect_status 0 "$JZ" init "$DUE"
expect_status 0 "$JZ" import "$DUE" "$SRC"/examples/*.json
expect_status 0 "$JZ" case accept "$DUE" H140902-000101 --date 2025-01-20
expect_status 0 "$JZ" case accept "$DUE" H140105-000202 --date 2025-01-24
expect_status 0 "$JZ" case due "$DUE" --date 2025-01-27
# 2025-01-20 + 3 working days = 01-23: overdue by 01-24, 01-26 (Sunday
# worked) and 01-27; 01-24 + 3 = 02-05 (01-26, 01-27, then after the
# holiday), one working day left.
expect_grep "$TMP/out" '2025-01-23 *已超期 3 个工作日' "overdue across the make-up Sunday"
expect_grep "$TMP/out" '2025-02-05 *1$' "due after the Spring Festival"
first=$(grep -n 'H140902-000101' "$TMP/out" | cut -d: -f1)
second=$(grep -n 'H140105-000202' "$TMP/out" | cut -d: -f1)
if [ "${first:-99}" -lt "${second:-0}" ]; then ok; else bad "the overdue case comes first"; fi
# The limits come from the workflow.* parameters in force on the day of 受理.
expect_status 0 "$JZ" case accept "$DUE" H140902-000404 --date 2025-01-20 --township-confirms
id=$(grep -o '案件 [0-9]*' "$TMP/out" | grep -o '[0-9]*')
expect_status 0 "$JZ" case show "$DUE" "$id" --json
expect_grep "$TMP/out" '"days":20' "the township's 20 working days"
expect_grep "$TMP/out" '"notice_days":7' "the 7-day notice"
expect_status 0 "$JZ" case accept "$DUE" H140902-000303 --date 2024-09-27
expect_status 0 "$JZ" case due "$DUE" --date 2024-09-30 --region 140902001
expect_grep "$TMP/out" '2024-10-08 *1$' "due after National Day 2024"
expect_status 1 "$JZ" case due "$DUE" --date 2027-01-04
expect_grep "$TMP/err" '超出节假日数据覆盖的年份' "a date the calendar does not cover"

# ---- enrolments: created by an approval, changed by recorded steps -----------------
EN=$(test_db en.db)
expect_status 0 "$JZ" init "$EN"
expect_status 0 "$JZ" import "$EN" "$SRC"/examples/*.json
run_case() { # HOUSEHOLD ACCEPT-DATE [--review]: 受理 to 公布, approved
  local d=$2
  expect_status 0 "$JZ" case accept "$EN" "$1" --date "$d" ${3:-}
  local id
  id=$(grep -o '案件 [0-9]*' "$TMP/out" | head -1 | grep -o '[0-9]*')
  expect_status 0 "$JZ" case investigate "$EN" "$id" --date "$d"
  expect_status 0 "$JZ" case verify "$EN" "$id" --date "$d"
  expect_status 0 "$JZ" case preliminary "$EN" "$id" --date "$d"
  expect_status 0 "$JZ" case notice "$EN" "$id" --date "$d"
  local after
  after=$("$JZ" calendar add "$d" 6)
  expect_status 0 "$JZ" case confirm "$EN" "$id" --date "$after"
  expect_status 0 "$JZ" case decide "$EN" "$id" --approve --date "$after"
  expect_status 0 "$JZ" case publish "$EN" "$id" --date "$after"
}
expect_status 1 "$JZ" case accept "$EN" H140902-000404 --review --date 2025-01-20
expect_grep "$TMP/err" '没有正在享受的救助' "a review needs an enrolment"
run_case H140902-000404 2025-01-20
expect_status 0 "$JZ" enrolment list "$EN"
expect_grep "$TMP/out" '全户 *最低生活保障 *2 人 *1058.00' "the household's 低保 enrolment"
expect_grep "$TMP/out" '周老汉 *特困人员供养 *1 人 *1151.00' "the 特困 member's own enrolment"
expect_grep "$TMP/out" '自 2025-02' "from the month after the decision (2025-01-27)"
expect_grep "$TMP/out" '复核 2025-07-27（每 6 个月）' "a review in 6 months (a member able to work)"
expect_status 0 "$JZ" enrolment due "$EN" --date 2025-07-01 --within 30
expect_grep "$TMP/out" '定期复核 2025-07-27' "the review is due"
# A review case updates what is still found.
run_case H140902-000404 2025-07-21 --review
expect_status 0 "$JZ" enrolment list "$EN"
expect_grep "$TMP/out" '复核 2026-01-29' "the next review after the review"
E_HH=$(db_sql "$EN" "SELECT enrolment FROM enrolments WHERE household_id = 'H140902-000404' AND programme = 0")
E_TK=$(db_sql "$EN" "SELECT enrolment FROM enrolments WHERE household_id = 'H140902-000404' AND programme = 5")
# R-DEATH-1: the 特困 member dies: his own unit stops with that month; the
# household's 低保 did not count him (R-TK-5), so his death asks no check of
# it.  A 低保 member's death does: within 3 months.
old=$(grep -o '[0-9]\{17\}[0-9X]' "$SRC/examples/04-tekun-leaves-household.json" | head -1)
expect_status 0 "$JZ" enrolment death "$EN" "$E_TK" --member-id "$old" --death-date 2025-09-10 --date 2025-09-12
expect_grep "$TMP/out" '发放至 2025-09' "the own unit ends with the month of death"
expect_status 0 "$JZ" enrolment death "$EN" "$E_HH" --member-id "$old" --death-date 2025-09-10 --date 2025-09-12
expect_grep "$TMP/out" '家庭核查不因其死亡而发生' "a 特困 person's death asks no check of the household's 低保"
daughter=$(grep -o '[0-9]\{17\}[0-9X]' "$SRC/examples/04-tekun-leaves-household.json" | sed -n 2p)
expect_status 0 "$JZ" enrolment death "$EN" "$E_HH" --member-id "$daughter" --death-date 2025-09-15 --date 2025-09-16
expect_grep "$TMP/out" '2025-12-15 前核查' "a 低保 member's death: a check within 3 months"
expect_status 1 "$JZ" enrolment death "$EN" "$E_HH" --member-id 140902198001010016 --death-date 2025-09-10
expect_grep "$TMP/err" '不是户 H140902-000404 的成员' "only a member's death"
# R-EXIT-1 and R-REPORT-1.
expect_status 0 "$JZ" enrolment exit "$EN" "$E_HH" --date 2025-10-01 --note 女儿就业
expect_grep "$TMP/out" '续发 6 个月，至 2026-03 停发' "gradual exit over 6 months"
expect_status 2 "$JZ" enrolment stop "$EN" "$E_HH" --reason fraud --date 2025-10-20 --note 隐瞒收入
expect_status 0 "$JZ" enrolment stop "$EN" "$E_HH" --reason fraud --from-month 2025-06 --date 2025-10-20 --note 隐瞒收入
expect_grep "$TMP/out" '共 5 个月多发 5290.00 元' "what was paid unduly is recovered"
expect_status 1 "$JZ" enrolment exit "$EN" "$E_HH" --date 2025-11-01
expect_grep "$TMP/err" '已于 2025-10 停止' "a stopped enrolment does not change"
db_sql "$EN" "SELECT action FROM audit WHERE entity LIKE 'enrolment:%'" >"$TMP/enaudit.txt"
for a in enrolment.create enrolment.update enrolment.death enrolment.exit enrolment.stop; do
  expect_grep "$TMP/enaudit.txt" "$a" "the audit log has $a"
done
expect_status 0 "$JZ" audit verify "$EN"
# An application limited to some programmes (R-ONE-1 otherwise): the son's
# 单人保 the engine finds is not proposed when only 低保边缘 is applied for.
expect_status 2 "$JZ" case accept "$EN" H140902-000303 --programmes nonsense
expect_grep "$TMP/err" 'nonsense' "an unknown programme is named"
expect_status 0 "$JZ" case accept "$EN" H140902-000303 --programmes marginal --date 2025-03-03
expect_status 0 "$JZ" case investigate "$EN" 3 --date 2025-03-04
expect_status 0 "$JZ" case verify "$EN" 3 --date 2025-03-05
expect_status 0 "$JZ" case preliminary "$EN" 3 --date 2025-03-06
expect_grep "$TMP/out" '低保边缘家庭' "the programme applied for"
expect_no_grep "$TMP/out" '单人保 *1 人' "no unit of a programme not applied for"
expect_status 0 "$JZ" case show "$EN" 3 --json
expect_grep "$TMP/out" '"programmes":\["marginal"\]' "the limit is recorded"


# ---- the audit log ----------------------------------------------------------------
expect_status 0 "$JZ" audit verify "$DB"
expect_grep "$TMP/out" '审计日志完好' "an untouched log verifies"
db_sql "$DB" "SELECT action, actor FROM audit" >"$TMP/audit.txt"
expect_grep "$TMP/audit.txt" 'case.accept|张科员' "who accepted"
expect_grep "$TMP/audit.txt" 'case.investigate|李调查员' "who investigated"
expect_grep "$TMP/audit.txt" 'households.put' "imports are audited"
expect_grep "$TMP/audit.txt" 'staff.relative' "the register is audited"
# Re-importing a household keeps its previous record in the log.
sed 's/"household_id"/"household_id"/' "$SRC/examples/01-dibao-rural.json" >"$TMP/again.json"
expect_status 0 "$JZ" import "$DB" "$TMP/again.json"
db_sql "$DB" "SELECT before FROM audit WHERE action='households.put' ORDER BY seq DESC LIMIT 1" >"$TMP/before.txt"
expect_grep "$TMP/before.txt" 'H140902-000101' "the replaced record is kept"
head=$("$JZ" audit head "$DB")

# SQL cannot change the log (triggers).
if db_sql "$DB" "UPDATE audit SET actor='x' WHERE seq=2" 2>"$TMP/sqlerr"; then
  bad "an UPDATE of the audit log went through"
else ok; fi
expect_grep "$TMP/sqlerr" '只能追加' "the trigger says why"
if db_sql "$DB" "DELETE FROM audit WHERE seq=2" 2>/dev/null; then bad "a DELETE went through"; else ok; fi

tamper() { # NAME SQL: a copy of the store (and its key), the log's triggers off and SQL run
  local c
  c=$(db_copy "$DB" "$1.db") && db_tamper "$c" "$2" || bad "tamper $1 failed"
  echo "$c"
}
edited=$(db_sql "$DB" "SELECT min(seq) FROM audit WHERE after LIKE '%王建国%'")
C=$(tamper edited "UPDATE audit SET after = replace(after, '王建国', '王建民') WHERE seq = $edited")
expect_status 1 "$JZ" audit verify "$C"
expect_grep "$TMP/out" "第 $edited 条的内容与其哈希不符" "an edited row"
C=$(tamper deleted "DELETE FROM audit WHERE seq = 5")
expect_status 1 "$JZ" audit verify "$C"
expect_grep "$TMP/out" '第 6 条之前缺少第 5 条' "a deleted row"
C=$(tamper swapped "UPDATE audit SET seq = -1 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = -1")
expect_status 1 "$JZ" audit verify "$C"
expect_grep "$TMP/out" '第 3 条与前一条的链接不符' "rows out of order"
C=$(tamper forged "INSERT INTO audit SELECT seq + 1, county, at, actor, action, entity, before, after, hash, hash, state FROM audit WHERE seq = (SELECT max(seq) FROM audit)")
expect_status 1 "$JZ" audit verify "$C"
expect_grep "$TMP/out" '内容与其哈希不符' "a row inserted at the end"
C=$(tamper tail "DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)")
expect_status 1 "$JZ" audit verify "$C"
expect_grep "$TMP/out" '最后的记录被删除' "the last row deleted"
# Deleting the last row and fixing the head too (meta on SQLite, audit_head
# on PostgreSQL): on SQLite the data no longer matches what the shortened
# log committed to (its last entry is the re-import's); on both an anchor
# kept outside the database shows it.
last=$(db_sql "$DB" "SELECT max(seq) FROM audit")
if on_sqlite; then
  prev=$(db_sql "$DB" "SELECT seq || ':' || lower(hex(hash)) FROM audit WHERE seq = $last - 1")
  C=$(tamper rewritten "DELETE FROM audit WHERE seq = $last; UPDATE meta SET value = '$prev' WHERE key = 'audit_head'")
  expect_status 1 "$JZ" audit verify "$C"
  expect_grep "$TMP/out" '与审计日志不符' "the data no longer matches the log"
else
  C=$(tamper rewritten "DELETE FROM audit WHERE seq = $last;
    UPDATE audit_head SET seq = $last - 1, hash = (SELECT hash FROM audit WHERE seq = $last - 1)")
  skip_on_pg "the data checked against the log (the PostgreSQL backend seals no data fingerprints yet, docs/scaling.md)"
fi
expect_status 1 "$JZ" audit verify "$C" --head "$head"
expect_grep "$TMP/out" '已不在日志中' "the kept anchor catches it"
expect_status 0 "$JZ" audit verify "$DB" --head "$head"

finish
