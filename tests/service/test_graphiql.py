"""GraphiQL in development: served from the service's own pinned files under a policy that allows nothing external,
with every client document as a tab (Login first) on the endpoint it is sent to."""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from core.settings import Settings
from service.graphiql.assets import OWN_SCRIPT, VENDORED, sri
from tests.clients import app_client, fresh_address
from tests.graphql import CONTRACT_DIR, contract

HTML = {"Accept": "text/html"}


def _config(page: str) -> dict[str, object]:
    block = re.search(r'<script type="application/json" id="vssid-graphiql">(.*?)</script>', page, re.S)
    assert block is not None
    config: dict[str, object] = json.loads(block.group(1))
    return config


def _tab_queries(page: str) -> list[str]:
    tabs = _config(page)["tabs"]
    assert isinstance(tabs, list)
    return [tab["query"] for tab in tabs]


async def test_every_client_document_is_a_tab_of_the_endpoint_it_is_sent_to(shared_client: httpx.AsyncClient) -> None:
    citizen = (await shared_client.get("/graphql", headers=HTML)).text
    partner = (await shared_client.get("/graphql/partner", headers=HTML)).text

    citizen_tabs, partner_tabs = _tab_queries(citizen), _tab_queries(partner)
    assert citizen_tabs[0] == contract("mobile/Login")
    documents = {f"{p.parent.name}/{p.stem}" for p in CONTRACT_DIR.glob("*/*.graphql")}
    for name in documents:
        expected = partner_tabs if name.startswith("partner/") else citizen_tabs
        assert contract(name) in expected, name
    assert len(citizen_tabs) + len(partner_tabs) == len(documents)
    assert _config(citizen)["endpoint"] == "/graphql" and _config(partner)["endpoint"] == "/graphql/partner"


async def test_tabs_that_need_a_session_carry_the_bearer_placeholder(shared_client: httpx.AsyncClient) -> None:
    tabs = _config((await shared_client.get("/graphql", headers=HTML)).text)["tabs"]
    assert isinstance(tabs, list)

    by_name = {re.search(r"(?:query|mutation|subscription) (\w+)", tab["query"]).group(1): tab for tab in tabs}  # type: ignore[union-attr]
    assert json.loads(by_name["Home"]["headers"]) == {"Authorization": "Bearer <paste accessToken from Login>"}
    assert "headers" not in by_name["Login"] and "headers" not in by_name["Provinces"]
    # the demo data is loaded here, so Login runs as it is
    assert json.loads(by_name["Login"]["variables"])["socialInsuranceCode"] == "0190000001"


async def test_the_page_loads_nothing_from_outside_and_pins_every_file(shared_client: httpx.AsyncClient) -> None:
    response = await shared_client.get("/graphql", headers=HTML)

    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self';" in policy
    assert "http" not in policy and "*" not in policy
    page = response.text
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    references = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)" integrity="([^"]+)"', page)
    assert len(references) == len(VENDORED) + 1
    for url, integrity in references:
        served = await shared_client.get(url, headers={"Accept-Encoding": "identity"})
        assert served.status_code == 200, url
        assert sri(served.content) == integrity, url  # what the browser checks before it runs a file


async def test_files_go_gzipped_to_clients_that_take_gzip(shared_client: httpx.AsyncClient) -> None:
    asset = VENDORED[2]
    async with shared_client.stream("GET", asset.url, headers={"Accept-Encoding": "gzip"}) as response:
        body = b"".join([chunk async for chunk in response.aiter_raw()])  # as sent, not decoded by httpx

    assert response.headers["content-encoding"] == "gzip"
    assert "immutable" in response.headers["cache-control"]
    assert sri(gzip.decompress(body)) == asset.integrity
    own = await shared_client.get(f"/graphiql/{OWN_SCRIPT}")
    assert own.status_code == 200 and own.headers["cache-control"] == "no-cache"
    assert (await shared_client.get("/graphiql/unknown.js")).status_code == 404


@pytest.fixture
async def production(shared_settings: Settings, shared_dsn: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = dataclasses.replace(shared_settings, environment="production")
    async with app_client(settings, shared_dsn, address=fresh_address()) as served:
        yield served.http


async def test_production_serves_neither_page_nor_files(production: httpx.AsyncClient) -> None:
    for path in ("/graphql", "/graphql/partner"):
        assert (await production.get(path, headers=HTML)).status_code == 404, path
    assert (await production.get(VENDORED[0].url)).status_code == 404
