"""SQL for people: the person record itself, scoped to the viewer (defence in depth behind the field permissions)."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

COLUMNS = (
    "id, social_insurance_code, national_id, full_name, date_of_birth, gender, phone, email, address, province_code"
)
# `id = $2`: a person can only ever be loaded by themself, whatever key a resolver passes.
SELECT_BY_ID_FOR_VIEWER = f"select {COLUMNS} from people where id = any($1::bigint[]) and id = $2"


async def persons_by_id(conn: asyncpg.Connection, ids: Sequence[int], *, viewer_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_BY_ID_FOR_VIEWER, list(ids), viewer_id)
