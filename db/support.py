"""SQL for support content: frequently asked questions (câu hỏi thường gặp) and news (tin tức, video chính sách)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg

# The FAQ list is small (hundreds of rows), so the ranked search scores every row; the trigram index still serves
# the match when the list grows. A free-text question shares only part of its words with an answer, hence the
# lower bar than the directory's.
FAQ_MIN_SCORE = 0.3
FAQ_COLUMNS = "id, question, answer, category, position"
SELECT_FAQS = f"""
select {FAQ_COLUMNS} from faqs
where $1::integer is null or (position, id) > ($1, $2::bigint)
order by position, id limit $3
"""
SEARCH_FAQS = f"""
select * from (
    select {FAQ_COLUMNS}, word_similarity(search_fold($1), search_document) as score from faqs
) ranked
where score >= $2 and ($3::real is null or score < $3 or (score = $3 and id > $4::bigint))
order by score desc, id limit $5
"""
COUNT_FAQS = "select count(*) from faqs"
COUNT_SEARCH_FAQS = "select count(*) from faqs where word_similarity(search_fold($1), search_document) >= $2"

NEWS_COLUMNS = "id, title, summary, kind, published_at, url"
SELECT_NEWS = f"""
select {NEWS_COLUMNS} from news
where $1::timestamptz is null or (published_at, id) < ($1, $2::bigint)
order by published_at desc, id desc limit $3
"""
COUNT_NEWS = "select count(*) from news"
FAQS_BY_ID = f"select {FAQ_COLUMNS} from faqs where id = any($1::bigint[])"
NEWS_BY_ID = f"select {NEWS_COLUMNS} from news where id = any($1::bigint[])"


async def list_faqs(
    conn: asyncpg.Connection, after: tuple[int, int] | None, limit: int
) -> list[asyncpg.Record]:
    position, pk = after if after else (None, None)
    return await conn.fetch(SELECT_FAQS, position, pk, limit)


async def search_faqs(
    conn: asyncpg.Connection, question: str, after: tuple[float, int] | None, limit: int
) -> list[asyncpg.Record]:
    score, pk = after if after else (None, None)
    return await conn.fetch(SEARCH_FAQS, question, FAQ_MIN_SCORE, score, pk, limit)


async def count_faqs(conn: asyncpg.Connection, question: str | None) -> int:
    count: int = (
        await conn.fetchval(COUNT_SEARCH_FAQS, question, FAQ_MIN_SCORE) if question else await conn.fetchval(COUNT_FAQS)
    )
    return count


async def list_news(
    conn: asyncpg.Connection, after: tuple[dt.datetime, int] | None, limit: int
) -> list[asyncpg.Record]:
    published_at, pk = after if after else (None, None)
    return await conn.fetch(SELECT_NEWS, published_at, pk, limit)


async def count_news(conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval(COUNT_NEWS)
    return count


async def faqs_by_id(conn: asyncpg.Connection, ids: Sequence[int]) -> list[asyncpg.Record]:
    return await conn.fetch(FAQS_BY_ID, list(ids))


async def news_by_id(conn: asyncpg.Connection, ids: Sequence[int]) -> list[asyncpg.Record]:
    return await conn.fetch(NEWS_BY_ID, list(ids))
