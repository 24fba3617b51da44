"""Registrations: submit (anonymous, with an OTP), list and decide (the agency's own officers)."""

from __future__ import annotations

import datetime as dt

import strawberry

from auth import registrations
from auth.permissions import IsAgencyOfficer
from auth.refusal import Refusal
from core.errors import ApiError, ErrorCode
from core.policy import CREDENTIALS, LIST_PAGES, PRIVATE, FieldPolicy
from core.text_ids import TextId
from core.texts import text
from db import access_log
from db import registrations as sql
from loaders.context import Info
from loaders.directory import FacilityByIdLoader
from resolvers.mutation import run_mutation, user_error
from schema.cursors import decode_cursor
from schema.errors import UserError
from schema.ids import from_global_id
from schema.pagination import Connection, build_connection, page_size
from schema.registration import (
    Registration,
    RegistrationDecisionPayload,
    RegistrationInput,
    RegistrationStatus,
    SubmitRegistrationPayload,
)

LIST_NAME = "registrations"


def _registration_pk(global_id: str) -> int | None:
    try:
        type_name, pk = from_global_id(global_id)
    except ApiError:
        return None
    return pk if type_name == "Registration" else None


async def _decide(info: Info, global_id: str, reason: str | None) -> RegistrationDecisionPayload:
    viewer = info.context.viewer
    assert viewer.person_id is not None and viewer.agency_id is not None  # IsAgencyOfficer guards the field
    pk = _registration_pk(global_id)
    if pk is None:
        return RegistrationDecisionPayload(
            errors=[UserError(code=ErrorCode.INVALID_ID, message=text(TextId.NOT_AN_ID).render(), field="id")]
        )
    officer = registrations.Officer(viewer.person_id, viewer.agency_id, viewer.client_address)
    row = await run_mutation(
        info,
        lambda conn: registrations.approve(conn, pk, officer)
        if reason is None
        else registrations.reject(conn, pk, reason, officer),
    )
    if isinstance(row, Refusal):
        return RegistrationDecisionPayload(errors=[user_error(row)])
    return RegistrationDecisionPayload(registration=Registration.from_row(row))


@strawberry.type
class RegistrationQuery:
    @strawberry.field(
        permission_classes=[IsAgencyOfficer],
        description="Registrations brought to the officer's own agency, oldest first.",
        metadata=FieldPolicy(pages=LIST_PAGES).metadata(),
    )
    async def registrations(
        self, info: Info, status: RegistrationStatus, first: int | None = None, after: str | None = None
    ) -> Connection[Registration]:
        viewer, database = info.context.viewer, info.context.database
        agency_id, officer_id = viewer.agency_id, viewer.person_id
        assert agency_id is not None and officer_id is not None  # IsAgencyOfficer guards the field
        size = page_size(first, LIST_PAGES, viewer)
        key = decode_cursor(LIST_NAME, after, (dt.datetime, int))
        async with database.acquire() as conn, conn.transaction():
            rows = await sql.list_by_agency(conn, agency_id, status.value, (key[0], key[1]) if key else None, size + 1)
            # Staff reading a person's details is a read by someone other than that person: the person can see it.
            for row in rows[:size]:
                await access_log.record_access(
                    conn,
                    person_id=row["person_id"],
                    actor_kind="AGENCY_OFFICER",
                    actor_name="Cán bộ cơ quan BHXH",
                    actor_ref=str(officer_id),
                    purpose="Xét duyệt đăng ký giao dịch điện tử",
                    data_categories=["IDENTITY", "CONTACT"],
                )

        async def count_total() -> int:
            async with info.context.connection.acquire() as conn:
                return await sql.count_by_agency(conn, agency_id, status.value)

        return build_connection(
            rows,
            size,
            list_name=LIST_NAME,
            key=lambda r: (r["submitted_at"], r["id"]),
            node=Registration.from_row,
            count_total=count_total,
        )


@strawberry.type
class RegistrationMutation:
    @strawberry.mutation(metadata=CREDENTIALS.metadata())
    async def submit_registration(self, info: Info, input: RegistrationInput) -> SubmitRegistrationPayload:
        request = registrations.RegistrationRequest(
            social_insurance_code=input.social_insurance_code,
            national_id_number=input.national_id_number,
            full_name=input.full_name,
            date_of_birth=input.date_of_birth,
            phone=input.phone,
            email=input.email or None,
            otp=input.otp,
            agency_code=input.agency_code,
        )
        ctx = info.context
        row = await run_mutation(
            info, lambda conn: registrations.submit(conn, ctx.settings, request, ctx.viewer.client_address)
        )
        if isinstance(row, Refusal):
            return SubmitRegistrationPayload(errors=[user_error(row)])
        agency = await ctx.loaders.get(FacilityByIdLoader).load(row["agency_id"])
        registration = Registration.from_row(row, agency["name"] if agency else None)
        return SubmitRegistrationPayload(registration=registration)

    @strawberry.mutation(
        permission_classes=[IsAgencyOfficer],
        description="Issue the account; a temporary password goes to the person by SMS.",
        metadata=PRIVATE.metadata(),
    )
    async def approve_registration(self, info: Info, id: strawberry.ID) -> RegistrationDecisionPayload:
        return await _decide(info, id, None)

    @strawberry.mutation(permission_classes=[IsAgencyOfficer], metadata=PRIVATE.metadata())
    async def reject_registration(self, info: Info, id: strawberry.ID, reason: str) -> RegistrationDecisionPayload:
        return await _decide(info, id, reason)
