"""A streaming hot standby of the embedded PostgreSQL, made with the embedded server's own binaries.

`pg_basebackup -R` copies the primary's whole cluster over the replication protocol and writes `standby.signal`
and `primary_conninfo`; the copy then starts as a hot standby on a port of its own (listening, like the primary,
only on a Unix socket in its own folder). Used by the tests, `main.py serve --replica` and the bench; a real
deployment's replicas are made by its operators the same way (docs/replicas.md).

The embedded primary already allows it: PostgreSQL 18's defaults are `wal_level=replica` and `max_wal_senders=10`,
and initdb's `pg_hba.conf` trusts local replication connections. Nothing here ever promotes the standby.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import asyncpg

# As the embedded server: PostgreSQL refuses to run as root, so root runs it as this system user.
SYSTEM_USER = "embedded_postgres"
START_TIMEOUT_SECONDS = 60


class ReplicaServerError(RuntimeError):
    """The standby could not be made or started; the message says why (its log is in its folder)."""


def _bin(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH  # lazy: the embedded package is only for local use

    return str(POSTGRES_BIN_PATH / name)


def _user() -> str | None:
    return SYSTEM_USER if os.geteuid() == 0 else None


def socket_of(dsn: str) -> tuple[str, int]:
    """The Unix socket folder and port of a DSN such as postgresql://postgres@/db?host=/socket/dir."""
    parts = urlsplit(dsn)
    query = parse_qs(parts.query)
    host = parts.hostname or query.get("host", [""])[0]
    port = parts.port or int(query.get("port", ["5432"])[0])
    if not host.startswith("/"):
        raise ReplicaServerError(f"a local replica needs a primary on a Unix socket, not {host!r}")
    return host, port


class StreamingReplica:
    """One hot standby in `folder` (made empty first), listening on `port` in that folder."""

    def __init__(self, primary_dsn: str, folder: Path, port: int) -> None:
        self.primary_dsn = primary_dsn
        self.folder = folder
        self.port = port

    def dsn(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.folder}&port={self.port}"

    def _run(self, *args: str) -> None:
        try:
            subprocess.run(  # noqa: S603 (the embedded server's own binaries, our own arguments)
                args, check=True, capture_output=True, text=True, user=_user(), timeout=START_TIMEOUT_SECONDS * 5
            )
        except subprocess.CalledProcessError as exc:
            raise ReplicaServerError(f"{Path(args[0]).name} failed: {exc.stderr.strip()[-500:]}") from None

    def create(self) -> None:
        """Copy the primary (pg_basebackup -R: a standby.signal and the primary's conninfo come with it)."""
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True, mode=0o700)
        if _user() is not None:
            shutil.chown(self.folder, SYSTEM_USER)
            for parent in self.folder.parents:  # the system user must reach the folder
                if parent == Path("/"):
                    break
                parent.chmod(parent.stat().st_mode | 0o011)
        host, port = socket_of(self.primary_dsn)
        self._run(_bin("pg_basebackup"), "-R", "-X", "stream", "-c", "fast", "-D", str(self.folder),
                  "-d", f"host={host} port={port} user=postgres")

    def start(self) -> None:
        """Start it (again, after a kill: until the killed server's processes are gone, a start is refused)."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        options = f'-h "" -k {self.folder} -p {self.port} -c hot_standby=on -c max_standby_streaming_delay=5s'
        while True:
            try:
                self._run(_bin("pg_ctl"), "-w", "-D", str(self.folder), "-o", options,
                          "-l", str(self.folder / "log"), "start")
                return
            except ReplicaServerError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def pid(self) -> int | None:
        """The running postmaster's process id (None when none runs, a stale postmaster.pid included)."""
        try:
            pid = int((self.folder / "postmaster.pid").read_text().split()[0])
            os.kill(pid, 0)
        except (OSError, ValueError, IndexError):
            return None
        return pid

    def kill(self) -> None:
        """SIGKILL the postmaster, as a crash would (its backends notice and exit)."""
        pid = self.pid()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.pid() is not None:
            try:
                self._run(_bin("pg_ctl"), "-w", "-D", str(self.folder), "-m", "fast", "stop")
            except ReplicaServerError:
                self.kill()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


async def wait_until_caught_up(primary_dsn: str, replica_dsn: str, within_seconds: float = 30.0) -> None:
    """Wait until the standby has replayed everything the primary had written when this was called."""
    primary = await asyncpg.connect(primary_dsn)
    try:
        target = await primary.fetchval("select pg_current_wal_insert_lsn()")
    finally:
        await primary.close()
    deadline = time.monotonic() + within_seconds
    while True:
        try:
            replica = await asyncpg.connect(replica_dsn)
            try:
                if await replica.fetchval("select pg_last_wal_replay_lsn() >= $1::pg_lsn", target):
                    return
            finally:
                await replica.close()
        except (OSError, asyncpg.PostgresError):
            pass
        if time.monotonic() > deadline:
            raise ReplicaServerError(f"the standby did not replay up to {target} in {within_seconds:g} s")
        await asyncio.sleep(0.1)
