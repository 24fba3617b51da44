"""The readers of the settings that hold keys (core/settings.py declares the settings), and the error every reader
raises: kept apart so that the settings module stays one screenful of declarations."""

from __future__ import annotations

import base64
import re

_KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,16}$")


class SettingsError(ValueError):
    """A configuration value is wrong; the message says which and what to do."""


def key_pairs(name: str, raw: str) -> tuple[tuple[str, str], ...]:
    """`id:secret` pairs, comma-separated; each secret at least 32 characters."""
    keys = []
    for item in (part.strip() for part in raw.split(",") if part.strip()):
        key_id, _, secret = item.partition(":")
        if not key_id or len(secret) < 32:
            raise SettingsError(
                f"{name} holds id:secret pairs, comma-separated, each secret at least 32 characters "
                "(e.g. k2026:$(openssl rand -hex 32)); the first one signs"
            )
        keys.append((key_id, secret))
    return tuple(keys)


def signing_keys(name: str, raw: str) -> tuple[tuple[str, bytes], ...]:
    """`id:base64-private-key` pairs, comma-separated: each an Ed25519 private key of 32 bytes (its seed)."""
    keys = []
    for item in (part.strip() for part in raw.split(",") if part.strip()):
        key_id, _, encoded = item.partition(":")
        text = encoded.replace("-", "+").replace("_", "/")  # base64 or base64url, padded or not
        try:
            seed = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        except ValueError:
            seed = b""
        if not _KEY_ID.match(key_id) or len(seed) != 32:
            raise SettingsError(
                f"{name} holds id:base64-private-key pairs, comma-separated: an id of 1 to 16 letters, digits, "
                "'.', '_' or '-', and a 32-byte Ed25519 private key in base64 (e.g. c2027:$(openssl rand -base64 32)); "
                "the first one signs, all of them verify"
            )
        keys.append((key_id, seed))
    return tuple(keys)
