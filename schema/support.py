"""Support: hotline and e-mail, frequently asked questions (with the automatic answering search), news."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from resolvers import support as resolvers
from schema.node import Node
from schema.pagination import Connection


@strawberry.type(description="How to reach the social insurance support desk.")
class SupportContact:
    hotline: str
    email: str


@strawberry.type(description="A frequently asked question (câu hỏi thường gặp) and its answer, in Vietnamese.")
class Faq(Node):
    question: str
    answer: str
    category: str


@strawberry.enum
class NewsKind(enum.Enum):
    ARTICLE = "ARTICLE"
    VIDEO = "VIDEO"  # video chính sách


@strawberry.type(description="A news article or policy video.")
class NewsItem(Node):
    title: str
    summary: str
    kind: NewsKind
    published_at: dt.datetime
    url: str


@strawberry.type
class SupportQuery:
    support: SupportContact = strawberry.field(resolver=resolvers.resolve_support)
    faqs: Connection[Faq] = strawberry.field(
        resolver=resolvers.resolve_faqs,
        description="The FAQ in its order; with `search` (a free-text question), the best-matching answers first, "
        "regardless of diacritics and case. This is the automatic answering assistant.",
    )
    news: Connection[NewsItem] = strawberry.field(resolver=resolvers.resolve_news, description="Newest first.")
