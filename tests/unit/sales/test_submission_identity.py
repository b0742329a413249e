"""A submission is identified by its submitter, its customer and the customer's reference
(P1.6): two customers may use the same reference at the same submitter."""

from uuid import uuid4

import pytest

from services.sales import handlers
from shared.contracts import OrderSubmission
from shared.messaging.routes import Incoming, Source
from tests.unit.sales.test_service import Sales, desk_order, sales, token

__all__ = ["sales"]  # the fixture

pytestmark = pytest.mark.rule("P1.6")


async def test_two_customers_with_the_same_reference_at_one_submitter_are_two_orders(
    sales: Sales,
) -> None:
    first = await sales.http.post(
        "/orders", json=desk_order("PO-SAME", customer_id="CUST-0001"), headers=token("sales_rep")
    )
    second = await sales.http.post(
        "/orders", json=desk_order("PO-SAME", customer_id="CUST-0002"), headers=token("sales_rep")
    )

    assert first.status_code == second.status_code == 201
    assert first.json()["order_id"] != second.json()["order_id"]
    assert first.json()["customer_id"] == "CUST-0001"
    assert second.json()["customer_id"] == "CUST-0002"
    placed = [event for event in await sales.published() if event["event_type"] == "order.placed"]
    assert [event["payload"]["customer_id"] for event in placed] == ["CUST-0001", "CUST-0002"]


async def test_the_same_customers_reference_again_stays_one_order(sales: Sales) -> None:
    rep = token("sales_rep")
    first = await sales.http.post("/orders", json=desk_order("PO-AGAIN"), headers=rep)
    again = await sales.http.post("/orders", json=desk_order("PO-AGAIN"), headers=rep)

    assert first.json()["order_id"] == again.json()["order_id"]


async def test_a_held_order_of_one_customer_is_not_corrected_by_another_customers_submission(
    sales: Sales,
) -> None:
    held = await sales.http.post(
        "/orders",
        json=desk_order("PO-HELD", customer_id="CUST-0001", currency="USD"),
        headers=token("sales_rep"),
    )
    other = await sales.http.post(
        "/orders", json=desk_order("PO-HELD", customer_id="CUST-0002"), headers=token("sales_rep")
    )

    assert held.json()["status"] == "held"
    assert other.json()["order_id"] != held.json()["order_id"]
    still = await sales.http.get(f"/orders/{held.json()['order_id']}", headers=token("sales_rep"))
    assert still.json()["status"] == "held"
    assert still.json()["customer_id"] == "CUST-0001"


@pytest.mark.rule("P8.1")
async def test_an_order_entered_at_the_desk_names_its_entrant_on_order_placed(
    sales: Sales,
) -> None:
    await sales.http.post("/orders", json=desk_order("PO-WHO"), headers=token("sales_rep"))

    [placed] = [e for e in await sales.published() if e["event_type"] == "order.placed"]
    assert placed["payload"]["entered_by"]["role"] == "sales_rep"
    assert placed["payload"]["entered_by"]["user"]


async def submitted_on_the_bus(sales: Sales, body: dict[str, object], offset: int) -> None:
    incoming = Incoming(
        body=OrderSubmission.model_validate(body),
        source=Source("order.submitted", 0, offset, b"PO-BUS"),
        causation_id=uuid4(),
        received_at=sales.clock.now(),
    )
    await sales.unit_of_work.run(
        lambda connection: handlers.take_submission(connection, incoming),
        f"order.submitted:0:{offset}",
    )


@pytest.mark.rule("P1.6", "P7.1")
async def test_a_different_resubmission_on_the_bus_is_answered_with_order_rejected(
    sales: Sales,
) -> None:
    await submitted_on_the_bus(sales, desk_order("PO-BUS", submitter="webshop"), 1)
    placed = await sales.published(notices=False)
    changed = desk_order("PO-BUS", submitter="webshop", currency="USD")

    await submitted_on_the_bus(sales, changed, 2)
    await submitted_on_the_bus(sales, desk_order("PO-BUS", submitter="webshop"), 3)

    assert [event["event_type"] for event in placed] == ["order.placed"]
    [rejected] = await sales.published()
    assert rejected["event_type"] == "order.rejected"
    assert rejected["payload"]["customer_reference"] == "PO-BUS"
    [problem] = rejected["payload"]["problems"]
    assert placed[0]["order_id"] in problem["message"]
    assert "currency cannot be changed by a resubmission (P7.1)" in problem["message"]
