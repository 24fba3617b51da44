"""SQL for the public look-up of one's own social insurance code (tra cứu mã số BHXH)."""

from __future__ import annotations

import datetime as dt

import asyncpg

# Names compare after trimming, collapsing inner spaces and folding diacritics and case: people type their name
# on the web without Vietnamese accents. The national ID (unique), birth date and province carry the identity.
FOLD_NAME = "search_fold(regexp_replace(btrim({}), '\\s+', ' ', 'g'))"
FIND_PERSON = f"""
select social_insurance_code, managing_agency_id from people
where national_id = $1 and date_of_birth = $2 and province_code = $3
  and {FOLD_NAME.format("full_name")} = {FOLD_NAME.format("$4")}
limit 2
"""


async def find_person(
    conn: asyncpg.Connection, *, national_id: str, date_of_birth: dt.date, province_code: str, full_name: str
) -> asyncpg.Record | None:
    """The one person matching all four facts, or None (also when, against the unique index, two would)."""
    rows = await conn.fetch(FIND_PERSON, national_id, date_of_birth, province_code, full_name)
    return rows[0] if len(rows) == 1 else None
