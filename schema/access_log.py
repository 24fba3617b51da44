"""AccessLogEntry: who read the person's data, when and why (nhật ký truy cập). Personal data."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from auth.permissions import IsOwner


@strawberry.enum
class ActorKind(enum.Enum):
    AGENCY_OFFICER = "AGENCY_OFFICER"  # cán bộ cơ quan BHXH
    PARTNER = "PARTNER"  # e.g. a hospital front desk checking the card
    SYSTEM = "SYSTEM"


@strawberry.type(description="One read of the person's data by someone other than the person.")
class AccessLogEntry:
    person_id: strawberry.Private[int]
    at: dt.datetime | None = strawberry.field(permission_classes=[IsOwner])
    actor_kind: ActorKind | None = strawberry.field(permission_classes=[IsOwner])
    actor_name: str | None = strawberry.field(permission_classes=[IsOwner])
    purpose: str | None = strawberry.field(permission_classes=[IsOwner])
    data_categories: list[str] | None = strawberry.field(
        permission_classes=[IsOwner], description="What was read, e.g. CARD, CONTRIBUTIONS."
    )
