"""`python main.py partner create|revoke`: issue and revoke partner API keys (main.py wires these in)."""

from __future__ import annotations

import argparse
from typing import Any

import asyncpg

from auth import partners


def add_partner_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add `partner create --name N --scopes a,b` and `partner revoke PREFIX` to the main parser's subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser("partner", help="issue or revoke partner API keys")
    actions = parser.add_subparsers(dest="partner_action", required=True)
    create = actions.add_parser("create", help="issue a new API key and print it once")
    create.add_argument("--name", required=True, help="the partner's name (created if new)")
    create.add_argument("--scopes", required=True, help=f"comma-separated, from: {', '.join(partners.SCOPES)}")
    revoke = actions.add_parser("revoke", help="revoke a key by the prefix shown when it was created")
    revoke.add_argument("prefix")
    return parser


async def run_partner_command(args: argparse.Namespace, conn: asyncpg.Connection) -> int:
    """Run `partner create|revoke` in one transaction; return the process exit status."""
    try:
        async with conn.transaction():
            if args.partner_action == "create":
                issued = await partners.create_key(conn, args.name, partners.parse_scopes(args.scopes))
                print(f"API key for {args.name} (scopes {','.join(issued.scopes)}), shown only once:")
                print(issued.key)
                print(f"Its prefix, to name or revoke it later: {issued.prefix}")
                return 0
            if await partners.revoke_key(conn, args.prefix):
                print(f"Revoked the key {args.prefix}.")
                return 0
            print(f"No active key has the prefix {args.prefix}.")
            return 1
    except partners.PartnerError as exc:
        print(f"error: {exc}")
        return 2
