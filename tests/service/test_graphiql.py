"""GraphiQL opens with the mobile contract documents as tabs and an Authorization header ready to fill in."""

from __future__ import annotations

import json

import httpx

from service.graphiql import TABS, graphiql_html
from tests.graphql import contract


def test_the_tabs_are_the_contract_s_mobile_documents() -> None:
    page = graphiql_html()

    for name in TABS:
        assert json.dumps(contract(f"mobile/{name}"), ensure_ascii=False) in page, name


async def test_graphiql_page_carries_the_tabs_and_the_bearer_header(shared_client: httpx.AsyncClient) -> None:
    response = await shared_client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    page = response.text
    assert "defaultTabs: VSSID_TABS" in page
    assert "query Home {" in page and "query AccessLog(" in page
    assert "Bearer <paste accessToken from Login>" in page
