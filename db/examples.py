"""Example arguments for GraphiQL's tabs in development: real codes of the loaded data set, so a tab runs as it is."""

from __future__ import annotations

import asyncpg

# One round trip; each part is null when the data set lacks it (no demo data, or an empty directory).
EXAMPLES = """
select
    (select code from facilities where kind = 'HOSPITAL' and province_code = '01' and bhyt_contracted
     order by level = 'CENTRAL' desc, code limit 1) as facility_code,
    (select code from facilities where kind = 'SOCIAL_INSURANCE_AGENCY' and province_code = '01'
     order by code limit 1) as agency_code,
    (select c.card_number from insurance_cards c join people p on p.id = c.person_id
     where p.social_insurance_code = $1 and current_date between c.valid_from and c.valid_to
     order by c.valid_from desc limit 1) as card_number
"""


async def examples(conn: asyncpg.Connection, social_insurance_code: str) -> dict[str, str | None]:
    row = await conn.fetchrow(EXAMPLES, social_insurance_code)
    return dict(row) if row is not None else {}
