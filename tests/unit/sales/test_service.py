"""Sales wired to an embedded SQLite database: master data at start, the desk's HTTP API and
the consumed events, each through the unit of work and the outbox (P1, P3, P8.1).

No broker: what would be published is read from the outbox.
"""

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import select

from services.sales import handlers
from services.sales.adapters.tables import outbox
from services.sales.app import DEFINITION
from services.sales.http import desk_command
from services.sales.settings import SalesSettings
from shared.clock import FrozenClock
from shared.contracts import Event, OrderSubmission, PaymentReceived, ReviewCompleted
from shared.db.engine import create_engine, sqlite_url
from shared.db.migrate import upgrade_to_head
from shared.messaging.routes import Incoming, Source
from shared.seed import Seed, load_seed
from tests.support.api import wire

START = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
CONFIRMED = date(2027, 3, 15)


def token(role: str) -> dict[str, str]:
    user = next(user for user in load_seed().users if user.role == role)
    return {"Authorization": f"Bearer {user.token}"}


def desk_order(reference: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "schema_version": 1,
        "submitter": "sales-desk",
        "customer_reference": reference,
        "customer_id": "CUST-0001",
        "channel": "email",
        "payment_terms": "net30",
        "currency": "EUR",
        "lines": [
            {"product_code": "VALVE-DN50", "quantity": 20, "unit_price": "48.50"},
            {"product_code": "FLANGE-DN50", "quantity": 40, "unit_price": "12.25"},
        ],
        "total_amount": "1460.00",
        "requested_delivery_date": CONFIRMED.isoformat(),
        "delivery_address": {
            "name": "Kobalt Mining GmbH",
            "street": "Bergstrasse 1",
            "postal_code": "09599",
            "city": "Freiberg",
            "country": "DE",
        },
        "contact": {"name": "Jana Keller", "email": "j.keller@acme-pumps.example"},
    }
    body.update(changes)
    return body


class Sales:
    def __init__(self, directory: Path, seed: Seed | None = None) -> None:
        self.clock = FrozenClock(START)
        self.engine = create_engine(sqlite_url(directory, "sales"))
        self.seed = seed or load_seed()
        wired = wire(
            DEFINITION, SalesSettings(data_dir=directory), self.engine, self.clock, self.seed
        )
        self.context, self.parts = wired.context, wired.parts
        self.unit_of_work = self.context.unit_of_work
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=wired.http), base_url="http://sales"
        )
        self.read_up_to = 0

    async def start(self) -> None:
        await upgrade_to_head(self.engine, DEFINITION.migrations)
        for start in self.parts.on_start:
            await start()

    async def published(self, notices: bool = True) -> list[dict[str, Any]]:
        """Events staged since the last call, oldest first; without the customer's notices
        unless `notices` (sales stages them with the events that cause them)."""
        async with self.engine.connect() as connection:
            rows = (
                await connection.execute(
                    select(outbox.c.id, outbox.c.payload)
                    .where(outbox.c.id > self.read_up_to)
                    .order_by(outbox.c.id)
                )
            ).all()
        if rows:
            self.read_up_to = rows[-1].id
        staged = [json.loads(row.payload) for row in rows]
        return [item for item in staged if notices or item["event_type"] != "customer.notified"]

    async def consume(self, handler: Any, event: Event) -> None:
        incoming = Incoming(
            body=event,
            source=Source(event.event_type, 0, 0, None),
            causation_id=event.event_id,
            received_at=self.clock.now(),
        )
        await self.unit_of_work.run(
            lambda connection: handler(connection, incoming), str(event.event_id), event.event_type
        )

    async def close(self) -> None:
        await self.http.aclose()
        await self.engine.dispose()


@pytest.fixture
async def sales(tmp_path: Path) -> AsyncIterator[Sales]:
    service = Sales(tmp_path)
    await service.start()
    await service.published()
    yield service
    await service.close()


def event(kind: type[Event], order_id: str, payload: dict[str, Any]) -> Event:
    return kind.model_validate(
        {
            "event_id": str(uuid4()),
            "order_id": order_id,
            "occurred_at": START.isoformat(),
            "producer": "test",
            "causation_id": None,
            "payload": payload,
        }
    )


def approval(order_id: str) -> Event:
    return event(
        ReviewCompleted,
        order_id,
        {"outcome": "approved", "confirmed_delivery_date": CONFIRMED.isoformat(), "reason": ""},
    )


def deposit(order_id: str, amount: str) -> Event:
    return event(
        PaymentReceived,
        order_id,
        {
            "payment_id": "PAY-1",
            "kind": "deposit",
            "bank_transaction_id": "B-1",
            "amount": amount,
            "currency": "EUR",
            "paid_total": amount,
            "balance_due": "1.00",
            "settled": False,
        },
    )


async def test_sales_announces_every_customer_and_product_at_first_start(tmp_path: Path) -> None:
    service = Sales(tmp_path)
    await service.start()

    published = await service.published()

    kinds = [item["event_type"] for item in published]
    assert kinds.count("customer.updated") == 30
    assert kinds.count("product.updated") == 15
    acme = next(item for item in published if item["payload"].get("customer_id") == "CUST-0001")
    assert acme["order_id"] == ""
    assert acme["payload"]["payment_terms"] == ["net30", "net60", "prepaid"]
    await service.close()


async def test_a_restart_announces_only_what_changed(tmp_path: Path) -> None:
    first = Sales(tmp_path)
    await first.start()
    await first.close()

    again = Sales(tmp_path)
    again.read_up_to = 45
    await again.start()
    assert await again.published() == []
    await again.close()

    seed = load_seed()
    changed_customer = seed.customers[0].model_copy(
        update={"tier": "B", "payment_terms": ["prepaid"]}
    )
    changed = Sales(tmp_path, seed.model_copy(update={"customers": [changed_customer]}))
    changed.read_up_to = 45
    await changed.start()
    published = await changed.published()
    assert [(item["event_type"], item["payload"]["tier"]) for item in published] == [
        ("customer.updated", "B")
    ]
    await changed.close()


async def test_the_desk_enters_a_clean_order_and_it_is_placed_p1_2(sales: Sales) -> None:
    response = await sales.http.post("/orders", json=desk_order("PO-1"), headers=token("sales_rep"))

    assert response.status_code == 201
    view = response.json()
    assert view["status"] == "placed"
    assert view["order_id"] == "SO-2026-000001"
    assert view["total_amount"] == "1460.00"
    assert view["tier"] == "A"
    assert view["reasons"] == []
    assert view["released"] is False
    [placed] = await sales.published(notices=False)
    assert placed["event_type"] == "order.placed"
    assert placed["payload"]["payment_terms"] == "net30"
    assert placed["payload"]["submitter"] == "sales-desk"


async def test_a_defective_order_is_held_listed_and_placed_once_corrected_p1_3(
    sales: Sales,
) -> None:
    broken = desk_order("PO-2", total_amount="1.00", delivery_address=None)
    held = (await sales.http.post("/orders", json=broken, headers=token("sales_rep"))).json()

    assert held["status"] == "held"
    assert {reason["field"] for reason in held["reasons"]} == {"total_amount", "delivery_address"}
    [announced] = await sales.published(notices=False)
    assert announced["event_type"] == "order.held"
    assert len(announced["payload"]["reasons"]) == 2
    listed = await sales.http.get("/orders", params={"status": "held"}, headers=token("qa"))
    assert [order["order_id"] for order in listed.json()] == [held["order_id"]]

    fixed = await sales.http.post("/orders", json=desk_order("PO-2"), headers=token("sales_rep"))

    assert fixed.json()["order_id"] == held["order_id"]
    assert fixed.json()["status"] == "placed"
    assert [item["event_type"] for item in await sales.published(notices=False)] == ["order.placed"]
    again = await sales.http.post("/orders", json=desk_order("PO-2"), headers=token("sales_rep"))
    assert again.json()["status"] == "placed"
    assert await sales.published() == []


async def test_a_verbal_order_proceeds_on_the_written_confirmation_p1_1(sales: Sales) -> None:
    verbal = desk_order("PO-3", channel="phone")
    order = (await sales.http.post("/orders", json=verbal, headers=token("sales_rep"))).json()
    assert order["status"] == "awaiting_written_confirmation"
    assert [reason["field"] for reason in order["reasons"]] == ["channel"]
    await sales.published()
    path = f"/orders/{order['order_id']}/written-confirmation"

    refused = await sales.http.post(path, headers=token("finance_clerk"))
    assert refused.status_code == 403
    assert refused.json()["detail"]["error"] == "beyond_authority"
    assert (await sales.published()) == []

    confirmed = await sales.http.post(path, headers=token("customer_service"))
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "placed"
    assert [item["event_type"] for item in await sales.published(notices=False)] == ["order.placed"]
    assert (await sales.http.post(path, headers=token("sales_rep"))).status_code == 409
    detail = (
        await sales.http.get(f"/orders/{order['order_id']}", headers=token("sales_rep"))
    ).json()
    assert [(item["kind"], item["user"]) for item in detail["history"]] == [
        ("entered", "mei.zhang"),
        ("written_confirmation", "tomas.horak"),
    ]
    assert all(
        datetime.fromisoformat(item["at"]).utcoffset() == timedelta(0) for item in detail["history"]
    )


async def test_every_request_needs_a_known_token_and_entry_needs_a_sales_role(
    sales: Sales,
) -> None:
    assert (await sales.http.get("/orders")).status_code == 401
    assert (await sales.http.get("/orders/SO-1/confirmation")).status_code == 401
    bad = {"Authorization": "Bearer nobody-at-all-here"}
    assert (await sales.http.post("/orders", json=desk_order("X"), headers=bad)).status_code == 401
    refused = await sales.http.post("/orders", json=desk_order("X"), headers=token("engineering"))
    assert refused.status_code == 403
    assert (await sales.http.get("/orders", headers=token("sales_rep"))).json() == []
    entered = await sales.http.post(
        "/orders", json=desk_order("X"), headers=token("general_manager")
    )
    assert entered.status_code == 201


async def test_unknown_orders_are_not_found(sales: Sales) -> None:
    headers = token("sales_manager")
    assert (await sales.http.get("/orders/SO-0", headers=headers)).status_code == 404
    assert (
        await sales.http.post("/orders/SO-0/hold", json={"reason": "x"}, headers=headers)
    ).status_code == 404


async def test_a_b_tier_order_is_confirmed_signed_late_paid_and_released_once_p3(
    sales: Sales,
) -> None:
    body = desk_order("PO-<b>&4", customer_id="CUST-0011", payment_terms="prepaid")
    order_id = (await sales.http.post("/orders", json=body, headers=token("sales_rep"))).json()[
        "order_id"
    ]
    headers = token("sales_rep")
    early = await sales.http.get(f"/orders/{order_id}/confirmation", headers=headers)
    assert early.status_code == 404

    await sales.consume(handlers.record_review, approval(order_id))

    published = await sales.published(notices=False)
    issued = published[-1]
    assert issued["event_type"] == "confirmation.issued"
    assert issued["payload"]["tier"] == "B"
    assert issued["payload"]["deposit_amount"] == "438.00"
    assert issued["payload"]["sent_on"] == START.date().isoformat()
    assert issued["payload"]["document_path"] == f"/orders/{order_id}/confirmation"
    document = await sales.http.get(f"/orders/{order_id}/confirmation", headers=headers)
    assert document.status_code == 200
    assert document.headers["content-type"].startswith("text/html")
    assert "Orderflow Demo Valves &amp; Pumps Ltd." in document.text
    assert "PO-&lt;b&gt;&amp;4" in document.text and "<b>" not in document.text
    assert "438.00 EUR" in document.text and "1,460.00 EUR" in document.text
    assert "sign and return" in document.text

    late = (START + timedelta(days=2)).date().isoformat()
    sales.clock.advance(timedelta(days=2))  # it comes back two days later
    signed = await sales.http.post(
        f"/orders/{order_id}/signed-confirmation", json={"received_on": late}, headers=headers
    )
    assert signed.status_code == 200
    assert signed.json()["released"] is False
    assert signed.json()["expected_delivery_date"] == "2027-03-17"
    [confirmation_signed] = await sales.published()
    assert confirmation_signed["payload"] == {
        "received_on": late,
        "days_late": 2,
        "expected_delivery_date": "2027-03-17",
        "version": 1,
    }

    await sales.consume(handlers.record_payment, deposit(order_id, "438.00"))

    [released] = await sales.published()
    assert released["event_type"] == "order.released"
    assert released["payload"]["gate"] == "signed_and_deposit"
    assert released["payload"]["delivery_date"] == "2027-03-17"
    assert released["payload"]["lines"] == [
        {"product_code": "VALVE-DN50", "quantity": 20},
        {"product_code": "FLANGE-DN50", "quantity": 40},
    ]
    view = (await sales.http.get(f"/orders/{order_id}", headers=headers)).json()
    assert view["status"] == "released"
    assert view["deposit_required"] is True
    assert view["deposit_received"] is True
    assert view["paid_total"] == "438.00"
    assert view["signed_confirmation_received_on"] == late
    assert view["confirmed_delivery_date"] == "2027-03-15"
    await sales.consume(handlers.record_payment, deposit(order_id, "438.00"))
    assert await sales.published() == []


async def test_a_manual_hold_keeps_an_a_tier_order_from_production_until_lifted(
    sales: Sales,
) -> None:
    order_id = (
        await sales.http.post("/orders", json=desk_order("PO-5"), headers=token("sales_rep"))
    ).json()["order_id"]
    path = f"/orders/{order_id}"
    assert (
        await sales.http.post(f"{path}/hold", json={"reason": "x"}, headers=token("sales_rep"))
    ).status_code == 403
    held = await sales.http.post(
        f"{path}/hold", json={"reason": "credit check"}, headers=token("sales_manager")
    )
    assert held.json()["reasons"] == [{"field": "hold", "message": "credit check"}]
    await sales.published()

    await sales.consume(handlers.record_review, approval(order_id))
    assert [item["event_type"] for item in await sales.published(notices=False)] == [
        "confirmation.issued"
    ]

    lifted = await sales.http.post(f"{path}/release-hold", headers=token("sales_manager"))
    assert lifted.json()["released"] is True
    [released] = await sales.published()
    assert released["payload"]["gate"] == "a_tier_before_signature"


async def test_a_submission_from_the_bus_takes_the_same_path(sales: Sales) -> None:
    body = OrderSubmission.model_validate(desk_order("PO-6", submitter="webshop", channel="web"))
    incoming = Incoming(
        body=body,
        source=Source("order.submitted", 0, 7, b"PO-6"),
        causation_id=uuid4(),
        received_at=sales.clock.now(),
    )
    await sales.unit_of_work.run(
        lambda connection: handlers.take_submission(connection, incoming), "order.submitted:0:7"
    )

    [placed] = await sales.published(notices=False)
    assert placed["event_type"] == "order.placed"
    assert placed["payload"]["channel"] == "web"


def test_the_desk_takes_the_same_body_as_a_submission_on_the_bus() -> None:
    body = desk_order("PO-7")
    command = desk_command(OrderSubmission.model_validate(body))
    assert command.customer_reference == "PO-7"


def test_an_order_entered_without_a_channel_came_in_at_the_desk() -> None:
    body = {key: value for key, value in desk_order("PO-8").items() if key != "channel"}
    assert desk_command(OrderSubmission.model_validate(body)).channel == "desk"
    body["channel"] = "phone"
    assert desk_command(OrderSubmission.model_validate(body)).channel == "phone"
