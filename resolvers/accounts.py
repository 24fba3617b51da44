"""Accounts and sessions: `myAccount`, and the mutations to log in, refresh, log out, change or reset the password
and ask for a one-time code. Each mutation owns one transaction (run_mutation); refusals become payload errors."""

from __future__ import annotations

import strawberry

from auth import accounts, sessions
from auth.permissions import HasSession, IsSignedIn
from auth.refusal import Refusal
from core.errors import ErrorCode, ServiceUnavailable
from core.policy import CREDENTIALS, PRIVATE
from db import accounts as sql
from loaders.context import Info
from resolvers.mutation import run_mutation, user_error
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


@strawberry.type
class AccountQuery:
    @strawberry.field(permission_classes=[IsSignedIn], metadata=PRIVATE.metadata())
    async def my_account(self, info: Info) -> Account | None:
        ctx = info.context
        assert ctx.viewer.person_id is not None  # IsSignedIn guards the field
        async with ctx.connection.acquire() as conn:
            row = await sql.account_by_person(conn, ctx.viewer.person_id)
        if row is None:
            return None
        return Account(
            must_change_password=row["must_change_password"],
            password_expires_at=sessions.password_expires_at(ctx.settings, row["password_changed_at"]),
            last_login_at=row["last_login_at"],
        )


@strawberry.type
class AccountMutation:
    @strawberry.mutation(
        description="Log in with the 10-digit social insurance code and password.", metadata=CREDENTIALS.metadata()
    )
    async def login(self, info: Info, social_insurance_code: str, password: str) -> LoginPayload:
        ctx, address = info.context, info.context.viewer.client_address
        # Three transactions, so that no pooled connection waits on argon2 (deliberately slow) in between.
        attempt = await run_mutation(
            info, lambda conn: accounts.begin_login(conn, social_insurance_code, password, address)
        )
        if isinstance(attempt, Refusal):
            return LoginPayload(errors=[user_error(attempt)], locked_until=attempt.retry_at)
        try:
            checked = await accounts.check_password(attempt, password)
        except ServiceUnavailable:
            # Shed before the password was checked: an overloaded service must not lock the owner out.
            await run_mutation(info, lambda conn: accounts.withdraw_login(conn, attempt))
            raise
        result = await run_mutation(info, lambda conn: accounts.finish_login(conn, ctx.settings, checked))
        if isinstance(result, Refusal):  # the counted failure is committed
            return LoginPayload(errors=[user_error(result)], locked_until=result.retry_at)
        return LoginPayload(
            access_token=result.session.access_token,
            refresh_token=result.session.refresh_token,
            access_token_expires_at=result.session.access_expires_at,
            must_change_password=result.must_change_password,
            password_expires_at=result.password_expires_at,
        )

    @strawberry.mutation(metadata=CREDENTIALS.metadata())
    async def refresh_session(self, info: Info, refresh_token: str) -> RefreshSessionPayload:
        ctx = info.context
        issued = await run_mutation(
            info, lambda conn: sessions.refresh_session(conn, ctx.settings, refresh_token, ctx.viewer.client_address)
        )
        if isinstance(issued, Refusal):
            return RefreshSessionPayload(errors=[user_error(issued)])
        return RefreshSessionPayload(
            access_token=issued.access_token,
            refresh_token=issued.refresh_token,
            access_token_expires_at=issued.access_expires_at,
        )

    @strawberry.mutation(permission_classes=[HasSession], metadata=PRIVATE.metadata())
    async def logout(self, info: Info) -> LogoutPayload:
        viewer = info.context.viewer
        session_id, person_id = viewer.session_id, viewer.person_id
        assert session_id is not None and person_id is not None  # HasSession guards the field
        ended = await run_mutation(info, lambda conn: sessions.logout(conn, person_id, session_id))
        return LogoutPayload(ok=ended is True)

    @strawberry.mutation(
        permission_classes=[HasSession],
        description="Works with a password-change-only session; ends every other session.",
        metadata=CREDENTIALS.metadata(),
    )
    async def change_password(self, info: Info, current_password: str, new_password: str) -> ChangePasswordPayload:
        ctx, viewer = info.context, info.context.viewer
        person_id = viewer.person_id
        assert person_id is not None  # HasSession guards the field
        expires = await run_mutation(
            info,
            lambda conn: accounts.change_password(
                conn,
                ctx.settings,
                person_id=person_id,
                session_id=viewer.session_id,
                current_password=current_password,
                new_password=new_password,
                address=viewer.client_address,
            ),
        )
        if isinstance(expires, Refusal):
            return ChangePasswordPayload(errors=[user_error(expires)])
        return ChangePasswordPayload(ok=True, password_expires_at=expires)

    @strawberry.mutation(
        description="Send a 6-digit code by SMS; the answer never contains it.", metadata=CREDENTIALS.metadata()
    )
    async def request_otp(self, info: Info, phone: str, purpose: OtpPurpose) -> RequestOtpPayload:
        ctx = info.context
        sent = await run_mutation(
            info,
            lambda conn: accounts.request_otp(conn, ctx.settings, phone, purpose.value, ctx.viewer.client_address),
        )
        if isinstance(sent, Refusal):
            payload = RequestOtpPayload(errors=[user_error(sent)])
            if sent.code in (ErrorCode.OTP_RESEND_TOO_SOON, ErrorCode.RATE_LIMITED):
                payload.resend_available_at = sent.retry_at
            return payload
        return RequestOtpPayload(expires_at=sent.expires_at, resend_available_at=sent.resend_available_at)

    @strawberry.mutation(description="Ends every session of the account.", metadata=CREDENTIALS.metadata())
    async def reset_password(
        self, info: Info, social_insurance_code: str, otp: str, new_password: str
    ) -> ResetPasswordPayload:
        ctx = info.context
        done = await run_mutation(
            info,
            lambda conn: accounts.reset_password(
                conn,
                ctx.settings,
                code=social_insurance_code,
                one_time_code=otp,
                new_password=new_password,
                address=ctx.viewer.client_address,
            ),
        )
        if isinstance(done, Refusal):
            return ResetPasswordPayload(errors=[user_error(done)])
        return ResetPasswordPayload(ok=True)
