"""The QR payload of a BHYT card: the card's facts and a signature, in a compact binary form (docs/api.md).

    offset      size  field
    0           1     version, 1
    1           1     k, the key id's length (1 to 16)
    2           k     key id, ASCII
    2+k         15    card number, ASCII
    17+k        1     n, the full name's length in bytes (1 to 255)
    18+k        n     full name, UTF-8 (NFC)
    18+k+n      4     date of birth          \\
    22+k+n      4     valid from              | each an unsigned big-endian integer
    26+k+n      4     valid to                | YYYYMMDD (20261231); 0 for "none"
    30+k+n      4     issued on               | (only the 5-year date may be none)
    34+k+n      4     5 years continuous from /
    38+k+n      5     primary facility code, ASCII
    43+k+n      64    Ed25519 signature of bytes 0 to 42+k+n

The QR code carries the bytes as base64url without padding (RFC 4648 §5): plain ASCII that any scanner reads.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import struct
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

VERSION = 1
SIGNATURE_LENGTH = 64
# The longest QR text a check accepts: the longest payload (16-byte key id, 255-byte name) is 494 characters.
MAX_TEXT_LENGTH = 600
_CARD_NUMBER = re.compile(rb"^[A-Z]{2}[1-5][0-9]{12}$")
_FACILITY_CODE = re.compile(rb"^[0-9]{2}[0-9A-Z]{3}$")
_KEY_ID = re.compile(rb"^[A-Za-z0-9._-]{1,16}$")
_DATES = struct.Struct(">IIIII")


class MalformedPayloadError(ValueError):
    """The text is not a payload of this format (a scanned code of something else, or damaged)."""


@dataclass(frozen=True, slots=True)
class CardFacts:
    """What the QR code says about the card; the service signs exactly these."""

    card_number: str
    full_name: str
    date_of_birth: dt.date
    valid_from: dt.date
    valid_to: dt.date
    issued_on: dt.date
    five_years_continuous_from: dt.date | None
    primary_facility_code: str

    @classmethod
    def of_record(cls, row: Mapping[str, Any]) -> CardFacts:
        """The facts as the database holds them (the name in NFC, as a payload carries it)."""
        return cls(
            card_number=row["card_number"],
            full_name=unicodedata.normalize("NFC", row["full_name"]),
            date_of_birth=row["date_of_birth"],
            valid_from=row["valid_from"],
            valid_to=row["valid_to"],
            issued_on=row["issued_on"],
            five_years_continuous_from=row["five_years_continuous_from"],
            primary_facility_code=row["primary_facility_code"],
        )


@dataclass(frozen=True, slots=True)
class Scanned:
    key_id: str
    facts: CardFacts
    signed: bytes  # the bytes the signature covers
    signature: bytes


def _day(value: dt.date | None) -> int:
    return 0 if value is None else value.year * 10_000 + value.month * 100 + value.day


def _date(number: int) -> dt.date:
    try:
        return dt.date(number // 10_000, number // 100 % 100, number % 100)
    except ValueError:
        raise MalformedPayloadError(f"{number} is not a date") from None


def signed_part(key_id: str, facts: CardFacts) -> bytes:
    """The bytes the signature covers: everything before it."""
    key = key_id.encode("ascii")
    name = unicodedata.normalize("NFC", facts.full_name).encode("utf-8")
    number, facility = facts.card_number.encode("ascii"), facts.primary_facility_code.encode("ascii")
    if not _KEY_ID.match(key) or not _CARD_NUMBER.match(number) or not _FACILITY_CODE.match(facility):
        raise ValueError("a key id, card number or facility code of the wrong shape cannot be signed")
    if not 1 <= len(name) <= 255:
        raise ValueError("the full name must be 1 to 255 bytes of UTF-8")
    dates = _DATES.pack(
        _day(facts.date_of_birth), _day(facts.valid_from), _day(facts.valid_to), _day(facts.issued_on),
        _day(facts.five_years_continuous_from),
    )
    return bytes([VERSION, len(key)]) + key + number + bytes([len(name)]) + name + dates + facility


def encode(signed: bytes, signature: bytes) -> str:
    """The QR text: base64url of the signed bytes and the signature, without padding."""
    return base64.urlsafe_b64encode(signed + signature).rstrip(b"=").decode("ascii")


def parse(text: str) -> Scanned:
    """The payload's parts; MalformedPayloadError for anything that is not exactly one payload of version 1."""
    raw = _bytes(text)
    reader = _Reader(raw)
    if reader.take(1)[0] != VERSION:
        raise MalformedPayloadError("unknown version")
    key = reader.take(reader.take(1)[0])
    number = reader.take(15)
    name = reader.take(reader.take(1)[0])
    born, start, end, issued, five_years = _DATES.unpack(reader.take(_DATES.size))
    facility = reader.take(5)
    signed_length = reader.position
    signature = reader.take(SIGNATURE_LENGTH)
    if reader.position != len(raw):
        raise MalformedPayloadError("bytes after the signature")
    if not _KEY_ID.match(key) or not _CARD_NUMBER.match(number) or not _FACILITY_CODE.match(facility):
        raise MalformedPayloadError("a field has the wrong shape")
    try:
        full_name = name.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedPayloadError("the name is not UTF-8") from None
    if not full_name or unicodedata.normalize("NFC", full_name) != full_name:
        raise MalformedPayloadError("the name is not in NFC")
    facts = CardFacts(
        card_number=number.decode("ascii"),
        full_name=full_name,
        date_of_birth=_date(born),
        valid_from=_date(start),
        valid_to=_date(end),
        issued_on=_date(issued),
        five_years_continuous_from=None if five_years == 0 else _date(five_years),
        primary_facility_code=facility.decode("ascii"),
    )
    return Scanned(key.decode("ascii"), facts, raw[:signed_length], signature)


def _bytes(text: str) -> bytes:
    if len(text) > MAX_TEXT_LENGTH or not re.fullmatch(r"[A-Za-z0-9_-]+", text) or len(text) % 4 == 1:
        raise MalformedPayloadError("not base64url")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise MalformedPayloadError("not base64url") from None
    if encode(raw, b"") != text:  # one text per payload: no stray bits in the last character
        raise MalformedPayloadError("not canonical base64url")
    return raw


class _Reader:
    __slots__ = ("position", "raw")

    def __init__(self, raw: bytes) -> None:
        self.raw, self.position = raw, 0

    def take(self, size: int) -> bytes:
        end = self.position + size
        if size == 0 or end > len(self.raw):
            raise MalformedPayloadError("too short")
        chunk, self.position = self.raw[self.position : end], end
        return chunk
