"""SQL for applications (hồ sơ dịch vụ công): the applications, their transitions, the lists and the queue.

Every statement names the person (the table's key starts with person_id) or the officer's agency: an application
is only ever read by its owner, by whoever may read the owner's card, or by an officer of its competent agency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import asyncpg
import orjson

from db.lists import KeysetList

COLUMNS = """
id, person_id, kind, status, competent_agency_id, input, effect, amount_dong, rejection_reason, submitted_at,
updated_at, applicant_name, applicant_code
"""
# Person.applications: newest first; `kind` filters (null: every kind). The owner alone (and nobody by grant).
APPLICATIONS = KeysetList(
    "applications", COLUMNS, order="submitted_at", order_type="timestamptz", owner="person_id", part="OWN",
    filter="({value}::text is null or kind = {value})",
)
# The officer's queue: the applications of one agency, oldest first, filtered by a JSON object of the filter
# (agency always; kind, status and the submission period when given).
QUEUE = KeysetList(
    "applications", COLUMNS, order="submitted_at", order_type="timestamptz", descending=False,
    filter="""competent_agency_id = ({value}::jsonb->>'agency')::bigint
and ({value}::jsonb->>'kind' is null or kind = {value}::jsonb->>'kind')
and ({value}::jsonb->>'status' is null or status = {value}::jsonb->>'status')
and ({value}::jsonb->>'from' is null or submitted_at >= ({value}::jsonb->>'from')::timestamptz)
and ({value}::jsonb->>'to' is null or submitted_at < ({value}::jsonb->>'to')::timestamptz)""",
)
# The agency that decides (cơ quan BHXH có thẩm quyền): the social insurance agency of the province of residence
# (Bảo hiểm xã hội tỉnh / thành phố), which issues the province's cards; it is the province's first agency code.
COMPETENT_AGENCY = """
select f.id from people p
join facilities f on f.province_code = p.province_code and f.kind = 'SOCIAL_INSURANCE_AGENCY'
where p.id = $1
order by f.code limit 1
"""
SELECT_BY_KEY = f"select {COLUMNS} from applications where person_id = $1 and idempotency_key = $2"
INSERT = f"""
insert into applications (person_id, kind, status, competent_agency_id, input, amount_dong, idempotency_key,
                          applicant_name, applicant_code)
select $1, $2, $3, $4, $5::jsonb, $6, $7, p.full_name, p.social_insurance_code from people p where p.id = $1
on conflict (person_id, idempotency_key) do nothing
returning {COLUMNS}
"""
# The owner's application, locked for a change.
OWN_FOR_UPDATE = f"select {COLUMNS} from applications where person_id = $1 and id = $2 for update"
# An application of the officer's agency, locked for a decision; another agency's is not found.
AGENCY_FOR_UPDATE = f"""
select {COLUMNS} from applications where id = $1 and competent_agency_id = $2 for update
"""
SET_STATUS = f"""
update applications set status = $3, rejection_reason = coalesce($4, rejection_reason),
       effect = coalesce($5::jsonb, effect), updated_at = now()
where person_id = $1 and id = $2
returning {COLUMNS}
"""
INSERT_TRANSITION = """
insert into application_transitions
    (person_id, application_id, from_status, to_status, actor_kind, actor_id, actor_ref, reason)
values ($1, $2, $3, $4, $5, $6, $7, $8)
"""
# The history of applications the viewer ($2) owns or whose agency ($3) they work for.
TRANSITIONS_FOR_VIEWER = """
select t.id, t.application_id, t.from_status, t.to_status, t.actor_kind, t.reason, t.at
from application_transitions t join applications a on a.person_id = t.person_id and a.id = t.application_id
where t.application_id = any($1::bigint[]) and (a.person_id = $2 or a.competent_agency_id = $3)
order by t.application_id, t.id
"""
RULE_ON = """
select window_days, levels, same_province from facility_change_rules
where effective_from <= $1 order by effective_from desc limit 1
"""


def to_json(value: dict[str, Any]) -> str:
    return orjson.dumps(value).decode()


async def competent_agency(conn: asyncpg.Connection, person_id: int) -> int | None:
    agency: int | None = await conn.fetchval(COMPETENT_AGENCY, person_id)
    return agency


async def by_key(conn: asyncpg.Connection, person_id: int, key: str) -> asyncpg.Record | None:
    return await conn.fetchrow(SELECT_BY_KEY, person_id, key)


async def insert(
    conn: asyncpg.Connection,
    *,
    person_id: int,
    kind: str,
    status: str,
    agency_id: int,
    input: dict[str, Any],
    amount_dong: int | None,
    key: str,
) -> asyncpg.Record | None:
    """The new application; None when the person already used `key` (a racing twin of the same submit)."""
    return await conn.fetchrow(INSERT, person_id, kind, status, agency_id, to_json(input), amount_dong, key)


async def own_for_update(conn: asyncpg.Connection, person_id: int, application_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(OWN_FOR_UPDATE, person_id, application_id)


async def agency_for_update(conn: asyncpg.Connection, application_id: int, agency_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(AGENCY_FOR_UPDATE, application_id, agency_id)


async def set_status(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    status: str,
    *,
    reason: str | None = None,
    effect: dict[str, Any] | None = None,
) -> asyncpg.Record:
    updated = await conn.fetchrow(
        SET_STATUS, row["person_id"], row["id"], status, reason, None if effect is None else to_json(effect)
    )
    assert updated is not None  # the caller holds the row locked
    return updated


async def record_transition(
    conn: asyncpg.Connection,
    row: asyncpg.Record,
    from_status: str | None,
    to_status: str,
    *,
    actor_kind: str,
    actor_id: int | None = None,
    actor_ref: str | None = None,
    reason: str | None = None,
) -> None:
    await conn.execute(
        INSERT_TRANSITION, row["person_id"], row["id"], from_status, to_status, actor_kind, actor_id, actor_ref,
        reason,
    )


async def transitions_for_viewer(
    conn: asyncpg.Connection, application_ids: Sequence[int], *, viewer_id: int | None, agency_id: int | None
) -> list[asyncpg.Record]:
    return await conn.fetch(TRANSITIONS_FOR_VIEWER, list(application_ids), viewer_id, agency_id)


async def facility_change_rule(conn: asyncpg.Connection, on: dt.date) -> asyncpg.Record | None:
    return await conn.fetchrow(RULE_ON, on)
