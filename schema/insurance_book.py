"""InsuranceBookFile: the electronic social insurance book (sổ BHXH điện tử) as a PDF its owner can save.

Owner only: not to a guardian or a grantee (the book is the person's identity document; a guardian reads a child's
contributions in the app). Each fetch is written in the owner's access log (actor SYSTEM, "Bạn (ứng dụng VssID)"),
in its own transaction, before the file is served: the person sees when a copy of their book was made.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from collections.abc import Sequence

import strawberry

from db.access_log import record_access
from db.cards import VIETNAM
from db.contributions import book_periods
from loaders.base import Row, scoped_person_id
from loaders.context import Info
from loaders.personal import ContributionSummaryRowsByPersonIdLoader, PersonByIdLoader
from schema.book_pdf import BookPrint, book_lines, book_pdf

MEDIA_TYPE = "application/pdf"
ACCESS_ACTOR = "Bạn (ứng dụng VssID)"
ACCESS_PURPOSE = "Tải sổ BHXH điện tử (PDF)"
ACCESS_CATEGORIES = ("IDENTITY", "CONTRIBUTIONS")


@strawberry.type(description="A file the user can save: its name, media type, size and bytes in base64.")
class InsuranceBookFile:
    file_name: str = strawberry.field(description="e.g. so-bhxh-0123456789-20261204.pdf")
    media_type: str = strawberry.field(description="application/pdf.")
    size: int = strawberry.field(description="Bytes of the file (before base64).")
    data_base64: str = strawberry.field(description="The file, base64 (RFC 4648, with padding).")


def _months(rows: Sequence[Row], scheme: str | None, column: str) -> int:
    row = next((r for r in rows if r["scheme"] == scheme), None)
    return int(row[column]) if row is not None else 0


def _print(person: Row, periods: Sequence[Row], totals: Sequence[Row], now: dt.datetime) -> BookPrint:
    return BookPrint(
        full_name=person["full_name"], date_of_birth=person["date_of_birth"], gender=person["gender"],
        social_insurance_code=person["social_insurance_code"], national_id=person["national_id"],
        lines=book_lines(periods),
        pension_months=_months(totals, None, "months") - _months(totals, None, "unpaid_months"),
        unpaid_months=_months(totals, None, "unpaid_months"),
        bhtn_months=_months(totals, "BHTN", "months") - _months(totals, "BHTN", "unpaid_months"),
        produced_at=now,
    )


async def insurance_book(info: Info, person_id: int) -> InsuranceBookFile | None:
    """The book of `person_id`, who must be the viewer (the caller checked the OWN part), logged as fetched."""
    viewer_id = scoped_person_id(info.context.viewer)
    if viewer_id is None or viewer_id != person_id:  # check_part refused it already; kept so a misuse cannot leak
        return None
    loaders = info.context.loaders
    person = await loaders.get(PersonByIdLoader).load(person_id)
    totals = await loaders.get(ContributionSummaryRowsByPersonIdLoader).load(person_id)
    async with info.context.connection.acquire() as conn:
        periods = await book_periods(conn, person_id, viewer_id=viewer_id)
    if person is None:
        return None
    now = dt.datetime.now(VIETNAM)
    # Laying out a long history takes tens to hundreds of milliseconds of CPU: off the event loop.
    body = await asyncio.to_thread(book_pdf, _print(person, periods, totals, now))
    async with info.context.database.acquire() as conn, conn.transaction():
        await record_access(
            conn, person_id=person_id, actor_kind="SYSTEM", actor_name=ACCESS_ACTOR, actor_ref=None,
            purpose=ACCESS_PURPOSE, data_categories=ACCESS_CATEGORIES,
        )
    return InsuranceBookFile(
        file_name=f"so-bhxh-{person['social_insurance_code']}-{now:%Y%m%d}.pdf",
        media_type=MEDIA_TYPE,
        size=len(body),
        data_base64=base64.b64encode(body).decode("ascii"),
    )
