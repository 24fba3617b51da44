"""Accounts and sessions: log in, refresh, log out, change or reset the password, one-time codes."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

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
