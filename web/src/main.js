import { createApp } from 'vue'
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import App from './App.vue'
import { router } from './router.js'
import { setUnauthorizedHandler } from './api.js'
import { forget } from './session.js'
import './style.css'

// A 401 from any call: the session ended (idle, too old, password changed,
// logged out elsewhere).  Back to 登录 with the server's reason.
setUnauthorizedHandler((err) => {
  forget()
  const here = router.currentRoute.value
  if (here.name !== 'login') {
    ElMessage({ type: 'warning', message: err.message, grouping: true })
    router.push({ name: 'login', query: { redirect: here.fullPath, reason: err.message } })
  }
})

createApp(App).use(router).mount('#app')
