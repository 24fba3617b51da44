"""Support content: frequently asked questions and news, kept as data in db/data."""

from __future__ import annotations

from datetime import datetime

from db.reference import read_data_csv

NEWS_SITE = "https://news.example.vn"


def faq_rows() -> list[tuple[object, ...]]:
    rows = read_data_csv("faqs.csv")
    return [(i, row["question"], row["answer"], row["category"], i * 10, row["keywords"])
            for i, row in enumerate(rows, start=1)]


def news_rows() -> list[tuple[object, ...]]:
    rows = read_data_csv("news.csv")
    return [
        (i, row["title"], row["summary"], row["kind"], datetime.fromisoformat(row["published_at"]),
         f"{NEWS_SITE}/{'video' if row['kind'] == 'VIDEO' else 'tin-tuc'}/{row['slug']}")
        for i, row in enumerate(rows, start=1)
    ]
