"""The card as a picture a phone shows at the front desk: laid out like the printed BHYT card, with its signed QR code.

The same layout is written as SVG (text kept as text, escaped, UTF-8) and drawn as PNG with Pillow in Be Vietnam
Pro (SIL Open Font License 1.1, from the `fontpkg-be-vietnam-pro` package), a typeface made for Vietnamese
diacritics. The QR code is encoded by segno; only its modules are drawn here.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

import fontpkg
import segno
from PIL import Image, ImageDraw, ImageFont

from auth.card_payload import CardFacts

WIDTH, HEIGHT = 856, 540  # the ID-1 card format (85.6 × 54 mm) at 10 px per mm
BLUE, INK, PAPER, PALE = "#0b5394", "#1a1a1a", "#ffffff", "#e8f1fb"
QR_SIZE, QR_X, QR_Y = 232, 600, 150
FONT_FAMILY = "Be Vietnam Pro"
GENDERS = {"MALE": "Nam", "FEMALE": "Nữ"}


@dataclass(frozen=True, slots=True)
class CardPrint:
    """What the printed card shows: the facts its QR code carries, and a few more for people to read."""

    facts: CardFacts
    gender: str
    address: str
    facility_name: str
    qr: str


@dataclass(frozen=True, slots=True)
class Line:
    x: int
    y: int
    text: str
    size: int
    bold: bool = False
    color: str = INK


def _day(value: dt.date | None) -> str:
    return "—" if value is None else value.strftime("%d/%m/%Y")


def _wrapped(text: str, width: int, lines: int) -> list[str]:
    parts = textwrap.wrap(" ".join(text.split()), width) or [""]
    if len(parts) > lines:
        parts = [*parts[: lines - 1], textwrap.shorten(" ".join(parts[lines - 1 :]), width, placeholder=" …")]
    return parts


def layout(card: CardPrint) -> list[Line]:
    """Every text of the card, in reading order."""
    facts = card.facts
    lines = [
        Line(32, 44, "BẢO HIỂM XÃ HỘI VIỆT NAM", 20, bold=True, color=PAPER),
        Line(32, 84, "THẺ BẢO HIỂM Y TẾ", 32, bold=True, color=PAPER),
        Line(32, 150, f"Mã số: {facts.card_number[5:]}", 30, bold=True, color=BLUE),
        Line(32, 180, f"Số thẻ: {facts.card_number}", 18),
        Line(32, 222, f"Họ và tên: {facts.full_name.upper()}", 22, bold=True),
        Line(32, 256, f"Ngày sinh: {_day(facts.date_of_birth)}    Giới tính: {GENDERS.get(card.gender, card.gender)}",
             18),
    ]
    y = 288
    for i, part in enumerate(_wrapped(f"Địa chỉ: {card.address}", 52, 2)):
        lines.append(Line(32, y + 24 * i, part, 18))
    y += 56
    facility = f"Nơi ĐKKCB ban đầu: {card.facility_name} ({facts.primary_facility_code})"
    for i, part in enumerate(_wrapped(facility, 52, 2)):
        lines.append(Line(32, y + 24 * i, part, 18))
    lines += [
        Line(32, 418, f"Giá trị sử dụng: từ {_day(facts.valid_from)} đến {_day(facts.valid_to)}", 18, bold=True),
        Line(32, 448, f"Thời điểm đủ 5 năm liên tục: {_day(facts.five_years_continuous_from)}", 18),
        Line(32, 478, f"Ngày cấp: {_day(facts.issued_on)}", 18),
        Line(QR_X, QR_Y + QR_SIZE + 30, "Quét mã để kiểm tra thẻ", 16, color=BLUE),
    ]
    return lines


def qr_code(payload: str) -> segno.QRCode:
    """The card's QR code: byte mode, error correction M at least (segno raises it when it costs no size)."""
    return segno.make_qr(payload, error="m", mode="byte")


def _dark_runs(code: segno.QRCode) -> Iterator[tuple[int, int, int]]:
    """(column, row, length) of each run of dark modules, quiet zone included (border 4)."""
    for y, row in enumerate(code.matrix_iter(scale=1, border=4)):
        x, cells = 0, list(row)
        while x < len(cells):
            if cells[x]:
                start = x
                while x < len(cells) and cells[x]:
                    x += 1
                yield start, y, x - start
            else:
                x += 1


def svg(card: CardPrint) -> str:
    code = qr_code(card.qr)
    modules = code.symbol_size(scale=1, border=4)[0]
    path = "".join(f"M{x},{y}h{n}v1h-{n}z" for x, y, n in _dark_runs(code))
    texts = "".join(_text(line) for line in layout(card))
    label = quoteattr(f"Thẻ BHYT {card.facts.card_number}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'font-family="{FONT_FAMILY}, Arial, sans-serif" role="img" aria-label={label}>'
        f'<rect x="2" y="2" width="{WIDTH - 4}" height="{HEIGHT - 4}" rx="24" fill="{PAPER}" stroke="{BLUE}" '
        'stroke-width="4"/>'
        f'<path d="M2,110V26a24,24 0 0 1 24,-24h{WIDTH - 52}a24,24 0 0 1 24,24V110z" fill="{BLUE}"/>'
        f'<rect x="{QR_X - 8}" y="{QR_Y - 8}" width="{QR_SIZE + 16}" height="{QR_SIZE + 16}" fill="{PALE}"/>'
        f"{texts}"
        f'<svg x="{QR_X}" y="{QR_Y}" width="{QR_SIZE}" height="{QR_SIZE}" viewBox="0 0 {modules} {modules}" '
        f'shape-rendering="crispEdges"><rect width="{modules}" height="{modules}" fill="{PAPER}"/>'
        f'<path d="{path}" fill="#000000"/></svg></svg>'
    )


def _text(line: Line) -> str:
    weight = ' font-weight="bold"' if line.bold else ""
    return (
        f'<text x="{line.x}" y="{line.y}" font-size="{line.size}" fill="{line.color}"{weight}>'
        f"{escape(line.text)}</text>"
    )


@lru_cache(maxsize=16)
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fontpkg.path(FONT_FAMILY, 700 if bold else 400)), size)


def png(card: CardPrint) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, WIDTH - 1, HEIGHT - 1), radius=24, fill=PAPER, outline=BLUE, width=4)
    draw.rounded_rectangle((0, 0, WIDTH - 1, 110), radius=24, fill=BLUE, corners=(True, True, False, False))
    draw.rectangle((QR_X - 8, QR_Y - 8, QR_X + QR_SIZE + 8, QR_Y + QR_SIZE + 8), fill=PALE)
    for line in layout(card):
        # SVG's y is the baseline; Pillow's "ls" anchor is the left of the baseline too.
        draw.text((line.x, line.y), line.text, fill=line.color, font=_font(line.size, line.bold), anchor="ls")
    code = qr_code(card.qr)
    modules = code.symbol_size(scale=1, border=4)[0]
    scale = QR_SIZE // modules
    left = QR_X + (QR_SIZE - scale * modules) // 2
    top = QR_Y + (QR_SIZE - scale * modules) // 2
    draw.rectangle((left, top, left + scale * modules - 1, top + scale * modules - 1), fill=PAPER)
    for x, y, n in _dark_runs(code):
        draw.rectangle((left + x * scale, top + y * scale, left + (x + n) * scale - 1, top + (y + 1) * scale - 1),
                       fill="#000000")
    out = io.BytesIO()
    # Sixteen colours draw the card as well as millions (two blues, ink, paper and their anti-aliasing), in a third of
    # the bytes.
    image.quantize(colors=16).save(out, format="PNG")
    return out.getvalue()
