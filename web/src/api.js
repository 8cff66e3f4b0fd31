// The one client of jiuzhu's JSON API (docs/server.md).
//
// The session is the HttpOnly cookie `jz_session`, which the browser sends by
// itself; every request that changes something also sends the `csrf_token`
// of the login (or of GET /api/me) as `X-CSRF-Token`.  Errors are JSON bodies
// {"error": {"code", "status", "message", "reason", "field", ...}} with a
// Chinese message: they are thrown as ApiError, whose message is the
// server's.  A 401 (not logged in, session ended) goes back to 登录 through
// the handler main.js installs.

let csrfToken = ''
let onUnauthorized = null

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {}
    super(e.message || `服务器返回 ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.code = e.code || 'http'
    this.reason = e.reason || this.message
    this.field = e.field || null
    this.value = e.value || null
    this.retry = !!e.retry
    this.body = body
  }
}

export function setCsrf(token) {
  csrfToken = token || ''
}

export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn
}

// For a caller that asked quiet401 and then finds the 401 is the session's.
export function unauthorized(err) {
  if (onUnauthorized) onUnauthorized(err)
}

function url(path, query) {
  if (!query) return path
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `${path}?${s}` : path
}

// request('GET', '/api/cases/due', {query: {within: 5}}) -> the JSON answer.
// options: query (object), body (object, sent as JSON), text (a file's
// contents sent as they are, with `type`), raw (return the
// Response itself: files), quiet401 (do not go back to 登录 on a 401).
export async function request(method, path, options = {}) {
  const headers = { Accept: 'application/json' }
  const init = { method, headers, credentials: 'same-origin' }
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(options.body)
  } else if (options.text !== undefined) {
    // A file sent as it is (a department's CSV): text, not JSON.
    headers['Content-Type'] = options.type || 'text/csv; charset=utf-8'
    init.body = options.text
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  let res
  try {
    res = await fetch(url(path, options.query), init)
  } catch {
    throw new ApiError(0, { error: { message: '无法连接服务器，请检查网络后重试', code: 'network' } })
  }
  if (options.raw && res.ok) return res
  const text = await res.text()
  let body = null
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    body = null
  }
  if (!res.ok) {
    const err = new ApiError(res.status, body)
    if (res.status === 401 && !options.quiet401 && onUnauthorized) onUnauthorized(err)
    throw err
  }
  return body
}

export const api = {
  get: (path, query, options = {}) => request('GET', path, { ...options, query }),
  post: (path, body, options = {}) => request('POST', path, { ...options, body: body ?? {} }),
  put: (path, body, options = {}) => request('PUT', path, { ...options, body }),
}

// Money is integer fen; shown in yuan with two decimals.
export function yuan(fen) {
  if (fen === null || fen === undefined) return ''
  const neg = fen < 0
  const a = Math.abs(fen)
  const s = `${Math.floor(a / 100).toLocaleString('zh-CN')}.${String(a % 100).padStart(2, '0')}`
  return neg ? `-${s}` : s
}

// Yuan as typed ("719", "719.5", "719.50") -> integer fen, or null when it
// is not an amount with at most two decimals.  The server checks again.
export function toFen(text) {
  const s = String(text ?? '').trim().replace(/,/g, '')
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(s)
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'))
}
export function fenToInput(fen) {
  if (fen === null || fen === undefined) return ''
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`
}
