"""Registrations for an account (đăng ký giao dịch điện tử): submitted online, decided by the chosen agency."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from auth.permissions import IsAgencyOfficer
from resolvers import registrations as resolvers
from schema.errors import UserError
from schema.facility import Facility
from schema.node import Node
from schema.pagination import Connection


@strawberry.enum
class RegistrationStatus(enum.Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


@strawberry.type(description="A person's registration, as its submitter and the chosen agency's staff see it.")
class Registration(Node):
    pk: strawberry.Private[int]
    agency_id: strawberry.Private[int]
    status: RegistrationStatus
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    rejection_reason: str | None
    full_name: str
    social_insurance_code: str
    phone: str
    email: str | None
    instructions: str = strawberry.field(description="What the person does next.")
    agency: Facility | None = strawberry.field(resolver=resolvers.resolve_registration_agency)


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


@strawberry.type
class RegistrationQuery:
    registrations: Connection[Registration] = strawberry.field(
        resolver=resolvers.resolve_registrations,
        permission_classes=[IsAgencyOfficer],
        description="Registrations brought to the officer's own agency, oldest first.",
    )


@strawberry.type
class RegistrationMutation:
    submit_registration: SubmitRegistrationPayload = strawberry.mutation(resolver=resolvers.resolve_submit_registration)
    approve_registration: RegistrationDecisionPayload = strawberry.mutation(
        resolver=resolvers.resolve_approve_registration,
        permission_classes=[IsAgencyOfficer],
        description="Issue the account; a temporary password goes to the person by SMS.",
    )
    reject_registration: RegistrationDecisionPayload = strawberry.mutation(
        resolver=resolvers.resolve_reject_registration, permission_classes=[IsAgencyOfficer]
    )
