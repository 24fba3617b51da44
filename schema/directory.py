"""The public directory's inputs: the facility filter and a point on the map."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.facility import FacilityKind


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
