"""The yearly card history (seed/cards.py): every year of coverage since 2014 on record, chained, each card with
its own five-year date; shown on the demo child Khôi (born 2012-08-15, a pupil): TE from birth, then HS yearly."""

from __future__ import annotations

import datetime as dt

import asyncpg

from seed.demo import DEMO_CHILDREN

KHOI = DEMO_CHILDREN[0]


async def test_a_pupil_has_his_child_card_from_birth_then_a_pupil_card_for_every_year(
    shared_db: asyncpg.Connection,
) -> None:
    as_of = await shared_db.fetchval("select (value ->> 'as_of')::date from dataset_info where key = 'seed'")
    cards = await shared_db.fetch(
        """select k.card_number, k.group_code, k.valid_from, k.valid_to, k.previous_card_number,
                  k.five_years_continuous_from
           from insurance_cards k join people p on p.id = k.person_id
           where p.social_insurance_code = $1 order by k.valid_from""",
        KHOI.social_insurance_code,
    )
    born = KHOI.date_of_birth

    # the child's card from birth to the day before the 6th birthday, then one pupil's card a calendar year
    assert [(c["group_code"], c["valid_from"], c["valid_to"]) for c in cards] == [
        ("TE", born, dt.date(born.year + 6, born.month, born.day) - dt.timedelta(days=1)),
        ("HS", dt.date(born.year + 6, born.month, born.day), dt.date(born.year + 6, 12, 31)),
        *[("HS", dt.date(year, 1, 1), dt.date(year, 12, 31)) for year in range(born.year + 7, as_of.year + 1)],
    ]
    # chained where the number changed (TE to HS), and not between cards of the same number
    assert [c["previous_card_number"] for c in cards] == [None, cards[0]["card_number"]] + [None] * (len(cards) - 2)
    # covered since birth without a break: five years after the month of birth, on every card valid since then
    five = dt.date(born.year + 5, born.month, 1)
    assert {c["five_years_continuous_from"] for c in cards} == {five}
