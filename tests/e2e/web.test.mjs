// Browser tests of the web UI: Debian's Chromium driven by playwright-core
// against a real `jiuzhu serve` (tests/e2e/run.sh starts it and sets the
// environment).  Every page is screenshotted at 1366×768 (the office PC)
// and 390×844 (a phone) into $SHOTS/NAME-WIDTH.png.  A page fails the test
// on any console error, page error or failed request that the step did not
// expect, and on any 18-character ID number shown whole.
//
// The harness (environment, users, Chromium, watchers, screenshots) is
// lib.mjs; the pages' own tests are the other tests/e2e/*.test.mjs.
import {
  BASE,
  PW,
  ROLE_ZH,
  WIDTHS,
  bad,
  byRole,
  check,
  closeDrawer,
  finish,
  login,
  loginOk,
  menuTexts,
  open,
  shot,
  users,
} from './lib.mjs'
import { PAGES } from '../../web/src/menu.js'

// What each role is shown in the left menu: the built pages of
// web/src/menu.js's table that the role may open, in its order (the test
// checks that the browser shows exactly those).
const MENU = Object.fromEntries(
  Object.keys(ROLE_ZH).map((r) => [r, PAGES.filter((p) => p.menu !== false && p.page && p.roles.includes(r)).map((p) => p.title)]),
)
const PANELS = {
  admin: ['users'],
  analyst: ['alerts', 'batches', 'paydue'],
  reviewer: ['cases', 'alerts', 'referrals', 'batches', 'paydue'],
  caseworker: ['cases', 'alerts', 'referrals'],
  assistant: ['village'],
  dept: ['referrals'],
  auditor: ['alerts', 'referrals', 'batches', 'paydue'],
}
// ---- every role: menu, header, 工作台 panels, logout ------------------------------
for (const width of WIDTHS) {
  for (const role of Object.keys(MENU)) {
    const u = byRole(role)
    const s = await open(width)
    try {
      await loginOk(s, u)
      // The panels: exactly the role's, each loaded without an error.
      await s.page.waitForFunction(() => !document.querySelector('.panel .el-skeleton'), null, { timeout: 15000 })
      const panels = await s.page.$$eval('[data-panel]', (els) => els.map((e) => e.dataset.panel))
      check(JSON.stringify(panels) === JSON.stringify(PANELS[role]), `${role}: panels ${panels} (wanted ${PANELS[role]})`)
      const errs = await s.page.$$eval('.panel .el-alert--error', (els) => els.map((e) => e.innerText))
      check(errs.length === 0, `${role}: a panel shows an error: ${errs.join('; ')}`)
      const who = await s.page.innerText('[data-test=who]')
      check(who.includes(u.name) && who.includes(ROLE_ZH[role]), `${role}: header "${who}" lacks name or role`)
      const me = await s.page.evaluate(async () => (await (await fetch('/api/me')).json()).user)
      check(me.scope_zh && who.includes(me.scope_zh), `${role}: header "${who}" lacks the region "${me.scope_zh}"`)
      await shot(s, `workbench-${role}`, width)
      const menu = await menuTexts(s, width)
      check(JSON.stringify(menu) === JSON.stringify(MENU[role]), `${role}: menu ${menu} (wanted ${MENU[role]})`)
      if (width.mobile && role === 'reviewer') await shot(s, 'menu', width, false)
      if (width.mobile) await closeDrawer(s)
      // A page the role may not open lands on the 工作台.
      await s.page.goto(`${BASE}/users`)
      await s.page.waitForSelector('[data-test=who]')
      check(new URL(s.page.url()).pathname === '/' || role === 'admin', `${role}: /users not sent back to 工作台`)
      // Logout: back to 登录, and the 工作台 is no longer reachable.
      await s.page.goto(`${BASE}/`)
      await s.page.waitForSelector('[data-test=who]')
      // The 工作台's panels loaded first, as a person sees them before
      // leaving: a panel's request still on its way when the session ends
      // is rightly refused (401), and would be counted as a problem here.
      await s.page.waitForLoadState('networkidle')
      await s.page.click('.logout')
      await s.page.waitForURL((url) => url.pathname === '/login')
      await s.page.goto(`${BASE}/`)
      await s.page.waitForURL((url) => url.pathname === '/login')
      check(true, 'logout')
      await shot(s, 'login', width)
    } catch (e) {
      bad(`${role} at ${width.w}: ${e.message.split('\n')[0]}`)
    } finally {
      await s.ctx.close()
    }
  }
}

// ---- a wrong password: the server's message ---------------------------------------
for (const width of WIDTHS) {
  const s = await open(width)
  s.allow.add('/api/login')
  try {
    await login(s, byRole('auditor'), 'not-the-password-1')
    const msg = await (await s.page.waitForSelector('[data-test=login-error]')).innerText()
    check(msg.includes('登录名或密码错误'), `wrong password: "${msg}"`)
    await shot(s, 'login-error', width)
  } catch (e) {
    bad(`wrong password at ${width.w}: ${e.message.split('\n')[0]}`)
  } finally {
    await s.ctx.close()
  }
}

// ---- lockout after repeated failures --------------------------------------------
{
  const width = WIDTHS[0]
  const s = await open(width)
  s.allow.add('/api/login')
  const u = users.find((x) => x.login === 'suoding01')
  try {
    let msg = ''
    for (let i = 0; i < 6; i++) {
      await login(s, u, `wrong-password-${i}x`)
      msg = await (await s.page.waitForSelector('[data-test=login-error]')).innerText()
    }
    check(/账户已锁定至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.test(msg), `lockout: "${msg}"`)
    // Even the right password is refused while locked.
    await login(s, u)
    msg = await (await s.page.waitForSelector('[data-test=login-error]')).innerText()
    check(msg.includes('账户已锁定'), `locked, right password: "${msg}"`)
    await shot(s, 'login-locked', width)
  } catch (e) {
    bad(`lockout: ${e.message.split('\n')[0]}`)
  } finally {
    await s.ctx.close()
  }
}

// ---- change password --------------------------------------------------------------
for (const width of WIDTHS) {
  const s = await open(width)
  const u = users.find((x) => x.login === (width.mobile ? 'gaimi02' : 'gaimi01'))
  const fresh = `新的密码-${width.w}-Abc9`
  try {
    await loginOk(s, u)
    if (width.mobile) await s.page.click('.burger')
    await s.page.click('[data-test=menu] .el-menu-item:has-text("修改密码")')
    await s.page.waitForURL((url) => url.pathname === '/password')
    await shot(s, 'password', width)
    // A wrong old password: the server's reason beside the field.
    s.allow.add('/api/me/password')
    await s.page.fill('input[name=old_password]', 'not-my-password-9')
    await s.page.fill('input[name=new_password]', fresh)
    await s.page.fill('input[name=again]', fresh)
    await s.page.click('[data-test=password-submit]')
    const fieldErr = await (await s.page.waitForSelector('.el-form-item.is-error .el-form-item__error')).innerText()
    check(fieldErr.includes('登录名或密码错误'), `wrong old password: "${fieldErr}"`)
    await shot(s, 'password-error', width)
    // A new password the server refuses (too short): its reason.
    await s.page.fill('input[name=old_password]', PW)
    await s.page.fill('input[name=new_password]', 'short1')
    await s.page.fill('input[name=again]', 'short1')
    await s.page.click('[data-test=password-submit]')
    await s.page.waitForFunction(() => /至少/.test(document.querySelector('.el-form-item.is-error')?.innerText || ''))
    check(true, 'short new password refused')
    // The change: back to 登录 with the server's message; the new password works.
    s.allow.delete('/api/me/password')
    await s.page.fill('input[name=new_password]', fresh)
    await s.page.fill('input[name=again]', fresh)
    await s.page.click('[data-test=password-submit]')
    await s.page.waitForURL((url) => url.pathname === '/login')
    const notice = await s.page.innerText('[data-test=login-notice]')
    check(notice.includes('密码已修改'), `after the change: "${notice}"`)
    await loginOk(s, u, fresh)
    check(true, 'new password logs in')
    await s.page.click('.logout')
    await s.page.waitForURL((url) => url.pathname === '/login')
    s.allow.add('/api/login')
    await login(s, u, PW)
    const old = await (await s.page.waitForSelector('[data-test=login-error]')).innerText()
    check(old.includes('登录名或密码错误'), `the old password after the change: "${old}"`)
    s.problems.length = 0
  } catch (e) {
    bad(`change password at ${width.w}: ${e.message.split('\n')[0]}`)
  } finally {
    await s.ctx.close()
  }
}

// ---- a session ended elsewhere: back to 登录 with the server's reason --------------
{
  const width = WIDTHS[0]
  const s = await open(width)
  try {
    const u = byRole('auditor')
    await loginOk(s, u)
    // The session ended behind the page's back (logged out in another tab
    // of another browser with the same cookie): the next call is a 401
    // whose reason the login page shows.
    const [cookie] = (await s.ctx.cookies()).filter((c) => c.name === 'jz_session')
    const csrf = await s.page.evaluate(async () => (await (await fetch('/api/me')).json()).csrf_token)
    await s.page.evaluate(async (t) => (await fetch('/api/logout', { method: 'POST', headers: { 'X-CSRF-Token': t } })).text(), csrf)
    await s.ctx.addCookies([cookie])
    for (const p of ['/api/alerts', '/api/referrals', '/api/pay/batches', '/api/pay/due']) s.allow.add(p)
    await s.page.click('[data-test=refresh]')
    await s.page.waitForURL((url) => url.pathname === '/login')
    const notice = await s.page.innerText('[data-test=login-notice]')
    check(/会话已结束/.test(notice), `session ended: "${notice}"`)
    await shot(s, 'login-ended', width)
  } catch (e) {
    bad(`session ended: ${e.message.split('\n')[0]}`)
  } finally {
    await s.ctx.close()
  }
}

await finish()
