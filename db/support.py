"""SQL for support content: frequently asked questions (câu hỏi thường gặp) and news (tin tức, video chính sách)."""

from __future__ import annotations

import asyncpg

from db.lists import KeysetList

FAQ_COLUMNS = "id, question, answer, category, position"
# The FAQ in its editors' order, and the news newest first.
FAQS = KeysetList("faqs", FAQ_COLUMNS, order="position", order_type="integer", descending=False)
# The whole FAQ for the assistant's ranking (resolvers/answering.py): tens to hundreds of rows.
ALL_FAQS = f"select {FAQ_COLUMNS}, keywords from faqs order by id"

NEWS = KeysetList("news", "id, title, summary, kind, published_at, url", order="published_at", order_type="timestamptz")


async def all_faqs(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(ALL_FAQS)
