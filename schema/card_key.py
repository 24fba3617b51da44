"""CardSigningKey: a public key of the service that signs card QR codes, published for offline verification."""

from __future__ import annotations

import strawberry


@strawberry.type(description="A public key that verifies the signature of card QR payloads (docs/api.md).")
class CardSigningKey:
    key_id: str = strawberry.field(description="The key id a payload names (bytes 2 to 1+k).")
    algorithm: str = strawberry.field(description="Always Ed25519.")
    public_key: str = strawberry.field(description="The 32-byte raw public key, base64url without padding.")
    signing: bool = strawberry.field(description="Whether new payloads are signed with it; the others only verify.")
