"""Support: hotline and e-mail, frequently asked questions (with the automatic answering search), news."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from loaders.directory import FaqByIdLoader, NewsItemByIdLoader
from schema.node import Node


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


@strawberry.type(description="The assistant's reply to a free-text question (trợ lý hỏi đáp).")
class AssistantReply:
    answered: bool = strawberry.field(description="False when no FAQ entry answers the question well enough.")
    confidence: float = strawberry.field(
        description="0 to 1: how much of the question the best entry covers; answered from 0.42 on."
    )
    answer: Faq | None = strawberry.field(description="The best entry, when answered.")
    alternatives: list[Faq] = strawberry.field(description="Up to three other entries that also fit.")
    message: str = strawberry.field(
        description="What to tell the user (the hotline if unanswered): Vietnamese, or English on Accept-Language: en."
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

