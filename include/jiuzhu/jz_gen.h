/*
 * jz_gen.h - a deterministic generator of realistic household registries for
 * the regions of Shanxi (`jiuzhu gen`, the benchmarks, the tests).
 *
 * Household number i of a run depends on the seed and on i only, never on
 * the households generated before it, so a run can be cut into pieces and
 * generated in parallel, and any one household can be regenerated from its
 * number.  Every household is valid as FORMATS.md reads it: a real township
 * of the regions table with a village number, ID numbers whose region, birth
 * date, sex digit and check character agree, and no ID number used twice in
 * a run (up to the capacity checked by jz_gen_new, see docs/generator.md).
 * Ages, disabilities, illness, schooling, employment, incomes around the
 * local 低保 standard, expenses and assets are drawn so that every category
 * of the determination occurs in realistic proportions (docs/generator.md
 * gives the distributions and the measured proportions).
 */
#ifndef JZ_GEN_H
#define JZ_GEN_H

#include <stdint.h>

#include "jz_date.h"
#include "jz_err.h"
#include "jz_household.h"
#include "jz_params.h"
#include "jz_record.h"
#include "jz_region.h"

/* The most households of one county a run can hold with unique ID numbers
 * (docs/generator.md, "ID numbers"). */
#define JZ_GEN_MAX_PER_COUNTY 146000u

typedef struct jz_gen_opts {
    uint64_t seed;
    /* NULL or "" for all of Shanxi; else a city (4 digits), county (6) or
     * township (9) code of the regions table, which every household is in. */
    const char *region;
    jz_date date;              /* assess_date of every household */
    const jz_regions *regions; /* the townships households live in */
    const jz_paramset *params; /* the local standards on `date` */
    /* How many households the run will generate (0: unknown, not checked):
     * more than JZ_GEN_MAX_PER_COUNTY in one county is refused. */
    uint64_t households;
} jz_gen_opts;

/* A generator.  Opaque; free with jz_gen_free.  Read-only once made, so
 * several threads may share one. */
typedef struct jz_gen jz_gen;

/*
 * Makes a generator: finds the townships under opts->region and resolves
 * the parameters of each of their counties on opts->date.  Errors:
 * JZ_EUSAGE when the region is not a known city, county or township (or has
 * no township) or the run is too large for it; the error of
 * jz_policy_resolve when a county has no standard in force on the date;
 * JZ_ENOMEM.  The regions and params need not outlive the generator.
 */
jz_err jz_gen_new(const jz_gen_opts *opts, jz_gen **out, jz_error *err);
void jz_gen_free(jz_gen *g);

/*
 * Fills household number `index` of the run into *out, its members into
 * buf->members.  The members' names point into the generator (valid until
 * jz_gen_free), not into buf->names.  Same generator options and index, same
 * household, byte for byte.
 */
void jz_gen_household(const jz_gen *g, uint64_t index, jz_household *out, jz_household_buf *buf);

/* The parameters resolved for the county of h (a household of this
 * generator) on the generator's date; NULL for a county not in the run. */
const jz_policy *jz_gen_policy(const jz_gen *g, const jz_household *h);

/* How many counties and townships the run's households are spread over. */
size_t jz_gen_counties(const jz_gen *g);
size_t jz_gen_townships(const jz_gen *g);

#endif
