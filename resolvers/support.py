"""Support: contact details, the FAQ and its automatic answering (ranked search), news and policy videos."""

from __future__ import annotations

from dataclasses import replace

import strawberry

from core.policy import LIST_PAGES, PUBLIC_DIRECTORY
from db import support as sql
from loaders.context import Info
from resolvers.inputs import clean_search
from schema.cursors import Score, decode_cursor
from schema.lists import list_page
from schema.pagination import Connection, page_size, read_page
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
        if not question:
            return await list_page(info, sql.FAQS, Faq.from_row, list_name="faqs:position", first=first, after=after)
        size = page_size(first, LIST_PAGES, info.context.viewer)
        cursor = decode_cursor("faqs:relevance", after, (Score, int))
        return await read_page(
            info.context.connection,
            size,
            rows=lambda conn: sql.search_faqs(conn, question, cursor, size + 1),
            count=lambda conn: sql.count_search_faqs(conn, question),
            list_name="faqs:relevance",
            key=lambda r: (r["score"], r["id"]),
            node=Faq.from_row,
        )

    @strawberry.field(description="Newest first.", metadata=LISTED.metadata())
    async def news(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[NewsItem]:
        return await list_page(info, sql.NEWS, NewsItem.from_row, list_name="news", first=first, after=after)
