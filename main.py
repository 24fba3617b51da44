"""Command line of the service: serve | migrate | seed [--check] | demo-logins | export-schema | partner | partitions |
payments reconcile.

`python main.py serve` with no DATABASE_URL starts an embedded PostgreSQL under VSSID_DATA_DIR, applies migrations,
loads the demo data set into an empty database, and serves GraphQL (GraphiQL in a browser) at /graphql.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from importlib import metadata
from pathlib import Path

import asyncpg
import httpx

from auth.cli import add_partner_parser, run_partner_command
from auth.tokens import configure_keys
from core.settings import Settings, SettingsError, environment_variables, load_settings
from db.embedded import EmbeddedDatabaseError
from db.migrate import MigrationError
from jobs.partitions import add_partitions_parser, run_partitions_command
from jobs.payments import gateway_config, reconcile
from payments.gateway import GatewayError
from seed import SeedError, seed_database
from seed.checks import report as checks_report
from seed.checks import run_checks
from seed.demo import DEMO_LOGINS, remove_demo_logins
from service.logs import configure_logging
from service.runtime import StartupError, Terminated, connect, database, prepare, serve, with_options
from service.schema import schema

log = logging.getLogger("vssid")
# An operator command given its arguments and a connection; answers the exit status.
ConnectionCommand = Callable[[argparse.Namespace, asyncpg.Connection], Awaitable[int]]


def command_migrate(settings: Settings) -> int:
    with database(settings) as dsn:
        asyncio.run(prepare(dsn, settings, serving=False))
    log.info("database is up to date")
    return 0


async def _seed(dsn: str, settings: Settings, args: argparse.Namespace) -> None:
    await prepare(dsn, settings, serving=False)
    async with connect(dsn) as conn, conn.transaction():
        report = await seed_database(
            conn, persons=args.persons, seed=args.seed, facilities=args.facilities, demo=not args.no_demo,
            progress=sys.stderr.isatty(),
        )
    log.info("seeded", extra={"fields": dataclasses.asdict(report)})


async def _check(dsn: str, settings: Settings) -> int:
    await prepare(dsn, settings, serving=False)
    async with connect(dsn) as conn:
        results = await run_checks(conn)
    print(checks_report(results))
    return 1 if any(r.violations for r in results) else 0


def command_seed(settings: Settings, args: argparse.Namespace) -> int:
    if args.check:
        with database(settings) as dsn:
            return asyncio.run(_check(dsn, settings))
    with database(settings) as dsn:
        try:
            asyncio.run(_seed(dsn, settings, args))
        except SeedError as exc:
            raise StartupError(f"{exc} (nothing was loaded)") from None
    return 0


async def _remove_demo_logins(dsn: str, settings: Settings) -> None:
    await prepare(dsn, settings, serving=False)
    async with connect(dsn) as conn, conn.transaction():
        await remove_demo_logins(conn)


def command_demo_logins(args: argparse.Namespace) -> int:
    if args.remove:
        settings = load_settings()
        configure_keys(settings)
        with database(settings) as dsn:
            asyncio.run(_remove_demo_logins(dsn, settings))
        log.info("demo logins removed: accounts and sessions deleted, the demo partner key revoked")
        return 0
    if args.json:
        print(json.dumps([dataclasses.asdict(login) for login in DEMO_LOGINS], ensure_ascii=False, indent=2))
    else:
        for login in DEMO_LOGINS:
            print(f"{login.label}: {login.social_insurance_code or login.api_key} {login.password or ''}".rstrip())
    return 0


def command_export_schema(args: argparse.Namespace) -> int:
    Path(args.path).write_text(schema.as_str() + "\n", encoding="utf-8")
    log.info("wrote %s", args.path)
    return 0


def command_on_database(settings: Settings, args: argparse.Namespace, command: ConnectionCommand) -> int:
    """An operator's command that runs on one connection to the migrated database (`partner`, `partitions`)."""

    async def run(dsn: str) -> int:
        await prepare(dsn, settings, serving=False)
        async with connect(dsn) as conn:
            return await command(args, conn)

    with database(settings) as dsn:
        return asyncio.run(run(dsn))


async def _reconcile(dsn: str, settings: Settings, day: dt.date) -> int:
    config = gateway_config(settings)
    if config is None:
        print("error: no payment gateway (set VSSID_PAYMENT_GATEWAY_URL and VSSID_PAYMENT_MERCHANT)", file=sys.stderr)
        return 2
    try:
        async with connect(dsn) as conn, httpx.AsyncClient(timeout=30) as client:
            mismatches = await reconcile(conn, config, day, client)
    except (httpx.HTTPError, GatewayError) as exc:
        print(f"error: the gateway's report of {day} could not be read ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 2
    for mismatch in mismatches:
        print(mismatch.line())
    print(f"{day}: {len(mismatches)} mismatches between the orders and the gateway's report", file=sys.stderr)
    return 1 if mismatches else 0


def command_payments(settings: Settings, args: argparse.Namespace) -> int:
    """`payments reconcile --date YYYY-MM-DD`: exit status 1 if any order and the gateway's report disagree."""
    with database(settings) as dsn:
        return asyncio.run(_reconcile(dsn, settings, args.date))
def version() -> str:
    try:
        return metadata.version("vssid-api")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def environment_help() -> str:
    """Every variable the service reads, with its default; the operations guide explains each."""
    lines = ["environment (read at start; docs/operations.md explains each):"]
    lines += [f"  {name:<42} default: {default}" for name, default in environment_variables()]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="VssID GraphQL API: the service, its database and its demo data.",
        epilog=environment_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    serve = commands.add_parser(
        "serve",
        help="run the service (embedded PostgreSQL unless DATABASE_URL is set)",
        description="Run the service: migrate, load the demo data into an empty database (development), serve "
        "/graphql. Options override their VSSID_ variables.",
        epilog=environment_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--host", help="address to listen on (default VSSID_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default VSSID_PORT, 8000)")
    serve.add_argument("--workers", type=int, help="worker processes sharing the port (default VSSID_WORKERS, 1)")
    serve.add_argument("--reload", action="store_true", help="restart when a source file changes (development)")
    serve.add_argument("--replica", dest="replicas", action="store_const", const=1, default=0,
                       help="also run a streaming read replica of the embedded PostgreSQL and read on it (demo)")
    serve.add_argument("--replicas", type=int, dest="replicas", metavar="N", help="as --replica, with N replicas (1-4)")
    commands.add_parser("migrate", help="apply migrations and load reference data")
    seed = commands.add_parser("seed", help="load a synthetic data set into an empty database")
    seed.add_argument("--persons", type=int, default=10_000, help="persons to generate (default 10000)")
    seed.add_argument("--facilities", type=int, default=13_000, help="facilities to generate (default 13000)")
    seed.add_argument("--seed", type=int, default=20_251_125, help="same value, same data (default 20251125)")
    seed.add_argument("--no-demo", action="store_true", help="leave out the demo accounts")
    seed.add_argument("--check", action="store_true",
                      help="load nothing: measure the integrity rules (seed/checks) on the seeded database, print "
                      "each rule with its violations, exit status 1 if any")
    logins = commands.add_parser("demo-logins", help="print the demo logins (or remove them from the database)")
    logins.add_argument("--json", action="store_true", help="print them as JSON, for scripts")
    logins.add_argument(
        "--remove", action="store_true", help="delete the demo accounts and sessions, revoke the demo partner key"
    )
    export = commands.add_parser("export-schema", help="write the GraphQL schema (SDL)")
    export.add_argument("path", nargs="?", default="schema.graphql", help="where to write it (default schema.graphql)")
    add_partner_parser(commands)
    payments = commands.add_parser("payments", help="online payment: reconcile a day with the gateway's report")
    reconcile = payments.add_subparsers(dest="payments_command", required=True, metavar="command").add_parser(
        "reconcile", help="list the day's orders that disagree with the gateway's report; exit status 1 if any"
    )
    reconcile.add_argument("--date", type=dt.date.fromisoformat, required=True, help="the day, YYYY-MM-DD (Vietnam)")
    add_partitions_parser(commands)
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
        configure_keys(settings)  # the seed and the partner commands store hashes too
        configure_logging(settings.log_level, settings.log_format)
        commands = {
            "serve": lambda: serve(
                with_options(settings, host=args.host, port=args.port, workers=args.workers), reload=args.reload,
                replicas=args.replicas,
            ),
            "migrate": lambda: command_migrate(settings),
            "seed": lambda: command_seed(settings, args),
            "partner": lambda: command_on_database(settings, args, run_partner_command),
            "payments": lambda: command_payments(settings, args),
            "partitions": lambda: command_on_database(settings, args, run_partitions_command),
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
