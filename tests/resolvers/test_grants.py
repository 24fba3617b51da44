"""Giving, accepting and revoking access grants: the states, every refusal with its code, and nothing half-written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import httpx
import pytest

from auth.grants import GRANTEE_LOOKUPS_PER_DAY
from schema.ids import to_global_id
from service.schema import schema
from tests.factories import make_citizen, make_person, open_session
from tests.family import add_grant
from tests.graphql import contract, error_codes, gql

GRANT = contract("mobile/GrantAccess")
ACCEPT = contract("mobile/AcceptGrant")
REVOKE = contract("mobile/RevokeGrant")
FAMILY = contract("mobile/Family")


def _until(**delta: Any) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(**delta)).isoformat()


def _errors(result: dict[str, Any], name: str) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in result["data"][name]["errors"]]


async def _grants(db: asyncpg.Connection, owner_id: int) -> int:
    count: int = await db.fetchval("select count(*) from access_grants where owner_id = $1", owner_id)
    return count


async def test_a_grant_is_pending_until_accepted_then_live_until_revoked(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    owner, grantee = await make_citizen(db, full_name="Chủ"), await make_citizen(db, full_name="Người Nhận")

    given = await gql(client, GRANT, {"granteeSocialInsuranceCode": grantee.social_insurance_code,
                                      "parts": ["VISITS", "CARD", "VISITS"], "validUntil": _until(days=30)},
                      token=owner.token)
    grant = given["data"]["grantAccess"]["grant"]
    pending = await gql(client, FAMILY, token=grantee.token)
    accepted = await gql(client, ACCEPT, {"id": grant["id"]}, token=grantee.token)
    live = await gql(client, FAMILY, token=grantee.token)
    left = await gql(client, REVOKE, {"id": grant["id"]}, token=grantee.token)  # the grantee leaves
    owners_view = await gql(client, FAMILY, token=owner.token)

    assert given["data"]["grantAccess"]["errors"] == []
    assert (grant["state"], grant["parts"]) == ("PENDING", ["CARD", "VISITS"])
    assert grant["grantee"] == {"socialInsuranceCode": grantee.social_insurance_code, "fullName": "Người Nhận"}
    assert pending["data"]["me"]["grantedPersons"] == []
    assert [g["state"] for g in pending["data"]["me"]["grants"]] == ["PENDING"]
    assert accepted["data"]["acceptGrant"]["grant"]["state"] == "LIVE"
    assert accepted["data"]["acceptGrant"]["grant"]["owner"]["fullName"] == "Chủ"
    assert [p["fullName"] for p in live["data"]["me"]["grantedPersons"]] == ["Chủ"]
    assert left["data"]["revokeGrant"]["grant"]["state"] == "REVOKED"
    assert [(g["state"], g["grantee"]["fullName"]) for g in owners_view["data"]["me"]["grants"]] == [
        ("REVOKED", "Người Nhận")
    ]
    events = await db.fetch("select event from audit_events where event like 'access_grant%' order by id")
    assert [e["event"] for e in events] == ["access_granted", "access_grant_accepted", "access_grant_revoked"]


BAD_GRANTS: list[tuple[str, dict[str, Any], list[tuple[str, str | None]]]] = [
    ("code not 10 digits", {"granteeSocialInsuranceCode": "12345"},
     [("INVALID_INPUT", "granteeSocialInsuranceCode")]),
    ("unknown code", {"granteeSocialInsuranceCode": "0000000000"},
     [("GRANTEE_UNAVAILABLE", "granteeSocialInsuranceCode")]),
    ("no parts", {"parts": []}, [("INVALID_INPUT", "parts")]),
    ("validUntil past", {"validUntil": _until(minutes=-1)}, [("INVALID_INPUT", "validUntil")]),
    ("validUntil beyond 5 years", {"validUntil": _until(days=5 * 366 + 2)}, [("INVALID_INPUT", "validUntil")]),
]


@pytest.mark.parametrize(("case", "changes", "expected"), BAD_GRANTS, ids=[case for case, _, _ in BAD_GRANTS])
async def test_bad_input_to_grant_access_is_refused_with_a_code_and_writes_nothing(
    client: httpx.AsyncClient, db: asyncpg.Connection, *, case: str, changes: dict[str, Any],
    expected: list[tuple[str, str | None]]
) -> None:
    owner, grantee = await make_citizen(db), await make_citizen(db)
    variables = {"granteeSocialInsuranceCode": grantee.social_insurance_code, "parts": ["CARD"],
                 "validUntil": _until(days=10), **changes}

    result = await gql(client, GRANT, variables, token=owner.token)

    assert _errors(result, "grantAccess") == expected, case
    assert result["data"]["grantAccess"]["grant"] is None
    assert await _grants(db, owner.id) == 0


async def test_a_person_without_an_account_reads_like_an_unknown_code_and_self_grants_are_refused(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    owner, no_account = await make_citizen(db), await make_person(db)
    base = {"parts": ["CARD"], "validUntil": _until(days=10)}

    unknown = await gql(client, GRANT, {**base, "granteeSocialInsuranceCode": "0000000000"}, token=owner.token)
    without = await gql(client, GRANT, {**base, "granteeSocialInsuranceCode": no_account.social_insurance_code},
                        token=owner.token)
    itself = await gql(client, GRANT, {**base, "granteeSocialInsuranceCode": owner.social_insurance_code},
                       token=owner.token)

    # nothing tells an unknown code from a person on record without an account
    assert unknown["data"] == without["data"]
    assert _errors(without, "grantAccess") == [("GRANTEE_UNAVAILABLE", "granteeSocialInsuranceCode")]
    assert _errors(itself, "grantAccess") == [("INVALID_INPUT", "granteeSocialInsuranceCode")]
    assert await _grants(db, owner.id) == 0


async def test_only_a_full_session_grants_and_only_for_itself(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    owner, grantee = await make_citizen(db), await make_citizen(db)
    variables = {"granteeSocialInsuranceCode": grantee.social_insurance_code, "parts": ["CARD"],
                 "validUntil": _until(days=10)}

    anonymous = await gql(client, GRANT, variables)
    change_only = await gql(client, GRANT, variables, token=await open_session(db, owner.id, password_change_only=True))

    assert anonymous["data"] is None and error_codes(anonymous) == ["UNAUTHENTICATED"]
    assert change_only["data"] is None and error_codes(change_only) == ["PASSWORD_CHANGE_REQUIRED"]
    assert await _grants(db, owner.id) == 0
    # nobody grants on behalf of someone else: the mutation has no owner to name, the owner is the viewer
    mutation_type = schema._schema.mutation_type
    assert mutation_type is not None
    assert set(mutation_type.fields["grantAccess"].args) == {"granteeSocialInsuranceCode", "parts", "validUntil"}


@pytest.mark.parametrize(
    ("who", "state", "mutation", "expected"),
    [
        ("owner", "PENDING", "acceptGrant", [("FORBIDDEN", "id")]),
        ("stranger", "PENDING", "acceptGrant", [("NOT_FOUND", "id")]),
        ("grantee", "LIVE", "acceptGrant", [("GRANT_CLOSED", "id")]),
        ("grantee", "REVOKED", "acceptGrant", [("GRANT_CLOSED", "id")]),
        ("grantee", "EXPIRED", "acceptGrant", [("GRANT_CLOSED", "id")]),
        ("stranger", "LIVE", "revokeGrant", [("NOT_FOUND", "id")]),
        ("owner", "REVOKED", "revokeGrant", [("GRANT_CLOSED", "id")]),
        ("owner", "EXPIRED", "revokeGrant", [("GRANT_CLOSED", "id")]),
    ],
)
async def test_accepting_and_revoking_refuse_with_a_code_and_change_nothing(
    client: httpx.AsyncClient, db: asyncpg.Connection, *, who: str, state: str, mutation: str,
    expected: list[tuple[str, str | None]]
) -> None:
    owner, grantee, stranger = await make_citizen(db), await make_citizen(db), await make_citizen(db)
    grant = await add_grant(db, owner.id, grantee.id, state)
    before = await db.fetchrow("select * from access_grants where id = $1", grant)
    token = {"owner": owner.token, "grantee": grantee.token, "stranger": stranger.token}[who]

    document = ACCEPT if mutation == "acceptGrant" else REVOKE
    result = await gql(client, document, {"id": to_global_id("AccessGrant", grant)}, token=token)

    assert _errors(result, mutation) == expected
    assert await db.fetchrow("select * from access_grants where id = $1", grant) == before


@pytest.mark.parametrize("bad_id", ["not-an-id", to_global_id("Person", 1), to_global_id("AccessGrant", 2**40)])
async def test_a_bad_grant_id_is_refused_with_a_code(
    client: httpx.AsyncClient, db: asyncpg.Connection, bad_id: str
) -> None:
    citizen = await make_citizen(db)

    accepted = await gql(client, ACCEPT, {"id": bad_id}, token=citizen.token)
    revoked = await gql(client, REVOKE, {"id": bad_id}, token=citizen.token)

    expected = "NOT_FOUND" if bad_id.startswith(to_global_id("AccessGrant", 2**40)[:4]) else "INVALID_ID"
    assert [e["code"] for e in accepted["data"]["acceptGrant"]["errors"]] == [expected]
    assert [e["code"] for e in revoked["data"]["revokeGrant"]["errors"]] == [expected]


async def test_a_failure_after_the_grant_is_written_leaves_nothing_behind(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    # given a database that refuses the grant's audit event, written after the grant in the same transaction
    owner, grantee = await make_citizen(db), await make_citizen(db)
    await db.execute("""
        create function refuse_event() returns trigger language plpgsql as $$
        begin raise exception 'audit refused'; end $$;
        create trigger refuse_event before insert on audit_events
        for each row when (new.event = 'access_granted') execute function refuse_event();""")
    variables = {"granteeSocialInsuranceCode": grantee.social_insurance_code, "parts": ["CARD"],
                 "validUntil": _until(days=10)}

    result = await gql(client, GRANT, variables, token=owner.token)

    assert error_codes(result) == ["INTERNAL_ERROR"]
    assert await _grants(db, owner.id) == 0
    # guards the test: without the trigger the same grant is written
    await db.execute("drop trigger refuse_event on audit_events")
    again = await gql(client, GRANT, variables, token=owner.token)
    assert again["data"]["grantAccess"]["errors"] == [] and await _grants(db, owner.id) == 1


async def test_a_grant_opens_by_node_only_for_its_two_parties(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    owner, grantee, stranger = await make_citizen(db), await make_citizen(db), await make_citizen(db)
    grant = {"id": to_global_id("AccessGrant", await add_grant(db, owner.id, grantee.id, "PENDING"))}
    query = "query ($id: ID!) { node(id: $id) { ... on AccessGrant { state parts } } }"

    for party in (owner, grantee):
        result = await gql(client, query, grant, token=party.token)
        assert result == {"data": {"node": {"state": "PENDING", "parts": ["CARD", "CONTRIBUTIONS", "BENEFITS",
                                                                           "VISITS"]}}}
    assert await gql(client, query, grant, token=stranger.token) == {"data": {"node": None}}
    assert await gql(client, query, grant) == {"data": {"node": None}}


async def test_grantee_look_ups_are_limited_per_day(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    # given a person who has tried 20 codes today (each answer tells whether a code has an account)
    owner = await make_citizen(db)
    variables = {"granteeSocialInsuranceCode": "0000000000", "parts": ["CARD"], "validUntil": _until(days=10)}
    tried = [await gql(client, GRANT, variables, token=owner.token) for _ in range(GRANTEE_LOOKUPS_PER_DAY)]

    refused = await gql(client, GRANT, variables, token=owner.token)

    assert {_errors(r, "grantAccess")[0][0] for r in tried} == {"GRANTEE_UNAVAILABLE"}
    assert _errors(refused, "grantAccess") == [("RATE_LIMITED", "granteeSocialInsuranceCode")]
