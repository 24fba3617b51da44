"""Budgets a caller spends (rate limits, look-up budgets): how they are announced and how a refusal reads.

Every budget answers the same way: `X-RateLimit-Limit` and `X-RateLimit-Remaining` on each counted answer, and
beyond it RATE_LIMITED with `retryAfterSeconds` and a `Retry-After` header.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders

from core.errors import ApiError, ErrorCode
from core.texts import Text
from db.throttle import Window


def announce(headers: MutableHeaders, limit: int, used: int) -> None:
    headers["X-RateLimit-Limit"] = str(limit)
    headers["X-RateLimit-Remaining"] = str(max(0, limit - used))


def rate_limited(headers: MutableHeaders, window: Window, message: Text) -> ApiError:
    """The error to answer once `window` is spent; the caller is told when it ends."""
    retry_after = window.retry_after()
    headers["Retry-After"] = str(retry_after)
    return ApiError(ErrorCode.RATE_LIMITED, message, retryAfterSeconds=retry_after)
