"""The contribution parameters in force on a day (table contribution_parameters, migration 0012)."""

from __future__ import annotations

import datetime as dt

import asyncpg

from payments.renewal import Parameter, RenewalRates

SELECT_IN_FORCE = """
select distinct on (name) name, effective_from, value, legal_basis
from contribution_parameters
where effective_from <= $1
order by name, effective_from desc
"""


async def rates_on(conn: asyncpg.Connection, day: dt.date) -> RenewalRates:
    """Each parameter's latest value taking effect on or before `day` (a parameter not yet in force is absent)."""
    rows = await conn.fetch(SELECT_IN_FORCE, day)
    return RenewalRates(day, {row["name"]: Parameter(row["value"], row["effective_from"], row["legal_basis"])
                              for row in rows})

# The viewer's household as the records know it: the viewer and the children under 18 they guard (access_of with no
# grant; a grantee's owner is not household).
SELECT_HOUSEHOLD = """
select $1::bigint as person_id
union
select person_id from access_of($1) where grant_id is null
"""
# The end of the person's latest BHYT card (the one a household renewal extends).
SELECT_CARD_END = "select max(valid_to) from insurance_cards where person_id = $1 and revoked_at is null"


async def household_ids(conn: asyncpg.Connection, viewer_id: int) -> set[int]:
    return {row["person_id"] for row in await conn.fetch(SELECT_HOUSEHOLD, viewer_id)}


async def card_end(conn: asyncpg.Connection, person_id: int) -> dt.date | None:
    end: dt.date | None = await conn.fetchval(SELECT_CARD_END, person_id)
    return end
