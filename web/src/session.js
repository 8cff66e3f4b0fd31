// The logged-in user, as the server says (GET /api/me, POST /api/login).
// Nothing here decides what the user may do: the server checks every
// request again; the role only chooses which menu entries and panels to show.
import { reactive } from 'vue'
import { api, setCsrf } from './api.js'

export const session = reactive({
  user: null, // {login, name, role, role_zh, scope, scope_zh, dept, dept_zh}
  expiresAt: 0,
  loaded: false, // GET /api/me was asked once
})

function take(answer) {
  session.user = answer.user
  session.expiresAt = answer.expires_at || 0
  setCsrf(answer.csrf_token)
}

export function forget() {
  session.user = null
  session.expiresAt = 0
  setCsrf('')
}

// Whether a session exists (after a reload the cookie is still there).
export async function loadMe() {
  try {
    take(await api.get('/api/me', null, { quiet401: true }))
  } catch {
    forget()
  }
  session.loaded = true
  return session.user
}

export async function login(loginName, password) {
  const a = await api.post('/api/login', { login: loginName, password }, { quiet401: true })
  take(a)
  // /api/me adds what the login answer does not carry (the region's name).
  await loadMe()
  return session.user
}

export async function logout() {
  try {
    await api.post('/api/logout', {}, { quiet401: true })
  } finally {
    forget()
  }
}

// The region of a scope in words: "全省" for the whole store.
export function scopeText(user) {
  if (!user) return ''
  if (user.scope_zh) return user.scope_zh
  return user.scope ? user.scope : '全省'
}
