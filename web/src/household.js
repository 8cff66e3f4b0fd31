// The household record of FORMATS.md in the browser: the Chinese names of
// its enumerations, the GB 11643 check of ID numbers (as typed: the server
// checks again), amounts typed in yuan, and a field path's value.

const opts = (o) => Object.entries(o).map(([value, label]) => ({ value, label }))

export const ZH = {
  area: { rural: '农村', urban: '城市' },
  relation: { head: '户主', spouse: '配偶', child: '子女', parent: '父母', grandparent: '祖父母/外祖父母', grandchild: '孙子女/外孙子女', sibling: '兄弟姐妹', other: '其他' },
  presence: { present: '在家共同生活', prison: '服刑', detox: '强制隔离戒毒', missing: '失踪', religious_away: '宗教教职人员' },
  employment: { none: '无', employed: '就业', unemployed: '失业/无业', student: '在校学生', retired: '退休' },
  hardship: { epidemic: '疫情', disaster: '自然灾害', fire: '火灾', accident: '意外事故', sudden_illness: '突发重病', education_cost: '教育费用', medical_cost: '医疗费用' },
  disability: { vision: '视力', hearing: '听力', speech: '言语', limb: '肢体', intellectual: '智力', mental: '精神', multiple: '多重' },
  level: { nursery: '入托', kindergarten: '幼儿园', primary: '小学', junior: '初中', senior: '高中', vocational: '中职', college: '大专', undergraduate: '本科', postgraduate: '研究生' },
  supporter: { able: '有履行能力', tekun: '特困人员', dibao_elderly: '低保老年人', elderly_low_income: '低收入老年人', severe_disability_low_income: '低收入重度残疾人', no_capacity: '无履行能力', missing: '失踪', imprisoned: '服刑' },
  income: { wage: '工资性收入', business_net: '经营净收入', property_net: '财产净收入', pension: '养老金', unemployment_benefit: '失业保险金', alimony: '赡（抚、扶）养费', support_received: '获得的赡养费', support_from_sibling: '兄弟姐妹给付', support_from_elderly: '老年人给付', compensation: '赔偿金', donation: '捐赠', other: '其他收入', special_care: '优待抚恤金（不计入）', family_planning: '计划生育奖扶金（不计入）', scholarship: '奖学金（不计入）', heroism_award: '见义勇为奖励（不计入）', assistance: '社会救助款物（不计入）', basic_pension: '城乡居民基础养老金（不计入）', elderly_allowance: '高龄津贴（不计入）' },
  expense: { medical: '医疗自付', rehab: '康复、辅助器具', care: '照料护理', education: '教育（一学年）', other: '其他' },
  programme: { none: '无', dibao: '低保', dibao_expenditure: '支出型低保', marginal: '低保边缘', rigid_expenditure: '刚性支出困难', single_dibao: '单人保', tekun: '特困供养', temporary: '临时救助' },
  category: { dibao: '低保', dibao_expenditure: '支出型低保', single_dibao: '单人保', tekun: '特困', marginal: '低保边缘', rigid_expenditure: '刚性支出困难', none: '不符合' },
  care: { capable: '全自理', partial: '半失能', none: '全失能' },
  cause: { illness: '因病', disability: '因残', education: '因学' },
}
export const OPTIONS = Object.fromEntries(Object.entries(ZH).map(([k, v]) => [k, opts(v)]))
export const zh = (kind, v) => (v === null || v === undefined ? '—' : ZH[kind]?.[v] || v)

// GB 11643: the check character of the first 17 digits.
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const C = '10X98765432'
export function checkChar(first17) {
  let s = 0
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * W[i]
  return C[s % 11]
}

function validDate(y, m, d) {
  const t = new Date(Date.UTC(y, m - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d
}

// {error} or {birth_date, sex} of an 18-character ID number as typed.
export function idCheck(raw) {
  let id = (raw || '').trim().toUpperCase()
  if (!id) return { error: '请填写身份证号码' }
  // A 15-digit legacy number: 19 before the year, the check computed.
  if (/^[0-9]{15}$/.test(id)) id = id.slice(0, 6) + '19' + id.slice(6) + 'X'
  const legacy = id.length === 18 && /^[0-9]{15}$/.test((raw || '').trim())
  if (legacy) id = id.slice(0, 17) + checkChar(id)
  if (!/^[0-9]{17}[0-9X]$/.test(id)) return { error: `应为 18 位（前 17 位数字，末位数字或 X），现为 ${id.length} 位` }
  const y = Number(id.slice(6, 10))
  const m = Number(id.slice(10, 12))
  const d = Number(id.slice(12, 14))
  if (y < 1890 || !validDate(y, m, d)) return { error: `出生日期 ${id.slice(6, 14)} 不是有效日期` }
  const c = checkChar(id)
  if (id[17] !== c) return { error: `校验码错误：按前 17 位应为 ${c}，请核对号码（GB 11643）` }
  return { id, legacy, birth_date: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`, sex: Number(id[16]) % 2 ? 'male' : 'female' }
}

// An amount typed in yuan: '' (left out), or the record's text form with
// two decimals; {error} otherwise.
export function yuanText(raw) {
  const v = String(raw ?? '').trim()
  if (!v) return { text: '' }
  if (!/^[0-9]+(\.[0-9]{1,2})?$/.test(v)) return { error: `金额“${v}”应为元，最多两位小数，不能为负数` }
  const [a, b = ''] = v.split('.')
  return { text: `${String(Number(a))}.${(b + '00').slice(0, 2)}` }
}

// The value at a field path of the server's errors: members[0].income[1].amount.
export function getAt(obj, path) {
  let o = obj
  for (const part of path.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean)) {
    if (o === null || o === undefined) return undefined
    o = o[part]
  }
  return o
}

// A yuan text of the record ("1234.50") as fen.
export function fenOf(text) {
  if (text === null || text === undefined || text === '') return 0
  const [a, b = ''] = String(text).split('.')
  return Number(a) * 100 + Number((b + '00').slice(0, 2)) * (a.startsWith('-') ? -1 : 1)
}
