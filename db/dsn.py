"""Small helpers on PostgreSQL connection strings."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def with_database(dsn: str, database: str) -> str:
    """The same server, another database (keeps credentials, host and query such as ?host=/socket/dir)."""
    parts = urlsplit(dsn)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


def describe(dsn: str) -> str:
    """Where a DSN points, without its password: safe for messages and logs."""
    parts = urlsplit(dsn)
    host = parts.hostname or dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p).get("host", "localhost")
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path or '/'}"
