// Browser test of 申请受理, 低收入人口 (户列表) and 户详情 (issue 15 items 3, 4).
//
// A village assistant enters a new household with a wrong ID number and a
// wrong amount (both shown beside their fields as typed), two heads (the
// server's error beside the second's relation), finds her draft again
// after a reload, fixes everything and saves.  The township caseworker
// finds the household in the list and accepts the application (一次申请;
// one member registered as a staff member's relative first, so the 备案
// shows).  The household's page shows the determination, the decisive
// rules, the trace, the chain and a what-if.  A caseworker of another
// county finds nothing.  Screenshots of every page at both widths.
//
// Changes to the demo database: two new households in the assistant's
// village (one per width), one case, one staff member and his relative.
import {
  BASE,
  ID18,
  SHOTS,
  WIDTHS,
  bad,
  byLogin,
  check,
  finish,
  loginOk,
  open,
  shot,
  step,
} from './lib.mjs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const id18 = (first17) => first17 + '10X98765432'[[...first17].reduce((s, c, i) => s + Number(c) * W[i], 0) % 11]
const wrongCheck = (id) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1')
const rnd = () => String(100 + Math.floor(Math.random() * 800))
// Two adults and a child, not in the generated county (born 1961/1963/1990).
const people = (tag) => ({
  head: id18(`14090219610${tag}15${rnd()}`),
  spouse: id18(`14090219630${tag}22${rnd()}`),
  child: id18(`14090219900${tag}07${rnd()}`),
})

// The last working day before today (accepting is a working day's act,
// R-WF-3), as the server's calendar counts it.
const pad = (n) => String(n).padStart(2, '0')
const now = new Date()
const today = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
const workday = (n) => (execFileSync(process.env.JZ, ['calendar', 'add', today, String(n)], { encoding: 'utf8' }).match(/[0-9]{4}-[0-9]{2}-[0-9]{2}/g) || []).pop()
const lastWorkday = workday(-1)
// A day whose deadline the holiday calendar still covers (near a year's
// end the calendar of the next year may not be published yet).
const earlierWorkday = workday(-25)

const assistant = byLogin('xieli01')
const caseworker = byLogin('jingban01')
const reviewer = byLogin('shenhe01')
const outsider = byLogin('waixian01')

// The household's own page shows its members' ID numbers whole: the
// screenshot check allows exactly those and no other.
async function shotOwn(s, name, width, ids) {
  await s.page.waitForLoadState('networkidle')
  await s.page.mouse.move(0, 0)
  await s.page.waitForTimeout(200)
  await s.page.screenshot({ path: path.join(SHOTS, `${name}-${width.w}.png`), fullPage: true })
  const text = await s.page.innerText('body')
  const others = (text.match(new RegExp(ID18.source, 'g')) || []).filter((x) => !ids.includes(x))
  check(others.length === 0, `${name}-${width.w}: an ID number not of this household shown whole`)
  check(s.problems.length === 0, `${name}-${width.w}: ${s.problems.join('; ')}`)
  s.problems.length = 0
}

// The error text beside the form item holding `selector`.
async function fieldError(s, selector) {
  const item = s.page.locator('.el-form-item', { has: s.page.locator(selector) }).last()
  const err = item.locator('.el-form-item__error')
  await err.waitFor({ timeout: 5000 })
  return err.innerText()
}

async function choose(s, selectSel, option) {
  await s.page.click(selectSel)
  await s.page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click()
}

// Drops the expected failed request of a step (a 4xx the page shows).
function expectFailed(s, re) {
  const before = s.problems.length
  s.problems.splice(0, s.problems.length, ...s.problems.filter((p) => !re.test(p)))
  return before - s.problems.length
}

async function menuTo(s, width, title) {
  if (width.mobile) await s.page.click('.burger')
  await s.page.click(`[data-test=menu] .el-menu-item:has-text("${title}")`)
}

const saved = {}

for (const width of WIDTHS) {
  const tag = width.mobile ? '2' : '1'
  const ids = people(tag)
  // ---- the assistant enters the household -------------------------------------------
  {
    const s = await open(width)
    await step(`intake at ${width.w}`, async () => {
      await loginOk(s, assistant)
      await menuTo(s, width, '申请受理')
      await s.page.waitForURL((u) => u.pathname === '/intake')
      await s.page.waitForSelector('[data-test=draft-note]')
      const region = await s.page.inputValue('input[name=region]')
      check(region === assistant.scope, `intake: region prefilled "${region}" (wanted ${assistant.scope})`)
      await shot(s, 'intake', width)
      // A wrong check character: refused as typed, beside the field.
      await s.page.fill('input[name="members[0].id"]', wrongCheck(ids.head))
      await s.page.fill('input[name="members[0].name"]', '测试户主')
      let msg = await fieldError(s, 'input[name="members[0].id"]')
      check(msg.includes('校验码错误') && msg.includes(ids.head[17]), `wrong ID: "${msg}"`)
      // A wrong amount (three decimals).
      await s.page.click('[data-test="members[0].add-income"]')
      await s.page.fill('input[name="members[0].income[0].amount"]', '3600.555')
      msg = await fieldError(s, 'input[name="members[0].income[0].amount"]')
      check(msg.includes('最多两位小数'), `wrong amount: "${msg}"`)
      await s.page.click('[data-test=save]')
      const top = await (await s.page.waitForSelector('[data-test=save-error]')).innerText()
      check(top.includes('2 处'), `save with two errors: "${top}"`)
      await shot(s, 'intake-errors', width)
      // Fixed: birth date and sex filled from the number.
      await s.page.fill('input[name="members[0].id"]', ids.head)
      await s.page.fill('input[name="members[0].income[0].amount"]', '3600.5')
      const info = await s.page.innerText('[data-member="0"] .el-card__header')
      check(info.includes('1961') && /男|女/.test(info), `ID filled birth and sex: "${info}"`)
      check((await s.page.locator('[data-member="0"] .el-form-item.is-error').count()) === 0, 'errors gone after the fix')
      // A second member, also 户主: only the server knows (exactly one head).
      await s.page.click('[data-test=add-member]')
      await s.page.fill('input[name="members[1].id"]', ids.spouse)
      await s.page.fill('input[name="members[1].name"]', '测试配偶')
      await choose(s, '[data-test="members[1].relation"]', '户主')
      await s.page.click('[data-test=save]')
      msg = await fieldError(s, '[data-test="members[1].relation"]')
      check(/户主/.test(msg), `two heads: the server's reason beside the relation: "${msg}"`)
      const n = expectFailed(s, /HTTP 422: PUT .*\/api\/households\/|Failed to load resource.*422/)
      check(n >= 1, 'the 422 of two heads was seen')
      // The draft survives a reload.
      await s.page.waitForTimeout(500)
      await s.page.reload()
      await s.page.waitForSelector('[data-test=draft-restored]')
      check((await s.page.inputValue('input[name="members[1].name"]')) === '测试配偶', 'draft restored after reload')
      await shot(s, 'intake-draft', width)
      // Fixed and saved, with a child in school.
      await choose(s, '[data-test="members[1].relation"]', '配偶')
      await s.page.click('[data-test=add-member]')
      await s.page.fill('input[name="members[2].id"]', ids.child)
      await s.page.fill('input[name="members[2].name"]', '测试子女')
      await s.page.click('[data-test=save]')
      await s.page.waitForSelector('[data-test=saved]')
      const title = await s.page.innerText('[data-test=saved] .el-result__title')
      const hh = (title.match(/H140902-[0-9]+/) || [])[0]
      check(!!hh && hh.startsWith(`H${assistant.scope.slice(0, 6)}-`), `saved: "${title}"`)
      saved[width.w] = { hh, ids }
      await shot(s, 'intake-saved', width)
      // The draft is gone once saved.
      const left = await s.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('jiuzhu.intake.')))
      check(left.length === 0, `drafts left after saving: ${left}`)
    })
    await s.ctx.close()
  }
  const { hh } = saved[width.w] || {}
  if (!hh) continue

  // ---- a staff member's relative (R-WF-5), registered by the county -----------------
  if (!width.mobile) {
    const s = await open(width)
    await step('staff relative', async () => {
      await loginOk(s, reviewer)
      const staffId = id18(`14090219700512${rnd()}`)
      const r = await s.page.evaluate(
        async ([staffId, rel]) => {
          const csrf = (await (await fetch('/api/me')).json()).csrf_token
          const post = (p, b) => fetch(p, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(b) }).then((x) => x.status)
          return [
            await post('/api/staff', { county: '140902', id: staffId, name: '测试干部', unit: '镇民政办' }),
            await post('/api/staff/relatives', { staff_id: staffId, id: rel, name: '测试配偶', relation: '兄弟姐妹' }),
          ]
        },
        [staffId, saved[width.w].ids.spouse],
      )
      check(r[0] === 201 && r[1] === 201, `staff and relative registered: ${r}`)
    })
    await s.ctx.close()
  }

  // ---- the caseworker finds it and accepts the application ------------------------------
  {
    const s = await open(width)
    await step(`accept at ${width.w}`, async () => {
      await loginOk(s, caseworker)
      await menuTo(s, width, '低收入人口')
      await s.page.waitForURL((u) => u.pathname === '/households')
      await s.page.waitForSelector('[data-test=households] .el-table__row')
      await shot(s, 'households', width)
      await s.page.fill('input[name=q]', hh)
      await s.page.click('[data-test=search]')
      await s.page.waitForURL((u) => u.searchParams.get('q') === hh)
      await s.page.waitForFunction(() => document.querySelectorAll('[data-test=households] .el-table__row').length === 1)
      const row = await s.page.innerText('[data-test=households] .el-table__row')
      check(row.includes(hh) && row.includes('测试户主'), `list row: "${row}"`)
      check(!ID18.test(row), 'list row masks the ID')
      await shot(s, 'households-search', width)
      await s.page.click('[data-test=households] .el-table__row')
      await s.page.waitForURL((u) => u.pathname === `/households/${hh}`)
      await s.page.waitForSelector('[data-test=determination]')
      await s.page.click('[data-test=accept-open]')
      const mode = await s.page.locator('[data-test=accept-mode] .el-radio.is-checked').innerText()
      check(mode.includes('一次申请'), `一次申请 by default: "${mode}"`)
      await shotOwn(s, 'accept', width, Object.values(saved[width.w].ids))
      await s.page.fill('[data-test=accept-note]', '入户走访时申请')
      await s.page.fill('[data-test=accept] .el-date-editor input', lastWorkday)
      await s.page.click('[data-test=accept] .title')
      check((await s.page.inputValue('[data-test=accept] .el-date-editor input')) === lastWorkday, 'acceptance date set')
      await s.page.click('[data-test=accept-submit]')
      let answer = await (await s.page.waitForSelector('[data-test=accept-done], [data-test=accept-error]')).innerText()
      if (await s.page.$('[data-test=accept-error]')) {
        // Refused for the date (the deadline beyond the holiday calendar):
        // the server's reason beside the date, then an earlier day.
        const beside = await fieldError(s, 'input[placeholder="今天"]')
        check(beside.includes('节假日') || beside.includes('工作日'), `accept refused for another reason: "${answer}"`)
        expectFailed(s, /HTTP 422: POST .*\/api\/cases|Failed to load resource.*422/)
        await s.page.fill('[data-test=accept] .el-date-editor input', earlierWorkday)
        await s.page.click('[data-test=accept] .title')
        await s.page.click('[data-test=accept-submit]')
        answer = await (await s.page.waitForSelector('[data-test=accept-done], [data-test=accept-error]')).innerText()
        check(!(await s.page.$('[data-test=accept-error]')), `accept refused: "${answer}"`)
      }
      const done = await (await s.page.waitForSelector('[data-test=accept-done]')).innerText()
      check(/已受理：案件 \d+/.test(done) && done.includes('一次申请'), `accepted: "${done}"`)
      if (!width.mobile) {
        const rel = await (await s.page.waitForSelector('[data-test=staff-relative]')).innerText()
        check(rel.includes('备案') && rel.includes('入户调查'), `staff relative: "${rel}"`)
      }
      await shotOwn(s, 'accept-done', width, Object.values(saved[width.w].ids))
    })
    await s.ctx.close()
  }

  // ---- the household's page: determination, trace, chain, what-if -------------------------
  {
    const s = await open(width)
    await step(`household at ${width.w}`, async () => {
      await loginOk(s, caseworker)
      await s.page.goto(`${BASE}/households/${hh}`)
      await s.page.waitForSelector('[data-test=det-category]')
      const ownIds = Object.values(saved[width.w].ids)
      const members = await s.page.innerText('[data-test=members]')
      check(members.includes(saved[width.w].ids.head), 'the household page shows its own IDs whole')
      const nDecisive = await s.page.locator('[data-test=decisive] .el-table__row').count()
      check(nDecisive > 0, 'decisive rules listed')
      const dec = await s.page.innerText('[data-test=decisive]')
      check(/R-[A-Z]+/.test(dec) && /号|办法|规定/.test(dec), `decisive rules with sources: "${dec.slice(0, 80)}"`)
      await s.page.waitForSelector('[data-test=chain] .el-timeline-item')
      const chain = await s.page.innerText('[data-test=chain]')
      check(chain.includes('受理'), 'the chain shows the case accepted')
      await shotOwn(s, 'household', width, ownIds)
      await s.page.click('[data-test=trace-toggle]')
      const nTrace = await s.page.locator('[data-test=trace] .el-table__row').count()
      check(nTrace > 5, `trace rows: ${nTrace}`)
      await shotOwn(s, 'household-trace', width, ownIds)
      await s.page.click('[data-test=trace-toggle]')
      // What-if: a bad value refused by the server beside the field, then
      // a higher rural standard.
      await s.page.click('[data-test=whatif] button:has-text("添加参数")')
      await s.page.locator('[data-test=whatif] .wi-val input').first().fill('abc')
      await s.page.click('[data-test=wi-run]')
      const wiErr = await (await s.page.waitForSelector('[data-test=wi-error]')).innerText()
      check(wiErr.length > 0, `what-if bad value: "${wiErr}"`)
      expectFailed(s, /HTTP 422: POST .*\/api\/assess|Failed to load resource.*422/)
      await s.page.locator('[data-test=whatif] .wi-val input').first().fill('3000')
      await s.page.click('[data-test=wi-run]')
      await s.page.waitForSelector('[data-test=wi-result]')
      const res = await s.page.innerText('[data-test=wi-result]')
      check(res.includes('现行认定') && res.includes('测算结果') && res.includes('3000.00'), `what-if result: "${res.slice(0, 120)}"`)
      await s.page.locator('[data-test=wi-result]').scrollIntoViewIfNeeded()
      await shotOwn(s, 'household-whatif', width, ownIds)
      // Nothing saved: the page again shows the standard in force.
      await s.page.reload()
      await s.page.waitForSelector('[data-test=det-category]')
      const after = await s.page.innerText('[data-test=determination]')
      check(!after.includes('3000.00 元/月'), 'what-if saved nothing')
      s.problems.length = 0
    })
    await s.ctx.close()
  }

  // ---- a caseworker of another county sees none of it -----------------------------------------
  {
    const s = await open(width)
    s.allow.add(`/api/households/${hh}`)
    await step(`outsider at ${width.w}`, async () => {
      await loginOk(s, outsider)
      await s.page.goto(`${BASE}/households?q=${hh}`)
      await s.page.waitForSelector('[data-test=households] .el-table__empty-text')
      const n = await s.page.locator('[data-test=households] .el-table__row').count()
      check(n === 0, `outsider's list shows ${n} rows for ${hh}`)
      await shot(s, 'households-outsider', width)
      await s.page.goto(`${BASE}/households/${hh}`)
      await s.page.waitForSelector('[data-test=not-found]')
      const t = await s.page.innerText('[data-test=not-found]')
      check(t.includes('未找到') && !t.includes('测试户主'), `outsider's household page: "${t}"`)
      expectFailed(s, /Failed to load resource.*404/)
      await shot(s, 'household-outsider', width)
    })
    await s.ctx.close()
  }
}

if (!saved[WIDTHS[0].w]) bad('no household was saved')
await finish()
