"""More units or a new date after confirmation, at sales (P7.3): the change waits for the
departments' answers and a new review round; approved, it is applied with an amended
confirmation (new total, date, deposit on the new total) and, for a B-tier customer, the extra
quantity is released only once the customer has signed it and the new deposit is in; declined,
the change is refused and the order goes on as confirmed."""

from datetime import timedelta
from typing import Any

import pytest

from shared.contracts import topics
from tests.unit.sales.test_changes import answer, change, of_type, order, placed, verdict
from tests.unit.sales.test_history_and_deadlines import Bus, flagged_steps, on_bus
from tests.unit.sales.test_service import START, Sales, sales, token

__all__ = ["sales"]  # the fixture

REP = token("sales_rep")
TO_30 = {"lines": [{"line_no": 1, "quantity": 30}], "reason": "the customer needs 10 more"}
"""Line 1: 20 valves at 48.50 become 30: the total rises from 1,460.00 to 1,945.00."""


def paid(order_id: str, total: str) -> Any:
    return on_bus(
        topics.PAYMENT_RECEIVED,
        order_id,
        {
            "payment_id": f"PAY-{total}",
            "kind": "deposit",
            "bank_transaction_id": f"B-{total}",
            "amount": total,
            "currency": "EUR",
            "paid_total": total,
            "balance_due": "1.00",
            "settled": False,
        },
        START,
        "finance",
        None,
    )


async def released_b_tier(sales: Sales) -> tuple[Bus, str]:
    """A B-tier order (30 % deposit), confirmed, signed and paid: released with version 1; the
    bus it went through."""
    bus = Bus(sales)
    order_id = await placed(sales, bus, "PO-B", customer_id="CUST-0011", payment_terms="prepaid")
    await bus.deliver(verdict(order_id))
    await bus.echo()
    signed = await sales.http.post(
        f"/orders/{order_id}/signed-confirmation",
        json={"received_on": START.date().isoformat()},
        headers=REP,
    )
    assert signed.status_code == 200, signed.text
    await bus.deliver(paid(order_id, "438.00"))
    [released] = of_type(await bus.echo(), topics.ORDER_RELEASED)
    assert released["payload"]["version"] == 1
    return bus, order_id


async def increased(sales: Sales) -> tuple[Bus, str]:
    """The released B-tier order with line 1 changed to 30 units, the change's messages out."""
    bus, order_id = await released_b_tier(sales)
    await change(sales, order_id, TO_30)
    await bus.echo()
    return bus, order_id


async def answered(bus: Bus, order_id: str) -> list[dict[str, Any]]:
    await bus.deliver(answer(order_id, "production", started=False))
    await bus.deliver(answer(order_id, "logistics"))
    return await bus.echo()


@pytest.mark.rule("P7.3")
async def test_an_increase_after_release_waits_for_a_new_review_and_the_signed_amended_confirmation(
    sales: Sales,
) -> None:
    bus, order_id = await released_b_tier(sales)

    recorded = await change(sales, order_id, TO_30)

    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["status"] == "in_review"
    [requested] = of_type(await bus.echo(), topics.CHANGE_REQUESTED)
    assert (requested["payload"]["kinds"], requested["payload"]["needs_review"]) == (
        ["increase"],
        True,
    )
    assert of_type(await answered(bus, order_id), topics.CHANGE_DECIDED) == []

    await bus.deliver(verdict(order_id, version=2))

    published = await bus.echo()
    [decided] = of_type(published, topics.CHANGE_DECIDED)
    [amended] = of_type(published, topics.CONFIRMATION_ISSUED)
    assert (decided["payload"]["outcome"], decided["payload"]["total_amount"]) == (
        "applied",
        "1945.00",
    )
    assert amended["payload"]["version"] == 2
    assert amended["payload"]["total_amount"] == "1945.00"
    assert amended["payload"]["deposit_amount"] == "583.50"  # 30 % of the new total
    assert of_type(published, topics.ORDER_RELEASED) == []
    stale = await sales.http.post(
        f"/orders/{order_id}/signed-confirmation",
        json={"received_on": START.date().isoformat(), "version": 1},
        headers=REP,
    )
    assert stale.status_code == 409, stale.text

    signed = await sales.http.post(
        f"/orders/{order_id}/signed-confirmation",
        json={"received_on": START.date().isoformat(), "version": 2},
        headers=REP,
    )

    assert signed.status_code == 200, signed.text
    after_signature = await bus.echo()
    assert [
        e["payload"]["version"] for e in of_type(after_signature, topics.CONFIRMATION_SIGNED)
    ] == [2]
    assert of_type(after_signature, topics.ORDER_RELEASED) == []  # 438.00 of 583.50 is in
    await bus.deliver(paid(order_id, "583.50"))
    [released] = of_type(await bus.echo(), topics.ORDER_RELEASED)
    assert released["payload"]["version"] == 2
    assert released["payload"]["lines"][0]["quantity"] == 30
    view = await order(sales, order_id)
    assert (view["version"], view["confirmation_version"], view["release_version"]) == (2, 2, 2)


@pytest.mark.rule("P7.3")
async def test_an_increase_the_new_round_declines_is_refused_and_the_order_goes_on_as_confirmed(
    sales: Sales,
) -> None:
    bus, order_id = await increased(sales)

    await bus.deliver(verdict(order_id, version=2, outcome="declined"))

    [decided] = of_type(await bus.echo(), topics.CHANGE_DECIDED)
    assert (decided["payload"]["outcome"], decided["payload"]["refused_by"]) == (
        "refused",
        "review",
    )
    assert decided["payload"]["reason"] == "no capacity"
    view = await order(sales, order_id)
    assert (view["status"], view["version"], view["lines"][0]["quantity"]) == ("released", 1, 20)
    late = await answered(bus, order_id)
    assert of_type(late, topics.CHANGE_DECIDED) == []  # the answers after it change nothing


@pytest.mark.rule("P7.3")
async def test_an_approved_increase_is_applied_only_once_production_and_logistics_have_answered(
    sales: Sales,
) -> None:
    bus, order_id = await increased(sales)
    await bus.deliver(verdict(order_id, version=2))
    assert of_type(await bus.echo(), topics.CHANGE_DECIDED) == []

    await bus.deliver(answer(order_id, "production", started=True))
    assert of_type(await bus.echo(), topics.CHANGE_DECIDED) == []
    await bus.deliver(answer(order_id, "logistics"))

    [decided] = of_type(await bus.echo(), topics.CHANGE_DECIDED)
    assert decided["payload"]["outcome"] == "applied"


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P8.2")
async def test_the_amended_confirmation_is_watched_anew_until_its_own_signature_comes_back(
    sales: Sales,
) -> None:
    bus, order_id = await increased(sales)
    await answered(bus, order_id)
    await bus.deliver(verdict(order_id, version=2))
    await bus.echo()
    late_first_signature = on_bus(
        topics.CONFIRMATION_SIGNED,
        order_id,
        {
            "received_on": START.date().isoformat(),
            "days_late": 0,
            "expected_delivery_date": "2027-03-15",
            "version": 1,
        },
        START + timedelta(hours=1),
        "sales",
        None,
    )
    await bus.deliver(late_first_signature)

    flagged = await flagged_steps(sales, START + timedelta(days=30))

    assert ("signed_confirmation", "overdue", "sales_rep") in flagged


@pytest.mark.rule("P7.3")
async def test_a_changed_requirement_after_confirmation_is_reviewed_again_and_becomes_the_orders(
    sales: Sales,
) -> None:
    bus, order_id = await released_b_tier(sales)
    seals = "seals of EPDM instead of NBR, for drinking water"

    recorded = await change(sales, order_id, {"requirements": seals, "reason": "new use"})

    assert recorded.status_code == 201, recorded.text
    assert (recorded.json()["status"], recorded.json()["kinds"]) == ("in_review", ["requirement"])
    [requested] = of_type(await bus.echo(), topics.CHANGE_REQUESTED)
    assert (requested["payload"]["requirements"], requested["payload"]["needs_review"]) == (
        seals,
        True,
    )
    await answered(bus, order_id)
    await bus.deliver(verdict(order_id, version=2))
    [decided] = of_type(await bus.echo(), topics.CHANGE_DECIDED)
    assert (decided["payload"]["outcome"], decided["payload"]["requirements"]) == (
        "applied",
        seals,
    )
    same = await change(sales, order_id, {"requirements": seals, "reason": "again"})
    assert same.status_code == 422, same.text  # nothing differs any more
