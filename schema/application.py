"""Applications (hồ sơ dịch vụ công) as the citizen and the competent agency's officers see them."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Awaitable
from decimal import Decimal
from typing import Any, ClassVar

import orjson
import strawberry
from graphql import GraphQLResolveInfo

from auth.permissions import OwnedByViewer
from core.policy import READS_ONLY
from loaders.applications import (
    ApplicationByIdLoader,
    ApplicationTransitionsByApplicationIdLoader,
    PaymentOrderByApplicationIdLoader,
)
from loaders.context import Info
from payments.renewal import SupportGroup as Group
from schema.errors import UserError
from schema.facility import Facility, facility_relation
from schema.node import Node
from schema.payment import PaymentOrder
from schema.renewal import SupportGroup
from schema.rows import Mapped
from schema.scalars import Money


@strawberry.enum(description="What is applied for.")
class ApplicationKind(enum.Enum):
    PRIMARY_FACILITY_CHANGE = strawberry.enum_value(
        "PRIMARY_FACILITY_CHANGE", description="Đổi nơi đăng ký KCB ban đầu, from the next quarter."
    )
    CARD_REISSUE = strawberry.enum_value("CARD_REISSUE", description="Cấp lại thẻ BHYT: same number, new issue date.")
    DETAILS_CORRECTION = strawberry.enum_value(
        "DETAILS_CORRECTION", description="Điều chỉnh thông tin: name, date of birth, address."
    )
    HOUSEHOLD_RENEWAL = strawberry.enum_value(
        "HOUSEHOLD_RENEWAL", description="Gia hạn thẻ BHYT hộ gia đình: takes effect when paid."
    )
    VOLUNTARY_RENEWAL = strawberry.enum_value(
        "VOLUNTARY_RENEWAL", description="Đóng BHXH tự nguyện for a term: the months are recorded when paid."
    )


@strawberry.enum(description="Where an application stands (docs/api.md, Applications: the lifecycle).")
class ApplicationStatus(enum.Enum):
    SUBMITTED = "SUBMITTED"
    IN_REVIEW = "IN_REVIEW"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"
    AWAITING_PAYMENT = "AWAITING_PAYMENT"
    PAID = "PAID"


@strawberry.enum
class ApplicationActorKind(enum.Enum):
    CITIZEN = "CITIZEN"
    AGENCY_OFFICER = "AGENCY_OFFICER"
    SYSTEM = "SYSTEM"
    GATEWAY = "GATEWAY"


@strawberry.enum
class ApplicationDecision(enum.Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


@strawberry.enum(description="Why a card is reissued.")
class CardReissueReason(enum.Enum):
    LOST = "LOST"
    DAMAGED = "DAMAGED"
    DETAILS_CHANGED = "DETAILS_CHANGED"


@strawberry.type(description="One change of status: who (by kind) and when.")
class ApplicationTransition(Mapped):
    from_status: ApplicationStatus | None
    to_status: ApplicationStatus
    actor_kind: ApplicationActorKind
    reason: str | None
    at: dt.datetime


@strawberry.type(description="One detail the application changes: the record's value and the requested one.")
class ApplicationChange:
    field: str
    before: str | None
    after: str | None


@strawberry.type(description="The request as the citizen sent it (the fields of its kind are set).")
class ApplicationRequest:
    facility_code: str | None = None
    reissue_reason: CardReissueReason | None = None
    full_name: str | None = None
    date_of_birth: dt.date | None = None
    address: str | None = None
    reason: str | None = None
    member_ids: list[strawberry.ID] | None = None
    term_months: int | None = None
    monthly_income: Money | None = None
    support_group: SupportGroup | None = None  # type: ignore[valid-type]


def _json(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    return value if isinstance(value, dict) else dict(orjson.loads(value))


@strawberry.type(description="An application, to its owner and to the officers of its competent agency.")
class Application(OwnedByViewer, Node):
    node_loader = ApplicationByIdLoader
    columns: ClassVar[dict[str, str]] = {"amount": "amount_dong", "stored_input": "input", "stored_effect": "effect"}
    person_id: strawberry.Private[int]
    competent_agency_id: strawberry.Private[int]
    stored_input: strawberry.Private[Any]
    stored_effect: strawberry.Private[Any]
    kind: ApplicationKind
    status: ApplicationStatus
    submitted_at: dt.datetime
    updated_at: dt.datetime
    rejection_reason: str | None
    applicant_name: str = strawberry.field(description="The applicant's full name on record.")
    applicant_code: str = strawberry.field(description="The applicant's social insurance code.")
    amount: Money | None = strawberry.field(description="Money due in đồng, fixed at submission (a renewal).")
    competent_agency: Facility | None = facility_relation(
        "competent_agency_id", description="The social insurance agency that decides."
    )

    @classmethod
    def is_type_of(cls, obj: Any, info: GraphQLResolveInfo[Any]) -> bool | Awaitable[bool]:
        """Its owner (OwnedByViewer; no guardian or grantee: `access_part` None), or an officer of its competent
        agency, the one other reader (the queue, the decision)."""
        viewer = info.context.viewer
        officer = isinstance(obj, cls) and viewer.agency_id is not None and not viewer.password_change_only
        if officer and viewer.agency_id == obj.competent_agency_id:
            return True
        return super().is_type_of(obj, info)

    @strawberry.field(description="The request as sent.", metadata=READS_ONLY.metadata())
    def request(self) -> ApplicationRequest:
        sent = _json(self.stored_input).get("request", {})
        birth = sent.get("dateOfBirth")
        reason = sent.get("reason")
        return ApplicationRequest(
            facility_code=sent.get("facilityCode"),
            reissue_reason=CardReissueReason(reason) if self.kind is ApplicationKind.CARD_REISSUE else None,
            full_name=sent.get("fullName"),
            date_of_birth=dt.date.fromisoformat(birth) if birth else None,
            address=sent.get("address"),
            reason=reason if self.kind is not ApplicationKind.CARD_REISSUE else None,
            member_ids=sent.get("memberIds"),
            term_months=sent.get("termMonths"),
            monthly_income=Money(Decimal(sent["monthlyIncome"])) if "monthlyIncome" in sent else None,
            support_group=Group(sent["supportGroup"]) if "supportGroup" in sent else None,
        )

    @strawberry.field(
        description="Old and new side by side: as submitted (the record then), or once approved, what changed.",
        metadata=READS_ONLY.metadata(),
    )
    def changes(self) -> list[ApplicationChange]:
        source = _json(self.stored_effect) or _json(self.stored_input)
        before, after = source.get("before", {}), source.get("after", {})
        return [
            ApplicationChange(field=name, before=_text(before.get(name)), after=_text(after.get(name)))
            for name in dict.fromkeys([*before, *after])
        ]

    @strawberry.field(
        description="The latest payment order (a renewal), null before payApplication.", metadata=READS_ONLY.metadata()
    )
    async def payment(self, info: Info) -> PaymentOrder | None:
        row = await info.context.loaders.get(PaymentOrderByApplicationIdLoader).load(self.pk)
        return None if row is None else PaymentOrder.from_row(row)

    @strawberry.field(description="Every change of status, oldest first.", metadata=READS_ONLY.metadata())
    async def transitions(self, info: Info) -> list[ApplicationTransition]:
        loader = info.context.loaders.get(ApplicationTransitionsByApplicationIdLoader)
        return [ApplicationTransition.from_row(row) for row in await loader.load(self.pk)]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


@strawberry.input(description="A change of the registered primary-care facility.")
class PrimaryFacilityChangeInput:
    facility_code: str = strawberry.field(description="The 5-character facility code (mã cơ sở KCB).")


@strawberry.input
class CardReissueInput:
    reason: CardReissueReason


@strawberry.input(description="The details to correct (at least one) and why.")
class DetailsCorrectionInput:
    reason: str
    full_name: str | None = None
    date_of_birth: dt.date | None = None
    address: str | None = None


@strawberry.input(description="Renew household BHYT for members of the applicant's household, for 3, 6 or 12 months.")
class HouseholdRenewalInput:
    member_ids: list[strawberry.ID] = strawberry.field(
        description="Person IDs of the household (the applicant and the children they guard), as quoteRenewal takes "
        "them; the first pays the full rate, the next ones less."
    )
    term_months: int


@strawberry.input(description="Pay voluntary BHXH for 1, 3, 6 or 12 months, from the month after the latest "
                              "voluntary month on record (or the current month), as quoteRenewal quotes it.")
class VoluntaryRenewalInput:
    monthly_income: Money = strawberry.field(
        description="The monthly income chosen, from the rural poverty line to 20 times the base salary."
    )
    term_months: int
    support_group: SupportGroup = strawberry.field(  # type: ignore[valid-type]
        default=Group.OTHER,
        description="The group for the state's support: POOR or NEAR_POOR only with a BHYT card of group HN or CN.",
    )


@strawberry.input(description="Exactly one kind's input, and a key the app keeps for retries of this submission.")
class SubmitApplicationInput:
    idempotency_key: str = strawberry.field(
        description="8 to 100 characters chosen by the app (a UUID): a retry with the same key and input returns "
        "the same application; the same key with another input is refused (IDEMPOTENCY_KEY_REUSED)."
    )
    primary_facility_change: PrimaryFacilityChangeInput | None = None
    card_reissue: CardReissueInput | None = None
    details_correction: DetailsCorrectionInput | None = None
    household_renewal: HouseholdRenewalInput | None = None
    voluntary_renewal: VoluntaryRenewalInput | None = None

    def kind_and_request(self) -> tuple[str, dict[str, Any]] | None:
        """The kind and its request as plain data; None unless exactly one kind is given."""
        given: list[tuple[str, dict[str, Any]]] = []
        if self.primary_facility_change is not None:
            given.append(("PRIMARY_FACILITY_CHANGE", {"facilityCode": self.primary_facility_change.facility_code}))
        if self.card_reissue is not None:
            given.append(("CARD_REISSUE", {"reason": self.card_reissue.reason.value}))
        if (correction := self.details_correction) is not None:
            birth = correction.date_of_birth.isoformat() if correction.date_of_birth else None
            given.append(("DETAILS_CORRECTION", {
                "reason": correction.reason, "fullName": correction.full_name, "dateOfBirth": birth,
                "address": correction.address,
            }))
        if (renewal := self.household_renewal) is not None:
            request = {"memberIds": [str(member) for member in renewal.member_ids], "termMonths": renewal.term_months}
            given.append(("HOUSEHOLD_RENEWAL", request))
        if (paying := self.voluntary_renewal) is not None:
            given.append(("VOLUNTARY_RENEWAL", {
                "monthlyIncome": int(paying.monthly_income), "termMonths": paying.term_months,
                "supportGroup": Group(paying.support_group).value,
            }))
        return given[0] if len(given) == 1 else None


@strawberry.input(description="Which applications of the officer's agency to list (all when empty).")
class ApplicationQueueFilter:
    kind: ApplicationKind | None = None
    status: ApplicationStatus | None = None
    submitted_from: dt.datetime | None = strawberry.field(default=None, description="Submitted at or after.")
    submitted_to: dt.datetime | None = strawberry.field(default=None, description="Submitted before.")


@strawberry.type
class ApplicationPayload:
    application: Application | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
