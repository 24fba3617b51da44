"""Foreign keys checked once per constraint after the load instead of once per row during it.

PostgreSQL checks a foreign key with one lookup per inserted row; for millions of COPYed rows that is most of
the load time. With `session_replication_role = replica` (transaction-local; needs superuser or the SET
privilege on that parameter) those per-row checks are skipped, and `verify_foreign_keys` then runs one
anti-join per constraint. The schema has no other triggers that replica mode would skip. Without the
privilege the rows are checked one by one as usual: slower, equally safe.
"""

from __future__ import annotations

import asyncpg

from seed.errors import SeedError

SELECT_FOREIGN_KEYS = """
select c.conname, c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent,
       array(select quote_ident(attname) from unnest(c.conkey) with ordinality k(n, i)
             join pg_attribute on attrelid = c.conrelid and attnum = k.n order by k.i) as child_columns,
       array(select quote_ident(attname) from unnest(c.confkey) with ordinality k(n, i)
             join pg_attribute on attrelid = c.confrelid and attnum = k.n order by k.i) as parent_columns
from pg_constraint c
where c.contype = 'f' and c.conrelid = any($1::regclass[])
order by c.conname
"""
COUNT_ORPHANS = "select count(*) from {child} c where {present} and not exists (select from {parent} p where {match})"


async def skip_row_checks(conn: asyncpg.Connection) -> bool:
    """Switch off per-row foreign-key checks until the transaction ends; False if not allowed."""
    try:
        async with conn.transaction():  # a savepoint: a refusal must not abort the caller's transaction
            await conn.execute("set local session_replication_role = replica")
    except asyncpg.InsufficientPrivilegeError:
        return False
    return True


async def restore_row_checks(conn: asyncpg.Connection) -> None:
    await conn.execute("set local session_replication_role = origin")


async def verify_foreign_keys(conn: asyncpg.Connection, tables: list[str]) -> None:
    """Raise SeedError naming the first constraint that some loaded row violates."""
    for fk in await conn.fetch(SELECT_FOREIGN_KEYS, tables):
        pairs = list(zip(fk["child_columns"], fk["parent_columns"], strict=True))
        present = " and ".join(f"c.{child} is not null" for child, _ in pairs)
        match = " and ".join(f"p.{parent} = c.{child}" for child, parent in pairs)
        orphans = await conn.fetchval(COUNT_ORPHANS.format(child=fk["child"], parent=fk["parent"], present=present,
                                                           match=match))
        if orphans:
            raise SeedError(f"{orphans} rows of {fk['child']} violate foreign key {fk['conname']}")
