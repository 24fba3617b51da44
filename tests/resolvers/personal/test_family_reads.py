"""Reads of the family beyond the matrix: the access log once per request, a revoked or expired grant stopping the
very next request, the 18th birthday, each authorization layer on its own, and the owner's hot path untouched."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import strawberry
from strawberry.schema.config import StrawberryConfig

from auth.viewer import Viewer, ViewerKind
from db.visits import VISITS
from loaders.personal import CurrentInsuranceCardByPersonIdLoader, MedicalVisitByIdLoader, PersonByIdLoader
from schema.card import InsuranceCard
from schema.contribution import ContributionPeriod
from schema.ids import to_global_id
from schema.scalars import SCALAR_MAP
from tests.clients import AppClient
from tests.factories import Citizen, add_card, add_period, add_visits, make_citizen
from tests.family import add_grant, add_guardianship, set_birth, today_in_vietnam, years_before
from tests.graphql import contract, gql

DEPENDANT_HISTORY = contract("mobile/DependantHistory")
FAMILY = contract("mobile/Family")
HOME = contract("mobile/Home")
REVOKE = contract("mobile/RevokeGrant")
GRANT = contract("mobile/GrantAccess")
ACCEPT = contract("mobile/AcceptGrant")
CARD_OF = "query ($id: ID!) { node(id: $id) { ... on Person { currentCard { cardNumber } } } }"


async def _child(db: asyncpg.Connection, *, age_days_short_of_18: int = 400) -> Citizen:
    child = await make_citizen(db, full_name="Nguyễn Bé Con")
    await set_birth(db, child.id, years_before(today_in_vietnam(), 18) + dt.timedelta(days=age_days_short_of_18))
    today = today_in_vietnam()
    await add_card(db, child, valid_from=today - dt.timedelta(days=10), valid_to=today + dt.timedelta(days=100))
    return child


async def _categories(db: asyncpg.Connection, owner_id: int) -> list[str]:
    rows = await db.fetch("select unnest(data_categories) as c from access_log where person_id = $1", owner_id)
    return sorted(row["c"] for row in rows)


async def test_a_read_is_logged_once_per_request_owner_and_part(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    # given a guardian and a child with 30 visits and several periods
    guardian, child = await make_citizen(db, full_name="Cha"), await _child(db)
    await add_guardianship(db, guardian.id, child.id)
    await add_visits(db, child.id, 30)
    for year in (2020, 2021, 2022):
        await add_period(db, child.id, "BHYT", f"{year}-01", f"{year}-12")

    # when the guardian opens the child's history (many objects of each part), twice
    variables = {"id": to_global_id("Person", child.id), "first": 20}
    first = await gql(client, DEPENDANT_HISTORY, variables, token=guardian.token)
    after_one = await _categories(db, child.id)
    await gql(client, DEPENDANT_HISTORY, variables, token=guardian.token)

    # then each request logs each part it read once, however many objects it covered
    assert "errors" not in first, first
    assert len(first["data"]["node"]["medicalVisits"]["edges"]) == 20
    assert after_one == ["CARD", "CONTRIBUTIONS", "PERSON", "VISITS"]
    assert await _categories(db, child.id) == sorted(after_one * 2)


async def test_a_revoked_grant_stops_the_very_next_request(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    owner, grantee = await make_citizen(db, full_name="Ông"), await make_citizen(db, full_name="Cháu")
    today = today_in_vietnam()
    await add_card(db, owner, valid_from=today - dt.timedelta(days=10), valid_to=today + dt.timedelta(days=100))
    grant = await add_grant(db, owner.id, grantee.id, "LIVE", ["CARD"])
    person = {"id": to_global_id("Person", owner.id)}
    before = await gql(client, CARD_OF, person, token=grantee.token)

    revoked = await gql(client, REVOKE, {"id": to_global_id("AccessGrant", grant)}, token=owner.token)
    after = await gql(client, CARD_OF, person, token=grantee.token)
    family = await gql(client, FAMILY, token=grantee.token)

    assert before["data"]["node"]["currentCard"]["cardNumber"].endswith(owner.social_insurance_code)
    assert revoked["data"]["revokeGrant"]["errors"] == []
    assert revoked["data"]["revokeGrant"]["grant"]["state"] == "REVOKED"
    assert after == {"data": {"node": None}}
    assert family["data"]["me"]["grantedPersons"] == []
    assert [g["state"] for g in family["data"]["me"]["grants"]] == ["REVOKED"]


async def test_an_expiring_grant_stops_the_very_next_request(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    owner, grantee = await make_citizen(db, full_name="Bà"), await make_citizen(db, full_name="Con")
    grant = await add_grant(db, owner.id, grantee.id, "LIVE", ["VISITS"])
    person = {"id": to_global_id("Person", owner.id)}
    before = await gql(client, CARD_OF.replace("currentCard { cardNumber }", "fullName"), person, token=grantee.token)

    await db.execute("update access_grants set valid_until = now() - interval '1 second' where id = $1", grant)
    after = await gql(client, CARD_OF, person, token=grantee.token)

    assert before["data"]["node"] == {"fullName": "Bà"}
    assert after == {"data": {"node": None}}


async def test_the_18th_birthday_ends_the_guardians_access_unless_the_new_adult_grants_it(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    # given a guardian and a child who turns 18 today
    guardian, child = await make_citizen(db, full_name="Mẹ"), await _child(db, age_days_short_of_18=0)
    await add_guardianship(db, guardian.id, child.id)
    person = {"id": to_global_id("Person", child.id)}

    ended = await gql(client, CARD_OF, person, token=guardian.token)
    dependants = await gql(client, FAMILY, token=guardian.token)
    # when the new adult grants the card to the former guardian, who accepts
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=90)).isoformat()
    given = await gql(client, GRANT, {"granteeSocialInsuranceCode": guardian.social_insurance_code,
                                      "parts": ["CARD"], "validUntil": until}, token=child.token)
    grant_id = given["data"]["grantAccess"]["grant"]["id"]
    accepted = await gql(client, ACCEPT, {"id": grant_id}, token=guardian.token)
    granted = await gql(client, CARD_OF, person, token=guardian.token)

    assert ended == {"data": {"node": None}}
    assert dependants["data"]["me"]["dependants"] == []
    assert accepted["data"]["acceptGrant"]["grant"]["state"] == "LIVE"
    assert granted["data"]["node"]["currentCard"]["cardNumber"].endswith(child.social_insurance_code)


# Each layer on its own: the schema's check with no SQL behind it, and the SQL with a forged viewer.

OWNER_ID = 1001


@dataclass
class _Context:
    viewer: Viewer
    recorded: list[tuple[int, str]] = field(default_factory=list)

    async def _true(self) -> bool:
        return True

    def record_read(self, person_id: int, part: str) -> Any:
        self.recorded.append((person_id, part))
        return self._true()


@strawberry.type
class _Leaky:
    @strawberry.field
    def card(self) -> InsuranceCard | None:
        return InsuranceCard(id=strawberry.ID("c"), pk=1, person_id=OWNER_ID, group_code="DN", primary_facility_id=1,
                             card_number="x", benefit_level=1, coverage_percent=100, valid_from=None, valid_to=None,
                             five_years_continuous_from=None, residence_area=None, issued_on=None, revoked_at=None)

    @strawberry.field
    def period(self) -> ContributionPeriod | None:
        return ContributionPeriod(id=strawberry.ID("p"), pk=1, person_id=OWNER_ID, employer_id=None, scheme=None,
                                  from_month=None, to_month=None, months=3, salary_basis=None, status=None,
                                  job_title=None)


_SCHEMA = strawberry.Schema(query=_Leaky, config=StrawberryConfig(scalar_map=SCALAR_MAP))


async def test_the_schema_alone_lets_a_grantee_read_only_the_granted_parts_and_logs_the_read() -> None:
    viewer = Viewer(kind=ViewerKind.CITIZEN, person_id=OWNER_ID + 1, access={OWNER_ID: {"PERSON": 7, "CARD": 7}})
    context = _Context(viewer)

    result = await _SCHEMA.execute("{ card { cardNumber } period { months } }", context_value=context)

    assert result.data == {"card": {"cardNumber": "x"}, "period": None}
    assert result.errors is not None and [e.extensions for e in result.errors] == [{"code": "FORBIDDEN"}]
    assert context.recorded == [(OWNER_ID, "CARD")]


async def test_the_sql_alone_reads_nothing_for_a_viewer_whose_access_is_forged(
    db: asyncpg.Connection, db_dsn: str
) -> None:
    # given a person with a card and visits, and a viewer claiming access the database never granted
    owner, stranger = await make_citizen(db), await make_citizen(db)
    today = today_in_vietnam()
    card = await add_card(db, owner, valid_from=today - dt.timedelta(days=5), valid_to=today + dt.timedelta(days=5))
    await add_visits(db, owner.id, 3)
    visit = await db.fetchval("select min(id) from medical_visits where person_id = $1", owner.id)
    forged = {owner.id: {part: None for part in ("PERSON", "CARD", "VISITS")}}
    viewer = Viewer(kind=ViewerKind.CITIZEN, person_id=stranger.id, access=forged)
    pool = await asyncpg.create_pool(db_dsn, min_size=1, max_size=1)
    try:
        person = await PersonByIdLoader(pool, viewer).load(owner.id)
        current = await CurrentInsuranceCardByPersonIdLoader(pool, viewer).load(owner.id)
        visits = await MedicalVisitByIdLoader(pool, viewer).load(visit)
        async with pool.acquire() as conn:
            page = await VISITS.page(conn, after=None, limit=10, owner_id=owner.id, viewer_id=stranger.id)
            # guards the above: the same statements read the rows once the guardianship exists
            await add_guardianship(db, stranger.id, owner.id)
            await set_birth(db, owner.id, today - dt.timedelta(days=400))
            guarded = await VISITS.page(conn, after=None, limit=10, owner_id=owner.id, viewer_id=stranger.id)
        card_row = await CurrentInsuranceCardByPersonIdLoader(pool, viewer).load(owner.id)
    finally:
        await pool.close()

    assert (person, current, visits, page) == (None, None, None, [])
    assert len(guarded) == 3 and card_row is not None and card_row["id"] == card


async def test_the_owners_home_sends_the_same_statements_and_logs_nothing(
    db: asyncpg.Connection, counting: AppClient
) -> None:
    # given a citizen who also guards a child and holds a live grant
    citizen, child, granter = await make_citizen(db), await _child(db), await make_citizen(db)
    await add_guardianship(db, citizen.id, child.id)
    await add_grant(db, granter.id, citizen.id, "LIVE")
    await add_visits(db, citizen.id, 5)

    counting.log.clear()
    result = await gql(counting.http, HOME, token=citizen.token)

    assert "errors" not in result, result
    statements = counting.log.statements
    assert not any("access_log" in s for s in statements)
    # the viewer's access comes with the session: no statement of its own
    assert sum("access_of" in s for s in statements) == 1
    assert len(statements) <= 12


async def test_a_guardian_never_reads_the_childs_own_lists(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    guardian, child = await make_citizen(db, full_name="Bố"), await _child(db)
    await add_guardianship(db, guardian.id, child.id)
    query = """query ($id: ID!) { node(id: $id) { ... on Person {
      fullName accessLog { totalCount } dependants { id } grantedPersons { id } grants { id } } } }"""

    result = await gql(client, query, {"id": to_global_id("Person", child.id)}, token=guardian.token)

    assert result["data"]["node"] == {"fullName": "Nguyễn Bé Con", "accessLog": None, "dependants": None,
                                      "grantedPersons": None, "grants": None}
    assert sorted((e["path"][-1], e["extensions"]["code"]) for e in result["errors"]) == [
        ("accessLog", "FORBIDDEN"), ("dependants", "FORBIDDEN"), ("grantedPersons", "FORBIDDEN"),
        ("grants", "FORBIDDEN"),
    ]
