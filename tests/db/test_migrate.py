"""The migration runner: ordered, recorded with checksums, safe to start twice at once, strict about edits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from db.migrate import MigrationError, apply_migrations, available_migrations, pending_migrations
from tests.databases import connection, temporary_database

MIGRATION_FILES = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "db" / "migrations").glob("*.sql"))


@pytest.fixture
async def empty_dsn(admin_dsn: str) -> AsyncIterator[str]:
    async with temporary_database(admin_dsn) as dsn:
        yield dsn


async def test_applies_every_migration_once_in_order(empty_dsn: str) -> None:
    async with connection(empty_dsn) as conn:
        first = await apply_migrations(conn)
        second = await apply_migrations(conn)
        recorded = [r["version"] for r in await conn.fetch("select version from schema_migrations order by applied_at")]

    expected = [m.version for m in available_migrations()]
    # what the code finds is every file of db/migrations (read here, not by the discovery under test)
    assert expected == MIGRATION_FILES and expected[0] == "0001_reference"
    assert first == expected == sorted(expected)
    assert second == []
    assert recorded == expected


async def test_two_processes_starting_at_once_apply_each_migration_once(empty_dsn: str) -> None:
    conns = [await asyncpg.connect(empty_dsn) for _ in range(2)]
    try:
        results = await asyncio.gather(*(apply_migrations(c) for c in conns))
        count = await conns[0].fetchval("select count(*) from schema_migrations")
    finally:
        for c in conns:
            await c.close()

    assert sorted(len(r) for r in results) == [0, len(available_migrations())]
    assert count == len(available_migrations())


async def test_an_edited_applied_migration_is_refused(fresh_dsn: str) -> None:
    async with connection(fresh_dsn) as conn:
        await conn.execute("update schema_migrations set checksum = 'x' where version = '0002_directory'")
        with pytest.raises(MigrationError, match="0002_directory"):
            await apply_migrations(conn)
        with pytest.raises(MigrationError):
            await pending_migrations(conn)


async def test_a_migration_unknown_to_the_code_is_refused(fresh_dsn: str) -> None:
    async with connection(fresh_dsn) as conn:
        await conn.execute("insert into schema_migrations (version, checksum) values ('9999_future', 'x')")
        with pytest.raises(MigrationError, match="9999_future"):
            await apply_migrations(conn)


async def test_pending_lists_what_an_empty_database_lacks(empty_dsn: str) -> None:
    async with connection(empty_dsn) as conn:
        assert await pending_migrations(conn) == [m.version for m in available_migrations()]


def test_the_operations_guide_names_every_extension_the_migrations_create() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    created = {
        name
        for path in (root / "db" / "migrations").glob("*.sql")
        for name in re.findall(r"create extension if not exists (\w+)", path.read_text(encoding="utf-8"))
    }
    guide = (root / "docs" / "operations.md").read_text(encoding="utf-8")
    named = guide.split("The server must have the contrib extensions", 1)[1].split("available", 1)[0]
    assert created and {name for name in created if f"`{name}`" in named} == created
