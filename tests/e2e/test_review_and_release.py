"""Intake, review, approval by authority, feasibility, confirmation and release, end to end.

Five service processes on PostgreSQL and the real broker, people's decisions through the HTTP
APIs, no automatic policy. Each test is named after the rules it shows (docs/process.md). The
escalation test moves the shared clock two days forward, so it runs last.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from shared.contracts import topics
from shared.messaging.access import KafkaAccess
from tests.support.api import Api
from tests.support.bus import Watcher, producer
from tests.support.orders import submission
from tests.support.system import System, launch

pytestmark = pytest.mark.e2e

WAIT = 60.0
QUIET = 2.0
"""How long to watch for something that must not happen."""


@dataclass
class Company:
    running: System
    watcher: Watcher

    def events(self, topic: str, order_id: str) -> list[dict[str, Any]]:
        return [
            event
            for event in self.watcher.events(self.running.topic(topic))
            if event["order_id"] == order_id
        ]

    async def event(
        self,
        topic: str,
        order_id: str,
        where: Callable[[dict[str, Any]], bool] = lambda _event: True,
    ) -> dict[str, Any]:
        def found(_watcher: Watcher) -> bool:
            return any(where(event) for event in self.events(topic, order_id))

        await self.watcher.wait_for(found, WAIT, f"{topic} for {order_id}")
        return next(event for event in self.events(topic, order_id) if where(event))

    async def order_number(self, topic: str, reference: str) -> str:
        """The order number sales gave a submission, from its first event on `topic`."""

        def number(_watcher: Watcher) -> str | None:
            for event in self.watcher.events(self.running.topic(topic)):
                if event["payload"].get("customer_reference") == reference:
                    return str(event["order_id"])
            return None

        await self.watcher.wait_for(lambda w: number(w) is not None, WAIT, f"{topic} {reference}")
        found = number(self.watcher)
        assert found is not None
        return found

    async def publish(self, topic: str, body: dict[str, Any], key: str) -> None:
        async with producer(self.running.kafka) as client:
            await client.send_and_wait(
                self.running.topic(topic), json.dumps(body).encode(), key=key.encode()
            )

    async def submit(self, body: dict[str, Any]) -> None:
        await self.publish(topics.ORDER_SUBMITTED, body, body["customer_reference"])

    async def place(self, **order: Any) -> str:
        """Submit a clean order and wait until review has all four department answers."""
        reference = f"PO-{uuid4().hex[:8]}"
        await self.submit(submission(reference, **order))
        order_id = await self.order_number(topics.ORDER_PLACED, reference)
        await self.event(topics.FEASIBILITY_ASSESSED, order_id)
        for _ in range(int(WAIT / 0.1)):  # until review has applied production's answers
            if all((await self.review(order_id))["feasibility"].values()):
                return order_id
            await asyncio.sleep(0.1)
        raise AssertionError(f"review of {order_id} never got all four answers")

    def api(self, service: str, role: str | None = None) -> Api:
        return Api(self.running.port(service), role)

    async def decide(self, role: str, path: str, body: dict[str, Any]) -> Any:
        async with self.api("review", role) as api:
            response = await api.post(path, body)
        assert response.is_success, response.text
        return response.json()

    async def approve(self, role: str, order_id: str) -> Any:
        return await self.decide(
            role,
            f"/reviews/{order_id}/approvals",
            {"decision": "approve", "note": "terms checked", "contract_stamped": True},
        )

    async def review(self, order_id: str) -> Any:
        async with self.api("review", "sales_rep") as api:
            response = await api.get(f"/reviews/{order_id}")
        assert response.is_success, response.text
        return response.json()

    async def quiet(self) -> None:
        await asyncio.sleep(QUIET)


@pytest.fixture(scope="module")
async def company(
    kafka: KafkaAccess, postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Company]:
    async with (
        launch(
            kafka,
            postgres_server,
            tmp_path_factory.mktemp("company"),
            {"REVIEW_DEADLINE_CHECK_SECONDS": "0.5", "PRODUCTION_AUTOMATIC_POLICY": "true"},
        ) as running,
        Watcher(kafka, [running.topic(topic) for topic in topics.ALL_TOPICS]) as watcher,
    ):
        yield Company(running, watcher)


def lines(product: str, quantity: int, price: str) -> list[dict[str, Any]]:
    return [{"product_code": product, "quantity": quantity, "unit_price": price}]


async def test_p2_3_p2_5_p3_2_a_tier_order_within_sm_authority_is_approved_and_released_unsigned(
    company: Company,
) -> None:
    order_id = await company.place(customer_id="CUST-0003")

    await company.approve("sales_manager", order_id)

    completed = await company.event(topics.REVIEW_COMPLETED, order_id)
    placed = (await company.event(topics.ORDER_PLACED, order_id))["payload"]
    assert completed["payload"]["outcome"] == "approved"
    assert completed["payload"]["confirmed_delivery_date"] == placed["requested_delivery_date"]
    await company.event(topics.CONFIRMATION_ISSUED, order_id)
    released = await company.event(topics.ORDER_RELEASED, order_id)
    assert released["payload"]["gate"] == "a_tier_before_signature"
    assert released["payload"]["delivery_date"] == placed["requested_delivery_date"]
    assert company.events(topics.CONFIRMATION_SIGNED, order_id) == []
    await company.event(topics.GOODS_PRODUCED, order_id)


async def test_p2_3_p8_1_above_sm_authority_the_sm_alone_does_not_confirm_the_gm_does(
    company: Company,
) -> None:
    order_id = await company.place(customer_id="CUST-0004", lines=lines("PUMP-CP65", 40, "1340.00"))

    await company.approve("sales_manager", order_id)
    await company.quiet()
    assert company.events(topics.REVIEW_COMPLETED, order_id) == []

    await company.approve("general_manager", order_id)
    completed = await company.event(topics.REVIEW_COMPLETED, order_id)
    assert completed["payload"]["outcome"] == "approved"


async def test_p8_1_approval_beyond_authority_or_without_credentials_is_refused_and_logged(
    company: Company,
) -> None:
    order_id = await company.place(customer_id="CUST-0005", lines=lines("PUMP-CP65", 40, "1340.00"))
    await company.approve("sales_manager", order_id)
    before = await company.review(order_id)
    approve = {"decision": "approve", "note": "", "contract_stamped": True}

    async with company.api("review", "sales_manager") as manager:
        beyond = await manager.post(f"/reviews/{order_id}/approvals", approve)
    async with company.api("review", "sales_rep") as rep:
        no_authority = await rep.post(f"/reviews/{order_id}/approvals", approve)
    async with company.api("review") as anonymous:
        unauthenticated = await anonymous.post(f"/reviews/{order_id}/approvals", approve)
        forged = await anonymous.post(
            f"/reviews/{order_id}/approvals",
            approve,
            headers={"Authorization": "Bearer not-a-real-token-at-all"},
        )

    assert beyond.status_code == 403
    assert beyond.json()["detail"]["error"] == "beyond_authority"
    assert no_authority.status_code == 403
    assert unauthenticated.status_code == 401
    assert forged.status_code == 401
    await company.quiet()
    assert await company.review(order_id) == before
    assert company.events(topics.REVIEW_COMPLETED, order_id) == []
    log = company.running.services["review"].log_path.read_text()
    assert f"/reviews/{order_id}/approvals by jonas.weber (sales_manager)" in log
    assert "refused unauthenticated request POST" in log


async def test_p2_4_p2_6_too_soon_to_make_a_later_date_is_accepted_or_the_order_declined(
    company: Company,
) -> None:
    # The planner needs the production lead time (5 days in the seed) after the start, and the
    # goods must be ready before the delivery day: two days from now is too soon (P4.5).
    too_soon = datetime.now(UTC).date() + timedelta(days=2)
    big = lines("VALVE-DN50", 600, "48.50")
    accepted = await company.place(
        customer_id="CUST-0006", lines=big, requested_delivery_date=too_soon.isoformat()
    )
    declined = await company.place(
        customer_id="CUST-0007", lines=big, requested_delivery_date=too_soon.isoformat()
    )

    for order_id in (accepted, declined):
        opened = await company.event(topics.NEGOTIATION_OPENED, order_id)
        proposed = opened["payload"]["proposed_delivery_date"]
        assert proposed is not None
        assert date.fromisoformat(proposed) > too_soon
        await company.approve("sales_manager", order_id)
    await company.quiet()
    assert company.events(topics.REVIEW_COMPLETED, accepted) == []

    agreed = (await company.event(topics.NEGOTIATION_OPENED, accepted))["payload"]
    await company.decide(
        "general_manager",
        f"/reviews/{accepted}/negotiation",
        {"outcome": "accepted", "agreed_date": agreed["proposed_delivery_date"]},
    )
    await company.decide(
        "general_manager",
        f"/reviews/{declined}/negotiation",
        {"outcome": "declined", "reason": "customer needs the goods in two days"},
    )

    confirmed = await company.event(topics.REVIEW_COMPLETED, accepted)
    assert confirmed["payload"]["outcome"] == "approved"
    assert confirmed["payload"]["confirmed_delivery_date"] == agreed["proposed_delivery_date"]
    refused = await company.event(topics.REVIEW_COMPLETED, declined)
    assert refused["payload"]["outcome"] == "declined"
    assert refused["payload"]["reason"] == "customer needs the goods in two days"
    closed = await company.event(topics.ORDER_CLOSED, declined)
    assert closed["payload"]["outcome"] == "declined"


async def test_p1_3_a_submission_with_three_defects_is_held_with_all_three_until_corrected(
    company: Company,
) -> None:
    reference = f"PO-{uuid4().hex[:8]}"
    broken = submission(
        reference,
        customer_id="CUST-0008",
        lines=[
            {"product_code": "VALVE-XX99", "quantity": 2, "unit_price": "10.00"},
            {"product_code": "FLANGE-DN50", "quantity": 10, "unit_price": "99.00"},
        ],
    )
    broken["total_amount"] = "1.00"
    await company.submit(broken)

    order_id = await company.order_number(topics.ORDER_HELD, reference)
    held = await company.event(topics.ORDER_HELD, order_id)
    reasons = held["payload"]["reasons"]
    assert len(reasons) == 3, reasons
    assert any("VALVE-XX99" in reason["message"] for reason in reasons)
    async with company.api("sales", "sales_rep") as sales:
        view = (await sales.get(f"/orders/{order_id}")).json()
        listed = (await sales.get("/orders", params={"status": "held"})).json()
    assert view["status"] == "held"
    assert len(view["reasons"]) == 3
    assert order_id in json.dumps(listed)
    assert company.events(topics.ORDER_PLACED, order_id) == []

    await company.submit(submission(reference, customer_id="CUST-0008"))
    placed = await company.event(topics.ORDER_PLACED, order_id)
    assert placed["payload"]["customer_reference"] == reference


async def test_p1_1_a_verbal_order_waits_for_the_customers_written_confirmation(
    company: Company,
) -> None:
    reference = f"PHONE-{uuid4().hex[:8]}"
    await company.submit(submission(reference, customer_id="CUST-0009", channel="phone"))

    order_id = await company.order_number(topics.ORDER_HELD, reference)
    held = await company.event(topics.ORDER_HELD, order_id)
    assert [reason["field"] for reason in held["payload"]["reasons"]] == ["channel"]
    await company.quiet()
    assert company.events(topics.ORDER_PLACED, order_id) == []

    async with company.api("sales", "sales_rep") as sales:
        response = await sales.post(f"/orders/{order_id}/written-confirmation")
    assert response.is_success, response.text
    await company.event(topics.ORDER_PLACED, order_id)


async def test_p3_3_p3_4_b_tier_waits_for_signature_and_deposit_and_a_late_signature_moves_the_date(
    company: Company,
) -> None:
    order_id = await company.place(customer_id="CUST-0011")
    await company.approve("sales_manager", order_id)

    issued = (await company.event(topics.CONFIRMATION_ISSUED, order_id))["payload"]
    assert issued["tier"] == "B"
    deposit = Decimal(issued["deposit_amount"])
    assert deposit == (Decimal(issued["total_amount"]) * Decimal("0.30")).quantize(Decimal("0.01"))
    await company.event(topics.DEPOSIT_REQUESTED, order_id)
    sent_on = date.fromisoformat(issued["sent_on"])
    confirmed = date.fromisoformat(issued["confirmed_delivery_date"])

    company.running.advance_clock(timedelta(days=2).total_seconds())  # it comes back 2 days later
    await asyncio.sleep(0.5)  # every service re-reads the clock's offset within 0.2 s
    async with company.api("sales", "sales_rep") as sales:
        response = await sales.post(
            f"/orders/{order_id}/signed-confirmation",
            {"received_on": (sent_on + timedelta(days=2)).isoformat()},
        )
    assert response.is_success, response.text
    signed = (await company.event(topics.CONFIRMATION_SIGNED, order_id))["payload"]
    assert signed["days_late"] == 2
    assert signed["expected_delivery_date"] == (confirmed + timedelta(days=2)).isoformat()
    await company.quiet()
    assert company.events(topics.ORDER_RELEASED, order_id) == []
    assert company.events(topics.GOODS_PRODUCED, order_id) == []

    await company.publish(
        topics.PAYMENT_NOTIFIED,
        {
            "schema_version": 1,
            "bank_transaction_id": f"DEP-{order_id}",
            "order_reference": order_id,
            "amount": str(deposit),
            "currency": "EUR",
            "received_at": "2026-11-21T10:00:00+00:00",
            "payer": "Isar Brauerei",
        },
        key=f"DEP-{order_id}",
    )
    paid = await company.event(topics.PAYMENT_RECEIVED, order_id)
    assert paid["payload"]["kind"] == "deposit"
    released = (await company.event(topics.ORDER_RELEASED, order_id))["payload"]
    assert released["gate"] == "signed_and_deposit"
    assert released["delivery_date"] == (confirmed + timedelta(days=2)).isoformat()
    await company.event(topics.GOODS_PRODUCED, order_id)


async def test_p6_4_an_a_tier_order_over_the_credit_limit_needs_the_general_manager(
    company: Company,
) -> None:
    order_id = await company.place(customer_id="CUST-0002", lines=lines("PUMP-CP40", 25, "890.00"))

    await company.approve("sales_manager", order_id)
    await company.quiet()
    assert company.events(topics.REVIEW_COMPLETED, order_id) == []
    assert "general_manager" in json.dumps(await company.review(order_id))

    await company.approve("general_manager", order_id)
    completed = await company.event(topics.REVIEW_COMPLETED, order_id)
    assert completed["payload"]["outcome"] == "approved"


async def test_p2_4_p8_2_a_review_untouched_for_two_days_raises_one_escalation(
    company: Company,
) -> None:
    order_id = await company.place(customer_id="CUST-0010")
    await company.quiet()
    assert company.events(topics.REVIEW_ESCALATED, order_id) == []

    company.running.advance_clock(timedelta(days=2, minutes=5).total_seconds())

    escalated = await company.event(topics.REVIEW_ESCALATED, order_id)
    assert escalated["payload"]["waiting_for"]
    await company.quiet()
    assert len(company.events(topics.REVIEW_ESCALATED, order_id)) == 1
