"""SQL for accounts (tài khoản giao dịch điện tử): credentials, password age, the phone a reset code goes to."""

from __future__ import annotations

import asyncpg

from db.statements import fetch_one

COLUMNS = """
a.person_id, a.password_hash, a.status, a.must_change_password, a.password_changed_at, a.last_login_at,
p.social_insurance_code, p.full_name, p.date_of_birth
"""
BY_CODE = f"select {COLUMNS} from accounts a join people p on p.id = a.person_id where p.social_insurance_code = $1"
BY_PERSON = f"select {COLUMNS} from accounts a join people p on p.id = a.person_id where a.person_id = $1"
EXISTS = "select exists (select 1 from accounts where person_id = $1)"
# Issued on approval: a temporary password that must be changed at first login.
INSERT = """
insert into accounts (person_id, password_hash, must_change_password) values ($1, $2, true)
on conflict (person_id) do nothing
returning person_id
"""
SET_PASSWORD = """
update accounts set password_hash = $2, must_change_password = false, password_changed_at = now()
where person_id = $1
returning password_changed_at
"""
# Same password, stronger parameters: the password's age does not change.
REHASH = "update accounts set password_hash = $2 where person_id = $1"
RECORD_LOGIN = (
    "update accounts set last_login_at = now(), failed_attempts = 0, locked_until = null where person_id = $1"
)
# The phone of the account: the one confirmed by OTP at the latest approved registration, else the one on record.
PHONE = """
select coalesce(
    (select r.phone from registrations r where r.person_id = p.id and r.status = 'APPROVED'
     order by r.decided_at desc, r.id desc limit 1),
    p.phone) as phone
from people p join accounts a on a.person_id = p.id
where p.id = $1
"""
PHONE_HAS_ACCOUNT = """
select exists (
    select 1 from registrations r join accounts a on a.person_id = r.person_id
    where r.phone = $1 and r.status = 'APPROVED'
) or exists (
    select 1 from people p join accounts a on a.person_id = p.id where p.phone = $1
)
"""


async def account_by_code(conn: asyncpg.Connection, social_insurance_code: str) -> asyncpg.Record | None:
    return await conn.fetchrow(BY_CODE, social_insurance_code)


async def account_by_person(conn: asyncpg.Connection, person_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(BY_PERSON, person_id)


async def account_exists(conn: asyncpg.Connection, person_id: int) -> bool:
    return bool(await conn.fetchval(EXISTS, person_id))


async def insert_account(conn: asyncpg.Connection, person_id: int, password_hash: str) -> bool:
    """False when the person already holds an account."""
    return await conn.fetchval(INSERT, person_id, password_hash) is not None


async def set_password(conn: asyncpg.Connection, person_id: int, password_hash: str) -> asyncpg.Record:
    return await fetch_one(conn, SET_PASSWORD, person_id, password_hash)


async def rehash(conn: asyncpg.Connection, person_id: int, password_hash: str) -> None:
    await conn.execute(REHASH, person_id, password_hash)


async def record_login(conn: asyncpg.Connection, person_id: int) -> None:
    await conn.execute(RECORD_LOGIN, person_id)


async def account_phone(conn: asyncpg.Connection, person_id: int) -> str | None:
    phone: str | None = await conn.fetchval(PHONE, person_id)
    return phone


async def phone_has_account(conn: asyncpg.Connection, phone: str) -> bool:
    return bool(await conn.fetchval(PHONE_HAS_ACCOUNT, phone))
