"""The public look-up of one's own social insurance code: all four facts must match one person.

No `from __future__ import annotations` here: Strawberry resolves a lazy input argument only when its
annotation is evaluated at definition time.
"""

import datetime as dt
import math
import re
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import lookup as sql
from db import throttle
from resolvers.directory import PROVINCE_CODE, checked_code
from resolvers.facilities import FacilityByIdLoader
from resolvers.text import MAX_NAME_LENGTH, collapsed_text
from schema.errors import ApiError, ErrorCode
from schema.info import Info

if TYPE_CHECKING:
    from schema.facility import Facility
    from schema.lookup import SocialInsuranceCodeLookup, SocialInsuranceCodeLookupInput

# Each client address may ask this many times per window: enough for a person who mistypes, too few to enumerate.
LOOKUPS_PER_WINDOW = 10
LOOKUP_WINDOW_SECONDS = 3600
_NATIONAL_ID = re.compile(r"^[0-9]{12}$")



def _checked(value: "SocialInsuranceCodeLookupInput") -> tuple[str, dt.date, str, str]:
    name = collapsed_text(value.full_name, "input.fullName", min_length=1, max_length=MAX_NAME_LENGTH)
    national_id = value.national_id_number.strip()
    if not _NATIONAL_ID.match(national_id):
        raise ApiError(ErrorCode.INVALID_INPUT, "nationalIdNumber is 12 digits", field="input.nationalIdNumber")
    province = checked_code(value.province_code, PROVINCE_CODE, "input.provinceCode")
    assert province is not None
    return name, value.date_of_birth, province, national_id


async def _throttle(info: Info) -> None:
    address = info.context.viewer.client_address or "unknown"
    async with info.context.pool.acquire() as conn:
        window = await throttle.hit(conn, f"lookup-code:{address}", LOOKUP_WINDOW_SECONDS)
    if window.count > LOOKUPS_PER_WINDOW:
        raise ApiError(
            ErrorCode.RATE_LIMITED,
            "too many look-ups from this address; try again later",
            retryAfterSeconds=max(1, math.ceil((window.resets_at - dt.datetime.now(dt.UTC)).total_seconds())),
        )


async def resolve_lookup(
    info: Info, input: Annotated["SocialInsuranceCodeLookupInput", strawberry.lazy("schema.lookup")]
) -> "SocialInsuranceCodeLookup":
    """found=true with the code and managing agency only for an exact match; otherwise nothing, never why."""
    from schema.lookup import SocialInsuranceCodeLookup

    name, date_of_birth, province, national_id = _checked(input)
    await _throttle(info)
    async with info.context.pool.acquire() as conn:
        row = await sql.find_person(
            conn, national_id=national_id, date_of_birth=date_of_birth, province_code=province, full_name=name
        )
    if row is None:
        return SocialInsuranceCodeLookup(found=False, social_insurance_code=None, agency_id=None)
    return SocialInsuranceCodeLookup(
        found=True, social_insurance_code=row["social_insurance_code"], agency_id=row["managing_agency_id"]
    )


async def resolve_lookup_agency(root: "SocialInsuranceCodeLookup", info: Info) -> "Facility | None":
    if root.agency_id is None:
        return None
    return await info.context.loaders.get(FacilityByIdLoader).load(root.agency_id)
