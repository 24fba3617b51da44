"""What BHYT pays for one visit (mức hưởng): the share of the card valid that day, or 100 % in the law's cases.

Luật BHYT (as amended 2024), article 22, as the seed applies it (docs/seed.md lists what it simplifies):
- the share of the benefit level of the card valid on the day of admission;
- 100 % at a commune health station (trạm y tế xã);
- 100 % when the visit's total is below 15 % of the base salary (lương cơ sở) of its day;
- 100 % once a holder of five continuous years (ngày đủ 5 năm liên tục, on or before the day) has co-paid more
  than six months of base salary in the calendar year, counting the visits before this one.
`seed/checks/visits.py` checks the same rule in SQL on any seeded database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from seed.writer import COLUMNS, NULL

SMALL_BILL_PERCENT_OF_BASE = 15
FIVE_YEARS_COPAY_MONTHS = 6
_CARD = {name: i for i, name in enumerate(COLUMNS["insurance_cards"])}


@dataclass(frozen=True, slots=True)
class CardTerms:
    """What a visit needs of a card: validity (day ordinals), coverage share, the 5-year date."""

    valid_from: int
    valid_to: int
    percent: int
    five_years_from: int | None


def cards_from_lines(lines: list[str]) -> list[CardTerms]:
    """The cards just written for a person (their COPY lines), oldest first: visits are paid by these rows."""
    cards = []
    for line in lines:
        values = line.rstrip("\n").split("\t")
        five = values[_CARD["five_years_continuous_from"]]
        cards.append(CardTerms(date.fromisoformat(values[_CARD["valid_from"]]).toordinal(),
                               date.fromisoformat(values[_CARD["valid_to"]]).toordinal(),
                               int(values[_CARD["coverage_percent"]]),
                               None if five == NULL else date.fromisoformat(five).toordinal()))
    cards.sort(key=lambda c: c.valid_from)
    return cards


def card_on(cards: list[CardTerms], day: int) -> CardTerms | None:
    """The card valid on `day`: the latest to start, if several are."""
    found = None
    for card in cards:
        if card.valid_from <= day <= card.valid_to:
            found = card
    return found


def covered_percent(card: CardTerms, day: int, total: int, *, station: bool, base: int, copaid_this_year: int) -> int:
    """The share BHYT pays of a visit admitted on `day` (see the module's docstring)."""
    if station or total * 100 < base * SMALL_BILL_PERCENT_OF_BASE:
        return 100
    if five_years(card, day) and copaid_this_year > FIVE_YEARS_COPAY_MONTHS * base:
        return 100
    return card.percent


def five_years(card: CardTerms, day: int) -> bool:
    return card.five_years_from is not None and card.five_years_from <= day
