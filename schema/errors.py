"""The one error shape: typed payload errors for expected mutation failures, coded GraphQL errors for fields."""

from __future__ import annotations

import enum
from typing import Any

import strawberry
from graphql import GraphQLError


@strawberry.enum(description="Stable, upper-case error codes. Clients branch on these, never on message text.")
class ErrorCode(enum.Enum):
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_ID = "INVALID_ID"
    INVALID_CURSOR = "INVALID_CURSOR"
    NOT_FOUND = "NOT_FOUND"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    ACCOUNT_DISABLED = "ACCOUNT_DISABLED"
    PASSWORD_CHANGE_REQUIRED = "PASSWORD_CHANGE_REQUIRED"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    PASSWORD_REUSED = "PASSWORD_REUSED"
    OTP_INVALID = "OTP_INVALID"
    OTP_EXPIRED = "OTP_EXPIRED"
    OTP_TOO_MANY_ATTEMPTS = "OTP_TOO_MANY_ATTEMPTS"
    OTP_RESEND_TOO_SOON = "OTP_RESEND_TOO_SOON"
    REFRESH_TOKEN_INVALID = "REFRESH_TOKEN_INVALID"
    REGISTRATION_MISMATCH = "REGISTRATION_MISMATCH"
    ALREADY_REGISTERED = "ALREADY_REGISTERED"
    UNKNOWN_AGENCY = "UNKNOWN_AGENCY"
    ALREADY_DECIDED = "ALREADY_DECIDED"
    RATE_LIMITED = "RATE_LIMITED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_ERROR = "INTERNAL_ERROR"


@strawberry.type(description="An expected failure of a mutation, returned as data.")
class UserError:
    code: ErrorCode
    message: str
    field: str | None = strawberry.field(default=None, description="The argument or input field at fault, if one is.")


class ApiError(GraphQLError):
    """A field-level error with a stable `extensions.code`; the field becomes null, the rest of the response stays."""

    def __init__(self, code: ErrorCode, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": code.value, **extensions})
        self.code = code
