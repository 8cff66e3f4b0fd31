// Files to and from the API (the pay pages' bank files, result files, the
// statistics workbook), beside api.js: a download saves the answer under
// the server's file name; an upload sends a file as the request's body.
// Errors are api.js's ApiError with the server's Chinese message.
import { ApiError, request, unauthorized } from './api.js'

// The file name of a Content-Disposition header (filename*= or filename=).
function fileName(res, fallback) {
  const cd = res.headers.get('Content-Disposition') || ''
  const star = cd.match(/filename\*=UTF-8''([^;]+)/i)
  if (star) return decodeURIComponent(star[1])
  const plain = cd.match(/filename="?([^";]+)"?/i)
  return plain ? plain[1] : fallback
}

// Asks the server (GET or POST), saves its answer as a file; returns the
// file's name.
export async function download(method, path, query, fallback = 'download') {
  const res = await request(method, path, { query, raw: true })
  const blob = await res.blob()
  const name = fileName(res, fallback)
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(a.href), 1000)
  return name
}

// Sends a File as the body of a POST (type: its Content-Type) and returns
// the JSON answer.  The CSRF token is the session's (GET /api/me).
export async function upload(path, file, query, type = 'text/csv') {
  const me = await request('GET', '/api/me')
  const q = new URLSearchParams(query || {}).toString()
  let res
  try {
    res = await fetch(q ? `${path}?${q}` : path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': type, 'X-CSRF-Token': me.csrf_token },
      body: file,
    })
  } catch {
    throw new ApiError(0, { error: { message: '无法连接服务器，请检查网络后重试', code: 'network' } })
  }
  const text = await res.text()
  let body = null
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    body = null
  }
  if (!res.ok) {
    const err = new ApiError(res.status, body)
    if (res.status === 401) unauthorized(err)
    throw err
  }
  return body
}
