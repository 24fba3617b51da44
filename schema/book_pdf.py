"""The electronic social insurance book (sổ BHXH điện tử) as a PDF, laid out like the printed book.

Drawn with fpdf2 (LGPL-3.0, maintained on PyPI) in Be Vietnam Pro (SIL Open Font License 1.1, from the
`fontpkg-be-vietnam-pro` package, as the card picture): the font is embedded as a subset, so every Vietnamese
diacritic shows and the text stays extractable. The layout: the person's identity, the participation history by
period (from/to month, employer, job title, salary basis, schemes, months), the totals, the date it was produced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import fontpkg
from fpdf import FPDF

from schema.card_picture import GENDERS  # the card's words for the genders: one table

FONT = "BeVietnamPro"
FONT_FAMILY = "Be Vietnam Pro"
BLUE = (11, 83, 148)
PALE = (232, 241, 251)
# The schemes the book records (BHYT has its card and is not in the book), in the book's order and words.
SCHEMES = {
    "BHXH_COMPULSORY": "BHXH bắt buộc",
    "BHXH_VOLUNTARY": "BHXH tự nguyện",
    "BHTN": "BHTN",
    "BHTNLD_BNN": "BH TNLĐ-BNN",
}
COLUMNS = ("Từ tháng", "Đến tháng", "Đơn vị", "Chức danh", "Mức đóng (đồng)", "Loại bảo hiểm", "Số tháng", "Ghi chú")
WIDTHS = (17, 17, 68, 36, 28, 58, 15, 28)  # mm of a landscape A4 page's 267 between its margins
ALIGNS = ("L", "L", "L", "L", "R", "L", "R", "L")
LINE_HEIGHT, PAD = 4.0, 0.9  # mm


@dataclass(frozen=True, slots=True)
class BookLine:
    """One period of the book: the periods of several schemes with the same employer, months and salary."""

    from_month: dt.date
    to_month: dt.date
    employer: str
    job_title: str
    salary_basis: int | None
    schemes: tuple[str, ...]
    months: int
    unpaid: bool


@dataclass(frozen=True, slots=True)
class BookPrint:
    full_name: str
    date_of_birth: dt.date | None
    gender: str | None
    social_insurance_code: str
    national_id: str | None
    lines: Sequence[BookLine]
    pension_months: int
    unpaid_months: int
    bhtn_months: int
    produced_at: dt.datetime  # Vietnam time


def book_lines(rows: Sequence[Mapping[str, Any]]) -> list[BookLine]:
    """The periods of `rows` (contribution_periods with `employer_name`), those of one stretch under several schemes
    merged into one line, oldest first."""
    merged: dict[tuple[object, ...], tuple[Mapping[str, Any], list[str]]] = {}
    for row in rows:
        if row["scheme"] not in SCHEMES:
            continue
        key = tuple(row[c] for c in ("from_month", "to_month", "employer_name", "job_title", "salary_basis", "status"))
        merged.setdefault(key, (row, []))[1].append(row["scheme"])
    lines = [
        BookLine(
            from_month=row["from_month"],
            to_month=row["to_month"],
            employer=row["employer_name"] or "Tham gia BHXH tự nguyện",
            job_title=row["job_title"] or "",
            salary_basis=None if row["salary_basis"] is None else int(row["salary_basis"]),
            schemes=tuple(sorted(schemes, key=list(SCHEMES).index)),
            months=row["months"],
            unpaid=row["status"] == "UNPAID",
        )
        for row, schemes in merged.values()
    ]
    return _joined(sorted(lines, key=lambda line: (line.from_month, line.to_month, line.employer)))


def _joined(lines: list[BookLine]) -> list[BookLine]:
    """Consecutive lines that differ only in their months (monthly declarations) as one line, as the printed book
    shows them: a new line at each change of employer, job title, salary basis, schemes or status."""
    joined: list[BookLine] = []
    for line in lines:
        last = joined[-1] if joined else None
        if last is not None and _next_month(last.to_month) == line.from_month and _same_terms(last, line):
            joined[-1] = replace(last, to_month=line.to_month, months=last.months + line.months)
        else:
            joined.append(line)
    return joined


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _same_terms(a: BookLine, b: BookLine) -> bool:
    return (a.employer, a.job_title, a.salary_basis, a.schemes, a.unpaid) == (
        b.employer, b.job_title, b.salary_basis, b.schemes, b.unpaid
    )


def _month(value: dt.date) -> str:
    return value.strftime("%m/%Y")


def _day(value: dt.date | None) -> str:
    return "—" if value is None else value.strftime("%d/%m/%Y")


def _money(value: int | None) -> str:
    return "—" if value is None else f"{value:,}".replace(",", ".")


def _years(months: int) -> str:
    years, rest = divmod(months, 12)
    return f"{years} năm {rest} tháng ({months} tháng)"


class _Book(FPDF):
    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, "", 8)
        self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align="R")


def _document(book: BookPrint) -> FPDF:
    pdf = _Book(orientation="L", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(fontpkg.path(FONT_FAMILY, 400)))
    pdf.add_font(FONT, "B", str(fontpkg.path(FONT_FAMILY, 700)))
    pdf.set_title(f"Sổ BHXH điện tử - {book.full_name}")
    pdf.set_author("Bảo hiểm xã hội Việt Nam (VssID)")
    pdf.set_creation_date(book.produced_at)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.alias_nb_pages()
    pdf.add_page()
    return pdf


def _heading(pdf: FPDF, book: BookPrint) -> None:
    pdf.set_text_color(*BLUE)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 6, "BẢO HIỂM XÃ HỘI VIỆT NAM", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, "SỔ BẢO HIỂM XÃ HỘI (BẢN ĐIỆN TỬ)", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "", 10)
    identity = (
        ("Họ và tên", book.full_name),
        ("Ngày sinh", _day(book.date_of_birth)),
        ("Giới tính", GENDERS.get(book.gender or "", "—")),
        ("Mã số BHXH", book.social_insurance_code),
        ("Số CCCD", book.national_id or "—"),
    )
    for label, value in identity:
        pdf.set_font(FONT, "", 10)
        pdf.cell(35, 6, f"{label}:")
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(*BLUE)
    pdf.cell(0, 7, "QUÁ TRÌNH THAM GIA BHXH, BHTN, BH TNLĐ-BNN", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _cell_lines(pdf: FPDF, width: float, text: str) -> list[str]:
    """`text` broken into the lines that fit `width` (most cells fit on one: measured before any breaking)."""
    if pdf.get_string_width(text) <= width:
        return [text]
    lines = pdf.multi_cell(width, LINE_HEIGHT, text, align="L", dry_run=True, output="LINES")
    return [str(line) for line in lines] if isinstance(lines, list) else [text]


def _row(pdf: FPDF, cells: Sequence[str], *, heading: bool = False) -> None:
    """One row of the history, its cells wrapped and bordered; on a new page the column headings come first.
    Drawn cell by cell: fpdf2's table() lays out each cell twice and takes seconds for a long history."""
    pdf.set_font(FONT, "B" if heading else "", 8)
    wrapped = [_cell_lines(pdf, width - 2 * PAD, text) for width, text in zip(WIDTHS, cells, strict=True)]
    height = max(len(lines) for lines in wrapped) * LINE_HEIGHT + 2 * PAD
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
        _row(pdf, COLUMNS, heading=True)
        pdf.set_font(FONT, "B" if heading else "", 8)
    x, y = pdf.l_margin, pdf.get_y()
    pdf.set_fill_color(*PALE)
    for width, lines, align in zip(WIDTHS, wrapped, ALIGNS, strict=True):
        pdf.rect(x, y, width, height, style="DF" if heading else "D")
        for index, line in enumerate(lines):
            pdf.set_xy(x + PAD, y + PAD + index * LINE_HEIGHT)
            pdf.cell(width - 2 * PAD, LINE_HEIGHT, line, align="L" if heading else align)
        x += width
    pdf.set_xy(pdf.l_margin, y + height)


def _history(pdf: FPDF, book: BookPrint) -> None:
    pdf.set_draw_color(160, 160, 160)
    pdf.c_margin = 0
    _row(pdf, COLUMNS, heading=True)
    for line in book.lines:
        _row(pdf, (
            _month(line.from_month), _month(line.to_month), line.employer, line.job_title,
            _money(line.salary_basis), ", ".join(SCHEMES[s] for s in line.schemes), str(line.months),
            "Đơn vị chưa đóng (nợ)" if line.unpaid else "",
        ))
    if not book.lines:
        pdf.set_font(FONT, "", 10)
        pdf.cell(0, 6, "Chưa có quá trình tham gia.", new_x="LMARGIN", new_y="NEXT")


def _totals(pdf: FPDF, book: BookPrint) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, f"Thời gian đóng BHXH được tính: {_years(book.pension_months)}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.cell(0, 6, f"Số tháng đơn vị chưa đóng (nợ đóng): {book.unpaid_months}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"Thời gian đóng BHTN: {_years(book.bhtn_months)}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "", 9)
    produced = book.produced_at.strftime("%H:%M ngày %d/%m/%Y")
    pdf.cell(0, 5, f"Lập lúc {produced} (giờ Việt Nam) trên ứng dụng VssID, theo yêu cầu của người tham gia.",
             new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, "Bản điện tử để tra cứu; số liệu theo cơ sở dữ liệu của cơ quan BHXH tại thời điểm lập.",
             new_x="LMARGIN", new_y="NEXT")


def book_pdf(book: BookPrint) -> bytes:
    """The book as PDF bytes. CPU-bound (tens of milliseconds, more for a long history): call it off the event loop."""
    pdf = _document(book)
    _heading(pdf, book)
    _history(pdf, book)
    _totals(pdf, book)
    return bytes(pdf.output())
