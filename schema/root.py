"""The one GraphQL schema. Each domain module contributes its root fields; this module only assembles them."""

from __future__ import annotations

from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from schema.account import AccountMutation, AccountQuery
from schema.card_check import CardCheckQuery
from schema.directory import DirectoryQuery
from schema.employer import EmployerQuery
from schema.lookup import LookupQuery
from schema.node_query import NodeQuery
from schema.person import PersonQuery
from schema.province import ProvinceQuery
from schema.registration import RegistrationMutation, RegistrationQuery
from schema.scalars import SCALAR_MAP
from schema.support import SupportQuery
from service.caching import CachePolicy
from service.documents import GuardDocument, GuardedSchema
from service.graphql import mask_errors
from service.observability import ObserveOperation
from service.ratelimit import DirectoryRateLimit

QUERY_TYPES: tuple[type, ...] = (
    ProvinceQuery,
    AccountQuery, RegistrationQuery,
    PersonQuery,
    NodeQuery,
    DirectoryQuery, EmployerQuery, LookupQuery, CardCheckQuery, SupportQuery,
)
MUTATION_TYPES: tuple[type, ...] = (AccountMutation, RegistrationMutation)

Query = merge_types("Query", QUERY_TYPES)
Mutation = merge_types("Mutation", MUTATION_TYPES) if MUTATION_TYPES else None

schema = GuardedSchema(
    query=Query,
    mutation=Mutation,
    # Every hook here runs once per operation; none wraps field resolution (no `resolve` hook).
    extensions=[mask_errors, GuardDocument, DirectoryRateLimit, CachePolicy, ObserveOperation],
    config=StrawberryConfig(scalar_map=SCALAR_MAP),
)
