"""Registrations for an account (đăng ký giao dịch điện tử): submitted online, decided by the chosen agency."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Self

import strawberry

from core.text_ids import TextId
from core.texts import text
from loaders.base import Row
from schema.errors import UserError
from schema.facility import Facility, facility_relation
from schema.node import Node


@strawberry.enum
class RegistrationStatus(enum.Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


def instructions(status: str, agency_name: str | None) -> str:
    """What the person does next, in the request's language (the agency's name as it is on record)."""
    if status == "PENDING":
        where = agency_name or text(TextId.INSTRUCTIONS_AGENCY_CHOSEN)
        return text(TextId.INSTRUCTIONS_PENDING, where=where).render()
    if status == "APPROVED":
        return text(TextId.INSTRUCTIONS_APPROVED).render()
    return text(TextId.INSTRUCTIONS_REJECTED).render()


@strawberry.type(description="A person's registration, as its submitter and the chosen agency's staff see it.")
class Registration(Node):
    agency_id: strawberry.Private[int]
    status: RegistrationStatus
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    rejection_reason: str | None
    full_name: str
    social_insurance_code: str
    phone: str
    email: str | None
    instructions: str = strawberry.field(
        description="What the person does next (Vietnamese, or English on Accept-Language: en)."
    )
    agency: Facility | None = facility_relation("agency_id")

    @classmethod
    def from_row(cls, row: Row, agency_name: str | None = None) -> Self:  # type: ignore[override]
        return super().from_row(row, instructions=instructions(row["status"], agency_name))


@strawberry.input
class RegistrationInput:
    social_insurance_code: str = strawberry.field(description="10 digits, the mã số BHXH.")
    national_id_number: str = strawberry.field(description="12 digits, the CCCD number.")
    full_name: str
    date_of_birth: dt.date
    phone: str = strawberry.field(description="The phone the OTP was sent to.")
    otp: str
    agency_code: str = strawberry.field(
        description="The social insurance agency where the declaration will be brought."
    )
    email: str | None = None


@strawberry.type
class SubmitRegistrationPayload:
    registration: Registration | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RegistrationDecisionPayload:
    registration: Registration | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
