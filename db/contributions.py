"""SQL for the participation history (quá trình tham gia) and its month totals."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from db.lists import KeysetList
from db.readable import for_keys, readable_by

# Nợ đóng owed on an UNPAID period: its past-due months (due by the last day of the next month, Luật BHXH 2024
# art. 34, so in Vietnam's current month only months up to two before it are past due) times the salary basis
# times the scheme's total rate today (employer and employee shares): BHXH 25%, BHTN 2%, BHYT 4.5%, BHTNLD-BNN
# 0.5%. Late-payment interest is not included.
AMOUNT_OWED = """case when status = 'UNPAID' then round(greatest(0,
        (extract(year from least(to_month, due.month)) - extract(year from from_month)) * 12
        + extract(month from least(to_month, due.month)) - extract(month from from_month) + 1)
    * salary_basis * case scheme when 'BHXH_COMPULSORY' then 0.25 when 'BHTN' then 0.02 when 'BHYT' then 0.045
                                 when 'BHTNLD_BNN' then 0.005 else 0 end) else 0 end"""
PAST_DUE_UNTIL = ("(select (date_trunc('month', now() at time zone 'Asia/Ho_Chi_Minh') - interval '2 months')::date"
                  " as month)")
PERIODS = KeysetList(
    f"contribution_periods cross join {PAST_DUE_UNTIL} due",
    "id, person_id, scheme, employer_id, job_title, from_month, to_month, months, salary_basis, status, "
    f"{AMOUNT_OWED} as amount_owed, paid_dong as amount_paid, state_support_dong as state_support",
    order="from_month",
    order_type="date",
    owner="person_id",
    part="CONTRIBUTIONS",
    filter="({value}::text is null or scheme = {value})",
)
# Month totals, counted by calendar month so that overlapping periods never count a month twice: each scheme's
# periods become one multirange of months (range_agg merges overlaps), and the totals are month counts of
# multiranges, with no row per month. A month is unpaid when only UNPAID periods (nợ đóng) cover it (covered minus
# paid). The row with scheme null is the pension total: months of BHXH (compulsory or voluntary) participation,
# each month once. `unused_months`: the paid months after the month in which the person's latest unemployment
# benefit (trợ cấp thất nghiệp) started, all paid months if none: for BHTN, the months not yet used for an
# unemployment benefit (the pension row leaves it null). It tells of a benefit, so it is null for a reader of the
# contributions who may not read the benefits (a grantee). (Months are first days: migration 0003 checks it.)
MONTHS_IN = """(select coalesce(sum((extract(year from upper(r)) - extract(year from lower(r))) * 12
                               + extract(month from upper(r)) - extract(month from lower(r))), 0)::integer
          from unnest({}) as r)"""
SELECT_SUMMARY_FOR_VIEWER = f"""
with periods as (
    select p.person_id, p.scheme, p.status = 'PAID' as paid,
           daterange(p.from_month, (p.to_month + interval '1 month')::date) as months
    from contribution_periods p
    where p.person_id = any($1::bigint[]) and {readable_by('p.person_id', '$2', 'CONTRIBUTIONS')}
), schemes as (
    select person_id, scheme, range_agg(months) as covered,
           coalesce(range_agg(months) filter (where paid), '{{}}'::datemultirange) as paid
    from periods group by person_id, scheme
), pension as (
    select person_id, range_agg(months) as covered,
           coalesce(range_agg(months) filter (where paid), '{{}}'::datemultirange) as paid
    from periods where scheme in ('BHXH_COMPULSORY', 'BHXH_VOLUNTARY') group by person_id
), last_unemployment as (
    select person_id, date_trunc('month', max(period_from))::date as month
    from benefits where person_id = any($1::bigint[]) and kind = 'UNEMPLOYMENT'
      and {readable_by('person_id', '$2', 'BENEFITS')}
    group by person_id
)
select s.person_id, s.scheme, {MONTHS_IN.format('s.covered')} as months,
       {MONTHS_IN.format('s.covered - s.paid')} as unpaid_months,
       case when {readable_by('s.person_id', '$2', 'BENEFITS')} then
           {MONTHS_IN.format("s.paid * datemultirange(daterange((u.month + interval '1 month')::date, null))")}
       end as unused_months
from schemes s left join last_unemployment u on u.person_id = s.person_id
union all
select person_id, null, {MONTHS_IN.format('covered')}, {MONTHS_IN.format('covered - paid')}, null
from pension
order by person_id, scheme nulls first
"""


async def summaries(conn: asyncpg.Connection, person_ids: Sequence[int], *, viewer_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(for_keys(SELECT_SUMMARY_FOR_VIEWER, person_ids, viewer_id), list(person_ids), viewer_id)


# The book (sổ BHXH điện tử): the person's own periods with their employer's name, oldest first. Bounded: 40 years
# of monthly periods under four schemes are 1,920 rows.
BOOK_LIMIT = 2400
SELECT_BOOK_PERIODS = f"""
select p.scheme, p.from_month, p.to_month, p.months, p.salary_basis, p.status, p.job_title, e.name as employer_name
from contribution_periods p left join employers e on e.id = p.employer_id
where p.person_id = $1 and {readable_by('p.person_id', '$2', 'OWN')}
order by p.from_month, p.to_month, p.id
limit {BOOK_LIMIT}
"""


async def book_periods(conn: asyncpg.Connection, person_id: int, *, viewer_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_BOOK_PERIODS, person_id, viewer_id)
