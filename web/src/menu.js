// The pages of the platform, their routes, and who sees them: ONE table.
//
// Each row: `path` and `name` of the route, `title` (the menu's Chinese
// text), `roles` (the roles the page is shown to: those whose API calls it
// makes the server's route table allows, docs/server.md "The routes"),
// `icon` (a name of icons.js), `menu` (false: reached from other pages, not
// from the left menu), and `page`: the page's component, loaded on demand,
// or null while the page is not built yet.  A row without a page is still a
// registered route (links and bookmarks to it land on the 工作台) but shows
// nowhere in the menu, and panels do not link to it.
//
// To add a page: write web/src/pages/NAME.vue and set `page` in its row to
// () => import('./pages/NAME.vue').  Nothing else needs to change.

export const ROLE_ZH = {
  admin: '管理员',
  analyst: '省级分析员',
  reviewer: '县级审核员',
  caseworker: '乡镇经办员',
  assistant: '村协理员',
  dept: '部门数据员',
  auditor: '审计员',
}

const ALL = Object.keys(ROLE_ZH)
const READERS = ['analyst', 'reviewer', 'caseworker', 'assistant', 'auditor']
const PAY = ['analyst', 'reviewer', 'auditor']

export const PAGES = [
  {
    path: '/',
    name: 'workbench',
    title: '工作台',
    icon: 'House',
    roles: ALL,
    page: () => import('./pages/Workbench.vue'),
  },
  { path: '/intake', name: 'intake', title: '申请受理', icon: 'EditPen', roles: ['caseworker', 'assistant'], page: () => import('./pages/Intake.vue') },
  { path: '/households', name: 'households', title: '低收入人口', icon: 'Files', roles: READERS, page: () => import('./pages/Households.vue') },
  { path: '/households/:id', name: 'household', title: '户详情', menu: false, roles: READERS, page: () => import('./pages/Household.vue') },
  { path: '/cases', name: 'cases', title: '案件办理', icon: 'Tickets', roles: READERS, page: () => import('./pages/Cases.vue') },
  { path: '/cases/:id', name: 'case', title: '案件', menu: false, roles: READERS, page: () => import('./pages/Case.vue') },
  { path: '/postings', name: 'postings', title: '公示公布', icon: 'Document', roles: READERS, page: () => import('./pages/Postings.vue') },
  { path: '/alerts', name: 'alerts', title: '预警处置', icon: 'Bell', roles: ['analyst', 'reviewer', 'caseworker', 'auditor'], page: () => import('./pages/Alerts.vue') },
  { path: '/alerts/:id', name: 'alert', title: '预警', menu: false, roles: ['analyst', 'reviewer', 'caseworker', 'dept', 'auditor'], page: () => import('./pages/Alert.vue') },
  { path: '/dept', name: 'dept', title: '部门数据', icon: 'Upload', roles: ['dept'], page: () => import('./pages/Dept.vue') },
  { path: '/pay', name: 'pay', title: '资金发放', icon: 'Wallet', roles: PAY, page: () => import('./pages/Pay.vue') },
  { path: '/stats', name: 'stats', title: '统计分析', icon: 'DataAnalysis', roles: PAY, page: () => import('./pages/Stats.vue') },
  { path: '/simulate', name: 'simulate', title: '政策测算', icon: 'Operation', roles: ['analyst', 'reviewer'], page: () => import('./pages/Simulate.vue') },
  { path: '/users', name: 'users', title: '用户管理', icon: 'User', roles: ['admin'], page: () => import('./pages/Users.vue') },
  { path: '/audit', name: 'audit', title: '审计日志', icon: 'Lock', roles: ['auditor'], page: () => import('./pages/Audit.vue') },
  {
    path: '/password',
    name: 'password',
    title: '修改密码',
    icon: 'Key',
    roles: ALL,
    page: () => import('./pages/ChangePassword.vue'),
  },
]

const byName = Object.fromEntries(PAGES.map((p) => [p.name, p]))

// Whether a page of that name is built and shown to the role.
export function canOpen(name, role) {
  const p = byName[name]
  return !!(p && p.page && p.roles.includes(role))
}

// The left menu of a role.
export function menuFor(role) {
  return PAGES.filter((p) => p.menu !== false && p.page && p.roles.includes(role))
}
