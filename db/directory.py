"""SQL for the public directory: facility search by filters, relevance (words) or distance (earthdistance).

Statements are composed from the constant fragments below; every value travels as a $n parameter.

Free text is matched by words (migration 0006; docs/directory.md, "How search works"): db/search_words.py turns
the query's words into the spellings the `facility_words` dictionary holds. A facility matches when it holds at
least half of the words. Relevance is a level, the number of words held, best first; within a level, shorter names
first when the dictionary says the level holds at most CANDIDATE_LIMIT facilities, else a fixed shuffle (an index
on a hash of the id) in which matches are spread evenly. Every page is read with bounded work (see _bounded): a
look at the first WINDOW rows in page order, the GIN index's matches when there are at most CANDIDATE_LIMIT, or a
walk in page order that meets a match at least once every (directory size / CANDIDATE_LIMIT) rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import asyncpg

from db.facilities import COLUMNS
from db.facility_search import (
    CANDIDATE_LIMIT,
    COUNT,
    DISTANCE,
    KEY_TOP,
    LEVEL_SPAN,
    RESTORE_SETTINGS,
    SELECT,
    SELECT_CANDIDATES,
    SELECT_WINDOW,
    SHORTER_NAME,
    SHUFFLED,
    WALK_IN_INDEX_ORDER,
    WINDOW,
    WINDOW_COLUMNS,
    FacilityOrder,
    FacilitySearch,
    Statement,
    any_match,
    score,
    statement_for,
)
from db.search_words import TextQuery, resolve_text


async def search_facilities(
    conn: asyncpg.Connection,
    search: FacilitySearch,
    after: tuple[Any, ...] | None,
    limit: int,
    *,
    text: TextQuery | None = None,
) -> list[asyncpg.Record]:
    """One page in `search.order`; rows carry `score` (relevance), `chord` and `distance_m` (distance).

    `text` is `resolve_text(conn, search.search)` when the caller already has it (the page and its count share it).
    """
    if not search.search:
        return await _fetch(conn, statement_for(search, after), limit)
    text = text if text is not None else await resolve_text(conn, search.search)
    if not text.can_match:
        return []
    if search.order is FacilityOrder.RELEVANCE:
        return await _by_relevance(conn, search, text, after, limit)

    # Near and search: the search filters, the distance orders.
    def matching(indexed: bool) -> Statement:
        statement = statement_for(search, after)
        if indexed:
            statement.conditions.append(any_match(text.at_least(text.minimum), statement.params))
        else:
            statement.conditions.append(f"{score(text, statement.params)} >= {text.minimum}")
        return statement

    return await _bounded(conn, matching, text.common(text.minimum, limit / WINDOW), limit)


async def _by_relevance(
    conn: asyncpg.Connection, search: FacilitySearch, text: TextQuery, after: tuple[Any, ...] | None, limit: int
) -> list[asyncpg.Record]:
    """Level by level, best first (see the module docstring for the order within a level)."""
    start, cursor = text.top, None
    if after is not None:
        if not (math.isfinite(after[0]) and after[0] >= 0):
            return []
        start, rest = divmod(int(after[0]), LEVEL_SPAN)
        cursor = (KEY_TOP - rest, int(after[1]))
    rows: list[asyncpg.Record] = []
    for level in range(min(start, text.top), text.minimum - 1, -1):
        bound = text.bound(level)
        # A level that may hold more than CANDIDATE_LIMIT facilities is read in shuffled order (see above).
        key = SHUFFLED if bound > CANDIDATE_LIMIT else SHORTER_NAME
        matching = partial(_level, search, text, level=level, key=key, after=cursor if level == start else None)
        # (The whole page's share, even when a few rows are missing: the dictionary's estimate is generous.)
        common = bound > CANDIDATE_LIMIT and text.common(level, limit / WINDOW)
        rows += await _bounded(conn, matching, common, limit - len(rows))
        if len(rows) >= limit:
            break
    return rows


def _level(
    search: FacilitySearch, text: TextQuery, indexed: bool, *, level: int, key: str, after: tuple[int, int] | None
) -> Statement:
    """The facilities holding exactly `level` of the words, in (key, id) order, after `after`."""
    statement = statement_for(search)
    add = statement.params.add
    statement.conditions.append(f"{score(text, statement.params)} = {level}")
    if indexed:
        statement.conditions.append(any_match(text.at_least(level), statement.params))
    if after is not None:
        statement.keyset.append(f"({key}, f.id) > ({add(after[0])}::int, {add(after[1])})")
    statement.parts["score"] = f"{level * LEVEL_SPAN + KEY_TOP}::bigint - {key}"
    statement.order = f"{key}, f.id"
    statement.key = key
    return statement


async def _bounded(
    conn: asyncpg.Connection, matching: Callable[[bool], Statement], common: bool, limit: int
) -> list[asyncpg.Record]:
    """The page of `matching` rows in its order, read so that the work stays bounded whatever the directory size.

    `matching(True)` carries a condition the GIN index serves, `matching(False)` one it cannot (for walks in order).
    1. When the dictionary says matches may be `common` (TextQuery.common), look at the first WINDOW rows in page
       order: the page is usually there.
    2. Take the matches from the GIN index, at most CANDIDATE_LIMIT + 1 of them, and sort them.
    3. More than CANDIDATE_LIMIT: walk the order index until the page is full (at least one row in
       (directory size / CANDIDATE_LIMIT) matches, on average).
    """
    if common:
        rows = await _fetch(conn, matching(False), limit, window=WINDOW)
        if len(rows) >= limit:
            return rows
    rows = await _candidates(conn, matching(True), limit)
    if not rows or rows[0]["candidates"] <= CANDIDATE_LIMIT:
        return rows
    previous = await conn.fetchrow(WALK_IN_INDEX_ORDER)
    try:
        return await _fetch(conn, matching(False), limit)
    finally:
        await conn.execute(RESTORE_SETTINGS, previous[0], previous[1])


async def _candidates(conn: asyncpg.Connection, statement: Statement, limit: int) -> list[asyncpg.Record]:
    add = statement.params.add
    # The distance of the page's rows only: computed from the chord after the sort.
    outer = f", {DISTANCE.format(chord='chord')} as distance_m" if "distance_m" in statement.parts else ""
    query = SELECT_CANDIDATES.format(
        outer=outer,
        columns=COLUMNS,
        extra=statement.extra(without=("distance_m",)),
        where=statement.where(),
        cap=add(CANDIDATE_LIMIT + 1),
        order=statement.order.replace("f.", ""),
        limit=add(limit),
    )
    return await conn.fetch(query, *statement.params.values)


async def _fetch(
    conn: asyncpg.Connection, statement: Statement, limit: int, window: int | None = None
) -> list[asyncpg.Record]:
    """The page in order; with `window`, only among the first `window` rows after the cursor in that order."""
    add = statement.params.add
    if window is None:
        query = SELECT.format(
            columns=COLUMNS, extra=statement.extra(), where=statement.where(), order=statement.order, limit=add(limit)
        )
    else:
        query = SELECT_WINDOW.format(
            columns=COLUMNS,
            extra=statement.extra(),
            window_columns=WINDOW_COLUMNS + (", f.location" if "chord" in statement.parts else ""),
            keyset=" and ".join(statement.keyset) or "true",
            key=statement.key,
            window=add(window),
            where=" and ".join(statement.conditions) or "true",
            limit=add(limit),
        )
    return await conn.fetch(query, *statement.params.values)


def total_in_page(search: FacilitySearch, after: tuple[Any, ...] | None, rows: Sequence[Any], limit: int) -> int | None:
    """How many facilities `count_facilities` would count, when the first page's read (`search_facilities` with
    `limit`) already tells it, else None. A page that is not full holds every match (the page and the count have
    the same conditions: the filters, the radius, and a search's words at its minimum). A search near a point whose
    page came from the GIN index's candidates (`_bounded`, step 2) carries their number, which is every match when
    it is at most CANDIDATE_LIMIT: the count would run the same index scan again (most of a search's database time,
    measured in docs/performance.md)."""
    if after is not None:
        return None
    if len(rows) < limit:
        return len(rows)
    if search.order is not FacilityOrder.DISTANCE or not search.search:
        return None
    candidates = rows[0].get("candidates")
    return candidates if candidates is not None and candidates <= CANDIDATE_LIMIT else None


async def count_facilities(
    conn: asyncpg.Connection, search: FacilitySearch, *, text: TextQuery | None = None
) -> int:
    if search.radius_m is None:
        # Without a radius, the point only orders: leave it (and its parameters) out of the count.
        search = replace(search, near=None)
    statement = statement_for(search)
    if search.search:
        text = text if text is not None else await resolve_text(conn, search.search)
        if not text.can_match:
            return 0
        statement.conditions.append(any_match(text.at_least(text.minimum), statement.params))
    count: int = await conn.fetchval(COUNT.format(where=statement.where()), *statement.params.values)
    return count
