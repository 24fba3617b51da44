"""The catalogues of user-facing texts and the choice of language (core/texts.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.text_ids import TextId
from core.texts import CATALOGUES, Language, Moment, negotiate, parameters, reset, text, use
from core.texts_en import EN
from core.texts_vi import VI


@pytest.mark.parametrize("text_id", list(TextId), ids=lambda t: t.value)
def test_every_message_has_a_text_in_each_language_with_the_same_parameters(text_id: TextId) -> None:
    vietnamese, english = VI.get(text_id, ""), EN.get(text_id, "")
    assert vietnamese.strip() and english.strip()
    assert parameters(vietnamese) == parameters(english)


def test_the_catalogues_hold_no_text_without_an_id() -> None:
    assert set(VI) == set(EN) == set(TextId)
    assert set(CATALOGUES) == set(Language)


def test_vietnamese_texts_are_written_in_vietnamese() -> None:
    # A Vietnamese text that equals its English one was left untranslated; the ones named here are protocol words
    # or a parameter alone (the library's own reason, kept in English).
    same = {i for i in TextId if VI[i] == EN[i]}
    assert same == {TextId.PERSISTED_QUERY_NOT_FOUND}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, Language.VI),
        ("", Language.VI),
        ("en", Language.EN),
        ("en-US", Language.EN),
        ("EN-gb,en;q=0.9", Language.EN),
        ("vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7", Language.VI),
        ("fr-FR, en;q=0.5", Language.EN),  # French is not spoken: English is the best we have
        ("fr, de", Language.VI),
        ("en;q=0.4, vi;q=0.6", Language.VI),
        ("vi;q=0.3, en;q=0.8", Language.EN),
        ("en;q=0", Language.VI),
        ("en;q=abc", Language.VI),
        ("*", Language.VI),
        ("*;q=0.9, en", Language.EN),
        ("english", Language.VI),
    ],
)
def test_accept_language_chooses_the_answers_language(header: str | None, expected: Language) -> None:
    assert negotiate(header) is expected


def test_a_text_renders_in_the_language_of_the_context_and_its_parameters_too() -> None:
    at = Moment(dt.datetime(2026, 12, 4, 15, 5, tzinfo=dt.UTC))
    message = text(TextId.RETRY_AFTER, message=text(TextId.OTP_WRONG), at=at)
    assert message.render() == "Mã OTP không đúng. Có thể thử lại từ 22:05 ngày 04/12/2026."
    token = use(Language.EN)
    try:
        assert str(message) == "the code is wrong (retry after 2026-12-04T15:05:00+00:00)"
    finally:
        reset(token)
    assert message.render(Language.EN) == "the code is wrong (retry after 2026-12-04T15:05:00+00:00)"
