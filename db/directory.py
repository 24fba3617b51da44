"""SQL for the public directory: facility search by filters, relevance (pg_trgm) or distance (earthdistance).

Statements are composed from the constant fragments below; every value travels as a $n parameter.
Search folds diacritics and case with search_fold() (unaccent + đ→d + lower), the same function that builds
the indexed `search_document`, and matches with word_similarity so a partial word or a typo still finds the
name. `<%` is the operator the GIN trigram index answers; its threshold is set per transaction.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import asyncpg

from db.facilities import COLUMNS

# A query shares at least this much of its trigrams with some stretch of the document (pg_trgm's default is 0.6:
# too strict for one typo in a short name).
WORD_SIMILARITY_THRESHOLD = "0.5"
SET_THRESHOLD = "select set_config('pg_trgm.word_similarity_threshold', $1, true)"

SCORE = "word_similarity(search_fold({q}), {table}.search_document)"
MATCHES = "search_fold({q}) <% {table}.search_document"
POINT = "ll_to_earth({lat}, {lon})"
LOCATION = "ll_to_earth(f.latitude, f.longitude)"
# Chord length through the earth: ordered by the GiST index (KNN), monotonic with the great-circle distance.
CHORD = f"({LOCATION} <-> {{point}})"
DISTANCE = f"earth_distance({{point}}, {LOCATION})"
WITHIN = f"earth_box({{point}}, {{radius}}) @> {LOCATION} and {DISTANCE} <= {{radius}}"

FILTERS = {
    "province_code": "f.province_code = {}",
    "ward_code": "f.ward_code = {}",
    "kinds": "f.kind = any({}::text[])",
    "bhyt_contracted": "f.bhyt_contracted = {}",
    "accepts_initial_registration": "f.accepts_initial_registration = {}",
    "issues_sick_leave_certificates": "f.issues_sick_leave_certificates = {}",
    "updated_since": "f.updated_at >= {}",
}
AFTER = {
    "code": "f.code > {code}",
    "relevance": "({score} < {s}::real or ({score} = {s}::real and f.id > {id}))",
    "distance": "({chord} > {d}::float8 or ({chord} = {d}::float8 and f.id > {id}))",
}
ORDER = {
    "code": "f.code",
    "relevance": "score desc, f.id",
    "distance": "chord, f.id",
}
SELECT = "select {columns}{extra} from facilities f where {where} order by {order} limit {limit}"
COUNT = "select count(*) from facilities f where {where}"


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


def _conditions(search: FacilitySearch, params: Params) -> tuple[list[str], dict[str, str]]:
    conditions: list[str] = []
    for name, template in FILTERS.items():
        value = getattr(search, name)
        if value is not None:
            conditions.append(template.format(params.add(list(value) if name == "kinds" else value)))
    parts: dict[str, str] = {}
    if search.search:
        q = params.add(search.search)
        conditions.append(MATCHES.format(q=q, table="f"))
        parts["score"] = SCORE.format(q=q, table="f")
    if search.near is not None:
        point = POINT.format(lat=params.add(search.near[0]), lon=params.add(search.near[1]))
        parts["chord"] = CHORD.format(point=point)
        parts["distance_m"] = DISTANCE.format(point=point)
        if search.radius_m is not None:
            conditions.append(WITHIN.format(point=point, radius=params.add(search.radius_m)))
    return conditions, parts


def _after_condition(order: FacilityOrder, after: tuple[Any, ...], parts: dict[str, str], params: Params) -> str:
    if order is FacilityOrder.CODE:
        return AFTER["code"].format(code=params.add(after[0]))
    if order is FacilityOrder.RELEVANCE:
        return AFTER["relevance"].format(score=parts["score"], s=params.add(after[0]), id=params.add(after[1]))
    return AFTER["distance"].format(chord=parts["chord"], d=params.add(after[0]), id=params.add(after[1]))


async def use_search_threshold(conn: asyncpg.Connection) -> None:
    """Inside the caller's transaction: the word-similarity threshold that `<%` applies."""
    await conn.execute(SET_THRESHOLD, WORD_SIMILARITY_THRESHOLD)


async def search_facilities(
    conn: asyncpg.Connection, search: FacilitySearch, after: tuple[Any, ...] | None, limit: int
) -> list[asyncpg.Record]:
    """One page in `search.order`; rows carry `score` (relevance), `chord` and `distance_m` (distance)."""
    params = Params()
    conditions, parts = _conditions(search, params)
    order = search.order
    if after is not None:
        conditions.append(_after_condition(order, after, parts, params))
    extra = "".join(f", {expression} as {name}" for name, expression in parts.items())
    statement = SELECT.format(
        columns=COLUMNS,
        extra=extra,
        where=" and ".join(conditions) or "true",
        order=ORDER[order.value],
        limit=params.add(limit),
    )
    return await conn.fetch(statement, *params.values)


async def count_facilities(conn: asyncpg.Connection, search: FacilitySearch) -> int:
    if search.radius_m is None:
        # Without a radius, the point only orders: leave it (and its parameters) out of the count.
        search = replace(search, near=None)
    params = Params()
    conditions, _ = _conditions(search, params)
    count: int = await conn.fetchval(COUNT.format(where=" and ".join(conditions) or "true"), *params.values)
    return count
