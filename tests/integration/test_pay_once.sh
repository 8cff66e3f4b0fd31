#!/usr/bin/env bash
# One-time programmes, holds and recoveries as staff run them (issue 14
# items 3, 8, 9): the 300-yuan 一次性生活补贴 of seed 004 一.2 paid once per
# person with its 6:4 split summed per funding source (a run again adds
# nothing), the 1,500-yuan voucher to the 特困 person only, a hold and its
# release with and without back pay, a fraud stop whose recovery the ledger
# computes at once of what the bank had paid, repaid until settled (the
# month not yet sent withdrawn, never paid), a death after its months were
# planned (R-DEATH-1: the months after it recovered or withdrawn), the chain of
# each household showing its lines, recoveries and repayments, while the
# chain of a household without payments stays as it was.
. "$(dirname "$0")/lib.sh"

export JIUZHU_ACTOR=孙会计
export JIUZHU_POLICY="$SRC/policy"
DB=$(test_db p.db)
expect_status 0 "$JZ" init "$DB"

# Households already receiving assistance before jiuzhu (their `current`):
#  900001 低保 for 4 since 2021-03 (900.00), one member born in 2023, and
#         the grandfather 特困 on his own (1200.00 a month, R-TK-5);
#  900002 低保 for one since 2021-05 (600.00): he dies;
#  900003 低保 for two since 2022-01 (800.00): fraud;
#  900004 低保边缘 (no 300 yuan); 900005 低保 only since 2023-05 (after
#  the programme's day, 2022-07-19); 900006 低保 since 2021-06 (700.00).
cat >"$TMP/hh.jsonl" <<'EOF'
{"household_id":"H140902-900001","region":"140902001001","area":"rural","assess_date":"2025-06-01","current":{"programme":"dibao","since":"2021-03-01","monthly_amount":"900.00"},"members":[{"id":"140902197003050113","name":"张大","relation":"head","employment":"unemployed"},{"id":"140902197208110220","name":"李二","relation":"spouse"},{"id":"140902201001200316","name":"张小","relation":"child","student":{"level":"primary"}},{"id":"140902202306150414","name":"张宝","relation":"child"},{"id":"140902194501020511","name":"张老","relation":"parent","supporters":[],"current":{"programme":"tekun","since":"2021-03-01","monthly_amount":"1200.00"}}]}
{"household_id":"H140902-900002","region":"140902001002","area":"rural","assess_date":"2025-06-01","current":{"programme":"dibao","since":"2021-05-01","monthly_amount":"600.00"},"members":[{"id":"140902195009090619","name":"王孤","relation":"head","supporters":[]}]}
{"household_id":"H140902-900003","region":"140902001003","area":"rural","assess_date":"2025-06-01","current":{"programme":"dibao","since":"2022-01-01","monthly_amount":"800.00"},"members":[{"id":"140902198004040712","name":"赵甲","relation":"head"},{"id":"140902198206060826","name":"钱乙","relation":"spouse"}]}
{"household_id":"H140902-900004","region":"140902001004","area":"rural","assess_date":"2025-06-01","current":{"programme":"marginal","since":"2021-01-01"},"members":[{"id":"140902197507070919","name":"孙丙","relation":"head"}]}
{"household_id":"H140902-900005","region":"140902001005","area":"rural","assess_date":"2025-06-01","current":{"programme":"dibao","since":"2023-05-01","monthly_amount":"500.00"},"members":[{"id":"140902197808080133","name":"周丁","relation":"head"}]}
{"household_id":"H140902-900006","region":"140902001006","area":"rural","assess_date":"2025-06-01","current":{"programme":"dibao","since":"2021-06-01","monthly_amount":"700.00"},"members":[{"id":"140902198808080154","name":"吴戊","relation":"head"}]}
EOF
expect_status 0 "$JZ" import "$DB" "$TMP/hh.jsonl" "$SRC/examples/01-dibao-rural.json"
enrol() { db_sql "$DB" "SELECT enrolment FROM enrolments WHERE household_id = '$1' AND programme = $2"; }
E_A=$(enrol H140902-900001 0)
E_B=$(enrol H140902-900002 0)
E_C=$(enrol H140902-900003 0)
E_F=$(enrol H140902-900006 0)
expect_status 0 "$JZ" chain "$DB" H140902-000101
cp "$TMP/out" "$TMP/chain-before.txt"

# ---- the 300 yuan, once per person, 6:4 -------------------------------------------
expect_status 0 "$JZ" pay once "$DB" --programme 2022-subsidy
expect_grep "$TMP/out" '一次性生活补贴（每人 300.00 元，现金；资格认定日 2022-07-19，发放期限 2022-08-20）' \
  "the programme as its file says"
# 900001: 张大, 李二, 张小 (张宝 was not born yet) and 张老 by his own 特困
# unit; 900002: 1; 900003: 2; 900006: 1.  Not 900004 (低保边缘), not 900005.
expect_grep "$TMP/out" '本次新增 8 人，合计 2400.00 元（省级 1440.00 元，市县 960.00 元）' \
  "eight persons, split 6:4"
expect_grep "$TMP/out" '已过发放期限 2022-08-20' "a run after the deadline is flagged"
q() { db_sql "$DB" "$1"; }
[ "$(q "SELECT count(*) FROM pay_lines WHERE kind = 2 AND member_id = '140902202306150414'")" = 0 ] &&
  ok || bad "a member born after the programme's day is not paid"
[ "$(q "SELECT count(*) FROM pay_lines WHERE kind = 2 AND household_id IN ('H140902-900004', 'H140902-900005')")" = 0 ] &&
  ok || bad "低保边缘 and a later enrolment are not paid"
[ "$(q "SELECT count(*) FROM pay_lines WHERE kind = 2 AND member_id = '140902194501020511' AND enrolment = 0")" = 1 ] &&
  ok || bad "the 特困 person has his own line, of no enrolment"
[ "$(q "SELECT count(*) FROM pay_lines WHERE kind = 2 AND (province_share + local_share <> amount OR province_share <> 18000)")" = 0 ] &&
  ok || bad "every line's shares make its amount"
[ "$(q "SELECT count(*) FROM pay_lines WHERE kind = 2 AND status = 5 AND reason <> ''")" = 8 ] &&
  ok || bad "without payees the lines are held, with the reason"
expect_status 0 "$JZ" pay once "$DB" --programme 2022-subsidy
expect_grep "$TMP/out" '本次新增 0 人，合计 0.00 元' "a second run adds nothing"
expect_grep "$TMP/out" '已有未重复 8 人' "and says why"
expect_grep "$TMP/out" '累计：8 人，合计 2400.00 元 = 省级 1440.00 元 + 市县 960.00 元' \
  "the programme summed per funding source"
expect_status 0 "$JZ" pay once "$DB" --programme 2022-subsidy --region 140902001001
expect_grep "$TMP/out" '累计（区划 140902001001）：4 人，合计 1200.00 元' "summed within a region"
expect_status 0 "$JZ" pay once "$DB" --programme 2022-voucher
expect_grep "$TMP/out" '本次新增 1 人，合计 1500.00 元（省级 900.00 元，市县 600.00 元）' \
  "the voucher goes to the 特困 person only"
expect_grep "$TMP/out" '消费券' "as a voucher"
[ "$(q "SELECT voucher || ' ' || status || ' ' || payee FROM pay_lines WHERE programme = '2022-voucher'")" = "1 0 0" ] &&
  ok || bad "the line is flagged as a voucher, and waits for no account (issued to the person)"
expect_status 1 "$JZ" pay once "$DB" --programme 2099-nothing
expect_grep "$TMP/err" '2099-nothing' "an unknown programme is named"
expect_status 2 "$JZ" pay once "$DB"

# ---- holds ------------------------------------------------------------------------
expect_status 0 "$JZ" pay plan "$DB" --period 2025-07
expect_status 0 "$JZ" pay plan "$DB" --period 2025-08
expect_status 2 "$JZ" pay hold "$DB" --enrolment "$E_A" --from 2025-09
expect_status 1 "$JZ" pay hold "$DB" --enrolment "$E_A" --from 2025-13 --reason 复核
expect_grep "$TMP/err" '2025-13' "a bad month is named"
expect_status 1 "$JZ" pay hold "$DB" --enrolment "$E_A" --from 2019-01 --reason 复核
expect_grep "$TMP/err" '早于这条救助开始发放的 2021-03' "not before the first month"
expect_status 0 "$JZ" pay hold "$DB" --enrolment "$E_A" --from 2025-09 --reason 家庭收入复核中
expect_grep "$TMP/out" "救助 $E_A 自 2025-09 起暂停发放" "a hold"
expect_status 4 "$JZ" pay hold "$DB" --enrolment "$E_A" --from 2025-10 --reason 又一次
expect_grep "$TMP/err" '已有自 2025-09 起未解除的暂停发放' "one open hold at a time"
expect_status 0 "$JZ" pay hold "$DB" --enrolment "$E_F" --from 2025-09 --reason 核查务工收入
expect_status 0 "$JZ" pay plan "$DB" --period 2025-09
[ "$(q "SELECT count(*) FROM pay_lines WHERE enrolment IN ($E_A, $E_F) AND period = '2025-09'")" = 0 ] &&
  ok || bad "nothing is planned for a held month"
expect_status 1 "$JZ" pay release "$DB" --enrolment "$E_B" --to 2025-09
expect_grep "$TMP/err" '没有未解除的暂停发放' "no hold to release"
expect_status 1 "$JZ" pay release "$DB" --enrolment "$E_A" --to 2025-08
expect_grep "$TMP/err" '早于暂停开始的 2025-09' "a release before its hold"
expect_status 0 "$JZ" pay release "$DB" --enrolment "$E_A" --to 2025-09 --back-pay
expect_grep "$TMP/out" '暂停期间各月在下次编制发放计划时补发' "released with back pay"
expect_status 0 "$JZ" pay release "$DB" --enrolment "$E_F" --to 2025-09
expect_grep "$TMP/out" '暂停期间各月不予发放' "released without"

# ---- July to September paid to 900002 and 900003 (their accounts, a batch
# approved by another, the bank's file, every line paid) ------------------------------
expect_status 0 "$JZ" pay payee set "$DB" --household H140902-900002 --name 王孤 \
  --id 140902195009090619 --bank sxrcu --account "$(luhn 623159000000000002)"
expect_status 0 "$JZ" pay payee set "$DB" --household H140902-900003 --name 赵甲 \
  --id 140902198004040712 --bank sxrcu --account "$(luhn 623159000000000003)"
expect_status 0 "$JZ" pay batch "$DB" --period 2025-09 --county 140902
SEP=$(q "SELECT batch FROM pay_batches WHERE period = '2025-09' AND bank = 'sxrcu'")
expect_status 0 "$JZ" pay approve "$DB" --batch "$SEP" --actor 李科长
mkdir -p "$TMP/files"
expect_status 0 "$JZ" pay export "$DB" --batch "$SEP" --out "$TMP/files"
iconv -f GB18030 -t UTF-8 "$TMP"/files/DF_*.csv | tr -d '\r' |
  awk -F, 'NR == 1 { print "明细编号,账号,金额,结果代码,说明"; next } { print $2 "," $5 "," $6 ",0000,成功" }' \
  >"$TMP/sep-result.csv"
expect_status 0 "$JZ" pay results "$DB" --batch "$SEP" "$TMP/sep-result.csv"
[ "$(q "SELECT count(*) FROM pay_lines WHERE status = 3 AND household_id IN ('H140902-900002', 'H140902-900003')")" = 9 ] &&
  ok || bad "July to September and the one-time lines of both paid"
expect_status 0 "$JZ" pay plan "$DB" --period 2025-10
[ "$(q "SELECT amount FROM pay_lines WHERE enrolment = $E_A AND kind = 1 AND ref_period = '2025-09' AND period = '2025-10'")" = 90000 ] &&
  ok || bad "the held month is paid back as an adjustment"
[ "$(q "SELECT count(*) FROM pay_lines WHERE enrolment = $E_F AND ref_period = '2025-09'")" = 0 ] &&
  ok || bad "without back pay the held month is owed nothing"
[ "$(q "SELECT count(*) FROM pay_lines WHERE enrolment IN ($E_A, $E_F) AND kind = 0 AND period = '2025-10'")" = 2 ] &&
  ok || bad "and both are paid again from the month after"

# ---- the voucher leaves the bank path: its own batch, approved by another, a list of
# persons for the issuer (no account), the issuer's confirmation by ID number -------------
VOU=$(q "SELECT batch FROM pay_batches WHERE period = '2025-09' AND bank = 'voucher'")
[ "$(q "SELECT lines || ' ' || total FROM pay_batches WHERE batch = '$VOU'")" = "1 150000" ] &&
  ok || bad "张老's 1,500-yuan voucher in a batch of its own"
expect_status 1 "$JZ" pay payee set "$DB" --household H140902-900001 --name 张大 \
  --id 140902197003050113 --bank voucher --account 6228480000000000
expect_grep "$TMP/err" '未配置的开户银行' "no account is held at the voucher issuer"
expect_status 6 "$JZ" pay approve "$DB" --batch "$VOU"
expect_status 0 "$JZ" pay approve "$DB" --batch "$VOU" --actor 李科长
mkdir -p "$TMP/vouchers"
expect_status 0 "$JZ" pay export "$DB" --batch "$VOU" --out "$TMP/vouchers"
iconv -f GB18030 -t UTF-8 "$TMP"/vouchers/XFQ_140902_2025-09_"$VOU"_*.csv | tr -d '\r' >"$TMP/xfq.txt" ||
  bad "the issuer's list, GB18030, named XFQ_"
expect_grep "$TMP/xfq.txt" '^序号,明细编号,姓名,身份证号,金额,项目,村（社区）,摘要$' "a list of persons, no account"
expect_grep "$TMP/xfq.txt" '^1,[0-9]*,张老,140902194501020511,1500.00,爱心消费券,140902001001,' \
  "张老 by his ID number"
awk -F, 'NR == 1 { print "明细编号,身份证号,金额,结果代码,说明"; next } { print $2 ",140902194501020520," $5 ",0000,已发放" }' \
  "$TMP/xfq.txt" >"$TMP/xfq-wrong.csv"
expect_status 1 "$JZ" pay results "$DB" --batch "$VOU" "$TMP/xfq-wrong.csv"
expect_grep "$TMP/err" '身份证号与发放名单不符' "a confirmation for another person is refused"
expect_no_grep "$TMP/err" '140902194501020520' "with the ID numbers masked"
awk -F, 'NR == 1 { print "明细编号,身份证号,金额,结果代码,说明"; next } { print $2 "," $4 "," $5 ",0000,已发放" }' \
  "$TMP/xfq.txt" >"$TMP/xfq-ok.csv"
expect_status 0 "$JZ" pay results "$DB" --batch "$VOU" "$TMP/xfq-ok.csv"
[ "$(q "SELECT status FROM pay_lines WHERE programme = '2022-voucher'")" = 3 ] && ok || bad "the voucher issued"
expect_status 0 "$JZ" pay reconcile "$DB" --batch "$VOU"
expect_grep "$TMP/out" '对账结果：相符' "the voucher batch reconciles on its own"
expect_status 0 "$JZ" pay reconcile "$DB" --county 140902 --period 2022-voucher
expect_grep "$TMP/out" '已到账（首次发放）：1 条，1500.00 元' "the programme's reconciliation: issued"
expect_grep "$TMP/out" '对账结果：相符' "and balanced"

# ---- fraud: the ledger's recovery at once of what left, repaid until settled; what
# had not left (October's line) withdrawn -----------------------------------------------
expect_status 0 "$JZ" enrolment stop "$DB" "$E_C" --reason fraud --from-month 2025-08 --date 2025-10-15 \
  --note 隐瞒务工收入
expect_grep "$TMP/out" '共 3 个月多发 2400.00 元' "the procedure's figure (R-REPORT-1)"
expect_grep "$TMP/out" '发放台账：2025-08 起已发出的 1600.00 元转为追回' "the ledger's, at once"
expect_grep "$TMP/out" '发放台账：2025-08 起尚未发出的 1 条明细、800.00 元已撤回，不再发放' \
  "what had not left is withdrawn"
R_C=$(q "SELECT recovery FROM recoveries WHERE household_id = 'H140902-900003'")
[ "$(q "SELECT from_period || ' ' || amount || ' ' || balance || ' ' || opened_on FROM recoveries WHERE recovery = $R_C")" = "2025-08 160000 160000 20251015" ] &&
  ok || bad "the recovery: from the fraud's first month, what the bank had paid, opened on the stop"
[ "$(q "SELECT ref_period || ':' || amount FROM pay_lines WHERE enrolment = $E_C AND kind = 1 ORDER BY line" | paste -sd' ')" = "2025-08:-80000 2025-09:-80000" ] &&
  ok || bad "each undue month squared by a held negative adjustment"
[ "$(q "SELECT period || ':' || status FROM pay_lines WHERE enrolment = $E_C AND kind = 0 AND period >= '2025-08' ORDER BY period" | paste -sd' ')" = "2025-08:3 2025-09:3 2025-10:7" ] &&
  ok || bad "October's line, not yet sent, withdrawn (never paid)"
expect_status 1 "$JZ" pay release "$DB" --enrolment "$E_C" --to 2025-12 --back-pay
expect_grep "$TMP/err" '因骗取救助停止' "a fraud's hold is never released"

# ---- a death after its months were planned (R-DEATH-1): September had been paid
# (recovered), October not (withdrawn) -------------------------------------------------
expect_status 0 "$JZ" enrolment death "$DB" "$E_B" --member-id 140902195009090619 \
  --death-date 2025-08-15 --date 2025-10-20
expect_status 0 "$JZ" pay plan "$DB" --period 2025-11
expect_grep "$TMP/out" '新开追回 1 笔' "one recovery: the death's (the fraud's exists already)"
expect_grep "$TMP/out" '撤回尚未发出、经重新核算不应发放的明细 1 条，600.00 元' "October's withdrawn"
R_B=$(q "SELECT recovery FROM recoveries WHERE household_id = 'H140902-900002'")
[ "$(q "SELECT from_period || ' ' || amount FROM recoveries WHERE recovery = $R_B")" = "2025-09 60000" ] &&
  ok || bad "the months after the death are recovered"
[ "$(q "SELECT count(*) FROM pay_lines WHERE enrolment = $E_C AND period = '2025-11'")" = 2 ] &&
  ok || bad "planning after the fraud stop adds nothing for it (its 2 adjustments only)"

# ---- a death found while its months wait in a batch being prepared: they leave
# the batch, withdrawn; the batch's count and total follow ------------------------------
expect_status 0 "$JZ" pay payee set "$DB" --household H140902-900006 --name 吴戊 \
  --id 140902198808080154 --bank sxrcu --account "$(luhn 623159000000000006)"
expect_status 0 "$JZ" pay batch "$DB" --period 2025-11 --county 140902
NOV=$(q "SELECT batch FROM pay_batches WHERE period = '2025-11'")
[ "$(q "SELECT lines || ' ' || total FROM pay_batches WHERE batch = $NOV")" = "5 310000" ] &&
  ok || bad "November's batch: 吴戊's July to November (not September, held), and his 300 yuan"
expect_status 0 "$JZ" enrolment death "$DB" "$E_F" --member-id 140902198808080154 \
  --death-date 2025-09-20 --date 2025-11-21
expect_status 0 "$JZ" pay plan "$DB" --period 2025-11
expect_grep "$TMP/out" '撤回尚未发出、经重新核算不应发放的明细 2 条，1400.00 元' "both months withdrawn"
expect_grep "$TMP/out" '新开追回 0 笔' "nothing had left: nothing to recover"
[ "$(q "SELECT lines || ' ' || total FROM pay_batches WHERE batch = $NOV")" = "3 170000" ] &&
  ok || bad "the batch keeps July, August and the one-time line"
[ "$(q "SELECT count(*) FROM pay_lines WHERE enrolment = $E_F AND status = 7 AND batch = 0")" = 2 ] &&
  ok || bad "the withdrawn lines are in no batch"
for period in 2025-09 2025-10 2025-11; do
  expect_status 0 "$JZ" pay reconcile "$DB" --county 140902 --period $period
  expect_grep "$TMP/out" '对账结果：相符' "$period reconciles with its withdrawn lines"
done
expect_grep "$TMP/out" '已撤回（未发出即核定不应发放）：1 条，700.00 元' "November's withdrawn line in the reconciliation"
expect_status 0 "$JZ" pay reconcile "$DB" --batch "$NOV"
expect_grep "$TMP/out" '对账结果：相符' "and the batch"

expect_status 0 "$JZ" pay recoveries "$DB"
expect_grep "$TMP/out" "H140902-900003 .*1600.00 .*0.00 .*1600.00  追回中 骗取救助" "the recoveries listed"
expect_grep "$TMP/out" '共 2 笔' "both"
expect_status 0 "$JZ" pay recoveries "$DB" --county 140902
expect_grep "$TMP/out" '共 2 笔' "of the county"
expect_status 1 "$JZ" pay repay "$DB" --recovery "$R_C" --amount 100 --date 2025-10-01
expect_grep "$TMP/err" '早于追回开立日 2025-10-15' "not before the recovery"
expect_status 0 "$JZ" pay repay "$DB" --recovery "$R_C" --amount 1000 --date 2025-11-03 --note 第一期
expect_grep "$TMP/out" '退回 1000.00 元，余额 600.00 元' "a repayment"
expect_status 1 "$JZ" pay repay "$DB" --recovery "$R_C" --amount 2000 --date 2025-11-04
expect_grep "$TMP/err" '超过追回 .* 的余额 600.00 元' "never beyond the balance"
expect_status 2 "$JZ" pay repay "$DB" --recovery "$R_C" --amount 1.234 --date 2025-11-04
expect_status 0 "$JZ" pay repay "$DB" --recovery "$R_C" --amount 600.00 --date 2025-12-01 --note 结清
expect_grep "$TMP/out" '余额 0.00 元，已结清' "settled"
expect_status 1 "$JZ" pay repay "$DB" --recovery "$R_C" --amount 1 --date 2025-12-02
expect_grep "$TMP/err" '已全部退回' "nothing more once settled"
expect_status 0 "$JZ" pay recoveries "$DB" --household H140902-900003
expect_grep "$TMP/out" '已结清' "settled in the list"
expect_grep "$TMP/out" '退回 2025-11-03 *1000.00 元  第一期' "with its repayments"

# ---- the chain shows money ----------------------------------------------------------
expect_status 0 "$JZ" chain "$DB" H140902-900003
expect_grep "$TMP/out" '2025-07-10  2025-07 最低生活保障 正常发放（全户，2 人）800.00 元，已到账' \
  "a regular line on the day it is due"
expect_grep "$TMP/out" '2025-08 期）-800.00 元' "the negative adjustments"
expect_grep "$TMP/out" "2025-10-15  按发放台账追回 $R_C（R-PAY-4）：骗取救助（R-REPORT-1）期间多发的救助金（自 2025-08 期起），共 1600.00 元" \
  "the recovery on the day of the stop"
expect_grep "$TMP/out" "2025-11-03  追回 $R_C 退回 1000.00 元，余额 600.00 元：第一期" "a repayment"
expect_grep "$TMP/out" "2025-12-01  追回 $R_C 退回 600.00 元，余额 0.00 元（已结清）" "the last"
expect_grep "$TMP/out" '2022-08-20  2022-subsidy 一次性生活补贴 一次性发放（赵甲）300.00 元（省级 180.00 元、市县 120.00 元）' \
  "the one-time line on its deadline, with its split"
expect_status 0 "$JZ" chain "$DB" H140902-900001
expect_grep "$TMP/out" '一次性生活补贴 一次性发放（张老）' "the 特困 person's one-time line"
expect_grep "$TMP/out" '爱心消费券 一次性发放（张老）1500.00 元（省级 900.00 元、市县 600.00 元，消费券）' \
  "and his voucher"
expect_grep "$TMP/out" '2025-10 最低生活保障 调整（补发或冲减）（全户，4 人，2025-09 期）900.00 元' \
  "the back pay of the held month"
expect_status 0 "$JZ" chain "$DB" H140902-900002
expect_grep "$TMP/out" '家庭成员均已死亡后多发的救助金（自 2025-09 期起），共 600.00 元' \
  "the death's recovery"
expect_status 0 "$JZ" chain "$DB" H140902-000101
if cmp -s "$TMP/out" "$TMP/chain-before.txt"; then ok; else
  bad "the chain of a household without payments is unchanged"
  diff "$TMP/chain-before.txt" "$TMP/out" >&2
fi

# ---- every operation audited, the log intact ---------------------------------------
q "SELECT DISTINCT action FROM audit" >"$TMP/actions.txt"
for a in pay.once pay.hold pay.release pay.adjust pay.withdraw recovery.open recovery.repay; do
  expect_grep "$TMP/actions.txt" "^$a\$" "the audit log has $a"
done
expect_status 0 "$JZ" audit verify "$DB"
finish
