"""The GraphQL-over-HTTP specification, as the `graphql-http` audit (the reference implementation's test suite, from
npm) checks it: every audit passes, none warns, on each endpoint, in development and in production mode."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import shutil
from pathlib import Path

import asyncpg
import pytest

from core.settings import Settings
from tests.factories import make_partner_key
from tests.served import served
from tests.tools import node_package

pytestmark = pytest.mark.slow

AUDIT = Path(__file__).resolve().parents[1] / "audit" / "graphql_http.mjs"
GRAPHQL_HTTP = "1.23.1"
INTROSPECTION_AUDITS = {"2EA1", "28B9", "D6D5", "6A70"}


async def _audit(url: str, headers: dict[str, str] | None = None) -> list[dict[str, str]]:
    modules = node_package("graphql-http", GRAPHQL_HTTP).parent
    node = shutil.which("node")
    assert node is not None
    process = await asyncio.create_subprocess_exec(
        node, str(AUDIT), str(modules), url, json.dumps(headers or {}),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode()[-2000:]
    return [json.loads(line) for line in out.decode().splitlines() if line.strip()]


def _not_ok(results: list[dict[str, str]]) -> dict[str, str]:
    assert len(results) >= 60  # the audit ran (61 audits in graphql-http 1.23)
    return {r["id"]: f"{r['status']}: {r['name']} ({r['reason']})" for r in results if r["status"] != "ok"}


async def test_every_audit_passes_on_both_endpoints(shared_settings: Settings, shared_dsn: str) -> None:
    async with served(shared_settings, shared_dsn) as origin:
        for path in ("/graphql", "/graphql/partner"):
            assert _not_ok(await _audit(origin + path)) == {}, path


async def test_in_production_only_the_introspection_audits_are_refused(
    settings: Settings, db_dsn: str, db: asyncpg.Connection
) -> None:
    partner_key = await make_partner_key(db, ["directory:read"])
    async with served(dataclasses.replace(settings, environment="production"), db_dsn) as origin:
        anonymous = _not_ok(await _audit(origin + "/graphql"))
        partner = _not_ok(await _audit(origin + "/graphql/partner", {"X-API-Key": partner_key}))

    # Four audits send `query Type($name: String!) { __type(name: $name) { name } }`: introspection, which production
    # refuses to anonymous callers (INTROSPECTION_DISABLED) by design. Everything else passes.
    assert set(anonymous) == INTROSPECTION_AUDITS, anonymous
    # A partner key may introspect the partner endpoint, and there the whole audit passes.
    assert partner == {}
