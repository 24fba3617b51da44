"""Test fixtures: one PostgreSQL server per session, a migrated and seeded template, and two kinds of database.

- A test that writes anything (rows, sessions, logins, keys, outbox messages) gets a database of its own, cloned
  from the seeded template: `db_dsn`, `db`, `settings`, `client`.
- A test that only reads uses the one seeded database the session shares: `shared_dsn`, `shared_db`,
  `shared_settings`, `shared_client`. There it connects as a role that may read everything and write nothing but
  the per-address counters the app keeps for anonymous callers (the directory rate limit, the look-up throttle);
  each `shared_client` calls from an address of its own, so those counters start at zero for it and no other test
  sees them. Any other write is refused (permission denied): a test put on the shared database by mistake fails
  instead of leaking state into the tests after it.

Set TEST_DATABASE_URL (a superuser DSN to any database on a PostgreSQL 18 server with contrib) to use that
server instead of the embedded one.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from core.settings import Settings, load_settings
from db.dsn import with_database
from db.embedded import EmbeddedPostgres
from db.migrate import apply_migrations
from db.reference import load_reference_data
from seed import seed_database
from tests.clients import app_client, asgi_client, fresh_address
from tests.databases import Clones, connection, temporary_database

TEMPLATE_MIGRATED = "vssid_test_migrated"
TEMPLATE_SEEDED = "vssid_test_seeded"
SHARED_DATABASE = "vssid_test_shared"
SHARED_ROLE = "vssid_test_reader"
# The small data set every test database starts from.
TEST_PERSONS = 60
TEST_SEED = 7
TEST_FACILITIES = 400
# The session's own throwaway server keeps nothing across a crash, so it need not wait for the disk: creating and
# dropping a database per test otherwise waits for fsyncs and checkpoints.
NO_DURABILITY = ("fsync", "synchronous_commit", "full_page_writes")
# What the shared database lets its role do: read, and count anonymous callers per address.
SHARED_GRANTS = f"""
grant select on all tables in schema public to {SHARED_ROLE};
grant insert, update on throttle_counters to {SHARED_ROLE};
alter table throttle_counters enable row level security;
create policy per_address_counters on throttle_counters to {SHARED_ROLE}
    using (key like 'rate:directory:address:%' or key like 'rate:invalid:address:%' or key like 'lookup-code:%');
"""


@pytest.fixture(scope="session")
async def admin_dsn() -> AsyncIterator[str]:
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        yield with_database(external, "postgres")
        return
    # Not under pytest's basetemp: pytest deletes all but the newest three, so a second test run started meanwhile
    # (a developer running one file while the suite runs) would delete this server's data under it.
    home = Path(tempfile.mkdtemp(prefix="vssid-test-pg-"))
    server = EmbeddedPostgres(home / "postgres")
    await asyncio.to_thread(server.start)
    try:
        admin = await asyncpg.connect(server.uri("postgres"))
        try:
            for setting in NO_DURABILITY:
                await admin.execute(f"alter system set {setting} = off")
            await admin.execute("select pg_reload_conf()")
        finally:
            await admin.close()
        yield server.uri("postgres")
    finally:
        await asyncio.to_thread(server.stop)
        shutil.rmtree(home, ignore_errors=True)


async def _recreate(admin: asyncpg.Connection, name: str, template: str | None = None) -> None:
    await admin.execute(f'drop database if exists "{name}" with (force)')
    suffix = f' template "{template}" strategy file_copy' if template else ""
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


@pytest.fixture
async def fresh_dsn(admin_dsn: str, templates: None) -> AsyncIterator[str]:
    """A new database with migrations applied and nothing else."""
    async with temporary_database(admin_dsn, TEMPLATE_MIGRATED) as dsn:
        yield dsn


@pytest.fixture(scope="session")
async def seeded_clones(admin_dsn: str, templates: None) -> AsyncIterator[Clones]:
    clones = Clones(admin_dsn, TEMPLATE_SEEDED)
    await clones.start()
    try:
        yield clones
    finally:
        await clones.close()


@pytest.fixture
async def db_dsn(seeded_clones: Clones) -> AsyncIterator[str]:
    """A new database holding reference data and the small seeded data set (demo accounts included)."""
    dsn = await seeded_clones.take()
    yield dsn
    await seeded_clones.drop(dsn)


@pytest.fixture
async def db(db_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    async with connection(db_dsn) as conn:
        yield conn


@pytest.fixture
async def pool(db_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """A small pool of its own on the seeded clone, for code that takes a pool (the outbox, the push channel)."""
    created = await asyncpg.create_pool(db_dsn, min_size=1, max_size=4)
    assert created is not None
    try:
        yield created
    finally:
        await created.close()


@pytest.fixture
def settings(db_dsn: str) -> Settings:
    return load_settings({"DATABASE_URL": db_dsn, "VSSID_DB_POOL_MIN": "1", "VSSID_DB_POOL_MAX": "4"})


@pytest.fixture
async def client(settings: Settings, db_dsn: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the whole app (lifespan included) over ASGI, on its own seeded database."""
    async with app_client(settings, db_dsn) as served:
        yield served.http


# ---- the shared, read-only database -------------------------------------------------------------------------------


def _as_role(dsn: str, role: str) -> str:
    """The same DSN, its sessions running as `role` (a startup setting: the session user stays the superuser)."""
    parts = urlsplit(dsn)
    query = f"{parts.query}&role={role}" if parts.query else f"role={role}"
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


@pytest.fixture(scope="session")
async def shared_dsn(admin_dsn: str, templates: None) -> AsyncIterator[str]:
    """The session's one seeded database, as the role that may only read it (and count callers per address)."""
    admin = await asyncpg.connect(admin_dsn)
    try:
        if not await admin.fetchval("select exists (select 1 from pg_roles where rolname = $1)", SHARED_ROLE):
            await admin.execute(f"create role {SHARED_ROLE} nologin")
        await _recreate(admin, SHARED_DATABASE, TEMPLATE_SEEDED)
        conn = await asyncpg.connect(with_database(admin_dsn, SHARED_DATABASE))
        try:
            await conn.execute(SHARED_GRANTS)
        finally:
            await conn.close()
        yield _as_role(with_database(admin_dsn, SHARED_DATABASE), SHARED_ROLE)
        await admin.execute(f'drop database if exists "{SHARED_DATABASE}" with (force)')
    finally:
        await admin.close()


@pytest.fixture
async def shared_db(shared_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection to the shared database, for reading only."""
    async with connection(shared_dsn) as conn:
        yield conn


@pytest.fixture(scope="session")
def shared_settings(shared_dsn: str) -> Settings:
    # No outbox dispatcher and no housekeeping: nothing for them to do where nobody writes, and they could not.
    env = {"VSSID_NOTIFICATION_DISPATCHER": "off", "VSSID_HOUSEKEEPING_SECONDS": "0"}
    return load_settings({"DATABASE_URL": shared_dsn, "VSSID_DB_POOL_MIN": "1", "VSSID_DB_POOL_MAX": "4", **env})


@pytest.fixture(scope="session")
async def shared_app(shared_settings: Settings, shared_dsn: str) -> AsyncIterator[Starlette]:
    """The whole app on the shared database, started once for the session."""
    async with app_client(shared_settings, shared_dsn) as served:
        yield served.app


@pytest.fixture
async def shared_client(shared_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the shared app, calling from an address no other test uses."""
    async with asgi_client(shared_app, fresh_address()) as http:
        yield http
