"""Session tokens name their person (`vsa_<person id>.<secret>`): the look-ups are one person's (docs/scale.md,
'Sessions'). Another person's id in front of a secret finds nothing; a token that does not parse is simply unknown."""

from __future__ import annotations

import re
import secrets

import asyncpg
import httpx
import pytest

from auth.sessions import ACCESS_PREFIX, REFRESH_PREFIX, access_token_lookup
from auth.tokens import new_person_token, token_hashes, token_person
from tests.auth.test_sessions import MY_ACCOUNT, login, refresh
from tests.factories import Person, make_account
from tests.graphql import error_codes, gql

SECRET = secrets.token_urlsafe(32)


def _with_person(token: str, person_id: int) -> str:
    """The same secret behind another person's id."""
    prefix, _, secret = token.partition(".")
    return f"{prefix[:4]}{person_id}.{secret}"


def test_a_token_is_its_prefix_the_person_id_and_a_secret() -> None:
    token = new_person_token(ACCESS_PREFIX, 1024)

    assert re.fullmatch(r"vsa_1024\.[A-Za-z0-9_-]{43}", token)
    assert token_person(ACCESS_PREFIX, token) == 1024
    assert token_person(REFRESH_PREFIX, new_person_token(REFRESH_PREFIX, 9_223_372_036_854_775_807)) == 2**63 - 1


@pytest.mark.parametrize(
    "token",
    [
        "",
        "vsa_",
        "vsa_42",
        "vsa_42.",
        f"vsa_.{SECRET}",
        f"vsa_042.{SECRET}",  # one spelling per id: no leading zero
        f"vsa_-42.{SECRET}",
        f"vsa_0.{SECRET}",
        f"vsa_9223372036854775808.{SECRET}",  # past bigint
        f"vsa_12345678901234567890.{SECRET}",
        f"vsa_４２.{SECRET}",  # digits, but not ASCII ones
        f"vsa_42.{SECRET} ",
        f"vsa_42.{SECRET}.x",
        "vsa_42.short",
        f"vsr_42.{SECRET}",  # a refresh token is no access token
        f"42.{SECRET}",
        f"vsa_{SECRET}",  # as issued before tokens named their person
    ],
)
def test_a_token_that_does_not_parse_names_nobody(token: str) -> None:
    assert token_person(ACCESS_PREFIX, token) is None
    assert access_token_lookup(token) is None


def test_the_lookup_is_by_the_person_and_the_whole_token_s_hashes() -> None:
    token = new_person_token(ACCESS_PREFIX, 7)

    lookup = access_token_lookup(token)

    assert lookup is not None and lookup.person_id == 7 and lookup.hashes == token_hashes(token)
    assert token_hashes(_with_person(token, 8)) != lookup.hashes  # the id is part of what is hashed


async def test_login_issues_tokens_that_name_the_person(client: httpx.AsyncClient, citizen: Person) -> None:
    session = await login(client, citizen)

    assert token_person(ACCESS_PREFIX, session["accessToken"]) == citizen.id
    assert token_person(REFRESH_PREFIX, session["refreshToken"]) == citizen.id
    renewed = await refresh(client, session["refreshToken"])
    assert token_person(ACCESS_PREFIX, renewed["accessToken"]) == citizen.id


async def test_a_secret_behind_another_person_s_id_is_not_found(
    client: httpx.AsyncClient, db: asyncpg.Connection, citizen: Person
) -> None:
    # given two persons signed in
    other = await make_account(db)
    mine, theirs = await login(client, citizen), await login(client, other)

    # when one's secrets are sent behind the other's id (or the other's behind one's)
    for token, person_id in ((mine["accessToken"], other.id), (theirs["accessToken"], citizen.id)):
        assert error_codes(await gql(client, MY_ACCOUNT, token=_with_person(token, person_id))) == ["UNAUTHENTICATED"]
    swapped = await refresh(client, _with_person(mine["refreshToken"], other.id))

    # then nothing is found, and the real tokens are untouched by the attempts
    assert [e["code"] for e in swapped["errors"]] == ["REFRESH_TOKEN_INVALID"] and swapped["accessToken"] is None
    assert "errors" not in await gql(client, MY_ACCOUNT, token=theirs["accessToken"])
    assert (await refresh(client, mine["refreshToken"]))["errors"] == []
    assert await db.fetchval("select count(*) from audit_events where event = 'refresh_token_reused'") == 0


@pytest.mark.parametrize(
    "token",
    ["vsa_", "vsa_abc.def", f"vsa_99999999999999999999999.{SECRET}", f"vsa_{SECRET}", f"vsa_1.{SECRET}", "vsa_1.%00"],
)
async def test_a_malformed_or_old_format_token_is_unauthenticated(client: httpx.AsyncClient, token: str) -> None:
    result = await gql(client, MY_ACCOUNT, token=token)

    assert error_codes(result) == ["UNAUTHENTICATED"]
    refused = await refresh(client, token.replace(ACCESS_PREFIX, REFRESH_PREFIX))
    assert [e["code"] for e in refused["errors"]] == ["REFRESH_TOKEN_INVALID"]
