"""Running the service: the database it uses (embedded or DATABASE_URL), preparing it, and serving with uvicorn.

`serve` binds the port first (a taken port fails at once), starts the embedded PostgreSQL unless DATABASE_URL is
set, migrates, loads the demo data into an empty database, then serves one process or several on the one socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import errno
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg

from core.settings import Settings, SettingsError
from db.dsn import describe
from db.embedded import EmbeddedPostgres, ensure_database
from db.migrate import apply_migrations
from db.reference import load_reference_data
from jobs.inbox import produce_all
from seed import seed_database
from seed.demo import DEMO_LOGINS, demo_logins_present
from service.app import create_app, tune_collector
from service.demo_replicas import demo_replicas
from service.logs import logging_config
from service.sandbox import sandbox_gateway

EMBEDDED_DATABASE = "vssid"
CONNECT_TIMEOUT_SECONDS = 10
log = logging.getLogger("vssid")


class StartupError(RuntimeError):
    """A problem the operator can fix; printed as one line, never a traceback."""


@contextlib.contextmanager
def database(settings: Settings, *, exclusive: bool = False) -> Iterator[str]:
    """The DSN to use: DATABASE_URL, or the embedded server (started here, stopped on exit)."""
    if settings.database_url:
        yield settings.database_url
        return
    server = EmbeddedPostgres(settings.pg_data_dir, exclusive=exclusive)
    server.start()
    try:
        asyncio.run(ensure_database(server.uri("postgres"), EMBEDDED_DATABASE))
        yield server.uri(EMBEDDED_DATABASE)
    finally:
        server.stop()


@contextlib.asynccontextmanager
async def connect(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    try:
        conn = await asyncpg.connect(dsn, timeout=CONNECT_TIMEOUT_SECONDS)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise StartupError(
            f"cannot reach the database at {describe(dsn)} ({type(exc).__name__}: {exc}); "
            "check DATABASE_URL, or unset it to use the embedded PostgreSQL"
        ) from None
    try:
        yield conn
    finally:
        await conn.close()


async def prepare(dsn: str, settings: Settings, *, serving: bool) -> None:
    """Migrate and load reference data. When serving: load the demo data set into an empty database if the settings
    ask for it, and refuse to serve production from a database that holds the demo logins unless they do."""
    async with connect(dsn) as conn:
        applied = await apply_migrations(conn)
        if applied:
            log.info("applied migrations: %s", ", ".join(applied))
        await load_reference_data(conn)
        if not serving:
            return
        if settings.loads_demo and not await conn.fetchval("select exists (select 1 from people)"):
            log.info("loading the demo data set", extra={"fields": {"persons": settings.demo_persons}})
            async with conn.transaction():
                await seed_database(
                    conn, persons=settings.demo_persons, seed=settings.seed_value, demo=True,
                    progress=sys.stderr.isatty(),  # a progress bar is for a person watching, not for a log
                )
            # The demo logins find their inbox filled at once, not one producer interval later.
            report = await produce_all(conn, settings)
            log.info("inbox messages made for the demo: %d", report.total if report else 0)
        elif settings.is_production and not settings.loads_demo and await demo_logins_present(conn):
            raise StartupError(
                "this database holds the demo logins of the README (it was loaded in development), which anyone "
                "could use; serve production from another database, or remove them with "
                "`python main.py demo-logins --remove`"
            )


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise StartupError(
                f"port {port} on {host} is already in use; stop the other program or set VSSID_PORT"
            ) from None
        raise StartupError(
            f"cannot listen on {host}:{port} ({exc.strerror}); check VSSID_HOST and VSSID_PORT"
        ) from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def print_banner(settings: Settings) -> None:
    """What this start serves, true to its mode: GraphiQL only in development, demo logins only when loaded.

    On a terminal (text logs) it is a few lines for a person; in JSON logs it is one line with the same facts (and no
    demo passwords: they are in the README)."""
    url = f"http://{settings.host}:{settings.port}/graphql"
    if settings.log_format == "json":
        facts = {"url": url, "environment": settings.environment, "graphiql": not settings.is_production,
                 "demo_data": settings.loads_demo}  # fmt: skip
        log.info("serving", extra={"fields": facts})
        return
    if settings.is_production:
        print(f"\nVssID API listening on {url}  (production: no GraphiQL, no introspection)", file=sys.stderr)
    else:
        print(f"\nVssID API listening on {url}  (development; GraphiQL: open it in a browser)", file=sys.stderr)
    if settings.loads_demo:
        print("Demo logins (the demo data set is loaded):", file=sys.stderr)
        for login in DEMO_LOGINS:
            who = login.social_insurance_code or f"X-API-Key: {login.api_key}"
            secret = f" / password {login.password}" if login.password else ""
            print(f"  {login.label}: {who}{secret}", file=sys.stderr)
    else:
        print("No demo data: VSSID_DEMO_DATA is off (the default in production).", file=sys.stderr)
    print("Press Ctrl-C to stop.\n", file=sys.stderr)


def with_options(
    settings: Settings, *, host: str | None = None, port: int | None = None, workers: int | None = None
) -> Settings:
    """The settings with what `serve --host --port --workers` gave (each overrides its VSSID_ variable)."""
    if port is not None and not 1 <= port <= 65535:
        raise SettingsError(f"--port {port} is out of range; set it to a value from 1 to 65535")
    if workers is not None and not 1 <= workers <= 64:
        raise SettingsError(f"--workers {workers} is out of range; set it to a value from 1 to 64")
    return dataclasses.replace(
        settings,
        host=settings.host if host is None else host,
        port=settings.port if port is None else port,
        workers=settings.workers if workers is None else workers,
    )


class Terminated(Exception):  # noqa: N818 - a signal, not an error
    """SIGTERM, raised in the main thread once the server has shut down gracefully."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


def uvicorn_config(settings: Settings, app: object, **extra: object) -> object:
    import uvicorn  # imported when serving: the other commands do without it

    return uvicorn.Config(
        app,  # type: ignore[arg-type]
        log_config=logging_config(settings.log_level, settings.log_format),
        access_log=False,  # the app writes one JSON line per request itself
        # Forwarding headers are believed only from VSSID_TRUSTED_PROXIES, by the app (service/app.py); uvicorn's
        # own default would believe any client on 127.0.0.1.
        proxy_headers=False,
        lifespan="on",
        # SIGTERM: stop accepting, let requests in flight finish within this bound, then the app's lifespan
        # shutdown (outbox batch, pool) gets the same bound again.
        timeout_graceful_shutdown=settings.shutdown_timeout_seconds,
        # Both are dependencies of the service; named so that a missing one fails at start, not silently slower.
        loop="uvloop",
        http="httptools",
        **extra,  # type: ignore[arg-type]
    )


def serve_workers(settings: Settings, dsn: str, sock: socket.socket) -> None:
    """Several processes on the one listening socket, each with its own pool on the same database."""
    from uvicorn.supervisors import Multiprocess

    os.environ["DATABASE_URL"] = dsn
    metrics_dir = None
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = tempfile.mkdtemp(prefix="vssid-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    config = uvicorn_config(
        settings, "service.app:create_worker_app", factory=True, workers=settings.workers
    )
    try:
        Multiprocess(config, sockets=[sock]).run()  # type: ignore[arg-type]
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def serve_reloading(settings: Settings, dsn: str, sock: socket.socket) -> None:
    """One process that restarts when a source file changes (development): `serve --reload`."""
    import uvicorn  # imported when serving: the other commands do without it
    from uvicorn.supervisors import ChangeReload

    os.environ["DATABASE_URL"] = dsn
    root = str(Path(__file__).resolve().parents[1])
    config = uvicorn_config(settings, "service.app:create_worker_app", factory=True, reload=True, reload_dirs=[root])
    server = uvicorn.Server(config)  # type: ignore[arg-type]
    ChangeReload(config, target=server.run, sockets=[sock]).run()  # type: ignore[arg-type]


def serve(settings: Settings, *, reload: bool = False, replicas: int = 0) -> int:
    import uvicorn  # imported when serving: the other commands do without it

    if reload and settings.workers > 1:
        raise SettingsError("--reload runs one process; leave out --workers (or VSSID_WORKERS) to use it")

    # SIGTERM during start-up stops it like Ctrl-C (the embedded database too); while serving, see below.
    signal.signal(signal.SIGTERM, _raise_terminated)
    sock = bind_socket(settings.host, settings.port)
    with database(settings, exclusive=True) as dsn, sandbox_gateway(settings) as paying:
        asyncio.run(prepare(dsn, paying, serving=True))
        with demo_replicas(paying, dsn, replicas) as serving:  # `serve --replica`: standbys of the embedded server
            print_banner(serving)
            # uvicorn shuts down gracefully on Ctrl-C/SIGTERM, then re-raises the signal: a clean stop here, after
            # which the standbys, the sandbox gateway and the embedded database stop too.
            with contextlib.suppress(KeyboardInterrupt, Terminated):
                if reload:
                    serve_reloading(serving, dsn, sock)
                elif serving.workers > 1:
                    serve_workers(serving, dsn, sock)
                else:
                    app = create_app(serving, dsn)
                    tune_collector()
                    server = uvicorn.Server(uvicorn_config(serving, app))  # type: ignore[arg-type]
                    asyncio.run(server.serve(sockets=[sock]))
        log.info("stopped")
    return 0
