"""Test data written straight to the test's own database: people, accounts, sessions, officers, agencies, partner keys,
facilities, and a person's records (cards, contribution periods, benefits, visits, access-log entries).

Tests make their own rows instead of relying on which seeded person is which, so the seed can change freely and every
assertion knows its data. They write, so they belong to tests on a database of their own (conftest's `db`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import asyncpg

from auth.partners import KEY_PREFIX
from auth.passwords import hash_password_async
from auth.request import KEY_PREFIX_LENGTH
from auth.sessions import ACCESS_PREFIX, REFRESH_PREFIX
from auth.tokens import hash_token, new_person_token, new_token
from db import partners
from seed.demo import DEMO_LOGINS

PASSWORD = "Cay-Lua-Xanh-2024"
OTHER_PASSWORD = "Song-Hong-Chay-97!"
# Stored for accounts made without a password: no password verifies against it, and nothing is hashed.
NO_PASSWORD_HASH = "$argon2id$test"
VN = dt.timezone(dt.timedelta(hours=7))
FIRST_VISIT = dt.datetime(2025, 6, 1, 9, 30, tzinfo=VN)
FIRST_PROVINCE = "select code from provinces order by code limit 1"
FIRST_AGENCY = "select id from facilities where kind = 'SOCIAL_INSURANCE_AGENCY' order by id limit 1"


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    social_insurance_code: str
    national_id: str
    full_name: str
    date_of_birth: dt.date
    phone: str


@dataclass(frozen=True, slots=True)
class Citizen(Person):
    """A person with an account and an open session; `token` is the session's bearer access token."""

    token: str


_password_hashes: dict[str, str] = {}


async def _password_hash(password: str) -> str:
    """The app's hash of `password`, made once per test run: argon2 is slow on purpose (0.1 to 0.2 s here), and
    accounts of a test need no salt of their own."""
    if password not in _password_hashes:
        _password_hashes[password] = await hash_password_async(password)
    return _password_hashes[password]


async def _unused(db: asyncpg.Connection, sql: str, make: Callable[[], str]) -> str:
    while True:
        value = make()
        if not await db.fetchval(sql, value):
            return value


# ---- people, accounts, sessions, officers ------------------------------------------------------------------------


async def make_person(
    db: asyncpg.Connection, full_name: str = "Nguyễn Thị Ánh", date_of_birth: dt.date = dt.date(1990, 3, 12)
) -> Person:
    """A person on record (no account), with identifiers no other person holds."""
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
    person_id = await db.fetchval(
        """insert into people (social_insurance_code, national_id, full_name, date_of_birth, gender, phone, address,
                               province_code)
           values ($1, $2, $3, $4, 'FEMALE', $5, '2 Phố Thử', $6) returning id""",
        code,
        national_id,
        full_name,
        date_of_birth,
        phone,
        await db.fetchval(FIRST_PROVINCE),
    )
    return Person(person_id, code, national_id, full_name, date_of_birth, phone)


async def make_account(
    db: asyncpg.Connection,
    password: str | None = PASSWORD,
    *,
    must_change: bool = False,
    full_name: str = "Trần Văn Bình",
) -> Person:
    """A person with an active account; `password=None` skips the (slow) hashing for tests that never log in."""
    person = await make_person(db, full_name=full_name)
    await db.execute(
        "insert into accounts (person_id, password_hash, must_change_password) values ($1, $2, $3)",
        person.id,
        NO_PASSWORD_HASH if password is None else await _password_hash(password),
        must_change,
    )
    return person


INSERT_SESSION = """
insert into sessions (person_id, family_id, access_token_hash, refresh_token_hash,
                      access_expires_at, refresh_expires_at, password_change_only)
values ($1, $2, $3, $4, now() + interval '15 minutes', now() + interval '30 days', $5)
"""


async def open_session(db: asyncpg.Connection, person_id: int, *, password_change_only: bool = False) -> str:
    """A bearer access token for `person_id` (who must hold an account), as login would open it."""
    token, refresh = new_person_token(ACCESS_PREFIX, person_id), new_person_token(REFRESH_PREFIX, person_id)
    await db.execute(
        INSERT_SESSION, person_id, uuid.uuid4(), hash_token(token), hash_token(refresh), password_change_only
    )
    return token


async def open_demo_session(db: asyncpg.Connection, role: str) -> str:
    """A bearer access token of the first seeded demo login with `role` (db/seed/demo.py), e.g. "citizen"."""
    demo = next(d for d in DEMO_LOGINS if d.role == role)
    person_id = await db.fetchval("select id from people where social_insurance_code = $1", demo.social_insurance_code)
    return await open_session(db, person_id)


async def make_citizen(db: asyncpg.Connection, *, full_name: str = "Nguyễn Văn Thử") -> Citizen:
    """A person with an account (no usable password) and an open session."""
    person = await make_account(db, None, full_name=full_name)
    return Citizen(**dataclasses.asdict(person), token=await open_session(db, person.id))


async def make_agency(db: asyncpg.Connection, name: str = "BHXH khu vực thử nghiệm") -> tuple[int, str]:
    """A social insurance agency (cơ quan BHXH); returns (id, code)."""
    province = await db.fetchval(FIRST_PROVINCE)
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


async def make_officer(
    db: asyncpg.Connection, agency_id: int | None = None, *, person: Person | None = None, password: str = PASSWORD
) -> Person:
    """An agency officer (cán bộ): `person`, or a new account with `password`, working for `agency_id` (by default
    the first seeded agency)."""
    officer = person or await make_account(db, password, full_name="Lê Thị Cán Bộ")
    agency = agency_id if agency_id is not None else await db.fetchval(FIRST_AGENCY)
    await db.execute("insert into agency_officers (person_id, agency_id) values ($1, $2)", officer.id, agency)
    return officer


async def make_partner_key(
    db: asyncpg.Connection,
    scopes: Sequence[str] = ("directory:read", "card:verify"),
    *,
    name: str = "Bệnh viện Thử",
    key: str | None = None,
) -> str:
    """An API key of partner `name` (created if new) with `scopes`: `key` if given, else a new one; returns the key."""
    key = key or new_token(KEY_PREFIX)
    partner_id = await partners.upsert_partner(db, name)
    await partners.insert_key(db, partner_id, key[:KEY_PREFIX_LENGTH], hash_token(key), list(scopes))
    return key


# ---- the directory -----------------------------------------------------------------------------------------------

INSERT_FACILITY = """
insert into facilities (code, kind, level, name, address, province_code, latitude, longitude,
                        bhyt_contracted, accepts_initial_registration, issues_sick_leave_certificates)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
returning id
"""


async def add_facility(
    db: asyncpg.Connection,
    code: str,
    name: str,
    *,
    kind: str = "HOSPITAL",
    address: str = "Số 1 phố Thử Nghiệm",
    latitude: float = 21.0,
    longitude: float = 105.8,
    flags: tuple[bool, bool, bool] = (False, False, False),
) -> int:
    """A facility in the province its code starts with; `flags`: contracted, initial registration, sick leave."""
    level = "BASIC" if kind in ("HOSPITAL", "CLINIC") else None
    pk: int = await db.fetchval(
        INSERT_FACILITY, code, kind, level, name, address, code[:2], latitude, longitude, *flags
    )
    return pk


# ---- a person's records ------------------------------------------------------------------------------------------


async def add_visits(db: asyncpg.Connection, person_id: int, count: int, *, start: dt.datetime = FIRST_VISIT) -> None:
    """`count` visits, one day apart going back from `start`, spread over every facility and many diagnoses."""
    facilities = [r["id"] for r in await db.fetch("select id from facilities where kind in ('HOSPITAL', 'CLINIC')")]
    diagnoses = [r["code"] for r in await db.fetch("select code from icd10_codes order by code limit 200")]
    rows = [
        (
            person_id,
            facilities[i % len(facilities)],
            "INPATIENT" if i % 7 == 0 else "OUTPATIENT",
            start - dt.timedelta(days=i),
            start - dt.timedelta(days=i) + dt.timedelta(hours=3),
            diagnoses[i % len(diagnoses)],
            100_000 + i,
            80_000 + i,
            20_000,
        )
        for i in range(count)
    ]
    await db.executemany(
        """insert into medical_visits (person_id, facility_id, visit_type, admitted_at, discharged_at,
                                       primary_diagnosis_code, total_cost, insurance_paid, patient_paid)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
        rows,
    )


async def add_card(db: asyncpg.Connection, person: Person, *, valid_from: dt.date, valid_to: dt.date) -> int:
    group = await db.fetchrow("select code, benefit_level from beneficiary_groups order by code limit 1")
    province = await db.fetchval(FIRST_PROVINCE)
    facility = await db.fetchval("select id from facilities where kind = 'HOSPITAL' order by id limit 1")
    number = f"{group['code']}{group['benefit_level']}{province}{person.social_insurance_code}"
    card_id: int = await db.fetchval(
        """insert into insurance_cards (person_id, card_number, group_code, benefit_level, coverage_percent,
                                        province_code, valid_from, valid_to, primary_facility_id, residence_area,
                                        five_years_continuous_from)
           values ($1, $2, $3, $4, 77, $5, $6, $7, $8, 'K2', date '2020-01-01') returning id""",
        person.id,
        number,
        group["code"],
        group["benefit_level"],
        province,
        valid_from,
        valid_to,
        facility,
    )
    return card_id


async def add_period(
    db: asyncpg.Connection, person_id: int, scheme: str, from_month: str, to_month: str, *, status: str = "PAID"
) -> int:
    employer = None if scheme == "BHXH_VOLUNTARY" else await db.fetchval("select id from employers order by id limit 1")
    period_id: int = await db.fetchval(
        """insert into contribution_periods (person_id, scheme, employer_id, job_title, from_month, to_month,
                                             salary_basis, status)
           values ($1, $2, $3, 'Kỹ sư', $4::text::date, $5::text::date, 12500000, $6) returning id""",
        person_id,
        scheme,
        employer,
        from_month + "-01",
        to_month + "-01",
        status,
    )
    return period_id


async def add_benefit(db: asyncpg.Connection, person_id: int, kind: str, paid_on: dt.date) -> int:
    benefit_id: int = await db.fetchval(
        """insert into benefits (person_id, kind, decision_number, period_from, period_to, days, amount, paid_on,
                                 paying_agency_id)
           values ($1, $2, 'QĐ-' || $2, $3::date, $3::date + 4, 5, 3200000000, $3::date + 30, $4) returning id""",
        person_id,
        kind,
        paid_on - dt.timedelta(days=30),
        await db.fetchval(FIRST_AGENCY),
    )
    return benefit_id


async def add_access(db: asyncpg.Connection, person_id: int, at: dt.datetime, actor: str = "Bệnh viện Thử") -> None:
    await db.execute(
        """insert into access_log (person_id, at, actor_kind, actor_name, purpose, data_categories)
           values ($1, $2, 'PARTNER', $3, 'Kiểm tra thẻ BHYT', array['CARD'])""",
        person_id,
        at,
        actor,
    )


class Registrant(Protocol):
    """What a registration states about its person (a test Person, or a demo person of the seed)."""

    @property
    def social_insurance_code(self) -> str: ...
    @property
    def national_id(self) -> str: ...
    @property
    def full_name(self) -> str: ...
    @property
    def date_of_birth(self) -> dt.date: ...
    @property
    def phone(self) -> str: ...


def registration_input(
    person: Registrant, otp: str, agency_code: str, changes: dict[str, str | None] | None = None
) -> dict[str, Any]:
    """The `input` of submitRegistration for `person`, with `changes` over it (an `email` among them, if any)."""
    values: dict[str, Any] = {
        "socialInsuranceCode": person.social_insurance_code,
        "nationalIdNumber": person.national_id,
        "fullName": person.full_name,
        "dateOfBirth": person.date_of_birth.isoformat(),
        "phone": person.phone,
        "otp": otp,
        "agencyCode": agency_code,
    }
    return {**values, **(changes or {})}
