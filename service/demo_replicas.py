"""`main.py serve --replica` / `--replicas N`: the embedded primary plus N streaming standbys made from its own
binaries (db/replica_server.py), and the service configured to read on them (DATABASE_REPLICA_URLS).

A demonstration of the replica routing on one machine: the standbys are made afresh at each start (pg_basebackup
of the whole embedded cluster) under VSSID_DATA_DIR/replicas and stopped with the service. With DATABASE_URL set,
make the replicas with the server's own tools and list them in DATABASE_REPLICA_URLS instead (docs/operations.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
from collections.abc import Iterator
from urllib.parse import urlsplit

from core.settings import Settings, SettingsError
from db.dsn import describe
from db.replica_server import StreamingReplica, wait_until_caught_up

log = logging.getLogger("vssid")

FIRST_PORT = 5433
MAX_REPLICAS = 4


@contextlib.contextmanager
def demo_replicas(settings: Settings, primary_dsn: str, count: int) -> Iterator[Settings]:
    """Start `count` standbys of the embedded primary; yield the settings that read on them; stop them after."""
    if count == 0:
        yield settings
        return
    if not settings.embedded:
        raise SettingsError(
            "--replica makes standbys of the embedded PostgreSQL; with DATABASE_URL set, list your replicas in "
            "DATABASE_REPLICA_URLS instead"
        )
    if not 1 <= count <= MAX_REPLICAS:
        raise SettingsError(f"--replicas {count} is out of range; set it to a value from 1 to {MAX_REPLICAS}")
    database = urlsplit(primary_dsn).path.lstrip("/")
    standbys = [
        StreamingReplica(primary_dsn, settings.data_dir / "replicas" / f"replica{n}", FIRST_PORT + n - 1)
        for n in range(1, count + 1)
    ]
    try:
        for standby in standbys:
            log.info("making read replica %s (pg_basebackup of the embedded server)", standby.folder.name)
            standby.stop()  # one left running by a killed `serve`
            standby.create()
            standby.start()
            asyncio.run(wait_until_caught_up(primary_dsn, standby.dsn(database)))
        urls = tuple(standby.dsn(database) for standby in standbys)
        # Workers (VSSID_WORKERS > 1) read their settings from the environment.
        os.environ["DATABASE_REPLICA_URLS"] = ",".join(urls)
        log.info("reading on %d replica(s): %s", count, ", ".join(describe(url) for url in urls))
        yield dataclasses.replace(settings, replica_urls=urls)
    finally:
        for standby in standbys:
            standby.stop()
