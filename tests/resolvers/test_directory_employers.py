"""The public employer list: search, province filter, paging, the contract document."""

from __future__ import annotations

import asyncpg
import httpx

from tests.graphql import contract, error_codes, gql

EMPLOYERS = contract("public/Employers")


async def test_contract_document_with_agency_and_status(
    shared_client: httpx.AsyncClient, shared_db: asyncpg.Connection
) -> None:
    result = await gql(shared_client, EMPLOYERS, {"first": 5})
    assert "errors" not in result, result
    connection = result["data"]["employers"]
    assert connection["totalCount"] == await shared_db.fetchval("select count(*) from employers") > 0
    node = connection["edges"][0]["node"]
    assert node["agency"]["code"] and node["status"] in ("ACTIVE", "SUSPENDED", "CLOSED")


async def test_search_finds_a_name_without_diacritics(
    shared_client: httpx.AsyncClient, shared_db: asyncpg.Connection
) -> None:
    row = await shared_db.fetchrow("select name, search_fold(name) as plain from employers order by id limit 1")
    result = await gql(shared_client, EMPLOYERS, {"search": row["plain"].upper(), "first": 3})
    assert result["data"]["employers"]["edges"][0]["node"]["name"] == row["name"]


async def test_province_filter_and_paging_visit_each_once(
    shared_client: httpx.AsyncClient, shared_db: asyncpg.Connection
) -> None:
    province = await shared_db.fetchval("select province_code from employers group by 1 order by count(*) desc limit 1")
    rows = await shared_db.fetch("select code from employers where province_code = $1 order by name, id", province)
    expected = [r["code"] for r in rows]
    seen: list[str] = []
    after = None
    while True:
        result = await gql(shared_client, EMPLOYERS, {"provinceCode": province, "first": 2, "after": after})
        page = result["data"]["employers"]
        seen += [e["node"]["code"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == expected
    assert error_codes(await gql(shared_client, EMPLOYERS, {"provinceCode": "x"})) == ["INVALID_INPUT"]
