// The shared harness of the browser tests (tests/e2e/*.test.mjs): the
// environment run.sh sets, the users of demo-db.sh, Chromium through
// playwright-core, a context per width with watchers (console errors,
// page errors, failed requests, HTTP errors not expected), screenshots
// that also check for whole ID numbers, login, and the counts.
//
// Environment: BASE (http://127.0.0.1:PORT), USERS (users.tsv of
// demo-db.sh), PW (their password), SHOTS (folder), WEB (the web/ folder,
// where playwright-core is installed), CHROMIUM (default /usr/bin/chromium).
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'

export const env = (k, d) => process.env[k] || d
export const BASE = env('BASE')
export const PW = env('PW')
export const SHOTS = env('SHOTS')
export const WEB = env('WEB')
const require = createRequire(path.join(WEB, 'package.json'))
const { chromium } = require('playwright-core')

export { ROLE_ZH } from '../../web/src/menu.js'
export const WIDTHS = [
  { w: 1366, h: 768, mobile: false },
  { w: 390, h: 844, mobile: true },
]

export const users = fs
  .readFileSync(env('USERS'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => {
    const [login, name, role, scope] = l.split('\t')
    return { login, name, role, scope }
  })
export const byRole = (r) => users.find((u) => u.role === r)
export const byLogin = (l) => users.find((u) => u.login === l)

let passed = 0
let failed = 0
export const ok = () => passed++
export function bad(what) {
  failed++
  console.error(`FAIL: ${what}`)
}
export function check(cond, what) {
  if (cond) ok()
  else bad(what)
}

// playwright-core starts Chromium with a fresh, empty profile of its own
// (its --user-data-dir) and --headless.
export const browser = await chromium.launch({
  executablePath: env('CHROMIUM', '/usr/bin/chromium'),
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
})

// A browser context at one width with the watchers of every page: console
// errors, page errors, failed requests and HTTP errors, unless expected
// (`allow`: paths whose 4xx this step expects, e.g. a wrong password's 401).
export async function open(width) {
  const ctx = await browser.newContext({
    viewport: { width: width.w, height: width.h },
    deviceScaleFactor: 1,
    isMobile: width.mobile,
    hasTouch: width.mobile,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  const page = await ctx.newPage()
  const s = { ctx, page, problems: [], allow: new Set(['/api/me']) }
  const allowed = (u) => {
    try {
      return s.allow.has(new URL(u).pathname)
    } catch {
      return false
    }
  }
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    const loc = m.location() && m.location().url
    if (/Failed to load resource/.test(m.text()) && loc && allowed(loc)) return
    s.problems.push(`console: ${m.text()} (${loc || ''})`)
  })
  page.on('pageerror', (e) => s.problems.push(`page error: ${e.message}`))
  page.on('requestfailed', (r) => s.problems.push(`request failed: ${r.url()} ${r.failure() && r.failure().errorText}`))
  page.on('response', (r) => {
    if (r.status() >= 400 && !allowed(r.url())) s.problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`)
  })
  return s
}

export const ID18 = /(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])/

// Checks a page and screenshots it: no problem so far, no whole ID number.
export async function shot(s, name, width, fullPage = true) {
  await s.page.waitForLoadState('networkidle')
  await s.page.mouse.move(0, 0) // no hover tooltip in the picture
  await s.page.waitForTimeout(200) // transitions
  const file = path.join(SHOTS, `${name}-${width.w}.png`)
  await s.page.screenshot({ path: file, fullPage })
  const text = await s.page.innerText('body')
  const id = text.match(ID18)
  check(!id, `${name}-${width.w}: an ID number shown whole (${id && id[0].slice(0, 6)}…)`)
  check(s.problems.length === 0, `${name}-${width.w}: ${s.problems.join('; ')}`)
  s.problems.length = 0
}

export async function login(s, u, password = PW) {
  await s.page.goto(`${BASE}/login`)
  await s.page.fill('input[name=login]', u.login)
  await s.page.fill('input[name=password]', password)
  await s.page.click('[data-test=login-submit]')
}

export async function loginOk(s, u, password = PW) {
  await login(s, u, password)
  await s.page.waitForURL((url) => url.pathname === '/', { timeout: 15000 })
  await s.page.waitForSelector('[data-test=who]')
}

export async function menuTexts(s, width) {
  if (width.mobile) {
    await s.page.click('.burger')
    await s.page.waitForSelector('.menu-drawer [data-test=menu]', { state: 'visible' })
  }
  const items = await s.page.$$eval('[data-test=menu] .el-menu-item', (els) =>
    els.filter((e) => e.offsetParent !== null).map((e) => e.innerText.trim()),
  )
  return items
}

export async function closeDrawer(s) {
  await s.page.keyboard.press('Escape')
  await s.page.waitForSelector('.menu-drawer [data-test=menu]', { state: 'hidden' })
}


// Ends a test file: closes the browser, prints the counts, exits 1 on a
// failure.
export async function finish() {
  await browser.close()
  console.log(`${passed} passed, ${failed} failed`)
  process.exit(failed ? 1 : 0)
}

// Runs one step (a function of nothing) and counts an exception as a
// failure named `what`.
export async function step(what, fn) {
  try {
    await fn()
  } catch (e) {
    bad(`${what}: ${e.message.split('\n')[0]}`)
  }
}
