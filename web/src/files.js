// Files to and from the API (the pay pages' bank files, result files, the
// statistics workbook), beside api.js: a download saves the answer under
// the server's file name; an upload sends a file as the request's body.
// Errors are api.js's ApiError with the server's Chinese message.
import { request } from './api.js'

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
// the JSON answer (api.js's request: the session's CSRF token, the
// server's refusal as an ApiError).
export function upload(path, file, query, type = 'text/csv') {
  return request('POST', path, { query, text: file, type })
}
