"""AccessLogEntry: who read the person's data, when and why (nhật ký truy cập). Personal data."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from auth.permissions import OwnedByViewer
from schema.rows import Mapped


@strawberry.enum
class ActorKind(enum.Enum):
    AGENCY_OFFICER = "AGENCY_OFFICER"  # cán bộ cơ quan BHXH
    PARTNER = "PARTNER"  # e.g. a hospital front desk checking the card
    SYSTEM = "SYSTEM"


@strawberry.type(description="One read of the person's data by someone other than the person.")
class AccessLogEntry(OwnedByViewer, Mapped):
    person_id: strawberry.Private[int]
    at: dt.datetime | None
    actor_kind: ActorKind | None
    actor_name: str | None
    purpose: str | None
    data_categories: list[str] | None = strawberry.field(description="What was read, e.g. CARD, CONTRIBUTIONS.")

