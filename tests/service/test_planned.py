"""The planned executor answers exactly as graphql-core's (the reference, `VSSID_EXECUTOR=reference`).

Two apps on one database, one per executor, get the same request from the same caller; their answers must be the
same bytes (`data` byte for byte, `errors` with their messages, paths, locations and extensions), and the same HTTP
status. Every query of the client contract runs as each role, then generated documents (hypothesis-graphql over the
query fields, with variables, fragments, aliases and @skip/@include) as each role. Mutations and
subscriptions are not compared: the planner never runs them (test_mutations_take_the_reference_path).

`VSSID_DIFF_EXAMPLES` sets how many generated documents each role sends (2,000 by default: about a minute a role
here, seven minutes in all).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import graphql
import httpx
import pytest
from graphql.execution.values import VariableValues
from hypothesis import given, note
from hypothesis import strategies as st
from hypothesis_graphql import from_schema
from starlette.applications import Starlette

from core.settings import Settings
from schema.ids import to_global_id
from seed.demo import DEMO_LOGINS, PARTNER_API_KEY
from service.answers import in_document_order
from service.plan import PLANS, Kind, PlanCache
from service.plan_context import PlanContext
from service.plan_run import PlanRun
from service.planned import FELL_BACK, RAN_PLANNED, UNPLANNED, PlannedExecutionContext, leaf_plan
from service.schema import schema as served_schema
from tests.clients import app_client, asgi_client, fresh_address
from tests.factories import make_agency, open_session
from tests.graphql import CONTRACT_DIR
from tests.service.test_fuzz import CUSTOM_SCALARS, SCHEMA_SDL, generated_settings
from tests.service.variations import vary

EXAMPLES = int(os.environ.get("VSSID_DIFF_EXAMPLES", "2000"))
# (role, endpoint); "another" is a second citizen sending the owner's documents (and the owner's ids).
ROLES = (
    ("owner", "/graphql"),
    ("another", "/graphql"),
    ("anonymous", "/graphql"),
    ("must_change_password", "/graphql"),
    ("officer", "/graphql"),
    ("partner", "/graphql"),
    ("partner", "/graphql/partner"),
)
_SCHEMA = graphql.build_schema(SCHEMA_SDL)
assert _SCHEMA.query_type is not None
QUERY_FIELDS = sorted(_SCHEMA.query_type.fields)
_OPERATION = re.compile(r"^\s*(query|mutation|subscription)\b", re.MULTILINE)
# The one answer that differs between two runs by design: the insurance book's PDF carries the moment it was made
# (and its size may follow). Under any alias, its value is set aside before the bytes are compared.
_MADE_NOW = re.compile(rb'("[A-Za-z0-9_]+":)"JVBER[A-Za-z0-9+/=]*"')


@dataclasses.dataclass
class Pair:
    planned: Starlette
    reference: Starlette
    headers: dict[str, dict[str, str]]
    owner_ids: dict[str, str]
    db: asyncpg.Connection

    async def both(self, role: str, path: str, query: str, variables: dict[str, Any] | None = None) -> bytes:
        """The answer of both executors, asserted the same; returns the planned one. Both start from the same
        database: what the first request recorded (a logged read's access-log entry) is taken back before the
        second runs, so a document that fetches the insurance book and counts the access log is answered alike;
        and each starts with every budget fresh (throttle_counters: invalid documents, directory requests, card
        checks and look-ups, counted per key or target): thousands of generated documents would spend them
        whatever the executor, and a refusal's `retryAfterSeconds` differs by a second between two answers. The
        budgets have tests of their own (tests/service/test_ratelimit.py, test_request_bounds.py, tests/resolvers)."""
        answers: list[httpx.Response] = []
        last_entry = await self.db.fetchval("select coalesce(max(id), 0) from access_log")
        for app in (self.planned, self.reference):
            await self.db.execute("delete from access_log where id > $1", last_entry)
            await self.db.execute("delete from throttle_counters")
            # Each request from its own address: per-address limits count neither executor's requests twice.
            async with asgi_client(app, fresh_address()) as http:
                response = await http.post(
                    path, json={"query": query, "variables": variables or {}}, headers=self.headers[role]
                )
            answers.append(response)
        planned, reference = answers
        assert planned.status_code == reference.status_code, (planned.text, reference.text)
        same = _MADE_NOW.sub(rb'\1"<pdf>"', planned.content) == _MADE_NOW.sub(rb'\1"<pdf>"', reference.content)
        assert same, f"planned:\n{planned.text[:3000]}\nreference:\n{reference.text[:3000]}"
        return planned.content


async def _demo_person(db: asyncpg.Connection, role: str, index: int = 0) -> int:
    demo = [d for d in DEMO_LOGINS if d.role == role][index]
    person_id: int = await db.fetchval(
        "select id from people where social_insurance_code = $1", demo.social_insurance_code
    )
    return person_id


@pytest.fixture
async def pair(settings: Settings, db_dsn: str, db: asyncpg.Connection) -> AsyncIterator[Pair]:
    reference = dataclasses.replace(settings, executor="reference")
    assert settings.executor == "planned"
    headers = {
        "owner": await open_session(db, await _demo_person(db, "citizen", 0)),
        "another": await open_session(db, await _demo_person(db, "citizen", 1)),
        "must_change_password": await open_session(db, await _demo_person(db, "citizen_must_change_password")),
        "officer": await open_session(db, await _demo_person(db, "agency_officer")),
    }
    all_headers = {role: {"Authorization": f"Bearer {token}"} for role, token in headers.items()}
    all_headers |= {"anonymous": {}, "partner": {"X-API-Key": PARTNER_API_KEY}}
    async with app_client(settings, db_dsn) as planned, app_client(reference, db_dsn) as referenced:
        made = Pair(planned.app, referenced.app, all_headers, {}, db)
        made.owner_ids = await _owner_ids(planned.http, all_headers["owner"])
        yield made


async def _owner_ids(http: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, str]:
    """Ids of the owner's objects, for documents that take one (and for another citizen to try)."""
    query = "{ me { id dependants { id } grantedPersons { id } currentCard { cardNumber } fullName dateOfBirth } }"
    me = (await http.post("/graphql", json={"query": query}, headers=headers)).json()["data"]["me"]
    return {
        "person": me["id"], "dependant": me["dependants"][0]["id"],
        "granted": me["grantedPersons"][0]["id"], "cardNumber": me["currentCard"]["cardNumber"],
        "fullName": me["fullName"], "dateOfBirth": me["dateOfBirth"],
    }


def _variables(name: str, ids: dict[str, str]) -> dict[str, Any]:
    """Values for the contract's query variables (a missing one is compared too: both refuse it the same way)."""
    values: dict[str, dict[str, Any]] = {
        "mobile/MedicalHistory": {"first": 20},
        "mobile/DependantHistory": {"id": ids["dependant"], "first": 5},
        "mobile/Benefits": {"first": 3},
        "mobile/Contributions": {"first": 10},
        "mobile/Inbox": {"first": 5},
        "partner/FacilityDirectory": {"provinceCode": "01", "first": 20},
        "partner/VerifyInsuranceCard": {
            "cardNumber": ids["cardNumber"], "fullName": ids["fullName"], "dateOfBirth": ids["dateOfBirth"],
        },
        "public/Assistant": {"question": "Thẻ BHYT hết hạn thì làm thế nào?"},
        "public/Support": {"question": "đổi mật khẩu"},
        "public/Facility": {"code": "01001"},
        "public/Employers": {"search": "công ty", "first": 5},
        "public/LookupSocialInsuranceCode": {"input": {"fullName": ids["fullName"], "dateOfBirth": ids["dateOfBirth"]}},
    }
    return values.get(name, {})


def _contract_queries() -> list[str]:
    names = []
    for path in sorted(CONTRACT_DIR.rglob("*.graphql")):
        match = _OPERATION.search(path.read_text(encoding="utf-8"))
        if match is not None and match[1] == "query":
            names.append(path.relative_to(CONTRACT_DIR).with_suffix("").as_posix())
    return names


CONTRACT_QUERIES = _contract_queries()


def test_the_contract_has_its_queries() -> None:
    assert {"mobile/Home", "mobile/MedicalHistory", "partner/VerifyInsuranceCard"} <= set(CONTRACT_QUERIES)


async def test_errors_come_in_the_documents_order_whatever_finished_first(pair: Pair) -> None:
    # Found by the generated documents: two refusals under a grantor, whose order followed which resolver finished
    # first; the planned executor's fallback (with the rows it had read) finished them in another order.
    query = """query ($first: Int) {
      me {
        grantedPersons {
          benefits(kind: SICKNESS, first: $first, after: "") { totalCount }
          accessLog(first: 1, after: "") { totalCount }
        }
      }
    }"""
    for _ in range(3):
        answer = json.loads(await pair.both("owner", "/graphql", query, {"first": 1}))
        assert [(e["path"][-1], e["extensions"]["code"]) for e in answer["errors"]] == [
            ("benefits", "INVALID_CURSOR"), ("accessLog", "FORBIDDEN")
        ]


async def test_a_logged_read_and_the_logs_count_answer_alike(pair: Pair) -> None:
    # Found by the generated documents (CI): fetching the insurance book records an access-log entry, so the second
    # executor's count saw the first's entry; both now start from the same database (Pair.both).
    query = """query ($v0: Boolean!) { me { socialInsuranceBook { ... on InsuranceBookFile @include(if: $v0) {
      dataBase64 } } accessLog(first: 1) { totalCount } } }"""
    counts = []
    for _ in range(2):
        answer = json.loads(await pair.both("owner", "/graphql", query, {"v0": False}))
        counts.append(answer["data"]["me"]["accessLog"]["totalCount"])
    assert counts[1] == counts[0] + 1  # the reference's fetch stays logged, as any fetch


def test_errors_are_ordered_by_location_then_path() -> None:
    source = graphql.Source("{ a }\n" * 9)  # six characters a line: `a` of line n at (n - 1) * 6 + 2

    def error(line: int, *path: str | int) -> graphql.GraphQLError:
        return graphql.GraphQLError("x", source=source, positions=[(line - 1) * 6 + 2], path=list(path) or None,
                                    extensions={"at": [line, *path]})

    errors = [error(5, "me", "b", 10, "c"), error(5, "me", "b", 2, "c"), error(3, "me", "a"), error(7, "me", "z")]
    ordered = in_document_order([*errors, graphql.GraphQLError("request", extensions={"at": []})])
    assert [e.extensions["at"] for e in ordered if e.extensions] == [
        [], [3, "me", "a"], [5, "me", "b", 2, "c"], [5, "me", "b", 10, "c"], [7, "me", "z"]
    ]


@pytest.mark.parametrize("name", CONTRACT_QUERIES)
async def test_every_contract_query_answers_the_same_for_every_role(pair: Pair, name: str) -> None:
    query = (CONTRACT_DIR / f"{name}.graphql").read_text(encoding="utf-8")
    for role, path in ROLES:
        await pair.both(role, path, query, _variables(name, pair.owner_ids))


async def test_foreign_objects_are_null_with_the_same_error_at_the_same_path(pair: Pair) -> None:
    """A grantee reads the granted parts of a person, and gets null plus FORBIDDEN for the others."""
    query = """query ($id: ID!) {
      node(id: $id) { id ... on Person { fullName currentCard { cardNumber } contributionSummary { totalMonths } } }
    }"""
    answer = await pair.both("owner", "/graphql", query, {"id": pair.owner_ids["granted"]})
    assert b'"contributionSummary":null' in answer and b'"FORBIDDEN"' in answer
    assert b'"path":["node","contributionSummary"]' in answer and b'"cardNumber":"' in answer


async def test_the_oracle_catches_a_wrong_leaf(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a planted fault in the planned path, the comparison fails: the suite can tell the two apart. Once in
    the plan's leaves (Home has a plan), once in the leaves graphql-core completes for a query without one."""
    original_leaf, original_fill = PlanRun.leaf, PlanRun.fill

    def shouting_plan(self: PlanRun, serialize: Any, value: Any) -> Any:
        completed = original_leaf(self, serialize, value)
        return completed.upper() if isinstance(completed, str) else completed

    def shouting_fill(self: PlanRun, selection: Any, source: Any, path: Any, out: dict[str, Any]) -> None:
        original_fill(self, selection, source, path, out)  # the plain leaves it writes itself
        out.update({key: value.upper() for key, value in out.items() if isinstance(value, str)})

    home = (CONTRACT_DIR / "mobile/Home.graphql").read_text(encoding="utf-8")
    for name, fault in (("leaf", shouting_plan), ("fill", shouting_fill)):
        with monkeypatch.context() as patch:
            patch.setattr(PlanRun, name, fault)
            with pytest.raises(AssertionError, match="planned"):
                await pair.both("owner", "/graphql", home)

    original = PlannedExecutionContext.complete_leaf_value

    def shouting(self: PlannedExecutionContext, return_type: Any, result: Any) -> Any:
        completed = original(self, return_type, result)
        return completed.upper() if isinstance(completed, str) and self.planned else completed

    monkeypatch.setattr(PlannedExecutionContext, "complete_leaf_value", shouting)
    monkeypatch.setattr(PLANS, "get", lambda *args: None)  # no plan: graphql-core runs it, leaves read directly
    unplanned = "query ($id: ID!) { node(id: $id) { ... on Person { fullName } } }"
    with pytest.raises(AssertionError, match="planned"):
        await pair.both("owner", "/graphql", unplanned, {"id": pair.owner_ids["person"]})


def test_plain_leaves_are_planned_and_relations_are_executed() -> None:
    person = served_schema._schema.get_type("Person")
    assert isinstance(person, graphql.GraphQLObjectType)
    assert leaf_plan(person, "fullName") is not None
    assert leaf_plan(person, "dateOfBirth") is not None
    assert leaf_plan(person, "currentCard") is None  # a relation: its loader, through graphql-core
    assert leaf_plan(person, "medicalVisits") is None  # arguments and a resolver
    assert leaf_plan(person, "noSuchField") is None


async def test_mutations_take_the_reference_path(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, bool]] = []
    original = PlannedExecutionContext.__init__

    def noting(self: PlannedExecutionContext, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        seen.append((self.operation.operation.value, self.planned))

    monkeypatch.setattr(PlannedExecutionContext, "__init__", noting)
    plan_context = PlanContext.__init__

    def noting_lean(self: PlanContext, *args: Any, **kwargs: Any) -> None:  # the lean path's, for a planned query
        plan_context(self, *args, **kwargs)
        seen.append((self.operation.operation.value, self.planned))

    monkeypatch.setattr(PlanContext, "__init__", noting_lean)
    await pair.both("anonymous", "/graphql", "mutation { logout { __typename } }")
    await pair.both("owner", "/graphql", "{ me { fullName } }")
    assert seen == [("mutation", False), ("mutation", False), ("query", True), ("query", False)]


DIFF_SETTINGS = generated_settings(EXAMPLES)
# One root field per document (as tests/service/test_fuzz.py): a document of many reaches few resolvers. Half of
# them ask for `me`, whose documents the operation plans run whole (service/plan.py).
DOCUMENTS = st.one_of(st.just("me"), st.sampled_from(QUERY_FIELDS)).flatmap(
    lambda name: from_schema(SCHEMA_SDL, fields=[name], custom_scalars=CUSTOM_SCALARS)
)


@pytest.mark.slow  # fuzzing: 12,000 documents; the contract's queries above stay in the quick run
@pytest.mark.parametrize("role", sorted({role for role, _ in ROLES}))
@DIFF_SETTINGS
@given(data=st.data())
async def test_generated_documents_answer_the_same(pair: Pair, role: str, data: st.DataObject) -> None:
    # VSSID_DIFF_EXAMPLES documents for each role; a partner's go to either endpoint.
    path = data.draw(st.sampled_from([path for each, path in ROLES if each == role]), label="endpoint")
    generated = data.draw(DOCUMENTS, label="document")
    document, variables = vary(_SCHEMA, generated, data.draw(st.integers(0, 2**32 - 1), label="variation"))
    note(f"as {role} on {path}:\n{document}\nvariables: {variables}")
    await pair.both(role, path, document, variables)


async def test_the_plans_size_is_in_the_metrics(pair: Pair) -> None:
    await pair.both("owner", "/graphql", (CONTRACT_DIR / "mobile/Home.graphql").read_text(encoding="utf-8"))
    async with asgi_client(pair.planned) as http:
        metrics = (await http.get("/metrics")).text
    line = next(line for line in metrics.splitlines() if line.startswith("vssid_planned_fields "))
    assert float(line.split()[1]) >= 20  # Home alone has more plain leaves than that


def _count(counter: Any) -> float:
    value: float = counter._value.get()
    return value


async def _outcomes(pair: Pair, role: str, query: str, variables: dict[str, Any] | None = None) -> tuple[float, ...]:
    """How the planned app ran the query (planned, fallback, unplanned), compared with the reference on the way."""
    before = [_count(c) for c in (RAN_PLANNED, FELL_BACK, UNPLANNED)]
    await pair.both(role, "/graphql", query, variables)
    return tuple(_count(c) - b for c, b in zip((RAN_PLANNED, FELL_BACK, UNPLANNED), before, strict=True))


async def test_home_and_the_history_run_their_plans(pair: Pair) -> None:
    for name, variables in (("mobile/Home", None), ("mobile/MedicalHistory", {"first": 20})):
        query = (CONTRACT_DIR / f"{name}.graphql").read_text(encoding="utf-8")
        assert await _outcomes(pair, "owner", query, variables) == (1, 0, 0), name


async def test_the_apps_other_screens_and_the_directory_run_their_plans(pair: Pair) -> None:
    """Screens whose resolvers only read (declared READS_ONLY) and the directory (its budget spent per operation
    before the plan runs) are planned, answer as graphql-core does, and do not fall back."""
    owner = await _demo_person(pair.db, "citizen", 0)
    agency, _ = await make_agency(pair.db)
    await pair.db.execute(
        """insert into inbox_messages (person_id, kind, subject_key, period, title, body, link_kind, link_id)
           values ($1, 'CARD_EXPIRING', 'planned', '2026-12-31', 'Thẻ BHYT sắp hết hạn', 'Thẻ sẽ hết hạn.',
                   'CARD', 7)""",
        owner,
    )
    await pair.db.execute(
        """insert into applications (person_id, kind, status, competent_agency_id, applicant_name, applicant_code,
                                     input, idempotency_key)
           select $1, 'CARD_REISSUE', 'SUBMITTED', $2, full_name, social_insurance_code,
                  '{"request": {"reason": "LOST"}, "before": {"address": "A"}, "after": {"address": "B"}}',
                  'planned-app-1'
           from people where id = $1""",
        owner, agency,
    )
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("owner", "mobile/Inbox", {"first": 10}),
        ("owner", "mobile/Applications", {"first": 10}),
        ("owner", "mobile/CardHistory", {"first": 10}),
        ("owner", "mobile/QuoteRenewal", {"input": {"kind": "HOUSEHOLD_HEALTH_INSURANCE", "months": 12,
                                                    "memberCount": 2}}),
        ("anonymous", "public/Facilities", {"filter": {"search": "bệnh viện"}, "first": 5}),
        ("partner", "partner/FacilityDirectory", {"provinceCode": "01", "first": 5}),
        ("anonymous", "public/Provinces", {}),
    ]
    answers: dict[str, Any] = {}
    for role, name, variables in cases:
        query = (CONTRACT_DIR / f"{name}.graphql").read_text(encoding="utf-8")
        assert await _outcomes(pair, role, query, variables) == (1, 0, 0), name
        answer = json.loads(await pair.both(role, "/graphql", query, variables))
        assert "errors" not in answer, name
        answers[name] = answer["data"]
    # the lists were not empty: the fields made reads-only were run
    assert answers["mobile/Inbox"]["me"]["inbox"]["edges"]
    assert answers["mobile/Applications"]["me"]["applications"]["edges"]
    assert answers["mobile/CardHistory"]["me"]["cards"]["edges"]
    assert answers["public/Facilities"]["facilities"]["edges"]


async def test_a_guardian_reads_a_childs_parts_on_the_plan(pair: Pair) -> None:
    """A relation that checks its reader (the child's card, read by the guardian) runs on the plan with the light
    info (service/plan_run.py TypeCheckInfo: the context is all the check reads) and answers what graphql-core
    answers; the read is logged before it is served, on a guessed viewer once its session confirms it."""
    query = """{ me { dependants { fullName currentCard { cardNumber validTo }
      contributionSummary { totalMonths } medicalVisits(first: 2) { edges { node { id admittedAt } } } } } }"""
    logged = await pair.db.fetchval("select count(*) from access_log")
    assert await _outcomes(pair, "owner", query) == (1, 0, 0)
    answer = await pair.both("owner", "/graphql", query)
    assert b'"cardNumber":"' in answer and b'"errors"' not in answer
    assert await pair.db.fetchval("select count(*) from access_log") > logged


async def test_an_error_falls_back_to_the_reference_whole(pair: Pair) -> None:
    """A resolver refusing its arguments: the plan is abandoned, graphql-core answers (the same bytes, compared)."""
    query = "query ($id: ID!) { me { fullName } node(id: $id) { id } }"
    assert await _outcomes(pair, "owner", query, {"id": "not-an-id"}) == (0, 1, 0)  # INVALID_ID
    query = "{ me { fullName medicalVisits(first: 1000) { totalCount } currentCard { cardNumber } } }"
    assert await _outcomes(pair, "owner", query) == (0, 1, 0)


async def test_node_runs_on_the_plan_for_each_type_it_may_answer(pair: Pair) -> None:
    """`node(id:)` answers an interface: the plan has a selection per object type and takes the value's own (the
    type's `resolve_type`, as graphql-core); a foreign or missing object is null, as in the reference."""
    query = """query ($id: ID!) { node(id: $id) { __typename id
      ... on Person { fullName currentCard { cardNumber } medicalVisits(first: 2) { edges { node { id } } } }
      ... on InsuranceCard { cardNumber status } ... on Facility { code name } } }"""
    ids = [pair.owner_ids["person"], pair.owner_ids["dependant"], pair.owner_ids["granted"],
           to_global_id("Person", 2**40)]
    for global_id in ids:
        assert await _outcomes(pair, "owner", query, {"id": global_id}) == (1, 0, 0), global_id
    own = json.loads(await pair.both("owner", "/graphql", query, {"id": pair.owner_ids["person"]}))
    assert own["data"]["node"]["__typename"] == "Person" and own["data"]["node"]["currentCard"]["cardNumber"]
    # another person's object, asked by someone else, reads as a missing one
    assert json.loads(await pair.both("another", "/graphql", query, {"id": pair.owner_ids["person"]})) == {
        "data": {"node": None}
    }


async def test_a_type_check_reading_more_than_the_context_falls_back_whole(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan hands an object's type check only the context and the path (service/plan_run.py TypeCheckInfo): a
    check that reads more of its info abandons the plan, and graphql-core answers the same bytes."""
    visit = served_schema._schema.get_type("MedicalVisit")
    assert isinstance(visit, graphql.GraphQLObjectType) and visit.is_type_of is not None
    original = visit.is_type_of
    read: list[str] = []

    def reading_the_field_name(value: Any, info: Any) -> Any:
        read.append(info.field_name)
        return original(value, info)

    monkeypatch.setattr(visit, "is_type_of", reading_the_field_name)
    query = (CONTRACT_DIR / "mobile/MedicalHistory.graphql").read_text(encoding="utf-8")
    assert await _outcomes(pair, "owner", query, {"first": 20}) == (0, 1, 0)
    assert read and set(read) == {"node"}  # graphql-core's own info, for every visit


async def test_the_oracle_catches_a_wrong_list_in_the_plan(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """A planted fault in the plan's runner (the last item of every list dropped) fails the comparison."""
    original = PlanRun.complete

    def losing(self: PlanRun, plan: Any, value: Any, info: Any) -> Any:
        completed = original(self, plan, value, info)
        return completed[:-1] if isinstance(completed, list) and completed else completed

    monkeypatch.setattr(PlanRun, "complete", losing)
    query = (CONTRACT_DIR / "mobile/MedicalHistory.graphql").read_text(encoding="utf-8")
    with pytest.raises(AssertionError, match="planned"):
        await pair.both("owner", "/graphql", query, {"first": 20})


def test_the_plan_follows_skip_and_include_and_the_cache_is_bounded() -> None:
    schema = served_schema._schema
    document = graphql.parse(
        "query ($full: Boolean!) { me { id fullName @include(if: $full) currentCard { cardNumber } } }"
    )
    operation = document.definitions[0]
    assert isinstance(operation, graphql.OperationDefinitionNode)
    cache = PlanCache(size=2)
    names = []
    for full in (True, False, True):
        plan = cache.get(schema, {}, VariableValues({}, {"full": full}), operation)
        assert plan is not None
        me = plan.root.fields[0]
        assert me.kind is Kind.RESOLVE and me.selection is not None
        names.append([(f.response_name, f.kind) for f in me.selection.fields])
    assert names[0] == [("id", Kind.LEAF), ("fullName", Kind.LEAF), ("currentCard", Kind.RELATION)]
    assert names[1] == [("id", Kind.LEAF), ("currentCard", Kind.RELATION)] and names[2] == names[0]
    for other in ("{ me { id } }", "{ me { fullName } }", "{ __schema { queryType { name } } }"):
        parsed = graphql.parse(other).definitions[0]
        cache.get(schema, {}, VariableValues({}, {}), parsed)
    assert len(cache) == 2  # least recently used out
    introspection = graphql.parse("{ __schema { queryType { name } } }").definitions[0]
    assert cache.get(schema, {}, VariableValues({}, {}), introspection) is None  # introspection: graphql-core runs it


async def test_the_plan_cache_is_in_the_metrics(pair: Pair) -> None:
    await pair.both("owner", "/graphql", (CONTRACT_DIR / "mobile/Home.graphql").read_text(encoding="utf-8"))
    async with asgi_client(pair.planned) as http:
        metrics = (await http.get("/metrics")).text
    line = next(line for line in metrics.splitlines() if line.startswith("vssid_operation_plans "))
    assert 1 <= float(line.split()[1]) <= 256
    assert 'vssid_planned_operations_total{outcome="planned"}' in metrics


async def test_the_contribution_summary_is_a_relation_made_with_its_person(pair: Pair) -> None:
    """The summary is made from the person and their rows (its retirement date needs the birth date and gender):
    declared with `relation_of_parent`, it is planned as a relation (no resolver call, `Info` or coroutine) and
    answers as graphql-core does."""
    query = "{ me { contributionSummary { totalMonths retirementDate byScheme { scheme months } } } }"
    operation = graphql.parse(query).definitions[0]
    assert isinstance(operation, graphql.OperationDefinitionNode)
    plan = PlanCache().get(served_schema._schema, {}, VariableValues({}, {}), operation)
    assert plan is not None and plan.root.fields[0].selection is not None
    summary = plan.root.fields[0].selection.fields[0]
    assert summary.kind is Kind.RELATION and summary.relation is not None and summary.relation.with_parent
    assert await _outcomes(pair, "owner", query) == (1, 0, 0)
    answer = json.loads(await pair.both("owner", "/graphql", query))
    assert answer["data"]["me"]["contributionSummary"]["retirementDate"] is not None
    assert answer["data"]["me"]["contributionSummary"]["byScheme"]
