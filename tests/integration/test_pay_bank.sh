#!/usr/bin/env bash
# Payees, bank files and results (issue 14 items 1 and 5) on a generated
# county, as a county's finance clerk runs them: a month planned before any
# account (held), payees set for the households from the registry, batches
# per bank approved by a second user, the 代发 files (GB18030 CSV read back
# with iconv, XLSX with unzip), a result file with refusals imported and
# imported again (nothing changes), bad result files refused whole with the
# line named and nothing written, a refused account corrected, its
# follow-up, and the next month's batch paying it once.  No whole account
# number ever reaches the audit log or a list.
. "$(dirname "$0")/lib.sh"

export JIUZHU_ACTOR=出纳
DB=$(test_db p.db)
OUT="$TMP/files"
mkdir -p "$OUT"
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" gen --households 600 --seed 3 --region 140902 "$TMP/g.jsonl"
expect_status 0 "$JZ" import "$DB" "$TMP/g.jsonl"

q() { db_sql "$DB" "$1"; }
# The ledger and the batches as they stand (to show that nothing changed).
state() { q "SELECT line, status, batch, payee, result, reason FROM pay_lines ORDER BY line;
             SELECT batch, state, exported_at, settled_at, file_name, results_sha256
             FROM pay_batches ORDER BY batch; SELECT payee, version, current FROM payees ORDER BY payee;"; }

# A 19-digit account of a bank's prefix with its Luhn check digit.

# ---- planned before any account: held ----------------------------------------------
expect_status 0 "$JZ" pay plan "$DB" --period 2025-07
expect_grep "$TMP/out" '暂缓（无收款账户）87 条' "every line held without a payee"
[ "$(q "SELECT count(*) FROM pay_lines WHERE status = 5 AND payee = 0")" = 87 ] && ok ||
  bad "87 held lines"

# ---- payees from the registry (the head of each household) -------------------------
q "SELECT DISTINCT e.household_id, m.name, m.id_number FROM enrolments e
   JOIN households h ON h.household_id = e.household_id
   JOIN members m ON m.hh = h.hh AND m.idx = 0 WHERE e.member_id = '' ORDER BY 1" |
  tr '|' ' ' >"$TMP/heads"
n=0
: >"$TMP/accounts"
while read -r hh name id; do
  n=$((n + 1))
  case $((n % 3)) in
  0) bank=abc pre=622848 ;;
  1) bank=psbc pre=621799 ;;
  2) bank=sxrcu pre=623159 ;;
  esac
  acct=$(luhn "$pre$(printf '%012d' $n)")
  echo "$hh $bank $acct" >>"$TMP/accounts"
  "$JZ" pay payee set "$DB" --household "$hh" --name "$name" --id "$id" --bank $bank \
    --account "$acct" >>"$TMP/payees.out" 2>&1 || bad "payee of $hh"
done <"$TMP/heads"
[ "$n" -gt 60 ] && ok || bad "only $n households with a unit"
expect_grep "$TMP/payees.out" '的收款账户已登记：户名' "a payee registered"
expect_grep "$TMP/payees.out" '条暂缓发放（无收款账户）的明细转为待发放' "held lines released"
[ "$(q "SELECT count(*) FROM pay_lines WHERE status = 5")" = 0 ] && ok || bad "lines still held"
read -r hh1 bank1 acct1 < <(head -1 "$TMP/accounts")
head1=$(grep "^$hh1 " "$TMP/heads")
expect_no_grep "$TMP/payees.out" "$acct1" "an account whole in the output"
expect_grep "$TMP/payees.out" "${acct1:0:4}\*\*\*\*\*\*\*\*\*\*\*${acct1:15:4}" "the account masked"

# Refusals name the field.
set -- $head1
expect_status 1 "$JZ" pay payee set "$DB" --household "$hh1" --name "$2" --id "$3" --bank abc \
  --account 6228480000000000019
expect_grep "$TMP/err" '校验位' "a bad Luhn digit"
expect_status 1 "$JZ" pay payee set "$DB" --household "$hh1" --name "$2" --id "$3" --bank icbc \
  --account "$acct1"
expect_grep "$TMP/err" '未配置的开户银行' "an unknown bank"
expect_status 1 "$JZ" pay payee set "$DB" --household "$hh1" --member 110101199003070011 \
  --name "$2" --id "$3" --bank abc --account "$acct1"
expect_grep "$TMP/err" '不是户' "a member of another household"
expect_status 2 "$JZ" pay payee set "$DB" --household "$hh1" --name "$2" --bank abc
expect_status 0 "$JZ" pay payee show "$DB" --household "$hh1"
expect_grep "$TMP/out" '（第 1 版）' "payee show"
expect_no_grep "$TMP/out" "$acct1" "payee show masks the account"

# A care institution of the county.
expect_status 0 "$JZ" pay institution add "$DB" --county 140902 --name 忻府区敬老院 \
  --holder 忻州市忻府区敬老院 --bank sxrcu --account "$(luhn 623159999999999999)"
expect_grep "$TMP/out" '供养服务机构 1 已登记' "institution added"
expect_status 1 "$JZ" pay institution add "$DB" --county 140902 --name 忻府区敬老院 \
  --holder 另一 --bank sxrcu --account "$(luhn 623159999999999998)"
expect_grep "$TMP/err" '同名' "institution names unique in a county"
expect_status 0 "$JZ" pay institution list "$DB"
expect_grep "$TMP/out" '忻府区敬老院（户名 忻州市忻府区敬老院，山西省农村信用社 账号 6231\*' "list"

# ---- batches, approved by another user --------------------------------------------------
expect_status 0 "$JZ" pay batch "$DB" --period 2025-07 --county 140902 --actor 编制员
expect_lines "$TMP/out" 3 "one batch per bank"
abc=$(q "SELECT batch FROM pay_batches WHERE bank = 'abc'")
psbc=$(q "SELECT batch FROM pay_batches WHERE bank = 'psbc'")
rcu=$(q "SELECT batch FROM pay_batches WHERE bank = 'sxrcu'")
expect_status 1 "$JZ" pay export "$DB" --batch "$abc" --out "$OUT"
expect_grep "$TMP/err" '尚未审核' "no file before approval"
expect_status 6 "$JZ" pay approve "$DB" --batch "$abc" --actor 编制员
expect_grep "$TMP/err" '须由另一名工作人员审核' "approval by a second user"
for b in $abc $psbc $rcu; do expect_status 0 "$JZ" pay approve "$DB" --batch $b --actor 科长; done

# ---- the 代发 files ------------------------------------------------------------------------
expect_status 0 "$JZ" pay export "$DB" --batch "$abc" --out "$OUT"
expect_grep "$TMP/out" '已生成，批次和明细标记为已报送银行' "first export"
expect_grep "$TMP/out" '编码 GB18030' "abc's encoding"
f=$(ls "$OUT"/ABC_DF_140902_2025-07_"$abc".csv)
iconv -f GB18030 -t UTF-8 "$f" >"$TMP/abc.csv" && ok || bad "the abc file is GB18030"
head -1 "$TMP/abc.csv" | tr -d '\r' >"$TMP/head"
expect_grep "$TMP/head" '^序号,卡号,户名,金额,证件号码,用途,明细编号$' "abc's columns"
lines=$(q "SELECT lines FROM pay_batches WHERE batch = $abc")
[ "$(($(wc -l <"$TMP/abc.csv") - 1))" = "$lines" ] && ok || bad "one row per line"
total=$(q "SELECT total FROM pay_batches WHERE batch = $abc")
total=$(printf '%d.%02d' $((total / 100)) $((total % 100)))
sum=$(tail -n +2 "$TMP/abc.csv" | awk -F, '{s += $4 * 100} END {printf "%.2f", s / 100}')
[ "$sum" = "$total" ] && ok || bad "file sum $sum, batch total $total"
acct_abc=$(tr -d '\r' <"$TMP/abc.csv" | awk -F, 'NR == 2 { print $2 }')
grep -q " abc $acct_abc\$" "$TMP/accounts" && ok || bad "the account whole in the bank file"
[ "$(q "SELECT count(*) FROM pay_lines WHERE batch = $abc AND status = 2")" = "$lines" ] && ok ||
  bad "the lines sent"
# Again: the same bytes, and nothing else changes; the .xlsx too.
state >"$TMP/s1"
cp "$f" "$TMP/first.csv"
expect_status 0 "$JZ" pay export "$DB" --batch "$abc" --out "$OUT"
expect_grep "$TMP/out" '已重新生成（内容与首次相同）' "second export"
cmp -s "$f" "$TMP/first.csv" && ok || bad "the second file differs"
expect_status 0 "$JZ" pay export "$DB" --batch "$abc" --out "$OUT" --format xlsx
state >"$TMP/s2"
cmp -s "$TMP/s1" "$TMP/s2" && ok || bad "exporting again changed the store"
unzip -p "$OUT"/ABC_DF_140902_2025-07_"$abc".xlsx xl/worksheets/sheet1.xml >"$TMP/sheet.xml"
expect_grep "$TMP/sheet.xml" '<t>卡号</t>' "the xlsx headings"
expect_grep "$TMP/sheet.xml" "<t>$acct_abc</t>" "the xlsx account as text"
expect_status 0 "$JZ" pay export "$DB" --batch "$psbc" --out "$OUT"
expect_grep "$TMP/out" '编码 UTF-8' "psbc's encoding"
pf=$(ls "$OUT"/PSBC_140902_*_"$psbc".csv)
head -1 "$pf" >"$TMP/head"
expect_grep "$TMP/head" '^序号,业务编号,收款人姓名,身份证号码,收款账号,金额（元）' "psbc's columns"
expect_status 0 "$JZ" pay export "$DB" --batch "$rcu" --out "$OUT" --format xlsx
# The month's files at once (a province's operator): the same bytes.
mkdir -p "$TMP/month"
expect_status 0 "$JZ" pay export "$DB" --period 2025-07 --out "$TMP/month"
expect_grep "$TMP/out" '2025-07 期共生成 3 个代发文件' "every approved batch of the month"
for f in "$TMP"/month/*.csv; do
  [ -f "$OUT/$(basename "$f")" ] || continue # that batch was written as .xlsx above
  cmp -s "$f" "$OUT/$(basename "$f")" && ok || bad "the month's $(basename "$f") differs from its batch's"
done
[ "$(ls "$TMP"/month/*.csv | wc -l)" = 3 ] && ok || bad "three files for the month"
expect_status 2 "$JZ" pay export "$DB" --period 2025-7 --out "$TMP/month"

# ---- the result file: two refusals ---------------------------------------------------------
# The bank echoes line, account and amount, and adds its code and reason.
tr -d '\r' <"$TMP/abc.csv" | awk -F, 'NR == 1 { print "明细编号,账号,金额,结果代码,说明"; next }
  { c = "0000"; r = "成功"; if (NR == 2 || NR == 4) { c = "E102"; r = "账户已销户" }
    print $7 "," $2 "," $4 "," c "," r }' | iconv -f UTF-8 -t GB18030 >"$TMP/abc-result.csv"
refused1=$(tr -d '\r' <"$TMP/abc.csv" | awk -F, 'NR == 2 { print $7 }')
refused2=$(tr -d '\r' <"$TMP/abc.csv" | awk -F, 'NR == 4 { print $7 }')
expect_status 0 "$JZ" pay results "$DB" --batch "$abc" "$TMP/abc-result.csv"
expect_grep "$TMP/out" "到账 $((lines - 2)) 条" "paid lines"
expect_grep "$TMP/out" '退票 2 条' "refused lines"
expect_grep "$TMP/out" "退票：明细 $refused1 " "a refused line listed"
[ "$(q "SELECT status || result || reason FROM pay_lines WHERE line = $refused1")" = \
  "4E102账户已销户" ] && ok || bad "the refusal kept with its code and reason"
[ "$(q "SELECT state FROM pay_batches WHERE batch = $abc")" = 3 ] && ok || bad "batch settled"
state >"$TMP/s3"
expect_status 0 "$JZ" pay results "$DB" --batch "$abc" "$TMP/abc-result.csv"
expect_grep "$TMP/out" '已于 .* 导入过这个回盘文件' "the same file again"
state >"$TMP/s4"
cmp -s "$TMP/s3" "$TMP/s4" && ok || bad "importing again changed the store"
sed 's/E102/0000/' "$TMP/abc-result.csv" >"$TMP/abc-other.csv"
expect_status 1 "$JZ" pay results "$DB" --batch "$abc" "$TMP/abc-other.csv"
expect_grep "$TMP/err" '这是另一个文件' "another file for a settled batch"

# ---- bad result files: refused whole, the line named, nothing written --------------------------
awk -F, 'NR == 1 { print "明细编号,账号,金额,结果代码,说明"; next }
  { print $2 "," $5 "," $6 ",0000," }' "$pf" >"$TMP/psbc-good.csv"
state >"$TMP/before"
# wrong batch: abc's result file
expect_status 1 "$JZ" pay results "$DB" --batch "$psbc" "$TMP/abc-result.csv"
expect_grep "$TMP/err" 'abc-result.csv:2: .*不在本批次中' "wrong batch"
# unknown line
awk -F, 'NR == 3 { $1 = 999999 } 1' OFS=, "$TMP/psbc-good.csv" >"$TMP/bad1.csv"
expect_status 1 "$JZ" pay results "$DB" --batch "$psbc" "$TMP/bad1.csv"
expect_grep "$TMP/err" 'bad1.csv:3: 字段 line，值 "999999"' "unknown line"
# wrong amount
awk -F, 'NR == 2 { $3 = $3 + 1 } 1' OFS=, "$TMP/psbc-good.csv" >"$TMP/bad2.csv"
expect_status 1 "$JZ" pay results "$DB" --batch "$psbc" "$TMP/bad2.csv"
expect_grep "$TMP/err" 'bad2.csv:2: 字段 amount.*不符' "wrong amount"
# duplicate line
{ cat "$TMP/psbc-good.csv"; sed -n 2p "$TMP/psbc-good.csv"; } >"$TMP/bad3.csv"
dup=$(($(wc -l <"$TMP/bad3.csv")))
expect_status 1 "$JZ" pay results "$DB" --batch "$psbc" "$TMP/bad3.csv"
expect_grep "$TMP/err" "bad3.csv:$dup: .*出现两次（第 2 行和第 $dup 行）" "duplicate line"
# lines missing
head -n -2 "$TMP/psbc-good.csv" >"$TMP/bad4.csv"
expect_status 1 "$JZ" pay results "$DB" --batch "$psbc" "$TMP/bad4.csv"
expect_grep "$TMP/err" '缺少本批次的 2 条明细' "missing lines"
# wrong encoding
iconv -f UTF-8 -t UTF-16 "$TMP/psbc-good.csv" >"$TMP/bad5.csv"
expect_status 1 "$JZ" pay results "$DB" --batch "$psbc" "$TMP/bad5.csv"
expect_grep "$TMP/err" '既不是 UTF-8 也不是 GB18030' "wrong encoding"
state >"$TMP/after"
cmp -s "$TMP/before" "$TMP/after" && ok || bad "a refused file wrote something"
expect_status 0 "$JZ" pay results "$DB" --batch "$psbc" "$TMP/psbc-good.csv"
expect_grep "$TMP/out" '退票 0 条' "the good psbc file"

# ---- a refused account corrected, its follow-up, the next batch ------------------------------
expect_status 0 "$JZ" pay followup "$DB" --county 140902
expect_grep "$TMP/out" '新生成退票重发明细 0 条.*待更正账户的退票 2 条' "both wait"
rhh=$(q "SELECT household_id FROM pay_lines WHERE line = $refused1")
set -- $(grep "^$rhh " "$TMP/heads")
newacct=$(luhn 621799777777777777)
expect_status 0 "$JZ" pay payee set "$DB" --household "$rhh" --name "$2" --id "$3" --bank psbc \
  --account "$newacct"
expect_grep "$TMP/out" '已更换.*（第 2 版）' "the account corrected"
expect_status 0 "$JZ" pay followup "$DB" --county 140902
expect_grep "$TMP/out" '新生成退票重发明细 1 条' "one follow-up"
expect_grep "$TMP/out" "（退票明细 $refused1）" "it refers to the refused line"
expect_grep "$TMP/out" "待更正账户：明细 $refused2 " "the other still waits"
follow=$(q "SELECT line FROM pay_lines WHERE kind = 3 AND refers_to = $refused1")
expect_status 0 "$JZ" pay followup "$DB" --county 140902
expect_grep "$TMP/out" '新生成退票重发明细 0 条' "never twice"
[ "$(q "SELECT status FROM pay_lines WHERE line = $refused1")" = 6 ] && ok || bad "superseded"

expect_status 0 "$JZ" pay plan "$DB" --period 2025-08
expect_status 0 "$JZ" pay batch "$DB" --period 2025-08 --county 140902 --actor 编制员
nb=$(q "SELECT batch FROM pay_lines WHERE line = $follow")
[ "$nb" -gt "$rcu" ] && ok || bad "the follow-up in a later batch ($nb)"
expect_status 0 "$JZ" pay approve "$DB" --batch "$nb" --actor 科长
expect_status 0 "$JZ" pay export "$DB" --batch "$nb" --out "$OUT"
nf=$(ls "$OUT"/PSBC_140902_*_"$nb".csv)
[ "$(grep -c "^[0-9]*,$follow,.*,$newacct," "$nf")" = 1 ] && ok || bad "the follow-up sent once"
grep -q ",$refused1," "$nf" && bad "the refused line sent again" || ok
awk -F, 'NR > 1 { print $2 "," $5 "," $6 ",0000," }' "$nf" >"$TMP/next-result.csv"
expect_status 0 "$JZ" pay results "$DB" --batch "$nb" "$TMP/next-result.csv"
# The refused July money is paid exactly once.
read -r enr per amt < <(q "SELECT enrolment, period, amount FROM pay_lines WHERE line = $refused1" |
  tr '|' ' ')
[ "$(q "SELECT count(*) || ':' || sum(amount) FROM pay_lines WHERE enrolment = $enr
        AND period = '$per' AND status = 3")" = "1:$amt" ] && ok || bad "paid once"

# ---- 一卡多户: an account already another household's is registered, said and audited ---------
expect_no_grep "$TMP/payees.out" '一卡多户' "no account shared among the households' own"
read -r hh2 _ _ < <(sed -n 2p "$TMP/accounts")
set -- $(grep "^$hh2 " "$TMP/heads")
expect_status 0 "$JZ" pay payee set "$DB" --household "$hh2" --name "$2" --id "$3" --bank "$bank1" \
  --account "$acct1"
expect_grep "$TMP/out" "注意：该账户同时是户 $hh1 的收款账户（一卡多户）" "the shared account named"
expect_no_grep "$TMP/out" "$acct1" "masked still"
[ "$(q "SELECT count(*) FROM audit WHERE action = 'payee.set' AND after LIKE '%\"shared_with\":[\"$hh1\"]%'")" = 1 ] &&
  ok || bad "the sharing audited"

# ---- no whole account number in the audit log -------------------------------------------------
q "SELECT entity || ' ' || before || ' ' || after FROM audit" >"$TMP/audit"
leaks=0
while read -r _ _ acct; do grep -q "$acct" "$TMP/audit" && leaks=$((leaks + 1)); done <"$TMP/accounts"
[ "$leaks" = 0 ] && ok || bad "$leaks accounts whole in the audit log"
expect_no_grep "$TMP/audit" 'account_sha256' "no hash of an account (it could be found by trying every number)"
expect_grep "$TMP/audit" '"version":2' "a change of account shows as the payee's new version"
expect_grep "$TMP/audit" 'pay.export\|"file":"ABC_DF' "the export audited"
[ "$(q "SELECT count(*) FROM audit WHERE action = 'pay.results'")" = 3 ] && ok ||
  bad "three result files audited"
expect_status 0 "$JZ" audit verify "$DB"

finish
