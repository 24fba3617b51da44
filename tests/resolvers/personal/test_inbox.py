"""The inbox: only its owner reads it, newest first with the unread count; markInboxRead marks the owner's only."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx

from schema.ids import to_global_id
from tests.factories import make_citizen
from tests.graphql import contract, error_codes, gql

INBOX = contract("mobile/Inbox")
MARK_READ = contract("mobile/MarkInboxRead")
PREFERENCES = contract("mobile/InboxPreferences")
NODE = "query Node($id: ID!) { node(id: $id) { id ... on InboxMessage { title } } }"


async def add_message(db: asyncpg.Connection, person_id: int, subject: str, *, minutes_ago: int = 0) -> str:
    pk = await db.fetchval(
        """insert into inbox_messages (person_id, kind, subject_key, period, title, body, link_kind, link_id,
                                       created_at)
           values ($1, 'CARD_EXPIRING', $2, '2026-12-31', 'Thẻ BHYT sắp hết hạn',
                   'Thẻ BHYT của bạn sẽ hết hạn vào ngày 31/12/2026.', 'CARD', 7, now() - make_interval(mins => $3))
           returning id""",
        person_id, subject, minutes_ago,
    )
    return to_global_id("InboxMessage", pk)


def nodes(result: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [edge["node"] for edge in result["data"]["me"]["inbox"]["edges"]]
    return found


async def test_the_owner_reads_the_inbox_newest_first_with_the_unread_count(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    owner = await make_citizen(db)
    older = await add_message(db, owner.id, "a", minutes_ago=10)
    newer = await add_message(db, owner.id, "b", minutes_ago=1)
    await db.execute("update inbox_messages set read_at = now() where subject_key = 'a'")

    result = await gql(client, INBOX, {"first": 10}, token=owner.token)

    assert "errors" not in result, result
    inbox = result["data"]["me"]["inbox"]
    assert [n["id"] for n in nodes(result)] == [newer, older]
    assert inbox["unreadCount"] == 1 and inbox["totalCount"] == 2
    first = nodes(result)[0]
    assert first["read"] is False and first["kind"] == "CARD_EXPIRING"
    assert first["link"] == {"kind": "CARD", "id": to_global_id("InsuranceCard", 7)}
    unread = await gql(client, INBOX, {"first": 10, "unreadOnly": True}, token=owner.token)
    assert [n["id"] for n in nodes(unread)] == [newer]


async def test_another_citizen_and_anonymous_cannot_read_a_message(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    owner, other = await make_citizen(db), await make_citizen(db, full_name="Lê Thị Khác")
    message = await add_message(db, owner.id, "a")

    foreign = await gql(client, NODE, {"id": message}, token=other.token)
    others_inbox = await gql(client, INBOX, {"first": 10}, token=other.token)
    anonymous = await gql(client, INBOX, {"first": 10})

    assert foreign["data"] == {"node": None}
    assert nodes(others_inbox) == [] and others_inbox["data"]["me"]["inbox"]["unreadCount"] == 0
    assert anonymous["data"] == {"me": None} and error_codes(anonymous) == ["UNAUTHENTICATED"]
    own = await gql(client, NODE, {"id": message}, token=owner.token)
    assert own["data"]["node"]["id"] == message


async def test_mark_read_marks_the_owners_messages(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    owner = await make_citizen(db)
    first, second = await add_message(db, owner.id, "a"), await add_message(db, owner.id, "b")

    result = await gql(client, MARK_READ, {"ids": [first]}, token=owner.token)

    payload = result["data"]["markInboxRead"]
    assert payload["errors"] == [] and payload["unreadCount"] == 1
    assert [(m["id"], m["read"]) for m in payload["messages"]] == [(first, True)]
    again = await gql(client, MARK_READ, {"ids": [first, second]}, token=owner.token)
    assert again["data"]["markInboxRead"]["unreadCount"] == 0


async def test_mark_read_with_another_persons_message_marks_nothing(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    owner, other = await make_citizen(db), await make_citizen(db, full_name="Lê Thị Khác")
    own = await add_message(db, owner.id, "a")
    foreign = await add_message(db, other.id, "b")

    result = await gql(client, MARK_READ, {"ids": [own, foreign]}, token=owner.token)

    payload = result["data"]["markInboxRead"]
    assert [e["code"] for e in payload["errors"]] == ["NOT_FOUND"] and payload["messages"] is None
    assert await db.fetchval("select count(*) from inbox_messages where read_at is not null") == 0


async def test_mark_read_refuses_bad_input_with_a_code(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    owner = await make_citizen(db)
    message = await add_message(db, owner.id, "a")
    not_a_message = to_global_id("Benefit", 1)

    cases = {"INVALID_ID": [not_a_message], "INVALID_INPUT": []}
    for code, ids in cases.items():
        result = await gql(client, MARK_READ, {"ids": ids}, token=owner.token)
        assert [e["code"] for e in result["data"]["markInboxRead"]["errors"]] == [code], ids
    too_many = await gql(client, MARK_READ, {"ids": [message] * 101}, token=owner.token)
    assert [e["code"] for e in too_many["data"]["markInboxRead"]["errors"]] == ["INVALID_INPUT"]
    anonymous = await gql(client, MARK_READ, {"ids": [message]})
    assert anonymous["data"] is None and error_codes(anonymous) == ["UNAUTHENTICATED"]
    assert await db.fetchval("select count(*) from inbox_messages where read_at is not null") == 0


async def test_a_kind_turned_off_is_listed_as_off_and_on_again(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    owner = await make_citizen(db)

    off = await gql(client, PREFERENCES, {"kind": "PARTNER_ACCESS", "enabled": False}, token=owner.token)
    read = await gql(client, "{ me { inboxPreferences { kind enabled } } }", token=owner.token)
    on = await gql(client, PREFERENCES, {"kind": "PARTNER_ACCESS", "enabled": True}, token=owner.token)

    disabled = [p["kind"] for p in off["data"]["setInboxPreference"]["preferences"] if not p["enabled"]]
    assert disabled == ["PARTNER_ACCESS"]
    assert {p["kind"]: p["enabled"] for p in read["data"]["me"]["inboxPreferences"]}["PARTNER_ACCESS"] is False
    again = {p["kind"]: p["enabled"] for p in on["data"]["setInboxPreference"]["preferences"]}
    assert again["PARTNER_ACCESS"] is True and all(again.values())
    bad = await gql(client, PREFERENCES, {"kind": "NOPE", "enabled": True}, token=owner.token)
    assert error_codes(bad) == ["BAD_USER_INPUT"]


async def test_bad_paging_arguments_get_a_code(client: httpx.AsyncClient, db: asyncpg.Connection) -> None:
    owner = await make_citizen(db)

    too_many = await gql(client, INBOX, {"first": 101}, token=owner.token)
    bad_cursor = await gql(client, INBOX, {"first": 5, "after": "not-a-cursor"}, token=owner.token)

    assert error_codes(too_many) == ["INVALID_INPUT"] and error_codes(bad_cursor) == ["INVALID_CURSOR"]
