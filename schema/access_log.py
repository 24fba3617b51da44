"""AccessLogEntry: who read the person's data, when and why (nhật ký truy cập). Personal data."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from auth.permissions import OwnedByViewer
from loaders.base import Row


@strawberry.enum
class ActorKind(enum.Enum):
    AGENCY_OFFICER = "AGENCY_OFFICER"  # cán bộ cơ quan BHXH
    PARTNER = "PARTNER"  # e.g. a hospital front desk checking the card
    SYSTEM = "SYSTEM"


@strawberry.type(description="One read of the person's data by someone other than the person.")
class AccessLogEntry(OwnedByViewer):
    person_id: strawberry.Private[int]
    at: dt.datetime | None
    actor_kind: ActorKind | None
    actor_name: str | None
    purpose: str | None
    data_categories: list[str] | None = strawberry.field(description="What was read, e.g. CARD, CONTRIBUTIONS.")

    @classmethod
    def from_row(cls, row: Row) -> AccessLogEntry:
        return cls(
            person_id=row["person_id"],
            at=row["at"],
            actor_kind=ActorKind(row["actor_kind"]),
            actor_name=row["actor_name"],
            purpose=row["purpose"],
            data_categories=list(row["data_categories"]),
        )
