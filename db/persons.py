"""SQL for people: the person record itself, scoped to the viewer (defence in depth behind the field permissions)."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from db.readable import PERSON, for_keys, readable_by

COLUMNS = (
    "id, social_insurance_code, national_id, full_name, date_of_birth, gender, phone, email, address, province_code"
)
# A person can only ever be loaded by themself or by whoever may read them, whatever key a resolver passes.
SELECT_BY_ID_FOR_VIEWER = (
    f"select {COLUMNS} from people where id = any($1::bigint[]) and {readable_by('id', '$2', PERSON)}"
)


async def persons_by_id(conn: asyncpg.Connection, ids: Sequence[int], *, viewer_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(for_keys(SELECT_BY_ID_FOR_VIEWER, ids, viewer_id), list(ids), viewer_id)
