"""Nothing is lost: the service process is killed (SIGKILL) while the gateway's notification is being applied, after
its work and before its commit; after a restart, the gateway's next attempt applies the payment exactly once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import httpx
import pytest

from resolvers.applications.payment import IPN_PATH
from schema.ids import from_global_id
from tests.payment_sandbox import payment_sandbox
from tests.resolvers.applications.paying import PAY, RENEW, household, until
from tests.resolvers.applications.support import key
from tests.service.serving import free_port, serve

pytestmark = pytest.mark.slow

# The fault point, set up by the test: the notification's last write (the receipt) waits in the database, so the
# service is killed holding an uncommitted transaction that has done all the payment's work.
FAULT = """
create function test_hold_receipt() returns trigger language plpgsql as $$
begin
    perform pg_sleep(600);
    return null;
end
$$;
create trigger test_hold_receipt after insert on inbox_messages
    for each row when (new.kind = 'PAYMENT_RECEIPT') execute function test_hold_receipt();
"""
NO_FAULT = "drop trigger test_hold_receipt on inbox_messages; drop function test_hold_receipt()"
HELD = "select pid from pg_stat_activity where wait_event = 'PgSleep' and application_name = 'vssid-api'"
STATE = """
select (select status from applications where person_id = $1 and id = $2),
       (select count(*) from payment_orders where person_id = $1 and status = 'PAID'),
       (select count(*) from insurance_cards where person_id = any($3::bigint[])),
       (select count(*) from inbox_messages where person_id = $1 and kind = 'PAYMENT_RECEIPT'),
       (select count(*) from application_transitions where person_id = $1 and to_status = 'PAID')
"""


async def _post(url: str, document: str, token: str, **variables: object) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        response = await http.post("/graphql", json={"query": document, "variables": variables},
                                   headers={"Authorization": f"Bearer {token}"})
    data: dict[str, object] = response.json()["data"]
    return data


async def test_a_payment_survives_a_kill_between_notification_and_commit(
    db_dsn: str, db: asyncpg.Connection, tmp_path: Path
) -> None:
    home = await household(db)
    members = [home.payer.id, home.child_id]
    port = free_port()
    # The gateway keeps trying every half second for two minutes while the service is away.
    async with payment_sandbox(ipn_url=f"http://127.0.0.1:{port}{IPN_PATH}", retry_delays=(0.5,) * 240) as gateway:
        env = {"VSSID_PORT": str(port), "VSSID_PAYMENT_GATEWAY_URL": gateway.base_url,
               "VSSID_PAYMENT_MERCHANT": f"{gateway.merchant_code}:{gateway.secret}"}
        await db.execute(FAULT)
        with serve(db_dsn, tmp_path / "first.log", **env) as first:
            submitted = await _post(first.url, RENEW, home.payer.token, input={
                "idempotencyKey": key(), "householdRenewal": {"memberIds": home.member_ids, "termMonths": 6}})
            application = submitted["submitApplication"]["application"]  # type: ignore[index]
            application_id = from_global_id(application["id"])[1]
            paid = await _post(first.url, PAY, home.payer.token, id=application["id"])
            order = paid["payApplication"]["payment"]  # type: ignore[index]
            cards = await db.fetchval("select count(*) from insurance_cards where person_id = any($1::bigint[])",
                                      members)
            async with httpx.AsyncClient(timeout=30) as browser:
                assert (await browser.get(order["paymentUrl"])).status_code == 200
                settled = await browser.post(f"{gateway.base_url}/sandbox/orders/{order['orderRef']}/pay")
                assert settled.status_code == 200
            # When the notification's transaction has done its work and waits before its commit
            async with asyncio.timeout(60):
                while not (held := await db.fetchval(HELD)):  # noqa: ASYNC110 - waiting for another process
                    await asyncio.sleep(0.05)
            # the service process is killed
            first.process.kill()
            await asyncio.to_thread(first.process.wait, 30)
            # and its connection's transaction ends uncommitted (the server would see the client gone when the
            # statement returns; the test does not wait ten minutes for it)
            await db.execute("select pg_terminate_backend($1)", held)
        # Then nothing of the payment stayed
        assert tuple(await db.fetchrow(STATE, home.payer.id, application_id, members)) == (
            "AWAITING_PAYMENT", 0, cards, 0, 0)
        # When the service starts again (without the fault point), the gateway's next attempt is applied, once
        await db.execute(NO_FAULT)
        with serve(db_dsn, tmp_path / "second.log", **env):
            await until(db, "select status from applications where person_id = $1 and id = $2",
                        home.payer.id, application_id, expected="APPROVED")
            async with httpx.AsyncClient(timeout=30) as browser:
                replayed = await browser.post(f"{gateway.base_url}/sandbox/orders/{order['orderRef']}/replay-ipn")
                assert replayed.status_code == 202
                async with asyncio.timeout(30):
                    while True:
                        view = (await browser.get(f"{gateway.base_url}/sandbox/orders/{order['orderRef']}")).json()
                        answers = [a["answer"]["RspCode"] for a in view["ipnAttempts"] if "answer" in a]
                        if answers[-1:] == ["02"]:
                            break
                        await asyncio.sleep(0.05)
        # Then the payment is applied exactly once: one paid order, two new cards, one receipt, one PAID transition
        assert tuple(await db.fetchrow(STATE, home.payer.id, application_id, members)) == (
            "APPROVED", 1, cards + 2, 1, 1)
        assert answers.count("00") == 1
