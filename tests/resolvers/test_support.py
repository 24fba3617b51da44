"""Support: contact details, the FAQ's diacritic-insensitive ranked search, news newest first."""

from __future__ import annotations

import asyncpg
import httpx

from tests.graphql import contract, error_codes, gql

FAQS = """
query Q($search: String, $first: Int, $after: String) {
  faqs(search: $search, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { question } }
  }
}
"""
NEWS = """
query N($first: Int, $after: String) {
  news(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { title kind } } }
}
"""

QUESTIONS = [
    ("Làm thế nào để thay đổi nơi đăng ký khám chữa bệnh ban đầu?", "Bạn có thể đổi vào đầu mỗi quý.", "BHYT"),
    ("Thẻ BHYT bị mất thì cấp lại ở đâu?", "Liên hệ cơ quan BHXH nơi cư trú để được cấp lại thẻ.", "BHYT"),
    ("Mức đóng BHXH tự nguyện là bao nhiêu?", "Bằng 22% mức thu nhập tháng do người tham gia lựa chọn.", "BHXH"),
    ("Làm sao để đăng ký tài khoản VssID?", "Đăng ký bằng số điện thoại rồi đến cơ quan BHXH để xác thực.", "VssID"),
]


async def add_faqs(db: asyncpg.Connection) -> None:
    await db.execute("delete from faqs")
    await db.executemany(
        "insert into faqs (question, answer, category, position) values ($1, $2, $3, $4)",
        [(q, a, c, i) for i, (q, a, c) in enumerate(QUESTIONS)],
    )


async def test_support_document(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    await add_faqs(db)
    result = await gql(client, contract("public/Support"), {"question": "cap lai the bhyt bi mat"})
    assert "errors" not in result, result
    assert result["data"]["support"]["hotline"] == "1900 9068"
    assert result["data"]["faqs"]["edges"][0]["node"]["question"] == "Thẻ BHYT bị mất thì cấp lại ở đâu?"


async def test_faq_search_ranks_the_best_answer_first_without_diacritics(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    await add_faqs(db)
    for question, expected in (
        ("doi noi dang ky kham chua benh ban dau", QUESTIONS[0][0]),
        ("MỨC ĐÓNG BHXH TỰ NGUYỆN", QUESTIONS[2][0]),
        ("dang ki tai khoan vssid", QUESTIONS[3][0]),
    ):
        result = await gql(client, FAQS, {"search": question, "first": 5})
        assert result["data"]["faqs"]["edges"][0]["node"]["question"] == expected, question


async def test_faqs_without_search_page_in_their_order(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    await add_faqs(db)
    first = (await gql(client, FAQS, {"first": 3}))["data"]["faqs"]
    rest = (await gql(client, FAQS, {"first": 3, "after": first["pageInfo"]["endCursor"]}))["data"]["faqs"]
    seen = [e["node"]["question"] for e in first["edges"] + rest["edges"]]
    assert seen == [q for q, _, _ in QUESTIONS] and first["totalCount"] == 4
    assert error_codes(await gql(client, FAQS, {"search": "x" * 10_000})) == ["INVALID_INPUT"]


async def test_news_newest_first_through_pages(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    await db.execute("delete from news")
    await db.executemany(
        "insert into news (title, summary, kind, published_at, url)"
        " values ($1, 'Tóm tắt', $2, now() - make_interval(days => $3), $4)",
        [(f"Tin {i}", "VIDEO" if i % 2 else "ARTICLE", i, f"https://vss.gov.vn/{i}") for i in range(5)],
    )
    page = (await gql(client, NEWS, {"first": 2}))["data"]["news"]
    titles = [e["node"]["title"] for e in page["edges"]]
    while page["pageInfo"]["hasNextPage"]:
        page = (await gql(client, NEWS, {"first": 2, "after": page["pageInfo"]["endCursor"]}))["data"]["news"]
        titles += [e["node"]["title"] for e in page["edges"]]
    assert titles == [f"Tin {i}" for i in range(5)]


async def test_faq_and_news_items_are_nodes(shared_client: httpx.AsyncClient) -> None:
    both = "{ faqs(first: 1) { edges { node { id question } } } news(first: 1) { edges { node { id title } } } }"
    lists = await gql(shared_client, both)
    faq = lists["data"]["faqs"]["edges"][0]["node"]
    item = lists["data"]["news"]["edges"][0]["node"]
    query = """
    query N($faq: ID!, $news: ID!) {
      faq: node(id: $faq) { id ... on Faq { question } }
      news: node(id: $news) { id ... on NewsItem { title } }
    }
    """
    result = await gql(shared_client, query, {"faq": faq["id"], "news": item["id"]})
    assert "errors" not in result
    assert result["data"] == {"faq": faq, "news": item}


async def test_date_times_are_answered_in_vietnam_time(shared_client: httpx.AsyncClient) -> None:
    import datetime as dt

    result = await gql(shared_client, "{ news(first: 5) { edges { node { publishedAt } } } }")
    stamps = [edge["node"]["publishedAt"] for edge in result["data"]["news"]["edges"]]

    assert stamps and all(stamp.endswith("+07:00") for stamp in stamps), stamps
    # the same instants as stored, only written in local time
    assert all(dt.datetime.fromisoformat(stamp).utcoffset() == dt.timedelta(hours=7) for stamp in stamps)
