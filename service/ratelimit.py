"""Request rate limits for the public directory (root fields that declare the "directory" budget), counted in
PostgreSQL so every service process shares them.

Anonymous callers are counted per client address at a modest rate; a partner key with directory:read is counted
per key at a higher one. The limit and what remains travel in X-RateLimit-* headers; over the limit, the
operation answers RATE_LIMITED with extensions.retryAfterSeconds and a Retry-After header, and does not run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from graphql import ExecutionResult
from strawberry.extensions import SchemaExtension

from auth.viewer import Viewer, ViewerKind
from core.policy import DIRECTORY_SCOPE
from core.text_ids import TextId
from core.texts import text
from db import throttle
from resolvers.budgets import announce, rate_limited
from service.caching import root_field_names
from service.documents import GuardedSchema

WINDOW_SECONDS = 60
PUBLIC_REQUESTS_PER_WINDOW = 120
PARTNER_REQUESTS_PER_WINDOW = 1200


@dataclass(frozen=True, slots=True)
class Quota:
    key: str
    limit: int


def quota_for(viewer: Viewer) -> Quota:
    if viewer.kind is ViewerKind.PARTNER and DIRECTORY_SCOPE in viewer.scopes:
        return Quota(f"rate:directory:key:{viewer.api_key_id}", PARTNER_REQUESTS_PER_WINDOW)
    return Quota(f"rate:directory:address:{viewer.client_address or 'unknown'}", PUBLIC_REQUESTS_PER_WINDOW)


class DirectoryRateLimit(SchemaExtension):
    """Counts one hit per operation that selects any root field declaring the directory budget, before it runs."""

    async def on_execute(self) -> AsyncIterator[None]:
        schema = self.execution_context.schema
        if isinstance(schema, GuardedSchema) and schema.policy.rate_limits(root_field_names(self.execution_context)):
            await self._count()
        yield

    async def _count(self) -> None:
        context = self.execution_context.context
        quota = quota_for(context.viewer)
        async with context.database.acquire() as conn:
            window = await throttle.hit(conn, quota.key, WINDOW_SECONDS)
        headers = context.response.headers
        announce(headers, quota.limit, window.count)
        if window.count > quota.limit:
            context.response.status_code = 429
            error = rate_limited(headers, window, text(TextId.REQUESTS_TOO_MANY))
            # A result set before execution makes Strawberry skip executing the operation.
            self.execution_context.result = ExecutionResult(data=None, errors=[error])
