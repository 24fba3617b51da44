"""The README's table of demo logins is the seed's (seed/demo.py DEMO_LOGINS), row for row."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from seed.cards import EMPLOYEE_GROUPS
from seed.demo import DEMO_LOGINS

README = Path(__file__).resolve().parents[1] / "README.md"


def _demo_rows() -> list[list[str]]:
    section = README.read_text(encoding="utf-8").split("## Demo logins", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][1:]  # the header aside
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows if not row.startswith("|---")]


def test_the_readme_lists_every_demo_login_as_seeded() -> None:
    rows = _demo_rows()

    assert [(r[0], r[1], r[2]) for r in rows] == [
        (d.role, d.label, d.social_insurance_code or "—") for d in DEMO_LOGINS
    ]
    assert [r[5] for r in rows] == [d.note for d in DEMO_LOGINS]
    for row, demo in zip(rows, DEMO_LOGINS, strict=True):
        assert row[3] == (f"`{demo.password}`" if demo.password else "—")


# What the table's notes state about each demo person, measured on the seeded data set: the data set's month, the
# person's past-due unpaid months (nợ đóng, all with the current employer), unpaid months not yet due, benefit
# kinds, the group of the current card, pension decisions and medical visits.
FACTS = """
with asof as (select (value ->> 'as_of')::date as day, date_trunc('month', (value ->> 'as_of')::date)::date as month
              from dataset_info where key = 'seed'),
     p as (select * from people where social_insurance_code = $1),
     current_job as (select c.employer_id from contribution_periods c, p, asof
                     where c.person_id = p.id and c.scheme = 'BHXH_COMPULSORY' and c.to_month = asof.month)
select p.province_code,
       (select count(*) from contribution_periods c, generate_series(c.from_month, c.to_month, interval '1 month') m
        where c.person_id = p.id and c.scheme = 'BHXH_COMPULSORY' and c.status = 'UNPAID'
          and m <= asof.month - interval '2 months'
          and c.employer_id in (select employer_id from current_job)) as past_due_current_employer,
       (select count(*) from contribution_periods c, generate_series(c.from_month, c.to_month, interval '1 month') m
        where c.person_id = p.id and c.scheme = 'BHXH_COMPULSORY' and c.status = 'UNPAID'
          and m <= asof.month - interval '2 months') as past_due,
       (select count(*) from contribution_periods c, generate_series(c.from_month, c.to_month, interval '1 month') m
        where c.person_id = p.id and c.scheme = 'BHXH_COMPULSORY' and c.status = 'UNPAID'
          and m > asof.month - interval '2 months') as not_yet_due,
       exists (select from current_job) as employed,
       array(select distinct kind from benefits b where b.person_id = p.id order by kind) as benefit_kinds,
       (select count(distinct decision_number) from benefits b where b.person_id = p.id and kind = 'PENSION')
           as pension_decisions,
       (select count(*) from pensions x where x.person_id = p.id
          and x.decision_number in (select decision_number from benefits b where b.person_id = p.id)
          and array_length(array(select 1 from pension_adjustments a where a.effective_from > x.start_month), 1) > 0)
           as pension_with_adjustments,
       (select group_code from insurance_cards k where k.person_id = p.id and k.valid_from <= asof.day
          and k.valid_to >= asof.day and k.revoked_at is null) as card_group,
       (select count(*) from medical_visits v where v.person_id = p.id) as visits
from p, asof
"""


async def test_the_notes_tell_the_truth_about_each_demo_person(shared_db: asyncpg.Connection) -> None:
    facts = {code: dict(await shared_db.fetchrow(FACTS, code)) for code in ("0190000001", "7990000002", "0190000006",
                                                                           "0190000009")}
    an, binh, giang, hung = facts.values()

    # An: "Employee in Hà Nội; the current employer owes 3 past-due months; the last 2 months ... unpaid too."
    assert (an["province_code"], an["employed"], an["card_group"] in EMPLOYEE_GROUPS) == ("01", True, True)
    assert (an["past_due"], an["past_due_current_employer"], an["not_yet_due"]) == (3, 3, 2)
    # Bình: "Employee in Hồ Chí Minh City with maternity and sickness benefits."
    assert (binh["province_code"], binh["employed"], binh["card_group"] in EMPLOYEE_GROUPS) == ("79", True, True)
    assert {"MATERNITY", "SICKNESS"} <= set(binh["benefit_kinds"])
    # Giang: "Retiree (group HT) receiving a monthly pension; many medical visits." Hùng: "a retiree".
    for retiree in (giang, hung):
        assert (retiree["card_group"], retiree["employed"], retiree["pension_decisions"]) == ("HT", False, 1)
    # Giang: "the Pension document shows its decision, years counted, rate and yearly adjustments".
    assert giang["pension_with_adjustments"] == 1
    assert giang["visits"] >= 30
