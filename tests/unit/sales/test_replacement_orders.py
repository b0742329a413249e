"""Replacement orders for returned goods, at sales (P7.5): an inspected return whose remedy is a
replacement becomes one new order of the units QA accepted, at no charge, naming the original
order, the return and who authorised it; it is released on approval with no deposit or
signature, and settled from the start."""

import json
from typing import Any

import pytest
from sqlalchemy import select

from services.sales.adapters.tables import outbox
from shared.contracts import Event, topics
from tests.unit.sales.test_changes import of_type, placed, verdict
from tests.unit.sales.test_history_and_deadlines import Bus, return_step
from tests.unit.sales.test_service import START, Sales, sales

__all__ = ["sales"]  # the fixture

MANAGER = {"user": "jonas.weber", "role": "sales_manager", "at": START.isoformat()}
INSPECTOR = {"user": "pierre.dubois", "role": "qa_inspector", "at": START.isoformat()}


def stepped(order_id: str, step: str, remedy: str = "replacement", **facts: Any) -> Event:
    """The order's first return at `step`, at START: authorised by the sales manager, any other
    step signed by QA."""
    signed = MANAGER if step == "authorised" else INSPECTOR
    return return_step(order_id, 1, step, START, remedy=remedy, signed=signed, **facts)


INSPECTED: dict[str, Any] = {
    "inspected": [{"product_code": "VALVE-DN50", "accepted": 4, "rejected": 1}]
}


async def b_tier_order(sales: Sales, *, authorised: bool = True) -> tuple[Bus, str]:
    """A B-tier order, approved and confirmed, whose first return the sales manager authorised
    (unless not `authorised`); with the bus that fed it to sales."""
    bus = Bus(sales)
    order_id = await placed(sales, bus, "PO-R", customer_id="CUST-0011", payment_terms="prepaid")
    await bus.deliver(verdict(order_id))
    await bus.echo()
    if authorised:
        await bus.deliver(stepped(order_id, "authorised"))
    return bus, order_id


@pytest.mark.rule("P7.5")
@pytest.mark.rule("P1.6")
async def test_an_inspected_return_to_be_replaced_places_one_order_of_the_accepted_units_at_no_charge(  # noqa: E501
    sales: Sales,
) -> None:
    bus, order_id = await b_tier_order(sales)

    inspected = stepped(order_id, "inspected", **INSPECTED)
    await bus.deliver(inspected)
    await bus.deliver(inspected.model_copy(update={"event_id": inspected.event_id}))
    await bus.deliver(stepped(order_id, "inspected", **INSPECTED))  # the step again, new id

    [new] = of_type(await bus.echo(), topics.ORDER_PLACED)
    payload = new["payload"]
    assert new["order_id"] != order_id
    assert (payload["submitter"], payload["customer_reference"]) == ("returns", f"RT-{order_id}-1")
    assert payload["lines"] == [
        {
            "line_no": 1,
            "product_code": "VALVE-DN50",
            "quantity": 4,
            "unit_price": "0.00",
            "amount": "0.00",
        }
    ]
    assert payload["total_amount"] == "0.00"
    assert payload["customer_id"] == "CUST-0011"
    assert payload["replacement_for"] == {
        "order_id": order_id,
        "return_number": f"RT-{order_id}-1",
        "authorised": {**MANAGER, "at": START.isoformat().replace("+00:00", "Z")},
    }

    await bus.deliver(verdict(new["order_id"]))
    published = await bus.echo()
    [issued] = of_type(published, topics.CONFIRMATION_ISSUED)
    [released] = of_type(published, topics.ORDER_RELEASED)
    assert issued["payload"]["deposit_amount"] == "0.00"
    assert released["payload"]["gate"] == "replacement"  # no signature, no deposit


@pytest.mark.rule("P7.5")
async def test_a_credited_return_or_one_qa_rejected_wholly_places_no_order(sales: Sales) -> None:
    bus, order_id = await b_tier_order(sales)

    await bus.deliver(stepped(order_id, "inspected", remedy="credit", **INSPECTED))
    rejected: dict[str, Any] = {
        "inspected": [{"product_code": "VALVE-DN50", "accepted": 0, "rejected": 5}]
    }
    await bus.deliver(stepped(order_id, "inspected", **rejected))

    assert of_type(await bus.echo(), topics.ORDER_PLACED) == []


@pytest.mark.rule("P7.5")
async def test_a_replacement_of_a_return_nobody_authorised_is_dead_lettered_with_the_reason(
    sales: Sales,
) -> None:
    bus, order_id = await b_tier_order(sales, authorised=False)

    await bus.deliver(stepped(order_id, "inspected", **INSPECTED))

    assert of_type(await sales.published(), topics.ORDER_PLACED) == []
    assert await dead_letter_reasons(sales) == [f"return RT-{order_id}-1 was never authorised"]


async def dead_letter_reasons(sales: Sales) -> list[str]:
    async with sales.engine.connect() as connection:
        rows = (
            await connection.execute(
                select(outbox.c.headers).where(outbox.c.topic == topics.DEAD_LETTER)
            )
        ).all()
    return [json.loads(row.headers)["dlq.reason"] for row in rows]


@pytest.mark.rule("P7.5")
async def test_a_replacement_asked_for_an_order_never_confirmed_is_dead_lettered(
    sales: Sales,
) -> None:
    bus = Bus(sales)
    held = await placed(sales, bus, "PO-H", delivery_address=None)  # held: no address
    await bus.deliver(stepped(held, "authorised"))

    await bus.deliver(stepped(held, "inspected", **INSPECTED))

    assert of_type(await sales.published(), topics.ORDER_PLACED) == []
    assert await dead_letter_reasons(sales) == [
        f"order {held} was never confirmed: nothing of it can be replaced"
    ]
