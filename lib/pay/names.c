/*
 * names.c - the names of payments' enumerations, in English (JSON, files)
 * and in Chinese (what people read).
 */
#include "jiuzhu/jz_pay.h"

const char *const jz_pay_kind_names[JZ_PAY_KIND_COUNT] = {"regular", "adjust", "once", "followup"};
const char *const jz_pay_kind_zh[JZ_PAY_KIND_COUNT] = {"正常发放", "调整（补发或冲减）",
                                                       "一次性发放", "退票重发"};
const char *const jz_pay_status_names[JZ_PL_STATUS_COUNT] = {
    "planned", "batched", "sent", "paid", "refused", "held", "superseded", "withdrawn"};
const char *const jz_pay_status_zh[JZ_PL_STATUS_COUNT] = {
    "待发放", "已编入批次", "已报送银行", "已到账", "银行退票", "暂缓发放", "已重发", "已撤回"};
const char *const jz_batch_state_names[JZ_BATCH_STATE_COUNT] = {"prepared", "approved", "exported",
                                                                "settled"};
const char *const jz_batch_state_zh[JZ_BATCH_STATE_COUNT] = {"已编制", "已审核（锁定）",
                                                             "已生成代发文件", "已对账"};
const char *const jz_bank_field_names[JZ_BF_COUNT] = {
    "seq", "line", "name", "id", "account", "amount", "programme", "period", "region", "note"};
