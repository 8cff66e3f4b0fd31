#!/usr/bin/env bash
# Decisions a county can trust (issue 11, the procedure's items), run as
# caseworkers run them:
#  - temporary grants the engine finds survive the procedure: the opinion
#    names them, the decision sets their amount up to the cap, the notice
#    names them; R-TMP-4 and small amounts paid first (R-WF-8);
#  - a decision differing from the finding needs the county's written reason
#    and is flagged in the case, the lists and the audit log (R-WF-7);
#  - a partial refusal states its reasons and rules on the notice;
#  - the 公示 and 公布 lists print again for any past date and every round,
#    with the persons each unit supports, and never a refusal as "0.00";
#  - a recorded death marks the member in a new version of the record, and a
#    dead person is never an applicant;
#  - 信息核对 compares the record with the department rows imported;
#  - steps dated on a non-working day, in the future or out of order are
#    refused, late ones flagged; an extension prints its new deadline;
#  - reviews and death checks due open review cases, once;
#  - a re-imported household stays visible in show and stats.
. "$(dirname "$0")/lib.sh"

export JIUZHU_ACTOR=县民政局审核员
DB=$(test_db d.db)
V=140902101201
expect_status 0 "$JZ" init "$DB"

cat >"$TMP/a.json" <<'EOF'
{"household_id":"H140902-900001","region":"140902101201","area":"rural","assess_date":"2025-03-03","members":[
{"id":"140902198003050310","name":"王大","relation":"head","employment":"employed","income":[{"kind":"wage","amount":"6000.00"}]},
{"id":"140902198207120421","name":"李二","relation":"spouse","employment":"unemployed"},
{"id":"140902194708200114","name":"王老伯","relation":"other","employment":"retired","supporters":[]}]}
EOF
cat >"$TMP/b.json" <<'EOF'
{"household_id":"H140902-900002","region":"140902101201","area":"rural","assess_date":"2025-03-03","members":[
{"id":"14090219900101031X","name":"赵强","relation":"head","employment":"unemployed","income":[{"kind":"wage","amount":"24000.00"}]},
{"id":"140902199211110423","name":"钱丽","relation":"spouse","employment":"unemployed"},
{"id":"140902201506060339","name":"赵小","relation":"child","student":{"level":"primary","full_time":true}}]}
EOF
cat >"$TMP/c.json" <<'EOF'
{"household_id":"H140902-900003","region":"140902101201","area":"rural","assess_date":"2025-03-03","members":[
{"id":"14090219750101051X","name":"孙火","relation":"head","employment":"employed","hardship_cause":"fire","income":[{"kind":"wage","amount":"12000.00"}]},
{"id":"140902197702020626","name":"周梅","relation":"spouse","employment":"none"},
{"id":"140902199503030716","name":"孙平","relation":"child","employment":"employed","income":[{"kind":"wage","amount":"20000.00"}]}]}
EOF
cat >"$TMP/d.json" <<'EOF'
{"household_id":"H140902-900004","region":"140902101201","area":"rural","assess_date":"2025-03-03","members":[
{"id":"140902198510100132","name":"陈一","relation":"head","employment":"employed","income":[{"kind":"wage","amount":"3000.00"}]},
{"id":"140902198808080242","name":"林二","relation":"spouse","employment":"unemployed"}]}
EOF
expect_status 0 "$JZ" import "$DB" "$TMP/a.json" "$TMP/b.json" "$TMP/c.json" "$TMP/d.json"

# Other departments' rows already in the registry (信息核对).
printf 'id_number,name,vehicle_type,registration_date\n140902198003050310,王大,小型汽车,2024-06-01\n' >"$TMP/veh.csv"
printf 'id_number,name,kind,date,amount\n140902198207120421,李二,government_payroll,2024-12-15,3000.00\n' >"$TMP/pay.csv"
expect_status 0 "$JZ" feed import "$DB" vehicle "$TMP/veh.csv"
expect_status 0 "$JZ" feed import "$DB" payroll "$TMP/pay.csv"

case_id() { grep -o '案件 [0-9]*' "$TMP/out" | head -1 | grep -o '[0-9]*'; }
# to_notice HOUSEHOLD [accept options]: 受理 (2025-03-03) to 公示 (2025-03-07).
to_notice() {
  local hh=$1
  shift
  expect_status 0 "$JZ" case accept "$DB" "$hh" --date 2025-03-03 "$@"
  id=$(case_id)
  expect_status 0 "$JZ" case investigate "$DB" "$id" --date 2025-03-04
  expect_status 0 "$JZ" case verify "$DB" "$id" --date 2025-03-05
  cp "$TMP/out" "$TMP/verify.out"
  expect_status 0 "$JZ" case preliminary "$DB" "$id" --date 2025-03-06
  cp "$TMP/out" "$TMP/prelim.out"
  expect_status 0 "$JZ" case notice "$DB" "$id" --date 2025-03-07
  expect_status 0 "$JZ" case confirm "$DB" "$id" --date 2025-03-14
}

# ---- item 12: dates are checked ---------------------------------------------------
expect_status 1 "$JZ" case accept "$DB" H140902-900004 --date 2025-03-01
expect_grep "$TMP/err" '不是工作日（星期六）' "受理 on a Saturday is refused, naming the day"
expect_status 1 "$JZ" case accept "$DB" H140902-900004 --date 2025-10-01
expect_grep "$TMP/err" '法定节假日' "受理 on National Day is refused"
expect_status 1 "$JZ" case accept "$DB" H140902-900004 --date 2099-03-02
expect_grep "$TMP/err" '不能晚于今天' "a date after today is refused"

# ---- items 11 and 8: verification finds a vehicle; a partial refusal -------------------
to_notice H140902-900001
A=$id
expect_grep "$TMP/verify.out" '信息核对发现 2 处不一致' "verification finds the department rows"
expect_grep "$TMP/verify.out" '王大 R-AST-2：户记录登记车辆 0 辆，车管部门登记 1 辆' "a vehicle the record lacks"
expect_grep "$TMP/verify.out" '李二 R-INC-1：户记录无工资收入，财政供养记录月工资 3000.00 元' "a payroll the record lacks"
expect_grep "$TMP/prelim.out" '信息核对发现 2 处不一致' "the preliminary opinion shows what verification found"
expect_grep "$TMP/prelim.out" '王老伯 *特困人员供养 *1 人  每月 851.00' "the 特困 unit found"
expect_grep "$TMP/prelim.out" '全户 *最低生活保障 *2 人  每月 808.00' "the household's 低保 found"
expect_status 1 "$JZ" case decide "$DB" "$A" --approve --refuse-unit household --date 2025-03-17
expect_grep "$TMP/err" 'R-WF-7' "refusing a unit found needs a written reason"
expect_status 0 "$JZ" case decide "$DB" "$A" --approve --refuse-unit household --date 2025-03-17 \
  --judgment 核对发现王大名下登记小型汽车一辆，家庭财产不符合低保条件
expect_grep "$TMP/out" '全户 *最低生活保障 *不予批准' "the household's 低保 refused"
expect_grep "$TMP/out" '王老伯 *特困人员供养 *1 人  每月 851.00' "the 特困 unit approved"
expect_status 0 "$JZ" case document "$DB" "$A"
cp "$TMP/out" "$TMP/partial.txt"
expect_grep "$TMP/partial.txt" '审核确认通知书' "an approval notice"
expect_grep "$TMP/partial.txt" '王老伯' "naming the approved unit"
expect_grep "$TMP/partial.txt" '以下申请事项不予批准' "and the refusal"
expect_grep "$TMP/partial.txt" '全户 最低生活保障：不予批准。理由：核对发现王大名下登记小型汽车一辆' "with its reason"
expect_grep "$TMP/partial.txt" 'R-AST-2' "the rule it bears on"
expect_grep "$TMP/partial.txt" '规则：R-AST-2；依据：《最低生活保障审核确认办法》（民发〔2021〕57号）第十七条' "and the rule's source"
expect_grep "$TMP/partial.txt" '行政复议' "and the right of appeal for the refused part"
expect_status 0 "$JZ" case publish "$DB" "$A" --date 2025-03-18
expect_status 0 "$JZ" enrolment list "$DB" --household H140902-900001
expect_grep "$TMP/out" '王老伯 *特困人员供养' "the 特困 unit is enrolled"
expect_no_grep "$TMP/out" '最低生活保障' "the refused household unit is not"

# ---- item 7: the county's overall judgment ------------------------------------------
to_notice H140902-900002 --township-confirms
B=$id
expect_grep "$TMP/prelim.out" '低保边缘家庭' "the engine finds 低保边缘"
expect_status 1 "$JZ" case decide "$DB" "$B" --approve --refuse-unit household:marginal \
  --unit household=dibao:200 --date 2025-03-17
expect_grep "$TMP/err" '须由县级民政部门写明理由' "a judgment without a written reason is refused"
expect_status 1 "$JZ" case decide "$DB" "$B" --approve --refuse-unit household:marginal \
  --unit household=dibao:200 --judgment 夫妻长期无法就业，家庭实际困难 --date 2025-03-17
expect_grep "$TMP/err" '须由县级民政部门作出' "where the township confirms, a judgment is the county's"
expect_status 0 "$JZ" case decide "$DB" "$B" --approve --refuse-unit household:marginal \
  --unit household=dibao:200 --judgment 夫妻长期无法就业，家庭实际困难 --county --date 2025-03-17
expect_grep "$TMP/out" '全户 *最低生活保障 *3 人  每月 200.00 元  【综合判断增加】' "the unit added by judgment"
expect_grep "$TMP/out" '【县级综合判断】' "flagged when decided"
expect_status 0 "$JZ" case list "$DB" --all
expect_grep "$TMP/out" "H140902-900002.*【县级综合判断】" "flagged in the case list"
expect_status 0 "$JZ" case show "$DB" "$B"
expect_grep "$TMP/out" '县级综合判断（R-WF-7）：夫妻长期无法就业' "and in the case with its reason"
expect_status 0 "$JZ" enrolment list "$DB" --household H140902-900002
expect_grep "$TMP/out" '最低生活保障.*200.00.*【县级综合判断】' "and in the enrolment list"
expect_status 0 "$JZ" case publish "$DB" "$B" --date 2025-03-18
db_sql "$DB" "SELECT after FROM audit WHERE action = 'case.decide' AND entity = 'case:$B'" >"$TMP/audit.txt"
expect_grep "$TMP/audit.txt" '"judgment":"夫妻长期无法就业' "and in the audit log"

# ---- item 6: temporary assistance in the procedure (R-WF-8) ---------------------------
expect_status 0 "$JZ" case accept "$DB" H140902-900003 --date 2025-03-03
C=$(case_id)
expect_status 1 "$JZ" case advance "$DB" "$C" --kind small --amount 700 --note 火灾后无处居住 --date 2025-03-03
expect_grep "$TMP/err" '不超过 654.00 元' "a small amount paid first is at most a month's standard"
expect_status 0 "$JZ" case advance "$DB" "$C" --kind small --amount 600 --note 火灾后无处居住 --date 2025-03-03
expect_grep "$TMP/out" '小金额先行救助：孙火 600.00 元（R-TMP-3）' "a small amount paid first, documented after"
expect_status 0 "$JZ" case advance "$DB" "$C" --kind pending --amount 1000 --note 审核期间生活困难 --date 2025-03-04
expect_grep "$TMP/out" '审核期间先行发放的临时救助：孙火 1000.00 元（R-TMP-4）' "R-TMP-4 while the application is pending"
expect_status 0 "$JZ" case investigate "$DB" "$C" --date 2025-03-04
expect_status 0 "$JZ" case verify "$DB" "$C" --date 2025-03-05
expect_status 0 "$JZ" case preliminary "$DB" "$C" --date 2025-03-06
expect_grep "$TMP/out" '孙火 *临时救助 *1 人  3924.00 元（R-TMP-2）' "the opinion names the temporary assistance and its cap"
expect_status 0 "$JZ" case notice "$DB" "$C" --date 2025-03-07
expect_status 0 "$JZ" case confirm "$DB" "$C" --date 2025-03-14
expect_status 1 "$JZ" case decide "$DB" "$C" --approve --date 2025-03-17
expect_grep "$TMP/err" '须用 --temporary 成员=金额 确定金额' "R-TMP-2's amount is the caseworker's"
expect_status 1 "$JZ" case decide "$DB" "$C" --approve --temporary 孙火=3000 --date 2025-03-17
expect_grep "$TMP/err" '超过上限 3924.00 元（已先行发放 1600.00 元）' "the cap counts what was paid first"
expect_status 0 "$JZ" case decide "$DB" "$C" --approve --temporary 孙火=2324 --date 2025-03-17
expect_grep "$TMP/out" '孙火 *临时救助 *1 人  一次性 2324.00 元' "the temporary grant decided"
expect_status 0 "$JZ" case document "$DB" "$C"
expect_grep "$TMP/out" '临时救助 *1 *一次性 2324.00' "the notice names the temporary grant"
expect_grep "$TMP/out" '小金额先行救助 *1 *一次性 600.00' "and what was paid first"
expect_status 0 "$JZ" case publish "$DB" "$C" --date 2025-03-18
db_sql "$DB" "SELECT kind, amount FROM grants WHERE household_id = 'H140902-900003' ORDER BY grant_id" >"$TMP/grants.txt"
expect_grep "$TMP/grants.txt" '^2|60000$' "the small advance is kept"
expect_grep "$TMP/grants.txt" '^1|100000$' "the R-TMP-4 advance is kept"
expect_grep "$TMP/grants.txt" '^0|232400$' "the decided grant is kept"
db_sql "$DB" "SELECT count(*) FROM audit WHERE action = 'grant.put'" >"$TMP/n.txt"
expect_grep "$TMP/n.txt" '^3$' "every grant is audited"
expect_status 0 "$JZ" case accept "$DB" H140902-900003 --programmes temporary --date 2025-04-01
expect_grep "$TMP/out" '已受理' "an application for temporary assistance only is accepted"
C2=$(case_id)

# ---- item 9: the lists, again, for any date and every round ---------------------------
expect_status 0 "$JZ" case accept "$DB" H140902-900004 --date 2025-03-03
D=$(case_id)
expect_status 0 "$JZ" case investigate "$DB" "$D" --date 2025-03-04
expect_status 0 "$JZ" case verify "$DB" "$D" --date 2025-03-05
expect_status 0 "$JZ" case preliminary "$DB" "$D" --date 2025-03-06
expect_status 0 "$JZ" case notice "$DB" "$D" --date 2025-03-10
expect_status 0 "$JZ" case object "$DB" "$D" --date 2025-03-11 --note 村民反映陈一在外务工
expect_status 0 "$JZ" case verify "$DB" "$D" --date 2025-03-12
expect_status 0 "$JZ" case preliminary "$DB" "$D" --date 2025-03-13
expect_status 0 "$JZ" case notice "$DB" "$D" --date 2025-03-14
expect_status 0 "$JZ" case list-doc "$DB" --village $V
expect_grep "$TMP/out" '2025-03-10  公示' "the first round's posting is listed"
expect_grep "$TMP/out" '2025-03-14  公示' "and the second round's"
expect_status 0 "$JZ" case list-doc "$DB" --village $V --kind notice --date 2025-03-10
expect_grep "$TMP/out" '陈一' "the first round prints again after the second was posted"
expect_grep "$TMP/out" '2025年3月10日至2025年3月16日' "with its own period"
expect_status 0 "$JZ" case list-doc "$DB" --village $V --kind notice --date 2025-03-07
expect_grep "$TMP/out" '王大' "an earlier day's list prints again"
expect_grep "$TMP/out" '王老伯' "with every unit the opinion found"
expect_grep "$TMP/out" '—（不发放现金）' "a 低保边缘 unit shows no cash, not 0.00"
expect_no_grep "$TMP/out" ' 0.00 ' "no unit listed as 0.00"
expect_status 0 "$JZ" case list-doc "$DB" --village $V --kind publish --date 2025-03-18 --format csv
expect_grep "$TMP/out" '王老伯,1,851.00' "the 公布 list: the 特困 unit, one person supported"
expect_no_grep "$TMP/out" '王大' "the refused household unit is not published"
expect_grep "$TMP/out" '赵强,3,200.00' "the judged 低保 unit with its persons"
expect_grep "$TMP/out" '孙火,3,—（不发放现金）' "the 低保边缘 unit without cash"
expect_no_grep "$TMP/out" '2324' "temporary assistance is not on the 公布 list"

# ---- item 10: a recorded death changes the household --------------------------------------
expect_status 0 "$JZ" case confirm "$DB" "$D" --date 2025-03-24
expect_status 0 "$JZ" case decide "$DB" "$D" --approve --date 2025-03-25
expect_status 0 "$JZ" case publish "$DB" "$D" --date 2025-03-26
E=$(db_sql "$DB" "SELECT enrolment FROM enrolments WHERE household_id = 'H140902-900004'")
expect_status 0 "$JZ" enrolment death "$DB" "$E" --member-id 140902198510100132 --death-date 2025-05-10 --date 2025-05-12
expect_grep "$TMP/out" '户记录现为第 2 版（旧版本保留）' "a new version of the record"
expect_grep "$TMP/out" '2025-08-10 前核查' "R-DEATH-1's check of a 低保 household"
expect_status 0 "$JZ" show "$DB" H140902-900004
expect_grep "$TMP/out" '"deceased_date": "2025-05-10"' "the record marks the member deceased"
db_sql "$DB" "SELECT v.version, v.record, v.replaced_by FROM household_record_history v JOIN households h ON h.hh = v.hh WHERE h.household_id = 'H140902-900004'" >"$TMP/hist.txt"
expect_grep "$TMP/hist.txt" '^1|' "the old version is kept"
expect_no_grep "$TMP/hist.txt" 'deceased_date' "as it was"
expect_grep "$TMP/hist.txt" '|县民政局审核员（命令行）$' "with who replaced it"
# ---- item 14: the death check and the review open as tasks ---------------------------------
expect_status 0 "$JZ" case open-due "$DB" --date 2025-05-13
expect_grep "$TMP/out" '死亡核查 1 件' "the death check opens a review case"
R=$(db_sql "$DB" "SELECT case_id FROM cases WHERE household_id = 'H140902-900004' AND kind = 1")
expect_status 0 "$JZ" case open-due "$DB" --date 2025-05-13
expect_grep "$TMP/out" '死亡核查 0 件' "run again, it opens nothing"
expect_grep "$TMP/out" '1 户已有未办结的案件' "the household already has its case"
expect_status 0 "$JZ" case show "$DB" "$R"
expect_grep "$TMP/out" '申请人 林二' "the applicant is the living spouse, never the dead head"
expect_grep "$TMP/out" 'R-DEATH-1 死亡核查，2025-08-10 前完成' "the task and its legal deadline"
expect_status 0 "$JZ" case due "$DB" --date 2025-05-13 --within 70
expect_grep "$TMP/out" 'H140902-900004 *林二.*【复核】' "case due shows the death check"
expect_status 1 "$JZ" case applicant "$DB" "$R" --applicant 140902198510100132 --note 测试 --date 2025-05-13
expect_grep "$TMP/err" '在世的成员' "a dead person cannot be made the applicant"
expect_status 0 "$JZ" case investigate "$DB" "$R" --date 2025-05-13
expect_status 0 "$JZ" case verify "$DB" "$R" --date 2025-05-14
expect_status 0 "$JZ" case preliminary "$DB" "$R" --date 2025-05-15
expect_grep "$TMP/out" '全户 *最低生活保障 *1 人' "the review no longer counts the dead member"

# The open case of a living applicant who then dies gets another applicant;
# a death in a 低保边缘 household asks no R-DEATH-1 check (item 4).
EC=$(db_sql "$DB" "SELECT enrolment FROM enrolments WHERE household_id = 'H140902-900003' AND programme = 2")
expect_status 0 "$JZ" enrolment death "$DB" "$EC" --member-id 14090219750101051X --death-date 2025-04-20 --date 2025-04-22
expect_grep "$TMP/out" '家庭核查不因其死亡而发生' "no R-DEATH-1 check for a 低保边缘 household"
expect_status 0 "$JZ" case show "$DB" "$C2"
expect_grep "$TMP/out" '申请人 周梅' "the open case's applicant is now a living member"
expect_grep "$TMP/out" '变更申请人.*原申请人 孙火 于 2025-04-20 死亡' "and the change is recorded"

# ---- item 12 again: order, lateness, the new deadline ------------------------------------
expect_status 1 "$JZ" case accept "$DB" H140902-900001 --date 2025-06-02
expect_grep "$TMP/err" '法定节假日' "the Dragon Boat Festival is not a working day"
expect_status 0 "$JZ" case accept "$DB" H140902-900001 --date 2025-06-03
L=$(case_id)
expect_status 1 "$JZ" case investigate "$DB" "$L" --date 2025-05-30
expect_grep "$TMP/err" '早于本案上一步骤的日期 2025-06-03' "a step before the previous one is refused"
expect_status 0 "$JZ" case investigate "$DB" "$L" --date 2025-06-11
expect_grep "$TMP/out" '超过期限 2025-06-06 3 个工作日' "a late step is flagged with its deadline"
expect_status 0 "$JZ" case show "$DB" "$L"
expect_grep "$TMP/out" '【超期：期限 2025-06-06，超过 3 个工作日】' "and shown in the case"
db_sql "$DB" "SELECT after FROM audit WHERE action = 'case.investigate' AND entity = 'case:$L'" >"$TMP/late.txt"
expect_grep "$TMP/late.txt" '"late":{"deadline":"2025-06-06","working_days":3}' "and in the audit log"
expect_status 0 "$JZ" case extend "$DB" "$L" --reason hard-investigation --date 2025-06-12
expect_grep "$TMP/out" '新的决定截止日期 2025-08-05' "an extension prints the new deadline"

# Reviews fall due: R-REVIEW-1's yearly or half-yearly review opens ahead of time.
expect_status 0 "$JZ" case open-due "$DB" --date 2025-08-20
expect_grep "$TMP/out" '定期复核 1 件' "a review due within the lead days opens a case (H140902-900002, due 2025-09-17)"
expect_grep "$TMP/out" '3 户已有未办结的案件' "the others have their open cases"


# A death found by monitoring and confirmed is recorded the same way (items
# 10 and 17): the 特困 person's own unit stops, no review opens for him, and
# the alert can then be resolved as terminated; a 低保 member's death joins
# the household's open review case.
printf 'id_number,name,death_date\n140902194708200114,王老伯,2025-09-01\n140902199211110423,钱丽,2025-09-02\n' >"$TMP/death.csv"
expect_status 0 "$JZ" feed import "$DB" death "$TMP/death.csv"
expect_status 0 "$JZ" monitor run "$DB" --date 2025-09-05
A1=$(db_sql "$DB" "SELECT alert FROM alerts WHERE id_number = '140902194708200114' AND indicator = 7")
A2=$(db_sql "$DB" "SELECT alert FROM alerts WHERE id_number = '140902199211110423' AND indicator = 7")
expect_status 0 "$JZ" alert verify "$DB" "$A1" --confirmed --date 2025-09-08
expect_grep "$TMP/out" '已记录 王老伯 死亡' "a confirmed death alert records the death"
expect_grep "$TMP/out" '本人单独施保的 1 项救助发放至死亡当月' "and stops his own unit"
expect_no_grep "$TMP/out" '已启动复核案件' "no review is opened for a 特困 person's death"
expect_status 0 "$JZ" show "$DB" 140902194708200114
expect_grep "$TMP/out" '"deceased_date": "2025-09-01"' "the record marks him deceased"
expect_status 0 "$JZ" alert resolve "$DB" "$A1" --outcome terminated --note 本人死亡停发 --date 2025-09-08
expect_status 0 "$JZ" alert verify "$DB" "$A2" --confirmed --date 2025-09-08
expect_grep "$TMP/out" '并入未办结的案件' "a death in a household under review joins its case"
expect_grep "$TMP/out" '2025-12-02 前完成核查' "with R-DEATH-1's deadline"

# ---- item 15: a re-imported household stays visible -----------------------------------
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
sed 's/"6000.00"/"6600.00"/' "$TMP/a.json" >"$TMP/a2.json"
expect_status 0 "$JZ" import "$DB" "$TMP/a2.json"
expect_status 0 "$JZ" show "$DB" H140902-900001
expect_grep "$TMP/out" '尚未按变更后的户记录重新评估' "show says the stored result predates the change"
expect_grep "$TMP/out" '低保' "and still shows it"
expect_status 0 "$JZ" stats "$DB" --level county
expect_grep "$TMP/out" '其中 1 户' "stats counts the household and says it awaits reassessment"

# ---- item 13: bringing in the people who receive assistance today ----------------------
cat >"$TMP/legacy.jsonl" <<'EOF'
{"household_id":"H140902-900005","region":"140902101201","area":"rural","assess_date":"2025-06-02","current":{"programme":"dibao","since":"2023-01-01","monthly_amount":"1058.00"},"members":[{"id":"14090219700404011X","name":"郭大","relation":"head","employment":"unemployed","income":[{"kind":"wage","amount":"3000.00"}]},{"id":"140902197205050226","name":"郭妻","relation":"spouse","employment":"unemployed"},{"id":"140902194006060137","name":"郭老爷","relation":"other","employment":"retired","supporters":[],"current":{"programme":"tekun","since":"2022-07-01","monthly_amount":"851.00"}}]}
{"household_id":"H140902-900006","region":"140902101201","area":"rural","assess_date":"2025-06-02","current":{"programme":"dibao","since":"2024-12-10","monthly_amount":"600.00"},"members":[{"id":"140902198007070140","name":"富一","relation":"head","employment":"employed","income":[{"kind":"wage","amount":"90000.00"}]},{"id":"140902198208080257","name":"富二","relation":"spouse","employment":"employed","income":[{"kind":"wage","amount":"30000.00"}]}]}
EOF
expect_status 0 "$JZ" import "$DB" "$TMP/legacy.jsonl"
expect_grep "$TMP/err" '存量救助对象纳入管理 3 项' "importing them brings in their units"
expect_grep "$TMP/err" '其中 1 项按现行政策评估不再符合' "and flags the one no longer eligible"
expect_status 0 "$JZ" enrolment list "$DB" --household H140902-900005
expect_grep "$TMP/out" '全户 *最低生活保障 *2 人 *1058.00 元/月  自 2023-01  正常享受.*【存量导入】' "the household's 低保: programme, persons, amount, since"
expect_grep "$TMP/out" '郭老爷 *特困人员供养 *1 人 *851.00 元/月  自 2022-07' "the 特困 member's own unit"
expect_grep "$TMP/out" '复核 2025-07-01（每 6 个月）' "the next review on the first date due after the record's"
expect_status 0 "$JZ" alerts "$DB" --category D
expect_grep "$TMP/out" '存量救助对象不再符合条件' "a D alert for the one no longer eligible"
expect_grep "$TMP/out" '富一' "on the household's head"
expect_grep "$TMP/out" 'R-DB-1' "with the rules that failed"
expect_no_grep "$TMP/out" '郭大' "not for the eligible ones"
db_sql "$DB" "SELECT count(*) FROM audit WHERE action = 'recipients.import'" >"$TMP/n.txt"
expect_grep "$TMP/n.txt" '^1$' "what the batch brought in is audited"
# Again: nothing twice.
expect_status 0 "$JZ" import "$DB" "$TMP/legacy.jsonl"
expect_no_grep "$TMP/err" '存量救助对象纳入管理' "re-importing brings in nothing twice"
db_sql "$DB" "SELECT count(*) FROM enrolments WHERE origin = 'import'" >"$TMP/n.txt"
expect_grep "$TMP/n.txt" '^3$' "three enrolments, still"
db_sql "$DB" "SELECT count(*) FROM alerts WHERE indicator = 24" >"$TMP/n.txt"
expect_grep "$TMP/n.txt" '^1$' "one alert, still"
# They are enrolments like any other: due for review, reviewed, stopped.
expect_status 0 "$JZ" case open-due "$DB" --region 140902101201 --date 2025-06-09
expect_grep "$TMP/out" '定期复核 2 件' "their reviews open when due"
F=$(db_sql "$DB" "SELECT case_id FROM cases WHERE household_id = 'H140902-900006' AND kind = 1")
expect_status 0 "$JZ" case investigate "$DB" "$F" --date 2025-06-09
expect_status 0 "$JZ" case verify "$DB" "$F" --date 2025-06-10
expect_status 0 "$JZ" case preliminary "$DB" "$F" --date 2025-06-11
expect_grep "$TMP/out" '不符合救助条件' "the review finds nothing"
expect_status 0 "$JZ" case notice "$DB" "$F" --date 2025-06-12
expect_status 0 "$JZ" case confirm "$DB" "$F" --date 2025-06-19
expect_status 0 "$JZ" case decide "$DB" "$F" --refuse --date 2025-06-20 --note 家庭收入超过低保标准
expect_status 0 "$JZ" enrolment list "$DB" --household H140902-900006
expect_grep "$TMP/out" '已停止' "a refused review stops the enrolment brought in"
AL=$(db_sql "$DB" "SELECT alert FROM alerts WHERE indicator = 24")
expect_status 0 "$JZ" alert verify "$DB" "$AL" --confirmed --date 2025-06-20
expect_grep "$TMP/out" '并入未办结的案件' "the alert joins the review under way"
expect_status 0 "$JZ" alert resolve "$DB" "$AL" --outcome terminated --note 复核停发 --date 2025-06-20
expect_status 0 "$JZ" import "$DB" "$TMP/legacy.jsonl"
db_sql "$DB" "SELECT count(*) FROM enrolments WHERE household_id = 'H140902-900006' AND status <> 2" >"$TMP/n.txt"
expect_grep "$TMP/n.txt" '^0$' "a stopped enrolment is never brought back by a re-import"
# A death the record already states in a 低保 household: R-DEATH-1's check
# comes with it, and opens as a task.
cat >"$TMP/legacy2.jsonl" <<'JSON'
{"household_id":"H140902-900007","region":"140902101201","area":"rural","assess_date":"2025-06-02","current":{"programme":"dibao","since":"2024-12-01","monthly_amount":"1058.00"},"members":[{"id":"140902195509090113","name":"曹大","relation":"head","deceased_date":"2025-05-20"},{"id":"140902195810100229","name":"曹妻","relation":"spouse","employment":"unemployed"}]}
JSON
expect_status 0 "$JZ" import "$DB" "$TMP/legacy2.jsonl"
expect_status 0 "$JZ" enrolment list "$DB" --household H140902-900007
expect_grep "$TMP/out" '死亡核查截止 2025-08-20' "the check 3 months after the death the record states"
expect_status 0 "$JZ" case open-due "$DB" --region 140902101201 --date 2025-06-09
expect_grep "$TMP/out" '死亡核查 1 件' "it opens as a task"
expect_status 0 "$JZ" case list "$DB"
expect_grep "$TMP/out" 'H140902-900007 .*曹妻' "with the living spouse applying"

expect_status 0 "$JZ" audit verify "$DB"
finish
