"""One person's records, drawn from their plan: contributions, benefits, cards and medical visits."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from seed.benefits import (
    BaseSalary,
    BenefitDraft,
    PensionFacts,
    benefit_lines,
    lump_sum_benefit,
    one_off_benefits,
    pension_benefits,
    pension_line,
    showcase_benefits,
    unemployment_benefits,
)
from seed.cards import Life, card_lines, draw_spans
from seed.careers import Job, contribution_lines, draw_jobs, voluntary_lines
from seed.coverage import cards_from_lines
from seed.diagnoses import CareIndex, Catalogue
from seed.directory import Directory, primary_facility
from seed.employers import EmployerPool
from seed.facilities import Facility
from seed.names import NameParts, email_for, full_name, mobile_phone, street_address
from seed.people import Identifiers, LifePlan, Person, draw_birth, national_id_wanted
from seed.rng import age_on, day_minutes, month_index, stamp
from seed.visits import keeps_benefit, visit_lines
from seed.wages import wage_history
from seed.world import WardInfo, World
from seed.writer import NULL, Sink

PEOPLE_RECORDED_FROM = date(2016, 1, 1)


@dataclass(frozen=True, slots=True)
class Context:
    world: World
    directory: Directory
    employers: EmployerPool
    parts: NameParts
    base_salary: BaseSalary
    ids: Identifiers
    now: datetime  # the moment the data set describes: discharges after it have not happened yet
    catalogue: Catalogue  # the diagnoses a visit may carry
    care: CareIndex  # the facilities' rank and specialty, for the visits


def _benefits(rng: random.Random, ctx: Context, person: Person, plan: LifePlan,
              jobs: list[Job]) -> tuple[list[BenefitDraft], set[int], int | None, PensionFacts | None]:
    career = plan.career
    if career is None or not jobs:
        return [], set(), None, None
    female = person.gender == "FEMALE"
    drafts = one_off_benefits(rng, jobs, female=female, birth=person.birth, base=ctx.base_salary)
    if plan.showcase:
        drafts.extend(showcase_benefits(rng, jobs, drafts, female=female, birth=person.birth, base=ctx.base_salary))
    unemployment = unemployment_benefits(rng, jobs, career_over=not (career.current or career.retired))
    drafts.extend(unemployment)
    retired_from = pension = None
    if career.retired:
        retired_from = career.end + 1
        now = month_index(ctx.world.as_of)
        payments, pension = pension_benefits(rng, jobs, person.gender == "MALE", retired_from, now,
                                             wages=wage_history())
        drafts.extend(payments)
    if plan.lump_sum:
        drafts.append(lump_sum_benefit(rng, jobs))
    return drafts, {month_index(d.period_from) for d in unemployment}, retired_from, pension


def live(rng: random.Random, ctx: Context, sink: Sink, person: Person, plan: LifePlan) -> None:
    """Queue everything that belongs to `person` in `sink`."""
    today = ctx.world.as_of
    now = month_index(today)
    jobs = draw_jobs(rng, plan.career, ctx.employers, person.province.code, now) if plan.career else []
    _emit(sink, "contribution_periods", contribution_lines(person.id, jobs, sink.peek_id("contribution_periods"), now))
    if plan.voluntary:
        first, last = plan.voluntary
        _emit(sink, "contribution_periods",
              voluntary_lines(rng, person.id, first, last, sink.peek_id("contribution_periods")))
    drafts, unemployed, retired_from, pension = _benefits(rng, ctx, person, plan, jobs)
    if pension is not None and pension.start <= now:
        sink.add_lines("pensions", [pension_line(person.id, person.agency.id, pension)])
    life = Life(person, plan, jobs, unemployed, retired_from)
    spans = draw_spans(rng, life, today)
    cards = card_lines(rng, ctx.world, life, spans, sink.peek_id("insurance_cards"),
                       former_primary=_former_primary(rng, ctx, person))
    _emit(sink, "insurance_cards", cards)
    # Visits are paid by the cards as written; a sickness or maternity benefit comes with the visit that began it.
    terms = cards_from_lines(cards)
    drafts = [d for d in drafts if keeps_benefit(d, terms, today)]
    _emit(sink, "benefits", benefit_lines(rng, drafts, person_id=person.id, agency_id=person.agency.id, today=today,
                                          next_id=sink.peek_id("benefits")))
    _emit(sink, "medical_visits", visit_lines(rng, ctx, person, terms, drafts, count=plan.visits,
                                              next_id=sink.peek_id("medical_visits")))


def _former_primary(rng: random.Random, ctx: Context, person: Person) -> Facility | None:
    """A quarter of those registered at a hospital or clinic were registered at their ward's station before."""
    stations = ctx.directory.stations_of_ward.get(person.ward.code)
    if not stations or person.primary.kind == "HEALTH_STATION" or rng.random() >= 0.25:
        return None
    return stations[0]


def _emit(sink: Sink, table: str, lines: list[str]) -> None:
    """Lines were numbered from `sink.peek_id(table)`: take those ids and queue the lines."""
    sink.next_id(table, len(lines))
    sink.add_lines(table, lines)


def person_line(person: Person, *, national_id: str | None, phone: str | None, email: str | None, address: str,
                created: int) -> str:
    return (f"{person.id}\t{person.code}\t{national_id or NULL}\t{person.full_name}\t{person.birth}\t"
            f"{person.gender}\t{phone or NULL}\t{email or NULL}\t{address}\t{person.province.code}\t"
            f"{person.ward.code}\t{person.agency.id}\t{stamp(created)}\n")


def draw_person(rng: random.Random, ctx: Context, index: int, person_id: int) -> tuple[Person, str]:
    """The person at `index` (0-based among generated people) and their `people` line."""
    world, today = ctx.world, ctx.world.as_of
    province = world.province_picker.pick(rng)
    ward = world.ward_pickers[province.code].pick(rng)
    gender = "FEMALE" if rng.random() < 0.503 else "MALE"
    birth = draw_birth(rng, today)
    person = make_person(rng, ctx, person_id, code=ctx.ids.social_insurance_code(index, province.code),
                         name=full_name(ctx.parts, rng, gender), gender=gender, birth=birth, ward=ward)
    age = age_on(birth, today)
    national_id = None
    if national_id_wanted(rng, birth, today):
        national_id = ctx.ids.citizen_id(index, province.code, gender, birth)
    phone = mobile_phone(rng, ctx.ids.phone(index % ctx.ids.phone.n)) if age >= 15 and rng.random() < 0.93 else None
    email = email_for(person.full_name, birth.year, rng) if age >= 18 and rng.random() < 0.3 else None
    since = max(PEOPLE_RECORDED_FROM, birth)
    created = day_minutes(since + timedelta(days=rng.randrange((today - since).days + 1)), rng.randrange(420, 1020))
    address = street_address(ctx.parts, rng, ward, province)
    line = person_line(person, national_id=national_id, phone=phone, email=email, address=address, created=created)
    return person, line


def make_person(rng: random.Random, ctx: Context, person_id: int, *, code: str, name: str, gender: str, birth: date,
                ward: WardInfo) -> Person:
    """The person with their managing agency (nearest to the ward) and a registered primary-care facility."""
    province = ctx.world.provinces[ward.province_code]
    return Person(person_id, code, name, gender, birth, province, ward, ctx.directory.agency_of_ward[ward.code],
                  primary_facility(ctx.directory, rng, province.code, ward.code))
