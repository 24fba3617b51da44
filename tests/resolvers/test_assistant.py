"""The FAQ assistant: right answers for everyday phrasings (with and without diacritics, colloquial, with typos), an
honest decline for questions the FAQ does not cover, and its accuracy measured on two question sets in tests/data.

`assistant_questions.csv` is the development set (the FAQ's keywords were written while reading its misses);
`assistant_heldout.csv` was written afterwards and never tuned on: its figure is the honest one.
"""

from __future__ import annotations

import csv
from pathlib import Path

import asyncpg
import httpx

from resolvers.answering import ANSWER_CONFIDENCE, fold, rewrite
from resolvers.support import HOTLINE, ranked
from tests.graphql import contract, gql

DATA = Path(__file__).resolve().parents[1] / "data"


async def _accuracy(db: asyncpg.Connection, name: str) -> tuple[float, float, float]:
    """Top-1 and top-3 accuracy on the answerable questions, and the share of the others declined."""
    with (DATA / name).open(encoding="utf-8") as f:
        questions = list(csv.DictReader(f))
    top1 = top3 = declined = 0
    answerable = [q for q in questions if q["expected"]]
    for q in questions:
        matches = await ranked(db, q["question"])
        found = [(m, row["question"]) for m, row in matches if m.confidence >= ANSWER_CONFIDENCE]
        if not q["expected"]:
            declined += not found
            continue
        top1 += bool(found) and found[0][1] == q["expected"]
        top3 += q["expected"] in [question for _, question in found[:3]]
    others = len(questions) - len(answerable)
    figures = (top1 / len(answerable), top3 / len(answerable), declined / others)
    print(f"{name}: top-1 {figures[0]:.0%}, top-3 {figures[1]:.0%} of {len(answerable)}; declined {declined}/{others}")
    return figures


async def test_the_development_set_is_answered(shared_db: asyncpg.Connection) -> None:
    top1, top3, declined = await _accuracy(shared_db, "assistant_questions.csv")

    assert top1 >= 0.95 and top3 >= 0.95 and declined == 1.0


async def test_the_held_out_set_does_not_regress(shared_db: asyncpg.Connection) -> None:
    # Measured: top-1 87 %, top-3 90 %, 4 of 5 declined (docs/assistant.md). A floor against regressions.
    top1, top3, declined = await _accuracy(shared_db, "assistant_heldout.csv")

    assert top1 >= 0.8 and top3 >= 0.85 and declined >= 0.6


def test_colloquial_forms_and_abbreviations_are_rewritten() -> None:
    assert rewrite(fold("quên pass vssid ko đc").split()) == ["quen", "mat", "khau", "vssid", "khong", "duoc"]
    expected = ["cong", "ty", "no", "dong", "chua", "dong", "bao", "hiem", "xa", "hoi"]
    assert rewrite(fold("cty nợ bhxh").split()) == expected


async def test_the_assistant_answers_or_sends_to_the_hotline(shared_client: httpx.AsyncClient) -> None:
    answered = await gql(shared_client, contract("public/Assistant"), {"question": "toi khong nho pass dang nhap"})
    declined = await gql(shared_client, contract("public/Assistant"), {"question": "giá vàng hôm nay bao nhiêu"})

    reply = answered["data"]["assistant"]
    assert reply["answered"] and reply["confidence"] >= ANSWER_CONFIDENCE
    assert reply["answer"]["question"] == "Tôi quên mật khẩu đăng nhập VssID thì phải làm gì?"
    assert all(alt["id"] != reply["answer"]["id"] for alt in reply["alternatives"])
    none = declined["data"]["assistant"]
    assert not none["answered"] and none["answer"] is None and none["alternatives"] == []
    assert none["confidence"] < ANSWER_CONFIDENCE and HOTLINE in none["message"]


async def test_faq_search_lists_nothing_for_a_question_it_cannot_answer(shared_client: httpx.AsyncClient) -> None:
    result = await gql(shared_client, contract("public/Support"), {"question": "cách nấu phở bò"})

    assert result["data"]["faqs"]["edges"] == []
    assert result["data"]["support"]["hotline"] == HOTLINE
