"""The public directory's root fields: facilities (filters, search, near me) and one facility by code."""

from __future__ import annotations

import datetime as dt

import strawberry

from resolvers import directory as resolvers
from schema.facility import Facility, FacilityKind
from schema.pagination import Connection


@strawberry.input(description="Every given condition must hold.")
class FacilityFilter:
    search: str | None = strawberry.field(
        default=None,
        description="Words of the name or address; diacritics and case do not matter, a typo or a partial word "
        "still matches. Results come best match first (unless `near` is given). At most 200 characters.",
    )
    province_code: str | None = None
    ward_code: str | None = None
    kinds: list[FacilityKind] | None = None
    bhyt_contracted: bool | None = None
    accepts_initial_registration: bool | None = None
    issues_sick_leave_certificates: bool | None = None
    updated_since: dt.datetime | None = strawberry.field(
        default=None, description="Only facilities changed at or after this instant: partners sync what changed."
    )


@strawberry.input(description="A point on the map; nearest first from it, optionally within a radius.")
class GeoPointInput:
    latitude: float
    longitude: float
    radius_km: float | None = strawberry.field(default=None, description="Above 0 and at most 2000.")


@strawberry.type
class DirectoryQuery:
    facilities: Connection[Facility] = strawberry.field(
        resolver=resolvers.resolve_facilities,
        description="Hospitals, clinics, health stations, social insurance agencies and collection points. "
        "Ordered by distance with `near`, else by relevance with `filter.search`, else by code. "
        "Pages of at most 100, or 1000 with an API key holding directory:read.",
    )
    facility: Facility | None = strawberry.field(
        resolver=resolvers.resolve_facility, description="By its 5-character code."
    )
