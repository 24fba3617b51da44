"""The public directory: facilities by filters, relevance or distance, and one facility by code."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import asyncpg
import strawberry

from db import directory as sql
from db.directory import FacilityOrder, FacilitySearch
from db.search_words import resolve_text
from resolvers.facilities import FacilityByCodeLoader, facility_from_row
from resolvers.pagination import build_connection, decode_cursor, page_size
from resolvers.text import collapsed_text
from schema.errors import ApiError, ErrorCode
from schema.info import Info
from schema.pagination import Connection

if TYPE_CHECKING:
    from schema.directory import FacilityFilter, GeoPointInput
    from schema.facility import Facility

# Anonymous callers page by at most 100 (the public documents); a partner key with directory:read syncs the
# whole directory in pages of up to 1000.
PUBLIC_MAX_PAGE_SIZE = 100
PARTNER_MAX_PAGE_SIZE = 1000
DIRECTORY_SCOPE = "directory:read"
MAX_SEARCH_LENGTH = 200
# Vietnam spans about 1,650 km north to south; a larger radius is a mistake, not a question.
MAX_RADIUS_KM = 2000.0

PROVINCE_CODE = re.compile(r"^[0-9]{2}$")
_WARD_CODE = re.compile(r"^[0-9]{5}$")
_FACILITY_CODE = re.compile(r"^[0-9]{2}[0-9A-Z]{3}$")

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



def directory_page_size(info: Info, first: int | None) -> int:
    scopes = info.context.viewer.scopes
    return page_size(first, maximum=PARTNER_MAX_PAGE_SIZE if DIRECTORY_SCOPE in scopes else PUBLIC_MAX_PAGE_SIZE)


def clean_search(value: str | None, field: str) -> str | None:
    """Free text with its spaces collapsed; None when blank; INVALID_INPUT when too long or holding a NUL."""
    if value is None:
        return None
    return collapsed_text(value, field, max_length=MAX_SEARCH_LENGTH) or None


def checked_code(value: str | None, pattern: re.Pattern[str], field: str) -> str | None:
    if value is None:
        return None
    value = value.strip().upper()
    if not pattern.match(value):
        raise ApiError(ErrorCode.INVALID_INPUT, f"{field} has the wrong shape", field=field)
    return value


def _near(near: GeoPointInput | None) -> tuple[tuple[float, float] | None, float | None]:
    if near is None:
        return None, None
    if not (math.isfinite(near.latitude) and -90 <= near.latitude <= 90):
        raise ApiError(ErrorCode.INVALID_INPUT, "latitude is between -90 and 90", field="near.latitude")
    if not (math.isfinite(near.longitude) and -180 <= near.longitude <= 180):
        raise ApiError(ErrorCode.INVALID_INPUT, "longitude is between -180 and 180", field="near.longitude")
    radius = near.radius_km
    if radius is not None and not (math.isfinite(radius) and 0 < radius <= MAX_RADIUS_KM):
        raise ApiError(
            ErrorCode.INVALID_INPUT, f"radiusKm is above 0 and at most {MAX_RADIUS_KM:g}", field="near.radiusKm"
        )
    return (near.latitude, near.longitude), radius * 1000 if radius is not None else None


def _instant(value: dt.datetime | None, field: str) -> dt.datetime | None:
    """An instant PostgreSQL can compare: INVALID_INPUT when it falls off the calendar in UTC (year 0 or 10000)."""
    if value is None:
        return None
    try:
        value.astimezone(dt.UTC)
    except OverflowError:
        raise ApiError(ErrorCode.INVALID_INPUT, f"{field} is out of range", field=field) from None
    return value


def facility_search(filter: FacilityFilter | None, near: GeoPointInput | None) -> FacilitySearch:
    """Validate the arguments into what db/directory.py searches for."""
    point, radius_m = _near(near)
    if filter is None:
        return FacilitySearch(near=point, radius_m=radius_m)
    return FacilitySearch(
        search=clean_search(filter.search, "filter.search"),
        province_code=checked_code(filter.province_code, PROVINCE_CODE, "filter.provinceCode"),
        ward_code=checked_code(filter.ward_code, _WARD_CODE, "filter.wardCode"),
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
    return facility_from_row(row, distance_km=distance_m / 1000 if distance_m is not None else None)


async def resolve_facilities(
    info: Info,
    filter: Annotated[FacilityFilter, strawberry.lazy("schema.directory")] | None = None,
    near: Annotated[GeoPointInput, strawberry.lazy("schema.directory")] | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Connection[Facility]:
    search = facility_search(filter, near)
    size = directory_page_size(info, first)
    order = search.order
    list_name = f"facilities:{order.value}"
    cursor = decode_cursor(list_name, after, KEY_TYPES[order])
    pool = info.context.pool
    async with pool.acquire() as conn, conn.transaction(readonly=True):
        # The words of the search, looked up in the dictionary once for the page and its count.
        text = await resolve_text(conn, search.search) if search.search else None
        rows = await sql.search_facilities(conn, search, cursor, size + 1, text=text)

    async def count_total() -> int:
        async with pool.acquire() as conn, conn.transaction(readonly=True):
            return await sql.count_facilities(conn, search, text=text)

    return build_connection(
        rows, size, list_name=list_name, key=KEYS[order], node=_facility_node, count_total=count_total
    )


async def resolve_facility(info: Info, code: str) -> Facility | None:
    checked = checked_code(code, _FACILITY_CODE, "code")
    assert checked is not None
    return await info.context.loaders.get(FacilityByCodeLoader).load(checked)
