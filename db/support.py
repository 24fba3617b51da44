"""SQL for support content: frequently asked questions (câu hỏi thường gặp) and news (tin tức, video chính sách)."""

from __future__ import annotations

import asyncpg

from db.lists import KeysetList

# The FAQ list is small (hundreds of rows), so the ranked search scores every row; the trigram index still serves
# the match when the list grows. A free-text question shares only part of its words with an answer, hence the
# lower bar than the directory's.
FAQ_MIN_SCORE = 0.3
FAQ_COLUMNS = "id, question, answer, category, position"
# The FAQ in its editors' order, and the news newest first.
FAQS = KeysetList("faqs", FAQ_COLUMNS, order="position", order_type="integer", descending=False)
SEARCH_FAQS = f"""
select * from (
    select {FAQ_COLUMNS}, word_similarity(search_fold($1), search_document) as score from faqs
) ranked
where score >= $2 and ($3::real is null or score < $3 or (score = $3 and id > $4::bigint))
order by score desc, id limit $5
"""
COUNT_SEARCH_FAQS = "select count(*) from faqs where word_similarity(search_fold($1), search_document) >= $2"

NEWS = KeysetList("news", "id, title, summary, kind, published_at, url", order="published_at", order_type="timestamptz")


async def search_faqs(
    conn: asyncpg.Connection, question: str, after: tuple[float, int] | None, limit: int
) -> list[asyncpg.Record]:
    score, pk = after if after else (None, None)
    return await conn.fetch(SEARCH_FAQS, question, FAQ_MIN_SCORE, score, pk, limit)


async def count_search_faqs(conn: asyncpg.Connection, question: str) -> int:
    count: int = await conn.fetchval(COUNT_SEARCH_FAQS, question, FAQ_MIN_SCORE)
    return count
