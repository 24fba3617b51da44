"""The demo household ready to renew (issue 14): Hoàng Thị Mai, self-employed in Hà Nội, and her son Quân (17), who
left school in 2025 to learn a trade, both on household BHYT (group GD) ending on the last day of the data set's
month; and the facility-change window, open for the whole quarter in the demo (docs/seed.md)."""

from __future__ import annotations

from datetime import date, timedelta

from seed.cards import Life, Span, card_lines
from seed.careers import voluntary_lines
from seed.life import Context, make_person, person_line
from seed.names import street_address
from seed.people import LifePlan, Person
from seed.rng import add_years, day_minutes, month_end, month_index, month_start, stream
from seed.writer import Sink

# (code, name, gender, birth, national id, phone, e-mail); suffixes beginning with 9, as every demo person's.
MAI = ("0190000010", "Hoàng Thị Mai", "FEMALE", date(1984, 6, 18), "001184900010", "0989000010",
       "hoangthimai.demo@example.vn")
QUAN = ("0190000011", "Hoàng Minh Quân", "MALE", date(2009, 9, 12), "001209900011", None, None)
WARD = ("01", "00167")
# In the demo the primary-care facility can be changed on any day of the quarter (the rule as data: 92 days).
DEMO_WINDOW_DAYS = 92
# Mai's first voluntary BHXH month; she has paid through the month before the data set's.
MAI_VOLUNTARY_FROM = date(2021, 1, 1)


def _write(seed: int, ctx: Context, sink: Sink, facts: tuple[object, ...], groups: tuple[str, str]) -> Person:
    code, name, gender, birth, national_id, phone, email = facts
    assert isinstance(code, str) and isinstance(name, str) and isinstance(gender, str) and isinstance(birth, date)
    rng = stream(seed, f"demo/{code}")
    world = ctx.world
    province = world.provinces[WARD[0]]
    ward = next(w for w in world.wards[WARD[0]] if w.code == WARD[1])
    person = make_person(rng, ctx, sink.next_id("people"), code=code, name=name, gender=gender, birth=birth,
                         ward=ward)
    sink.add_lines("people", [person_line(
        person, national_id=str(national_id), phone=phone if isinstance(phone, str) else None,
        email=email if isinstance(email, str) else None, address=street_address(ctx.parts, rng, ward, province),
        created=day_minutes(date(2020, 3, 2), 9 * 60))])
    # Twelve-month household cards, the current one ending this month (ready to renew), the one before it; a child
    # born before 2014 also has the free children's card (TE) that ran from birth to the day before the 6th birthday.
    now = month_index(world.as_of)
    sixth = add_years(birth, 6)
    spans = [Span("TE", birth, sixth - timedelta(days=1))] if sixth > date(2014, 1, 1) else []
    spans += [Span(groups[0], month_start(now - 23), month_end(now - 12)),
              Span(groups[1], month_start(now - 11), month_end(now))]
    life = Life(person, LifePlan("GD", 0, None, None, "CURRENT", 1, False, visits=0), [], set(), None)
    lines = card_lines(rng, world, life, spans, sink.peek_id("insurance_cards"))
    sink.next_id("insurance_cards", len(lines))
    sink.add_lines("insurance_cards", lines)
    return person


def write_household(seed: int, ctx: Context, sink: Sink) -> dict[str, int]:
    """Mai, Quân in her household record, and the demo's facility-change window; their ids by code."""
    mai = _write(seed, ctx, sink, MAI, ("GD", "GD"))
    quan = _write(seed, ctx, sink, QUAN, ("HS", "GD"))
    sink.add_records("guardianships", [(mai.id, quan.id, QUAN[3])])
    paid = voluntary_lines(stream(seed, f"demo/{MAI[0]}/voluntary"), mai.id, month_index(MAI_VOLUNTARY_FROM),
                           month_index(ctx.world.as_of) - 1, sink.peek_id("contribution_periods"))
    sink.next_id("contribution_periods", len(paid))
    sink.add_lines("contribution_periods", paid)
    quarter = month_start(month_index(ctx.world.as_of) - (ctx.world.as_of.month - 1) % 3)
    sink.add_records("facility_change_rules", [(quarter, DEMO_WINDOW_DAYS, ["COMMUNE", "BASIC"], True)])
    return {mai.code: mai.id, quan.code: quan.id}


HOUSEHOLD_CODES = (MAI[0], QUAN[0])
