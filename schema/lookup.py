"""The public look-up of one's own social insurance code (tra cứu mã số BHXH)."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.facility import Facility, facility_relation


@strawberry.input(description="All four facts must match one person on record.")
class SocialInsuranceCodeLookupInput:
    full_name: str = strawberry.field(description="Compared without regard to diacritics, case and extra spaces.")
    date_of_birth: dt.date
    province_code: str
    national_id_number: str = strawberry.field(description="Số CCCD, 12 digits.")


@strawberry.type(description="Either found with the code and managing agency, or not found with nothing else.")
class SocialInsuranceCodeLookup:
    found: bool
    social_insurance_code: str | None
    agency_id: strawberry.Private[int | None]
    agency: Facility | None = facility_relation("agency_id", "The social insurance agency managing the person.")
