"""The electronic social insurance book (sổ BHXH điện tử) as a PDF: only for its owner, in Vietnamese with its
diacritics, bounded for a long history, and listed in the owner's access log once per fetch."""

from __future__ import annotations

import base64
import datetime as dt
import io
import unicodedata
from typing import Any

import asyncpg
import httpx
from pypdf import PdfReader

from schema.ids import to_global_id
from schema.insurance_book import ACCESS_PURPOSE
from tests.factories import add_period, make_citizen
from tests.family import add_guardianship, set_birth, today_in_vietnam, years_before
from tests.graphql import contract, error_codes, gql

INSURANCE_BOOK = contract("mobile/InsuranceBook")
NODE_BOOK = """query ($id: ID!) { node(id: $id) { ... on Person {
  fullName socialInsuranceBook { fileName size } } } }"""
NAME = "Đặng Thị Hường"
LOGGED = "select count(*) from access_log where person_id = $1 and actor_kind = 'SYSTEM' and purpose = $2"


def _pdf(book: dict[str, Any]) -> tuple[bytes, str]:
    body = base64.b64decode(book["dataBase64"], validate=True)
    reader = PdfReader(io.BytesIO(body))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return body, " ".join(unicodedata.normalize("NFC", text).split())  # words as the reader reads them


async def test_the_owner_saves_the_book_in_vietnamese(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    # given a citizen with a compulsory stretch under three schemes and an unpaid month
    citizen = await make_citizen(db, full_name=NAME)
    for scheme in ("BHXH_COMPULSORY", "BHTN", "BHTNLD_BNN"):
        await add_period(db, citizen.id, scheme, "2015-03", "2024-11")
    await add_period(db, citizen.id, "BHXH_COMPULSORY", "2024-12", "2024-12", status="UNPAID")
    await add_period(db, citizen.id, "BHYT", "2015-03", "2024-12")

    result = await gql(client, INSURANCE_BOOK, token=citizen.token)

    assert "errors" not in result, result
    book = result["data"]["me"]["socialInsuranceBook"]
    body, text = _pdf(book)
    assert body.startswith(b"%PDF-") and book["size"] == len(body)
    assert book["mediaType"] == "application/pdf"
    assert book["fileName"] == f"so-bhxh-{citizen.social_insurance_code}-{today_in_vietnam():%Y%m%d}.pdf"
    assert NAME in text and citizen.social_insurance_code in text and citizen.national_id in text
    assert "SỔ BẢO HIỂM XÃ HỘI" in text
    # one line for the stretch, its three schemes together; BHYT is not in the book
    assert "03/2015" in text and "11/2024" in text and "12.500.000" in text
    assert "BHXH bắt buộc, BHTN, BH TNLĐ-BNN" in text and "BHYT" not in text
    assert "Đơn vị chưa đóng (nợ)" in text
    assert "9 năm 9 tháng (117 tháng)" in text  # the paid BHXH months; the unpaid one does not count


async def test_each_fetch_is_listed_once_in_the_owners_access_log(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    citizen = await make_citizen(db)
    await add_period(db, citizen.id, "BHXH_COMPULSORY", "2020-01", "2020-12")
    assert await db.fetchval(LOGGED, citizen.id, ACCESS_PURPOSE) == 0

    await gql(client, INSURANCE_BOOK, token=citizen.token)
    assert await db.fetchval(LOGGED, citizen.id, ACCESS_PURPOSE) == 1
    await gql(client, INSURANCE_BOOK, token=citizen.token)
    assert await db.fetchval(LOGGED, citizen.id, ACCESS_PURPOSE) == 2

    # and the owner sees it in the app's access log
    log = await gql(client, contract("mobile/AccessLog"), {"first": 10}, token=citizen.token)
    entries = [edge["node"] for edge in log["data"]["me"]["accessLog"]["edges"]]
    assert [e["purpose"] for e in entries] == [ACCESS_PURPOSE, ACCESS_PURPOSE]


async def test_anonymous_gets_no_book(client: httpx.AsyncClient) -> None:
    result = await gql(client, INSURANCE_BOOK)

    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert result["data"] is None or result["data"]["me"] is None


async def test_another_person_gets_no_book_and_nothing_is_logged(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    owner, stranger = await make_citizen(db, full_name=NAME), await make_citizen(db)

    result = await gql(client, NODE_BOOK, {"id": to_global_id("Person", owner.id)}, token=stranger.token)

    assert result["data"]["node"] is None
    # as for a person that does not exist: null, no error, nothing of the owner
    assert result == {"data": {"node": None}}
    assert await db.fetchval(LOGGED, owner.id, ACCESS_PURPOSE) == 0


async def test_a_guardian_is_refused_the_childs_book(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    guardian, child = await make_citizen(db, full_name="Bố"), await make_citizen(db, full_name="Nguyễn Bé Con")
    await set_birth(db, child.id, years_before(today_in_vietnam(), 10))
    await add_guardianship(db, guardian.id, child.id)

    result = await gql(client, NODE_BOOK, {"id": to_global_id("Person", child.id)}, token=guardian.token)

    assert result["data"]["node"] == {"fullName": "Nguyễn Bé Con", "socialInsuranceBook": None}
    assert error_codes(result) == ["FORBIDDEN"]
    assert await db.fetchval(LOGGED, child.id, ACCESS_PURPOSE) == 0


async def test_a_forty_year_history_stays_bounded(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    # given 40 years of monthly periods under three schemes (1,440 rows), the salary changing every month: the worst
    # shape the book meets, 480 lines
    citizen = await make_citizen(db, full_name=NAME)
    await db.execute(
        """insert into contribution_periods (person_id, scheme, employer_id, job_title, from_month, to_month,
                                             salary_basis, status)
           select $1, scheme, (select id from employers order by id limit 1), 'Kỹ sư xây dựng', month, month,
                  1000000 + 10000 * (extract(year from month) * 12 + extract(month from month) - 23820), 'PAID'
           from generate_series('1985-01-01'::date, '2024-12-01'::date, interval '1 month') as month,
                unnest(array['BHXH_COMPULSORY', 'BHTN', 'BHTNLD_BNN']) as scheme""",
        citizen.id,
    )

    started = dt.datetime.now()
    result = await gql(client, INSURANCE_BOOK, token=citizen.token)
    elapsed = dt.datetime.now() - started

    assert "errors" not in result, result
    book = result["data"]["me"]["socialInsuranceBook"]
    body, text = _pdf(book)
    assert len(body) < 400_000, len(body)
    assert "01/1985" in text and "12/2024" in text and "40 năm 0 tháng (480 tháng)" in text
    assert elapsed < dt.timedelta(seconds=20), elapsed  # a generous bound on a shared machine, not a benchmark


async def test_monthly_declarations_on_the_same_terms_make_one_line(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    # given twelve monthly BHXH periods with the same employer, title and salary, then a raise
    citizen = await make_citizen(db)
    for month in range(1, 13):
        await add_period(db, citizen.id, "BHXH_COMPULSORY", f"2023-{month:02}", f"2023-{month:02}")
    await db.execute("update contribution_periods set salary_basis = 14000000 where person_id = $1 and "
                     "from_month = '2023-12-01'", citizen.id)

    _, text = _pdf((await gql(client, INSURANCE_BOOK, token=citizen.token))["data"]["me"]["socialInsuranceBook"])

    assert "01/2023 11/2023" in text and "12.500.000 BHXH bắt buộc 11" in text
    assert "12/2023 12/2023" in text and "14.000.000 BHXH bắt buộc 1" in text
    assert "02/2023" not in text
