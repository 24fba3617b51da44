"""One way to run a mutation: one transaction on a connection of its own; an expected refusal is data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from auth.refusal import Refusal
from core.text_ids import TextId
from core.texts import Moment, text
from loaders.context import Info
from schema.errors import UserError

T = TypeVar("T")


async def run_mutation(info: Info, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T | Refusal:
    """`work(conn)` in one transaction. A Refusal it raises comes back as the value, and the transaction still
    commits what was written before it (a counted failure, a burnt OTP attempt); any other error rolls it back."""
    async with info.context.database.acquire() as conn, conn.transaction():
        try:
            return await work(conn)
        except Refusal as refusal:
            return refusal


def user_error(refusal: Refusal) -> UserError:
    """The payload error of a refusal, its message in the request's language."""
    message = refusal.message
    if refusal.retry_at is not None:
        message = text(TextId.RETRY_AFTER, message=message, at=Moment(refusal.retry_at))
    return UserError(code=refusal.code, message=message.render(), field=refusal.field)
