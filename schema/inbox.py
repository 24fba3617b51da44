"""The citizen's inbox (hộp thư): messages, their links, the connection with its unread count, preferences, devices.

Every type here is personal: it answers only to the person it belongs to (OwnedByViewer)."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from auth.permissions import OwnedByViewer
from core.policy import READS_ONLY
from db import inbox
from loaders.base import scoped_person_id
from loaders.context import Info
from loaders.inbox import DeviceByIdLoader, InboxMessageByIdLoader
from schema.errors import UserError
from schema.ids import to_global_id
from schema.lists import list_page
from schema.node import Node
from schema.pagination import Connection
from schema.rows import Mapped


@strawberry.enum(description="What a message is about; each kind can be turned off (setInboxPreference).")
class InboxMessageKind(enum.Enum):
    CONTRIBUTION_ARREARS = "CONTRIBUTION_ARREARS"  # nợ đóng: the employer has not paid past-due months
    CARD_EXPIRING = "CARD_EXPIRING"  # the BHYT card ends within 30 days
    PASSWORD_EXPIRING = "PASSWORD_EXPIRING"  # the password reaches 6 months within 14 days
    REGISTRATION_DECISION = "REGISTRATION_DECISION"  # the agency approved or rejected the registration
    PARTNER_ACCESS = "PARTNER_ACCESS"  # a partner (e.g. a hospital) read the person's data
    OFFICER_ACCESS = "OFFICER_ACCESS"  # an agency officer read the person's data
    APPLICATION_DECISION = "APPLICATION_DECISION"  # an application was approved or rejected
    PAYMENT_RECEIPT = "PAYMENT_RECEIPT"  # a payment was received (biên lai)


@strawberry.enum(description="The kind of object a message links to.")
class InboxLinkKind(enum.Enum):
    EMPLOYER = "EMPLOYER"
    CARD = "CARD"
    REGISTRATION = "REGISTRATION"
    ACCESS_LOG = "ACCESS_LOG"
    ACCOUNT = "ACCOUNT"
    APPLICATION = "APPLICATION"


# The GraphQL type whose global ID a link carries (none for ACCOUNT: the screen is the signed-in person's own).
LINK_TYPES = {"EMPLOYER": "Employer", "CARD": "InsuranceCard", "REGISTRATION": "Registration",
              "ACCESS_LOG": "AccessLogEntry", "APPLICATION": "Application"}  # fmt: skip


@strawberry.type(description="Where a message leads in the app.")
class InboxLink:
    kind: InboxLinkKind
    id: strawberry.ID | None = strawberry.field(description="The global ID of the object; null for ACCOUNT.")


@strawberry.type(description="One message of the person's inbox; title and body in Vietnamese.")
class InboxMessage(OwnedByViewer, Node):
    node_loader = InboxMessageByIdLoader
    person_id: strawberry.Private[int]
    link_kind: strawberry.Private[str | None]
    link_id: strawberry.Private[int | None]
    kind: InboxMessageKind
    title: str
    body: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    @strawberry.field(description="Whether the person has read it.", metadata=READS_ONLY.metadata())
    def read(self) -> bool:
        return self.read_at is not None

    @strawberry.field(metadata=READS_ONLY.metadata())
    def link(self) -> InboxLink | None:
        if self.link_kind is None:
            return None
        type_name = LINK_TYPES.get(self.link_kind)
        linked = to_global_id(type_name, self.link_id) if type_name and self.link_id is not None else None
        return InboxLink(kind=InboxLinkKind(self.link_kind), id=linked)


@strawberry.type(description="The inbox, newest first, with the number of unread messages.")
class InboxConnection(OwnedByViewer, Connection[InboxMessage]):
    person_id: strawberry.Private[int]

    @strawberry.field(
        description="Unread messages in the whole inbox (whatever the arguments).", metadata=READS_ONLY.metadata()
    )
    async def unread_count(self, info: Info) -> int:
        async with info.context.connection.acquire() as conn:
            return await inbox.unread_count(conn, self.person_id)


@strawberry.type(description="Whether messages of one kind reach the inbox (and the person's devices).")
class InboxPreference(OwnedByViewer, Mapped):
    person_id: strawberry.Private[int]
    kind: InboxMessageKind
    enabled: bool


def preferences(person_id: int, opted_out: set[str]) -> list[InboxPreference]:
    return [InboxPreference(person_id=person_id, kind=k, enabled=k.value not in opted_out) for k in InboxMessageKind]


async def inbox_page(
    info: Info, person_id: int, *, unread_only: bool, first: int | None, after: str | None
) -> InboxConnection:
    page = await list_page(
        info, inbox.INBOX, InboxMessage.from_row, list_name="inbox", first=first, after=after, value=unread_only,
        person_id=person_id,
    )
    return InboxConnection(
        edges=page.edges, page_info=page.page_info, count_total=page.count_total, person_id=person_id
    )


async def inbox_preferences(info: Info, person_id: int) -> list[InboxPreference]:
    owner = scoped_person_id(info.context.viewer)
    if owner != person_id:
        return []
    async with info.context.connection.acquire() as conn:
        return preferences(person_id, await inbox.opt_outs(conn, person_id))


@strawberry.enum(description="ANDROID devices are reached through FCM, IOS devices through APNs.")
class DevicePlatform(enum.Enum):
    ANDROID = "ANDROID"
    IOS = "IOS"


@strawberry.type(description="A registered device of the person (its token is never shown again).")
class Device(OwnedByViewer, Node):
    node_loader = DeviceByIdLoader
    person_id: strawberry.Private[int]
    platform: DevicePlatform
    created_at: dt.datetime
    last_seen_at: dt.datetime


@strawberry.type
class MarkInboxReadPayload:
    messages: list[InboxMessage] | None = strawberry.field(default=None, description="The messages now read.")
    unread_count: int | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SetInboxPreferencePayload:
    preferences: list[InboxPreference] | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RegisterDevicePayload:
    device: Device | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class UnregisterDevicePayload:
    removed: bool = strawberry.field(default=False, description="False when the token was not registered to you.")
    errors: list[UserError] = strawberry.field(default_factory=list)
