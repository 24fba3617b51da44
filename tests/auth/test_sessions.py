"""Sessions: rotation of refresh tokens, reuse detection, logout, expiry."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx

from tests.factories import PASSWORD, Person
from tests.graphql import contract, error_codes, gql

LOGIN = contract("mobile/Login")
REFRESH = contract("mobile/RefreshSession")
LOGOUT = contract("mobile/Logout")
MY_ACCOUNT = "query MyAccount { myAccount { mustChangePassword } }"


async def login(client: httpx.AsyncClient, person: Person) -> dict[str, Any]:
    result = await gql(client, LOGIN, {"socialInsuranceCode": person.social_insurance_code, "password": PASSWORD})
    payload: dict[str, Any] = result["data"]["login"]
    return payload


async def refresh(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await gql(client, REFRESH, {"refreshToken": token}))["data"]["refreshSession"]
    return payload


async def test_refresh_rotates_both_tokens(client: httpx.AsyncClient, citizen: Person) -> None:
    session = await login(client, citizen)

    renewed = await refresh(client, session["refreshToken"])

    assert renewed["errors"] == []
    assert renewed["refreshToken"] != session["refreshToken"] and renewed["accessToken"] != session["accessToken"]
    assert "errors" not in await gql(client, MY_ACCOUNT, token=renewed["accessToken"])
    assert error_codes(await gql(client, MY_ACCOUNT, token=session["accessToken"])) == ["UNAUTHENTICATED"]


async def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(
    client: httpx.AsyncClient, db: asyncpg.Connection, citizen: Person
) -> None:
    # Given a session refreshed once (the thief kept the first refresh token) and another, unrelated login
    session = await login(client, citizen)
    renewed = await refresh(client, session["refreshToken"])
    unrelated = await login(client, citizen)

    # When the old refresh token comes back
    replay = await refresh(client, session["refreshToken"])

    # Then it is refused and the legitimate descendant dies too; the unrelated session lives on
    assert [e["code"] for e in replay["errors"]] == ["REFRESH_TOKEN_INVALID"] and replay["accessToken"] is None
    assert error_codes(await gql(client, MY_ACCOUNT, token=renewed["accessToken"])) == ["UNAUTHENTICATED"]
    assert [e["code"] for e in (await refresh(client, renewed["refreshToken"]))["errors"]] == ["REFRESH_TOKEN_INVALID"]
    assert "errors" not in await gql(client, MY_ACCOUNT, token=unrelated["accessToken"])
    assert await db.fetchval("select count(*) from audit_events where event = 'refresh_token_reused'") == 1


async def test_logout_ends_the_session_and_its_refresh_token(client: httpx.AsyncClient, citizen: Person) -> None:
    session = await login(client, citizen)

    result = await gql(client, LOGOUT, token=session["accessToken"])

    assert result["data"]["logout"] == {"ok": True}
    assert error_codes(await gql(client, MY_ACCOUNT, token=session["accessToken"])) == ["UNAUTHENTICATED"]
    assert [e["code"] for e in (await refresh(client, session["refreshToken"]))["errors"]] == ["REFRESH_TOKEN_INVALID"]


async def test_logout_without_a_session_is_unauthenticated(client: httpx.AsyncClient) -> None:
    assert error_codes(await gql(client, LOGOUT)) == ["UNAUTHENTICATED"]


async def test_expired_or_unknown_tokens_are_refused(
    client: httpx.AsyncClient, db: asyncpg.Connection, citizen: Person
) -> None:
    session = await login(client, citizen)
    await db.execute(
        "update sessions set access_expires_at = now() - interval '1 second', refresh_expires_at = now() "
        "where person_id = $1",
        citizen.id,
    )

    assert error_codes(await gql(client, MY_ACCOUNT, token=session["accessToken"])) == ["UNAUTHENTICATED"]
    assert [e["code"] for e in (await refresh(client, session["refreshToken"]))["errors"]] == ["REFRESH_TOKEN_INVALID"]
    assert [e["code"] for e in (await refresh(client, "vsr_made-up"))["errors"]] == ["REFRESH_TOKEN_INVALID"]
    assert error_codes(await gql(client, MY_ACCOUNT, token="vsa_made-up")) == ["UNAUTHENTICATED"]
