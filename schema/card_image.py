"""CardImage: the card as a picture (SVG or PNG) with its signed QR payload. Built for the card's holder only."""

from __future__ import annotations

import base64
import enum

import strawberry

from auth.card_payload import CardFacts
from auth.card_signing import card_signer
from core.settings import Settings
from loaders.base import Row
from schema.card_picture import HEIGHT, WIDTH, CardPrint, png, svg


@strawberry.enum(description="How the card picture is encoded.")
class CardImageFormat(enum.Enum):
    SVG = "SVG"
    PNG = "PNG"


MEDIA_TYPES = {CardImageFormat.SVG: "image/svg+xml", CardImageFormat.PNG: "image/png"}


@strawberry.type(description="The card laid out like the printed BHYT card, with a QR code a front desk can verify.")
class CardImage:
    format: CardImageFormat
    media_type: str = strawberry.field(description="image/svg+xml or image/png.")
    width: int = strawberry.field(description="In pixels (SVG: user units); the card's ratio, 85.6 × 54 mm.")
    height: int
    data_url: str = strawberry.field(description="data:<mediaType>;base64,<the image>: for an <img> or a WebView.")
    qr_payload: str = strawberry.field(
        description="The text the QR code carries (base64url, signed; docs/api.md), to draw the code natively."
    )


def card_image(settings: Settings, image_format: CardImageFormat, card: Row, person: Row, facility: Row) -> CardImage:
    """The picture of `card`, its QR code signed with the service's current key."""
    facts = CardFacts.of_record({
        **card, "full_name": person["full_name"], "date_of_birth": person["date_of_birth"],
        "primary_facility_code": facility["code"],
    })
    printed = CardPrint(
        facts, person["gender"], person["address"], facility["name"], qr=card_signer(settings).sign(facts)
    )
    body = svg(printed).encode("utf-8") if image_format is CardImageFormat.SVG else png(printed)
    media_type = MEDIA_TYPES[image_format]
    return CardImage(
        format=image_format,
        media_type=media_type,
        width=WIDTH,
        height=HEIGHT,
        data_url=f"data:{media_type};base64,{base64.b64encode(body).decode('ascii')}",
        qr_payload=printed.qr,
    )
