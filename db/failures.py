"""What a database error means for the connection it came on: lost (the server went away), or a statement a hot
standby's replay cancelled (a recovery conflict). db/pool.py turns both into ServiceUnavailable."""

from __future__ import annotations

from typing import Any

import asyncpg
from asyncpg.exceptions import InternalClientError

# The server is stopping or starting, the connection was lost, or it cannot be made.
CONNECTION_LOST = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
)

# What a hot standby answers when it cancels a statement because it conflicted with replaying the primary's changes
# ("canceling statement due to conflict with recovery": a row version it may read was vacuumed away, a lock it holds
# is wanted by the replay; 40P01 when the replay found itself waiting for the statement's buffer pin). On a standby
# nothing else raises them: its transactions only read, and SERIALIZABLE is refused there.
RECOVERY_CONFLICT_STATES = frozenset({"40001", "40P01"})


def is_recovery_conflict(exc: BaseException) -> bool:
    """A statement cancelled by a standby's replay (meaningful on a replica's connection only)."""
    return isinstance(exc, asyncpg.PostgresError) and exc.sqlstate in RECOVERY_CONFLICT_STATES


def is_connection_lost(exc: BaseException, conn: Any = None) -> bool:
    if isinstance(exc, CONNECTION_LOST):
        return True
    # "connection is closed" and the like: asyncpg's own guards, once the server went away under a connection.
    return isinstance(exc, (asyncpg.InterfaceError, InternalClientError)) and conn is not None and closed(conn)


def closed(conn: Any) -> bool:
    try:
        return bool(conn.is_closed())
    except asyncpg.InterfaceError:
        return True  # asyncpg already detached the proxy from its lost connection
