#!/usr/bin/env bash
# `jiuzhu user` as an administrator uses it (docs/users.md): the first
# administrator added on a new database, users of every role, the list by
# scope, a new password, disabling and enabling; the wording and exit codes
# of bad input; and the password, read from standard input or
# JIUZHU_PASSWORD, never on the command line (ps), in the output, in the
# database or in the audit log.
. "$(dirname "$0")/lib.sh"

export JIUZHU_ACTOR=省厅管理员
export JIUZHU_ARGON2_FAST=1
unset JIUZHU_PASSWORD JIUZHU_AUDIT_KEY
DB=$(test_db u.db)
PW='Tz8-first-boss-1'
expect_status 0 "$JZ" init "$DB"
: >"$TMP/all"
keep() { cat "$TMP/out" "$TMP/err" >>"$TMP/all"; }

# ---- the first administrator, from standard input -------------------------------------
printf '%s\n' "$PW" | expect_status 0 "$JZ" user add "$DB" --login admin --name 张丽 --role admin --scope ''
keep
expect_grep "$TMP/out" '^已添加用户 admin（张丽，管理员，范围 全省）$' "the admin is added"

# ---- every role, by English or Chinese name --------------------------------------------
n_added=0
PWS=("$PW")
add() { # LOGIN NAME ROLE SCOPE [--dept D]
  local login=$1 name=$2 role=$3 scope=$4
  shift 4
  n_added=$((n_added + 1))
  PWS+=("Kq7-seed-$n_added-2025")
  printf 'Kq7-seed-%s-2025\n' "$n_added" | expect_status 0 "$JZ" user add "$DB" --login "$login" \
    --name "$name" --role "$role" --scope "$scope" "$@"
  keep
}
add analyst 王析 省级分析员 14
add auditor.jz 陈审计 auditor 1407
add rev.xf 李审 reviewer 140902
add cw.101 赵办 乡镇经办员 140902101
add vill.201 孙协 assistant 140902101201
add med.sx 周医保 dept 14 --dept 医保
add bank.xz 吴银行 部门数据员 1409 --dept bank
expect_grep "$TMP/out" '^已添加用户 bank.xz（吴银行，部门数据员，范围 1409，部门 银行）$' \
  "a department's officer is added with his department"

# ---- the list ---------------------------------------------------------------------------
expect_status 0 "$JZ" user list "$DB"
keep
expect_lines "$TMP/out" 9 "eight users and the count"
expect_grep "$TMP/out" '^共 8 个用户$' "the count"
expect_grep "$TMP/out" '^admin  *张丽  *管理员  *全省  *-  *启用$' "the admin's line"
expect_grep "$TMP/out" '^med.sx  *周医保  *部门数据员  *14  *医保  *启用$' "the officer's line"
expect_grep "$TMP/out" '^vill.201  *孙协  *村协理员  *140902101201  *-  *启用$' "the assistant's line"
first=$(head -1 "$TMP/out" | cut -d' ' -f1)
[ "$first" = admin ] && ok || bad "the list is by login, first $first"
expect_status 0 "$JZ" user list "$DB" --scope 1409
expect_grep "$TMP/out" '^共 4 个用户$' "four users within 1409"
expect_no_grep "$TMP/out" '^admin ' "the province's admin is not within 1409"
expect_status 0 "$JZ" user list "$DB" --scope 140902101
expect_grep "$TMP/out" '^共 2 个用户$' "two users within the township"
expect_status 1 "$JZ" user list "$DB" --scope 14x
expect_grep "$TMP/err" '范围应为区划代码前缀' "a bad prefix"

# ---- a new password, from the environment; disabling and enabling -----------------------
JIUZHU_PASSWORD='Second-pass-for-rev' expect_status 0 "$JZ" user passwd "$DB" --login rev.xf
keep
expect_grep "$TMP/out" '^已为用户 rev.xf 设置新密码，其已登录的会话全部结束$' "passwd says so"
expect_status 0 "$JZ" user disable "$DB" --login cw.101
expect_grep "$TMP/out" '^已停用用户 cw.101，其已登录的会话全部结束$' "disable says so"
expect_status 0 "$JZ" user disable "$DB" --login cw.101
expect_grep "$TMP/out" '^用户 cw.101 本已停用$' "disabling twice changes nothing"
expect_status 0 "$JZ" user list "$DB" --scope 140902101
expect_grep "$TMP/out" '^cw.101 .*停用$' "the list shows the disabled user"
expect_status 0 "$JZ" user enable "$DB" --login cw.101
expect_grep "$TMP/out" '^已启用用户 cw.101$' "enable says so"

# ---- bad input: wording and exit codes --------------------------------------------------
p() { printf 'Good-pass-2025-x\n'; }
p | expect_status 2 "$JZ" user add "$DB" --name 甲 --role admin --scope ''
expect_grep "$TMP/err" '^用法: jiuzhu user add' "no login: usage"
p | expect_status 2 "$JZ" user add "$DB" --login x1 --name 甲 --role admin
expect_grep "$TMP/err" '^用法:' "no scope: usage"
p | expect_status 2 "$JZ" user add "$DB" --login jia --name 甲 --role root --scope ''
expect_grep "$TMP/err" '^jiuzhu user add: 未知角色「root」$' "an unknown role"
p | expect_status 2 "$JZ" user add "$DB" --login jia --name 甲 --role dept --scope 14
expect_grep "$TMP/err" '部门数据员须给出 --dept' "a department officer without his department"
p | expect_status 2 "$JZ" user add "$DB" --login jia --name 甲 --role dept --scope 14 --dept 外交部
expect_grep "$TMP/err" '^jiuzhu user add: 未知部门「外交部」$' "an unknown department"
p | expect_status 2 "$JZ" user add "$DB" --login jia --name 甲 --role admin --scope '' --dept bank
expect_grep "$TMP/err" '只有部门数据员（dept）有 --dept' "a department for another role"
p | expect_status 2 "$JZ" user add "$DB" --login jia --name 甲 --role admin --scope '' --password x
expect_grep "$TMP/err" '^用法:' "there is no password option"
p | expect_status 2 "$JZ" user frobnicate "$DB" --login jia
p | expect_status 1 "$JZ" user add "$DB" --login Jia --name 甲 --role admin --scope ''
expect_grep "$TMP/err" '字段 login，值 "Jia"：登录名应为 3 到 32 个小写字母、数字或 . _ -，以字母或数字开头' \
  "a malformed login"
p | expect_status 1 "$JZ" user add "$DB" --login admin --name 甲 --role admin --scope ''
expect_grep "$TMP/err" '字段 login，值 "admin"：登录名已被使用' "a login taken"
p | expect_status 1 "$JZ" user add "$DB" --login jia --name 甲 --role reviewer --scope 140902101
expect_grep "$TMP/err" '字段 scope，值 "140902101"：县级审核员的范围应为一个县（6 位区划代码）' \
  "a scope that does not suit the role"
p | expect_status 1 "$JZ" user add "$DB" --login jia --name 甲 --role assistant --scope 149999101201
expect_grep "$TMP/err" '字段 scope，值 "149999101201"：区划代码不在区划表中' "an unknown region"
p | expect_status 1 "$JZ" user add "$DB" --login jia --name 甲 --role admin --scope 14x
expect_grep "$TMP/err" '范围应为区划代码前缀' "a scope that is no code"
printf 'Short-1\n' | expect_status 1 "$JZ" user add "$DB" --login jia --name 甲 --role admin --scope ''
expect_grep "$TMP/err" '^jiuzhu: 字段 password：密码太短：至少 10 个字符$' "a short password"
expect_no_grep "$TMP/err" 'Short-1' "the refused password is not shown"
printf 'my-jia-password\n' | expect_status 1 "$JZ" user add "$DB" --login jia --name 甲 --role admin --scope ''
expect_grep "$TMP/err" '密码不能包含登录名' "a password with the login"
printf '甲的密码一二三四五六\n' | expect_status 1 "$JZ" user add "$DB" --login jia --name 甲 --role admin --scope ''
expect_grep "$TMP/err" '密码不能包含姓名' "a password with the name"
expect_status 2 "$JZ" user add "$DB" --login jia --name 甲 --role admin --scope '' </dev/null
expect_grep "$TMP/err" '未读到密码：从标准输入给出一行，或设环境变量 JIUZHU_PASSWORD' "no password given"
p | JIUZHU_PASSWORD_MIN=3 expect_status 2 "$JZ" user add "$DB" --login jia --name 甲 --role admin --scope ''
expect_grep "$TMP/err" 'JIUZHU_PASSWORD_MIN' "a bad setting is named"
p | expect_status 1 "$JZ" user passwd "$DB" --login nobody
expect_grep "$TMP/err" '字段 login，值 "nobody"：没有这个用户' "passwd of nobody"
expect_status 1 "$JZ" user disable "$DB" --login nobody
expect_grep "$TMP/err" '没有这个用户' "disable of nobody"
expect_status 1 "$JZ" user list "$(test_db none.db)"
if on_sqlite; then
  expect_grep "$TMP/err" '数据库文件不存在' "a missing database"
else
  expect_grep "$TMP/err" '数据库不存在（先用 jiuzhu init 创建）' "a missing database"
  # A jiuzhu database whose tables the server will not let us read (here a
  # role without rights; in a crash, the server going away between the
  # connection and the first query) is the server's failure, named as
  # such, not "not a jiuzhu database" (which would send a person to init).
  role=jz_noright_$$
  db_sql "$DB" "CREATE ROLE $role LOGIN" >/dev/null
  noright=${DB/jiuzhu@/$role@}
  expect_status 1 "$JZ" user list "$noright"
  expect_grep "$TMP/err" '读取数据库结构版本失败（PostgreSQL：.*permission denied' "a store the server will not let us read"
  expect_no_grep "$TMP/err" '不是 jiuzhu 数据库' "a store the server will not let us read is not called foreign"
  db_sql "$DB" "DROP ROLE $role" >/dev/null
fi
expect_status 0 "$JZ" user list "$DB"
expect_grep "$TMP/out" '^共 8 个用户$' "nothing refused was added"

# ---- the password is never on the command line ------------------------------------------
# The command waits for its password on standard input; meanwhile what ps
# shows of it has none.
mkfifo "$TMP/pwpipe"
"$JZ" user add "$DB" --login tardy --name 晚到 --role auditor --scope 14 <"$TMP/pwpipe" \
  >"$TMP/late.out" 2>"$TMP/late.err" &
pid=$!
exec 7>"$TMP/pwpipe"
sleep 0.3
args=$(ps -o args= -p "$pid" 2>/dev/null || tr '\0' ' ' <"/proc/$pid/cmdline")
case "$args" in *"user add"*) ok ;; *) bad "ps shows the waiting command: '$args'" ;; esac
case "$args" in *Late-pass*) bad "the password is in ps: $args" ;; *) ok ;; esac
printf 'Late-pass-2025-zz\n' >&7
exec 7>&-
wait "$pid" && ok || bad "the waiting add failed: $(cat "$TMP/late.err")"
cat "$TMP/late.out" "$TMP/late.err" >>"$TMP/all"
expect_grep "$TMP/late.out" '^已添加用户 tardy' "the waiting add is done"

# Nowhere in the output, the database or its audit log.
for pw in "${PWS[@]}" Second-pass-for-rev Late-pass-2025-zz; do
  expect_no_grep "$TMP/all" "$pw" "a password in the output"
  if grep -aq -- "$pw" "$DB" "$DB-wal" 2>/dev/null; then bad "$pw in the database file"; else ok; fi
done
n=$(db_sql "$DB" "SELECT count(*) FROM users WHERE password_hash LIKE '\$argon2id\$%'")
[ "$n" = 9 ] && ok || bad "every user has an argon2id hash ($n)"

# ---- the audit log ------------------------------------------------------------------------
expect_status 0 "$JZ" audit verify "$DB"
expect_data_verified "$TMP/out" "the database verifies"
n=$(db_sql "$DB" "SELECT count(*) FROM audit WHERE action = 'user.add' AND actor = '省厅管理员（命令行）'")
[ "$n" = 9 ] && ok || bad "nine user.add entries by the actor ($n)"
n=$(db_sql "$DB" "SELECT count(*) FROM audit WHERE action IN ('user.passwd', 'user.disable',
  'user.enable')")
[ "$n" = 3 ] && ok || bad "passwd, disable and enable are audited ($n)"
p | expect_status 0 "$JZ" user add "$DB" --login by.option --name 选项 --role auditor --scope '' \
  --actor 张处长
n=$(db_sql "$DB" "SELECT actor FROM audit WHERE entity = 'user:by.option'")
[ "$n" = '张处长（命令行）' ] && ok || bad "--actor is the actor ($n)"

# ---- the last administrator stays; old sessions are purged on demand ----------------------
n=$(db_sql "$DB" "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1")
[ "$n" = 1 ] && ok || bad "one active administrator before the check ($n)"
expect_status 1 "$JZ" user disable "$DB" --login admin
expect_grep "$TMP/err" '唯一在用的管理员' "the last administrator cannot be disabled"
expect_status 0 "$JZ" user purge "$DB"
expect_grep "$TMP/out" '^已删除 0 个最后使用或结束于 90 天以前的会话记录$' "nothing old to purge"
expect_status 2 "$JZ" user purge "$DB" --days 0
expect_grep "$TMP/err" '\-\-days「0」应为 1 到 3650 之间的整数' "a bad --days"

# ---- the default cost (argon2id INTERACTIVE) works too ------------------------------------
p | JIUZHU_ARGON2_FAST= expect_status 0 "$JZ" user add "$DB" --login slow --name 慢 --role auditor --scope ''
h=$(db_sql "$DB" "SELECT password_hash FROM users WHERE login = 'slow'")
case "$h" in '$argon2id$v=19$m=65536,t=2,'*) ok ;; *) bad "the default cost: $h" ;; esac
p | JIUZHU_ARGON2_FAST=yes expect_status 2 "$JZ" user add "$DB" --login slow2 --name 慢 --role auditor --scope ''
expect_grep "$TMP/err" 'JIUZHU_ARGON2_FAST' "a bad JIUZHU_ARGON2_FAST is named"

finish
