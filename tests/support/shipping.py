"""Shipping and money end to end (docs/shipping-and-money.md): the running company with review
and production standing in by their automatic policies (these scenarios are not about them),
and the people of logistics and finance acting through their HTTP APIs."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx

from shared.contracts import topics
from shared.messaging.access import KafkaAccess
from shared.seed import load_seed
from tests.support.bus import producer
from tests.support.production import WAIT, Part, Plant, running_plant
from tests.support.system import AUTOMATIC_REVIEW

UPSTREAM_POLICIES = {**AUTOMATIC_REVIEW, "PRODUCTION_AUTOMATIC_POLICY": "true"}
"""Review approves A-tier orders and production makes them without people; logistics and
finance keep their people (their automatic policies stay off)."""

CLOCK_ROUNDS = {
    "LOGISTICS_DEADLINE_ROUND_SECONDS": "0.5",
    "FINANCE_COLLECTION_ROUND_SECONDS": "0.5",
}
"""Deadlines and collection steps are looked for twice a second."""

TIERS = {customer.customer_id: customer.tier for customer in load_seed().customers}


def money(value: Any) -> Decimal:
    return Decimal(str(value))


@dataclass
class Desk(Plant):
    """The company as its logistics and finance staff see it."""

    # -- orders up to finished goods ----------------------------------------------------------

    async def produced(self, customer_id: str, lines: list[dict[str, Any]]) -> str:
        """An order placed, approved (by people where the policy does not), its
        B/C confirmation signed and deposit paid, and its goods produced: its order id."""
        order_id = await self.place(lines, self.today() + timedelta(days=60), customer_id)
        tier = TIERS[customer_id]
        if tier != "A" or customer_id == "CUST-0002":
            await self.approve(order_id, "sales_manager")
        if customer_id == "CUST-0002":  # beyond its credit limit
            await self.approve(order_id, "general_manager")
        if tier != "A":
            issued = (await self.event(topics.CONFIRMATION_ISSUED, order_id))["payload"]
            await self.call(
                "sales_rep",
                "sales",
                f"/orders/{order_id}/signed-confirmation",
                {"received_on": issued["sent_on"]},
            )
            await self.pay(order_id, money(issued["deposit_amount"]), f"DEP-{order_id}")
        await self.event(topics.GOODS_PRODUCED, order_id)
        return order_id

    async def approve(self, order_id: str, role: str) -> None:
        body = {"decision": "approve", "note": "terms checked", "contract_stamped": True}
        await self.until_accepted(role, "review", f"/reviews/{order_id}/approvals", body)

    async def advance_hours(self, hours: float) -> None:
        self.running.advance_clock(timedelta(hours=hours).total_seconds())
        await asyncio.sleep(0.5)  # every service re-reads the offset within 0.2 s

    # -- money from the bank ------------------------------------------------------------------

    async def pay(
        self,
        reference: str,
        amount: Decimal,
        transaction: str | None = None,
        currency: str = "EUR",
    ) -> str:
        """The bank reports a payment (payment.notified): its transaction id."""
        transaction = transaction or f"BANK-{uuid4().hex[:12]}"
        notification = {
            "schema_version": 1,
            "bank_transaction_id": transaction,
            "order_reference": reference,
            "amount": str(amount),
            "currency": currency,
            "received_at": self.now().isoformat(),
            "payer": "Test Payer GmbH",
        }
        async with producer(self.running.kafka) as client:
            await client.send_and_wait(
                self.running.topic(topics.PAYMENT_NOTIFIED),
                json.dumps(notification).encode(),
                key=transaction.encode(),
            )
        return transaction

    # -- people -------------------------------------------------------------------------------

    async def call(self, role: str, service: str, path: str, body: Any = None) -> Any:
        """A decision that must be taken: its response body."""
        response = await self.post(role, path, body, service=service)
        assert response.status_code == 200, f"POST {path} as {role}: {response.text}"
        return response.json()

    async def until_accepted(self, role: str, service: str, path: str, body: Any = None) -> Any:
        """A decision on something the service may not have heard of yet (404, or 409 while
        the message that makes it possible is on its way): tried until it is taken."""

        async def attempt() -> Any:
            response = await self.post(role, path, body, service=service)
            if response.status_code in (404, 409):
                return None
            assert response.status_code == 200, f"POST {path} as {role}: {response.text}"
            return response.json()

        return await self.wait_until(attempt, f"POST {path} as {role}")

    async def read(self, service: str, path: str, role: str = "customer_service") -> Any:
        return await self.get(path, role=role, service=service)

    async def found(self, service: str, path: str, role: str = "customer_service") -> Any:
        """A read that may 404 until the service has heard of the thing."""

        async def attempt() -> Any:
            response = await self.api(role, service).get(path)
            return response.json() if response.status_code == 200 else None

        return await self.wait_until(attempt, f"GET {path} on {service}")

    async def request(self, order_id: str, body: dict[str, Any] | None = None) -> str:
        """Customer service raises the shipping request (P5.1): the shipment's number."""
        shipment = await self.until_accepted(
            "customer_service", "logistics", f"/orders/{order_id}/shipments", body or {}
        )
        return str(shipment["shipment_id"])

    async def check(self, shipment_id: str) -> dict[str, Any]:
        """Finance's payment check of a shipment, once finance has it."""
        return dict(await self.found("finance", f"/payment-checks/{shipment_id}", "finance_clerk"))

    async def decide(
        self, shipment_id: str, decision: str, reason: str = "", role: str = "finance_clerk"
    ) -> httpx.Response:
        await self.check(shipment_id)
        return await self.post(
            role,
            f"/payment-checks/{shipment_id}/decision",
            {"decision": decision, "reason": reason},
            service="finance",
        )

    async def shipment(self, shipment_id: str) -> dict[str, Any]:
        return dict(await self.read("logistics", f"/shipments/{shipment_id}"))

    async def release(self, shipment_id: str, role: str) -> httpx.Response:
        """The release signature, once logistics heard finance's check passed."""
        await self.event(
            topics.PAYMENT_CHECKED,
            shipment_id.removeprefix("SH-").rsplit("-", 1)[0],
            lambda event: (
                event["payload"]["shipment_id"] == shipment_id
                and event["payload"]["outcome"] == "passed"
            ),
        )

        async def attempt() -> httpx.Response | None:
            response = await self.post(
                role, f"/shipments/{shipment_id}/release", {}, service="logistics"
            )
            if response.status_code == 409 and "check" in response.text:
                return None  # logistics has not consumed the passed check yet
            return response

        return await self.wait_until(attempt, f"release of {shipment_id}")  # type: ignore[no-any-return]

    async def outbound_check(self, shipment_id: str, parcels: int) -> dict[str, Any]:
        lines = [
            {"product_code": line["product_code"], "quantity": line["quantity"]}
            for line in (await self.shipment(shipment_id))["lines"]
        ]
        return dict(
            await self.call(
                "dispatcher",
                "logistics",
                f"/shipments/{shipment_id}/outbound-check",
                {"lines": lines, "parcels": parcels},
            )
        )

    async def hand_over(self, shipment_id: str, waybills: Iterable[str]) -> httpx.Response:
        numbers = list(waybills)
        return await self.post(
            "order_clerk",
            f"/shipments/{shipment_id}/handover",
            {"waybills": numbers, "parcels": len(numbers)},
            service="logistics",
        )

    async def dispatch(self, shipment_id: str) -> httpx.Response:
        return await self.post(
            "dispatcher",
            f"/shipments/{shipment_id}/dispatch",
            {
                "carrier": "Rhenus Freight",
                "tracking_number": f"RH{uuid4().hex[:10].upper()}",
                "expected_delivery_on": (self.today() + timedelta(days=2)).isoformat(),
            },
            service="logistics",
        )

    async def ship(self, shipment_id: str, parcels: int = 1) -> dict[str, Any]:
        """Outbound check, handover with one waybill per parcel, dispatch: goods.shipped."""
        await self.outbound_check(shipment_id, parcels)
        stem = uuid4().hex[:8].upper()
        handed = await self.hand_over(shipment_id, [f"WB{stem}{n}" for n in range(parcels)])
        assert handed.status_code == 200, handed.text
        dispatched = await self.dispatch(shipment_id)
        assert dispatched.status_code == 200, dispatched.text
        return dict(dispatched.json())

    async def deliver(self, shipment_id: str, **body: Any) -> dict[str, Any]:
        receipt = {
            "delivered_on": self.today().isoformat(),
            "received_by": "Jana Keller",
            **body,
        }
        return dict(
            await self.call(
                "customer_service", "logistics", f"/shipments/{shipment_id}/delivery", receipt
            )
        )

    async def account(self, order_id: str) -> dict[str, Any]:
        return dict(await self.found("finance", f"/accounts/{order_id}", "finance_clerk"))


@contextlib.asynccontextmanager
async def running_desk(
    kafka: KafkaAccess, postgres_server: str, work_dir: Path, parts: Iterable[Part]
) -> AsyncIterator[Desk]:
    """The five services on the demo seed with `parts` added; review and production stand in
    by their automatic policies, logistics and finance wait for their people."""
    async with running_plant(
        kafka,
        postgres_server,
        work_dir,
        parts,
        settings={**UPSTREAM_POLICIES, **CLOCK_ROUNDS},
    ) as plant:
        yield Desk(plant.running, plant.watcher, plant.apis)


__all__ = ["WAIT", "Desk", "Part", "money", "running_desk"]
