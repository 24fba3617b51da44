"""Request policy is read from the declarations on the fields: a new root field needs nothing else."""

from __future__ import annotations

from dataclasses import replace

import strawberry

from core.policy import CREDENTIALS, LIST_PAGES, PRIVATE, PUBLIC_DIRECTORY, PageSizes
from service.documents import GuardedSchema
from service.policy import read_policy
from service.schema import schema


@strawberry.type
class Thing:
    code: str


THINGS = replace(PUBLIC_DIRECTORY, pages=PageSizes(maximum=50, partner_maximum=500))


def _things(first: int | None = None) -> list[Thing]:
    return []


def _check(secret: str) -> bool:
    return False


@strawberry.type
class Query:
    things: list[Thing] = strawberry.field(resolver=_things, metadata=THINGS.metadata())
    check: bool = strawberry.field(resolver=_check, metadata=CREDENTIALS.metadata())
    mine: list[Thing] = strawberry.field(resolver=_things, metadata=PRIVATE.metadata())


def test_a_new_public_field_is_cached_rate_limited_and_priced_by_its_declaration_alone() -> None:
    # given a schema whose only knowledge of `things` is the policy declared on the field
    policy = read_policy(GuardedSchema(query=Query)._schema)

    # then the pipeline caches it, counts it against the directory budget and prices its page at the ceiling
    assert policy.cache_max_age(frozenset({"things"})) == PUBLIC_DIRECTORY.cache_max_age
    assert policy.rate_limits(frozenset({"things"})) == {"directory"}
    assert policy.page_ceilings["things"] == 500
    # and a credential check or a private field in the same operation makes the answer uncacheable
    assert policy.checks_credentials("check") and not policy.checks_credentials("things")
    assert policy.cache_max_age(frozenset({"things", "mine"})) is None
    assert policy.rate_limits(frozenset({"mine"})) == frozenset()


def test_the_served_schema_reads_its_lists_from_their_declarations() -> None:
    assert schema.policy.page_ceilings["facilities"] == schema.policy.page_ceilings["employers"] == 1000
    assert schema.policy.page_ceilings["benefits"] == LIST_PAGES.maximum
    assert schema.policy.cache_max_age(frozenset({"facilities", "provinces"})) == PUBLIC_DIRECTORY.cache_max_age
    assert schema.policy.cache_max_age(frozenset({"facilities", "me"})) is None
    assert {name for name, p in schema.policy.root.items() if p.checks_credentials} == {
        "login", "refreshSession", "changePassword", "requestOtp", "resetPassword", "submitRegistration",
        "lookupSocialInsuranceCode", "verifyInsuranceCard",
    }  # fmt: skip
