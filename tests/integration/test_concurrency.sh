#!/usr/bin/env bash
# Two people working at once (issue 12, items 1-4): each race is run many
# times with several processes, and the invariant a county relies on is
# checked after every round:
#  - two decisions on one case: exactly one wins, and a refused case never
#    keeps a live enrolment;
#  - a fraud stop against a gradual exit: a stop that succeeded is never
#    overwritten;
#  - two verifications of one alert: exactly one is recorded;
#  - a bulk reassessment while records are replaced: no result is stored for
#    a record version it was not computed from, and the run says how many it
#    left;
#  - a what-if over the registry writes nothing official;
#  - short writes during an import get through, and a command that cannot
#    get the lock says so in Chinese with exit code 3: never a raw
#    "database is locked".
# Bounded in time: a few hundred short commands and two small imports.
. "$(dirname "$0")/lib.sh"

export JIUZHU_ACTOR=并发测试
command -v sqlite3 >/dev/null || { echo "sqlite3 shell missing (scripts/install-deps.sh)"; exit 1; }
q() { sqlite3 -cmd '.timeout 30000' "$1" "$2"; }

# ---- cases brought to the decision ---------------------------------------------------
DB="$TMP/c.db"
N=24
expect_status 0 "$JZ" gen --households $N --seed 11 --region 140902 --date 2025-03-03 "$TMP/hh.jsonl"
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" import "$DB" "$TMP/hh.jsonl"
for h in $(grep -o '"household_id":"[^"]*"' "$TMP/hh.jsonl" | cut -d'"' -f4); do
  "$JZ" case accept "$DB" "$h" --date 2025-03-03 >"$TMP/out" 2>"$TMP/err" || { bad "accept $h"; continue; }
  id=$(grep -o '案件 [0-9]*' "$TMP/out" | head -1 | grep -o '[0-9]*')
  for st in "investigate 2025-03-04" "verify 2025-03-05" "preliminary 2025-03-06" \
    "notice 2025-03-07" "confirm 2025-03-14"; do
    "$JZ" case ${st% *} "$DB" "$id" --date ${st#* } >/dev/null 2>"$TMP/err" ||
      { bad "case $id ${st% *}: $(cat "$TMP/err")"; break; }
  done
done
expect_grep <(q "$DB" "select count(*) from cases where state = 5") "^$N\$" "$N cases await the decision"

# ---- item 1: approve and refuse at once ----------------------------------------------
both=0 one=0 none=0
for id in $(seq 1 $N); do
  "$JZ" case decide "$DB" "$id" --approve --date 2025-03-17 >/dev/null 2>"$TMP/a.$id" &
  p1=$!
  "$JZ" case decide "$DB" "$id" --refuse --judgment 经县级审核不符合 --date 2025-03-17 \
    >/dev/null 2>"$TMP/r.$id" &
  p2=$!
  wait $p1; s1=$?
  wait $p2; s2=$?
  if [ $s1 -eq 0 ] && [ $s2 -eq 0 ]; then both=$((both + 1))
  elif [ $s1 -ne 0 ] && [ $s2 -ne 0 ]; then none=$((none + 1)); cat "$TMP/a.$id" "$TMP/r.$id" >&2
  else one=$((one + 1)); fi
done
echo "decide races: $N pairs, one won $one, both $both, none $none"
[ $both -eq 0 ] && ok || bad "$both cases were decided twice"
[ $one -eq $N ] && ok || bad "only $one of $N pairs had exactly one decision"
expect_grep <(q "$DB" "select count(*) from enrolments e join cases c on c.case_id = e.case_id
  where c.decision = 2 and e.status <> 2") '^0$' "no live enrolment for a refused case"
expect_grep <(q "$DB" "select count(*) from case_steps where action = 7") "^$N\$" \
  "one decision step (JZ_ACT_DECIDE) per case"
expect_no_grep <(cat "$TMP"/a.* "$TMP"/r.*) 'database is locked' "no raw lock error"

# ---- item 1: a fraud stop against a gradual exit --------------------------------------
pairs=0 lost=0
for id in $(q "$DB" "select enrolment from enrolments where status = 0"); do
  "$JZ" enrolment stop "$DB" "$id" --reason fraud --from-month 2025-04 --note 查实虚报收入 \
    --date 2025-06-03 >/dev/null 2>"$TMP/s.$id" &
  p1=$!
  "$JZ" enrolment exit "$DB" "$id" --date 2025-06-03 >/dev/null 2>"$TMP/x.$id" &
  p2=$!
  wait $p1; s1=$?
  wait $p2
  pairs=$((pairs + 1))
  st=$(q "$DB" "select status from enrolments where enrolment = $id")
  if [ $s1 -eq 0 ] && [ "$st" != 2 ]; then lost=$((lost + 1)); fi
  [ $s1 -eq 0 ] || { bad "fraud stop of enrolment $id failed: $(cat "$TMP/s.$id")"; }
done
echo "stop/exit races: $pairs pairs, fraud stops overwritten: $lost"
[ $pairs -gt 0 ] && ok || bad "no enrolment to race on"
[ $lost -eq 0 ] && ok || bad "$lost fraud stops were overwritten by an exit"

# ---- item 1: two verifications of one alert -------------------------------------------
ADB="$TMP/a.db"
expect_status 0 "$JZ" gen --households 3000 --seed 5 --region 1409 --date 2025-06-01 "$TMP/w.jsonl"
expect_status 0 "$JZ" init "$ADB"
expect_status 0 "$JZ" import "$ADB" "$TMP/w.jsonl"
both=0 one=0 n=0
for id in $(q "$ADB" "select alert from alerts where status = 0 and category = 3 limit 16"); do
  "$JZ" alert verify "$ADB" "$id" --confirmed --date 2025-06-03 >/dev/null 2>"$TMP/v1.$id" &
  p1=$!
  "$JZ" alert verify "$ADB" "$id" --confirmed --date 2025-06-03 >/dev/null 2>"$TMP/v2.$id" &
  p2=$!
  wait $p1; s1=$?
  wait $p2; s2=$?
  n=$((n + 1))
  if [ $s1 -eq 0 ] && [ $s2 -eq 0 ]; then both=$((both + 1)); elif [ $s1 -eq 0 ] || [ $s2 -eq 0 ]; then one=$((one + 1)); fi
done
echo "alert races: $n pairs, one won $one, both $both"
[ $n -gt 0 ] && [ $one -eq $n ] && ok || bad "alert verifications: $one of $n pairs had one winner, $both had two"
expect_grep <(q "$ADB" "select count(*) from alert_steps where action = 'verify'") "^$n\$" \
  "one verification recorded per alert"
expect_grep <(cat "$TMP"/v1.* "$TMP"/v2.*) '不能再次核实' "the loser is told the alert is already verified"

# ---- item 2: reassessment while records are replaced ----------------------------------
# Two households are replaced again and again by one of two contents: with
# a wage (not eligible) or without (低保).  A result stored for a record
# version must be the category of that version's content (the current
# record, or the version kept in the history).
cat >"$TMP/ta.json" <<'EOF'
[{"household_id":"H140902-900001","region":"140902101201","area":"rural","assess_date":"2025-03-03","members":[
{"id":"140902198003050310","name":"王大","relation":"head","employment":"employed","income":[{"kind":"wage","amount":"60000.00"}]},
{"id":"140902198207120421","name":"李二","relation":"spouse","employment":"unemployed"}]},
{"household_id":"H140902-900004","region":"140902101201","area":"rural","assess_date":"2025-03-03","members":[
{"id":"140902198510100132","name":"陈一","relation":"head","employment":"employed","income":[{"kind":"wage","amount":"60000.00"}]},
{"id":"140902198808080242","name":"林二","relation":"spouse","employment":"unemployed"}]}]
EOF
sed 's/"income":\[{"kind":"wage","amount":"60000.00"}\]/"income":[]/' "$TMP/ta.json" >"$TMP/tb.json"
expect_status 0 "$JZ" import "$ADB" "$TMP/ta.json"
expect_status 0 "$JZ" assess --db "$ADB"
cat_a=$(q "$ADB" "select d.category from determinations d join households h on h.hh = d.hh
  where h.household_id = 'H140902-900001'")
cp "$TMP/tb.json" "$TMP/tb0.json"
expect_status 0 "$JZ" import "$ADB" "$TMP/tb0.json"
expect_status 0 "$JZ" assess --db "$ADB"
cat_b=$(q "$ADB" "select d.category from determinations d join households h on h.hh = d.hh
  where h.household_id = 'H140902-900001'")
[ -n "$cat_a" ] && [ "$cat_a" != "$cat_b" ] && ok || bad "the two contents must differ in category ($cat_a, $cat_b)"
rounds=0 wrong=0 stale=0
for round in 1 2 3 4 5 6; do
  (
    for k in $(seq 1 12); do
      f="$TMP/t$round.$k.json"
      if [ $((k % 2)) -eq 1 ]; then cp "$TMP/ta.json" "$f"; else cp "$TMP/tb.json" "$f"; fi
      "$JZ" import "$ADB" "$f" >/dev/null 2>>"$TMP/imp.err" || echo "import failed" >>"$TMP/imp.err"
    done
  ) &
  imp=$!
  "$JZ" assess --db "$ADB" >/dev/null 2>"$TMP/as.err" || bad "assess --db failed: $(cat "$TMP/as.err")"
  wait $imp
  rounds=$((rounds + 1))
  s=$(grep -o '[0-9]* 户的户记录在本次认定期间被修改' "$TMP/as.err" | grep -o '^[0-9]*')
  stale=$((stale + ${s:-0}))
  w=$(q "$ADB" "select count(*) from determinations d join households h on h.hh = d.hh
    join household_records r on r.hh = d.hh
    left join household_record_history x on x.hh = d.hh and x.version = d.record_version
    where h.household_id in ('H140902-900001', 'H140902-900004')
    and coalesce(d.category <> case when instr(case when d.record_version = h.version
      then r.record else x.record end, '60000') > 0 then $cat_a else $cat_b end, 1)")
  wrong=$((wrong + w))
done
echo "reassessment races: $rounds rounds, results left for changed records: $stale, wrong results stored: $wrong"
[ $wrong -eq 0 ] && ok || bad "$wrong results stored for a record version they were not computed from"
expect_no_grep "$TMP/imp.err" 'database is locked' "imports during reassessment never fail on the lock"
expect_no_grep "$TMP/imp.err" 'import failed' "imports during reassessment all succeed"

# ---- item 4: a what-if writes nothing official ----------------------------------------
before=$(q "$ADB" "select count(*), sum(monthly_amount), max(run) from determinations")
audits=$(q "$ADB" "select count(*) from audit")
expect_status 0 "$JZ" assess --db "$ADB" --param dibao.standard.rural=1.00
expect_grep "$TMP/out" '政策测算' "the what-if says it is one"
expect_grep "$TMP/out" '低保 → 不符合' "the what-if lists households changing category"
expect_grep <(q "$ADB" "select count(*), sum(monthly_amount), max(run) from determinations") \
  "^$before\$" "the official results are untouched by a what-if"
expect_grep <(q "$ADB" "select count(*) from audit") "^$audits\$" "a what-if writes no audit entry: it changed nothing"
expect_status 0 "$JZ" assess --db "$ADB"
expect_grep <(q "$ADB" "select action from audit order by seq desc limit 1") '^assess.run$' \
  "an official reassessment is audited"

# ---- item 3: short writes during an import; a clear busy error --------------------------
BDB="$TMP/b.db"
expect_status 0 "$JZ" gen --households 20000 --seed 6 --region 1409 "$TMP/big.jsonl"
expect_status 0 "$JZ" init "$BDB"
"$JZ" import "$BDB" "$TMP/big.jsonl" >/dev/null 2>"$TMP/big.err" &
imp=$!
# The same file a second time while the first import runs: refused, busy.
for _ in $(seq 1 100); do
  [ "$(q "$BDB" "select count(*) from imports" 2>/dev/null)" = 1 ] && break
  sleep 0.05
done
expect_status 3 "$JZ" import "$BDB" "$TMP/big.jsonl"
expect_grep "$TMP/err" '正由另一个进程导入' "a second import of the same file at once is refused"
n=0 nfail=0
while kill -0 $imp 2>/dev/null && [ $n -lt 200 ]; do
  "$JZ" staff add "$BDB" --county 140902 --id 140902198001010016 --name "张$n" --unit "民政局$n" \
    >/dev/null 2>"$TMP/st.err" || { nfail=$((nfail + 1)); cat "$TMP/st.err" >&2; }
  n=$((n + 1))
done
wait $imp && ok || bad "the import failed: $(cat "$TMP/big.err")"
echo "short writes during an import: $n, failed: $nfail"
[ $n -gt 0 ] && [ $nfail -eq 0 ] && ok || bad "$nfail of $n short writes failed during an import"

# A writer that holds the lock longer than the limit: exit 3, in Chinese.
(echo "BEGIN IMMEDIATE;"; sleep 4; echo "COMMIT;") | sqlite3 "$BDB" &
holder=$!
sleep 0.5
JIUZHU_BUSY_TIMEOUT=1 expect_status 3 "$JZ" staff add "$BDB" --county 140902 \
  --id 140902198001010016 --name 王忙 --unit 民政局
expect_grep "$TMP/err" '数据库正忙' "a busy database is named as such"
expect_grep "$TMP/err" '稍后重试是安全的' "and retrying later is said to be safe"
expect_no_grep "$TMP/err" 'database is locked' "never the raw SQLite message"
# Within the limit, the same command waits for its turn and succeeds.
expect_status 0 "$JZ" staff add "$BDB" --county 140902 --id 140902198001010016 --name 王等 --unit 民政局
wait $holder

finish
