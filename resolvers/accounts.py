"""Accounts and sessions: each mutation owns one transaction and maps refusals to payload errors.

No `from __future__ import annotations` here: Strawberry 0.341 cannot resolve a bare
`Annotated["T", strawberry.lazy(...)]` argument under it, so names imported for type checking are quoted.
"""

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from auth import accounts, sessions
from auth.refusal import Refusal
from db import accounts as sql
from schema.errors import ErrorCode, UserError
from schema.info import Info
from service.unavailable import ServiceUnavailable

if TYPE_CHECKING:
    from schema.account import (
        Account,
        ChangePasswordPayload,
        LoginPayload,
        LogoutPayload,
        OtpPurpose,
        RefreshSessionPayload,
        RequestOtpPayload,
        ResetPasswordPayload,
    )


def user_error(refusal: Refusal) -> UserError:
    message = refusal.message
    if refusal.retry_at is not None:
        message = f"{message} (retry after {refusal.retry_at.astimezone(dt.UTC).isoformat(timespec='seconds')})"
    return UserError(code=refusal.code, message=message, field=refusal.field)


async def resolve_login(info: Info, social_insurance_code: str, password: str) -> "LoginPayload":
    from schema.account import LoginPayload

    ctx, address = info.context, info.context.viewer.client_address
    try:
        # Three steps so that no pooled connection waits on argon2 (deliberately slow) in between.
        async with ctx.pool.acquire() as conn, conn.transaction():
            attempt = await accounts.begin_login(conn, social_insurance_code, password, address)
        try:
            attempt = await accounts.check_password(attempt, password)
        except ServiceUnavailable:
            # Shed before the password was checked: an overloaded service must not lock the owner out.
            async with ctx.pool.acquire() as conn, conn.transaction():
                await accounts.withdraw_login(conn, attempt)
            raise
        async with ctx.pool.acquire() as conn, conn.transaction():
            try:
                result = await accounts.finish_login(conn, ctx.settings, attempt)
            except Refusal as refusal:  # returning inside the transaction commits the counted failure
                return LoginPayload(errors=[user_error(refusal)], locked_until=refusal.retry_at)
    except Refusal as refusal:
        return LoginPayload(errors=[user_error(refusal)], locked_until=refusal.retry_at)
    return LoginPayload(
        access_token=result.session.access_token,
        refresh_token=result.session.refresh_token,
        access_token_expires_at=result.session.access_expires_at,
        must_change_password=result.must_change_password,
        password_expires_at=result.password_expires_at,
    )


async def resolve_refresh_session(info: Info, refresh_token: str) -> "RefreshSessionPayload":
    from schema.account import RefreshSessionPayload

    ctx = info.context
    async with ctx.pool.acquire() as conn, conn.transaction():
        try:
            issued = await sessions.refresh_session(conn, ctx.settings, refresh_token, ctx.viewer.client_address)
        except Refusal as refusal:
            return RefreshSessionPayload(errors=[user_error(refusal)])
    return RefreshSessionPayload(
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        access_token_expires_at=issued.access_expires_at,
    )


async def resolve_logout(info: Info) -> "LogoutPayload":
    from schema.account import LogoutPayload

    session_id = info.context.viewer.session_id
    assert session_id is not None  # HasSession guards the field
    async with info.context.pool.acquire() as conn, conn.transaction():
        return LogoutPayload(ok=await sessions.logout(conn, session_id))


async def resolve_change_password(info: Info, current_password: str, new_password: str) -> "ChangePasswordPayload":
    from schema.account import ChangePasswordPayload

    ctx, viewer = info.context, info.context.viewer
    assert viewer.person_id is not None  # HasSession guards the field
    async with ctx.pool.acquire() as conn, conn.transaction():
        try:
            expires = await accounts.change_password(
                conn,
                ctx.settings,
                person_id=viewer.person_id,
                session_id=viewer.session_id,
                current_password=current_password,
                new_password=new_password,
                address=viewer.client_address,
            )
        except Refusal as refusal:
            return ChangePasswordPayload(errors=[user_error(refusal)])
    return ChangePasswordPayload(ok=True, password_expires_at=expires)


async def resolve_request_otp(
    info: Info, phone: str, purpose: Annotated["OtpPurpose", strawberry.lazy("schema.account")]
) -> "RequestOtpPayload":
    from schema.account import RequestOtpPayload

    ctx = info.context
    async with ctx.pool.acquire() as conn, conn.transaction():
        try:
            sent = await accounts.request_otp(conn, ctx.settings, phone, purpose.value, ctx.viewer.client_address)
        except Refusal as refusal:
            payload = RequestOtpPayload(errors=[user_error(refusal)])
            if refusal.code in (ErrorCode.OTP_RESEND_TOO_SOON, ErrorCode.RATE_LIMITED):
                payload.resend_available_at = refusal.retry_at
            return payload
    return RequestOtpPayload(expires_at=sent.expires_at, resend_available_at=sent.resend_available_at)


async def resolve_reset_password(
    info: Info, social_insurance_code: str, otp: str, new_password: str
) -> "ResetPasswordPayload":
    from schema.account import ResetPasswordPayload

    ctx = info.context
    async with ctx.pool.acquire() as conn, conn.transaction():
        try:
            await accounts.reset_password(
                conn,
                ctx.settings,
                code=social_insurance_code,
                one_time_code=otp,
                new_password=new_password,
                address=ctx.viewer.client_address,
            )
        except Refusal as refusal:
            return ResetPasswordPayload(errors=[user_error(refusal)])
    return ResetPasswordPayload(ok=True)


async def resolve_my_account(info: Info) -> "Account | None":
    from schema.account import Account

    ctx = info.context
    assert ctx.viewer.person_id is not None  # IsSignedIn guards the field
    async with ctx.pool.acquire() as conn:
        row = await sql.account_by_person(conn, ctx.viewer.person_id)
    if row is None:
        return None
    return Account(
        must_change_password=row["must_change_password"],
        password_expires_at=sessions.password_expires_at(ctx.settings, row["password_changed_at"]),
        last_login_at=row["last_login_at"],
    )
