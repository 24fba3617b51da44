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

import datetime as dt
import enum
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import asyncpg

from db.facilities import COLUMNS
from db.search_words import TextQuery, resolve_text

# Below this many facilities left in a relevance level, the index hands them all over and they are sorted; above
# it, a walk in page order meets a match at least once every (directory size / CANDIDATE_LIMIT) rows.
CANDIDATE_LIMIT = 2000
# Rows looked at in page order before asking the GIN index: a page of common words is found among them.
WINDOW = 1000
# Order within a relevance level: shorter names first when the level is small, else a fixed shuffle (a hash of the
# id, indexed) whose matches are spread evenly, so that a walk finds a page after about (page size / share) rows.
SHORTER_NAME = "length(f.name)"
SHUFFLED = "hashint8(f.id)"
# Relevance travels in the cursor as one number: level * LEVEL_SPAN + KEY_TOP - key (key: the int4 above).
LEVEL_SPAN = 2**32
KEY_TOP = 2**31 - 1

POINT = "ll_to_earth({lat}, {lon})"
LOCATION = "f.location"  # ll_to_earth(latitude, longitude), stored (migration 0006)
# Chord length through the earth: ordered by the GiST index (KNN), monotonic with the great-circle distance, which
# is sec_to_gc(chord) (earthdistance's earth_distance).
CHORD = f"({LOCATION} <-> {{point}})"
DISTANCE = "sec_to_gc({chord})"
WITHIN = f"earth_box({{point}}, {{radius}}) @> {LOCATION} and {DISTANCE} <= {{radius}}"

FILTERS = {
    # Codes start with the province code: the range lets a walk of the code index stay inside the province.
    "province_code": "f.province_code = {0} and f.code between {0} || '000' and {0} || 'ZZZ'",
    "ward_code": "f.ward_code = {0}",
    "kinds": "f.kind = any({0}::text[])",
    "bhyt_contracted": "f.bhyt_contracted = {0}",
    "accepts_initial_registration": "f.accepts_initial_registration = {0}",
    "issues_sick_leave_certificates": "f.issues_sick_leave_certificates = {0}",
    "updated_since": "f.updated_at >= {0}",
}
AFTER = {
    "code": "f.code > {code}",
    "distance": "({chord} > {d}::float8 or ({chord} = {d}::float8 and f.id > {id}))",
}
ORDER = {
    "code": "f.code",
    "distance": "chord, f.id",
}
MATCHES = "f.document_words @@ {}::tsquery"

SELECT = "select {columns}{extra} from facilities f where {where} order by {order} limit {limit}"
# The bounded read: at most CANDIDATE_LIMIT + 1 rows, counted, then sorted; `candidates` says whether all came.
SELECT_CANDIDATES = """
select *{outer}, count(*) over () as candidates from (
    select {columns}{extra} from facilities f where {where} limit {cap}
) c order by {order} limit {limit}
"""
COUNT = "select count(*) from facilities f where {where}"
# Step 1 of a bounded read: the page among the first rows in page order (the inner scan follows the order index).
SELECT_WINDOW = """
select {columns}{extra} from (
    select f.id, f.window_key from (
        select {window_columns}, {key} as window_key from facilities f
        where {keyset} order by {key}, f.id limit {window}
    ) f where {where} order by f.window_key, f.id limit {limit}
) w join facilities f using (id) order by w.window_key, f.id
"""
# What the first look filters on: the columns facilities_shuffle_idx carries (an index-only scan), and the location
# in distance order (whose GiST scan reads the table anyway).
WINDOW_COLUMNS = """
f.id, f.document_words, f.code, f.province_code, f.ward_code, f.kind, f.bhyt_contracted,
f.accepts_initial_registration, f.issues_sick_leave_certificates, f.updated_at
"""
# A walk must follow the order index, on one process: a sort would read every match, and starting parallel
# workers costs more than the walk. The settings are local to the transaction and restored after the walk.
WALK_IN_INDEX_ORDER = """
select current_setting('enable_sort'), current_setting('max_parallel_workers_per_gather'),
       set_config('enable_sort', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)
"""
RESTORE_SETTINGS = "select set_config('enable_sort', $1, true), set_config('max_parallel_workers_per_gather', $2, true)"


class FacilityOrder(enum.Enum):
    CODE = "code"
    RELEVANCE = "relevance"
    DISTANCE = "distance"


@dataclass(frozen=True, slots=True)
class FacilitySearch:
    """What to find. `search` is free text (already trimmed); `near` is (latitude, longitude); radius in metres."""

    search: str | None = None
    province_code: str | None = None
    ward_code: str | None = None
    kinds: Sequence[str] | None = None
    bhyt_contracted: bool | None = None
    accepts_initial_registration: bool | None = None
    issues_sick_leave_certificates: bool | None = None
    updated_since: dt.datetime | None = None
    near: tuple[float, float] | None = None
    radius_m: float | None = None

    @property
    def order(self) -> FacilityOrder:
        if self.near is not None:
            return FacilityOrder.DISTANCE
        if self.search:
            return FacilityOrder.RELEVANCE
        return FacilityOrder.CODE


class Params:
    """Collects parameter values and hands out their $n placeholders."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def add(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


@dataclass(slots=True)
class Statement:
    """One statement being composed: conditions, the keyset condition after the cursor, computed columns, order."""

    params: Params
    conditions: list[str]
    parts: dict[str, str]
    order: str
    keyset: list[str] = field(default_factory=list)
    key: str = "f.code"  # the order is (key, id)

    def where(self, *more: str) -> str:
        return " and ".join([*self.conditions, *self.keyset, *more]) or "true"

    def extra(self, without: tuple[str, ...] = ()) -> str:
        return "".join(f", {expression} as {name}" for name, expression in self.parts.items() if name not in without)


def _statement(search: FacilitySearch, after: tuple[Any, ...] | None = None) -> Statement:
    """Filters, the point, and (code or distance order) the keyset condition after `after`."""
    params = Params()
    conditions: list[str] = []
    for name, template in FILTERS.items():
        value = getattr(search, name)
        if value is not None:
            conditions.append(template.format(params.add(list(value) if name == "kinds" else value)))
    parts: dict[str, str] = {}
    statement = Statement(params, conditions, parts, ORDER["code"])
    if search.near is not None:
        point = POINT.format(lat=params.add(search.near[0]), lon=params.add(search.near[1]))
        parts["chord"] = CHORD.format(point=point)
        parts["distance_m"] = DISTANCE.format(chord=parts["chord"])
        statement.order = ORDER["distance"]
        statement.key = parts["chord"]
        if search.radius_m is not None:
            conditions.append(WITHIN.format(point=point, chord=parts["chord"], radius=params.add(search.radius_m)))
        if after is not None:
            statement.keyset.append(
                AFTER["distance"].format(chord=parts["chord"], d=params.add(after[0]), id=params.add(after[1]))
            )
    elif after is not None:
        statement.keyset.append(AFTER["code"].format(code=params.add(after[0])))
    return statement


def _score(text: TextQuery, params: Params) -> str:
    """How many of the query's words a facility holds (words with no spelling in the directory never count)."""
    return " + ".join(f"({MATCHES.format(params.add(word))})::int" for word in text.words) or "0"


def _any_match(queries: list[str], params: Params) -> str:
    """One GIN-served condition per tsquery, ORed (a BitmapOr of cheap AND scans)."""
    return "(" + " or ".join(MATCHES.format(params.add(query)) for query in queries) + ")"


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
        return await _fetch(conn, _statement(search, after), limit)
    text = text if text is not None else await resolve_text(conn, search.search)
    if not text.can_match:
        return []
    if search.order is FacilityOrder.RELEVANCE:
        return await _by_relevance(conn, search, text, after, limit)

    # Near and search: the search filters, the distance orders.
    def matching(indexed: bool) -> Statement:
        statement = _statement(search, after)
        if indexed:
            statement.conditions.append(_any_match(text.at_least(text.minimum), statement.params))
        else:
            statement.conditions.append(f"{_score(text, statement.params)} >= {text.minimum}")
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
    statement = _statement(search)
    add = statement.params.add
    statement.conditions.append(f"{_score(text, statement.params)} = {level}")
    if indexed:
        statement.conditions.append(_any_match(text.at_least(level), statement.params))
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


async def count_facilities(
    conn: asyncpg.Connection, search: FacilitySearch, *, text: TextQuery | None = None
) -> int:
    if search.radius_m is None:
        # Without a radius, the point only orders: leave it (and its parameters) out of the count.
        search = replace(search, near=None)
    statement = _statement(search)
    if search.search:
        text = text if text is not None else await resolve_text(conn, search.search)
        if not text.can_match:
            return 0
        statement.conditions.append(_any_match(text.at_least(text.minimum), statement.params))
    count: int = await conn.fetchval(COUNT.format(where=statement.where()), *statement.params.values)
    return count
