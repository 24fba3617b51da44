"""X-Forwarded-For is believed only from the proxies the operator names; an address that is not one is never used."""

from __future__ import annotations

import dataclasses

import asyncpg
import httpx
import pytest
import uvicorn

from core.settings import Settings, SettingsError, load_settings
from service import ratelimit
from service.runtime import uvicorn_config
from tests.clients import app_client, fresh_address
from tests.graphql import gql

PROVINCES = {"query": "query { provinces { code } }"}
LOGIN = 'mutation { login(socialInsuranceCode: "0190000001", password: "wrong-password-1") { errors { code } } }'


async def _remaining(http: httpx.AsyncClient, forwarded_for: str) -> int:
    response = await http.post("/graphql", json=PROVINCES, headers={"X-Forwarded-For": forwarded_for})
    assert response.status_code == 200
    return int(response.headers["x-ratelimit-remaining"])


async def test_a_client_cannot_pick_the_address_its_limits_count_under(
    shared_settings: Settings, shared_dsn: str
) -> None:
    # given no trusted proxy (the default), a client that writes a new X-Forwarded-For on every request
    async with app_client(shared_settings, shared_dsn, address=fresh_address()) as served:
        counts = [await _remaining(served.http, f"192.0.2.{n}") for n in range(1, 4)]

    # then all its requests count against its own address
    limit = ratelimit.PUBLIC_REQUESTS_PER_WINDOW
    assert counts == [limit - 1, limit - 2, limit - 3]


async def test_a_trusted_proxy_reports_each_client(shared_settings: Settings, shared_dsn: str) -> None:
    # given the service behind a proxy the operator named
    proxy = fresh_address()
    behind = dataclasses.replace(shared_settings, trusted_proxies=(proxy,))
    async with app_client(behind, shared_dsn, address=proxy) as served:
        # when two clients come through it, each is counted on its own
        first = await _remaining(served.http, f"203.0.113.9, {fresh_address()}")
        second = await _remaining(served.http, fresh_address())

    limit = ratelimit.PUBLIC_REQUESTS_PER_WINDOW
    assert first == second == limit - 1


async def test_a_forwarded_value_that_is_no_address_is_never_used(settings: Settings, db_dsn: str) -> None:
    # given a trusted proxy passing on a value that is not an IP address
    proxy = fresh_address()
    behind = dataclasses.replace(settings, trusted_proxies=(proxy,))
    async with app_client(behind, db_dsn, address=proxy) as served:
        result = await gql(served.http, LOGIN, headers={"X-Forwarded-For": "not-an-ip"})

    # then the login is answered as any failed login (no INTERNAL_ERROR), and no such address is stored
    assert result["data"]["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]
    conn = await asyncpg.connect(db_dsn)
    try:
        stored = await conn.fetchval("select count(*) from audit_events where client_address is not null")
        assert await conn.fetchval("select count(*) from audit_events where event = 'login_failed'") == 1
    finally:
        await conn.close()
    assert stored == 0


def test_trusted_proxies_are_checked_at_start() -> None:
    assert load_settings({"VSSID_TRUSTED_PROXIES": "10.0.0.5, 10.1.0.0/16"}).trusted_proxies == (
        "10.0.0.5", "10.1.0.0/16",
    )  # fmt: skip
    with pytest.raises(SettingsError, match="VSSID_TRUSTED_PROXIES"):
        load_settings({"VSSID_TRUSTED_PROXIES": "proxy.internal"})


def test_uvicorn_believes_no_forwarding_header_itself() -> None:
    # uvicorn's default would believe X-Forwarded-For from any client on 127.0.0.1; the app decides instead
    config = uvicorn_config(load_settings({}), object())
    assert isinstance(config, uvicorn.Config) and config.proxy_headers is False
