"""Password rules: 8 to 128 characters, not the code, the name or the date of birth, not a common password."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from core.text_ids import TextId
from core.texts import Text, text

MIN_LENGTH = 8
MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common_passwords.txt"
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_NON_DIGIT = re.compile(r"[^0-9]+")
_NON_LETTER = re.compile(r"[^a-z]+")


@dataclass(frozen=True, slots=True)
class PasswordOwner:
    social_insurance_code: str
    full_name: str
    date_of_birth: dt.date


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics ('Đặng Thị Ánh' -> 'dang thi anh')."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _date_forms(born: dt.date) -> set[str]:
    # Digits only, so "12/03/1990", "12-03-1990" and "12.03.1990" all meet "12031990".
    d, m, y = f"{born.day:02d}", f"{born.month:02d}", f"{born.year:04d}"
    short = [d + m + y, y + m + d, m + d + y, d + m + y[2:], y[2:] + m + d, f"{born.day}{born.month}{y}"]
    return {form for form in short if len(form) >= 6}


def _personal_problem(folded: str, owner: PasswordOwner) -> Text | None:
    digits = _NON_DIGIT.sub("", folded)
    if owner.social_insurance_code in digits:
        return text(TextId.PASSWORD_IS_CODE)
    if any(form in digits for form in _date_forms(owner.date_of_birth)):
        return text(TextId.PASSWORD_IS_BIRTH_DATE)
    name_parts = [part for part in _NON_LETTER.split(fold(owner.full_name)) if part]
    letters = _NON_LETTER.sub("", folded)
    whole_name = "".join(name_parts)
    # The name, a part of it, or its ending ("vana", "thianh") with digits or symbols around it.
    endings = {"".join(name_parts[i:]) for i in range(len(name_parts))}
    if letters and (letters in name_parts or letters in endings or (len(whole_name) >= 4 and whole_name in letters)):
        return text(TextId.PASSWORD_IS_NAME)
    return None


def password_problem(password: str, owner: PasswordOwner) -> Text | None:
    """Why the password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return text(TextId.PASSWORD_TOO_SHORT, minimum=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return text(TextId.PASSWORD_TOO_LONG, maximum=MAX_LENGTH)
    folded = fold(password)
    if folded in common_passwords() or _NON_ALNUM.sub("", folded) in common_passwords():
        return text(TextId.PASSWORD_TOO_COMMON)
    return _personal_problem(folded, owner)
