// The rules' titles in Chinese, keyed by rule ID, from the engine's own
// table (GET /api/rules, what `jiuzhu rules` prints): read once per page
// load, on demand.  Until they arrive (or if the call fails) a rule shows
// as its ID.
import { ref } from 'vue'
import { api } from './api.js'

const titles = ref({})
let loading = null

export function loadRules() {
  if (!loading)
    loading = api
      .get('/api/rules')
      .then((b) => {
        titles.value = Object.fromEntries((b.rules || []).map((r) => [r.id, r.title]))
      })
      .catch(() => {
        loading = null
      })
  return loading
}

export const ruleTitle = (id) => titles.value[id] || id
