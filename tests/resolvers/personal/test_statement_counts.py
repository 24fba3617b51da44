"""No N+1: a page of visits costs the same number of SQL statements whatever the history's size, and loaders batch."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx

from auth.viewer import Viewer, ViewerKind
from loaders.base import BaseLoader
from loaders.directory import BeneficiaryGroupByCodeLoader, DiagnosisByCodeLoader
from loaders.personal import (
    BenefitByIdLoader,
    ContributionPeriodByIdLoader,
    ContributionSummaryRowsByPersonIdLoader,
    InsuranceCardByIdLoader,
    MedicalVisitByIdLoader,
    MedicalVisitYearsByPersonIdLoader,
    PersonByIdLoader,
)
from tests.clients import AppClient
from tests.factories import add_period, add_visits, make_citizen
from tests.graphql import contract, gql

HOME = contract("mobile/Home")
MEDICAL_HISTORY = contract("mobile/MedicalHistory")


async def _count(counting: AppClient, query: str, token: str, variables: dict[str, Any]) -> int:
    counting.log.clear()
    result = await gql(counting.http, query, variables, token=token)
    assert "errors" not in result, result
    return len(counting.log.statements)


async def test_home_and_history_cost_the_same_statements_for_5_and_500_visits(
    db: asyncpg.Connection, counting: AppClient
) -> None:
    # given one person with 5 visits and another with 500, spread over every hospital and clinic
    small, large = await make_citizen(db), await make_citizen(db)
    await add_visits(db, small.id, 5)
    await add_visits(db, large.id, 500)
    facilities = await db.fetchval(
        "select count(distinct facility_id) from medical_visits where person_id = $1", large.id
    )
    assert facilities > 20

    documents: list[tuple[str, dict[str, Any]]] = [(HOME, {}), (MEDICAL_HISTORY, {"first": 100})]
    for query, variables in documents:
        # when each person loads the document
        small_count = await _count(counting, query, small.token, variables)
        large_count = await _count(counting, query, large.token, variables)

        # then the number of statements does not grow with the history
        assert small_count == large_count, (small_count, large_count)
        assert large_count <= 12


async def test_a_page_of_100_visits_loads_their_facilities_in_one_statement(
    db: asyncpg.Connection, counting: AppClient
) -> None:
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 150)

    counting.log.clear()
    result = await gql(counting.http, MEDICAL_HISTORY, {"first": 100}, token=citizen.token)

    assert len(result["data"]["me"]["medicalVisits"]["edges"]) == 100
    facility_reads = [s for s in counting.log.statements if "from facilities" in s]
    assert len(facility_reads) == 1


async def test_the_visits_total_comes_from_their_years_without_a_count_of_its_own(
    db: asyncpg.Connection, counting: AppClient
) -> None:
    # given a person whose visits span several calendar years (in Vietnam)
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 900)
    by_year = dict(
        await db.fetch(
            "select extract(year from admitted_at at time zone 'Asia/Ho_Chi_Minh')::int, count(*)::int "
            "from medical_visits where person_id = $1 group by 1",
            citizen.id,
        )
    )
    assert len(by_year) >= 3

    for year in (None, min(by_year), max(by_year)):
        counting.log.clear()
        result = await gql(counting.http, MEDICAL_HISTORY, {"first": 5, "year": year}, token=citizen.token)

        # then the total is the visits of that year (or of all), read from the per-year totals it shows anyway
        me = result["data"]["me"]
        expected = sum(by_year.values()) if year is None else by_year[year]
        assert me["medicalVisits"]["totalCount"] == expected, year
        assert {y["year"]: y["visits"] for y in me["visitSummary"]} == by_year
        assert not any("count(*) from medical_visits" in s for s in counting.log.statements)

    # and the total alone still answers (the years read for it, not shown)
    alone = "query ($year: Int) { me { medicalVisits(year: $year) { totalCount } } }"
    result = await gql(counting.http, alone, {"year": max(by_year)}, token=citizen.token)
    assert result["data"]["me"]["medicalVisits"]["totalCount"] == by_year[max(by_year)]


async def test_each_personal_loader_answers_many_keys_with_one_statement(
    db: asyncpg.Connection, counting: AppClient, db_dsn: str
) -> None:
    # given a citizen with records, and loaders bound to that citizen as viewer
    citizen = await make_citizen(db)
    await add_visits(db, citizen.id, 30)
    for year in range(2010, 2020):
        await add_period(db, citizen.id, "BHXH_COMPULSORY", f"{year}-01", f"{year}-06")
    visit_ids = await _ids(db, "medical_visits", citizen.id)
    period_ids = await _ids(db, "contribution_periods", citizen.id)
    codes = [r["code"] for r in await db.fetch("select code from icd10_codes order by code limit 50")]
    groups = [r["code"] for r in await db.fetch("select code from beneficiary_groups")]
    viewer = Viewer(kind=ViewerKind.CITIZEN, person_id=citizen.id)
    pool = await asyncpg.create_pool(db_dsn, min_size=1, max_size=2, init=counting.log.attach)
    try:
        cases: list[tuple[type[BaseLoader], list[Any]]] = [
            (MedicalVisitByIdLoader, visit_ids),
            (ContributionPeriodByIdLoader, period_ids),
            (BenefitByIdLoader, visit_ids),
            (InsuranceCardByIdLoader, visit_ids),
            (PersonByIdLoader, [citizen.id, citizen.id + 1]),
            (ContributionSummaryRowsByPersonIdLoader, [citizen.id, citizen.id + 1]),
            (MedicalVisitYearsByPersonIdLoader, [citizen.id, citizen.id + 1]),
            (DiagnosisByCodeLoader, codes),
            (BeneficiaryGroupByCodeLoader, groups),
        ]
        for loader_class, keys in cases:
            counting.log.clear()
            # when one loader is asked for many keys at once
            values = await loader_class(pool, viewer).load_many(keys)

            # then one statement answers them all, in key order
            assert len(counting.log.statements) == 1, loader_class.__name__
            assert len(values) == len(keys)
        visits = await MedicalVisitByIdLoader(pool, viewer).load_many(list(reversed(visit_ids)))
        assert [v["id"] if v else None for v in visits] == list(reversed(visit_ids))
    finally:
        await pool.close()


async def _ids(db: asyncpg.Connection, table: str, person_id: int) -> list[int]:
    return [r["id"] for r in await db.fetch(f"select id from {table} where person_id = $1 order by id", person_id)]


async def test_the_statement_log_sees_requests(counting: AppClient) -> None:
    # guards the counting itself: a request that touches the database shows up in the log
    counting.log.clear()
    await gql(counting.http, "{ provinces { code } }")
    assert counting.log.statements
    assert isinstance(counting.http, httpx.AsyncClient)
