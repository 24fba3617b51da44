"""The own-rows text of a personal statement (db/readable.py): sent only when every key is the viewer's, and
reading exactly what the full text reads for every viewer."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from db import cards, contributions, persons, visits
from db.readable import for_keys, own_rows_text
from tests.factories import add_card, add_period, add_visits, make_citizen
from tests.family import add_grant, add_guardianship, set_birth, today_in_vietnam, years_before

PERSON_KEYED = {
    "current card": cards.SELECT_VALID_ON_FOR_VIEWER,
    "contribution summary": contributions.SELECT_SUMMARY_FOR_VIEWER,
    "visit years": visits.SELECT_YEARS_FOR_VIEWER,
    "person": persons.SELECT_BY_ID_FOR_VIEWER,
    "visits page": visits.VISITS.select_page_sql,
    "visits count": visits.VISITS.count_sql,
}


@pytest.mark.parametrize("statement", PERSON_KEYED.values(), ids=PERSON_KEYED.keys())
def test_the_own_rows_text_keeps_only_the_viewer_comparison(statement: str) -> None:
    own = own_rows_text(statement)
    assert "readable_person_ids" in statement
    assert "readable_person_ids" not in own
    assert own.count("$2") >= 1 and own != statement


def test_the_own_rows_text_is_sent_only_when_every_key_is_the_viewer() -> None:
    statement = cards.SELECT_VALID_ON_FOR_VIEWER
    assert for_keys(statement, [7], 7) == own_rows_text(statement)
    assert for_keys(statement, [7, 7], 7) == own_rows_text(statement)
    assert for_keys(statement, [7, 8], 7) is statement  # a child's key among them: the full condition
    assert for_keys(statement, [8], 7) is statement
    assert for_keys(statement, [7], None) is statement  # no viewer: nobody's rows


async def test_each_viewer_reads_what_the_full_text_lets_them(db: asyncpg.Connection) -> None:
    # given a guardian with a child, a grantee of the guardian's cards only, and a stranger; everyone has a card,
    # periods and visits
    guardian, child = await make_citizen(db, full_name="Trần Văn Cha"), await make_citizen(db, full_name="Trần Bé")
    grantee, stranger = await make_citizen(db, full_name="Lê Thị Cháu"), await make_citizen(db, full_name="Phạm Lạ")
    today = today_in_vietnam()
    await set_birth(db, child.id, years_before(today, 10))
    await add_guardianship(db, guardian.id, child.id)
    await add_grant(db, guardian.id, grantee.id, "LIVE", ["CARD"])
    for person in (guardian, child, grantee, stranger):
        await add_card(db, person, valid_from=today - dt.timedelta(days=10), valid_to=today + dt.timedelta(days=100))
        await add_period(db, person.id, "BHYT", "2024-01", "2024-12")
        await add_visits(db, person.id, 3)

    async def read(person_ids: list[int], viewer_id: int) -> dict[str, int]:
        """How many rows each read finds, sent as the service sends it (the own-rows text where it applies)."""
        page = await visits.VISITS.page(db, after=None, limit=10, owner_id=person_ids[0], viewer_id=viewer_id)
        return {
            "card": len(await cards.cards_valid_today(db, person_ids, viewer_id=viewer_id)),
            "summary": len(await contributions.summaries(db, person_ids, viewer_id=viewer_id)),
            "years": len(await visits.visit_years(db, person_ids, viewer_id=viewer_id)),
            "person": len(await persons.persons_by_id(db, person_ids, viewer_id=viewer_id)),
            "page": len(page),
            "count": await visits.VISITS.count(db, owner_id=person_ids[0], viewer_id=viewer_id),
        }

    everything = {"card": 1, "summary": 1, "years": 1, "person": 1, "page": 3, "count": 3}
    # then the owner reads all of their own (the own-rows text), the guardian all of the child's (the full text)
    assert await read([guardian.id], guardian.id) == everything
    assert await read([child.id], guardian.id) == everything
    # and two persons at once (the full text) read both
    assert (await read([guardian.id, child.id], guardian.id))["card"] == 2
    # the grantee the guardian's card and person record, nothing else; the stranger nothing of the guardian's
    assert await read([guardian.id], grantee.id) == {**dict.fromkeys(everything, 0), "card": 1, "person": 1}
    assert await read([guardian.id], stranger.id) == dict.fromkeys(everything, 0)
    # a child reads nothing of the guardian's
    assert await read([guardian.id], child.id) == dict.fromkeys(everything, 0)
