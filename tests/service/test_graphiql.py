"""GraphiQL opens with the mobile contract documents as tabs and an Authorization header ready to fill in."""

from __future__ import annotations

import httpx

from service.graphiql import DOCS_DIR, TABS
from tests.graphql import contract


def test_the_shipped_documents_are_the_contract_s() -> None:
    for name in TABS:
        assert (DOCS_DIR / f"{name}.graphql").read_text(encoding="utf-8") == contract(f"mobile/{name}")


async def test_graphiql_page_carries_the_tabs_and_the_bearer_header(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    page = response.text
    assert "defaultTabs: VSSID_TABS" in page
    assert "query Home {" in page and "query AccessLog(" in page
    assert "Bearer <paste accessToken from Login>" in page
