"""The public directory's root fields: facilities by filters, relevance or distance, and one facility by code."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import asyncpg
import strawberry

from core.errors import ApiError, ErrorCode
from core.policy import DIRECTORY_PAGES, PUBLIC_DIRECTORY
from core.text_ids import TextId
from core.texts import text
from db import directory as sql
from db.facility_search import FacilityOrder, FacilitySearch
from db.search_words import TextQuery, resolve_text
from loaders.context import Info
from loaders.directory import FacilityByCodeLoader
from loaders.shared import MISSING
from resolvers.inputs import FACILITY_CODE, PROVINCE_CODE, WARD_CODE, checked_code, clean_search
from schema.cursors import decode_cursor
from schema.directory import FacilityFilter, GeoPointInput
from schema.facility import Facility
from schema.pagination import Connection, page_size, read_page

# Vietnam spans about 1,650 km north to south; a larger radius is a mistake, not a question.
MAX_RADIUS_KM = 2000.0

KEY_TYPES: dict[FacilityOrder, tuple[type[Any], ...]] = {
    FacilityOrder.CODE: (str,),
    # Not a pg_trgm Score: db/directory.py's relevance is a level and a key in one number, up to about 2**35.
    FacilityOrder.RELEVANCE: (float, int),
    FacilityOrder.DISTANCE: (float, int),
}
KEYS: dict[FacilityOrder, Callable[[asyncpg.Record], Sequence[Any]]] = {
    FacilityOrder.CODE: lambda row: (row["code"],),
    FacilityOrder.RELEVANCE: lambda row: (row["score"], row["id"]),
    FacilityOrder.DISTANCE: lambda row: (row["chord"], row["id"]),
}



def _near(near: GeoPointInput | None) -> tuple[tuple[float, float] | None, float | None]:
    if near is None:
        return None, None
    if not (math.isfinite(near.latitude) and -90 <= near.latitude <= 90):
        raise ApiError(ErrorCode.INVALID_INPUT, text(TextId.LATITUDE_RANGE), field="near.latitude")
    if not (math.isfinite(near.longitude) and -180 <= near.longitude <= 180):
        raise ApiError(ErrorCode.INVALID_INPUT, text(TextId.LONGITUDE_RANGE), field="near.longitude")
    radius = near.radius_km
    if radius is not None and not (math.isfinite(radius) and 0 < radius <= MAX_RADIUS_KM):
        raise ApiError(
            ErrorCode.INVALID_INPUT, text(TextId.RADIUS_RANGE, maximum=f"{MAX_RADIUS_KM:g}"), field="near.radiusKm"
        )
    return (near.latitude, near.longitude), radius * 1000 if radius is not None else None


def _instant(value: dt.datetime | None, field: str) -> dt.datetime | None:
    """An instant PostgreSQL can compare: INVALID_INPUT when it falls off the calendar in UTC (year 0 or 10000)."""
    if value is None:
        return None
    try:
        value.astimezone(dt.UTC)
    except OverflowError:
        raise ApiError(ErrorCode.INVALID_INPUT, text(TextId.OUT_OF_RANGE, field=field), field=field) from None
    return value


def facility_search(filter: FacilityFilter | None, near: GeoPointInput | None) -> FacilitySearch:
    """Validate the arguments into what db/directory.py searches for."""
    point, radius_m = _near(near)
    if filter is None:
        return FacilitySearch(near=point, radius_m=radius_m)
    return FacilitySearch(
        search=clean_search(filter.search, "filter.search"),
        province_code=checked_code(filter.province_code, PROVINCE_CODE, "filter.provinceCode"),
        ward_code=checked_code(filter.ward_code, WARD_CODE, "filter.wardCode"),
        kinds=[kind.value for kind in filter.kinds] if filter.kinds is not None else None,
        bhyt_contracted=filter.bhyt_contracted,
        accepts_initial_registration=filter.accepts_initial_registration,
        issues_sick_leave_certificates=filter.issues_sick_leave_certificates,
        updated_since=_instant(filter.updated_since, "filter.updatedSince"),
        near=point,
        radius_m=radius_m,
    )


def _facility_node(row: asyncpg.Record) -> Facility:
    distance_m = row.get("distance_m")
    return Facility.from_row(row, distance_km=distance_m / 1000 if distance_m is not None else None)


DIRECTORY = replace(PUBLIC_DIRECTORY, pages=DIRECTORY_PAGES)


class SearchText:
    """The key under which the worker shares the dictionary's reading of a search text (loaders/shared.py)."""


async def search_words(info: Info, conn: asyncpg.Connection, search: str) -> TextQuery:
    """The search's words as the dictionary reads them (`db/search_words.py`: spellings, corrections, how common),
    shared by the worker's requests for `VSSID_REFERENCE_CACHE_SECONDS` like the reference rows: partners send the
    same few phrases, and the look-up was a fifth of a directory request's database time. The page and its count
    still read the facilities as they are; only a word new to the dictionary waits for the reading to expire."""
    shared = info.context.loaders.shared
    if shared is not None:
        kept = shared.get(SearchText, search)
        if kept is not MISSING:
            known: TextQuery = kept
            return known
    found = await resolve_text(conn, search)
    if shared is not None:
        shared.put(SearchText, search, found)
    return found


@strawberry.type
class DirectoryQuery:
    @strawberry.field(
        description="Hospitals, clinics, health stations, social insurance agencies and collection points. "
        "Ordered by distance with `near`, else by relevance with `filter.search`, else by code. "
        "Pages of at most 100, or 1000 with an API key holding directory:read.",
        metadata=DIRECTORY.metadata(),
    )
    async def facilities(
        self,
        info: Info,
        filter: FacilityFilter | None = None,
        near: GeoPointInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Facility]:
        search = facility_search(filter, near)
        size = page_size(first, DIRECTORY_PAGES, info.context.viewer)
        order = search.order
        list_name = f"facilities:{order.value}"
        cursor = decode_cursor(list_name, after, KEY_TYPES[order])
        text: TextQuery | None = None

        async def rows(conn: asyncpg.Connection) -> list[asyncpg.Record]:
            nonlocal text  # the words of the search, looked up in the dictionary once for the page and its count
            text = await search_words(info, conn, search.search) if search.search else None
            return await sql.search_facilities(conn, search, cursor, size + 1, text=text)

        return await read_page(
            info.context.connection, size, rows=rows, count=lambda conn: sql.count_facilities(conn, search, text=text),
            told=lambda found: sql.total_in_page(search, cursor, found, size + 1),
            list_name=list_name, key=KEYS[order], node=_facility_node, in_transaction=True,
        )

    @strawberry.field(description="By its 5-character code.", metadata=PUBLIC_DIRECTORY.metadata())
    async def facility(self, info: Info, code: str) -> Facility | None:
        checked = checked_code(code, FACILITY_CODE, "code")
        row = await info.context.loaders.get(FacilityByCodeLoader).load(checked)
        return None if row is None else Facility.from_row(row)
