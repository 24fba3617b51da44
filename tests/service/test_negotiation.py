"""GraphQL over HTTP: application/graphql-response+json for clients that ask for it, the legacy answer for others."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.requests import ClientDisconnect, Request

from core.errors import RequestError
from service.negotiation import GRAPHQL_RESPONSE, preferred, read_bounded

BROKEN = {"query": "{ provinces { nonsense } }"}
FINE = {"query": "{ provinces { code } }"}


async def test_a_request_that_never_executed_is_a_4xx_without_data(shared_client: httpx.AsyncClient) -> None:
    response = await shared_client.post("/graphql", json=BROKEN, headers={"Accept": GRAPHQL_RESPONSE})

    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = response.json()
    assert "data" not in body and body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_an_executed_request_is_200_in_the_new_media_type(shared_client: httpx.AsyncClient) -> None:
    response = await shared_client.post("/graphql", json=FINE, headers={"Accept": f"{GRAPHQL_RESPONSE}, */*;q=0.5"})

    assert response.status_code == 200 and response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert len(response.json()["data"]["provinces"]) == 34


async def test_legacy_clients_keep_their_answer(shared_client: httpx.AsyncClient) -> None:
    for headers in ({}, {"Accept": "application/json"}, {"Accept": "*/*"}):
        response = await shared_client.post("/graphql", json=BROKEN, headers=headers)
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
        assert response.json()["data"] is None


async def test_a_client_accepting_neither_type_is_told_406(shared_client: httpx.AsyncClient) -> None:
    response = await shared_client.post("/graphql", json=FINE, headers={"Accept": "text/plain"})

    assert response.status_code == 406
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "application/json"),
        ("application/json", "application/json"),
        ("application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/json;q=0.9, application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/graphql-response+json;q=0.5, application/json", "application/json"),
        ("application/*", "application/json"),
        ("text/html", None),
        ("application/graphql-response+json;q=0", None),
    ],
)
def test_the_media_type_follows_the_accept_header(accept: str | None, chosen: str | None) -> None:
    assert preferred(accept) == chosen


def _request(*messages: dict[str, Any]) -> Request:
    queue = list(messages)

    async def receive() -> dict[str, Any]:
        return queue.pop(0)

    return Request({"type": "http", "method": "POST", "headers": []}, receive)


async def test_a_body_in_chunks_is_read_whole_and_refused_past_the_limit() -> None:
    chunks = (
        {"type": "http.request", "body": b'{"query": ', "more_body": True},
        {"type": "http.request", "body": b"", "more_body": True},
        {"type": "http.request", "body": b'"{ __typename }"}'},
    )
    assert await read_bounded(_request(*chunks), 100) == b'{"query": "{ __typename }"}'
    with pytest.raises(RequestError) as refused:
        await read_bounded(_request(*chunks), 12)
    assert refused.value.status == 413


async def test_a_client_gone_while_its_body_is_read_is_a_disconnect() -> None:
    with pytest.raises(ClientDisconnect):
        first = {"type": "http.request", "body": b"{", "more_body": True}
        await read_bounded(_request(first, {"type": "http.disconnect"}), 100)
