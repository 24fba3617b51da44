"""The synthetic data set: deterministic, all-or-nothing, internally consistent, shaped like the country."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from auth.passwords import verify_password
from auth.tokens import hash_token
from db.reference import load_reference_data, read_data_csv
from seed import SeedError, population, seed_database
from seed.demo import DEMO_CHILDREN, DEMO_LOGINS, DEMO_PEOPLE, DEMO_UNREGISTERED, PARTNER_API_KEY
from seed.demo_household import HOUSEHOLD_CODES

AS_OF = dt.date(2026, 11, 25)
SEEDED_TABLES = ("facilities", "employers", "people", "insurance_cards", "contribution_periods", "benefits",
                 "medical_visits", "faqs", "news", "accounts", "partners", "api_keys", "dataset_info")
CHECKSUM = "select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from {table} t"
COUNT_ALL = " union all ".join(f"select '{t}', count(*) from {t}" for t in SEEDED_TABLES)
LOCAL_DAY = "(({column}) at time zone 'Asia/Ho_Chi_Minh')::date"


@pytest.fixture
async def empty(fresh_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A migrated database with reference data and nothing else."""
    conn = await asyncpg.connect(fresh_dsn)
    try:
        await load_reference_data(conn)
        yield conn
    finally:
        await conn.close()


async def _counts(conn: asyncpg.Connection) -> dict[str, int]:
    return {r[0]: r[1] for r in await conn.fetch(COUNT_ALL)}


async def _checksums_of_a_rolled_back_seed(conn: asyncpg.Connection, seed: int) -> dict[str, str]:
    transaction = conn.transaction()
    await transaction.start()
    try:
        await seed_database(conn, persons=40, seed=seed, facilities=200, demo=False, progress=False, as_of=AS_OF)
        return {table: await conn.fetchval(CHECKSUM.format(table=table)) for table in SEEDED_TABLES}
    finally:
        await transaction.rollback()


async def _as_of(db: asyncpg.Connection) -> dt.date:
    info = json.loads(await db.fetchval("select value::text from dataset_info where key = 'seed'"))
    return dt.date.fromisoformat(info["as_of"])


# Determinism and all-or-nothing.


async def test_the_same_seed_gives_byte_identical_data_and_another_seed_does_not(empty: asyncpg.Connection) -> None:
    first = await _checksums_of_a_rolled_back_seed(empty, 11)
    again = await _checksums_of_a_rolled_back_seed(empty, 11)
    other = await _checksums_of_a_rolled_back_seed(empty, 12)

    assert first == again
    changed = {t for t in SEEDED_TABLES if first[t] != other[t]}
    assert {"facilities", "employers", "people", "insurance_cards", "medical_visits"} <= changed


async def test_the_report_counts_what_was_written(empty: asyncpg.Connection) -> None:
    async with empty.transaction():
        report = await seed_database(empty, persons=30, seed=3, facilities=150, demo=True, progress=False)

    counts = await _counts(empty)
    assert report.persons == counts["people"] == 30 + len(DEMO_PEOPLE) + len(DEMO_CHILDREN) + len(HOUSEHOLD_CODES)
    assert (report.facilities, report.employers) == (counts["facilities"], counts["employers"]) == (150, 20)
    assert report.cards == counts["insurance_cards"] > 0
    assert report.contribution_periods == counts["contribution_periods"] > 0
    assert report.benefits == counts["benefits"] > 0
    assert report.medical_visits == counts["medical_visits"] > 0
    assert report.seconds > 0


async def test_a_seed_that_fails_half_way_leaves_nothing(empty: asyncpg.Connection,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Small chunks, so that several have been COPYed, and one may still be in flight, when drawing fails.
    monkeypatch.setattr(population, "CHUNK_PEOPLE", 10)
    drawn = 0
    real_live = population.live  # type: ignore[attr-defined]  # patched where the loop looks it up

    def failing_live(*args: Any) -> None:
        nonlocal drawn
        drawn += 1
        if drawn == 35:
            raise RuntimeError("generator failure")
        real_live(*args)

    monkeypatch.setattr(population, "live", failing_live)

    with pytest.raises(RuntimeError, match="generator failure"):
        async with empty.transaction():
            await seed_database(empty, persons=50, seed=5, facilities=150, progress=False)

    assert set((await _counts(empty)).values()) == {0}


async def test_a_second_seed_in_the_same_transaction_fails_and_takes_the_first_with_it(
    empty: asyncpg.Connection,
) -> None:
    with pytest.raises(SeedError):
        async with empty.transaction():
            await seed_database(empty, persons=10, seed=1, facilities=120, demo=False, progress=False)
            await seed_database(empty, persons=10, seed=1, facilities=120, demo=False, progress=False)

    assert set((await _counts(empty)).values()) == {0}


async def test_seeding_a_database_that_holds_data_is_refused(db: asyncpg.Connection) -> None:
    before = await _counts(db)

    with pytest.raises(SeedError):
        async with db.transaction():
            await seed_database(db, persons=5, seed=99, facilities=120, progress=False)

    assert await _counts(db) == before


async def test_seeding_outside_a_transaction_is_refused(empty: asyncpg.Connection) -> None:
    with pytest.raises(SeedError):
        await seed_database(empty, persons=5, seed=1, facilities=120, progress=False)

    assert set((await _counts(empty)).values()) == {0}


async def test_seeding_without_reference_data_is_refused(fresh_dsn: str) -> None:
    conn = await asyncpg.connect(fresh_dsn)
    try:
        with pytest.raises(SeedError):
            async with conn.transaction():
                await seed_database(conn, persons=5, seed=1, facilities=120, progress=False)
    finally:
        await conn.close()


async def test_new_rows_get_ids_after_the_seeded_ones(db: asyncpg.Connection) -> None:
    highest = await db.fetchval("select max(id) from faqs")

    new_id = await db.fetchval("insert into faqs (question, answer, category) values ('Q?', 'A.', 'Khác') returning id")

    assert new_id > highest


async def test_dataset_info_describes_the_seed(shared_db: asyncpg.Connection) -> None:
    info = json.loads(await shared_db.fetchval("select value::text from dataset_info where key = 'seed'"))

    assert {k: info[k] for k in ("persons", "seed", "facilities", "demo")} == {
        "persons": 60, "seed": 7, "facilities": 400, "demo": True}
    assert dt.date.fromisoformat(info["as_of"]) <= dt.date.today() + dt.timedelta(days=1)


# Consistency of the seeded template (60 people, seed 7, 400 facilities, demo people).


async def test_card_numbers_are_group_level_province_and_social_insurance_code(shared_db: asyncpg.Connection) -> None:
    rows = await shared_db.fetch("""select c.card_number, c.group_code || c.benefit_level || c.province_code
                                    || p.social_insurance_code as expected, p.province_code
                             from insurance_cards c join people p on p.id = c.person_id""")

    assert len(rows) > 60
    assert all(r["card_number"] == r["expected"] for r in rows)
    assert all(r["card_number"][3:5] == r["province_code"] for r in rows)


async def test_cards_carry_the_level_their_group_had_when_they_were_issued(shared_db: asyncpg.Connection) -> None:
    current = {r["code"]: (r["benefit_level"], r["coverage_percent"])
               for r in await shared_db.fetch("select * from beneficiary_groups")}
    earlier = {(r["code"], dt.date.fromisoformat(r["valid_before"])): (int(r["benefit_level"]),
                                                                       int(r["coverage_percent"]))
               for r in read_data_csv("beneficiary_group_changes.csv")}
    cards = await shared_db.fetch("select group_code, benefit_level, coverage_percent, valid_from from insurance_cards")

    def expected(group: str, valid_from: dt.date) -> tuple[int, int]:
        for (code, before), terms in earlier.items():
            if code == group and valid_from < before:
                return terms
        return current[group]

    assert all((c["benefit_level"], c["coverage_percent"]) == expected(c["group_code"], c["valid_from"])
               for c in cards)


async def test_most_people_hold_a_card_valid_on_the_data_set_date(shared_db: asyncpg.Connection) -> None:
    as_of = await _as_of(shared_db)
    valid = await shared_db.fetchval("""select count(distinct person_id) from insurance_cards
                                 where $1 between valid_from and valid_to""", as_of)
    people = await shared_db.fetchval("select count(*) from people")

    assert valid / people > 0.75


async def test_visits_fall_in_the_persons_lifetime_before_the_data_set_date(shared_db: asyncpg.Connection) -> None:
    day = LOCAL_DAY.format(column="v.admitted_at")
    outside = await shared_db.fetchval(f"""
        select count(*) from medical_visits v join people p on p.id = v.person_id
        where {day} < greatest(date '2017-01-01', p.date_of_birth) or {day} >= $1""", await _as_of(shared_db))

    assert outside == 0


async def test_every_province_has_a_hospital_an_agency_and_somewhere_to_register(shared_db: asyncpg.Connection) -> None:
    rows = await shared_db.fetch("""
        select p.code,
               count(*) filter (where f.kind = 'HOSPITAL') as hospitals,
               count(*) filter (where f.kind = 'SOCIAL_INSURANCE_AGENCY') as agencies,
               count(*) filter (where f.accepts_initial_registration) as registering
        from provinces p left join facilities f on f.province_code = p.code group by p.code""")

    assert len(rows) == 34
    assert all(r["hospitals"] and r["agencies"] and r["registering"] for r in rows)
    named = {r["name"]: r["code"] for r in await shared_db.fetch(
        "select name, code from facilities where name in ('Bệnh viện Bạch Mai', 'Bệnh viện Chợ Rẫy')")}
    assert named["Bệnh viện Bạch Mai"].startswith("01")
    assert named["Bệnh viện Chợ Rẫy"].startswith("79")


async def test_agencies_manage_employers_and_people_of_their_own_province(shared_db: asyncpg.Connection) -> None:
    wrong = await shared_db.fetchrow("""
        select
          (select count(*) from employers e join facilities f on f.id = e.agency_id
           where f.kind <> 'SOCIAL_INSURANCE_AGENCY' or f.province_code <> e.province_code) as employers,
          (select count(*) from people p join facilities f on f.id = p.managing_agency_id
           where f.kind <> 'SOCIAL_INSURANCE_AGENCY' or f.province_code <> p.province_code) as people,
          (select count(*) from benefits b join facilities f on f.id = b.paying_agency_id
           where f.kind <> 'SOCIAL_INSURANCE_AGENCY') as benefits,
          (select count(*) from insurance_cards c join facilities f on f.id = c.primary_facility_id
           where not f.accepts_initial_registration or f.province_code <> c.province_code) as cards""")

    assert wrong is not None
    assert dict(wrong) == {"employers": 0, "people": 0, "benefits": 0, "cards": 0}


async def test_social_insurance_codes_begin_with_the_province(shared_db: asyncpg.Connection) -> None:
    mismatched = "select count(*) from people where left(social_insurance_code, 2) <> province_code"
    assert await shared_db.fetchval(mismatched) == 0


async def test_contribution_periods_of_one_scheme_never_overlap_and_end_by_the_current_month(
    shared_db: asyncpg.Connection,
) -> None:
    overlapping = await shared_db.fetchval("""
        select count(*) from contribution_periods a join contribution_periods b
          on a.person_id = b.person_id and a.scheme = b.scheme and a.id < b.id
         and daterange(a.from_month, a.to_month, '[]') && daterange(b.from_month, b.to_month, '[]')""")
    latest = await shared_db.fetchval("select max(to_month) from contribution_periods")

    assert overlapping == 0
    assert latest == (await _as_of(shared_db)).replace(day=1)


async def test_benefits_fit_the_person(shared_db: asyncpg.Connection) -> None:
    as_of = await _as_of(shared_db)
    wrong = await shared_db.fetchrow("""
        select
          (select count(*) from benefits where paid_on >= $1) as unpaid_yet,
          (select count(*) from benefits b join people p on p.id = b.person_id
           where b.kind = 'MATERNITY' and p.gender <> 'FEMALE') as maternity,
          (select count(distinct b.person_id) from benefits b where b.kind = 'PENSION' and not exists (
             select from insurance_cards c where c.person_id = b.person_id and c.group_code = 'HT'
             and $1 between c.valid_from and c.valid_to)) as pensioners_without_ht_card,
          (select count(*) from benefits b where b.kind in ('SICKNESS', 'MATERNITY') and not exists (
             select from contribution_periods c where c.person_id = b.person_id
             and c.scheme = 'BHXH_COMPULSORY' and c.from_month <= b.period_from)) as without_contributions""",
        as_of)

    assert wrong is not None
    assert dict(wrong) == {"unpaid_yet": 0, "maternity": 0, "pensioners_without_ht_card": 0,
                           "without_contributions": 0}
    assert await shared_db.fetchval("select count(*) from benefits where decision_number !~ '^[0-9]+/QĐ-BHXH$'") == 0


# Demo logins and people.


async def test_demo_logins_exist_and_their_passwords_verify(shared_db: asyncpg.Connection) -> None:
    for login in DEMO_LOGINS:
        if login.role == "partner":
            continue
        account = await shared_db.fetchrow("""select a.* from accounts a join people p on p.id = a.person_id
                                       where p.social_insurance_code = $1""", login.social_insurance_code)
        assert account is not None, login.label
        assert account["status"] == "ACTIVE"
        assert account["must_change_password"] is (login.role == "citizen_must_change_password")
        assert login.password is not None and verify_password(account["password_hash"], login.password)
        assert not verify_password(account["password_hash"], login.password + "x")


async def test_the_demo_officer_works_for_the_hanoi_agency(shared_db: asyncpg.Connection) -> None:
    officer = next(login for login in DEMO_LOGINS if login.role == "agency_officer")

    agency = await shared_db.fetchrow("""select f.kind, f.province_code from agency_officers o
                                  join people p on p.id = o.person_id join facilities f on f.id = o.agency_id
                                  where p.social_insurance_code = $1""", officer.social_insurance_code)

    assert agency is not None
    assert (agency["kind"], agency["province_code"]) == ("SOCIAL_INSURANCE_AGENCY", "01")


async def test_the_demo_partner_key_is_stored_as_a_hash_with_both_scopes(shared_db: asyncpg.Connection) -> None:
    key = await shared_db.fetchrow("""select k.prefix, k.scopes, p.name
                                      from api_keys k join partners p on p.id = k.partner_id
                                      where k.key_hash = $1""", hash_token(PARTNER_API_KEY))

    assert key is not None
    assert key["name"] == "Bệnh viện Demo"
    assert key["prefix"] == PARTNER_API_KEY[:12]
    assert sorted(key["scopes"]) == ["card:verify", "directory:read"]


async def test_the_unregistered_demo_person_is_on_record_without_an_account(shared_db: asyncpg.Connection) -> None:
    person = await shared_db.fetchrow("select * from people where social_insurance_code = $1",
                               DEMO_UNREGISTERED.social_insurance_code)

    assert person is not None
    assert (person["full_name"], person["date_of_birth"], person["national_id"], person["phone"]) == (
        DEMO_UNREGISTERED.full_name, DEMO_UNREGISTERED.date_of_birth, DEMO_UNREGISTERED.national_id,
        DEMO_UNREGISTERED.phone)
    assert await shared_db.fetchval("select count(*) from accounts where person_id = $1", person["id"]) == 0
    assert await shared_db.fetchval("select count(*) from people where phone = $1", DEMO_UNREGISTERED.phone) == 1


async def test_demo_people_have_rich_histories(shared_db: asyncpg.Connection) -> None:
    as_of = await _as_of(shared_db)
    for demo in DEMO_PEOPLE:
        history = await shared_db.fetchrow("""
            select
              (select count(*) from insurance_cards c where c.person_id = p.id
               and $2 between c.valid_from and c.valid_to) as current_cards,
              (select count(*) from contribution_periods c where c.person_id = p.id) as periods,
              (select count(*) from contribution_periods c where c.person_id = p.id and status = 'UNPAID') as unpaid,
              (select count(distinct kind) from benefits b where b.person_id = p.id) as benefit_kinds,
              (select count(*) from medical_visits v where v.person_id = p.id) as visits,
              (select count(distinct facility_id) from medical_visits v where v.person_id = p.id) as facilities
            from people p where p.social_insurance_code = $1""", demo.social_insurance_code, as_of)
        assert history is not None, demo.full_name
        assert history["current_cards"] == 1, demo.full_name
        assert history["periods"] >= 8 and history["unpaid"] >= 1, demo.full_name
        assert history["benefit_kinds"] >= 1, demo.full_name
        assert 20 <= history["visits"] <= 40 and history["facilities"] >= 3, demo.full_name


# The shape of a larger data set.


async def test_the_data_looks_like_the_country(empty: asyncpg.Connection) -> None:
    async with empty.transaction():
        await seed_database(empty, persons=1500, seed=2026, facilities=1000, demo=False, progress=False,
                            as_of=AS_OF)

    shape = await empty.fetchrow("""
        select
          (select count(distinct person_id) from insurance_cards where $1 between valid_from and valid_to)
            / (select count(*) from people)::float as current_card_share,
          (select avg((status = 'UNPAID')::int) from contribution_periods) as unpaid_share,
          (select count(*) from medical_visits where admitted_at >= '2023-01-01' and admitted_at < '2024-01-01')
            -- per insured person-year: a visit is on record only while a card of the patient is valid
            / (select sum(greatest(0, least(valid_to, date '2023-12-31') - greatest(valid_from, date '2023-01-01') + 1))
               from insurance_cards)::float * 365 as visits_2023,
          (select count(distinct province_code) from people) as provinces,
          (select count(distinct kind) from benefits) as benefit_kinds,
          (select count(distinct group_code) from insurance_cards) as groups""", AS_OF)

    assert shape is not None
    assert 0.85 < shape["current_card_share"] < 0.97
    assert 0.03 < shape["unpaid_share"] < 0.08
    assert 1.4 < shape["visits_2023"] < 2.5
    assert shape["provinces"] == 34
    assert shape["benefit_kinds"] >= 6
    assert shape["groups"] >= 12
