"""Test data for accounts: people, an agency, accounts and officers made in the test's own database.

The tests make their own rows instead of relying on which seeded person is which, so the seed can change freely.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

import asyncpg

from auth.passwords import hash_password_async

PASSWORD = "Cay-Lua-Xanh-2024"
OTHER_PASSWORD = "Song-Hong-Chay-97!"


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    social_insurance_code: str
    national_id: str
    full_name: str
    date_of_birth: dt.date
    phone: str


async def _unused(db: asyncpg.Connection, sql: str, make: object) -> str:
    assert callable(make)
    while True:
        value = str(make())
        if not await db.fetchval(sql, value):
            return value


async def make_agency(db: asyncpg.Connection, name: str = "BHXH khu vực thử nghiệm") -> tuple[int, str]:
    """A social insurance agency (cơ quan BHXH); returns (id, code)."""
    province = await db.fetchval("select code from provinces order by code limit 1")
    code = await _unused(
        db,
        "select exists (select 1 from facilities where code = $1)",
        lambda: f"{province}Z{secrets.randbelow(100):02d}",
    )
    agency_id = await db.fetchval(
        """insert into facilities (code, kind, name, address, province_code, latitude, longitude)
           values ($1, 'SOCIAL_INSURANCE_AGENCY', $2, '1 Đường Thử, Phường Thử', $3, 21.0, 105.8) returning id""",
        code,
        name,
        province,
    )
    return agency_id, code


async def make_person(
    db: asyncpg.Connection, full_name: str = "Nguyễn Thị Ánh", date_of_birth: dt.date = dt.date(1990, 3, 12)
) -> Person:
    code = await _unused(
        db,
        "select exists (select 1 from people where social_insurance_code = $1)",
        lambda: f"{secrets.randbelow(10**10):010d}",
    )
    national_id = await _unused(
        db, "select exists (select 1 from people where national_id = $1)", lambda: f"{secrets.randbelow(10**12):012d}"
    )
    phone = await _unused(
        db, "select exists (select 1 from people where phone = $1)", lambda: f"09{secrets.randbelow(10**8):08d}"
    )
    province = await db.fetchval("select code from provinces order by code limit 1")
    person_id = await db.fetchval(
        """insert into people (social_insurance_code, national_id, full_name, date_of_birth, gender, phone, address,
                               province_code)
           values ($1, $2, $3, $4, 'FEMALE', $5, '2 Phố Thử', $6) returning id""",
        code,
        national_id,
        full_name,
        date_of_birth,
        phone,
        province,
    )
    return Person(person_id, code, national_id, full_name, date_of_birth, phone)


async def make_account(
    db: asyncpg.Connection, password: str = PASSWORD, *, must_change: bool = False, full_name: str = "Trần Văn Bình"
) -> Person:
    person = await make_person(db, full_name=full_name)
    await db.execute(
        "insert into accounts (person_id, password_hash, must_change_password) values ($1, $2, $3)",
        person.id,
        await hash_password_async(password),
        must_change,
    )
    return person


async def make_officer(db: asyncpg.Connection, agency_id: int, password: str = PASSWORD) -> Person:
    person = await make_account(db, password, full_name="Lê Thị Cán Bộ")
    await db.execute("insert into agency_officers (person_id, agency_id) values ($1, $2)", person.id, agency_id)
    return person


async def last_message(db: asyncpg.Connection, recipient: str, channel: str = "SMS") -> str | None:
    body: str | None = await db.fetchval(
        "select body from notification_outbox where recipient = $1 and channel = $2 order by id desc limit 1",
        recipient,
        channel,
    )
    return body


async def sent_otp(db: asyncpg.Connection, phone: str) -> str:
    body = await last_message(db, phone)
    assert body is not None, f"no SMS to {phone}"
    match = re.search(r"\b([0-9]{6})\b", body)
    assert match is not None
    return match.group(1)


def temporary_password_in(body: str) -> str:
    match = re.search(r"Mat khau tam thoi: (\S+)", body)
    assert match is not None
    return match.group(1)
