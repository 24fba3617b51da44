"""Abuse limits: checked on the parsed document before anything runs; every contract document stays within them."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
import strawberry
from graphql import get_introspection_query
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from core.settings import Settings
from db.reference import ward_rows
from service import documents, limits
from service.documents import GuardDocument, GuardedSchema, mask_errors
from service.graphql import GraphQLApp
from service.observability import RequestObservation
from service.schema import schema
from tests.clients import asgi_client
from tests.graphql import CONTRACT_DIR, error_codes, gql

LOGIN = 'login(socialInsuranceCode: "0190000001", password: "wrong-password") { accessToken }'


def limit_of(result: dict[str, object]) -> set[str]:
    errors = result.get("errors") or []
    assert isinstance(errors, list)
    return {e["extensions"]["limit"] for e in errors if e["extensions"].get("code") == "QUERY_LIMIT_EXCEEDED"}


def nested(depth: int) -> str:
    return "{ " + "me { " * depth + "id" + " }" * depth + " }"


@pytest.mark.parametrize("path", sorted(CONTRACT_DIR.glob("*/*.graphql")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_contract_document_passes_every_limit_and_validation(path: Path) -> None:
    prepared = schema.documents.prepare(path.read_text(encoding="utf-8"))
    assert prepared.errors == ()


def test_the_introspection_query_of_graphiql_passes() -> None:
    query = get_introspection_query(descriptions=True, specified_by_url=True, directive_is_repeatable=True)
    assert schema.documents.prepare(query).errors == ()


async def test_a_hundred_aliased_logins_run_none(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    document = "mutation { " + " ".join(f"a{i}: {LOGIN}" for i in range(100)) + " }"
    result = await gql(client, document)
    # refused while parsing already (it is over the token limit too)
    assert result["data"] is None and limit_of(result) == {"tokens"}
    few = await gql(client, "mutation { " + " ".join(f"a{i}: {LOGIN}" for i in range(5)) + " }")
    assert few["data"] is None and limit_of(few) == {"credentialFields"}
    # no attempt reached the account or its throttle counters; only the budget of requests that never execute counted
    assert await db.fetchval("select failed_attempts from accounts a join people p on p.id = a.person_id "
                             "where p.social_insurance_code = '0190000001'") == 0
    counters = await db.fetch("select key, count from throttle_counters")
    assert [(r["key"].split(":")[1], r["count"]) for r in counters] == [("invalid", 2)]


async def test_two_credential_fields_in_one_operation_are_refused(shared_client: httpx.AsyncClient) -> None:
    # Without aliases, and through fragments: each occurrence counts as one attempt.
    documents = [
        'mutation { ' + LOGIN + ' requestOtp(phone: "0989000005", purpose: REGISTRATION) { errors { code } } }',
        "mutation { ...L ...L } fragment L on Mutation { " + LOGIN + " }",
        'query { lookupSocialInsuranceCode(input: {fullName: "A", dateOfBirth: "1990-01-01", provinceCode: "01", '
        'nationalIdNumber: "001090000001"}) { found } verifyInsuranceCard(cardNumber: "0190000001", fullName: "A", '
        'dateOfBirth: "1990-01-01") { valid } }',
    ]
    for document in documents:
        result = await gql(shared_client, document)
        assert result["data"] is None and limit_of(result) == {"credentialFields"}, document


async def test_a_depth_50_query_is_refused(shared_client: httpx.AsyncClient) -> None:
    result = await gql(shared_client, nested(50))
    assert result["data"] is None and limit_of(result) == {"depth"}
    # and just within the limit the same shape reaches validation instead
    assert limit_of(await gql(shared_client, nested(limits.MAX_DEPTH - 1))) == set()


async def test_very_deep_nesting_is_refused_without_blowing_the_stack(shared_client: httpx.AsyncClient) -> None:
    for depth in (100, 300):  # past our walk's give-up point, and past the parser's own
        result = await gql(shared_client, nested(depth))
        assert result["data"] is None and limit_of(result) == {"depth"}


async def test_circular_fragments_are_refused_by_validation(shared_client: httpx.AsyncClient) -> None:
    document = "query { ...A } fragment A on Query { provinces { code } ...B } fragment B on Query { ...A }"
    result = await gql(shared_client, document)
    assert result["data"] is None and "GRAPHQL_VALIDATION_FAILED" in error_codes(result)


async def test_a_fragment_bomb_is_priced_by_its_expansion(shared_client: httpx.AsyncClient) -> None:
    # F20 expands to 2^20 copies of `provinces`: cheap to write, and counted as what it would cost to run.
    fragments = ["fragment F0 on Query { provinces { code } }"]
    fragments += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 21)]
    result = await gql(shared_client, "query { ...F20 } " + " ".join(fragments))
    assert result["data"] is None and limit_of(result) == {"cost"}


async def test_connections_cost_by_their_page_size(shared_client: httpx.AsyncClient) -> None:
    page = "edges { node { code name address kind level bhytContracted updatedAt } } pageInfo { hasNextPage }"
    costly = "query { " + " ".join(f"p{i}: facilities(first: 1000) {{ {page} }}" for i in range(5)) + " }"
    result = await gql(shared_client, costly)
    assert result["data"] is None and limit_of(result) == {"cost"}
    cheap = "query { " + " ".join(f"p{i}: facilities(first: 5) {{ {page} }}" for i in range(4)) + " }"
    assert "errors" not in await gql(shared_client, cheap)


async def test_plain_lists_cost_by_their_length(shared_client: httpx.AsyncClient) -> None:
    # Found by the fuzzer: 55 characters that loaded every ward of a province for every ward of the country.
    cyclic = "{ provinces { wards { province { wards { name } } } } }"
    result = await gql(shared_client, cyclic)
    assert result["data"] is None and limit_of(result) == {"cost"}
    assert "errors" not in await gql(shared_client, "{ provinces { code name wards { code name province { code } } } }")


def test_list_sizes_cover_the_reference_data() -> None:
    wards_per_province = Counter(province for _, province, _ in ward_rows())
    assert schema.policy.list_sizes["provinces"] == len(wards_per_province)
    assert schema.policy.list_sizes["wards"] == max(wards_per_province.values())


def test_a_page_size_variable_costs_its_default_or_the_ceiling() -> None:
    page = "{ edges { node { code name } } }"
    by_default = schema.documents.prepare(f"query Q($n: Int = 2) {{ facilities(first: $n) {page} }}").shape
    unbounded = schema.documents.prepare(f"query Q($n: Int) {{ facilities(first: $n) {page} }}").shape
    assert by_default is not None and unbounded is not None
    # two nodes of two fields, against a thousand
    assert by_default.operations[0].cost < 10
    assert unbounded.operations[0].cost > 1000


@pytest.mark.parametrize("field", ["facilities", "employers"])
def test_a_list_is_priced_at_the_largest_page_any_caller_may_ask(field: str) -> None:
    # given a list whose page a partner key may make 1,000 long (its declared page sizes)
    shape = schema.documents.prepare(f"query Q($n: Int) {{ {field}(first: $n) {{ edges {{ node {{ name }} }} }} }}")
    assert shape.shape is not None
    # then the cost check prices an unknown page size at that ceiling, not at the anonymous 100
    assert shape.shape.operations[0].cost > 1000
    assert schema.policy.page_ceilings[field] == 1000


def test_mutations_cost_more_than_queries() -> None:
    mutation = schema.documents.prepare("mutation { logout { ok } }").shape
    query = schema.documents.prepare("query { support { hotline } }").shape
    assert mutation is not None and query is not None
    assert mutation.operations[0].cost >= limits.MUTATION_FIELD_COST > query.operations[0].cost


async def test_too_many_tokens_are_refused_while_parsing(shared_client: httpx.AsyncClient) -> None:
    result = await gql(shared_client, "{ " + "a " * limits.MAX_TOKENS + "}")
    assert result["data"] is None and limit_of(result) == {"tokens"}


async def test_too_long_a_document_is_refused(shared_client: httpx.AsyncClient) -> None:
    result = await gql(shared_client, "# " + "x" * limits.MAX_QUERY_LENGTH + "\n{ __typename }")
    assert result["data"] is None and limit_of(result) == {"length"}


async def test_too_many_directives_are_refused(shared_client: httpx.AsyncClient) -> None:
    document = "{ " + "__typename @include(if: true) " * (limits.MAX_DIRECTIVES + 1) + "}"
    result = await gql(shared_client, document)
    assert result["data"] is None and limit_of(result) == {"directives"}
    within = "{ " + "__typename @include(if: true) " * limits.MAX_DIRECTIVES + "}"
    assert (await gql(shared_client, within))["data"] == {"__typename": "Query"}


async def test_repeated_and_many_mistakes_give_a_bounded_number_of_errors(shared_client: httpx.AsyncClient) -> None:
    # directive overloading: one unknown directive repeated up to the directive limit is answered once per mistake
    overloaded = await gql(shared_client, "{ __typename " + "@aa " * limits.MAX_DIRECTIVES + "}")
    messages = [e["message"] for e in overloaded["errors"]]
    assert overloaded["data"] is None and 1 <= len(messages) <= 2 and len(set(messages)) == len(messages)
    assert set(error_codes(overloaded)) == {"GRAPHQL_VALIDATION_FAILED"}
    # many different mistakes: validation stops after its limit (and says so)
    unknown = "{ " + " ".join(f"f{i}: unknown{i}" for i in range(limits.MAX_ALIASES)) + " }"
    many = await gql(shared_client, unknown)
    assert many["data"] is None and len(many["errors"]) <= documents.MAX_VALIDATION_ERRORS + 1


async def test_too_many_aliases_are_refused(shared_client: httpx.AsyncClient) -> None:
    aliases = " ".join(f"a{i}: __typename" for i in range(limits.MAX_ALIASES + 1))
    result = await gql(shared_client, "{ " + aliases + " }")
    assert result["data"] is None and limit_of(result) == {"aliases"}


async def test_circular_introspection_is_refused(shared_client: httpx.AsyncClient) -> None:
    chain = "fields { type { " * 10
    result = await gql(shared_client, "{ __schema { types { " + chain + "name" + " } }" * 10 + " } } }")
    assert result["data"] is None and limit_of(result) == {"introspectionDepth"}


async def test_a_body_over_the_limit_is_refused_with_413(
    shared_client: httpx.AsyncClient, shared_settings: Settings
) -> None:
    padding = "x" * (10 * 1024 * 1024)
    response = await shared_client.post("/graphql", json={"query": "{ __typename }", "variables": {"pad": padding}})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
    assert response.headers["cache-control"] == "no-store"


async def test_a_streamed_body_is_not_read_past_the_limit(
    shared_client: httpx.AsyncClient, shared_settings: Settings
) -> None:
    # Chunked, with no Content-Length: the service stops reading once the limit is passed.
    chunk = b" " * 65536
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(160):  # 10 MiB
            sent += 1
            yield chunk

    response = await shared_client.post("/graphql", content=body(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert sent * len(chunk) <= shared_settings.max_body_bytes + 2 * len(chunk) < 160 * len(chunk)


@strawberry.type
class SlowQuery:
    @strawberry.field
    async def slow(self) -> str:
        await asyncio.sleep(30)
        return "late"

    @strawberry.field
    def broken(self) -> str:
        raise RuntimeError("secret internals: relation people")


@pytest.fixture
async def slow_app_client(shared_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A small schema with a slow and a broken field, served by our view and the request middleware."""
    slow_schema = GuardedSchema(query=SlowQuery, extensions=[mask_errors, GuardDocument])
    quick = dataclasses.replace(shared_settings, request_timeout_seconds=0.05)
    app = Starlette(
        routes=[Route("/graphql", GraphQLApp(slow_schema, quick), methods=["GET", "POST"])],
        middleware=[Middleware(RequestObservation)],
    )
    app.state.database = None  # anonymous requests never touch it
    async with asgi_client(app) as http:
        yield http


async def test_a_request_past_its_deadline_answers_timeout(slow_app_client: httpx.AsyncClient) -> None:
    response = await slow_app_client.post("/graphql", json={"query": "{ slow }"})
    assert response.status_code == 504
    assert error_codes(response.json()) == ["TIMEOUT"]


async def test_an_unexpected_error_is_masked_with_the_request_id(
    slow_app_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="vssid.errors"):
        response = await slow_app_client.post("/graphql", json={"query": "{ broken }"})
    error = response.json()["errors"][0]
    request_id = response.headers["x-request-id"]
    assert error["extensions"] == {"code": "INTERNAL_ERROR", "requestId": request_id}
    assert request_id in error["message"] and "secret" not in response.text
    # the server log has the full error and traceback under the same id
    logged = [r for r in caplog.records if r.name == "vssid.errors"]
    assert len(logged) == 1 and logged[0].exc_info is not None
    assert "secret internals" in str(logged[0].exc_info[1])
    assert logged[0].__dict__["fields"]["request_id"] == request_id


WARDS_OF_EACH_FACILITY = """
query Wards($n: Int = 1) {
  facilities(first: $n) { edges { node { province { wards { code name province { code } } } } } }
}
"""


async def test_a_page_size_sent_as_a_variable_is_priced_at_its_value_not_its_default(
    shared_client: httpx.AsyncClient,
) -> None:
    # given a document whose page size defaults to 1: cheap as prepared (677), 100 times that at n = 100
    small = await gql(shared_client, WARDS_OF_EACH_FACILITY, {"n": 1})
    assert "errors" not in small and len(small["data"]["facilities"]["edges"]) == 1

    # when a request sends n = 100, the same document is priced with it and refused before it runs
    large = await gql(shared_client, WARDS_OF_EACH_FACILITY, {"n": 100})
    assert large["data"] is None and limit_of(large) == {"cost"}
    assert large["errors"][0]["extensions"]["maximum"] == limits.MAX_COST
