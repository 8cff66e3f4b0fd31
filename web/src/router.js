// Routes from the table of menu.js, under the layout; 登录 outside it.
// The guard only steers the user: the server refuses what a role may not do.
import { createRouter, createWebHistory } from 'vue-router'
import { PAGES } from './menu.js'
import { session, loadMe } from './session.js'
import Layout from './components/Layout.vue'

const children = PAGES.map((p) =>
  p.page
    ? { path: p.path.replace(/^\//, ''), name: p.name, component: p.page, meta: { title: p.title, roles: p.roles } }
    : { path: p.path.replace(/^\//, ''), name: p.name, redirect: { name: 'workbench' } },
)

export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/login', name: 'login', component: () => import('./pages/Login.vue'), meta: { title: '登录', public: true } },
    { path: '/', component: Layout, children },
    { path: '/:rest(.*)*', redirect: { name: 'workbench' } },
  ],
})

router.beforeEach(async (to) => {
  if (!session.loaded) await loadMe()
  if (to.meta.public) return session.user && to.name === 'login' ? { name: 'workbench' } : true
  if (!session.user) {
    const q = to.fullPath && to.fullPath !== '/' ? { redirect: to.fullPath } : {}
    return { name: 'login', query: q }
  }
  // A password set by an administrator, or expired: nothing but a change
  // (the server refuses everything else too).
  if (session.user.password_state && session.user.password_state !== 'ok' && to.name !== 'password') return { name: 'password' }
  if (to.meta.roles && !to.meta.roles.includes(session.user.role)) return { name: 'workbench' }
  return true
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - 救助业务平台` : '救助业务平台'
})
