"""The one GraphQL schema, as served: the root types of resolvers/ with the request pipeline's extensions."""

from __future__ import annotations

from strawberry.schema.config import StrawberryConfig

from resolvers.root import Mutation, Query, Subscription
from schema.scalars import SCALAR_MAP
from service.caching import CachePolicy
from service.documents import GuardDocument, GuardedSchema, mask_errors
from service.observability import ObserveOperation
from service.planned import PlannedExecutionContext
from service.ratelimit import DirectoryRateLimit

schema = GuardedSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    # Every hook here runs once per operation; none wraps field resolution (no `resolve` hook).
    extensions=[mask_errors, GuardDocument, DirectoryRateLimit, CachePolicy, ObserveOperation],
    config=StrawberryConfig(scalar_map=SCALAR_MAP),
    # The answer's size bounded while it is built (service/execution.py); plain leaves read directly (planned.py).
    execution_context_class=PlannedExecutionContext,
)
