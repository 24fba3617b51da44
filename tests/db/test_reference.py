"""Reference data: 34 provinces and 3,321 wards (since July 2025), beneficiary groups, ICD-10; loads are idempotent."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from db.reference import ICD10_CODE, load_reference_data, read_data_csv
from tests.databases import connection

COUNTS = """
select (select count(*) from provinces) as provinces, (select count(*) from wards) as wards,
       (select count(*) from beneficiary_groups) as groups, (select count(*) from icd10_codes) as icd10
"""


@pytest.fixture
async def fresh(fresh_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    async with connection(fresh_dsn) as conn:
        yield conn


async def test_loads_the_two_level_administration_groups_and_icd10(fresh: asyncpg.Connection) -> None:
    await load_reference_data(fresh)

    counts = await fresh.fetchrow(COUNTS)
    assert counts is not None
    assert (counts["provinces"], counts["wards"]) == (34, 3321)
    assert counts["groups"] == len(read_data_csv("beneficiary_groups.csv"))
    assert counts["icd10"] > 10_000
    hanoi = await fresh.fetchrow("select * from provinces where code = '01'")
    assert hanoi is not None
    assert (hanoi["name"], hanoi["short_name"]) == ("Thành phố Hà Nội", "Hà Nội")
    assert 20.5 < hanoi["latitude"] < 21.5 and 105.3 < hanoi["longitude"] < 106.3
    assert await fresh.fetchval("select name from provinces where code = '04'") == "Tỉnh Cao Bằng"
    assert await fresh.fetchval("select province_code from wards where name = 'Phường Bạch Mai'") == "01"


async def test_every_province_has_wards_and_every_code_has_its_format(fresh: asyncpg.Connection) -> None:
    await load_reference_data(fresh)

    empty = await fresh.fetchval("select count(*) from provinces p where not exists "
                                 "(select from wards w where w.province_code = p.code)")
    codes = [r["code"] for r in await fresh.fetch("select code from icd10_codes")]
    assert empty == 0
    assert all(ICD10_CODE.match(code) for code in codes)
    assert {"A00", "A00.0", "I10", "J06.9", "E11.9", "U07.1"} <= set(codes)


async def test_beneficiary_groups_carry_the_levels_of_the_data_file(fresh: asyncpg.Connection) -> None:
    await load_reference_data(fresh)

    rows = {r["code"]: (r["benefit_level"], r["coverage_percent"])
            for r in await fresh.fetch("select * from beneficiary_groups")}
    assert rows["TE"] == (1, 100)
    assert rows["HT"] == (3, 95)
    assert rows["DN"] == (4, 80)
    assert rows["QN"] == (5, 100)
    assert {"DN", "HC", "HT", "TE", "HS", "SV", "HN", "CN", "GD", "CC", "QN", "CA", "CY", "NN", "TN", "XK", "CB",
            "LH"} <= set(rows)


async def test_loading_again_changes_nothing_and_restores_edited_rows(fresh: asyncpg.Connection) -> None:
    await load_reference_data(fresh)
    before = await fresh.fetchrow(COUNTS)
    await fresh.execute("update provinces set name = 'Sai tên' where code = '79'")
    await fresh.execute("update beneficiary_groups set benefit_level = 5, coverage_percent = 100 where code = 'DN'")

    await load_reference_data(fresh)

    assert await fresh.fetchrow(COUNTS) == before
    assert await fresh.fetchval("select name from provinces where code = '79'") == "Thành phố Hồ Chí Minh"
    assert await fresh.fetchval("select benefit_level from beneficiary_groups where code = 'DN'") == 4


async def test_loading_inside_a_failed_transaction_leaves_nothing(fresh: asyncpg.Connection) -> None:
    with pytest.raises(RuntimeError, match="the caller's transaction fails"):
        async with fresh.transaction():
            await load_reference_data(fresh)
            raise RuntimeError("the caller's transaction fails after the load")

    assert await fresh.fetchval("select count(*) from wards") == 0
