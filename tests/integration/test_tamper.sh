#!/usr/bin/env bash
# The audit log covers the data (issue 12, item 11; docs/integrity.md):
#  - after a realistic workload (imports with a refusal and a re-import,
#    staff relatives, department feeds, a bulk reassessment, cases through
#    the decision with findings, lists and temporary grants, a monitoring
#    run and an alert handled, payments planned, batched, exported, settled,
#    a hold, a fraud's recovery and a repayment) every table has rows and
#    the database verifies clean;
#  - for every table, a row changed, a row added and a row deleted with the
#    sqlite3 shell make `jiuzhu audit verify` fail, naming the table, the
#    kind of change and (where the key allows) the row;
#  - the chain cannot be rewritten without the key: entries made with
#    another key, a log rebuilt under a new key, a log emptied;
#  - without the key, reads work and writes are refused, naming the key file;
#  - an init refused for its key file leaves no database behind.
. "$(dirname "$0")/lib.sh"

export JIUZHU_ACTOR=审计测试员
unset JIUZHU_AUDIT_KEY
DB="$TMP/t.db"
V=140902101201
expect_status 0 "$JZ" init "$DB"
[ -f "$DB.audit-key" ] && ok || bad "init makes the key beside the database"
perm=$(stat -c %a "$DB.audit-key")
[ "$perm" = 600 ] && ok || bad "the key file is 0600, not $perm"
# An init refused for its key (a file that is not a key) says so in its own
# words and leaves nothing behind: run again, it makes the database.
echo 'not a key' >"$TMP/bad.key"
JIUZHU_AUDIT_KEY=$TMP/bad.key expect_status 1 "$JZ" init "$TMP/k.db"
expect_grep "$TMP/err" "$TMP/bad.key" "the refusal names the key file"
expect_grep "$TMP/err" '审计密钥文件格式不对' "and says what is wrong with it"
expect_no_grep "$TMP/err" '数据库错误' "in jiuzhu's words, not as a database error"
if ls "$TMP/k.db"* >/dev/null 2>&1; then bad "a refused init left $(ls "$TMP/k.db"*)"; else ok; fi
expect_status 0 "$JZ" init "$TMP/k.db"
[ -f "$TMP/k.db.audit-key" ] && ok || bad "the init run again makes its key"

# ---- the workload ------------------------------------------------------------------
cat >"$TMP/a.json" <<'EOF'
{"household_id":"H140902-900001","region":"140902101201","area":"rural","assess_date":"2025-03-03","members":[
{"id":"140902198003050310","name":"王大","relation":"head","employment":"employed","income":[{"kind":"wage","amount":"6000.00"}]},
{"id":"140902198207120421","name":"李二","relation":"spouse","employment":"unemployed"},
{"id":"140902194708200114","name":"王老伯","relation":"other","employment":"retired","supporters":[]}]}
EOF
cat >"$TMP/c.json" <<'EOF'
{"household_id":"H140902-900003","region":"140902101201","area":"rural","assess_date":"2025-03-03","members":[
{"id":"14090219750101051X","name":"孙火","relation":"head","employment":"employed","hardship_cause":"fire","income":[{"kind":"wage","amount":"12000.00"}]},
{"id":"140902197702020626","name":"周梅","relation":"spouse","employment":"none"},
{"id":"140902199503030716","name":"孙平","relation":"child","employment":"employed","income":[{"kind":"wage","amount":"20000.00"}]}]}
EOF
# One record refused (import_rejections), then the examples (recipients
# brought in: enrolments, a D alert), then one household again (history).
{ cat "$TMP/a.json" | tr -d '\n'; echo; echo '{"household_id":"H-BAD","region":"140902101201"}'; } >"$TMP/ab.jsonl"
expect_status 1 "$JZ" import "$DB" "$TMP/ab.jsonl"
expect_status 0 "$JZ" import "$DB" "$TMP/c.json" "$SRC"/examples/*.json
expect_status 0 "$JZ" import "$DB" "$SRC/examples/01-dibao-rural.json"
expect_status 0 "$JZ" staff add "$DB" --id 140902198001010016 --name 李干部 --unit 奇村镇民政办 --county 140902
expect_status 0 "$JZ" staff relative "$DB" --staff 140902198001010016 --id 140902199001010176 --name 刘某 --relation 兄弟
printf 'id_number,name,vehicle_type,registration_date\n140902198003050310,王大,小型汽车,2024-06-01\n' >"$TMP/veh.csv"
printf 'id_number,name,kind,date,amount\n140902198207120421,李二,government_payroll,2024-12-15,3000.00\n' >"$TMP/pay.csv"
printf 'id_number,name,kind,date,total,out_of_pocket\n140902800101001,外来人员,settlement,2025-03-05,30000,25000\n' >"$TMP/med.csv"
expect_status 0 "$JZ" feed import "$DB" vehicle "$TMP/veh.csv"
expect_status 0 "$JZ" feed import "$DB" payroll "$TMP/pay.csv"
expect_status 0 "$JZ" feed import "$DB" medical "$TMP/med.csv"
expect_status 0 "$JZ" assess --db "$DB"

case_id() { grep -o '案件 [0-9]*' "$TMP/out" | head -1 | grep -o '[0-9]*'; }
expect_status 0 "$JZ" case accept "$DB" H140902-900001 --date 2025-03-03
A=$(case_id)
expect_status 0 "$JZ" case accept "$DB" H140902-900003 --date 2025-03-03
C=$(case_id)
expect_status 0 "$JZ" case advance "$DB" "$C" --kind small --amount 600 --note 火灾后无处居住 --date 2025-03-03
for id in "$A" "$C"; do
  expect_status 0 "$JZ" case investigate "$DB" "$id" --date 2025-03-04
  expect_status 0 "$JZ" case verify "$DB" "$id" --date 2025-03-05
  expect_status 0 "$JZ" case preliminary "$DB" "$id" --date 2025-03-06
  expect_status 0 "$JZ" case notice "$DB" "$id" --date 2025-03-07
  expect_status 0 "$JZ" case confirm "$DB" "$id" --date 2025-03-14
done
expect_status 0 "$JZ" case decide "$DB" "$A" --approve --date 2025-03-17
expect_status 0 "$JZ" case decide "$DB" "$C" --approve --temporary 孙火=2324 --date 2025-03-17
expect_status 0 "$JZ" case publish "$DB" "$A" --date 2025-03-18
expect_status 0 "$JZ" monitor run "$DB" --date 2025-06-01
al=$(sqlite3 "$DB" "SELECT min(alert) FROM alerts")
expect_status 0 "$JZ" alert assign "$DB" "$al" --to 李核查员 --date 2025-06-02
printf 'Kx7-tamper-pass\n' | JIUZHU_ARGON2_FAST=1 expect_status 0 "$JZ" user add "$DB" --login shen.li \
  --name 李审 --role reviewer --scope 140902

# Payments: an institution, payees, two months planned, a batch prepared,
# approved by another, exported and settled; a hold; a fraud stop's
# recovery and a repayment.
expect_status 0 "$JZ" pay institution add "$DB" --county 140902 --name 忻府区敬老院 \
  --holder 忻府区敬老院 --bank abc --account "$(luhn 622848000000000099)"
n=0
sqlite3 "$DB" "SELECT DISTINCT e.household_id, m.name, m.id_number FROM enrolments e
  JOIN households h ON h.household_id = e.household_id JOIN members m ON m.hh = h.hh AND m.idx = 0
  WHERE e.member_id = '' AND e.monthly > 0 ORDER BY 1" | tr '|' ' ' >"$TMP/heads"
while read -r hh name id; do
  n=$((n + 1))
  expect_status 0 "$JZ" pay payee set "$DB" --household "$hh" --name "$name" --id "$id" --bank abc \
    --account "$(luhn "6228480000000$(printf '%05d' "$n")")"
done <"$TMP/heads"
[ "$n" -gt 0 ] && ok || bad "no household unit to pay"
expect_status 0 "$JZ" pay plan "$DB" --period 2025-04
expect_status 0 "$JZ" pay plan "$DB" --period 2025-05
expect_status 0 "$JZ" pay batch "$DB" --period 2025-05 --county 140902 --actor 编制员
B=$(sqlite3 "$DB" "SELECT min(batch) FROM pay_batches")
expect_status 0 "$JZ" pay approve "$DB" --batch "$B" --actor 科长
mkdir -p "$TMP/bank"
expect_status 0 "$JZ" pay export "$DB" --batch "$B" --out "$TMP/bank"
f=$(ls "$TMP"/bank/*.csv | head -1)
iconv -f GB18030 -t UTF-8 "$f" | tr -d '\r' | awk -F, 'NR == 1 { print "明细编号,账号,金额,结果代码,说明"; next }
  { print $7 "," $2 "," $4 ",0000,成功" }' >"$TMP/result.csv"
expect_status 0 "$JZ" pay results "$DB" --batch "$B" "$TMP/result.csv"
E=$(sqlite3 "$DB" "SELECT min(enrolment) FROM pay_lines WHERE status = 3")
expect_status 0 "$JZ" enrolment stop "$DB" "$E" --reason fraud --from-month 2025-04 --date 2025-06-10 \
  --note 隐瞒收入
R=$(sqlite3 "$DB" "SELECT min(recovery) FROM recoveries")
expect_status 0 "$JZ" pay repay "$DB" --recovery "$R" --amount 10 --date 2025-06-20 --note 第一期
H=$(sqlite3 "$DB" "SELECT min(enrolment) FROM enrolments WHERE status <> 2 AND monthly > 0
  AND enrolment NOT IN (SELECT enrolment FROM enrol_holds)")
expect_status 0 "$JZ" pay hold "$DB" --enrolment "$H" --from 2025-07 --reason 家庭收入复核中

# Every table has rows, so that each can be tampered with below.  The
# sessions and the access log are written by the server (logging in, 查询留痕):
# tests/unit/test_user.c tampers with them; session_seen, when a session was
# last used, is the one table the log does not cover (docs/integrity.md).
tables=$(sqlite3 "$DB" "SELECT name FROM sqlite_schema WHERE type = 'table'
  AND name NOT LIKE 'sqlite_%' AND name <> 'audit'
  AND name NOT IN ('sessions', 'session_seen', 'access_log') ORDER BY name")
for t in households household_records household_record_history members determinations \
  runs param_values imports import_rejections staff staff_relatives cases \
  case_steps case_units case_reasons case_findings postings grants enrolments feeds feed_rows \
  alerts alert_steps alert_evidence users meta; do
  case " $(echo $tables) " in *" $t "*) ok ;; *) bad "table $t is in the schema" ;; esac
done
for t in $tables; do
  n=$(sqlite3 "$DB" "SELECT count(*) FROM \"$t\"")
  [ "$n" -gt 0 ] && ok || bad "the workload leaves rows in $t"
done

expect_status 0 "$JZ" audit verify "$DB"
expect_grep "$TMP/out" '审计日志完好' "an untouched database verifies clean"
expect_grep "$TMP/out" '数据与审计日志相符：38 张表' "every table is checked"
expect_no_grep "$TMP/out" '不符' "nothing differs"
head=$("$JZ" audit head "$DB")

# ---- a row changed, added or deleted in every table ------------------------------------
# copy NAME: a copy of the database and its key.
copy() {
  cp "$DB" "$TMP/$1.db"
  cp "$DB.audit-key" "$TMP/$1.db.audit-key"
}
q() { sqlite3 "$DB" "$1"; }
for t in $tables; do
  pk=$(q "SELECT group_concat(name, ', ') FROM (SELECT name FROM pragma_table_info('$t')
    WHERE pk > 0 ORDER BY pk)")
  first="($pk) = (SELECT $pk FROM \"$t\" ORDER BY $pk LIMIT 1)"
  [ "$t" = meta ] && first="key = 'audit_key_id'" # schema_version: jiuzhu would not open it
  # One column that is not part of the key, changed in kind.
  set -- $(q "SELECT name, upper(type) FROM pragma_table_info('$t') WHERE pk = 0 LIMIT 1" | tr '|' ' ')
  case $2 in
    TEXT) change="\"$1\" = \"$1\" || 'x'" ;;
    BLOB) change="\"$1\" = randomblob(16)" ;;
    *) change="\"$1\" = \"$1\" + 1" ;;
  esac
  # A copy of the first row, every key and text made new (UNIQUE columns).
  cols=$(q "SELECT group_concat(CASE WHEN pk > 0 AND upper(type) = 'INTEGER' THEN '\"' || name || '\" + 100000'
      WHEN upper(type) = 'TEXT' THEN '\"' || name || '\" || ''x'''
      WHEN upper(type) = 'BLOB' THEN 'randomblob(16)' ELSE '\"' || name || '\"' END, ', ')
    FROM pragma_table_info('$t')")
  copy changed
  q0=$(sqlite3 "$TMP/changed.db" "UPDATE \"$t\" SET $change WHERE $first; SELECT changes()")
  [ "$q0" = 1 ] && ok || bad "$t: the shell changed $q0 rows"
  expect_status 1 "$JZ" audit verify "$TMP/changed.db"
  expect_grep "$TMP/out" "^表 $t：改动 1 行（" "a changed row of $t is found and named"
  copy added
  sqlite3 "$TMP/added.db" "INSERT INTO \"$t\" SELECT $cols FROM \"$t\" WHERE $first"
  expect_status 1 "$JZ" audit verify "$TMP/added.db"
  expect_grep "$TMP/out" "^表 $t：增加 1 行（" "an added row of $t is found and named"
  copy deleted
  sqlite3 "$TMP/deleted.db" "DELETE FROM \"$t\" WHERE $first"
  expect_status 1 "$JZ" audit verify "$TMP/deleted.db"
  expect_grep "$TMP/out" "^表 $t：删除 1 行（" "a deleted row of $t is found"
done
# The rows are named by their key, and by household where the key has one.
copy named
sqlite3 "$TMP/named.db" "UPDATE members SET inc_wage = inc_wage + 100 WHERE hh = 1 AND idx = 0"
expect_status 1 "$JZ" audit verify "$TMP/named.db"
expect_grep "$TMP/out" '表 members：改动 1 行（hh=1, idx=0，户 H140902-900001）' "the member is named"
# A bulk change of a table is still named, with its counts.
copy bulk
sqlite3 "$TMP/bulk.db" "UPDATE enrolments SET monthly = monthly * 10"
expect_status 1 "$JZ" audit verify "$TMP/bulk.db"
expect_grep "$TMP/out" '^表 enrolments：' "monthly * 10 is found"
# A table dropped.
copy dropped
sqlite3 "$TMP/dropped.db" "DROP TABLE grants"
expect_status 1 "$JZ" audit verify "$TMP/dropped.db"
expect_grep "$TMP/out" '表 grants：整张表已不在数据库中' "a dropped table is found"
# jiuzhu's own writes after a change outside it do not hide the change.
copy later
sqlite3 "$TMP/later.db" "UPDATE determinations SET monthly_amount = monthly_amount + 50000 WHERE hh = 1"
expect_status 0 "$JZ" case accept "$TMP/later.db" H140105-000202 --date 2025-06-03
expect_status 1 "$JZ" audit verify "$TMP/later.db"
expect_grep "$TMP/out" '表 determinations：改动 1 行（hh=1' "the change stays visible"

# ---- the chain cannot be rewritten without the key -------------------------------------
"$JZ" init "$TMP/other.db" >/dev/null
# Entries written with another key.
copy rekeyed
JIUZHU_AUDIT_KEY="$TMP/other.db.audit-key" expect_status 0 "$JZ" case accept "$TMP/rekeyed.db" \
  H140105-000202 --date 2025-06-03
expect_status 1 "$JZ" audit verify "$TMP/rekeyed.db"
expect_grep "$TMP/out" '内容与其哈希不符（哈希带密钥' "an entry under another key is caught"
# The whole log rebuilt under a new key: the log and the tables, columns and
# indexes of schemas 5 to 9 dropped (9's persons' results back in a table of
# their own), so that jiuzhu migrates again and starts a chain of its own over
# the changed data.
copy rebuilt
sqlite3 "$TMP/rebuilt.db" "UPDATE enrolments SET monthly = monthly * 10; DROP TABLE audit;
  DROP TABLE import_rejections; DROP TABLE access_log; DROP TABLE session_seen;
  DROP TABLE sessions; DROP TABLE users; DROP TABLE repayments; DROP TABLE recoveries;
  DROP TABLE pay_batches; DROP TABLE pay_lines; DROP TABLE pay_plans; DROP TABLE pay_dirty;
  DROP TABLE enrol_holds; DROP TABLE enrol_terms; DROP TABLE payees; DROP TABLE institutions;
  DROP INDEX households_region;
  ALTER TABLE determinations DROP COLUMN persons; ALTER TABLE determinations DROP COLUMN tekun;
  ALTER TABLE determinations DROP COLUMN tekun_amount; ALTER TABLE determinations DROP COLUMN single;
  ALTER TABLE determinations DROP COLUMN single_amount;
  ALTER TABLE determinations DROP COLUMN units_amount;
  CREATE TABLE person_results(hh INTEGER NOT NULL REFERENCES households(hh) ON DELETE CASCADE,
  idx INTEGER NOT NULL, county TEXT NOT NULL, categories INTEGER NOT NULL,
  care_level INTEGER NOT NULL, monthly_amount INTEGER NOT NULL, single_rule INTEGER NOT NULL,
  tmp_rule INTEGER NOT NULL, tmp_amount INTEGER NOT NULL, referrals INTEGER NOT NULL,
  death_check_due INTEGER NOT NULL, death_change_from INTEGER NOT NULL,
  PRIMARY KEY(hh, idx)) STRICT, WITHOUT ROWID;
  UPDATE meta SET value = '4' WHERE key = 'schema_version';
  CREATE TABLE audit(seq INTEGER PRIMARY KEY, county TEXT NOT NULL, at TEXT NOT NULL,
  actor TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL, before TEXT NOT NULL,
  after TEXT NOT NULL, prev BLOB NOT NULL, hash BLOB NOT NULL) STRICT"
# (Read-only, an older schema is not migrated: the statistics say so.)
JIUZHU_AUDIT_KEY="$TMP/forger.key" expect_status 1 "$JZ" stats "$TMP/rebuilt.db"
expect_grep "$TMP/err" '结构版本 4 比本程序（10）旧，只读打开时不能升级' \
  "a read of an older schema asks for a write first"
JIUZHU_AUDIT_KEY="$TMP/forger.key" expect_status 0 "$JZ" case accept "$TMP/rebuilt.db" \
  H140105-000202 --date 2025-06-03
JIUZHU_AUDIT_KEY="$TMP/forger.key" expect_status 0 "$JZ" stats "$TMP/rebuilt.db"
[ -f "$TMP/forger.key" ] && ok || bad "the forger's migration made a key of its own"
JIUZHU_AUDIT_KEY="$TMP/forger.key" expect_status 0 "$JZ" audit verify "$TMP/rebuilt.db"
expect_status 1 "$JZ" audit verify "$TMP/rebuilt.db"
expect_grep "$TMP/out" '不是这个数据库的密钥' "a log rebuilt under another key is caught"
expect_status 1 "$JZ" audit verify "$TMP/rebuilt.db" --head "$head"
# The log emptied.
copy emptied
sqlite3 "$TMP/emptied.db" "DROP TRIGGER audit_no_delete; DELETE FROM audit;
  DELETE FROM meta WHERE key = 'audit_head'"
expect_status 1 "$JZ" audit verify "$TMP/emptied.db"
expect_grep "$TMP/out" '没有带密钥的部分' "an emptied log is caught"
# The file taken back to before schema 5 (its version, the log's column):
# with a key for it, that is a downgrade.
copy downgraded
sqlite3 "$TMP/downgraded.db" "UPDATE meta SET value = '4' WHERE key = 'schema_version';
  ALTER TABLE audit DROP COLUMN state"
expect_status 1 "$JZ" audit verify "$TMP/downgraded.db"
expect_grep "$TMP/out" '审计日志被篡改' "a downgraded file is caught"
# The database verified against the checkpoint kept outside.
expect_status 0 "$JZ" audit verify "$DB" --head "$head"

# ---- without the key ----------------------------------------------------------------
mv "$DB.audit-key" "$TMP/kept.key"
expect_status 0 "$JZ" show "$DB" H140902-900001
expect_status 0 "$JZ" stats "$DB"
expect_status 1 "$JZ" case accept "$DB" H140105-000202 --date 2025-06-03
expect_grep "$TMP/err" '缺少审计密钥，不能写入' "a write without the key is refused"
expect_grep "$TMP/err" "$DB.audit-key" "naming the key file"
expect_status 1 "$JZ" audit verify "$DB"
expect_grep "$TMP/err" '校验需要审计密钥' "verifying needs the key"
JIUZHU_AUDIT_KEY="$TMP/kept.key" expect_status 0 "$JZ" audit verify "$DB"
JIUZHU_AUDIT_KEY="$TMP/kept.key" expect_status 0 "$JZ" case accept "$DB" H140105-000202 --date 2025-06-03
JIUZHU_AUDIT_KEY="$TMP/kept.key" expect_status 0 "$JZ" audit verify "$DB"
printf 'not a key\n' >"$TMP/bad.key"
JIUZHU_AUDIT_KEY="$TMP/bad.key" expect_status 1 "$JZ" case accept "$DB" H140902-000303 --date 2025-06-03
expect_grep "$TMP/err" '审计密钥文件格式不对' "a malformed key is named"

finish
