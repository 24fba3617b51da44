"""SQL for pension decisions (quyết định hưởng lương hưu) and the yearly adjustments that raised them."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from db.readable import readable_by

# A pension with the adjustments in force since its first month, up to today in Vietnam, oldest first.
SELECT_PENSIONS_FOR_VIEWER = f"""
select x.person_id, x.decision_number, x.start_month, x.months_counted, x.replacement_rate, x.average_salary,
       x.initial_monthly_amount, x.paying_agency_id,
       array(select a.effective_from from pension_adjustments a where a.effective_from > x.start_month
               and a.effective_from <= (now() at time zone 'Asia/Ho_Chi_Minh')::date
             order by a.effective_from) as adjustment_dates,
       array(select a.percent from pension_adjustments a where a.effective_from > x.start_month
               and a.effective_from <= (now() at time zone 'Asia/Ho_Chi_Minh')::date
             order by a.effective_from) as adjustment_percents,
       array(select a.legal_basis from pension_adjustments a where a.effective_from > x.start_month
               and a.effective_from <= (now() at time zone 'Asia/Ho_Chi_Minh')::date
             order by a.effective_from) as adjustment_bases
from pensions x
where x.person_id = any($1::bigint[]) and {readable_by('x.person_id', '$2', 'BENEFITS')}
"""


async def pensions_by_person(conn: asyncpg.Connection, person_ids: Sequence[int], *,
                             viewer_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_PENSIONS_FOR_VIEWER, list(person_ids), viewer_id)
