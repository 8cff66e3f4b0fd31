#!/usr/bin/env bash
# Makes a demo database for the web UI: a generated county (忻府区, 140902)
# with its recipients from before jiuzhu, cases at several steps with
# deadlines behind and ahead, alerts (monitoring over the county's
# department data), one referral to 医保, a month planned and batches
# prepared for approval; and one user of each role.
#
#   tests/e2e/demo-db.sh path/to/jiuzhu DIR
#
# Writes DIR/demo.db and DIR/users.tsv (login, name, role, scope); every
# user's password is $JIUZHU_DEMO_PASSWORD (default below).  Set
# JIUZHU_ARGON2_FAST=1 for tests only (cheap password hashes).
set -euo pipefail
JZ=${1:?usage: demo-db.sh path/to/jiuzhu DIR}
DIR=${2:?usage: demo-db.sh path/to/jiuzhu DIR}
PW=${JIUZHU_DEMO_PASSWORD:-演示密码-Jiuzhu-2026}
DB=$DIR/demo.db
mkdir -p "$DIR"
[ -e "$DB" ] && { echo "demo-db: $DB exists" >&2; exit 2; }
q() { sqlite3 "$DB" "$1"; }
luhn() {
  local base=$1 sum=0 i d n=${#1}
  for ((i = 0; i < n; i++)); do
    d=${base:n-1-i:1}
    if ((i % 2 == 0)); then d=$((d * 2)); ((d > 9)) && d=$((d - 9)); fi
    sum=$((sum + d))
  done
  echo "$base$(((10 - sum % 10) % 10))"
}

"$JZ" init "$DB" >/dev/null
"$JZ" gen --households 300 --seed 15 --region 140902 "$DIR/households.jsonl" >/dev/null 2>&1
"$JZ" import "$DB" "$DIR/households.jsonl" >/dev/null 2>&1

# The township and the village with the most households.
township=$(q "SELECT substr(region,1,9) t FROM households GROUP BY t ORDER BY count(*) DESC, t LIMIT 1")
village=$(q "SELECT region FROM households WHERE region LIKE '$township%' GROUP BY region ORDER BY count(*) DESC, region LIMIT 1")

: >"$DIR/users.tsv"
add_user() { # login name role scope [--dept D]
  local login=$1 name=$2 role=$3 scope=$4
  shift 4
  JIUZHU_PASSWORD=$PW "$JZ" user add "$DB" --login "$login" --name "$name" --role "$role" \
    --scope "$scope" --actor 演示数据 "$@" >/dev/null
  printf '%s\t%s\t%s\t%s\n' "$login" "$name" "$role" "$scope" >>"$DIR/users.tsv"
}
add_user admin01 赵管理 admin ""
add_user fenxi01 钱分析 analyst 14
add_user shenhe01 孙审核 reviewer 140902
add_user shenhe02 周审核 reviewer 140902
add_user jingban01 李经办 caseworker "$township"
add_user xieli01 吴协理 assistant "$village"
add_user yibao01 郑医保 dept 1409 --dept medical
add_user shenji01 王审计 auditor 140902
add_user waixian01 冯经办 caseworker 140923100

# 案件办理 (tests/e2e/cases.test.mjs): a household of the village kept
# for a case accepted 14 working days ago (below), which that test carries
# through 公示 to 公布; nobody else takes its steps.
walk=$(q "SELECT household_id FROM households WHERE region = '$village'
          AND household_id NOT IN (SELECT household_id FROM enrolments) ORDER BY household_id LIMIT 1")

# Cases of the township, accepted on working days before today: the
# deadlines of the oldest have passed, the newest are ahead.  A case whose
# deadline lies beyond the holiday calendar's last year is refused (late in
# that year, until the next year's holidays are entered): fewer cases then,
# each refusal said on stderr.  (tests/e2e/run.sh runs on a calendar that
# covers next year.)
today=$(date +%F)
wd() { "$JZ" calendar add "$today" "$1" 2>/dev/null | grep -Eo '[0-9]{4}-[0-9]{2}-[0-9]{2}' | tail -1; }
mapfile -t hhs < <(q "SELECT household_id FROM households WHERE region LIKE '$township%'
                      AND household_id NOT IN (SELECT household_id FROM enrolments)
                      AND household_id <> '$walk'
                      ORDER BY region <> '$village', household_id LIMIT 6")
back=(-25 -12 -6 -3 -2 -1)
for i in "${!hhs[@]}"; do
  d=$(wd "${back[$i]}") || true
  [ -n "$d" ] || continue
  if ! out=$("$JZ" case accept "$DB" "${hhs[$i]}" --date "$d" --actor 李经办 --note 申请低保 2>&1); then
    echo "demo-db: 未受理 ${hhs[$i]}（$d）：$out" >&2
  fi
done
# The case of 案件办理, on the household kept for it.
d=$(wd -14) || true
if [ -n "$walk" ] && [ -n "$d" ]; then
  if ! out=$("$JZ" case accept "$DB" "$walk" --date "$d" --actor 李经办 --note 申请低保（案件办理） 2>&1); then
    echo "demo-db: 未受理 $walk（$d，案件办理的演示案件）：$out" >&2
  fi
else
  echo "demo-db: 案件办理的演示案件未建（村 $village 的住户 ${walk:-无}，受理日 ${d:-无法计算}）" >&2
fi

for id in $(q "SELECT case_id FROM cases WHERE household_id <> '$walk' ORDER BY case_id LIMIT 1"); do
  "$JZ" case investigate "$DB" "$id" --date "$(wd -1)" --actor 李经办 >/dev/null 2>&1 || true
done

# Monitoring: the county's department data, then a referral to 医保.
"$JZ" gen --households 300 --seed 15 --region 140902 --format feeds "$DIR/feeds" >/dev/null 2>&1
for f in "$DIR"/feeds/*.csv; do
  dept=$(basename "$f" .csv)
  [ "$dept" = planted ] && continue
  "$JZ" feed import --actor 演示数据 "$DB" "$dept" "$f" >/dev/null 2>&1 || true
done
"$JZ" monitor run "$DB" --date "$today" >/dev/null 2>&1 || true
alert=$(q "SELECT alert FROM alerts WHERE status = 0 ORDER BY alert LIMIT 1" 2>/dev/null || true)
if [ -n "$alert" ]; then
  "$JZ" alert refer "$DB" "$alert" --dept medical --date "$today" --actor 孙审核 \
    --note 请医保核查医疗救助 >/dev/null 2>&1 || true
fi

# This month planned; accounts for the households with a unit; batches
# prepared by one reviewer, waiting for the other's approval.
period=$(date +%Y-%m)
"$JZ" pay plan "$DB" --period "$period" --actor 孙审核 >/dev/null 2>&1 || true
n=0
while IFS='|' read -r hh name id; do
  n=$((n + 1))
  case $((n % 3)) in 0) bank=abc pre=622848 ;; 1) bank=psbc pre=621799 ;; 2) bank=sxrcu pre=623159 ;; esac
  "$JZ" pay payee set "$DB" --household "$hh" --name "$name" --id "$id" --bank $bank \
    --account "$(luhn "$pre$(printf '%012d' $n)")" --actor 孙审核 >/dev/null 2>&1 || true
done < <(q "SELECT DISTINCT e.household_id, m.name, m.id_number FROM enrolments e
           JOIN households h ON h.household_id = e.household_id
           JOIN members m ON m.hh = h.hh AND m.idx = 0 WHERE e.member_id = '' ORDER BY 1")
"$JZ" pay batch "$DB" --period "$period" --county 140902 --actor shenhe01 >/dev/null 2>&1 || true

# The registry assessed (an official run over every household): the
# statistics and the policy simulation compare with these determinations.
"$JZ" assess --db "$DB" >/dev/null 2>&1 || true

echo "demo-db: $DB（乡镇 $township，村 $village）"
echo "demo-db: $(q "SELECT count(*) FROM households") 户，$(q "SELECT count(*) FROM cases") 件案件，$(q "SELECT count(*) FROM alerts" 2>/dev/null || echo 0) 条预警，$(q "SELECT count(*) FROM pay_batches" 2>/dev/null || echo 0) 个发放批次"
