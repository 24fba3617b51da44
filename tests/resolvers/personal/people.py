"""Test helpers: a person of our own with an account and records, officers and partner keys, written straight to the DB.

Tests build their own people rather than rely on which seeded person has what, so every assertion knows its data.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass

import asyncpg

from auth.tokens import hash_token, new_token
from tests.sessions import open_session

_codes = itertools.count(random.randint(0, 10**6) * 1000)
VN = dt.timezone(dt.timedelta(hours=7))


@dataclass(frozen=True)
class Citizen:
    person_id: int
    token: str
    social_insurance_code: str


async def create_citizen(db: asyncpg.Connection, *, full_name: str = "Nguyễn Văn Thử") -> Citizen:
    """A person on record with an active account and an open session."""
    code = f"99{next(_codes) % 10**8:08d}"
    province = await db.fetchval("select code from provinces order by code limit 1")
    person_id: int = await db.fetchval(
        """insert into people (social_insurance_code, full_name, date_of_birth, gender, address, province_code)
           values ($1, $2, date '1990-05-17', 'FEMALE', 'Số 1 phố Thử', $3) returning id""",
        code,
        full_name,
        province,
    )
    await db.execute(
        "insert into accounts (person_id, password_hash, must_change_password) values ($1, '$argon2id$test', false)",
        person_id,
    )
    return Citizen(person_id=person_id, token=await open_session(db, person_id), social_insurance_code=code)


async def make_officer(db: asyncpg.Connection, citizen: Citizen) -> None:
    agency = await db.fetchval("select id from facilities where kind = 'SOCIAL_INSURANCE_AGENCY' order by id limit 1")
    await db.execute("insert into agency_officers (person_id, agency_id) values ($1, $2)", citizen.person_id, agency)


async def create_partner_key(db: asyncpg.Connection) -> str:
    key = new_token("pk_")
    partner = await db.fetchval("insert into partners (name) values ($1) returning id", f"Bệnh viện thử {key[-6:]}")
    await db.execute(
        """insert into api_keys (partner_id, prefix, key_hash, scopes)
           values ($1, $2, $3, array['directory:read', 'card:verify'])""",
        partner,
        key[:10],
        hash_token(key),
    )
    return key


FIRST_VISIT = dt.datetime(2025, 6, 1, 9, 30, tzinfo=VN)


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


async def add_card(db: asyncpg.Connection, citizen: Citizen, *, valid_from: dt.date, valid_to: dt.date) -> int:
    group = await db.fetchrow("select code, benefit_level from beneficiary_groups order by code limit 1")
    province = await db.fetchval("select code from provinces order by code limit 1")
    facility = await db.fetchval("select id from facilities where kind = 'HOSPITAL' order by id limit 1")
    number = f"{group['code']}{group['benefit_level']}{province}{citizen.social_insurance_code}"
    card_id: int = await db.fetchval(
        """insert into insurance_cards (person_id, card_number, group_code, benefit_level, coverage_percent,
                                        province_code, valid_from, valid_to, primary_facility_id, residence_area,
                                        five_years_continuous_from)
           values ($1, $2, $3, $4, 77, $5, $6, $7, $8, 'K2', date '2020-01-01') returning id""",
        citizen.person_id,
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
    agency = await db.fetchval("select id from facilities where kind = 'SOCIAL_INSURANCE_AGENCY' order by id limit 1")
    benefit_id: int = await db.fetchval(
        """insert into benefits (person_id, kind, decision_number, period_from, period_to, days, amount, paid_on,
                                 paying_agency_id)
           values ($1, $2, 'QĐ-' || $2, $3::date, $3::date + 4, 5, 3200000000, $3::date + 30, $4) returning id""",
        person_id,
        kind,
        paid_on - dt.timedelta(days=30),
        agency,
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
