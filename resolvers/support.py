"""Support: contact details, the FAQ and its assistant (ranked answers to a free-text question), news and videos."""

from __future__ import annotations

from dataclasses import replace

import asyncpg
import strawberry

from core.policy import LIST_PAGES, PUBLIC_DIRECTORY
from core.text_ids import TextId
from core.texts import text
from db import support as sql
from loaders.context import Info
from resolvers.answering import ANSWER_CONFIDENCE, Match, index_of
from resolvers.inputs import clean_search
from schema.cursors import Score, decode_cursor
from schema.lists import list_page
from schema.pagination import Connection, page_size, read_page
from schema.support import AssistantReply, Faq, NewsItem, SupportContact

# Tổng đài hỗ trợ của BHXH Việt Nam.
HOTLINE = "1900 9068"
SUPPORT_EMAIL = "baohiemxahoi@vss.gov.vn"
LISTED = replace(PUBLIC_DIRECTORY, pages=LIST_PAGES)
ALTERNATIVES = 3
ANSWERED = text(TextId.ASSISTANT_ANSWERED)
UNANSWERED = text(TextId.ASSISTANT_UNANSWERED, hotline=HOTLINE, email=SUPPORT_EMAIL)


async def ranked(conn: asyncpg.Connection, question: str) -> list[tuple[Match, asyncpg.Record]]:
    """The FAQ entries sharing a term with `question`, best first."""
    rows = {row["id"]: row for row in await sql.all_faqs(conn)}
    entries = tuple((pk, row["question"], row["keywords"], row["answer"]) for pk, row in rows.items())
    return [(m, rows[m.id]) for m in index_of(entries).rank(question)]


async def answers(conn: asyncpg.Connection, question: str) -> list[tuple[Match, asyncpg.Record]]:
    """The entries that answer `question` well enough (confidence from ANSWER_CONFIDENCE), best first."""
    return [(m, row) for m, row in await ranked(conn, question) if m.confidence >= ANSWER_CONFIDENCE]


@strawberry.type
class SupportQuery:
    @strawberry.field(metadata=PUBLIC_DIRECTORY.metadata())
    async def support(self, info: Info) -> SupportContact:
        return SupportContact(hotline=HOTLINE, email=SUPPORT_EMAIL)

    @strawberry.field(
        description="The FAQ in its order; with `search` (a free-text question), the entries that answer it, best "
        "first, regardless of diacritics, case and common abbreviations; none when no entry answers it.",
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

        matching: list[tuple[Match, asyncpg.Record]] | None = None

        async def ranked_once(conn: asyncpg.Connection) -> list[tuple[Match, asyncpg.Record]]:
            # The page and its total read the same ranking: the FAQ is fetched and ranked once per request.
            nonlocal matching
            if matching is None:
                matching = await answers(conn, question)
            return matching

        async def page(conn: asyncpg.Connection) -> list[tuple[Match, asyncpg.Record]]:
            found = await ranked_once(conn)
            if cursor is not None:
                score, pk = cursor
                found = [(m, r) for m, r in found if m.score < score or (m.score == score and m.id > pk)]
            return found[: size + 1]

        async def count(conn: asyncpg.Connection) -> int:
            return len(await ranked_once(conn))

        return await read_page(
            info.context.connection, size, rows=page, count=count, list_name="faqs:relevance",
            key=lambda found: (found[0].score, found[0].id), node=lambda found: Faq.from_row(found[1]),
        )

    @strawberry.field(
        description="The assistant: the FAQ entry that answers a free-text question, how sure it is, and an honest "
        "'no answer, call the hotline' when no entry fits.",
        metadata=PUBLIC_DIRECTORY.metadata(),
    )
    async def assistant(self, info: Info, question: str) -> AssistantReply:
        text = clean_search(question, "question")
        async with info.context.connection.acquire() as conn:
            found = await ranked(conn, text) if text else []
        confidence = round(found[0][0].confidence, 2) if found else 0.0
        if not found or found[0][0].confidence < ANSWER_CONFIDENCE:
            return AssistantReply(
                answered=False, confidence=confidence, answer=None, alternatives=[], message=UNANSWERED.render()
            )
        (_, row) = found[0]
        rest = [(m, r) for m, r in found[1 : 1 + ALTERNATIVES] if m.confidence >= ANSWER_CONFIDENCE]
        return AssistantReply(
            answered=True, confidence=confidence, answer=Faq.from_row(row),
            alternatives=[Faq.from_row(r) for _, r in rest], message=ANSWERED.render(),
        )

    @strawberry.field(description="Newest first.", metadata=LISTED.metadata())
    async def news(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[NewsItem]:
        return await list_page(info, sql.NEWS, NewsItem.from_row, list_name="news", first=first, after=after)
