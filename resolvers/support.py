"""Support: contact details, the FAQ and its automatic answering (ranked search), news and policy videos."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import strawberry

from core.policy import LIST_PAGES, PUBLIC_DIRECTORY
from db import support as sql
from loaders.context import Info
from resolvers.inputs import clean_search
from schema.cursors import Int32, Score, decode_cursor
from schema.pagination import Connection, build_connection, page_size
from schema.support import Faq, NewsItem, SupportContact

# Tổng đài hỗ trợ của BHXH Việt Nam.
HOTLINE = "1900 9068"
SUPPORT_EMAIL = "baohiemxahoi@vss.gov.vn"
LISTED = replace(PUBLIC_DIRECTORY, pages=LIST_PAGES)


@strawberry.type
class SupportQuery:
    @strawberry.field(metadata=PUBLIC_DIRECTORY.metadata())
    async def support(self, info: Info) -> SupportContact:
        return SupportContact(hotline=HOTLINE, email=SUPPORT_EMAIL)

    @strawberry.field(
        description="The FAQ in its order; with `search` (a free-text question), the best-matching answers first, "
        "regardless of diacritics and case. This is the automatic answering assistant.",
        metadata=LISTED.metadata(),
    )
    async def faqs(
        self, info: Info, search: str | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Faq]:
        question = clean_search(search, "search")
        size = page_size(first, LIST_PAGES, info.context.viewer)
        list_name = "faqs:relevance" if question else "faqs:position"
        cursor = decode_cursor(list_name, after, (Score, int) if question else (Int32, int))
        connection = info.context.connection
        async with connection.acquire() as conn:
            if question:
                rows = await sql.search_faqs(conn, question, cursor, size + 1)
            else:
                rows = await sql.list_faqs(conn, cursor, size + 1)

        async def count_total() -> int:
            async with connection.acquire() as conn:
                return await sql.count_faqs(conn, question)

        key = (lambda r: (r["score"], r["id"])) if question else (lambda r: (r["position"], r["id"]))
        return build_connection(rows, size, list_name=list_name, key=key, node=Faq.from_row, count_total=count_total)

    @strawberry.field(description="Newest first.", metadata=LISTED.metadata())
    async def news(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[NewsItem]:
        size = page_size(first, LIST_PAGES, info.context.viewer)
        cursor = decode_cursor("news", after, (dt.datetime, int))
        connection = info.context.connection
        async with connection.acquire() as conn:
            rows = await sql.list_news(conn, cursor, size + 1)

        async def count_total() -> int:
            async with connection.acquire() as conn:
                return await sql.count_news(conn)

        key = lambda r: (r["published_at"], r["id"])  # noqa: E731
        return build_connection(rows, size, list_name="news", key=key, node=NewsItem.from_row, count_total=count_total)
