"""ContributionPeriod.amountOwed: past-due unpaid months only (nợ đóng), at the schemes' total rates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from tests.factories import add_period, make_citizen
from tests.graphql import gql

PERIODS = """query { me { contributionPeriods(first: 20) { edges { node {
    scheme fromMonth toMonth status salaryBasis amountOwed } } } } }"""


def _month(shift: int) -> str:
    today = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    index = today.year * 12 + today.month - 1 + shift
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


async def test_only_past_due_months_are_owed(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    # given three past-due unpaid months, the two not yet due, and a paid stretch before them (basis 12,500,000)
    citizen = await make_citizen(db)
    await add_period(db, citizen.id, "BHXH_COMPULSORY", _month(-10), _month(-5))
    await add_period(db, citizen.id, "BHXH_COMPULSORY", _month(-4), _month(-2), status="UNPAID")
    await add_period(db, citizen.id, "BHXH_COMPULSORY", _month(-1), _month(0), status="UNPAID")
    await add_period(db, citizen.id, "BHYT", _month(-4), _month(-2), status="UNPAID")

    result = await gql(client, PERIODS, token=citizen.token)

    owed = {(n["scheme"], n["fromMonth"], n["status"]): n["amountOwed"]
            for n in (e["node"] for e in result["data"]["me"]["contributionPeriods"]["edges"])}
    assert owed == {
        ("BHXH_COMPULSORY", _month(-10), "PAID"): "0",
        ("BHXH_COMPULSORY", _month(-4), "UNPAID"): "9375000",  # 3 × 12,500,000 × 25%
        ("BHXH_COMPULSORY", _month(-1), "UNPAID"): "0",  # not yet due
        ("BHYT", _month(-4), "UNPAID"): "1687500",  # 3 × 12,500,000 × 4.5%
    }
