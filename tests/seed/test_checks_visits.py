"""The integrity checks of visits and of the benefits that need one: zero on the seed, one per planted violation."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from seed.checks.visits import CHECKS
from seed.diagnoses import specialty_of

BY_NAME = {name: sql for name, _, sql in CHECKS}
# A visit (of a patient matching {extra}) and a commune health station to move it to, paid at 100 % as the law says
# there, for a cold, which fits every patient: a rule-abiding station visit that a test then breaks in one way.
A_VISIT = """
select v.id, v.person_id, v.total_cost, p.gender from medical_visits v join people p on p.id = v.person_id
where v.total_cost >= 20000 {extra} order by v.id limit 1"""
A_STATION = "select id from facilities where kind = 'HEALTH_STATION' and level = 'COMMUNE' order by id limit 1"
TO_STATION = """
update medical_visits set facility_id = $2, primary_diagnosis_code = 'J06.9', visit_type = 'OUTPATIENT',
       discharged_at = null, insurance_paid = total_cost, patient_paid = 0
where id = $1"""


async def _count(db: asyncpg.Connection, name: str) -> int:
    count: int = await db.fetchval(BY_NAME[name])
    return count


async def _station_visit(db: asyncpg.Connection, extra: str = "") -> asyncpg.Record:
    row = await db.fetchrow(A_VISIT.format(extra=extra))
    station = await db.fetchval(A_STATION)
    assert row is not None and station is not None
    await db.execute(TO_STATION, row["id"], station)
    for name in BY_NAME:  # planted within every rule, so each test's one violation is its own
        assert await _count(db, name) == 0, name
    return row


@pytest.mark.parametrize("name", list(BY_NAME))
async def test_the_seed_breaks_no_rule(shared_db: asyncpg.Connection, name: str) -> None:
    assert await shared_db.fetchval("select count(*) from medical_visits") > 100
    assert await _count(shared_db, name) == 0


async def test_a_prostate_diagnosis_for_a_woman_is_counted(db: asyncpg.Connection) -> None:
    visit = await _station_visit(db, "and p.gender = 'FEMALE'")

    await db.execute("update medical_visits set primary_diagnosis_code = 'N40' where id = $1", visit["id"])

    assert await _count(db, "diagnosis_fits_patient") == 1


async def test_a_heart_attack_treated_at_a_commune_station_is_counted(db: asyncpg.Connection) -> None:
    visit = await _station_visit(db)

    await db.execute("update medical_visits set primary_diagnosis_code = 'I21.9' where id = $1", visit["id"])

    assert await _count(db, "diagnosis_fits_facility") == 1


async def test_a_man_at_a_maternity_hospital_is_counted(db: asyncpg.Connection) -> None:
    hospital = await db.fetchval("select id from facilities where name = 'Bệnh viện Phụ sản Trung ương'")
    visit_id = await db.fetchval("""select v.id from medical_visits v join people p on p.id = v.person_id
                                    where p.gender = 'MALE' order by v.id limit 1""")

    await db.execute("update medical_visits set facility_id = $2, primary_diagnosis_code = 'J06.9' where id = $1",
                     visit_id, hospital)

    assert await _count(db, "diagnosis_fits_facility") == 1


async def test_lung_cancer_at_a_commune_station_is_counted(db: asyncpg.Connection) -> None:
    visit = await _station_visit(db)

    await db.execute("update medical_visits set primary_diagnosis_code = 'C34.9' where id = $1", visit["id"])

    assert await _count(db, "no_cancer_at_commune_stations") == 1


async def test_a_visit_before_the_first_card_is_counted(db: asyncpg.Connection) -> None:
    person = await db.fetchrow("""
        select person_id, min(valid_from) as first from insurance_cards group by person_id
        having min(valid_from) > date '2017-01-02' order by person_id limit 1""")
    visit = await _station_visit(db)

    await db.execute("""update medical_visits set person_id = $2,
                        admitted_at = ($3::date - 1)::timestamp at time zone 'Asia/Ho_Chi_Minh' + interval '9 hours',
                        discharged_at = null where id = $1""", visit["id"], person["person_id"], person["first"])

    assert await _count(db, "card_valid_that_day") == 1


async def test_a_visit_paid_below_the_share_of_its_card_is_counted(db: asyncpg.Connection) -> None:
    visit_id = await db.fetchval("""select id from medical_visits where insurance_paid < total_cost
                                    and insurance_paid > 0 order by id limit 1""")

    await db.execute("update medical_visits set insurance_paid = insurance_paid - 1, patient_paid = patient_paid + 1"
                     " where id = $1", visit_id)

    assert await _count(db, "coverage_of_the_card") == 1


async def test_a_commune_station_visit_not_paid_in_full_is_counted(db: asyncpg.Connection) -> None:
    visit = await _station_visit(db)

    await db.execute("update medical_visits set insurance_paid = total_cost - 10000, patient_paid = 10000"
                     " where id = $1", visit["id"])

    assert await _count(db, "hundred_percent_cases") == 1


async def test_two_deliveries_a_month_apart_are_counted(db: asyncpg.Connection) -> None:
    person = await db.fetchrow("""select c.person_id, c.valid_from from insurance_cards c join people p
                                  on p.id = c.person_id where p.gender = 'FEMALE' and not exists (
                                      select from medical_visits v where v.person_id = p.id
                                      and v.primary_diagnosis_code ~ '^O8') order by c.id limit 1""")
    hospital = await db.fetchval("select id from facilities where kind = 'HOSPITAL' order by id limit 1")

    for offset in (0, 30):
        await db.execute("""insert into medical_visits (person_id, facility_id, visit_type, admitted_at,
                                primary_diagnosis_code, total_cost, insurance_paid, patient_paid)
                            values ($1, $2, 'INPATIENT',
                                    ($3::date + $4::integer)::timestamp at time zone 'Asia/Ho_Chi_Minh',
                                    'O80', 3000000, 2400000, 600000)""",
                         person["person_id"], hospital, max(person["valid_from"], dt.date(2017, 1, 1)), offset)

    assert await _count(db, "births_apart") == 1


@pytest.mark.parametrize(("kind", "check"), [("MATERNITY", "maternity_has_delivery"),
                                             ("SICKNESS", "sickness_has_certificate_visit")])
async def test_a_benefit_without_its_visit_is_counted(db: asyncpg.Connection, kind: str, check: str) -> None:
    person_id = await db.fetchval("select id from people where gender = 'FEMALE' order by id limit 1")
    agency = await db.fetchval("select id from facilities where kind = 'SOCIAL_INSURANCE_AGENCY' order by id limit 1")

    await db.execute("""insert into benefits (person_id, kind, decision_number, period_from, period_to, days, amount,
                                              paid_on, paying_agency_id)
                        values ($1, $2, '17/QĐ-BHXH', date '2019-03-04', date '2019-03-08', 5, 900000,
                                date '2019-04-01', $3)""", person_id, kind, agency)

    assert await _count(db, check) == 1


async def test_diagnoses_read_in_vietnamese(shared_db: asyncpg.Connection) -> None:
    names = dict(await shared_db.fetch("select code, name from icd10_codes where code in ('J00', 'C34.9', 'A00.0')"))

    assert names["J00"] == "Viêm mũi họng cấp (cảm thường)"
    assert names["C34.9"] == "U ác của phế quản hoặc phổi, không đặc hiệu"
    assert names["A00.0"].startswith("Cholera")  # codes the seed never uses keep WHO's English title


def test_specialty_hospitals_are_known_by_their_names() -> None:
    assert specialty_of("Bệnh viện Phụ sản Trung ương") == "OBSTETRICS"
    assert specialty_of("Bệnh viện Sản - Nhi Nghệ An") == "OBSTETRICS C"
    assert specialty_of("Bệnh viện K") == "ONCOLOGY"
    assert specialty_of("Bệnh viện Kiến An") == ""
    assert specialty_of("Bệnh viện Nhi Trung ương") == "C"
    assert specialty_of("Bệnh viện Đa khoa tỉnh Nghệ An") == ""
