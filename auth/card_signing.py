"""The service's Ed25519 keys that sign the card's QR payload, so that a front desk can verify a scan offline.

Keys come from `VSSID_CARD_SIGNING_KEYS` (`id:base64-private-key,...`): the first one signs, every one verifies, so a
key is rotated in by putting it first and out once the cards it signed have expired. Their public halves are
published (`cardSigningKeys`). Development and tests use a fixed, public development key; production refuses to
start without keys of its own (core/settings.py).
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from auth.card_payload import CardFacts, MalformedPayloadError, encode, parse, signed_part
from core.settings import Settings

DEVELOPMENT_KEYS: tuple[tuple[str, bytes], ...] = (
    ("dev", hashlib.sha256(b"vssid development card signing key: not a secret").digest()),
)


class Seal(enum.Enum):
    """What the signature of a scanned payload says, before the database is asked."""

    INTACT = "INTACT"
    TAMPERED = "TAMPERED"  # malformed, or the signature does not match the bytes
    UNKNOWN_KEY = "UNKNOWN_KEY"  # well formed, signed by a key id the service does not hold


@dataclass(frozen=True, slots=True)
class Opened:
    seal: Seal
    facts: CardFacts | None = None  # only when INTACT


@dataclass(frozen=True, slots=True)
class PublicKey:
    key_id: str
    raw: bytes  # the 32-byte Ed25519 public key
    signs: bool  # whether new payloads are signed with it


class CardSigner:
    __slots__ = ("_public", "_signing", "_signing_id")

    def __init__(self, keys: Sequence[tuple[str, bytes]]) -> None:
        private = [(key_id, Ed25519PrivateKey.from_private_bytes(seed)) for key_id, seed in keys]
        self._signing_id, self._signing = private[0]
        self._public: dict[str, Ed25519PublicKey] = {}
        for key_id, key in private:
            self._public.setdefault(key_id, key.public_key())

    def sign(self, facts: CardFacts) -> str:
        """The QR text of `facts`, signed with the current (first) key."""
        signed = signed_part(self._signing_id, facts)
        return encode(signed, self._signing.sign(signed))

    def open(self, text: str) -> Opened:
        """The facts of a scanned payload when its signature holds; otherwise why not."""
        try:
            scanned = parse(text)
        except MalformedPayloadError:
            return Opened(Seal.TAMPERED)
        key = self._public.get(scanned.key_id)
        if key is None:
            return Opened(Seal.UNKNOWN_KEY)
        try:
            key.verify(scanned.signature, scanned.signed)
        except InvalidSignature:
            return Opened(Seal.TAMPERED)
        return Opened(Seal.INTACT, scanned.facts)

    def public_keys(self) -> list[PublicKey]:
        return [
            PublicKey(key_id, key.public_bytes(Encoding.Raw, PublicFormat.Raw), key_id == self._signing_id)
            for key_id, key in self._public.items()
        ]


def card_signer(settings: Settings) -> CardSigner:
    """The signer of these settings' keys (the development key when none are set, which production refuses)."""
    return _signer(settings.card_signing_keys or DEVELOPMENT_KEYS)


@lru_cache(maxsize=4)
def _signer(keys: tuple[tuple[str, bytes], ...]) -> CardSigner:
    return CardSigner(keys)
