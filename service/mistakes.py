"""A budget for requests that never execute: documents that do not parse, do not validate, break a size limit, or
bring variables that do not fit.

A client built on the contract sends none of these; schema-guessing tools send them by the hundred thousand (each
error message is a hint about the schema). Each caller (a partner key, else the client address) may send
`INVALID_PER_WINDOW` of them per window; past that, each further one is answered RATE_LIMITED (HTTP 429,
Retry-After), without the error that would have said what was wrong. Documents that execute are not affected, so a
careless client behind the same address (mobile carriers put many phones behind one) keeps working.

Counted in PostgreSQL like every budget, so all processes share it; a process remembers the callers it has refused
until their window ends, so a flood of bad documents costs no database write per request.
"""

from __future__ import annotations

import datetime as dt

from graphql import GraphQLError

from auth.viewer import Viewer, ViewerKind
from core.text_ids import TextId
from core.texts import text
from db import throttle
from db.pool import writer_of
from db.throttle import Window
from loaders.context import Context
from resolvers.budgets import rate_limited

WINDOW_SECONDS = 600
INVALID_PER_WINDOW = 100
REMEMBERED = 10_000
MESSAGE = TextId.INVALID_REQUESTS_TOO_MANY


def budget_key(viewer: Viewer) -> str:
    if viewer.kind is ViewerKind.PARTNER and viewer.api_key_id is not None:
        return f"rate:invalid:key:{viewer.api_key_id}"
    return f"rate:invalid:address:{viewer.client_address or 'unknown'}"


class InvalidRequestBudget:
    def __init__(self) -> None:
        self._refused: dict[str, Window] = {}  # callers over budget, until their window ends

    async def spend(self, context: Context) -> GraphQLError | None:
        """Count one request that did not execute; the refusal to answer instead once the caller is over budget."""
        key = budget_key(context.viewer)
        window = self._refused.get(key)
        if window is not None and window.resets_at <= dt.datetime.now(dt.UTC):
            del self._refused[key]
            window = None
        if window is None:
            # On the request's own connection (taken already for the viewer when credentials were sent): one
            # autocommit statement, and no second connection per request when bad documents arrive in parallel.
            # On the primary when the request reads on a replica.
            async with writer_of(context.connection).acquire() as conn:
                window = await throttle.hit(conn, key, WINDOW_SECONDS)
            if window.count <= INVALID_PER_WINDOW:
                return None
            self._remember(key, window)
        context.response.status_code = 429
        return rate_limited(context.response.headers, window, text(MESSAGE))

    def _remember(self, key: str, window: Window) -> None:
        if len(self._refused) >= REMEMBERED:  # many callers at once: forget the ended windows, or start afresh
            now = dt.datetime.now(dt.UTC)
            self._refused = {k: w for k, w in self._refused.items() if w.resets_at > now}
            if len(self._refused) >= REMEMBERED:
                self._refused.clear()  # the counts stay in the database; only the shortcut is lost
        self._refused[key] = window
