"""A household ready to renew and the service served over HTTP beside the sandbox gateway, each knowing the other:
the gateway calls the service's IPN route, the service builds payment URLs for the gateway."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx

from core.settings import Settings
from payments.gateway import GatewayConfig
from resolvers.applications.payment import IPN_PATH
from schema.ids import to_global_id
from service.app import create_app
from tests.factories import Citizen, make_account, make_person, open_session
from tests.graphql import contract
from tests.payment_sandbox import payment_sandbox
from tests.resolvers.applications.support import TODAY
from tests.served import serving
from tests.service.serving import free_port

MONTH_END = (TODAY.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
GD_CARD = """
insert into insurance_cards (person_id, card_number, group_code, benefit_level, coverage_percent, province_code,
                             valid_from, valid_to, primary_facility_id, issued_at)
select p.id, 'GD4' || p.province_code || p.social_insurance_code, 'GD', 4, 80, p.province_code, $2, $3,
       (select id from facilities where kind = 'HOSPITAL' and province_code = p.province_code order by id limit 1),
       $2::date - 10
from people p where p.id = $1
returning id
"""
RENEW = """
mutation Renew($input: SubmitApplicationInput!) {
  submitApplication(input: $input) {
    application { id status amount transitions { fromStatus toStatus actorKind } }
    errors { code field }
  }
}
"""
PAY = contract("mobile/PayApplication")
FOLLOW = """
query Follow { me { applications(first: 5) { edges { node {
  id status changes { field before after } transitions { fromStatus toStatus actorKind }
  payment { orderRef status transactionNo }
} } } } }
"""


@dataclass(frozen=True, slots=True)
class Household:
    payer: Citizen
    child_id: int
    member_ids: list[str]


async def household(db: asyncpg.Connection) -> Household:
    """A parent and a child under 18 in their household record, both on household cards ending this month."""
    person = await make_account(db, None, full_name="Hoàng Thị Thử")
    payer = Citizen(**dataclasses.asdict(person), token=await open_session(db, person.id))
    child = await make_person(db, "Hoàng Minh Thử", dt.date(TODAY.year - 16, 5, 20))
    await db.execute("insert into guardianships (guardian_id, child_id, since) values ($1, $2, $3)",
                     payer.id, child.id, child.date_of_birth)
    for member in (payer.id, child.id):
        await db.execute(GD_CARD, member, MONTH_END.replace(day=1) - dt.timedelta(days=334), MONTH_END)
    return Household(payer, child.id, [to_global_id("Person", payer.id), to_global_id("Person", child.id)])


@dataclass(frozen=True, slots=True)
class Paying:
    url: str  # the service
    gateway: GatewayConfig
    http: httpx.AsyncClient  # to the service
    browser: httpx.AsyncClient  # to anyone (the gateway's pages and test hooks)


@asynccontextmanager
async def paying_service(
    settings: Settings, dsn: str, *, retry_delays: tuple[float, ...] = (0.05, 0.1, 0.2)
) -> AsyncIterator[Paying]:
    port = free_port()
    async with payment_sandbox(ipn_url=f"http://127.0.0.1:{port}{IPN_PATH}", retry_delays=retry_delays) as config:
        paying = dataclasses.replace(
            settings, payment_gateway_url=config.base_url, payment_merchant=((config.merchant_code, config.secret),)
        )
        async with (
            serving(create_app(paying, dsn), port=port) as url,
            httpx.AsyncClient(base_url=url, timeout=30) as http,
            httpx.AsyncClient(timeout=30) as browser,
        ):
            yield Paying(url, config, http, browser)


async def graphql(http: httpx.AsyncClient, document: str, token: str, **variables: Any) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": document, "variables": variables},
                               headers={"Authorization": f"Bearer {token}"})
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def open_and_pay(paying: Paying, payment_url: str, order_ref: str, *, pay: bool = True) -> dict[str, Any]:
    """What the buyer does: open the payment page, then pay (or cancel) at the gateway."""
    page = await paying.browser.get(payment_url)
    assert page.status_code == 200, page.text
    action = "pay" if pay else "cancel"
    settled = await paying.browser.post(f"{paying.gateway.base_url}/sandbox/orders/{order_ref}/{action}")
    assert settled.status_code == 200, settled.text
    result: dict[str, Any] = settled.json()
    return result


async def until(db: asyncpg.Connection, query: str, *args: Any, expected: Any, seconds: float = 60) -> None:
    """Wait for another party (the gateway's notification) to have written what `query` reads."""
    async with asyncio.timeout(seconds):
        while await db.fetchval(query, *args) != expected:  # noqa: ASYNC110 - polling what another party writes
            await asyncio.sleep(0.05)
