"""Helpers for tests that speak GraphQL over HTTP, and the client contract documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

# The client contract as the repository keeps it (the `contract` package).
CONTRACT_DIR = Path(__file__).resolve().parents[1] / "contract"


def contract(name: str) -> str:
    """A client document as the clients send it, e.g. contract("mobile/Home")."""
    return (CONTRACT_DIR / f"{name}.graphql").read_text(encoding="utf-8")


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    operation_name: str | None = None,
    token: str | None = None,
    api_key: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST a document; return the decoded body (with `data` and maybe `errors`)."""
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    if api_key:
        sent["X-API-Key"] = api_key
    body: dict[str, Any] = {"query": query, "variables": variables or {}}
    if operation_name:
        body["operationName"] = operation_name
    response = await client.post("/graphql", json=body, headers=sent)
    assert response.status_code in (200, 400), response.text
    result: dict[str, Any] = response.json()
    return result


def error_codes(result: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code", "") for e in result.get("errors", [])]
