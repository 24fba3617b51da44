"""Support: hotline and e-mail, frequently asked questions (with the automatic answering search), news."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from loaders.base import Row
from loaders.directory import FaqByIdLoader, NewsItemByIdLoader
from schema.node import Node, to_global_id


@strawberry.type(description="How to reach the social insurance support desk.")
class SupportContact:
    hotline: str
    email: str


@strawberry.type(description="A frequently asked question (câu hỏi thường gặp) and its answer, in Vietnamese.")
class Faq(Node):
    node_loader = FaqByIdLoader
    question: str
    answer: str
    category: str

    @classmethod
    def from_row(cls, row: Row) -> Faq:
        return cls(
            id=to_global_id("Faq", row["id"]), question=row["question"], answer=row["answer"], category=row["category"]
        )


@strawberry.enum
class NewsKind(enum.Enum):
    ARTICLE = "ARTICLE"
    VIDEO = "VIDEO"  # video chính sách


@strawberry.type(description="A news article or policy video.")
class NewsItem(Node):
    node_loader = NewsItemByIdLoader
    title: str
    summary: str
    kind: NewsKind
    published_at: dt.datetime
    url: str

    @classmethod
    def from_row(cls, row: Row) -> NewsItem:
        return cls(
            id=to_global_id("NewsItem", row["id"]),
            title=row["title"],
            summary=row["summary"],
            kind=NewsKind(row["kind"]),
            published_at=row["published_at"],
            url=row["url"],
        )
