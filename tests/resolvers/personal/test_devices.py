"""registerDevice / unregisterDevice: the viewer's own devices, with coded errors for bad tokens."""

from __future__ import annotations

import asyncpg
import httpx

from tests.factories import make_citizen
from tests.graphql import contract, error_codes, gql

REGISTER = contract("mobile/RegisterDevice")
UNREGISTER = contract("mobile/UnregisterDevice")
FCM_TOKEN = "dXk3:APA91b" + "Q" * 40
APNS_TOKEN = "0f" * 32


async def test_a_device_is_registered_once_and_unregistered_by_its_owner_only(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    owner, other = await make_citizen(db), await make_citizen(db, full_name="Lê Thị Khác")

    first = await gql(client, REGISTER, {"platform": "ANDROID", "token": FCM_TOKEN}, token=owner.token)
    again = await gql(client, REGISTER, {"platform": "ANDROID", "token": FCM_TOKEN}, token=owner.token)
    ios = await gql(client, REGISTER, {"platform": "IOS", "token": APNS_TOKEN}, token=owner.token)
    foreign = await gql(client, UNREGISTER, {"token": FCM_TOKEN}, token=other.token)

    assert first["data"]["registerDevice"]["errors"] == [] and ios["data"]["registerDevice"]["errors"] == []
    assert first["data"]["registerDevice"]["device"]["id"] == again["data"]["registerDevice"]["device"]["id"]
    assert foreign["data"]["unregisterDevice"] == {"removed": False, "errors": []}
    assert await db.fetchval("select count(*) from devices where person_id = $1", owner.id) == 2
    removed = await gql(client, UNREGISTER, {"token": FCM_TOKEN}, token=owner.token)
    assert removed["data"]["unregisterDevice"] == {"removed": True, "errors": []}
    assert await db.fetchval("select count(*) from devices where person_id = $1", owner.id) == 1


async def test_bad_tokens_and_platforms_are_refused_with_a_code(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    owner = await make_citizen(db)

    short = await gql(client, REGISTER, {"platform": "ANDROID", "token": "abc"}, token=owner.token)
    not_hex = await gql(client, REGISTER, {"platform": "IOS", "token": FCM_TOKEN}, token=owner.token)
    spaces = await gql(client, UNREGISTER, {"token": "has spaces in it"}, token=owner.token)
    platform = await gql(client, REGISTER, {"platform": "WINDOWS", "token": FCM_TOKEN}, token=owner.token)
    anonymous = await gql(client, REGISTER, {"platform": "ANDROID", "token": FCM_TOKEN})

    for result, name in ((short, "registerDevice"), (not_hex, "registerDevice"), (spaces, "unregisterDevice")):
        assert [(e["code"], e["field"]) for e in result["data"][name]["errors"]] == [("INVALID_INPUT", "token")]
    assert error_codes(platform) == ["BAD_USER_INPUT"]
    assert anonymous["data"] is None and error_codes(anonymous) == ["UNAUTHENTICATED"]
    assert await db.fetchval("select count(*) from devices") == 0


async def test_a_token_registered_by_another_person_moves_to_them(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    first, second = await make_citizen(db), await make_citizen(db, full_name="Lê Thị Khác")

    await gql(client, REGISTER, {"platform": "IOS", "token": APNS_TOKEN}, token=first.token)
    await gql(client, REGISTER, {"platform": "IOS", "token": APNS_TOKEN}, token=second.token)

    owners = await db.fetch("select person_id from devices where token = $1", APNS_TOKEN)
    assert [row["person_id"] for row in owners] == [second.id]
