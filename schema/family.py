"""The family: access grants (ủy quyền xem dữ liệu) between account holders, their states and payloads.

Guardians' children and granted persons are Person objects (schema/person.py); who may read what of them is
auth.permissions.require_reader, and SQL is bound to the same rule (db/readable.py).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, Self

import strawberry

from auth.permissions import GrantPartiesOnly
from loaders.base import Row
from loaders.family import AccessGrantByIdLoader
from schema.errors import UserError
from schema.node import Node


@strawberry.enum(description="A part of a person's data that a grant lets another account holder read.")
class AccessPart(enum.Enum):
    CARD = "CARD"  # thẻ BHYT
    CONTRIBUTIONS = "CONTRIBUTIONS"  # quá trình tham gia
    BENEFITS = "BENEFITS"  # thông tin hưởng
    VISITS = "VISITS"  # lịch sử khám chữa bệnh


@strawberry.enum(description="Where a grant stands now.")
class GrantState(enum.Enum):
    PENDING = "PENDING"  # waiting for the grantee to accept
    LIVE = "LIVE"  # accepted, within its period: the grantee reads the parts
    EXPIRED = "EXPIRED"  # its period is over
    REVOKED = "REVOKED"  # revoked by the owner, or declined or left by the grantee


@strawberry.type(description="A party to a grant, as both parties see them.")
class GrantParty:
    social_insurance_code: str
    full_name: str


@strawberry.type(description="Read access to named parts of the owner's data, given to another account holder.")
class AccessGrant(GrantPartiesOnly, Node):
    node_loader = AccessGrantByIdLoader
    owner_id: strawberry.Private[int]
    grantee_id: strawberry.Private[int]
    parts: list[AccessPart]
    state: GrantState
    valid_from: dt.datetime
    valid_until: dt.datetime = strawberry.field(description="The grant ends then (exclusive).")
    accepted_at: dt.datetime | None
    revoked_at: dt.datetime | None
    created_at: dt.datetime
    owner: GrantParty = strawberry.field(description="Whose data it opens.")
    grantee: GrantParty = strawberry.field(description="Who reads it.")

    @classmethod
    def from_row(cls, row: Row, **given: Any) -> Self:
        """The parties' codes and names come from the row's joined columns (db/family.py GRANT_COLUMNS)."""
        return super().from_row(
            row,
            parts=[AccessPart(part) for part in row["parts"]],
            owner=GrantParty(social_insurance_code=row["owner_code"], full_name=row["owner_name"]),
            grantee=GrantParty(social_insurance_code=row["grantee_code"], full_name=row["grantee_name"]),
            **given,
        )


@strawberry.type
class AccessGrantPayload:
    grant: AccessGrant | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
