"""Opaque random tokens; the database keeps only their SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets


def new_token(prefix: str = "", nbytes: int = 32) -> str:
    return prefix + secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
