"""AccessLogEntry: who read the person's data, when and why (nhật ký truy cập). Personal data."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import ClassVar

import strawberry

from auth.permissions import OwnedByViewer
from schema.ids import to_global_id
from schema.rows import Mapped


@strawberry.enum
class ActorKind(enum.Enum):
    AGENCY_OFFICER = "AGENCY_OFFICER"  # cán bộ cơ quan BHXH
    PARTNER = "PARTNER"  # e.g. a hospital front desk checking the card
    SYSTEM = "SYSTEM"
    GUARDIAN = "GUARDIAN"  # a parent or guardian reading a child's data (người giám hộ)
    GRANTEE = "GRANTEE"  # an account holder reading under the person's grant (người được ủy quyền)


@strawberry.type(
    description="One read of the person's data by someone other than the person, or a copy of their social insurance "
    "book made at their request (actorKind SYSTEM)."
)
class AccessLogEntry(OwnedByViewer, Mapped):
    columns: ClassVar[Mapping[str, str]] = {"grant_pk": "grant_id"}
    person_id: strawberry.Private[int]
    grant_pk: strawberry.Private[int | None]
    at: dt.datetime | None
    actor_kind: ActorKind | None
    actor_name: str | None
    purpose: str | None
    data_categories: list[str] | None = strawberry.field(description="What was read, e.g. CARD, CONTRIBUTIONS.")


    @strawberry.field(description="The AccessGrant a grantee read under; null for any other read.")
    def grant_id(self) -> strawberry.ID | None:
        return None if self.grant_pk is None else to_global_id("AccessGrant", self.grant_pk)
