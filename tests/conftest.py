"""Test fixtures: one PostgreSQL server per session, a migrated and seeded template, a fresh clone per test.

Set TEST_DATABASE_URL (a superuser DSN to any database on a PostgreSQL 18 server with contrib) to use that
server instead of the embedded one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from core.settings import Settings, load_settings
from db.dsn import with_database
from db.embedded import EmbeddedPostgres
from db.migrate import apply_migrations
from db.reference import load_reference_data
from seed import seed_database
from service.app import create_app

TEMPLATE_MIGRATED = "vssid_test_migrated"
TEMPLATE_SEEDED = "vssid_test_seeded"
# The small data set every test database starts from.
TEST_PERSONS = 60
TEST_SEED = 7
TEST_FACILITIES = 400


@pytest.fixture(scope="session")
def admin_dsn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        yield with_database(external, "postgres")
        return
    server = EmbeddedPostgres(Path(tmp_path_factory.mktemp("pg")) / "postgres")
    server.start()
    try:
        yield server.uri("postgres")
    finally:
        server.stop()


async def _recreate(admin: asyncpg.Connection, name: str, template: str | None = None) -> None:
    await admin.execute(f'drop database if exists "{name}" with (force)')
    suffix = f' template "{template}"' if template else ""
    await admin.execute(f'create database "{name}"{suffix}')


@pytest.fixture(scope="session")
async def templates(admin_dsn: str) -> AsyncIterator[None]:
    admin = await asyncpg.connect(admin_dsn)
    try:
        await _recreate(admin, TEMPLATE_MIGRATED)
        conn = await asyncpg.connect(with_database(admin_dsn, TEMPLATE_MIGRATED))
        try:
            await apply_migrations(conn)
        finally:
            await conn.close()
        await _recreate(admin, TEMPLATE_SEEDED, TEMPLATE_MIGRATED)
        conn = await asyncpg.connect(with_database(admin_dsn, TEMPLATE_SEEDED))
        try:
            await load_reference_data(conn)
            async with conn.transaction():
                await seed_database(
                    conn, persons=TEST_PERSONS, seed=TEST_SEED, facilities=TEST_FACILITIES, progress=False
                )
        finally:
            await conn.close()
        yield
    finally:
        await admin.close()


async def _clone(admin_dsn: str, template: str) -> AsyncIterator[str]:
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'create database "{name}" template "{template}"')
        yield with_database(admin_dsn, name)
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


@pytest.fixture
async def fresh_dsn(admin_dsn: str, templates: None) -> AsyncIterator[str]:
    """A new database with migrations applied and nothing else."""
    async for dsn in _clone(admin_dsn, TEMPLATE_MIGRATED):
        yield dsn


@pytest.fixture
async def db_dsn(admin_dsn: str, templates: None) -> AsyncIterator[str]:
    """A new database holding reference data and the small seeded data set (demo accounts included)."""
    async for dsn in _clone(admin_dsn, TEMPLATE_SEEDED):
        yield dsn


@pytest.fixture
async def db(db_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(db_dsn)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
def settings(db_dsn: str) -> Settings:
    return load_settings({"DATABASE_URL": db_dsn, "VSSID_DB_POOL_MIN": "1", "VSSID_DB_POOL_MAX": "4"})


@pytest.fixture
async def client(settings: Settings, db_dsn: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the whole app (lifespan included) over ASGI, on its own seeded database."""
    app = create_app(settings, db_dsn)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http
