"""SQL for the partners' card check (kiểm tra thẻ BHYT): find the card, compare the holder's name and birth date."""

from __future__ import annotations

import datetime as dt

import asyncpg

from db.lookup import FOLD_NAME

# Of a card number's issues (renewals keep the number), the one in force today, else the latest.
CARD = f"""
select c.id, c.person_id, c.card_number, c.benefit_level, c.coverage_percent, c.valid_from, c.valid_to,
       c.five_years_continuous_from, c.residence_area, c.primary_facility_id, current_date as today,
       {FOLD_NAME.format("p.full_name")} = {FOLD_NAME.format("$2")} as name_matches,
       p.date_of_birth = $3 as birth_date_matches
from insurance_cards c
join people p on p.id = c.person_id
where {{key}}
order by (current_date between c.valid_from and c.valid_to) desc, c.valid_to desc, c.id desc
limit 1
"""
CARD_BY_NUMBER = CARD.format(key="c.card_number = $1")
CARD_BY_CODE = CARD.format(key="p.social_insurance_code = $1")


async def find_card(
    conn: asyncpg.Connection, *, card_number: str | None, code: str | None, full_name: str, date_of_birth: dt.date
) -> asyncpg.Record | None:
    """By the 15-character card number, or by the holder's 10-digit social insurance code."""
    if card_number is not None:
        return await conn.fetchrow(CARD_BY_NUMBER, card_number, full_name, date_of_birth)
    return await conn.fetchrow(CARD_BY_CODE, code, full_name, date_of_birth)
