"""Integrity checks of the medical visits and of the benefits that need a visit, on any seeded database.

`CHECKS` holds `(name, description, sql)`; each statement returns one integer, the number of violations. The rules
are those of seed/diagnoses.py and seed/coverage.py, written from the same data files and name patterns.
"""

from __future__ import annotations

from db.reference import read_data_csv
from seed.coverage import FIVE_YEARS_COPAY_MONTHS, SMALL_BILL_PERCENT_OF_BASE
from seed.diagnoses import CHILD_UNTIL, ELDERLY_FROM, GENERAL, RANKS, SPECIALTY_NAMES, load_diagnoses
from seed.visits import BIRTHS_APART_DAYS, RECORDS_FROM


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _diagnoses_values() -> str:
    rows = (f"({_text(d.code)}, {_text(d.sex)}, {d.min_age}, {d.max_age}, {d.rank}, "
            f"array[{', '.join(_text(s) for s in sorted(d.specialties))}]::text[])" for d in load_diagnoses())
    return "(values " + ", ".join(rows) + ") as d (code, sex, min_age, max_age, rank, specialties)"


def _base_salary_values() -> str:
    rows = ", ".join(f"(date {_text(r['from'])}, {int(r['amount'])})" for r in read_data_csv("base_salary.csv"))
    return f"(values {rows}) as b (valid_from, amount)"


def _specialty_case() -> str:
    """SQL for seed/diagnoses.py:specialty_of, on a row of `facilities` named f."""
    whens = " ".join(
        f"when f.name = {_text('Bệnh viện ' + words)} or f.name like {_text('Bệnh viện ' + words + ' %')} "
        f"then {_text(specialty)}" for words, specialty in SPECIALTY_NAMES)
    return f"case when f.kind <> 'HOSPITAL' then {_text(GENERAL)} {whens} else {_text(GENERAL)} end"


RANK = (f"case when f.kind = 'HEALTH_STATION' then {RANKS['COMMUNE']} when f.kind = 'CLINIC' then {RANKS['CLINIC']} "
        f"when f.level in ('PROVINCIAL', 'CENTRAL') then {RANKS['UPPER']} else {RANKS['HOSPITAL']} end")
LOCAL_DAY = "(v.admitted_at at time zone 'Asia/Ho_Chi_Minh')::date"
# Whole years of age on the day, as seed/rng.py:age_on counts them.
AGE = (f"(extract(year from {LOCAL_DAY}) - extract(year from p.date_of_birth))::integer"
       f" - (to_char({LOCAL_DAY}, 'MMDD') < to_char(p.date_of_birth, 'MMDD'))::integer")
VISITS_WITH_DIAGNOSIS = f"""
select v.id, d.sex, d.min_age, d.max_age, d.rank, d.specialties, p.gender, {AGE} as age, {RANK} as facility_rank,
       string_to_array({_specialty_case()}, ' ') as facility_kinds
from medical_visits v
join {_diagnoses_values()} on d.code = v.primary_diagnosis_code
join people p on p.id = v.person_id
join facilities f on f.id = v.facility_id
"""
DIAGNOSIS_FITS_PATIENT = f"""
select count(*)::integer from ({VISITS_WITH_DIAGNOSIS}) x
where (x.sex <> '' and x.sex <> left(x.gender, 1)) or x.age < x.min_age or x.age > x.max_age
"""
DIAGNOSIS_FITS_FACILITY = f"""
select count(*)::integer from ({VISITS_WITH_DIAGNOSIS}) x
where x.rank > x.facility_rank
   or (cardinality(x.facility_kinds) > 0
       and not (x.specialties && x.facility_kinds)
       and not ('C' = any(x.facility_kinds) and x.age < {CHILD_UNTIL})
       and not ('E' = any(x.facility_kinds) and x.age >= {ELDERLY_FROM}))
"""
NO_CANCER_AT_STATIONS = """
select count(*)::integer from medical_visits v join facilities f on f.id = v.facility_id
where f.kind = 'HEALTH_STATION' and (v.primary_diagnosis_code like 'C%' or v.primary_diagnosis_code = 'Z51.1')
"""
CARD_OF_THE_DAY = f"""
select count(*)::integer from medical_visits v
where not exists (select from insurance_cards c where c.person_id = v.person_id
                  and {LOCAL_DAY} between c.valid_from and c.valid_to)
"""
# Every visit paid by a card, with what the rule expects: the card's share, or 100 % in the law's cases.
_COVERAGE = f"""
with v as (
    select v.id, v.person_id, v.admitted_at, v.total_cost, v.insurance_paid, v.patient_paid, {LOCAL_DAY} as day,
           f.level = 'COMMUNE' as station
    from medical_visits v join facilities f on f.id = v.facility_id
), carded as (
    select v.*, c.coverage_percent, coalesce(c.five_years_continuous_from <= v.day, false) as five_years,
           (select b.amount from {_base_salary_values()} where b.valid_from <= v.day
            order by b.valid_from desc limit 1) as base
    from v cross join lateral (
        select coverage_percent, five_years_continuous_from from insurance_cards c
        where c.person_id = v.person_id and v.day between c.valid_from and c.valid_to
        order by c.valid_from desc, c.id desc limit 1) c
), counted as (
    select carded.*, coalesce(sum(patient_paid) filter (where five_years) over (
        partition by person_id, extract(year from day) order by admitted_at, id
        rows between unbounded preceding and 1 preceding), 0) as copaid
    from carded
), judged as (
    select counted.*, station or total_cost * 100 < base * {SMALL_BILL_PERCENT_OF_BASE}
           or (five_years and copaid > {FIVE_YEARS_COPAY_MONTHS} * base) as full_cover
    from counted
)
"""
COVERAGE_OF_THE_CARD = f"""{_COVERAGE}
select count(*)::integer from judged
where not full_cover and insurance_paid <> floor(total_cost * coverage_percent / 100)
"""
HUNDRED_PERCENT_CASES = f"""{_COVERAGE}
select count(*)::integer from judged where full_cover and insurance_paid <> total_cost
"""
MATERNITY_HAS_DELIVERY = f"""
select count(*)::integer from benefits b
where b.kind = 'MATERNITY' and b.period_from >= date '{RECORDS_FROM}'
  and not exists (select from medical_visits v join facilities f on f.id = v.facility_id
                  where v.person_id = b.person_id and {LOCAL_DAY} = b.period_from and v.visit_type = 'INPATIENT'
                    and v.primary_diagnosis_code ~ '^O8[0-4]' and f.kind = 'HOSPITAL')
"""
SICKNESS_HAS_CERTIFICATE_VISIT = f"""
select count(*)::integer from benefits b
where b.kind = 'SICKNESS' and b.period_from >= date '{RECORDS_FROM}'
  and not exists (select from medical_visits v join facilities f on f.id = v.facility_id
                  where v.person_id = b.person_id and {LOCAL_DAY} = b.period_from
                    and f.issues_sick_leave_certificates)
"""

BIRTHS_APART = f"""
select count(*)::integer from medical_visits a join medical_visits b
  on b.person_id = a.person_id and (b.admitted_at, b.id) > (a.admitted_at, a.id)
 and (b.admitted_at at time zone 'Asia/Ho_Chi_Minh')::date
     - (a.admitted_at at time zone 'Asia/Ho_Chi_Minh')::date < {BIRTHS_APART_DAYS}
where a.primary_diagnosis_code ~ '^O8[0-4]' and b.primary_diagnosis_code ~ '^O8[0-4]'
"""

CHECKS: tuple[tuple[str, str, str], ...] = (
    ("diagnosis_fits_patient",
     "a visit's diagnosis fits the patient's sex and age on the day (common_diagnoses.csv)", DIAGNOSIS_FITS_PATIENT),
    ("diagnosis_fits_facility",
     "the facility treats the diagnosis: its level at least the diagnosis's, a specialty hospital its specialty "
     "(children's hospitals children, geriatric ones the elderly)", DIAGNOSIS_FITS_FACILITY),
    ("no_cancer_at_commune_stations", "no cancer (C00-C97) or chemotherapy at a commune health station",
     NO_CANCER_AT_STATIONS),
    ("card_valid_that_day", "every visit falls on a day a card of the patient is valid", CARD_OF_THE_DAY),
    ("coverage_of_the_card",
     "outside the 100 % cases, BHYT pays floor(total x the share of the card valid that day / 100)",
     COVERAGE_OF_THE_CARD),
    ("hundred_percent_cases",
     "BHYT pays the whole total at commune stations, below 15 % of the base salary, and for five continuous years "
     "once the year's co-payments exceed six months of base salary", HUNDRED_PERCENT_CASES),
    ("births_apart", "two deliveries (O80-O84) of one woman are at least 15 months apart", BIRTHS_APART),
    ("maternity_has_delivery",
     "a maternity benefit since 2017 has an inpatient delivery (O80-O84) at a hospital on its first day",
     MATERNITY_HAS_DELIVERY),
    ("sickness_has_certificate_visit",
     "a sickness benefit since 2017 has a visit on its first day at a facility that issues sick-leave certificates",
     SICKNESS_HAS_CERTIFICATE_VISIT),
)
