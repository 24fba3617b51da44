"""SQL for payment orders: one live order per application, found again by its reference when the gateway calls."""

from __future__ import annotations

import datetime as dt

import asyncpg

COLUMNS = """
id, person_id, application_id, order_ref, amount_dong, status, payment_url, created_at, expires_at, transaction_no,
bank_code, response_code, paid_at
"""
LIVE = f"""
select {COLUMNS} from payment_orders
where person_id = $1 and application_id = $2 and status in ('OPEN', 'PAID') for update
"""
EXPIRE = """
update payment_orders set status = 'EXPIRED', closed_at = now() where person_id = $1 and id = $2 and status = 'OPEN'
"""
NEXT_ID = "select nextval(pg_get_serial_sequence('payment_orders', 'id'))"
INSERT = f"""
insert into payment_orders (person_id, id, application_id, order_ref, amount_dong, payment_url, expires_at)
overriding system value
values ($1, $2, $3, $4, $5, $6, $7)
returning {COLUMNS}
"""
BY_REF_FOR_UPDATE = f"select {COLUMNS} from payment_orders where person_id = $1 and order_ref = $2 for update"
BY_REF = f"select {COLUMNS} from payment_orders where person_id = $1 and order_ref = $2"
MARK_PAID = f"""
update payment_orders set status = 'PAID', transaction_no = $3, bank_code = $4, response_code = '00',
       paid_at = coalesce($5, now()), closed_at = now()
where person_id = $1 and id = $2
returning {COLUMNS}
"""
MARK_FAILED = """
update payment_orders set status = 'FAILED', transaction_no = $3, response_code = $4, closed_at = now()
where person_id = $1 and id = $2
"""
CANCEL_OPEN = """
update payment_orders set status = 'CANCELLED', closed_at = now()
where person_id = $1 and application_id = $2 and status = 'OPEN'
"""
# The latest order of each application (Application.payment), for its owner or an officer of its agency.
LATEST_FOR_VIEWER = f"""
select distinct on (o.application_id) {", ".join("o." + c.strip() for c in COLUMNS.split(","))}
from payment_orders o join applications a on a.person_id = o.person_id and a.id = o.application_id
where o.application_id = any($1::bigint[]) and (a.person_id = $2 or a.competent_agency_id = $3)
order by o.application_id, o.id desc
"""
# The orders of one day in Vietnam (made or paid that day), for the reconciliation.
OF_DAY = f"""
select {COLUMNS}, (paid_at at time zone 'Asia/Ho_Chi_Minh')::date as paid_on from payment_orders
where (created_at at time zone 'Asia/Ho_Chi_Minh')::date = $1
   or (paid_at at time zone 'Asia/Ho_Chi_Minh')::date = $1
order by id
"""


def person_of(order_ref: str) -> int | None:
    """The person id a reference names ("<person_id>V<id>"); None for a reference this service never made."""
    person, separator, number = order_ref.partition("V")
    if not (separator and person.isdigit() and number.isdigit()) or len(person) > 18:
        return None
    return int(person)


async def live(conn: asyncpg.Connection, person_id: int, application_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(LIVE, person_id, application_id)


async def expire(conn: asyncpg.Connection, person_id: int, order_id: int) -> None:
    await conn.execute(EXPIRE, person_id, order_id)


async def next_id(conn: asyncpg.Connection) -> int:
    value: int = await conn.fetchval(NEXT_ID)
    return value


async def insert(
    conn: asyncpg.Connection, *, person_id: int, order_id: int, application_id: int, amount_dong: int, url: str,
    expires_at: dt.datetime,
) -> asyncpg.Record:
    ref = order_ref(person_id, order_id)
    row = await conn.fetchrow(INSERT, person_id, order_id, application_id, ref, amount_dong, url, expires_at)
    assert row is not None
    return row


def order_ref(person_id: int, order_id: int) -> str:
    return f"{person_id}V{order_id}"


async def by_ref_for_update(conn: asyncpg.Connection, order_ref: str) -> asyncpg.Record | None:
    person_id = person_of(order_ref)
    return None if person_id is None else await conn.fetchrow(BY_REF_FOR_UPDATE, person_id, order_ref)


async def by_ref(conn: asyncpg.Connection, order_ref: str) -> asyncpg.Record | None:
    person_id = person_of(order_ref)
    return None if person_id is None else await conn.fetchrow(BY_REF, person_id, order_ref)


async def mark_paid(
    conn: asyncpg.Connection, order: asyncpg.Record, *, transaction_no: str, bank_code: str,
    paid_at: dt.datetime | None,
) -> asyncpg.Record:
    row = await conn.fetchrow(MARK_PAID, order["person_id"], order["id"], transaction_no, bank_code, paid_at)
    assert row is not None
    return row


async def mark_failed(conn: asyncpg.Connection, order: asyncpg.Record, *, transaction_no: str, code: str) -> None:
    await conn.execute(MARK_FAILED, order["person_id"], order["id"], transaction_no, code)


async def cancel_open(conn: asyncpg.Connection, person_id: int, application_id: int) -> None:
    await conn.execute(CANCEL_OPEN, person_id, application_id)


async def latest_for_viewer(
    conn: asyncpg.Connection, application_ids: list[int], *, viewer_id: int | None, agency_id: int | None
) -> list[asyncpg.Record]:
    return await conn.fetch(LATEST_FOR_VIEWER, application_ids, viewer_id, agency_id)


async def of_day(conn: asyncpg.Connection, day: dt.date) -> list[asyncpg.Record]:
    return await conn.fetch(OF_DAY, day)
