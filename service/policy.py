"""The request policy of the built schema, read once from the fields' declarations (core/policy.py).

The pre-validation checks (service/limits.py) see field names only, so per-name values are the largest any type
declares for that name: a page or list is never priced below what it can return.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLField, GraphQLObjectType, GraphQLSchema
from strawberry.schema.schema_converter import GraphQLCoreConverter

from core.policy import LIST_PAGES, POLICY, FieldPolicy

# Strawberry keeps each field's definition (and so its metadata) on the graphql-core field under this key.
DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF


def field_policy(field: GraphQLField) -> FieldPolicy | None:
    definition = (field.extensions or {}).get(DEFINITION)
    policy = getattr(definition, "metadata", {}).get(POLICY) if definition is not None else None
    return policy if isinstance(policy, FieldPolicy) else None


@dataclass(frozen=True, slots=True)
class SchemaPolicy:
    # Root field name -> its declared policy (every root field declares one: tests/test_schema.py checks).
    root: dict[str, FieldPolicy]
    # Field name -> the most items one page or list of that name can hold, on any type.
    page_ceilings: dict[str, int]
    list_sizes: dict[str, int]

    def cache_max_age(self, root_fields: frozenset[str]) -> int | None:
        """Seconds an answer selecting exactly these root fields may be cached publicly; None: not at all."""
        ages = [self.root[name].cache_max_age if name in self.root else None for name in root_fields]
        if not ages or any(age is None for age in ages):
            return None
        return min(age for age in ages if age is not None)

    def rate_limits(self, root_fields: frozenset[str]) -> frozenset[str]:
        """The budgets an operation selecting these root fields spends."""
        return frozenset(p.rate_limit for name in root_fields if (p := self.root.get(name)) and p.rate_limit)

    def checks_credentials(self, name: str) -> bool:
        policy = self.root.get(name)
        return policy is not None and policy.checks_credentials


def read_policy(schema: GraphQLSchema) -> SchemaPolicy:
    root: dict[str, FieldPolicy] = {}
    for root_type in (schema.query_type, schema.mutation_type):
        for name, field in (root_type.fields if root_type else {}).items():
            policy = field_policy(field)
            if policy is not None:
                root[name] = policy
    page_ceilings: dict[str, int] = {}
    list_sizes: dict[str, int] = {}
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            policy = field_policy(field)
            if "first" in field.args:
                pages = policy.pages if policy is not None and policy.pages is not None else LIST_PAGES
                page_ceilings[name] = max(page_ceilings.get(name, 0), pages.ceiling)
            if policy is not None and policy.list_size is not None:
                list_sizes[name] = max(list_sizes.get(name, 0), policy.list_size)
    return SchemaPolicy(root=root, page_ceilings=page_ceilings, list_sizes=list_sizes)


def root_fields_without_policy(schema: GraphQLSchema) -> list[str]:
    """`Type.field` of every root field that declares no policy (a test keeps this empty)."""
    return [
        f"{root_type.name}.{name}"
        for root_type in (schema.query_type, schema.mutation_type)
        if root_type is not None
        for name, field in root_type.fields.items()
        if field_policy(field) is None
    ]
