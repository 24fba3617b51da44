"""SQL for health insurance cards (thẻ BHYT) and beneficiary groups (nhóm đối tượng)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import asyncpg

from db.lists import KeysetList
from db.readable import for_keys, readable_by

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

COLUMNS = """
id, person_id, card_number, group_code, benefit_level, coverage_percent, province_code, valid_from, valid_to,
primary_facility_id, five_years_continuous_from, residence_area, revoked_at,
(issued_at at time zone 'Asia/Ho_Chi_Minh')::date as issued_on
"""
# How long after its end a card still shows as the current one when no other is valid: a renewal is often issued
# days after 1 January, and the app should not show no card meanwhile (it shows the card with its status, EXPIRED).
RENEWAL_GRACE_DAYS = 31
# Every personal statement is bound to the persons the viewer may read: a forgotten check still cannot leak a card.
READABLE = readable_by("person_id", "$2", "CARD")
SELECT_BY_ID_FOR_VIEWER = f"select {COLUMNS} from insurance_cards where id = any($1::bigint[]) and {READABLE}"
# The card valid on a day; when two overlap (a reissue), the one that started last wins; when none is valid, the one
# that ended last, within the grace days. A revoked card is never current. The group's name comes along (Home shows
# it), which saves the beneficiary-group statement.
SELECT_VALID_ON_FOR_VIEWER = f"""
select distinct on (person_id) {COLUMNS},
       (select g.name from beneficiary_groups g where g.code = insurance_cards.group_code) as group_name
from insurance_cards
where person_id = any($1::bigint[]) and {READABLE} and revoked_at is null
  and valid_from <= $3 and valid_to >= $3::date - {RENEWAL_GRACE_DAYS}
order by person_id, valid_to >= $3 desc, valid_from desc, id desc
"""
# Every card of the person, newest first (Person.cards): past, current, revoked and renewals not yet in force.
CARDS = KeysetList(
    "insurance_cards", COLUMNS, order="valid_from", order_type="date", owner="person_id", part="CARD"
)
SELECT_GROUPS_BY_CODE = "select code, name from beneficiary_groups where code = any($1::text[])"


async def cards_by_id(conn: asyncpg.Connection, ids: Sequence[int], *, viewer_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_BY_ID_FOR_VIEWER, list(ids), viewer_id)


async def cards_valid_today(
    conn: asyncpg.Connection, person_ids: Sequence[int], *, viewer_id: int
) -> list[asyncpg.Record]:
    """The card valid today in Vietnam, whatever the server's clock zone."""
    today = dt.datetime.now(VIETNAM).date()
    statement = for_keys(SELECT_VALID_ON_FOR_VIEWER, person_ids, viewer_id)
    return await conn.fetch(statement, list(person_ids), viewer_id, today)


async def beneficiary_groups_by_code(conn: asyncpg.Connection, codes: Sequence[str]) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_GROUPS_BY_CODE, list(codes))
