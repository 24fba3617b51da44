"""The error for work the service cannot do right now: the database is away, or the service sheds load.

It is an ApiError (extensions.code SERVICE_UNAVAILABLE, plus `reason` and `retryAfterSeconds`), so a resolver that
meets it answers a clear, coded field error; the request middleware turns the HTTP status into 503 with Retry-After.
"""

from __future__ import annotations

import enum

from schema.errors import ApiError, ErrorCode


class UnavailableReason(enum.Enum):
    # The database refused or dropped the connection (stopped, restarting, unreachable).
    DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"
    # Every pooled connection stayed busy for the whole acquire timeout, or password hashing is full.
    OVERLOADED = "OVERLOADED"


MESSAGES = {
    UnavailableReason.DATABASE_UNAVAILABLE: "the service cannot reach its database right now; retry shortly",
    UnavailableReason.OVERLOADED: "the service is busy; retry shortly",
}


class ServiceUnavailable(ApiError):  # noqa: N818 - named like its code, SERVICE_UNAVAILABLE
    def __init__(self, reason: UnavailableReason, retry_after_seconds: int = 1) -> None:
        super().__init__(
            ErrorCode.SERVICE_UNAVAILABLE, MESSAGES[reason], reason=reason.value, retryAfterSeconds=retry_after_seconds
        )
        self.reason = reason
        self.retry_after_seconds = retry_after_seconds
