"""SQL for the partners' card check (kiểm tra thẻ BHYT): find the card, compare the holder's name and birth date.

One look-up rule for every way a front desk names the holder: by card number, by social insurance code, by chip ID
card (CCCD) number, or by the issue a scanned QR code names. Each finds the card the same way and compares the same
facts, so each answers the same reasons.
"""

from __future__ import annotations

import datetime as dt

import asyncpg

from db.lookup import FOLD_NAME

# Of the matching issues (renewals keep the number), the one in force today and not revoked, else the latest.
CARD = f"""
select c.id, c.person_id, c.card_number, c.benefit_level, c.coverage_percent, c.valid_from, c.valid_to,
       c.five_years_continuous_from, c.residence_area, c.primary_facility_id, c.revoked_at,
       (c.issued_at at time zone 'Asia/Ho_Chi_Minh')::date as issued_on, current_date as today,
       p.full_name, p.date_of_birth, f.code as primary_facility_code,
       {FOLD_NAME.format("p.full_name")} = {FOLD_NAME.format("$2")} as name_matches,
       p.date_of_birth = $3 as birth_date_matches
from insurance_cards c
join people p on p.id = c.person_id
join facilities f on f.id = c.primary_facility_id
where {{key}}
order by (c.revoked_at is null and current_date between c.valid_from and c.valid_to) desc, c.valid_to desc, c.id desc
limit 1
"""
CARD_BY_NUMBER = CARD.format(key="c.card_number = $1")
CARD_BY_CODE = CARD.format(key="p.social_insurance_code = $1")
CARD_BY_NATIONAL_ID = CARD.format(key="p.national_id = $1")
# A scanned QR code names one issue: its number and first day (unique together).
CARD_BY_ISSUE = CARD.format(key="c.card_number = $1 and c.valid_from = $4")


async def find_card(
    conn: asyncpg.Connection,
    *,
    card_number: str | None = None,
    code: str | None = None,
    national_id: str | None = None,
    full_name: str,
    date_of_birth: dt.date,
) -> asyncpg.Record | None:
    """By the 15-character card number, the holder's 10-digit social insurance code or 12-digit CCCD number."""
    if card_number is not None:
        return await conn.fetchrow(CARD_BY_NUMBER, card_number, full_name, date_of_birth)
    if code is not None:
        return await conn.fetchrow(CARD_BY_CODE, code, full_name, date_of_birth)
    return await conn.fetchrow(CARD_BY_NATIONAL_ID, national_id, full_name, date_of_birth)


async def find_issue(
    conn: asyncpg.Connection, *, card_number: str, valid_from: dt.date, full_name: str, date_of_birth: dt.date
) -> asyncpg.Record | None:
    """The issue of `card_number` that starts on `valid_from` (what a scanned QR code names)."""
    return await conn.fetchrow(CARD_BY_ISSUE, card_number, full_name, date_of_birth, valid_from)
