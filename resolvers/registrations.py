"""Registrations: submit (anonymous, with an OTP), list and decide (the agency's own officers).

No `from __future__ import annotations` here, as in resolvers/accounts.py: lazy argument types need it off.
"""

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import asyncpg
import strawberry

from auth import registrations
from auth.refusal import Refusal
from db import access_log
from db import registrations as sql
from resolvers.accounts import user_error
from resolvers.facilities import FacilityByIdLoader
from resolvers.pagination import build_connection, decode_cursor, page_size
from schema.errors import ApiError, ErrorCode, UserError
from schema.info import Info
from schema.node import from_global_id, to_global_id

if TYPE_CHECKING:
    from schema.facility import Facility
    from schema.pagination import Connection
    from schema.registration import (
        Registration,
        RegistrationDecisionPayload,
        RegistrationInput,
        RegistrationStatus,
        SubmitRegistrationPayload,
    )

LIST_NAME = "registrations"


def instructions(status: str, agency_name: str | None) -> str:
    where = agency_name or "the social insurance agency you chose"
    if status == "PENDING":
        return (
            f"Bring the signed registration declaration and your ID card (CCCD) or passport to {where}. "
            "Staff check them and activate your account; you will get an SMS (and an e-mail, if you gave one)."
        )
    if status == "APPROVED":
        return "Your account is active. Log in with your social insurance code and the temporary password sent by SMS."
    return "Your registration was not accepted; see the reason, correct it and register again."


def registration_from_row(row: asyncpg.Record, agency_name: str | None = None) -> "Registration":
    from schema.registration import Registration, RegistrationStatus

    return Registration(
        id=to_global_id("Registration", row["id"]),
        pk=row["id"],
        agency_id=row["agency_id"],
        status=RegistrationStatus(row["status"]),
        submitted_at=row["submitted_at"],
        decided_at=row["decided_at"],
        rejection_reason=row["rejection_reason"],
        full_name=row["full_name"],
        social_insurance_code=row["social_insurance_code"],
        phone=row["phone"],
        email=row["email"],
        instructions=instructions(row["status"], agency_name),
    )


async def resolve_registration_agency(root: "Registration", info: Info) -> "Facility | None":
    return await info.context.loaders.get(FacilityByIdLoader).load(root.agency_id)


async def resolve_submit_registration(
    info: Info, input: Annotated["RegistrationInput", strawberry.lazy("schema.registration")]
) -> "SubmitRegistrationPayload":
    from schema.registration import SubmitRegistrationPayload

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
    async with ctx.pool.acquire() as conn, conn.transaction():
        try:
            row = await registrations.submit(conn, ctx.settings, request, ctx.viewer.client_address)
        except Refusal as refusal:
            return SubmitRegistrationPayload(errors=[user_error(refusal)])
    agency = await info.context.loaders.get(FacilityByIdLoader).load(row["agency_id"])
    return SubmitRegistrationPayload(registration=registration_from_row(row, agency.name if agency else None))


def _registration_pk(global_id: str) -> int | None:
    try:
        type_name, pk = from_global_id(global_id)
    except ApiError:
        return None
    return pk if type_name == "Registration" else None


async def _decide(info: Info, global_id: str, reason: str | None) -> "RegistrationDecisionPayload":
    from schema.registration import RegistrationDecisionPayload

    viewer = info.context.viewer
    assert viewer.person_id is not None and viewer.agency_id is not None  # IsAgencyOfficer guards the field
    pk = _registration_pk(global_id)
    if pk is None:
        return RegistrationDecisionPayload(
            errors=[UserError(code=ErrorCode.INVALID_ID, message="not an ID", field="id")]
        )
    officer = registrations.Officer(viewer.person_id, viewer.agency_id, viewer.client_address)
    async with info.context.pool.acquire() as conn, conn.transaction():
        try:
            if reason is None:
                row = await registrations.approve(conn, pk, officer)
            else:
                row = await registrations.reject(conn, pk, reason, officer)
        except Refusal as refusal:
            return RegistrationDecisionPayload(errors=[user_error(refusal)])
    return RegistrationDecisionPayload(registration=registration_from_row(row))


async def resolve_approve_registration(info: Info, id: strawberry.ID) -> "RegistrationDecisionPayload":
    return await _decide(info, id, None)


async def resolve_reject_registration(info: Info, id: strawberry.ID, reason: str) -> "RegistrationDecisionPayload":
    return await _decide(info, id, reason)


async def resolve_registrations(
    info: Info,
    status: Annotated["RegistrationStatus", strawberry.lazy("schema.registration")],
    first: int | None = None,
    after: str | None = None,
) -> "Connection[Registration]":
    viewer, pool = info.context.viewer, info.context.pool
    agency_id, officer_id = viewer.agency_id, viewer.person_id
    assert agency_id is not None and officer_id is not None  # IsAgencyOfficer guards the field
    size = page_size(first)
    key = decode_cursor(LIST_NAME, after, (dt.datetime, int))
    async with pool.acquire() as conn, conn.transaction():
        rows = await sql.list_by_agency(conn, agency_id, status.value, (key[0], key[1]) if key else None, size + 1)
        # Staff reading a person's details is a read by someone other than that person: the person can see it.
        for row in rows[:size]:
            await access_log.record_access(
                conn,
                person_id=row["person_id"],
                actor_kind="AGENCY_OFFICER",
                actor_name="Agency officer",
                actor_ref=str(officer_id),
                purpose="registration review",
                data_categories=["IDENTITY", "CONTACT"],
            )

    async def count_total() -> int:
        async with pool.acquire() as conn:
            return await sql.count_by_agency(conn, agency_id, status.value)

    return build_connection(
        rows,
        size,
        list_name=LIST_NAME,
        key=lambda r: (r["submitted_at"], r["id"]),
        node=registration_from_row,
        count_total=count_total,
    )
