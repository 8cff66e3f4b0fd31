#!/usr/bin/env bash
# Reconciliation, the finance statement and the payment deadlines (issue 14
# items 6 and 7) on a generated county with its adopted 低保 households and
# one 特困 person decided through the procedure:
#  - July planned (低保 month and 特困 quarter), batched by one user and
#    approved by another; `pay due` before and after the 10th;
#  - the bank's part stood in for by SQL (db_sql) (the export marks
#    lines sent, the results some paid and some refused, the follow-ups of
#    the refusals with corrected accounts), as the bank helper's commands
#    will do it; payees are written the same way (one row per unit);
#  - the refused lines paid again in August's batch; July reconciled: the
#    figures match the ledger's own sums and every identity holds; a batch
#    total changed behind jiuzhu's back is reported by batch;
#  - the statement .xlsx read back with unzip, audited;
#  - `pay due` around National Day 2025 (1-8 October off, Sunday 28
#    September and Saturday 11 October working days).
. "$(dirname "$0")/lib.sh"

export JIUZHU_ACTOR=编制员
DB=$(test_db p.db)
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" gen --households 2000 --seed 3 --region 140902 "$TMP/g.jsonl"
expect_status 0 "$JZ" import "$DB" "$TMP/g.jsonl"
expect_status 0 "$JZ" import "$DB" "$SRC/examples/04-tekun-leaves-household.json"
# 周老汉 becomes 特困 (from 2025-07) and leaves his family's 低保.
expect_status 0 "$JZ" case accept "$DB" H140902-000404 --date 2025-06-03
C=$(grep -o '案件 [0-9]*' "$TMP/out" | head -1 | grep -o '[0-9]*')
for step in "investigate 2025-06-04" "verify 2025-06-05" "preliminary 2025-06-06" \
  "notice 2025-06-09" "confirm 2025-06-16"; do
  expect_status 0 "$JZ" case ${step% *} "$DB" "$C" --date ${step#* }
done
expect_status 0 "$JZ" case decide "$DB" "$C" --approve --date 2025-06-17
expect_grep "$TMP/out" '特困人员供养 1 人  每月 1151.00 元' "the 特困 unit decided"

# Payees (stand-in for `pay payee set`): every unit but a few households.
db_exec_super "$DB" "INSERT INTO payees(county, household_id, member_id, holder_name, holder_id, bank,
  account, institution, version, current, set_at)
  SELECT min(county), household_id, member_id, max(label), '', CASE WHEN min(enrolment) % 3 = 0
  THEN 'psbc' ELSE 'abc' END, '6228480000000000018', 0, 1, 1, '2025-06-20T00:00:00Z'
  FROM enrolments WHERE enrolment % 40 <> 7 GROUP BY household_id, member_id" || bad "payees"

S() { db_sql "$DB" "$1"; }
yuan() { # the sum of amount (fen) of the lines WHERE $1, in yuan with two decimals
  local f
  f=$(S "SELECT coalesce(sum(amount), 0) FROM pay_lines WHERE $1")
  printf '%s%d.%02d' "$( ((f < 0)) && echo -)" $(((f < 0 ? -f : f) / 100)) $(((f < 0 ? -f : f) % 100))
}
JULY="county = '140902' AND period IN ('2025-07', '2025-Q3')"

# ---- July: planned, batched, approved ----------------------------------------------
expect_status 0 "$JZ" pay plan "$DB" --period 2025-07 --region 140902
expect_status 0 "$JZ" pay batch "$DB" --period 2025-07 --county 140902
BATCHES=$(grep -o '^批次 [0-9]*' "$TMP/out" | grep -o '[0-9]*' | tr '\n' ' ')
[ "$(echo $BATCHES | wc -w)" -eq 2 ] && ok || bad "two banks, two batches: $BATCHES"
for b in $BATCHES; do
  expect_status 0 "$JZ" pay approve "$DB" --batch "$b" --actor 审核员
done
HELD=$(S "SELECT count(*) FROM pay_lines WHERE $JULY AND status = 5")
[ "$HELD" -gt 0 ] && ok || bad "some units have no account: held lines"
[ "$(S "SELECT count(*) FROM pay_lines WHERE $JULY AND programme = 'tekun'")" -eq 1 ] && ok ||
  bad "the 特困 quarter line"

# Deadlines before the 10th: the approved batches and the held lines are due
# in 2 working days (Wednesday 9 and Thursday 10 July).
expect_status 0 "$JZ" pay due "$DB" --date 2025-07-08 --within 5
expect_grep "$TMP/out" '截至 2025-07-08：[0-9]* 项发放已超期或将在 5 个工作日内到期（最急的在前）' "due header"
expect_grep "$TMP/out" '已审核（锁定）.*2025-07-10 R-DB-PAY  2$' "an approved 低保 batch due in 2 days"
expect_grep "$TMP/out" '2025-Q3.*已审核（锁定）.*2025-07-10 R-TK-PAY  2$' "the 特困 quarter by the 10th of July"
expect_grep "$TMP/out" '暂缓（未登记收款账户）.*R-DB-PAY  2$' "held lines are due too"
expect_status 0 "$JZ" pay due "$DB" --date 2025-07-01 --within 5
expect_no_grep "$TMP/out" '2025-07-10' "nothing of July is due 7 working days ahead"

# ---- the bank (stand-in): exported, results with refusals ----------------------------
for b in $BATCHES; do
  S "UPDATE pay_batches SET state = 2, exported_at = '2025-07-07T08:00:00Z',
       file_name = 'DF_140902_2025-07_$b.csv' WHERE batch = $b AND state = 1;
     UPDATE pay_lines SET status = 2 WHERE batch = $b AND status = 1;"
done
expect_status 0 "$JZ" pay due "$DB" --date 2025-07-08 --within 5
expect_no_grep "$TMP/out" '已审核（锁定）' "exported batches are on their way"
expect_grep "$TMP/out" '暂缓（未登记收款账户）' "held lines stay due"
# After the 10th: Friday 11 and Monday 14 July.
expect_status 0 "$JZ" pay due "$DB" --date 2025-07-14 --within 0
expect_grep "$TMP/out" '暂缓（未登记收款账户）.*已超期 2 个工作日$' "held lines late after the 10th"

# Exported but without results: in flight.
expect_status 0 "$JZ" pay reconcile "$DB" --county 140902 --period 2025-07
expect_grep "$TMP/out" "已报送待回盘 [0-9]* 条 $(yuan "$JULY AND status = 2") 元" "sent, awaiting results"
expect_grep "$TMP/out" '对账结果：相符' "balanced while in flight"

for b in $BATCHES; do
  S "UPDATE pay_lines SET status = 4, result = '3001', reason = '账户已销户'
       WHERE batch = $b AND status = 2 AND line % 11 = 0;
     UPDATE pay_lines SET status = 3, result = '0000' WHERE batch = $b AND status = 2;
     UPDATE pay_batches SET state = 3, settled_at = '2025-07-09T08:00:00Z',
       results_sha256 = 'stand-in' WHERE batch = $b;"
done
REFUSED=$(S "SELECT count(*) FROM pay_lines WHERE $JULY AND status = 4")
[ "$REFUSED" -gt 0 ] && ok || bad "some lines refused"
REFUSED_Y=$(yuan "$JULY AND status = 4")

expect_status 0 "$JZ" pay reconcile "$DB" --county 140902 --period 2025-07
cp "$TMP/out" "$TMP/july1"
expect_grep "$TMP/out" "^应发合计：[0-9]* 条，$(yuan "$JULY AND kind <> 3 AND amount > 0") 元" "planned"
expect_grep "$TMP/out" "^已到账（首次发放）：[0-9]* 条，$(yuan "$JULY AND status = 3") 元" "paid"
expect_grep "$TMP/out" "^退票未重发：$REFUSED 条，$REFUSED_Y 元" "refused, not yet paid again"
expect_grep "$TMP/out" "^暂缓发放：$HELD 条" "held"
expect_grep "$TMP/out" "待办（$REFUSED 项）" "each refusal is an open task"
expect_grep "$TMP/out" '\[退票未重发\] 明细 [0-9]* 批次 [0-9]* 户 .*账户已销户' "named line by line"
expect_grep "$TMP/out" '对账结果：相符' "balanced"
expect_no_grep "$TMP/out" '[0-9]\{17\}[0-9X]' "no whole ID number in the output"

# ---- follow-ups (stand-in): accounts corrected, paid in August ------------------------
S "UPDATE payees SET current = 0 WHERE current = 1 AND (household_id, member_id) IN
     (SELECT household_id, member_id FROM pay_lines WHERE status = 4);
   INSERT INTO payees(county, household_id, member_id, holder_name, holder_id, bank, account,
     institution, version, current, set_at)
   SELECT DISTINCT county, household_id, member_id, label, '', 'abc', '6228480000000000026', 0, 2,
     1, '2025-07-15T00:00:00Z' FROM pay_lines WHERE status = 4;
   INSERT INTO pay_lines(county, region, household_id, enrolment, programme, period, kind,
     ref_period, refers_to, member_id, label, persons, amount, province_share, local_share,
     voucher, payee, batch, status, result, reason, planned_at)
   SELECT county, region, household_id, enrolment, programme, period, 3, ref_period, line,
     member_id, label, persons, amount, province_share, local_share, voucher, 0, 0, 0, '', '',
     '2025-07-15T00:00:00Z' FROM pay_lines WHERE status = 4;
   UPDATE pay_lines SET status = 6 WHERE status = 4;" || bad "follow-ups"
expect_status 0 "$JZ" pay plan "$DB" --period 2025-08 --region 140902
expect_status 0 "$JZ" pay batch "$DB" --period 2025-08 --county 140902
AUG=$(grep -o '^批次 [0-9]*' "$TMP/out" | grep -o '[0-9]*' | tr '\n' ' ')
for b in $AUG; do
  expect_status 0 "$JZ" pay approve "$DB" --batch "$b" --actor 审核员
  S "UPDATE pay_batches SET state = 3, exported_at = '2025-08-07T08:00:00Z',
       settled_at = '2025-08-09T08:00:00Z' WHERE batch = $b;
     UPDATE pay_lines SET status = 3, result = '0000' WHERE batch = $b;"
done
[ "$(S "SELECT count(*) FROM pay_lines WHERE kind = 3 AND status = 3")" -eq "$REFUSED" ] && ok ||
  bad "every follow-up paid in August"

expect_status 0 "$JZ" pay reconcile "$DB" --county 140902 --period 2025-07
expect_grep "$TMP/out" "^退票重发到账：$REFUSED 条，$REFUSED_Y 元" "the refusals paid again"
expect_grep "$TMP/out" '^退票未重发：0 条，0.00 元' "nothing refused left"
expect_grep "$TMP/out" "其中已重发 $REFUSED 条 $REFUSED_Y 元" "refused and repaid"
expect_grep "$TMP/out" '\[相符\] 应发 = 已到账 + 退票重发到账 + 退票未重发 + 在途 + 暂缓' "the ledger identity"
expect_grep "$TMP/out" '\[相符\] 退票已重发 = 其重发明细' "the follow-up identity"
expect_grep "$TMP/out" '对账结果：相符' "July balanced after the follow-ups"
# Every yuan planned is now paid (at once or again) or held, as the ledger
# itself says.
P=$(yuan "$JULY AND kind <> 3 AND amount > 0")
R=$(yuan "$JULY AND status = 3")
H=$(yuan "$JULY AND status = 5")
[ "$(awk -v p="$P" -v r="$R" -v h="$H" 'BEGIN { printf "%.2f", p - r - h }')" = "0.00" ] && ok ||
  bad "planned $P = paid $R + held $H"
expect_grep "$TMP/out" "^应发合计：[0-9]* 条，$P 元" "planned, after the follow-ups"
expect_grep "$TMP/out" "^暂缓发放：$HELD 条，$H 元" "held, after the follow-ups"
B1=${BATCHES%% *}
expect_status 0 "$JZ" pay reconcile "$DB" --batch "$B1"
expect_grep "$TMP/out" "^对账：批次 $B1（140902 县（忻府区），.* 银行，2025-07 期，已对账）" "a batch reconciled"
expect_grep "$TMP/out" '\[相符\] 批次明细 = ' "the batch identity"
expect_status 1 "$JZ" pay reconcile "$DB" --batch 9999
expect_grep "$TMP/err" '没有这个发放批次' "an unknown batch"
expect_status 2 "$JZ" pay reconcile "$DB" --batch "$B1" --county 140902
expect_status 1 "$JZ" pay reconcile "$DB" --county 140902 --period 2025-13
expect_grep "$TMP/err" '期次应为年月' "a bad period"

# A batch total changed behind jiuzhu's back: reported, exit 1.
S "UPDATE pay_batches SET total = total + 1 WHERE batch = $B1"
expect_status 1 "$JZ" pay reconcile "$DB" --county 140902 --period 2025-07
expect_grep "$TMP/out" "\[批次金额与明细不符\] 批次 $B1 ：批次 $B1 记录" "the batch named"
expect_grep "$TMP/out" '\[不符\] 各批次记录的条数和金额' "the batches identity broken"
expect_grep "$TMP/out" '对账结果：不符（差异 1 项，核对不成立 1 项）' "not balanced"
expect_grep "$TMP/err" '对账不符' "said on stderr"
S "UPDATE pay_batches SET total = total - 1 WHERE batch = $B1"

# ---- the statement ------------------------------------------------------------------
expect_status 0 "$JZ" pay statement "$DB" --county 140902 --period 2025-07 --out "$TMP/s.xlsx"
expect_grep "$TMP/out" "已生成对账单 .*应发 [0-9]* 条 $P 元.*对账相符" "statement written"
unzip -p "$TMP/s.xlsx" xl/sharedStrings.xml >"$TMP/strings.xml" || bad "unzip"
unzip -p "$TMP/s.xlsx" xl/workbook.xml >"$TMP/workbook.xml"
unzip -p "$TMP/s.xlsx" xl/worksheets/sheet1.xml >"$TMP/sheet1.xml"
unzip -p "$TMP/s.xlsx" xl/styles.xml >"$TMP/styles.xml"
for s in 对账单 批次 差异明细; do expect_grep "$TMP/workbook.xml" "name=\"$s\"" "sheet $s"; done
expect_grep "$TMP/strings.xml" '忻府区救助资金发放对账单（2025-07 期）' "the title"
expect_grep "$TMP/strings.xml" '困难群众基本生活救助补助资金' "the funding source of regular lines"
expect_grep "$TMP/strings.xml" '城乡低保金' "低保 by programme"
expect_grep "$TMP/strings.xml" '特困人员救助供养金' "特困 by programme"
expect_grep "$TMP/strings.xml" '对账结论：相符' "the conclusion"
expect_no_grep "$TMP/strings.xml" '[0-9]\{17\}[0-9X]' "no whole ID number in the statement"
# The planned total is a number cell, shown with two decimals.
PN=$(S "SELECT sum(amount) FROM pay_lines WHERE $JULY AND kind <> 3 AND amount > 0")
PN=$(printf '%d.%02d' $((PN / 100)) $((PN % 100)) | sed 's/0$//; s/\.0$//')
expect_grep "$TMP/sheet1.xml" "<v>$PN</v>" "the planned total as a number"
expect_grep "$TMP/styles.xml" 'formatCode="#,##0.00"' "two decimals"
[ "$(S "SELECT count(*) FROM audit WHERE action = 'pay.statement' AND entity = 'pay-statement:140902:2025-07'")" -eq 1 ] &&
  ok || bad "the statement is audited"
SHA=$(sha256sum "$TMP/s.xlsx" | cut -d' ' -f1)
S "SELECT after FROM audit WHERE action = 'pay.statement'" | grep -q "$SHA" && ok ||
  bad "the audit entry carries the file's SHA-256"
expect_status 2 "$JZ" pay statement "$DB" --county 140902 --period 2025-07 --out "$TMP/s.xlsx"
expect_status 0 "$JZ" pay statement "$DB" --county 140902 --period 2025-07 --out "$TMP/s.xlsx" --force
expect_status 2 "$JZ" pay statement "$DB" --county 140902 --period 2025-07

# ---- deadlines around National Day --------------------------------------------------
expect_status 0 "$JZ" pay plan "$DB" --period 2025-10 --region 140902
# Friday 26 September: 5 working days to 10 October (28, 29, 30 September, 9, 10 October).
expect_status 0 "$JZ" pay due "$DB" --date 2025-09-26 --within 4
expect_no_grep "$TMP/out" '2025-10-10' "October not yet within 4 working days"
expect_status 0 "$JZ" pay due "$DB" --date 2025-09-26 --within 5
expect_grep "$TMP/out" '2025-10 .*未编入批次.*2025-10-10 R-DB-PAY  5$' "5 working days over the holidays"
expect_grep "$TMP/out" '2025-Q4 .*未编入批次.*2025-10-10 R-TK-PAY  5$' "the 特困 quarter too"
# Tuesday 30 September: 2 working days left.
expect_status 0 "$JZ" pay due "$DB" --date 2025-09-30 --within 3
expect_grep "$TMP/out" '2025-10 .*未编入批次.*2025-10-10 R-DB-PAY  2$' "two working days left"
expect_status 0 "$JZ" pay due "$DB" --date 2025-10-10 --within 0
expect_grep "$TMP/out" '2025-10 .*未编入批次.*今天到期$' "due today"
# Monday 13 October: Saturday the 11th was a working day.
expect_status 0 "$JZ" pay due "$DB" --date 2025-10-13 --within 0
expect_grep "$TMP/out" '2025-10 .*未编入批次.*已超期 2 个工作日$' "late after the holiday"
expect_grep "$TMP/out" '^批次 .*剩余工作日$' "the columns of case due"
expect_status 0 "$JZ" pay due "$DB" --date 2025-10-13 --within 0 --region 1409
expect_grep "$TMP/out" '2025-10 ' "a city's prefix covers the county"
expect_status 0 "$JZ" pay due "$DB" --date 2025-10-13 --within 0 --region 140981
expect_no_grep "$TMP/out" '140902' "another county's prefix shows none of it"
expect_status 1 "$JZ" pay due "$DB" --date 2031-01-02
expect_grep "$TMP/err" '2031' "a date past the calendar"
expect_status 2 "$JZ" pay due "$DB" --date 2025-10-32
expect_status 2 "$JZ" pay due "$DB" --within many

finish
