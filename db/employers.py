"""SQL for employers (đơn vị tham gia BHXH)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from db.statements import Params

COLUMNS = "id, code, name, tax_code, address, province_code, agency_id, status"
SELECT_BY_ID = f"select {COLUMNS} from employers where id = any($1::bigint[])"


async def employers_by_id(conn: asyncpg.Connection, ids: Sequence[int]) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_BY_ID, list(ids))

# The public list: by name, or by relevance when searching (same folding and trigram matching as facilities).
SCORE = "word_similarity(search_fold({q}), e.search_document)"
MATCHES = "search_fold({q}) <% e.search_document"
AFTER_NAME = "(e.name, e.id) > ({name}, {id})"
AFTER_SCORE = "({score} < {s}::real or ({score} = {s}::real and e.id > {id}))"
SELECT_PAGE = "select {columns}{extra} from employers e where {where} order by {order} limit {limit}"
COUNT = "select count(*) from employers e where {where}"


def _conditions(search: str | None, province_code: str | None, params: Params) -> tuple[list[str], str | None]:
    conditions: list[str] = []
    if province_code is not None:
        conditions.append(f"e.province_code = {params.add(province_code)}")
    score = None
    if search:
        q = params.add(search)
        conditions.append(MATCHES.format(q=q))
        score = SCORE.format(q=q)
    return conditions, score


async def list_employers(
    conn: asyncpg.Connection, search: str | None, province_code: str | None, after: tuple[Any, ...] | None, limit: int
) -> list[asyncpg.Record]:
    """A page by name, or by relevance (rows then carry `score`) when `search` is given; call after
    use_search_threshold in the same transaction."""
    params = Params()
    conditions, score = _conditions(search, province_code, params)
    if after is not None and score is not None:
        conditions.append(AFTER_SCORE.format(score=score, s=params.add(after[0]), id=params.add(after[1])))
    elif after is not None:
        conditions.append(AFTER_NAME.format(name=params.add(after[0]), id=params.add(after[1])))
    statement = SELECT_PAGE.format(
        columns=", ".join(f"e.{c}" for c in COLUMNS.split(", ")),
        extra=f", {score} as score" if score else "",
        where=" and ".join(conditions) or "true",
        order="score desc, e.id" if score else "e.name, e.id",
        limit=params.add(limit),
    )
    return await conn.fetch(statement, *params.values)


async def count_employers(conn: asyncpg.Connection, search: str | None, province_code: str | None) -> int:
    params = Params()
    conditions, _ = _conditions(search, province_code, params)
    count: int = await conn.fetchval(COUNT.format(where=" and ".join(conditions) or "true"), *params.values)
    return count


WORD_SIMILARITY_THRESHOLD = "0.5"
SET_THRESHOLD = "select set_config('pg_trgm.word_similarity_threshold', $1, true)"


async def use_search_threshold(conn: asyncpg.Connection) -> None:
    """Inside the caller's transaction: the word-similarity threshold that `<%` applies to the employer search."""
    await conn.execute(SET_THRESHOLD, WORD_SIMILARITY_THRESHOLD)
