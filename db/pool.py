"""The asyncpg pool: created in the Starlette lifespan, with per-connection settings for short OLTP queries."""

from __future__ import annotations

import asyncpg

from service.settings import Settings

SERVER_SETTINGS = {
    "application_name": "vssid-api",
    # Short, index-driven statements: JIT compilation costs more than it saves.
    "jit": "off",
    "statement_timeout": "10000",
    "idle_in_transaction_session_timeout": "30000",
    "timezone": "Asia/Ho_Chi_Minh",
}


async def create_pool(dsn: str, settings: Settings) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn,
        min_size=settings.pool_min_size,
        max_size=settings.pool_max_size,
        server_settings=SERVER_SETTINGS,
        command_timeout=15,
    )
    assert pool is not None
    return pool
