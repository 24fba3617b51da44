"""An expected refusal of an account operation: it becomes a typed payload error, never a stack trace."""

from __future__ import annotations

import datetime as dt

from core.errors import ErrorCode
from core.texts import Text


class Refusal(Exception):  # noqa: N818 - an expected outcome carried as data, not a fault
    """Raised by auth/ business rules; resolvers turn it into `errors { code message field }` (the message rendered
    then, in the request's language).

    Raise it only before writes that should not survive, or after writes that must (a counted failure):
    the resolver still commits the transaction, so throttling counters and burnt OTP attempts persist.
    """

    def __init__(
        self, code: ErrorCode, message: Text, field: str | None = None, *, retry_at: dt.datetime | None = None
    ) -> None:
        super().__init__(message.id.value)
        self.code = code
        self.message = message
        self.field = field
        self.retry_at = retry_at
