// Browser tests of 资金发放, 统计分析, 政策测算, 用户管理 and 审计日志
// (issue 15 items 9–12).  What this file changes in the demo database: next
// month's plan and batches of 忻府区 (one batch approved, sent and settled
// with one line refused), and a user ceshi01 it adds and disables.
//
// The reviewer shenhe01 plans and prepares next month's batches and is
// refused approving his own; shenhe02 approves one, sends it to the bank
// (the file downloaded), uploads a result file the server refuses naming
// the line, then the right one, and reads the reconciliation.  The analyst
// drills the statistics and runs a simulation; the admin adds a user and
// disables him; the auditor reads the audit log and its verification.
import fs from 'node:fs'
import path from 'node:path'
import { BASE, SHOTS, WIDTHS, bad, byLogin, byRole, check, finish, login, loginOk, open, shot, step } from './lib.mjs'

const now = new Date()
const next = new Date(now.getFullYear(), now.getMonth() + 1, 1)
const NEXT = `${next.getFullYear()}-${String(next.getMonth() + 1).padStart(2, '0')}`
const [W, PHONE] = WIDTHS

async function confirmPop(page) {
  const b = page.locator('.el-popconfirm__action .el-button--primary:visible')
  await b.first().click()
}

// ---- 资金发放: plan, prepare, refused own approval -----------------------------------
let batchId = null
{
  const s = await open(W)
  await step('pay: shenhe01 plans and prepares', async () => {
    await loginOk(s, byLogin('shenhe01'))
    await s.page.goto(`${BASE}/pay?period=${NEXT}`)
    await s.page.waitForSelector('[data-test=batches]')
    await s.page.click('[data-test=pay-plan]')
    await confirmPop(s.page)
    const n = await (await s.page.waitForSelector('[data-test=pay-notice]')).innerText()
    check(n.includes(`已编制 ${NEXT} 的发放计划`), `plan: "${n}"`)
    await s.page.click('[data-test=pay-prepare]')
    await s.page.waitForFunction(() => /已编制 \d+ 个批次/.test(document.querySelector('[data-test=pay-notice]')?.innerText || ''))
    await s.page.waitForSelector('[data-test=batches] .ops')
    const ids = await s.page.$$eval('[data-test=batches] .ops', (els) => els.map((e) => Number(e.dataset.batch)))
    check(ids.length > 0, 'prepared batches listed')
    batchId = ids[0]
    // His own approval: the server's refusal shown.
    s.allow.add(`/api/pay/batches/${batchId}/approve`)
    await s.page.click(`.ops[data-batch="${batchId}"] [data-test=approve]`)
    const err = await (await s.page.waitForSelector('[data-test=pay-error]')).innerText()
    check(err.includes('另一名'), `own approval refused: "${err}"`)
    const hint = await s.page.innerText(`.ops[data-batch="${batchId}"]`)
    check(hint.includes('本人编制'), `the preparer's hint: "${hint}"`)
    await shot(s, 'pay-own-approval', W)
  })
  await s.ctx.close()
}

// ---- 资金发放: approve, send, results refused then taken, reconciliation ------------
{
  const s = await open(W)
  const ctxDl = s.ctx
  await step('pay: shenhe02 approves, sends, imports the results', async () => {
    if (!batchId) throw new Error('no batch prepared')
    await loginOk(s, byLogin('shenhe02'))
    await s.page.goto(`${BASE}/pay?period=${NEXT}`)
    await s.page.waitForSelector(`.ops[data-batch="${batchId}"]`)
    await s.page.click(`.ops[data-batch="${batchId}"] [data-test=approve]`)
    await s.page.waitForSelector(`.ops[data-batch="${batchId}"] [data-test=export]`)
    check(true, 'approved by the second reviewer')
    await s.page.click(`.ops[data-batch="${batchId}"] [data-test=export]`)
    const [dl] = await Promise.all([s.page.waitForEvent('download'), confirmPop(s.page)])
    const file = path.join(SHOTS, `bank-${dl.suggestedFilename()}`)
    await dl.saveAs(file)
    const bytes = fs.readFileSync(file)
    let text
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    } catch {
      text = new TextDecoder('gb18030').decode(bytes)
    }
    text = text.replace(/^\ufeff/, '')
    const rows = text.trim().split(/\r?\n/).map((l) => l.split(','))
    const head = rows[0]
    const col = (names) => head.findIndex((h) => names.includes(h.trim()))
    const iLine = col(['明细编号', '明细号', 'line'])
    const iAcc = col(['账号', '卡号', 'account'])
    const iAmt = col(['金额', 'amount'])
    check(iLine >= 0 && iAcc >= 0 && iAmt >= 0, `bank file header: ${head.join(',')}`)
    const lines = rows.slice(1)
    check(lines.length > 1, `bank file lines: ${lines.length}`)
    await s.page.waitForSelector(`.ops[data-batch="${batchId}"] [data-test=results]`)
    // A result file with one amount changed: refused, naming its line.
    const res = (amt) =>
      '明细编号,账号,金额,结果代码,说明\n' +
      lines.map((l, i) => [l[iLine], l[iAcc], amt(l, i), i === lines.length - 1 ? 'E102' : '0000', i === lines.length - 1 ? '账户已销户' : '成功'].join(',')).join('\n') +
      '\n'
    const badFile = path.join(SHOTS, 'result-bad.csv')
    const goodFile = path.join(SHOTS, 'result-good.csv')
    fs.writeFileSync(badFile, res((l, i) => (i === 1 ? '1.00' : l[iAmt])))
    fs.writeFileSync(goodFile, res((l) => l[iAmt]))
    s.allow.add(`/api/pay/batches/${batchId}/results`)
    await s.page.click(`.ops[data-batch="${batchId}"] [data-test=results]`)
    await s.page.setInputFiles('[data-test=results-file]', badFile)
    await s.page.click('[data-test=results-submit]')
    const err = await (await s.page.waitForSelector('[data-test=results-error]')).innerText()
    check(/第\s*3\s*行|行\s*3|line/.test(err) || err.includes('金额'), `refused result file: "${err}"`)
    await shot(s, 'pay-results-refused', W)
    s.allow.delete(`/api/pay/batches/${batchId}/results`)
    await s.page.setInputFiles('[data-test=results-file]', goodFile)
    await s.page.click('[data-test=results-submit]')
    const ok = await (await s.page.waitForSelector('[data-test=results-answer]')).innerText()
    check(ok.includes('退票 1 笔') && ok.includes('账户已销户'), `result file taken: "${ok}"`)
    await s.page.click('.el-dialog__footer .el-button:has-text("关闭")')
    // The reconciliation of the batch.
    await s.page.click(`.ops[data-batch="${batchId}"] .el-button:has-text("对账")`)
    const bal = await (await s.page.waitForSelector('[data-test=balanced]')).innerText()
    check(bal === '账实相符', `batch reconciliation: "${bal}"`)
    const ids = await s.page.$$eval('[data-test=identities] tbody tr', (t) => t.length)
    check(ids > 0, 'identities listed')
    const issues = await s.page.innerText('[data-test=issues]')
    check(issues.includes('账户已销户') || issues.includes('退票'), `the refused line among the issues: "${issues.slice(0, 80)}"`)
    await shot(s, 'pay-reconcile', W)
    // The month's reconciliation and the statement.
    await s.page.click('.el-button:has-text("按月对账")')
    await s.page.waitForFunction((p) => document.querySelector('.rec-title')?.innerText.includes(p), NEXT)
    const [st] = await Promise.all([s.page.waitForEvent('download'), s.page.click('[data-test=statement]')])
    check(/\.xlsx$/.test(st.suggestedFilename()), `statement: ${st.suggestedFilename()}`)
    // Follow-ups: the refused line waits for a corrected account.
    await s.page.click('.el-tabs__item:has-text("发放批次")')
    await s.page.click('[data-test=pay-followups]')
    const f = await (await s.page.waitForSelector('[data-test=pay-notice]')).innerText()
    check(f.includes('退票重发'), `follow-ups: "${f}"`)
    await s.page.click('.el-tabs__item:has-text("发放期限")')
    await shot(s, 'pay-due', W)
    await s.page.click('.el-tabs__item:has-text("追回")')
    await s.page.waitForSelector('[data-test=recoveries]')
  })
  void ctxDl
  await s.ctx.close()
}

// ---- every page at both widths ----------------------------------------------------
const PAGES = [
  ['pay', 'reviewer', '/pay', '[data-test=batches] tbody tr'],
  ['stats', 'analyst', '/stats', '[data-test=stats-table] tbody tr'],
  ['simulate', 'analyst', '/simulate', '[data-test=params-load]'],
  ['users', 'admin', '/users', '[data-test=users] tbody tr'],
  ['audit', 'auditor', '/audit', '[data-test=audit-log] tbody tr'],
]
for (const width of WIDTHS) {
  for (const [name, role, url, sel] of PAGES) {
    const s = await open(width)
    await step(`${name} at ${width.w}`, async () => {
      await loginOk(s, byRole(role))
      await s.page.goto(`${BASE}${url}`)
      await s.page.waitForSelector(sel)
      await shot(s, name, width)
    })
    await s.ctx.close()
  }
}

// ---- 统计分析: drilling province → city → county → township, export -----------------
for (const width of WIDTHS) {
  const s = await open(width)
  await step(`stats drill at ${width.w}`, async () => {
    await loginOk(s, byRole('analyst'))
    await s.page.goto(`${BASE}/stats`)
    await s.page.waitForSelector('[data-test=stats-table] tbody tr')
    const level = async () => (await s.page.innerText('[data-test=crumbs]')).replace(/\s+/g, '')
    await s.page.click('[data-test=stats-table] tbody tr >> nth=0')
    await s.page.waitForFunction(() => document.querySelector('[data-test=crumbs]').innerText.includes('忻州'))
    await s.page.waitForSelector('[data-test=stats-table] tbody tr')
    await s.page.click('[data-test=stats-table] tbody tr:has-text("忻府区")')
    await s.page.waitForFunction(() => document.querySelector('[data-test=crumbs]').innerText.includes('忻府区'))
    await s.page.waitForSelector('[data-test=stats-table] tbody tr:has-text("街道"), [data-test=stats-table] tbody tr:has-text("镇")')
    const n = await s.page.$$eval('[data-test=stats-table] tbody tr', (t) => t.length)
    check(n > 3, `townships of 忻府区: ${n}`)
    check((await level()).includes('忻府区'), `crumbs: ${await level()}`)
    await s.page.waitForSelector('[data-test=stats-pay]')
    if (!width.mobile) {
      const [dl] = await Promise.all([s.page.waitForEvent('download'), s.page.click('[data-test=stats-export]')])
      const xlsx = fs.readFileSync(await dl.path())
      check(xlsx.subarray(0, 2).toString() === 'PK' && dl.suggestedFilename().endsWith('.xlsx'),
        `stats export: an .xlsx workbook (${dl.suggestedFilename()})`)
    }
    // Back up to the province by the breadcrumb.
    await shot(s, 'stats-township', width)
    await s.page.click('[data-test=crumbs] a >> nth=0')
    await s.page.waitForFunction(() => !document.querySelector('[data-test=crumbs]').innerText.includes('忻府区'))
  })
  await s.ctx.close()
}

// ---- 政策测算: parameters, a refused value, a run, an example compared --------------
for (const width of WIDTHS) {
  const s = await open(width)
  await step(`simulate at ${width.w}`, async () => {
    await loginOk(s, byRole('analyst'))
    await s.page.goto(`${BASE}/simulate`)
    await s.page.fill('input[name=region]', '140902')
    await s.page.click('[data-test=params-load]')
    const input = 'input[name="param-dibao.standard.rural"]'
    await s.page.waitForSelector(input)
    const row = await s.page.innerText('[data-test=params] tbody tr >> nth=0')
    check(/\d+\.\d{2}/.test(row), `the standard's value in force: "${row}"`)
    s.allow.add('/api/simulate')
    await s.page.fill(input, '九百')
    await s.page.click('[data-test=simulate-run]')
    const err = await (await s.page.waitForSelector('[data-test=simulate-error]')).innerText()
    check(err.includes('dibao.standard.rural'), `a bad value refused: "${err}"`)
    s.allow.delete('/api/simulate')
    await s.page.fill(input, '900')
    await s.page.click('[data-test=simulate-run]')
    await s.page.waitForSelector('[data-test=simulate-result]')
    const moves = await s.page.$$eval('[data-test=moves] tbody tr', (t) => t.length)
    check(moves > 0, `households changing category: ${moves} moves`)
    const counties = await s.page.innerText('[data-test=counties]')
    check(counties.includes('忻府区'), `cost by county: "${counties.slice(0, 60)}"`)
    await shot(s, 'simulate-result', width)
    await s.page.click('[data-test=examples] tbody tr >> nth=0')
    await s.page.waitForSelector('[data-test=compare] tbody tr')
    const cmp = await s.page.innerText('[data-test=compare]')
    check(cmp.includes('库中认定') && cmp.includes('类别'), `side by side: "${cmp.slice(0, 80)}"`)
    await shot(s, 'simulate-compare', width)
  })
  await s.ctx.close()
}

// ---- 用户管理: a refused scope, a user added, disabled, enabled, reset -------------------
{
  const s = await open(W)
  await step('users: add, disable', async () => {
    await loginOk(s, byRole('admin'))
    await s.page.goto(`${BASE}/users`)
    await s.page.waitForSelector('[data-test=users] tbody tr')
    await s.page.click('[data-test=user-add]')
    await s.page.fill('input[name=login]', 'ceshi01')
    await s.page.fill('input[name=name]', '测试新增')
    await s.page.fill('input[name=scope]', '140902') // a county: not a caseworker's scope
    await s.page.fill('input[name=password]', '新用户的密码-Abc-2026')
    s.allow.add('/api/users')
    await s.page.click('[data-test=user-save]')
    const err = await (await s.page.waitForSelector('.el-dialog .el-form-item.is-error .el-form-item__error, .el-dialog .el-alert--error')).innerText()
    check(err.length > 0, `a caseworker with a county's scope refused: "${err}"`)
    await shot(s, 'users-add-refused', W)
    s.allow.delete('/api/users')
    await s.page.fill('input[name=scope]', '140902007')
    await s.page.click('[data-test=user-save]')
    const n = await (await s.page.waitForSelector('[data-test=users-notice]')).innerText()
    check(n.includes('ceshi01'), `added: "${n}"`)
    await s.page.click('.ops[data-login=ceshi01] [data-test=disable]')
    await confirmPop(s.page)
    await s.page.waitForFunction(() => /已停用用户 ceshi01/.test(document.querySelector('[data-test=users-notice]')?.innerText || ''))
    const row = await s.page.innerText('[data-test=users] tbody tr:has-text("ceshi01")')
    check(row.includes('停用'), `disabled: "${row}"`)
    await s.page.click('.ops[data-login=ceshi01] [data-test=reset]')
    await s.page.fill('input[name=reset_password]', '重设的密码-Xyz-2026')
    await s.page.click('[data-test=reset-save]')
    await s.page.waitForFunction(() => /已重设用户 ceshi01/.test(document.querySelector('[data-test=users-notice]')?.innerText || ''))
    check(true, 'password reset')
    const tag = await s.page.innerText('[data-test=users] tbody tr:has-text("ceshi01")')
    check(tag.includes('待改密'), `the list marks the reset password: "${tag}"`)
    await s.page.click('.ops[data-login=ceshi01] [data-test=enable]')
    await s.page.waitForFunction(() => /已启用用户 ceshi01/.test(document.querySelector('[data-test=users-notice]')?.innerText || ''))
    await shot(s, 'users-after', W)
  })
  await s.ctx.close()
}

// ---- a password set by the administrator is changed before anything else ----------------
{
  const s = await open(W)
  const u = { login: 'ceshi01' }
  await step('users: the reset password must be changed first', async () => {
    await login(s, u, '重设的密码-Xyz-2026')
    await s.page.waitForURL((url) => url.pathname === '/password')
    const must = await (await s.page.waitForSelector('[data-test=password-must]')).innerText()
    check(must.includes('管理员设置') && must.includes('先设置'), `sent to 修改密码 first: "${must}"`)
    await shot(s, 'password-must', W)
    // Any other page leads back here.
    await s.page.goto(`${BASE}/cases`)
    await s.page.waitForURL((url) => url.pathname === '/password')
    await s.page.waitForSelector('[data-test=password-must]')
    const own = '我自己的密码-Own-2026'
    await s.page.fill('input[name=old_password]', '重设的密码-Xyz-2026')
    await s.page.fill('input[name=new_password]', own)
    await s.page.fill('input[name=again]', own)
    await s.page.click('[data-test=password-submit]')
    await s.page.waitForURL((url) => url.pathname === '/login')
    await loginOk(s, u, own)
    check(!(await s.page.$('[data-test=password-must]')), 'his own password: the 工作台, no warning')
  })
  await s.ctx.close()
}

// ---- 审计日志: verification, the log filtered, the access log ----------------------------
{
  const s = await open(W)
  await step('audit', async () => {
    await loginOk(s, byRole('auditor'))
    await s.page.goto(`${BASE}/audit`)
    const t = await (await s.page.waitForSelector('[data-test=intact]')).innerText()
    check(t.includes('完整'), `verification: "${t}"`)
    await s.page.waitForSelector('[data-test=audit-log] tbody tr')
    await s.page.click('[data-test=action]')
    await s.page.click('.el-select-dropdown__item:has-text("资金发放")')
    await s.page.waitForFunction(() => [...document.querySelectorAll('[data-test=audit-log] tbody tr')].every((r) => r.innerText.includes('pay.')))
    const actions = await s.page.$$eval('[data-test=audit-log] tbody tr', (rs) => rs.map((r) => r.innerText))
    check(actions.length > 0 && actions.some((a) => a.includes('shenhe02')), `pay.* entries with the approver: ${actions.length}`)
    await shot(s, 'audit-pay', W)
    await s.page.click('.el-tabs__item:has-text("查询留痕")')
    await s.page.waitForSelector('[data-test=access-log] tbody tr')
    const acc = await s.page.innerText('[data-test=access-log]')
    check(acc.includes('导出') || acc.includes('查看'), `access log: "${acc.slice(0, 80)}"`)
    await shot(s, 'audit-access', W)
  })
  await s.ctx.close()
}

void bad
void PHONE
await finish()
