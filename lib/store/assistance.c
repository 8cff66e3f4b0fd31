/*
 * assistance.c - receiving assistance, defined once (jz_store.h): which
 * enrolments are live, and when a household receives assistance.  The
 * store (jz_store_receives_assistance), the procedure (a review needs
 * something to review), monitoring (`enrolled`) and R-MON-4's comparison
 * all ask here; a backend that selects live enrolments in bulk binds
 * jz__live_statuses() rather than writing the statuses into its SQL.
 */
#include "store_int.h"

bool jz_enrolment_live(uint8_t status)
{
    /* Active, or in its 渐退期 (it pays until end_month): everything but
     * stopped. */
    return status < JZ_ENROL_STATUS_COUNT && status != JZ_ENROL_STOPPED;
}

uint32_t jz__live_statuses(void)
{
    uint32_t mask = 0;
    for (unsigned s = 0; s < JZ_ENROL_STATUS_COUNT; s++)
        if (jz_enrolment_live((uint8_t)s))
            mask |= UINT32_C(1) << s;
    return mask;
}

bool jz_receives_assistance(uint8_t current_programme, size_t live_enrolments)
{
    return live_enrolments > 0 || current_programme != JZ_PROG_NONE;
}
