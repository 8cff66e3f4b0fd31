#!/usr/bin/env bash
# The payments story of issue 14's "Done when", in one run, as county staff
# would do it from the command line: a generated county with its recipients
# from before jiuzhu, and a 特困 person; July planned (the month, and the
# third quarter's 特困 support); accounts; a batch per bank approved by a
# second user; the bank files; a result file with refusals; the refused
# accounts corrected and paid once in August's batch; the 300-yuan
# one-time subsidy paid once with its 6:4 split; a fraud's recovery opened
# and settled; and the reconciliation and the finance statement showing
# every yuan.
source "$(dirname "$0")/lib.sh"
DB=$(test_db w.db)
q() { db_sql "$DB" "$1"; }
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" gen --households 400 --seed 5 --region 140902 "$TMP/g.jsonl"
# A household with a 特困 grandfather on his own unit, receiving since 2021.
cat >>"$TMP/g.jsonl" <<'EOF'
{"household_id":"H140902-990001","region":"140902001001","area":"rural","assess_date":"2025-06-01","current":{"programme":"dibao","since":"2021-03-01","monthly_amount":"900.00"},"members":[{"id":"140902197003050113","name":"张大","relation":"head","employment":"unemployed"},{"id":"140902197208110220","name":"李二","relation":"spouse"},{"id":"140902194501020511","name":"张老","relation":"parent","supporters":[],"current":{"programme":"tekun","since":"2021-03-01","monthly_amount":"1200.00"}}]}
EOF
expect_status 0 "$JZ" import "$DB" "$TMP/g.jsonl"
units=$(q "SELECT count(*) FROM enrolments WHERE programme IN (0, 1, 4, 5) AND status <> 2")
[ "$units" -gt 30 ] && ok || bad "recipients from before jiuzhu ($units)"

# ---- July: the month and the quarter --------------------------------------------------
expect_status 0 "$JZ" pay plan "$DB" --period 2025-07
expect_grep "$TMP/out" '暂缓（无收款账户）' "lines wait for accounts"
[ "$(q "SELECT count(*) FROM pay_lines WHERE period = '2025-Q3' AND programme = 'tekun'")" = 1 ] &&
  ok || bad "the 特困 person's third quarter planned in July"
[ "$(q "SELECT amount FROM pay_lines WHERE period = '2025-Q3'")" = 360000 ] && ok ||
  bad "the quarter is three months of 1,200.00"
expect_status 0 "$JZ" pay plan "$DB" --period 2025-07
expect_grep "$TMP/out" '新增正常发放 0 条' "planning again adds nothing"

# ---- accounts ------------------------------------------------------------------------------
n=0
q "SELECT DISTINCT e.household_id, m.name, m.id_number FROM enrolments e
   JOIN households h ON h.household_id = e.household_id JOIN members m ON m.hh = h.hh AND m.idx = 0
   WHERE e.member_id = '' AND e.monthly > 0 ORDER BY 1" | tr '|' ' ' >"$TMP/heads"
while read -r hh name id; do
  n=$((n + 1))
  bank=abc pre=622848
  [ $((n % 2)) = 0 ] && bank=psbc pre=621799
  "$JZ" pay payee set "$DB" --household "$hh" --name "$name" --id "$id" --bank $bank \
    --account "$(luhn "$pre$(printf '%012d' "$n")")" >/dev/null 2>"$TMP/err" ||
    { bad "payee of $hh"; cat "$TMP/err" >&2; }
done <"$TMP/heads"
expect_status 0 "$JZ" pay payee set "$DB" --household H140902-990001 --member 140902194501020511 \
  --name 张老 --id 140902194501020511 --bank abc --account "$(luhn 622848990000000001)"
[ "$(q "SELECT count(*) FROM pay_lines WHERE status = 5 AND amount > 0")" = 0 ] && ok ||
  bad "every held line released by its account"

# ---- July's batches, approved by another, the bank files ---------------------------------
expect_status 0 "$JZ" pay batch "$DB" --period 2025-07 --county 140902 --actor 王经办
nb=$(q "SELECT count(*) FROM pay_batches")
[ "$nb" = 2 ] && ok || bad "one batch per bank ($nb)"
for b in $(q "SELECT batch FROM pay_batches ORDER BY batch"); do
  expect_status 6 "$JZ" pay approve "$DB" --batch "$b" --actor 王经办
  expect_status 0 "$JZ" pay approve "$DB" --batch "$b" --actor 李科长
done
mkdir -p "$TMP/files"
expect_status 0 "$JZ" pay export "$DB" --period 2025-07 --out "$TMP/files"
expect_grep "$TMP/out" '共生成 2 个代发文件' "two bank files"
abc=$(q "SELECT batch FROM pay_batches WHERE bank = 'abc'")
fa=$(ls "$TMP"/files/ABC_*.csv)
iconv -f GB18030 -t UTF-8 "$fa" | tr -d '\r' >"$TMP/abc.txt" || bad "the ABC file is GB18030"
# The bank refuses the first two lines (a closed account).
awk -F, 'NR == 1 { print "明细编号,账号,金额,结果代码,说明"; next }
  { c = "0000"; r = "成功"; if (NR <= 3) { c = "E102"; r = "账户已销户" }
    print $7 "," $2 "," $4 "," c "," r }' "$TMP/abc.txt" >"$TMP/abc-result.csv"
expect_status 0 "$JZ" pay results "$DB" --batch "$abc" "$TMP/abc-result.csv"
expect_grep "$TMP/out" '退票 2 条' "two refusals"
expect_status 0 "$JZ" pay results "$DB" --batch "$abc" "$TMP/abc-result.csv"
psbc=$(q "SELECT batch FROM pay_batches WHERE bank = 'psbc'")
fp=$(ls "$TMP"/files/PSBC_*.csv)
# psbc's layout: 序号,业务编号(line),收款人姓名,身份证号码,收款账号,金额（元）,...
tr -d '\r' <"$fp" | awk -F, 'NR == 1 { print "明细编号,账号,金额,结果代码,说明"; next }
  { print $2 "," $5 "," $6 ",0000,成功" }' >"$TMP/psbc-result.csv"
expect_status 0 "$JZ" pay results "$DB" --batch "$psbc" "$TMP/psbc-result.csv"

# ---- the refused accounts corrected; August pays them once --------------------------------
q "SELECT DISTINCT l.household_id, p.holder_name, p.holder_id FROM pay_lines l
   JOIN payees p ON p.payee = l.payee WHERE l.status = 4" | tr '|' ' ' >"$TMP/refused"
[ "$(wc -l <"$TMP/refused")" -ge 1 ] && ok || bad "refused households"
m=0
while read -r hh name id; do
  m=$((m + 1))
  expect_status 0 "$JZ" pay payee set "$DB" --household "$hh" --name "$name" --id "$id" --bank abc \
    --account "$(luhn "62284877$(printf '%010d' "$m")")"
done <"$TMP/refused"
expect_status 0 "$JZ" pay followup "$DB" --county 140902
[ "$(q "SELECT count(*) FROM pay_lines WHERE kind = 3")" = 2 ] && ok || bad "two follow-ups"
expect_status 0 "$JZ" pay followup "$DB" --county 140902
[ "$(q "SELECT count(*) FROM pay_lines WHERE kind = 3")" = 2 ] && ok || bad "follow-ups made once"
expect_status 0 "$JZ" pay plan "$DB" --period 2025-08

# ---- the one-time subsidy, 300 yuan a person, 6:4 -------------------------------------------
expect_status 0 "$JZ" pay once "$DB" --programme 2022-subsidy
once=$(q "SELECT count(*) FROM pay_lines WHERE kind = 2")
[ "$once" -gt 30 ] && ok || bad "one-time lines ($once)"
expect_status 0 "$JZ" pay once "$DB" --programme 2022-subsidy
[ "$(q "SELECT count(*) FROM pay_lines WHERE kind = 2")" = "$once" ] && ok || bad "paid once per person"
split=$(q "SELECT sum(amount) - $once * 30000, sum(province_share) - $once * 18000,
  sum(local_share) - $once * 12000, sum(CASE WHEN province_share + local_share = amount THEN 0 ELSE 1 END)
  FROM pay_lines WHERE kind = 2")
[ "$split" = "0|0|0|0" ] && ok || bad "the 6:4 split: $split"

# ---- August's batches: the follow-ups and the subsidy among them -------------------------------
expect_status 0 "$JZ" pay batch "$DB" --period 2025-08 --county 140902 --actor 王经办
for b in $(q "SELECT batch FROM pay_batches WHERE period = '2025-08' ORDER BY batch"); do
  expect_status 0 "$JZ" pay approve "$DB" --batch "$b" --actor 李科长
done
[ "$(q "SELECT count(*) FROM pay_lines WHERE kind = 3 AND batch IN (SELECT batch FROM pay_batches
  WHERE period = '2025-08')")" = 2 ] && ok || bad "the follow-ups in August's batch"
mkdir -p "$TMP/aug"
expect_status 0 "$JZ" pay export "$DB" --period 2025-08 --out "$TMP/aug"
for f in "$TMP"/aug/*.csv; do
  b=$(basename "$f" .csv)
  b=${b##*_}
  case "$f" in
  */ABC_*) iconv -f GB18030 -t UTF-8 "$f" | tr -d '\r' | awk -F, 'NR > 1 { print $7 "," $2 "," $4 ",0000,成功" }' ;;
  */PSBC_*) tr -d '\r' <"$f" | awk -F, 'NR > 1 { print $2 "," $5 "," $6 ",0000,成功" }' ;;
  esac >"$TMP/res-$b.csv"
  expect_status 0 "$JZ" pay results "$DB" --batch "$b" "$TMP/res-$b.csv"
done
[ "$(q "SELECT count(*) FROM pay_lines WHERE status = 6")" = 2 ] && ok || bad "the refused lines are superseded"
[ "$(q "SELECT count(*) FROM pay_lines WHERE kind = 3 AND status = 3")" = 2 ] && ok || bad "paid again, once"

# ---- fraud: recovered and settled --------------------------------------------------------------
E=$(q "SELECT min(enrolment) FROM pay_lines WHERE status = 3 AND kind = 0 AND period = '2025-08'")
expect_status 0 "$JZ" enrolment stop "$DB" "$E" --reason fraud --from-month 2025-07 --date 2025-09-05 \
  --note 隐瞒收入
R=$(q "SELECT recovery FROM recoveries WHERE enrolment = $E")
owed=$(q "SELECT balance FROM recoveries WHERE recovery = $R")
paid=$(q "SELECT sum(amount) FROM pay_lines WHERE enrolment = $E AND kind IN (0, 1)
  AND ((kind = 0 AND period >= '2025-07') OR (kind = 1 AND amount > 0))")
[ -n "$owed" ] && [ "$owed" = "$paid" ] && ok || bad "the recovery is what July and August paid ($owed, $paid)"
yuan=$(awk -v f="$owed" 'BEGIN { printf "%.2f", f / 100 }')
expect_status 0 "$JZ" pay repay "$DB" --recovery "$R" --amount "$yuan" --date 2025-09-20 --note 一次退回
[ "$(q "SELECT balance FROM recoveries WHERE recovery = $R")" = 0 ] && ok || bad "the recovery settled"
hh=$(q "SELECT household_id FROM enrolments WHERE enrolment = $E")
expect_status 0 "$JZ" chain "$DB" "$hh"
expect_grep "$TMP/out" '追回' "the chain shows the recovery"
expect_grep "$TMP/out" '2025-08' "the chain shows August's payment"

# ---- every yuan accounted for --------------------------------------------------------------------
expect_status 0 "$JZ" pay reconcile "$DB" --county 140902 --period 2025-07
expect_status 0 "$JZ" pay reconcile "$DB" --county 140902 --period 2022-subsidy
for b in $(q "SELECT batch FROM pay_batches"); do
  expect_status 0 "$JZ" pay reconcile "$DB" --batch "$b"
done
expect_status 0 "$JZ" pay statement "$DB" --county 140902 --period 2025-07 --out "$TMP/st.xlsx"
unzip -p "$TMP/st.xlsx" xl/sharedStrings.xml >"$TMP/st.xml" 2>/dev/null || bad "the statement is an .xlsx"
expect_grep "$TMP/st.xml" '对账' "the statement's sheets"
expect_status 0 "$JZ" audit verify "$DB"
finish
