"""Partner API keys: created and revoked by the operator's command, used through X-API-Key."""

from __future__ import annotations

import argparse

import asyncpg
import httpx
import pytest

from auth.cli import add_partner_parser, run_partner_command
from tests.graphql import contract, error_codes, gql

VERIFY_CARD = contract("partner/VerifyInsuranceCard")
CARD = {"cardNumber": "0000000001", "fullName": "Không Có Ai", "dateOfBirth": "1990-01-01"}


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py")
    add_partner_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


async def create_key(db: asyncpg.Connection, capsys: pytest.CaptureFixture[str], scopes: str) -> str:
    """The operator's command, which these tests are about; other tests make keys with factories.make_partner_key."""
    status = await run_partner_command(parse("partner", "create", "--name", "Bệnh viện Thử", "--scopes", scopes), db)
    assert status == 0
    key = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("vsk_"))
    return key


async def test_a_key_works_until_revoked(
    client: httpx.AsyncClient, db: asyncpg.Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    key = await create_key(db, capsys, "card:verify,directory:read")

    used = await gql(client, VERIFY_CARD, CARD, api_key=key)
    revoked = await run_partner_command(parse("partner", "revoke", key[:12]), db)
    after = await gql(client, VERIFY_CARD, CARD, api_key=key)

    assert error_codes(used) == [] and used["data"]["verifyInsuranceCard"] is not None
    assert revoked == 0
    assert error_codes(after) == ["UNAUTHENTICATED"]
    stored = await db.fetchrow("select key_hash, scopes from api_keys where prefix = $1", key[:12])
    assert key.encode() not in stored["key_hash"] and stored["scopes"] == ["card:verify", "directory:read"]
    events = [
        r["event"]
        for r in await db.fetch(
            "select event from audit_events where actor_ref = $1 or details ->> 'prefix' = $1 order by id", key[:12]
        )
    ]
    assert events == ["api_key_created", "api_key_used", "api_key_revoked", "api_key_rejected"]
    used_from = await db.fetchval("select host(client_address) from audit_events where event = 'api_key_used'")
    assert used_from == "203.0.113.7"


async def test_a_key_without_the_scope_is_forbidden(
    client: httpx.AsyncClient, db: asyncpg.Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    key = await create_key(db, capsys, "directory:read")

    assert error_codes(await gql(client, VERIFY_CARD, CARD, api_key=key)) == ["FORBIDDEN"]


async def test_unknown_scopes_and_prefixes_are_refused(db: asyncpg.Connection) -> None:
    bad_scope = await run_partner_command(parse("partner", "create", "--name", "X", "--scopes", "card:write"), db)
    unknown = await run_partner_command(parse("partner", "revoke", "vsk_nothing"), db)

    assert (bad_scope, unknown) == (2, 1)
    assert await db.fetchval("select count(*) from partners where name = 'X'") == 0
