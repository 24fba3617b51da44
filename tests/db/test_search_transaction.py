"""A search's transaction (db/statements.py): read-only, planned per call inside, the connection as it was after."""

from __future__ import annotations

import asyncpg
import pytest

from db.pool import SERVER_SETTINGS
from db.statements import search_transaction


async def test_a_search_plans_per_call_inside_and_the_connection_keeps_one_plan_after(shared_dsn: str) -> None:
    conn = await asyncpg.connect(shared_dsn, server_settings=SERVER_SETTINGS)
    try:
        assert await conn.fetchval("select current_setting('plan_cache_mode')") == "force_generic_plan"
        async with search_transaction(conn):
            assert await conn.fetchval("select current_setting('plan_cache_mode')") == "auto"
            assert await conn.fetchval("select current_setting('transaction_read_only')") == "on"
        assert not conn.is_in_transaction()
        assert await conn.fetchval("select current_setting('plan_cache_mode')") == "force_generic_plan"

        with pytest.raises(asyncpg.ReadOnlySQLTransactionError):
            async with search_transaction(conn):
                await conn.execute("create temporary table t (x int)")
        assert not conn.is_in_transaction()
        assert await conn.fetchval("select 1") == 1
    finally:
        await conn.close()
