// Helpers shared by the pages of case work (案件办理, 公示公布, 预警处置,
// 部门数据): deadlines in working days, yuan typed by a user, departments,
// files from the server, the day as the browser sees it.
import { request } from './api.js'

const pad = (n) => String(n).padStart(2, '0')
export function todayISO() {
  const d = new Date()
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

// Deadlines in working days as the server counts them: overdue red, due
// within 5 working days orange.
export function dueClass(left, late) {
  if (late || (left !== null && left !== undefined && left < 0)) return 'overdue'
  if (left !== null && left !== undefined && left <= 5) return 'due-soon'
  return ''
}
export function daysText(left, late) {
  if (left === null || left === undefined) return late ? '已逾期' : '—'
  if (left < 0) return `逾期 ${-left} 个工作日`
  if (left === 0) return '今日到期'
  return `剩 ${left} 个工作日`
}

// The departments (docs/api-monitor.md), English name -> Chinese.
export const DEPTS = {
  medical: '医保',
  disability: '残联',
  hrss: '人社',
  education: '教育',
  health: '卫健',
  death: '公安',
  justice: '司法',
  emergency: '应急',
  housing: '住建',
  property: '不动产',
  vehicle: '车管',
  business: '市场监管',
  payroll: '财政供养',
  fpm: '乡村振兴',
  bank: '银行',
  union: '工会',
  veterans: '退役军人事务',
  marriage: '婚姻登记',
  funeral: '殡葬',
  housing_fund: '公积金',
  pension: '养老金',
  traffic: '道路交通事故',
}

// A document the server renders as HTML (a notice, a 公示/公布 list): its
// body, to be shown in the page's print view.  The server escapes every
// value it writes; the page's own CSS styles it.
export async function serverHtml(path, query) {
  const res = await request('GET', path, { query: { ...query, format: 'html' }, raw: true })
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html')
  doc.querySelectorAll('script, style, link').forEach((e) => e.remove())
  return { title: doc.title, body: doc.body.innerHTML }
}
