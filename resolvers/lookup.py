"""The public look-up of one's own social insurance code (tra cứu mã số BHXH): all four facts must match one person."""

from __future__ import annotations

import datetime as dt
import re

import strawberry

from core.errors import ApiError, ErrorCode
from core.policy import CREDENTIALS
from core.text_ids import TextId
from core.texts import text
from db import lookup as sql
from db import throttle
from loaders.context import Info
from resolvers.budgets import announce, rate_limited
from resolvers.inputs import MAX_NAME_LENGTH, PROVINCE_CODE, checked_code, collapsed_text
from schema.lookup import SocialInsuranceCodeLookup, SocialInsuranceCodeLookupInput

# Each client address may ask this many times per window: enough for a person who mistypes, too few to enumerate.
LOOKUPS_PER_WINDOW = 10
LOOKUP_WINDOW_SECONDS = 3600
# And each national ID this many look-ups a day that match nobody, from all addresses together.
MISSES_PER_TARGET = 10
TARGET_WINDOW_SECONDS = 86_400
_NATIONAL_ID = re.compile(r"^[0-9]{12}$")


def _checked(value: SocialInsuranceCodeLookupInput) -> tuple[str, dt.date, str, str]:
    name = collapsed_text(value.full_name, "input.fullName", min_length=1, max_length=MAX_NAME_LENGTH)
    national_id = value.national_id_number.strip()
    if not _NATIONAL_ID.match(national_id):
        raise ApiError(ErrorCode.INVALID_INPUT, text(TextId.NATIONAL_ID_FORMAT), field="input.nationalIdNumber")
    province = checked_code(value.province_code, PROVINCE_CODE, "input.provinceCode")
    assert province is not None
    return name, value.date_of_birth, province, national_id


def _target(national_id: str) -> str:
    return f"lookup-code:target:{national_id}"


async def _spend(info: Info, national_id: str) -> None:
    """One look-up from this address, refused beyond its budget or beyond the national ID's misses of the day."""
    address = info.context.viewer.client_address or "unknown"
    async with info.context.database.acquire() as conn:
        window = await throttle.hit(conn, f"lookup-code:{address}", LOOKUP_WINDOW_SECONDS)
        misses = await throttle.peek(conn, _target(national_id), TARGET_WINDOW_SECONDS)
    headers = info.context.response.headers
    announce(headers, LOOKUPS_PER_WINDOW, window.count)
    refused = window if window.count > LOOKUPS_PER_WINDOW else None
    if refused is None and misses is not None and misses.count >= MISSES_PER_TARGET:
        refused = misses
    if refused is not None:
        raise rate_limited(headers, refused, text(TextId.LOOKUPS_TOO_MANY))


@strawberry.type
class LookupQuery:
    @strawberry.field(
        description="Answers only an exact match of all four facts, and then only the code and managing agency; "
        "never a list, never which fact did not match. Limited to 10 look-ups an hour per client address "
        "(X-RateLimit-* headers) and 10 that match nobody per national ID a day.",
        metadata=CREDENTIALS.metadata(),
    )
    async def lookup_social_insurance_code(
        self, info: Info, input: SocialInsuranceCodeLookupInput
    ) -> SocialInsuranceCodeLookup:
        """found=true with the code and managing agency only for an exact match; otherwise nothing, never why."""
        name, date_of_birth, province, national_id = _checked(input)
        await _spend(info, national_id)
        async with info.context.connection.acquire() as conn:
            row = await sql.find_person(
                conn, national_id=national_id, date_of_birth=date_of_birth, province_code=province, full_name=name
            )
        if row is None:
            # A miss counts against the national ID from every address: its owner's facts cannot be guessed.
            async with info.context.database.acquire() as conn:
                await throttle.hit(conn, _target(national_id), TARGET_WINDOW_SECONDS)
            return SocialInsuranceCodeLookup(found=False, social_insurance_code=None, agency_id=None)
        return SocialInsuranceCodeLookup(
            found=True, social_insurance_code=row["social_insurance_code"], agency_id=row["managing_agency_id"]
        )
