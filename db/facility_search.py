"""Composing the directory's facility search: filters, relevance by words, distance (earthdistance), keysets.

Statements are composed from the constant fragments below; every value travels as a $n parameter. db/directory.py
runs them (how relevance pages are read with bounded work is described there).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from db.search_words import TextQuery
from db.statements import Params

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


def statement_for(search: FacilitySearch, after: tuple[Any, ...] | None = None) -> Statement:
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


def score(text: TextQuery, params: Params) -> str:
    """How many of the query's words a facility holds (words with no spelling in the directory never count)."""
    return " + ".join(f"({MATCHES.format(params.add(word))})::int" for word in text.words) or "0"


def any_match(queries: list[str], params: Params) -> str:
    """One GIN-served condition per tsquery, ORed (a BitmapOr of cheap AND scans)."""
    return "(" + " or ".join(MATCHES.format(params.add(query)) for query in queries) + ")"
