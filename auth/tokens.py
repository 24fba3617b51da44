"""Opaque random tokens and one-time codes; the database keeps only their keyed hashes (HMAC-SHA256).

A keyed hash cannot be reversed by trying every value without the server's key, which matters for a 6-digit code
(a million tries) as much as for a token. Keys come from `VSSID_SECRET_KEYS` (`id:secret,...`, the first one signs,
all of them are tried, so a key can be rotated in by putting it first and out once its hashes have expired).
Development and tests use a fixed, public development key; production refuses to start without keys of its own.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence

from core.settings import Settings

DEVELOPMENT_KEYS: tuple[tuple[str, str], ...] = (("development", "vssid development key: not a secret"),)


class Keyring:
    __slots__ = ("_keys",)

    def __init__(self, keys: Sequence[tuple[str, str]]) -> None:
        self._keys = [secret.encode() for _, secret in keys]

    def hash(self, value: str) -> bytes:
        """The hash to store: under the current (first) key."""
        return hmac.digest(self._keys[0], value.encode(), "sha256")

    def hashes(self, value: str) -> list[bytes]:
        """The hashes to look a value up by: one under every key, the current one first."""
        return [hmac.digest(key, value.encode(), "sha256") for key in self._keys]


_keyring = Keyring(DEVELOPMENT_KEYS)


def configure_keys(settings: Settings) -> None:
    """Use the settings' keys in this process (every entry point calls it once the settings are read)."""
    global _keyring  # noqa: PLW0603 - one keyring per process, as there is one settings object
    _keyring = Keyring(settings.secret_keys or DEVELOPMENT_KEYS)


def new_token(prefix: str = "", nbytes: int = 32) -> str:
    return prefix + secrets.token_urlsafe(nbytes)


# A session token names its person: `<prefix><person id in decimal>.<secret>`, e.g. `vsa_1024.Qx…`. The person id lets
# the look-up go to the person's rows (one shard on Citus, docs/scale.md 'Sessions'); the secret (32 random bytes)
# is what proves the token. The whole string is what is hashed and stored, so a secret put behind another
# person's id is a different token, and the look-up filters by the id as well.
_PERSON_TOKEN = re.compile(r"([1-9][0-9]{0,18})\.([A-Za-z0-9_-]{16,})")
_MAX_BIGINT = 2**63 - 1


def new_person_token(prefix: str, person_id: int, nbytes: int = 32) -> str:
    return f"{prefix}{person_id}.{secrets.token_urlsafe(nbytes)}"


def token_person(prefix: str, token: str) -> int | None:
    """The person id a session token names, or None for a token not of this form (malformed, another prefix, an id
    that is no positive bigint, or a token issued before tokens named their person): such a token is not found."""
    if not token.startswith(prefix):
        return None
    match = _PERSON_TOKEN.fullmatch(token, len(prefix))
    if match is None or (person_id := int(match.group(1))) > _MAX_BIGINT:
        return None
    return person_id


def hash_token(token: str) -> bytes:
    return _keyring.hash(token)


def token_hashes(token: str) -> list[bytes]:
    return _keyring.hashes(token)


def api_key_hashes(key: str) -> list[bytes]:
    """An API key's lookup hashes: keys issued before hashes were keyed were stored as their plain SHA-256, which
    still finds them (a key is 32 random bytes: its plain hash gives nothing away)."""
    return [*_keyring.hashes(key), hashlib.sha256(key.encode()).digest()]
