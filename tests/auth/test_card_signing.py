"""The card's QR payload: laid out byte by byte as docs/api.md says, signed with Ed25519, keys rotate."""

from __future__ import annotations

import base64
import datetime as dt
import struct

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from auth.card_payload import MAX_TEXT_LENGTH, CardFacts, MalformedPayloadError, parse
from auth.card_signing import DEVELOPMENT_KEYS, CardSigner, Seal, card_signer
from core.settings import SettingsError, load_settings

FACTS = CardFacts(
    card_number="DN4010190000001",
    full_name="Nguyễn Văn Ấn",
    date_of_birth=dt.date(1988, 5, 12),
    valid_from=dt.date(2026, 1, 1),
    valid_to=dt.date(2026, 12, 31),
    issued_on=dt.date(2025, 12, 20),
    five_years_continuous_from=dt.date(2015, 7, 1),
    primary_facility_code="01A23",
)
OLD = ("c2026", bytes(range(32)))
NEW = ("c2027", bytes(range(32, 64)))


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _independent_read(text: str, public_keys: dict[str, Ed25519PublicKey]) -> dict[str, object]:
    """A front desk's reader written from docs/api.md alone: cryptography and struct, nothing of the service."""
    raw = _unb64url(text)
    assert raw[0] == 1
    k = raw[1]
    key_id = raw[2 : 2 + k].decode()
    number = raw[2 + k : 17 + k].decode()
    n = raw[17 + k]
    name = raw[18 + k : 18 + k + n].decode("utf-8")
    dates = struct.unpack(">5I", raw[18 + k + n : 38 + k + n])
    facility = raw[38 + k + n : 43 + k + n].decode()
    signature = raw[43 + k + n :]
    assert len(signature) == 64
    public_keys[key_id].verify(signature, raw[: 43 + k + n])  # raises InvalidSignature when it does not hold
    return {"key_id": key_id, "number": number, "name": name, "dates": dates, "facility": facility}


def test_a_payload_reads_and_verifies_by_the_documented_layout() -> None:
    signer = CardSigner([OLD])
    text = signer.sign(FACTS)
    public = {OLD[0]: Ed25519PrivateKey.from_private_bytes(OLD[1]).public_key()}

    read = _independent_read(text, public)

    assert read == {
        "key_id": "c2026",
        "number": "DN4010190000001",
        "name": "Nguyễn Văn Ấn",
        "dates": (19880512, 20260101, 20261231, 20251220, 20150701),
        "facility": "01A23",
    }
    assert signer.open(text).seal is Seal.INTACT and signer.open(text).facts == FACTS


def test_a_payload_signed_by_an_independent_implementation_verifies() -> None:
    # the same bytes built and signed with cryptography directly: the service accepts them
    key = Ed25519PrivateKey.from_private_bytes(OLD[1])
    name = FACTS.full_name.encode()
    body = (
        bytes([1, 5]) + b"c2026" + b"DN4010190000001" + bytes([len(name)]) + name
        + struct.pack(">5I", 19880512, 20260101, 20261231, 20251220, 20150701) + b"01A23"
    )
    text = _b64url(body + key.sign(body))

    opened = CardSigner([OLD]).open(text)

    assert opened.seal is Seal.INTACT and opened.facts == FACTS
    assert text == CardSigner([OLD]).sign(FACTS)  # Ed25519 is deterministic: the service writes the same text


def test_any_changed_byte_is_tampered() -> None:
    signer = CardSigner([OLD])
    raw = bytearray(_unb64url(signer.sign(FACTS)))
    for index in range(2 + len(OLD[0]), len(raw)):  # every byte after the key id, signature included
        changed = bytearray(raw)
        changed[index] ^= 0x01
        assert signer.open(_b64url(bytes(changed))).seal is Seal.TAMPERED, index


@pytest.mark.parametrize(
    "text",
    ["", "not base64!", "AQ", "A" * (MAX_TEXT_LENGTH + 4), "AQVjMjAyNg", "QUJD"],
    ids=["empty", "not-base64", "too-short", "too-long", "truncated", "wrong-version"],
)
def test_malformed_text_is_tampered(text: str) -> None:
    assert CardSigner([OLD]).open(text).seal is Seal.TAMPERED
    with pytest.raises(MalformedPayloadError):
        parse(text)


def test_bytes_after_the_signature_are_tampered() -> None:
    text = CardSigner([OLD]).sign(FACTS)
    assert CardSigner([OLD]).open(_b64url(_unb64url(text) + b"\x00")).seal is Seal.TAMPERED


def test_a_key_id_the_service_does_not_hold_is_unknown_key() -> None:
    text = CardSigner([NEW]).sign(FACTS)
    assert CardSigner([OLD]).open(text).seal is Seal.UNKNOWN_KEY


def test_a_known_key_id_with_another_key_is_tampered() -> None:
    # an attacker's key under our key id: the signature does not hold
    text = CardSigner([(OLD[0], NEW[1])]).sign(FACTS)
    assert CardSigner([OLD]).open(text).seal is Seal.TAMPERED


def test_rotation_signs_with_the_first_key_and_verifies_with_all() -> None:
    before = CardSigner([OLD]).sign(FACTS)
    rotated = CardSigner([NEW, OLD])
    after = rotated.sign(FACTS)

    assert parse(after).key_id == "c2027"
    assert rotated.open(before).seal is Seal.INTACT and rotated.open(after).seal is Seal.INTACT
    # once the old key is retired, what it signed is unknown
    assert CardSigner([NEW]).open(before).seal is Seal.UNKNOWN_KEY
    assert [(k.key_id, k.signs) for k in rotated.public_keys()] == [("c2027", True), ("c2026", False)]
    assert rotated.public_keys()[1].raw == Ed25519PrivateKey.from_private_bytes(OLD[1]).public_key().public_bytes_raw()


def test_settings_read_keys_and_production_requires_them() -> None:
    seed = base64.b64encode(NEW[1]).decode()
    settings = load_settings({"VSSID_CARD_SIGNING_KEYS": f"c2027:{seed}, c2026:{_b64url(OLD[1])}"})
    assert settings.card_signing_keys == (NEW, OLD)
    assert card_signer(load_settings({})).public_keys()[0].key_id == DEVELOPMENT_KEYS[0][0]
    for bad in ("c2027", "c2027:short", f"bad id:{seed}", f":{seed}", f"c2027:{seed[:-4]}"):
        with pytest.raises(SettingsError, match="VSSID_CARD_SIGNING_KEYS"):
            load_settings({"VSSID_CARD_SIGNING_KEYS": bad})
    with pytest.raises(SettingsError, match="VSSID_CARD_SIGNING_KEYS is required in production"):
        load_settings({"VSSID_ENV": "production", "VSSID_SECRET_KEYS": "k1:" + "x" * 32})
