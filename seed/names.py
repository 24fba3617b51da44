"""Vietnamese names, street addresses, phone numbers and e-mail addresses.

Faker's vi_VN providers supply the given names; db/data/name_parts.csv adds surname frequencies and gendered
middle names that Faker lacks, and db/data/streets.csv the streets of each city (national names elsewhere).
Drawing from the lists with our own seeded Random is deterministic and about fifty times faster
than calling Faker per row.
"""

from __future__ import annotations

import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from faker.providers.address.vi_VN import Provider as FakerAddress
from faker.providers.person.vi_VN import Provider as FakerPerson

from db.reference import read_data_csv
from seed.rng import Weighted
from seed.world import ProvinceInfo, WardInfo

# Mobile prefixes in use (Viettel, Vinaphone, MobiFone, Vietnamobile); the phone is 0 + prefix + 7 digits.
MOBILE_PREFIXES = ("32", "33", "34", "35", "36", "37", "38", "39", "56", "58", "70", "76", "77", "78", "79",
                   "81", "82", "83", "84", "85", "86", "88", "89", "90", "91", "93", "94", "96", "97", "98")
MAIL_DOMAINS = Weighted(("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com"), (70, 12, 8, 6, 4))
# Rural addresses name a hamlet rather than a street, with the word the region uses for it.
HAMLET_WORDS = {"south": ("Ấp", "Ấp", "Ấp", "Khóm"), "highlands": ("Thôn", "Bản", "Bản", "Tổ"),
                "north": ("Thôn", "Thôn", "Xóm", "Tổ dân phố"), "urban": ("Tổ dân phố", "Khu phố", "Tổ")}
SOUTH_OF_LATITUDE = 12.5


@dataclass(frozen=True, slots=True)
class NameParts:
    surnames: Weighted[str]
    middle: dict[str, Weighted[str]]  # by gender
    given: dict[str, Weighted[str]]
    streets: dict[str, tuple[str, ...]]  # by province code; "*" for the provinces without a list of their own
    sub_street: tuple[str, ...]

    def streets_of(self, province: str) -> tuple[str, ...]:
        """The streets an address in this province may name: its own real streets, or the national names."""
        return self.streets.get(province) or self.streets["*"]


def _weighted(pairs: dict[str, float]) -> Weighted[str]:
    return Weighted(list(pairs), list(pairs.values()))


def load_name_parts() -> NameParts:
    parts: dict[str, dict[str, float]] = defaultdict(dict)
    for row in read_data_csv("name_parts.csv"):
        parts[row["kind"]][row["value"]] = float(row["weight"])
    faker_given = {
        "given_male": (*FakerPerson.first_names_male, *FakerPerson.first_names_unisex),
        "given_female": (*FakerPerson.first_names_female, *FakerPerson.first_names_unisex),
    }
    for kind, names in faker_given.items():
        for name in names:
            parts[kind].setdefault(name, 1.0)
    for name in FakerPerson.last_names:
        parts["surname"].setdefault(name, 1.0)
    return NameParts(
        surnames=_weighted(parts["surname"]),
        middle={"MALE": _weighted(parts["middle_male"]), "FEMALE": _weighted(parts["middle_female"])},
        given={"MALE": _weighted(parts["given_male"]), "FEMALE": _weighted(parts["given_female"])},
        streets=load_streets(),
        sub_street=tuple(FakerAddress.sub_street_prefixes[:2]),  # Ngõ (north), Hẻm (south)
    )


def load_streets() -> dict[str, tuple[str, ...]]:
    streets: dict[str, list[str]] = defaultdict(list)
    for row in read_data_csv("streets.csv"):
        streets[row["province_code"]].append(row["street"])
    return {code: tuple(names) for code, names in streets.items()}


def full_name(parts: NameParts, rng: random.Random, gender: str) -> str:
    # Vietnamese order: surname, middle name, given name.
    return f"{parts.surnames.pick(rng)} {parts.middle[gender].pick(rng)} {parts.given[gender].pick(rng)}"


def street_address(parts: NameParts, rng: random.Random, ward: WardInfo, province: ProvinceInfo) -> str:
    if ward.urban or rng.random() < 0.3:
        number = rng.randint(1, 399)
        street = rng.choice(parts.streets_of(province.code))
        if rng.random() < 0.3:
            alley = parts.sub_street[0] if province.latitude > 16.5 else parts.sub_street[1]
            line = f"Số {number}, {alley} {rng.randint(2, 199)} {street}"
        else:
            line = f"{number} {street}"
    else:
        line = f"{hamlet_word(rng, ward, province)} {rng.randint(1, 15)}"
    return f"{line}, {ward.name}, {province.name}"


def hamlet_word(rng: random.Random, ward: WardInfo, province: ProvinceInfo) -> str:
    if ward.urban:
        region = "urban"
    elif province.latitude < SOUTH_OF_LATITUDE:
        region = "south"
    else:
        region = "highlands" if province.remote else "north"
    return rng.choice(HAMLET_WORDS[region])


def short_ward(ward: WardInfo) -> str:
    """The ward's name without its type: "Bạch Mai" for "Phường Bạch Mai"."""
    for prefix in ("Phường ", "Xã ", "Đặc khu "):
        if ward.name.startswith(prefix):
            return ward.name.removeprefix(prefix)
    return ward.name


def lower_first(text: str) -> str:
    """For a name inside a sentence: "thành phố Hà Nội" in "Bảo hiểm xã hội thành phố Hà Nội"."""
    return text[:1].lower() + text[1:]


def mobile_phone(rng: random.Random, suffix: int) -> str:
    return f"0{rng.choice(MOBILE_PREFIXES)}{suffix:07d}"


def landline(rng: random.Random, province: ProvinceInfo) -> str:
    # Hà Nội (24) and Hồ Chí Minh City (28) have 8-digit subscriber numbers, the rest 7.
    if len(province.phone_area) == 2:
        return f"0{province.phone_area} {rng.randint(3000, 3999)} {rng.randint(0, 9999):04d}"
    return f"0{province.phone_area} {rng.randint(380, 399)} {rng.randint(0, 9999):04d}"


def ascii_fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def email_for(name: str, birth_year: int, rng: random.Random) -> str:
    words = ascii_fold(name).lower().split()
    local = "".join(words[-1:] + words[:-1]) if rng.random() < 0.5 else ".".join(words)
    return f"{local}{birth_year % 100:02d}{rng.randint(0, 99)}@{MAIL_DOMAINS.pick(rng)}"
