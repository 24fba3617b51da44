"""Accounts and sessions: log in, refresh, log out, change or reset the password, one-time codes."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from auth.permissions import HasSession, IsSignedIn
from resolvers import accounts as resolvers
from schema.errors import UserError


@strawberry.enum(description="What a one-time code sent by SMS is for.")
class OtpPurpose(enum.Enum):
    REGISTRATION = "REGISTRATION"
    PASSWORD_RESET = "PASSWORD_RESET"


@strawberry.type
class LoginPayload:
    access_token: str | None = strawberry.field(default=None, description="Send as `Authorization: Bearer`.")
    refresh_token: str | None = strawberry.field(default=None, description="Single use: `refreshSession` rotates it.")
    access_token_expires_at: dt.datetime | None = None
    must_change_password: bool | None = strawberry.field(
        default=None,
        description="The password is temporary or expired: this session may only `changePassword` (and `logout`).",
    )
    password_expires_at: dt.datetime | None = strawberry.field(
        default=None, description="Warn ahead: after this, login only allows changing the password."
    )
    locked_until: dt.datetime | None = strawberry.field(
        default=None, description="With ACCOUNT_LOCKED (or the failure that caused it): when to try again."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RefreshSessionPayload:
    access_token: str | None = None
    refresh_token: str | None = None
    access_token_expires_at: dt.datetime | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LogoutPayload:
    ok: bool


@strawberry.type
class ChangePasswordPayload:
    ok: bool = False
    password_expires_at: dt.datetime | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RequestOtpPayload:
    expires_at: dt.datetime | None = None
    resend_available_at: dt.datetime | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ResetPasswordPayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="The signed-in person's own account.")
class Account:
    must_change_password: bool
    password_expires_at: dt.datetime
    last_login_at: dt.datetime | None


@strawberry.type
class AccountQuery:
    my_account: Account | None = strawberry.field(
        resolver=resolvers.resolve_my_account, permission_classes=[IsSignedIn]
    )


@strawberry.type
class AccountMutation:
    login: LoginPayload = strawberry.mutation(
        resolver=resolvers.resolve_login, description="Log in with the 10-digit social insurance code and password."
    )
    refresh_session: RefreshSessionPayload = strawberry.mutation(resolver=resolvers.resolve_refresh_session)
    logout: LogoutPayload = strawberry.mutation(resolver=resolvers.resolve_logout, permission_classes=[HasSession])
    change_password: ChangePasswordPayload = strawberry.mutation(
        resolver=resolvers.resolve_change_password,
        permission_classes=[HasSession],
        description="Works with a password-change-only session; ends every other session.",
    )
    request_otp: RequestOtpPayload = strawberry.mutation(
        resolver=resolvers.resolve_request_otp, description="Send a 6-digit code by SMS; the answer never contains it."
    )
    reset_password: ResetPasswordPayload = strawberry.mutation(
        resolver=resolvers.resolve_reset_password, description="Ends every session of the account."
    )
