"""The person's lists: contract documents, keyset paging (also while rows arrive), summaries, and bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import httpx

from schema.ids import to_global_id
from tests.factories import (
    FIRST_VISIT,
    VN,
    Citizen,
    add_access,
    add_benefit,
    add_period,
    add_visits,
    make_citizen,
)
from tests.graphql import contract, error_codes, gql

HOME = contract("mobile/Home")
CONTRIBUTIONS = contract("mobile/Contributions")
BENEFITS = contract("mobile/Benefits")
MEDICAL_HISTORY = contract("mobile/MedicalHistory")
ACCESS_LOG = contract("mobile/AccessLog")
NODE = "query Node($id: ID!) { node(id: $id) { id } }"


async def _walk(
    client: httpx.AsyncClient, citizen: Citizen, query: str, field: str, first: int, **variables: Any
) -> list[Any]:
    """Every node of a list, page by page through endCursor."""
    nodes: list[Any] = []
    after = None
    while True:
        result = await gql(client, query, {**variables, "first": first, "after": after}, token=citizen.token)
        assert "errors" not in result, result
        page = result["data"]["me"][field]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


async def test_walking_visits_page_by_page_returns_each_exactly_once_newest_first(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 47)

    nodes = await _walk(client, citizen, MEDICAL_HISTORY, "medicalVisits", 10)

    ids = [n["id"] for n in nodes]
    assert len(ids) == 47 and len(set(ids)) == 47
    admitted = [n["admittedAt"] for n in nodes]
    assert admitted == sorted(admitted, reverse=True)


async def test_paging_stays_exact_while_visits_are_inserted_between_pages(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    # given 30 visits and a first page of 10
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 30)
    original = {
        r["id"] for r in await db.fetch("select id from medical_visits where person_id = $1", citizen.id)
    }
    first = await gql(client, MEDICAL_HISTORY, {"first": 10}, token=citizen.token)
    page = first["data"]["me"]["medicalVisits"]
    seen = [e["node"]["id"] for e in page["edges"]]
    after = page["pageInfo"]["endCursor"]

    # when new visits arrive (newer than everything, as new claims do) between every page
    while after:
        await add_visits(
            db, citizen.id, 3, start=dt.datetime(2026, 1, 1, tzinfo=VN) + dt.timedelta(days=len(seen))
        )
        result = await gql(client, MEDICAL_HISTORY, {"first": 10, "after": after}, token=citizen.token)
        page = result["data"]["me"]["medicalVisits"]
        seen += [e["node"]["id"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None

    # then the walk returned each original visit exactly once and nothing twice
    assert len(seen) == len(set(seen)) == 30
    assert set(seen) == {to_global_id("MedicalVisit", pk) for pk in original}


async def test_contributions_page_filter_and_total(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    citizen = await make_citizen(db)
    for year in range(2000, 2012):
        await add_period(db, citizen.id, "BHXH_COMPULSORY", f"{year}-01", f"{year}-12")
        await add_period(db, citizen.id, "BHTN", f"{year}-01", f"{year}-12")

    walked = await _walk(client, citizen, CONTRIBUTIONS, "contributionPeriods", 5, scheme="BHTN")
    result = await gql(client, CONTRIBUTIONS, {"scheme": "BHTN", "first": 3}, token=citizen.token)

    assert len(walked) == 12 and {n["scheme"] for n in walked} == {"BHTN"}
    assert [n["fromMonth"] for n in walked] == [f"{y}-01" for y in range(2011, 1999, -1)]
    assert walked[0]["salaryBasis"] == "12500000" and walked[0]["months"] == 12
    assert walked[0]["employer"]["code"]
    assert result["data"]["me"]["contributionPeriods"]["totalCount"] == 12


async def test_contribution_summary_counts_each_pension_month_once(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    # given two overlapping compulsory periods, an unpaid stretch, voluntary months and a BHTN period
    citizen = await make_citizen(db)
    await add_period(db, citizen.id, "BHXH_COMPULSORY", "2020-01", "2020-12")
    await add_period(db, citizen.id, "BHXH_COMPULSORY", "2020-07", "2021-03", status="UNPAID")
    await add_period(db, citizen.id, "BHXH_VOLUNTARY", "2022-01", "2022-06")
    await add_period(db, citizen.id, "BHTN", "2020-01", "2020-12")

    result = await gql(client, HOME, token=citizen.token)

    summary = result["data"]["me"]["contributionSummary"]
    # 2020 (12) + 2021-01..03 (3, unpaid only) + 2022-01..06 (6) = 21; BHTN adds nothing to the pension count
    assert summary["totalMonths"] == 21 and summary["unpaidMonths"] == 3
    assert {s["scheme"]: (s["months"], s["unpaidMonths"]) for s in summary["byScheme"]} == {
        "BHXH_COMPULSORY": (15, 3),
        "BHXH_VOLUNTARY": (6, 0),
        "BHTN": (12, 0),
    }


async def test_benefits_filter_by_kind_newest_payment_first(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    citizen = await make_citizen(db)
    for month in range(1, 8):
        await add_benefit(db, citizen.id, "SICKNESS" if month % 2 else "MATERNITY", dt.date(2024, month, 15))

    sickness = await _walk(client, citizen, BENEFITS, "benefits", 2, kind="SICKNESS")

    assert [b["paidOn"] for b in sickness] == ["2024-07-15", "2024-05-15", "2024-03-15", "2024-01-15"]
    assert sickness[0]["amount"] == "3200000000" and sickness[0]["payingAgency"]["code"]


async def test_visit_years_and_year_filter_agree(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 400)

    result = await gql(client, MEDICAL_HISTORY, {"year": 2024, "first": 1}, token=citizen.token)

    me = result["data"]["me"]
    years = {y["year"]: y for y in me["visitSummary"]}
    assert sum(y["visits"] for y in years.values()) == 400
    in_2024 = sum(1 for i in range(400) if (FIRST_VISIT - dt.timedelta(days=i)).year == 2024)
    assert me["medicalVisits"]["totalCount"] == years[2024]["visits"] == in_2024
    assert me["medicalVisits"]["edges"][0]["node"]["admittedAt"].startswith("2024-12-31")
    total = sum(int(y["totalCost"]) for y in years.values())
    assert total == sum(100_000 + i for i in range(400))


async def test_the_largest_amounts_a_visit_can_hold_are_answered_to_the_dong(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    # Amounts are numeric(15, 0) in the table and read as bigint (db/visits.py): nothing is rounded on the way,
    # in a visit nor in a year's sums, far beyond a double's exact integers.
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 2)
    await db.execute(
        "update medical_visits set total_cost = 999999999999999, insurance_paid = 799999999999999, "
        "patient_paid = 200000000000000 where person_id = $1",
        citizen.id,
    )

    result = await gql(client, MEDICAL_HISTORY, {"first": 1}, token=citizen.token)

    me = result["data"]["me"]
    node = me["medicalVisits"]["edges"][0]["node"]
    assert (node["totalCost"], node["insurancePaid"], node["patientPaid"]) == (
        "999999999999999", "799999999999999", "200000000000000"
    )
    [year] = me["visitSummary"]
    assert (year["totalCost"], year["insurancePaid"], year["patientPaid"]) == (
        "1999999999999998", "1599999999999998", "400000000000000"
    )


async def test_access_log_lists_reads_by_others_newest_first(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    citizen, other = await make_citizen(db), await make_citizen(db)
    for day in range(1, 6):
        await add_access(db, citizen.id, dt.datetime(2025, 3, day, tzinfo=VN), actor=f"Bệnh viện {day}")
    await add_access(db, other.id, dt.datetime(2025, 3, 9, tzinfo=VN), actor="Not yours")

    entries = await _walk(client, citizen, ACCESS_LOG, "accessLog", 2)

    assert [e["actorName"] for e in entries] == [f"Bệnh viện {d}" for d in range(5, 0, -1)]
    assert entries[0]["actorKind"] == "PARTNER" and entries[0]["dataCategories"] == ["CARD"]


async def test_own_reads_leave_no_trace_in_the_access_log(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 3)

    for query in (HOME, MEDICAL_HISTORY, CONTRIBUTIONS, BENEFITS):
        await gql(client, query, token=citizen.token)

    assert await db.fetchval("select count(*) from access_log where person_id = $1", citizen.id) == 0


async def test_bad_input_answers_a_code_and_no_data(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 5)
    visits = await gql(client, MEDICAL_HISTORY, {"first": 2}, token=citizen.token)
    visit_cursor = visits["data"]["me"]["medicalVisits"]["pageInfo"]["endCursor"]
    benefit_cursor_like = visit_cursor[:-4] + "AAAA"

    cases: list[tuple[str, dict[str, Any], str]] = [
        (MEDICAL_HISTORY, {"first": -1}, "INVALID_INPUT"),
        (MEDICAL_HISTORY, {"first": 1_000_000}, "INVALID_INPUT"),
        (MEDICAL_HISTORY, {"first": 101}, "INVALID_INPUT"),
        (MEDICAL_HISTORY, {"year": 2_147_483_647}, "INVALID_INPUT"),
        (MEDICAL_HISTORY, {"after": "not a cursor"}, "INVALID_CURSOR"),
        (MEDICAL_HISTORY, {"after": benefit_cursor_like}, "INVALID_CURSOR"),
        (BENEFITS, {"after": visit_cursor}, "INVALID_CURSOR"),
        (CONTRIBUTIONS, {"after": visit_cursor}, "INVALID_CURSOR"),
        (ACCESS_LOG, {"after": visit_cursor}, "INVALID_CURSOR"),
        (NODE, {"id": "%%%"}, "INVALID_ID"),
        (NODE, {"id": to_global_id("Account", 1)}, "INVALID_ID"),
        (NODE, {"id": "UGVyc29uOi0x"}, "INVALID_ID"),  # "Person:-1"
    ]
    for query, variables, code in cases:
        result = await gql(client, query, variables, token=citizen.token)

        assert error_codes(result) == [code], (variables, result)
        assert "Traceback" not in str(result)
        data = result.get("data") or {}
        assert not (data.get("me") or {}).get("medicalVisits"), result


async def test_an_unknown_enum_value_is_refused_before_anything_runs(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    citizen = await make_citizen(db)

    result = await gql(client, CONTRIBUTIONS, {"scheme": "PENSION_PLUS"}, token=citizen.token)
    benefits = await gql(client, BENEFITS, {"kind": "LOTTERY"}, token=citizen.token)

    for answer in (result, benefits):
        assert answer.get("data") is None and answer["errors"]
        assert "Traceback" not in str(answer)
