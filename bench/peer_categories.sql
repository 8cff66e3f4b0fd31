-- peer_categories.sql - the peer of `jiuzhu assess --db`: the household
-- categories 低保 / 支出型低保 / 低保边缘 computed by one SQL query (SQLite
-- dialect) over the registry's tables, by the rules of docs/engine.md.
-- bench_registry runs it on the database that `jiuzhu assess --db` has just
-- assessed, times it, and compares its category with the stored
-- determination of every household (bench/README.md, "bench_registry").
--
-- Output: one row per household that has members, in no particular order:
-- hh (households.hh) and category, one of 'dibao', 'dibao_expenditure',
-- 'marginal', 'other'.  The
-- engine's rigid_expenditure and none both map to 'other'.
--
-- Parameters come from the temporary table peer_params, one row per county
-- and area (0 urban, 1 rural), which the harness fills from
-- jz_policy_resolve(county, date) for every county of the registry:
--
--   county, area   the key (households.county, households.area)
--   assess_date    the run's date, yyyymmdd (`jiuzhu assess --date`)
--   S              dibao.standard.<area>, fen per person per month
--   W              income.window_months
--   inc_mask       the counted income kinds: bit k for the k-th inc_* column
--                  below (R-INC-1 less income.excluded_kinds, R-INC-2)
--   dibao_months, exp_months, marg_months, tekun_months
--                  the financial-asset limits in months of S (per counted
--                  person; 特困: of the person alone)
--   marg_num, marg_den          marginal.income_multiple as a fraction
--   tk_elderly, tk_minor, tk_minor_school   tekun ages
--   tk_grade_1 .. tk_grade_7    tekun.disability_max_grade by category
--                  (1 vision, 2 hearing, 3 speech, 4 limb, 5 intellectual,
--                  6 mental, 7 multiple; 0 = no grade qualifies)
--   max_vehicles, max_houses, business_allowed   R-AST-2
--
-- Covered, exactly as the engine does it: R-HH-1/2 (who is counted),
-- R-TK-1..4 and R-TK-5 (特困 persons leave the unit), R-INC-1/2, R-AST-1/2,
-- R-DB-1..3, R-EXP-ILL/DIS/EDU, R-EXP-MULTI, R-EXP-1..3 and R-MARG-1.
-- Left out, because the category comparison does not need them: the amounts
-- (R-DB-AMT, R-EXP-AMT, R-TK-AMT, R-TK-CARE), R-SINGLE-* (单人保 is a
-- person's category; the household keeps its own), R-RSP-1 (刚性支出困难 maps
-- to 'other' like none), R-EXIT-1 (it changes the amount, not the category),
-- R-DEATH-1, R-TMP-*, R-REF-1.  Also left out: assessing each household on
-- its own record's assess_date (`jiuzhu assess --db` without --date); the
-- peer uses the one date of peer_params.
--
-- Member columns are those of lib/store/store_sqlite.c.  The flags column
-- is a bitmask whose values are JZ_SNAP_F_* in lib/store/store_int.h:
--      8 under_treatment        16 needs_rehab_or_care
--     32 student_full_time      64 student_high_fee     128 student_abroad
--    512 supporters_known     1024 business
-- supporters_unable has bit i set when supporter i is not able to support
-- (i < n_supporters), so "no supporter is able" (R-TK-4) is
-- supporters_unable = (1 << n_supporters) - 1.  student_level: 2
-- kindergarten, 3 primary, 4 junior, 5 senior, 6 vocational, 7 college,
-- 8 undergraduate (jz_student_level in include/jiuzhu/jz_household.h).
-- Dates are yyyymmdd integers, so the age in whole years is
-- (date - birth) / 10000, as jz_date_age.  Products stay far below 2^63
-- for any real standard, so SQLite's 64-bit integers compare exactly.
WITH
member AS (
  -- Every member with the figures the rules read: his age, his own counted
  -- income, and the parameters of his household's county and area.
  SELECT
    m.hh, h.county, h.area,
    m.presence = 0 AND m.deceased = 0 AS counted,          -- R-HH-1, R-HH-2
    CASE WHEN p.assess_date < m.birth THEN 0
         ELSE (p.assess_date - m.birth) / 10000 END AS age,
    CASE WHEN p.inc_mask = 4095 THEN                       -- no kind excluded
      m.inc_wage + m.inc_business_net + m.inc_property_net + m.inc_pension
      + m.inc_unemployment_benefit + m.inc_alimony + m.inc_support_received
      + m.inc_support_from_sibling + m.inc_support_from_elderly
      + m.inc_compensation + m.inc_donation + m.inc_other
    ELSE
      m.inc_wage * (p.inc_mask & 1)
      + m.inc_business_net * ((p.inc_mask >> 1) & 1)
      + m.inc_property_net * ((p.inc_mask >> 2) & 1)
      + m.inc_pension * ((p.inc_mask >> 3) & 1)
      + m.inc_unemployment_benefit * ((p.inc_mask >> 4) & 1)
      + m.inc_alimony * ((p.inc_mask >> 5) & 1)
      + m.inc_support_received * ((p.inc_mask >> 6) & 1)
      + m.inc_support_from_sibling * ((p.inc_mask >> 7) & 1)
      + m.inc_support_from_elderly * ((p.inc_mask >> 8) & 1)
      + m.inc_compensation * ((p.inc_mask >> 9) & 1)
      + m.inc_donation * ((p.inc_mask >> 10) & 1)
      + m.inc_other * ((p.inc_mask >> 11) & 1)
    END AS income,
    m.disability, m.disability_grade, m.student_level, m.flags,
    m.n_supporters, m.supporters_unable, m.vehicles, m.extra_houses, m.financial,
    m.exp_medical, m.exp_rehab, m.exp_care, m.exp_education,
    p.S, p.W, p.tekun_months, p.tk_elderly, p.tk_minor, p.tk_minor_school,
    CASE m.disability WHEN 1 THEN p.tk_grade_1 WHEN 2 THEN p.tk_grade_2
      WHEN 3 THEN p.tk_grade_3 WHEN 4 THEN p.tk_grade_4 WHEN 5 THEN p.tk_grade_5
      WHEN 6 THEN p.tk_grade_6 WHEN 7 THEN p.tk_grade_7 ELSE 0 END AS tk_grade,
    p.max_vehicles, p.max_houses, p.business_allowed
  -- CROSS JOIN fixes the join order: households outside, so that the
  -- parameters are looked up once per household, not once per member (the
  -- members of a household are then one range of the members' primary key).
  FROM households AS h
  CROSS JOIN peer_params AS p ON p.county = h.county AND p.area = h.area
  CROSS JOIN members AS m ON m.hh = h.hh
),
unit_member AS (
  -- in_unit: counted and not 特困 (R-TK-5).  特困 (R-TK-1) needs all of
  -- R-TK-2 (no capacity to work), R-TK-3 (no means of his own) and R-TK-4
  -- (no supporter able to support him).  R-TK-4 here reads the record's
  -- list only; the engine also assesses the co-resident legal obligors (a
  -- fixpoint), which a generated record lists with the engine's own
  -- statuses (docs/generator.md), so the two agree on generated registries
  -- but not on a record whose list contradicts its members.
  SELECT *,
    counted AND NOT (
      (age >= tk_elderly OR age < tk_minor
       OR (age < tk_minor_school AND student_level BETWEEN 3 AND 6)
       OR (disability <> 0 AND disability_grade >= 1 AND disability_grade <= tk_grade))
      AND income < W * S
      AND financial <= tekun_months * S
      AND vehicles <= max_vehicles AND extra_houses <= max_houses
      AND ((flags & 1024) = 0 OR business_allowed)
      AND (flags & 512) <> 0
      AND supporters_unable = (1 << n_supporters) - 1
    ) AS in_unit
  FROM member
  -- LIMIT -1 OFFSET 0 changes nothing in the rows; it keeps SQLite from
  -- flattening this subquery into the aggregate below, which would copy the
  -- in_unit expression into each FILTER clause and evaluate it a dozen times
  -- per member instead of once (about twice the time of the whole query).
  LIMIT -1 OFFSET 0
),
unit AS (
  -- The household's unit: n, Y (R-INC-1), F, other assets (R-AST-2) and the
  -- deductibles of R-EXP-ILL, R-EXP-DIS and R-EXP-EDU.
  SELECT
    hh, county, area,
    count(*) FILTER (WHERE in_unit) AS n,
    sum(income) FILTER (WHERE in_unit) AS Y,
    sum(financial) FILTER (WHERE in_unit) AS F,
    sum(vehicles) FILTER (WHERE in_unit) AS vehicles,
    sum(extra_houses) FILTER (WHERE in_unit) AS houses,
    max((flags & 1024) <> 0) FILTER (WHERE in_unit) AS business,
    -- R-EXP-ILL: someone under treatment; all the unit's medical costs.
    CASE WHEN max((flags & 8) <> 0) FILTER (WHERE in_unit)
         THEN coalesce(sum(exp_medical) FILTER (WHERE in_unit), 0) ELSE 0 END AS d_ill,
    -- R-EXP-DIS: rehabilitation and care of certificate holders who need it.
    coalesce(sum(exp_rehab + exp_care)
      FILTER (WHERE in_unit AND disability <> 0 AND (flags & 16) <> 0), 0) AS d_dis,
    -- R-EXP-EDU: full-time, not high-fee, not abroad, kindergarten to 本科.
    coalesce(sum(exp_education)
      FILTER (WHERE in_unit AND student_level BETWEEN 2 AND 8
              AND (flags & (32 | 64 | 128)) = 32), 0) AS d_edu
  FROM unit_member
  GROUP BY hh   -- county and area are the household's: one value per group
),
test AS (
  SELECT
    u.hh, u.n, u.Y, u.F, p.S, p.W,
    u.vehicles <= p.max_vehicles AND u.houses <= p.max_houses
      AND (NOT u.business OR p.business_allowed) AS ast2,      -- R-AST-2
    -- R-EXP-MULTI: D sums the causes that contribute (a positive deductible).
    max(u.d_ill, 0) + max(u.d_dis, 0) + max(u.d_edu, 0) AS D,
    p.dibao_months, p.exp_months, p.marg_months, p.marg_num, p.marg_den
  FROM unit AS u
  JOIN peer_params AS p ON p.county = u.county AND p.area = u.area
)
SELECT
  hh,
  CASE
    WHEN n = 0 THEN 'other'                                    -- R-TK-5: nobody left
    WHEN Y < W * n * S                                         -- R-DB-1
         AND F <= dibao_months * S * n AND ast2                -- R-DB-2
      THEN 'dibao'                                             -- R-DB-3
    WHEN Y >= W * n * S                                        -- R-EXP only when R-DB-1 fails
         AND D > 0                                             -- some cause contributes
         AND Y - D < W * n * S                                 -- R-EXP-1
         AND F <= exp_months * S * n AND ast2                  -- R-EXP-2
      THEN 'dibao_expenditure'                                 -- R-EXP-3
    WHEN Y * marg_den < marg_num * W * n * S                   -- R-MARG-1
         AND F <= marg_months * S * n AND ast2
      THEN 'marginal'
    ELSE 'other'
  END AS category
FROM test;
