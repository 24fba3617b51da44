"""Fixed, documented demo people and logins (see docs/seed.md), the same for every seed.

Their codes, national ids and phone numbers use suffixes that begin with 9, which generated people never get.
Their histories are drawn like everyone else's, from a stream of their own, with guaranteed arrears and benefits.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

import asyncpg

from auth.passwords import hash_password
from auth.request import KEY_PREFIX_LENGTH
from auth.tokens import api_key_hashes, hash_token
from db import demo_logins
from db.demo_logins import has_demo_logins
from seed.careers import CareerPlan
from seed.demo_household import write_household
from seed.life import Context, live, make_person, person_line
from seed.names import street_address
from seed.people import LifePlan, Person, retirement_month
from seed.rng import day_minutes, month_index, stream
from seed.writer import Sink

CITIZEN_PASSWORD = "VssID-demo-2026!"
OFFICER_PASSWORD = "CanBo-BHXH-2026!"
TEMPORARY_PASSWORD = "TamThoi#2026-Doi"
PARTNER_NAME = "Bệnh viện Demo"
PARTNER_API_KEY = "vsk_demo_7QmZp4Lx9Tb2Rw8Kc5Nf3Hd6Yv1Gs0Ja"
PARTNER_SCOPES = ("directory:read", "card:verify")


@dataclass(frozen=True)
class DemoPerson:
    social_insurance_code: str
    full_name: str
    gender: str
    date_of_birth: date
    national_id: str
    phone: str
    email: str | None
    province_code: str
    ward_code: str
    first_job: date  # start of the working life (contribution history)
    retired: bool = False  # a retiree: the career ended in retirement and a pension is paid
    arrears_months: int = 0  # the current employer's unpaid months (nợ đóng)
    visits: int = 30


@dataclass(frozen=True)
class DemoLogin:
    role: str  # citizen | citizen_must_change_password | agency_officer | partner
    label: str
    social_insurance_code: str | None
    password: str | None
    api_key: str | None
    scopes: tuple[str, ...]
    note: str


AN = DemoPerson("0190000001", "Nguyễn Văn An", "MALE", date(1988, 5, 12), "001090000001", "0989000001",
                "nguyenvanan.demo@example.vn", "01", "00004", date(2010, 7, 1), arrears_months=3, visits=34)
BINH = DemoPerson("7990000002", "Trần Thị Bình", "FEMALE", date(1993, 9, 3), "079190000002", "0989000002",
                  "tranthibinh.demo@example.vn", "79", "26740", date(2015, 3, 1), arrears_months=2, visits=23)
CUONG = DemoPerson("0190000003", "Lê Văn Cường", "MALE", date(1979, 11, 20), "001090000003", "0989000003",
                   None, "01", "00167", date(2001, 9, 1), arrears_months=4, visits=24)
DUNG = DemoPerson("0190000004", "Phạm Thị Dung", "FEMALE", date(1985, 2, 14), "001190000004", "0989000004",
                  "phamthidung.demo@example.vn", "01", "00235", date(2007, 8, 1), arrears_months=1, visits=21)
GIANG = DemoPerson("0190000006", "Đỗ Văn Giang", "MALE", date(1962, 3, 8), "001090000006", "0989000006",
                   None, "01", "00226", date(1984, 9, 1), retired=True, arrears_months=2, visits=38)
# On record, with a phone, but without an account: for demonstrating registration (đăng ký giao dịch điện tử).
DEMO_UNREGISTERED = DemoPerson("0190000005", "Võ Thị Hoa", "FEMALE", date(1996, 7, 21), "001190000005",
                               "0989000005", "vothihoa.demo@example.vn", "01", "00226", date(2018, 8, 1),
                               arrears_months=2, visits=22)
# The family (issue 13): An's father, a retiree who has granted An read access to his card, benefits and visits.
HUNG = DemoPerson("0190000009", "Nguyễn Văn Hùng", "MALE", date(1958, 4, 10), "001090000009", "0989000009",
                  None, "01", "00004", date(1980, 9, 1), retired=True, arrears_months=2, visits=26)
DEMO_PEOPLE = (AN, BINH, CUONG, DUNG, GIANG, DEMO_UNREGISTERED, HUNG)


@dataclass(frozen=True)
class DemoChild:
    """A child under 18 in a demo guardian's household record: a BHYT card (TE under 6, HS at school), visits."""

    social_insurance_code: str
    full_name: str
    gender: str
    date_of_birth: date
    national_id: str
    guardian: DemoPerson
    visits: int
    previous_cards: int  # the plan's household-card years: unused for a child (TE and HS cards are all on record)


DEMO_CHILDREN = (
    DemoChild("0190000007", "Nguyễn Minh Khôi", "MALE", date(2012, 8, 15), "001212900007", AN,
              visits=9, previous_cards=2),
    DemoChild("0190000008", "Nguyễn Ngọc Linh", "FEMALE", date(2021, 3, 2), "001321900008", AN,
              visits=12, previous_cards=0),
)
# What Hùng lets An read, and for how long from the data set's moment.
FAMILY_GRANT_PARTS = ("CARD", "BENEFITS", "VISITS")
FAMILY_GRANT_DAYS = (-30, 335)

DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("citizen", AN.full_name, AN.social_insurance_code, CITIZEN_PASSWORD, None, (),
              "Employee in Hà Nội; the current employer owes 3 past-due months (nợ đóng); the last 2 months, not yet "
              "due, are unpaid too."),
    DemoLogin("citizen", BINH.full_name, BINH.social_insurance_code, CITIZEN_PASSWORD, None, (),
              "Employee in Hồ Chí Minh City with maternity and sickness benefits."),
    DemoLogin("citizen", GIANG.full_name, GIANG.social_insurance_code, CITIZEN_PASSWORD, None, (),
              "Retiree (group HT) receiving a monthly pension: the Pension document shows its decision, years "
              "counted, rate and yearly adjustments; many medical visits."),
    DemoLogin("citizen_must_change_password", CUONG.full_name, CUONG.social_insurance_code, TEMPORARY_PASSWORD,
              None, (), "Holds a temporary password: the first login may only change it."),
    DemoLogin("agency_officer", DUNG.full_name, DUNG.social_insurance_code, OFFICER_PASSWORD, None, (),
              "Officer of Bảo hiểm xã hội thành phố Hà Nội: decides registrations filed with that agency and the "
              "applications of Hà Nội's residents (ApplicationQueue, DecideApplication)."),
    DemoLogin("citizen", HUNG.full_name, HUNG.social_insurance_code, CITIZEN_PASSWORD, None, (),
              "An's father, a retiree: has granted An read access to his card, benefits and visits (live grant). "
              "An (0190000001) also guards two children under 18: Family, then DependantHistory."),
    DemoLogin("citizen", "Hoàng Thị Mai", "0190000010", CITIZEN_PASSWORD, None, (),
              "Self-employed in Hà Nội: her household BHYT card and her son Quân's (17, in her household record) end "
              "this month, ready to renew online (QuoteRenewal, SubmitApplication, PayApplication). She has paid "
              "voluntary BHXH since 01/2021 through last month: pay the next months online (voluntaryRenewal)."),
    DemoLogin("partner", PARTNER_NAME, None, None, PARTNER_API_KEY, PARTNER_SCOPES,
              "Partner API key: facility directory and card verification."),
)


def _plan(rng: random.Random, demo: DemoPerson, today: date) -> LifePlan:
    start = month_index(demo.first_job)
    if demo.retired:
        end, current = retirement_month(demo.date_of_birth, demo.gender), False
    else:
        end, current = month_index(today), True
    level = rng.lognormvariate(math.log(6_500_000), 0.2)
    career = CareerPlan(start, end, current, demo.retired, level, max_job_months=60, arrears_months=demo.arrears_months)
    return LifePlan("GD", 0, career, None, "CURRENT", 3, False, visits=demo.visits, showcase=True)


def _write_person(rng: random.Random, ctx: Context, sink: Sink, demo: DemoPerson) -> Person:
    world = ctx.world
    province = world.provinces[demo.province_code]
    ward = next(w for w in world.wards[demo.province_code] if w.code == demo.ward_code)
    person = make_person(rng, ctx, sink.next_id("people"), code=demo.social_insurance_code, name=demo.full_name,
                         gender=demo.gender, birth=demo.date_of_birth, ward=ward)
    line = person_line(person, national_id=demo.national_id, phone=demo.phone, email=demo.email,
                       address=street_address(ctx.parts, rng, ward, province),
                       created=day_minutes(date(2019, 5, 20), 9 * 60))
    sink.add_lines("people", [line])
    live(rng, ctx, sink, person, _plan(rng, demo, world.as_of))
    return person


def _write_child(rng: random.Random, ctx: Context, sink: Sink, child: DemoChild) -> Person:
    guardian = child.guardian
    ward = next(w for w in ctx.world.wards[guardian.province_code] if w.code == guardian.ward_code)
    person = make_person(rng, ctx, sink.next_id("people"), code=child.social_insurance_code, name=child.full_name,
                         gender=child.gender, birth=child.date_of_birth, ward=ward)
    line = person_line(person, national_id=child.national_id, phone=None, email=None,
                       address=street_address(ctx.parts, rng, ward, ctx.world.provinces[guardian.province_code]),
                       created=day_minutes(child.date_of_birth + timedelta(days=20), 9 * 60))
    sink.add_lines("people", [line])
    plan = LifePlan(None, 0, None, None, "CURRENT", child.previous_cards, False, visits=child.visits)
    live(rng, ctx, sink, person, plan)
    return person


def _write_family(seed: int, ctx: Context, sink: Sink, ids: dict[str, int]) -> None:
    """An's children (guardianships) and his father's live grant to him."""
    for child in DEMO_CHILDREN:
        person = _write_child(stream(seed, f"demo/{child.social_insurance_code}"), ctx, sink, child)
        sink.add_records("guardianships", [(ids[child.guardian.social_insurance_code], person.id,
                                            child.date_of_birth)])
    start, end = (ctx.now + timedelta(days=days) for days in FAMILY_GRANT_DAYS)
    grant = (sink.next_id("access_grants"), ids[HUNG.social_insurance_code], ids[AN.social_insurance_code],
             list(FAMILY_GRANT_PARTS), start, end, start + timedelta(hours=2), start)
    sink.add_records("access_grants", [grant])


def write_demo(seed: int, ctx: Context, sink: Sink) -> None:
    """Demo people with rich histories, their accounts, the officer's agency link, the partner's API key, and a
    family: An's two children and his father's grant."""
    ids = {}
    for demo in DEMO_PEOPLE:
        rng = stream(seed, f"demo/{demo.social_insurance_code}")
        ids[demo.social_insurance_code] = _write_person(rng, ctx, sink, demo).id
    ids.update(write_household(seed, ctx, sink))
    now = ctx.now
    for login in DEMO_LOGINS:
        if login.social_insurance_code is None or login.password is None:
            continue
        must_change = login.role == "citizen_must_change_password"
        changed = now - timedelta(days=1 if must_change else 10)
        sink.add_records("accounts", [(ids[login.social_insurance_code], hash_password(login.password), "ACTIVE",
                               must_change, changed, changed)])
    hanoi_agency = ctx.directory.provincial_agency["01"]
    sink.add_records("agency_officers", [(ids[DUNG.social_insurance_code], hanoi_agency.id, now - timedelta(days=200))])
    partner_id = sink.next_id("partners")
    sink.add_records("partners", [(partner_id, PARTNER_NAME, now - timedelta(days=90))])
    key = (sink.next_id("api_keys"), partner_id, PARTNER_API_KEY[:KEY_PREFIX_LENGTH], hash_token(PARTNER_API_KEY),
           list(PARTNER_SCOPES), now - timedelta(days=90))
    sink.add_records("api_keys", [key])
    _write_family(seed, ctx, sink, ids)


DEMO_CODES = tuple(login.social_insurance_code for login in DEMO_LOGINS if login.social_insurance_code)


async def demo_logins_present(conn: asyncpg.Connection) -> bool:
    """Whether the database holds any demo login: a demo person's account or the demo partner key, unrevoked."""
    return await has_demo_logins(conn, DEMO_CODES, api_key_hashes(PARTNER_API_KEY))


async def remove_demo_logins(conn: asyncpg.Connection) -> None:
    """Take the demo logins out (the synthetic people stay): for a database that was loaded in development."""
    await demo_logins.remove_demo_logins(conn, DEMO_CODES, api_key_hashes(PARTNER_API_KEY))
