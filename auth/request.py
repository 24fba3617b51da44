"""Resolve the viewer of one HTTP request, once, before any field runs."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Mapping
from typing import Any

from starlette.requests import HTTPConnection

from auth.sessions import TokenLookup, access_token_lookup
from auth.tokens import api_key_hashes
from auth.viewer import Viewer, ViewerKind, anonymous, parse_access
from db import viewers as sql
from db.pool import ConnectionSource, writer_of

MAX_CREDENTIAL_LENGTH = 512
# As auth/partners.py names keys: the prefix shown to operators, safe to log.
KEY_PREFIX_LENGTH = 12


def client_address(request: HTTPConnection) -> str | None:
    """The client's IP address, or None for anything that is not one (it is counted and stored as an address)."""
    host = request.client.host if request.client else None
    return None if host is None else _address(host)


@functools.lru_cache(maxsize=4096)  # a client sends many requests; its address is checked once
def _address(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def bearer_token(request: HTTPConnection) -> str | None:
    return _bearer(request.headers.get("authorization", ""))


def bearer_from_params(params: Mapping[str, object] | None) -> str | None:
    """A subscription's token: `{"Authorization": "Bearer ..."}` in graphql-transport-ws's connection_init payload."""
    header = next((v for k, v in (params or {}).items() if k.lower() == "authorization"), "")
    return _bearer(header) if isinstance(header, str) else None


def _bearer(header: str) -> str | None:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token or len(token) > MAX_CREDENTIAL_LENGTH:
        return None
    return token.strip()


async def viewer_from_request(request: HTTPConnection, pool: ConnectionSource) -> Viewer:
    """An unknown, expired or revoked credential makes the request anonymous: fields then answer UNAUTHENTICATED."""
    address = client_address(request)
    token = bearer_token(request)
    api_key = request.headers.get("x-api-key")
    if not token and not (api_key and len(api_key) <= MAX_CREDENTIAL_LENGTH):
        return anonymous(address)
    if token:
        return await viewer_from_token(pool, token, address)
    # A key's use is recorded (last_used_at, audit) by the statement that checks it: on the primary.
    async with writer_of(pool).acquire() as conn:
        assert api_key is not None
        key = await sql.api_key_by_hash(conn, api_key_hashes(api_key), address)
        if key is None:
            await sql.record_rejected_key(conn, api_key[:KEY_PREFIX_LENGTH], address)
            return anonymous(address)
    return Viewer(
        kind=ViewerKind.PARTNER,
        client_address=address,
        partner_id=key["partner_id"],
        partner_name=key["partner_name"],
        api_key_id=key["api_key_id"],
        scopes=frozenset(key["scopes"]),
    )


async def viewer_from_token(pool: ConnectionSource, token: str, address: str | None) -> Viewer:
    """The person of a bearer access token (HTTP requests and subscriptions alike), or anonymous."""
    lookup = access_token_lookup(token)
    if lookup is None:  # malformed, or issued before tokens named their person: not found, as an unknown token
        return anonymous(address)
    return (await session_from_lookup(pool, lookup, address))[0]


async def session_from_lookup(
    pool: ConnectionSource, lookup: TokenLookup, address: str | None
) -> tuple[Viewer, Mapping[str, Any] | None]:
    """The viewer of an access token already parsed, and the session row it was made from (None: anonymous)."""
    async with pool.acquire() as conn:
        row = await sql.session_by_access_token(conn, lookup.person_id, lookup.hashes)
    return viewer_of_session(row, address), None if row is None else dict(row)


def viewer_of_session(row: Mapping[str, Any] | None, address: str | None) -> Viewer:
    """The viewer of a session row (db/viewers.py SESSION_BY_ACCESS_TOKEN), anonymous without one."""
    if row is None:
        return anonymous(address)
    return Viewer(
        kind=ViewerKind.AGENCY_OFFICER if row["agency_id"] is not None else ViewerKind.CITIZEN,
        client_address=address,
        person_id=row["person_id"],
        session_id=row["session_id"],
        password_change_only=row["password_change_only"],
        agency_id=row["agency_id"],
        access=parse_access(row["access"]),
        person=sql.person_of_session(row),
    )
