"""Payment orders (online payment of an application) as the payer and the agency see them."""

from __future__ import annotations

import datetime as dt
import enum
from typing import ClassVar

import strawberry

from schema.errors import UserError
from schema.rows import Mapped
from schema.scalars import Money


@strawberry.enum(description="Where a payment order stands; only the gateway's signed notification makes it PAID.")
class PaymentStatus(enum.Enum):
    OPEN = strawberry.enum_value("OPEN", description="The payment URL is live until `expiresAt`.")
    PAID = "PAID"
    FAILED = strawberry.enum_value("FAILED", description="The gateway reported it not paid; pay again.")
    EXPIRED = strawberry.enum_value("EXPIRED", description="Replaced by a newer order after its URL expired.")
    CANCELLED = strawberry.enum_value("CANCELLED", description="The application was cancelled.")


@strawberry.type(description="One order sent to the payment gateway for an application.")
class PaymentOrder(Mapped):
    columns: ClassVar[dict[str, str]] = {"amount": "amount_dong"}
    order_ref: str = strawberry.field(description="The reference the gateway knows it by (vnp_TxnRef).")
    amount: Money = strawberry.field(description="In đồng, as fixed at submission.")
    status: PaymentStatus
    payment_url: str = strawberry.field(description="Open it in the browser to pay (while OPEN).")
    created_at: dt.datetime
    expires_at: dt.datetime
    paid_at: dt.datetime | None
    transaction_no: str | None = strawberry.field(description="The gateway's transaction number, once it answered.")


@strawberry.type
class PaymentPayload:
    payment: PaymentOrder | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
