"""The public keys that verify card QR codes: a front desk caches them and verifies scans without calling us."""

from __future__ import annotations

import base64
from dataclasses import replace

import strawberry

from auth.card_signing import card_signer
from core.policy import PUBLIC_DIRECTORY
from loaders.context import Info
from schema.card_key import CardSigningKey

# A handful at most: the signing key and those kept for rotation.
MAX_KEYS = 16


@strawberry.type
class CardKeyQuery:
    @strawberry.field(
        description="The service's public keys for card QR payloads, the signing one first. Public and cacheable: "
        "a front desk refreshes them daily and verifies scans offline (docs/api.md).",
        metadata=replace(PUBLIC_DIRECTORY, list_size=MAX_KEYS).metadata(),
    )
    def card_signing_keys(self, info: Info) -> list[CardSigningKey]:
        keys = card_signer(info.context.settings).public_keys()
        return [
            CardSigningKey(
                key_id=key.key_id,
                algorithm="Ed25519",
                public_key=base64.urlsafe_b64encode(key.raw).rstrip(b"=").decode("ascii"),
                signing=key.signs,
            )
            for key in keys[:MAX_KEYS]
        ]
