"""Ordered SQL migrations with checksums, applied under an advisory lock."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

import asyncpg

# Any constant shared by every process of this service; two processes starting at once serialise on it.
MIGRATION_LOCK_KEY = 0x5653_5349_44  # "VSSID"

CREATE_TABLE = """
create table if not exists schema_migrations (
    version text primary key,
    checksum text not null,
    applied_at timestamptz not null default now()
)
"""
SELECT_APPLIED = "select version, checksum from schema_migrations order by version"
INSERT_APPLIED = "insert into schema_migrations (version, checksum) values ($1, $2)"


class MigrationError(RuntimeError):
    """The database's migrations do not match the code's."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def available_migrations() -> list[Migration]:
    folder = resources.files("db") / "migrations"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [Migration(f.name.removesuffix(".sql"), f.read_text(encoding="utf-8")) for f in files]


def _check_applied(applied: dict[str, str], migrations: list[Migration]) -> None:
    known = {m.version: m for m in migrations}
    for version, checksum in applied.items():
        migration = known.get(version)
        if migration is None:
            raise MigrationError(
                f"the database has migration {version}, which this code does not know; "
                "run a newer version of the service"
            )
        if migration.checksum != checksum:
            raise MigrationError(
                f"migration {version} was edited after it was applied; restore the file and add a new migration instead"
            )


async def apply_migrations(conn: asyncpg.Connection) -> list[str]:
    """Apply every pending migration, each in its own transaction; return the versions applied."""
    migrations = available_migrations()
    await conn.execute("select pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
    try:
        await conn.execute(CREATE_TABLE)
        applied = {r["version"]: r["checksum"] for r in await conn.fetch(SELECT_APPLIED)}
        _check_applied(applied, migrations)
        done: list[str] = []
        for migration in migrations:
            if migration.version in applied:
                continue
            async with conn.transaction():
                await conn.execute(migration.sql)
                await conn.execute(INSERT_APPLIED, migration.version, migration.checksum)
            done.append(migration.version)
        return done
    finally:
        await conn.execute("select pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)


async def pending_migrations(conn: asyncpg.Connection) -> list[str]:
    """Versions not yet applied (empty when current); raise MigrationError on a mismatch."""
    migrations = available_migrations()
    exists = await conn.fetchval("select to_regclass('schema_migrations') is not null")
    applied: dict[str, str] = {}
    if exists:
        applied = {r["version"]: r["checksum"] for r in await conn.fetch(SELECT_APPLIED)}
    _check_applied(applied, migrations)
    return [m.version for m in migrations if m.version not in applied]
