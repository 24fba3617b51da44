"""Command line of the service: serve | migrate | seed | demo-logins | export-schema | partner create|revoke.

`python main.py serve` with no DATABASE_URL starts an embedded PostgreSQL under VSSID_DATA_DIR, applies migrations,
loads the demo data set into an empty database, and serves GraphQL (GraphiQL in a browser) at /graphql.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import errno
import gc
import json
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path

import asyncpg

from auth.cli import add_partner_parser, run_partner_command
from db.dsn import describe
from db.embedded import EmbeddedDatabaseError, EmbeddedPostgres, ensure_database
from db.migrate import MigrationError, apply_migrations
from service.settings import Settings, SettingsError, load_settings

EMBEDDED_DATABASE = "vssid"
# The collector's first generation under load: the default 700 objects makes it run every few fields of a response.
GC_GENERATION0 = 50_000
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


async def prepare(dsn: str, settings: Settings, *, load_demo: bool) -> None:
    """Migrate, load reference data, and load the demo data set into an empty database."""
    from db.reference import load_reference_data
    from db.seed import seed_database

    async with connect(dsn) as conn:
        applied = await apply_migrations(conn)
        if applied:
            log.info("applied migrations: %s", ", ".join(applied))
        await load_reference_data(conn)
        if load_demo and not await conn.fetchval("select exists (select 1 from people)"):
            print(f"Loading the demo data set ({settings.demo_persons:,} persons)…", file=sys.stderr)
            async with conn.transaction():
                await seed_database(conn, persons=settings.demo_persons, seed=settings.seed_value, demo=True)


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
    from db.seed.demo import DEMO_LOGINS

    url = f"http://{settings.host}:{settings.port}/graphql"
    print(f"\nVssID API listening on {url}  (GraphiQL: open it in a browser)", file=sys.stderr)
    print("Demo logins (only while the demo data set is loaded):", file=sys.stderr)
    for login in DEMO_LOGINS:
        who = login.social_insurance_code or f"X-API-Key: {login.api_key}"
        secret = f" / password {login.password}" if login.password else ""
        print(f"  {login.label}: {who}{secret}", file=sys.stderr)
    print("Press Ctrl-C to stop.\n", file=sys.stderr)


def with_workers(settings: Settings, workers: int | None) -> Settings:
    if workers is None:
        return settings
    if not 1 <= workers <= 64:
        raise SettingsError(f"--workers {workers} is out of range; set it to a value from 1 to 64")
    return dataclasses.replace(settings, workers=workers)


class Terminated(Exception):  # noqa: N818 - a signal, not an error
    """SIGTERM, raised in the main thread once the server has shut down gracefully."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


def uvicorn_config(settings: Settings, app: object, **extra: object) -> object:
    import uvicorn

    from service.logs import logging_config

    return uvicorn.Config(
        app,  # type: ignore[arg-type]
        log_config=logging_config(settings.log_level, settings.log_format),
        access_log=False,  # the app writes one JSON line per request itself
        lifespan="on",
        # SIGTERM: stop accepting, let requests in flight finish within this bound, then the app's lifespan
        # shutdown (outbox batch, pool) gets the same bound again.
        timeout_graceful_shutdown=settings.shutdown_timeout_seconds,
        # Both are dependencies of the service; named so that a missing one fails at start, not silently slower.
        loop="uvloop",
        http="httptools",
        **extra,  # type: ignore[arg-type]
    )


def tune_collector() -> None:
    """Once the app is built: its long-lived objects (schema, modules) leave the cyclic collector's sight, and the
    collector runs after 50,000 new objects instead of 700 (it took 12 % of a worker's CPU under load)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_GENERATION0, 20, 20)


def create_worker_app() -> object:
    """The factory each worker process of `serve` calls."""
    from service.app import create_app_from_environment

    app = create_app_from_environment()
    tune_collector()
    return app


def serve_workers(settings: Settings, dsn: str, sock: socket.socket) -> None:
    """Several processes on the one listening socket, each with its own pool on the same database."""
    from uvicorn.supervisors import Multiprocess

    os.environ["DATABASE_URL"] = dsn
    metrics_dir = None
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = tempfile.mkdtemp(prefix="vssid-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    config = uvicorn_config(
        settings, "main:create_worker_app", factory=True, workers=settings.workers
    )
    try:
        Multiprocess(config, sockets=[sock]).run()  # type: ignore[arg-type]
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def command_serve(settings: Settings) -> int:
    import uvicorn

    from service.app import create_app

    # SIGTERM during start-up stops it like Ctrl-C (the embedded database too); while serving, see below.
    signal.signal(signal.SIGTERM, _raise_terminated)
    sock = bind_socket(settings.host, settings.port)
    with database(settings, exclusive=True) as dsn:
        asyncio.run(prepare(dsn, settings, load_demo=True))
        print_banner(settings)
        # uvicorn shuts down gracefully on Ctrl-C/SIGTERM, then re-raises the signal: a clean stop here, after which
        # the embedded database stops too.
        with contextlib.suppress(KeyboardInterrupt, Terminated):
            if settings.workers > 1:
                serve_workers(settings, dsn, sock)
            else:
                app = create_app(settings, dsn)
                tune_collector()
                server = uvicorn.Server(uvicorn_config(settings, app))  # type: ignore[arg-type]
                asyncio.run(server.serve(sockets=[sock]))
        print("stopped", file=sys.stderr)
    return 0


def command_migrate(settings: Settings) -> int:
    with database(settings) as dsn:
        asyncio.run(prepare(dsn, settings, load_demo=False))
    print("database is up to date", file=sys.stderr)
    return 0


async def _seed(dsn: str, settings: Settings, args: argparse.Namespace) -> None:
    from db.seed import seed_database

    await prepare(dsn, settings, load_demo=False)
    async with connect(dsn) as conn, conn.transaction():
        report = await seed_database(
            conn, persons=args.persons, seed=args.seed, facilities=args.facilities, demo=not args.no_demo
        )
    print(json.dumps(dataclasses.asdict(report), default=str), file=sys.stderr)


def command_seed(settings: Settings, args: argparse.Namespace) -> int:
    from db.seed import SeedError

    with database(settings) as dsn:
        try:
            asyncio.run(_seed(dsn, settings, args))
        except SeedError as exc:
            raise StartupError(f"{exc} (nothing was loaded)") from None
    return 0


def command_demo_logins(args: argparse.Namespace) -> int:
    from db.seed.demo import DEMO_LOGINS

    if args.json:
        print(json.dumps([dataclasses.asdict(login) for login in DEMO_LOGINS], ensure_ascii=False, indent=2))
    else:
        for login in DEMO_LOGINS:
            print(f"{login.label}: {login.social_insurance_code or login.api_key} {login.password or ''}".rstrip())
    return 0


def command_export_schema(args: argparse.Namespace) -> int:
    from schema.root import schema

    Path(args.path).write_text(schema.as_str() + "\n", encoding="utf-8")
    print(f"wrote {args.path}", file=sys.stderr)
    return 0


async def _partner(dsn: str, settings: Settings, args: argparse.Namespace) -> int:
    await prepare(dsn, settings, load_demo=False)
    async with connect(dsn) as conn:
        return await run_partner_command(args, conn)


def command_partner(settings: Settings, args: argparse.Namespace) -> int:
    with database(settings) as dsn:
        return asyncio.run(_partner(dsn, settings, args))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py", description="VssID GraphQL API")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the service (embedded PostgreSQL unless DATABASE_URL is set)")
    serve.add_argument("--workers", type=int, help="worker processes sharing the port (default VSSID_WORKERS or 1)")
    commands.add_parser("migrate", help="apply migrations and load reference data")
    seed = commands.add_parser("seed", help="load a synthetic data set into an empty database")
    seed.add_argument("--persons", type=int, default=10_000)
    seed.add_argument("--facilities", type=int, default=13_000)
    seed.add_argument("--seed", type=int, default=20_251_125, help="same value, same data")
    seed.add_argument("--no-demo", action="store_true", help="leave out the demo accounts")
    logins = commands.add_parser("demo-logins", help="print the demo logins")
    logins.add_argument("--json", action="store_true")
    export = commands.add_parser("export-schema", help="write the GraphQL schema (SDL)")
    export.add_argument("path", nargs="?", default="schema.graphql")
    add_partner_parser(commands)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "demo-logins":
            return command_demo_logins(args)
        if args.command == "export-schema":
            return command_export_schema(args)
        settings = load_settings()
        logging.getLogger().setLevel(settings.log_level)
        if args.command == "serve":
            from service.logs import configure_logging

            configure_logging(settings.log_level, settings.log_format)
        commands = {
            "serve": lambda: command_serve(with_workers(settings, args.workers)),
            "migrate": lambda: command_migrate(settings),
            "seed": lambda: command_seed(settings, args),
            "partner": lambda: command_partner(settings, args),
        }
        return commands[args.command]()
    except (SettingsError, StartupError, EmbeddedDatabaseError, MigrationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Terminated:
        return 143


if __name__ == "__main__":
    sys.exit(main())
