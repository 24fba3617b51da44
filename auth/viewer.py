"""The viewer: who is asking, resolved once per request and carried on the context."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


class ViewerKind(enum.Enum):
    ANONYMOUS = "ANONYMOUS"
    CITIZEN = "CITIZEN"
    # Cán bộ cơ quan BHXH: a citizen account that also works for one agency.
    AGENCY_OFFICER = "AGENCY_OFFICER"
    PARTNER = "PARTNER"


@dataclass(frozen=True, slots=True)
class Viewer:
    kind: ViewerKind
    client_address: str | None = None
    person_id: int | None = None
    session_id: int | None = None
    # A session opened with a temporary or expired password: it may only change the password.
    password_change_only: bool = False
    agency_id: int | None = None
    partner_id: int | None = None
    partner_name: str | None = None
    api_key_id: int | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    # Whom else this person may read, and under what: person id -> part -> grant id (None: as their guardian).
    # Read with the session, so a grant revoked or expired before this request is not in it (docs/authorization.md).
    access: Mapping[int, Mapping[str, int | None]] = field(default_factory=dict)
    # The person's own record, read with the session (db/viewers.py): the request's first look-up of the person.
    person: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)


def anonymous(client_address: str | None) -> Viewer:
    return Viewer(kind=ViewerKind.ANONYMOUS, client_address=client_address)


def parse_access(entries: Iterable[str]) -> dict[int, dict[str, int | None]]:
    """`person:grant:PART,PART` lines (the session look-up's `access`, grant empty for a guardianship)."""
    access: dict[int, dict[str, int | None]] = {}
    for entry in entries:
        person, grant, parts = entry.split(":")
        by_part = access.setdefault(int(person), {})
        for part in parts.split(","):
            by_part.setdefault(part, int(grant) if grant else None)
    return access
