// bench_web.mjs - the 工作台's first meaningful paint on loopback (issue 15
// "Performance"), beside its peer: the login page of the same server (the
// smallest page of the app, no API data).  Run by bench_web.sh, which
// starts the server on a demo county and sets BASE, USERS, PW, WEB.
//
// For each of RUNS runs, a fresh browser context (empty cache) logs in
// through the API, then opens "/" and measures, from the navigation's
// start: first-contentful-paint, and the moment the 工作台's panels are
// filled (no skeleton left: the first meaningful paint of its data).
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'

const { BASE, USERS, PW, WEB } = process.env
const RUNS = Number(process.env.RUNS || 7)
const require = createRequire(path.join(WEB, 'package.json'))
const { chromium } = require('playwright-core')
const users = fs.readFileSync(USERS, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'))
const reviewer = users.find((u) => u[2] === 'reviewer')

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
})
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]

async function measure(url, login, ready) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } })
  const page = await ctx.newPage()
  if (login) {
    const r = await page.request.post(`${BASE}/api/login`, { data: { login: reviewer[0], password: PW } })
    if (!r.ok()) throw new Error(`login: ${r.status()}`)
  }
  await page.goto(url)
  if (ready) await page.waitForFunction(ready, null, { timeout: 20000 })
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0]
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]
    return { fcp: fcp ? fcp.startTime : NaN, now: performance.now() - (nav ? nav.startTime : 0) }
  })
  await ctx.close()
  return t
}

const peer = [], fcp = [], full = []
for (let i = 0; i < RUNS; i++) {
  peer.push((await measure(`${BASE}/login`, false, null)).fcp)
  const w = await measure(`${BASE}/`, true, () =>
    document.querySelectorAll('[data-panel]').length > 0 && !document.querySelector('.panel .el-skeleton'))
  fcp.push(w.fcp)
  full.push(w.now)
}
await browser.close()
const ms = (v) => `${v.toFixed(0)} ms`
console.log(`runs: ${RUNS} (median), 1366×768, empty cache each run`)
console.log(`peer: the login page, first contentful paint          ${ms(median(peer))}`)
console.log(`工作台 (reviewer): first contentful paint               ${ms(median(fcp))}`)
console.log(`工作台 (reviewer): panels filled (first meaningful paint) ${ms(median(full))}   target < 1000 ms: ${median(full) < 1000 ? 'PASS' : 'MISSED'}`)
console.log(`ratio 工作台 filled / peer paint: ${(median(full) / median(peer)).toFixed(2)}`)
