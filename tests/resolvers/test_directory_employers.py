"""The public employer list: search, province filter, paging, the contract document."""

from __future__ import annotations

import asyncpg
import httpx

from tests.graphql import contract, error_codes, gql

EMPLOYERS = contract("public/Employers")


async def test_contract_document_with_agency_and_status(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    result = await gql(client, EMPLOYERS, {"first": 5})
    assert "errors" not in result, result
    connection = result["data"]["employers"]
    assert connection["totalCount"] == await db.fetchval("select count(*) from employers") > 0
    node = connection["edges"][0]["node"]
    assert node["agency"]["code"] and node["status"] in ("ACTIVE", "SUSPENDED", "CLOSED")


async def test_search_finds_a_name_without_diacritics(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    row = await db.fetchrow("select name, search_fold(name) as plain from employers order by id limit 1")
    result = await gql(client, EMPLOYERS, {"search": row["plain"].upper(), "first": 3})
    assert result["data"]["employers"]["edges"][0]["node"]["name"] == row["name"]


async def test_province_filter_and_paging_visit_each_once(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    province = await db.fetchval("select province_code from employers group by 1 order by count(*) desc limit 1")
    rows = await db.fetch("select code from employers where province_code = $1 order by name, id", province)
    expected = [r["code"] for r in rows]
    seen: list[str] = []
    after = None
    while True:
        result = await gql(client, EMPLOYERS, {"provinceCode": province, "first": 2, "after": after})
        page = result["data"]["employers"]
        seen += [e["node"]["code"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == expected
    assert error_codes(await gql(client, EMPLOYERS, {"provinceCode": "x"})) == ["INVALID_INPUT"]
