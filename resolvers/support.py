"""Support: contact details, the FAQ and its automatic answering (ranked search), news and policy videos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import asyncpg

from db import support as sql
from resolvers.dataloader import BaseLoader, in_key_order
from resolvers.directory import clean_search
from resolvers.pagination import Int32, Score, build_connection, decode_cursor, page_size
from schema.info import Info
from schema.node import to_global_id
from schema.pagination import Connection

if TYPE_CHECKING:
    from schema.support import Faq, NewsItem, SupportContact

# Tổng đài hỗ trợ của BHXH Việt Nam.
HOTLINE = "1900 9068"
SUPPORT_EMAIL = "baohiemxahoi@vss.gov.vn"


def faq_from_row(row: asyncpg.Record) -> Faq:
    from schema.support import Faq

    return Faq(
        id=to_global_id("Faq", row["id"]),
        question=row["question"],
        answer=row["answer"],
        category=row["category"],
    )


def news_from_row(row: asyncpg.Record) -> NewsItem:
    from schema.support import NewsItem, NewsKind

    return NewsItem(
        id=to_global_id("NewsItem", row["id"]),
        title=row["title"],
        summary=row["summary"],
        kind=NewsKind(row["kind"]),
        published_at=row["published_at"],
        url=row["url"],
    )


class FaqByIdLoader(BaseLoader[int, "Faq | None"]):
    async def load_batch(self, conn: asyncpg.Connection, keys: Sequence[int]) -> list[Faq | None]:
        rows = in_key_order(keys, await sql.faqs_by_id(conn, keys))
        return [faq_from_row(r) if r else None for r in rows]


class NewsItemByIdLoader(BaseLoader[int, "NewsItem | None"]):
    async def load_batch(self, conn: asyncpg.Connection, keys: Sequence[int]) -> list[NewsItem | None]:
        rows = in_key_order(keys, await sql.news_by_id(conn, keys))
        return [news_from_row(r) if r else None for r in rows]


async def resolve_support(info: Info) -> SupportContact:
    from schema.support import SupportContact

    return SupportContact(hotline=HOTLINE, email=SUPPORT_EMAIL)


async def resolve_faqs(
    info: Info, search: str | None = None, first: int | None = None, after: str | None = None
) -> Connection[Faq]:
    question = clean_search(search, "search")
    size = page_size(first)
    list_name = "faqs:relevance" if question else "faqs:position"
    cursor = decode_cursor(list_name, after, (Score, int) if question else (Int32, int))
    pool = info.context.pool
    async with pool.acquire() as conn:
        if question:
            rows = await sql.search_faqs(conn, question, cursor, size + 1)
        else:
            rows = await sql.list_faqs(conn, cursor, size + 1)

    async def count_total() -> int:
        async with pool.acquire() as conn:
            return await sql.count_faqs(conn, question)

    return build_connection(
        rows,
        size,
        list_name=list_name,
        key=(lambda r: (r["score"], r["id"])) if question else (lambda r: (r["position"], r["id"])),
        node=faq_from_row,
        count_total=count_total,
    )


async def resolve_news(info: Info, first: int | None = None, after: str | None = None) -> Connection[NewsItem]:
    size = page_size(first)
    cursor = decode_cursor("news", after, (dt.datetime, int))
    pool = info.context.pool
    async with pool.acquire() as conn:
        rows = await sql.list_news(conn, cursor, size + 1)

    async def count_total() -> int:
        async with pool.acquire() as conn:
            return await sql.count_news(conn)

    return build_connection(
        rows,
        size,
        list_name="news",
        key=lambda r: (r["published_at"], r["id"]),
        node=news_from_row,
        count_total=count_total,
    )
