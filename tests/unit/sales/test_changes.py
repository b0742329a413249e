"""A customer's change or cancellation of a placed order, at sales (P7.1, P7.2, P7.4): recorded
and sent to every department at once, applied at once before confirmation, decided after it
on production's and logistics' answers, with a charge for what was spent; withdrawn; refused."""

import json
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import select

from services.sales.adapters.tables import outbox
from shared.contracts import topics
from tests.unit.sales.test_history_and_deadlines import Bus, on_bus
from tests.unit.sales.test_service import START, Sales, desk_order, sales, token

__all__ = ["sales"]  # the fixture

REP = token("sales_rep")
MANAGER = token("sales_manager")


def of_type(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [event for event in events if event["event_type"] == kind]


async def placed(sales: Sales, bus: Bus, reference: str = "PO-C", **changes: Any) -> str:
    entered = await sales.http.post("/orders", json=desk_order(reference, **changes), headers=REP)
    assert entered.status_code == 201, entered.text
    await bus.echo()
    order_id: str = entered.json()["order_id"]
    return order_id


def verdict(order_id: str, version: int = 1, outcome: str = "approved") -> Any:
    return on_bus(
        topics.REVIEW_COMPLETED,
        order_id,
        {
            "outcome": outcome,
            "confirmed_delivery_date": "2027-03-15" if outcome == "approved" else None,
            "reason": "" if outcome == "approved" else "no capacity",
            "version": version,
        },
        START,
        "review",
        None,
    )


async def confirmed(sales: Sales, bus: Bus, reference: str = "PO-C") -> str:
    """An A-tier order, approved: confirmed and released at once (P3.2)."""
    order_id = await placed(sales, bus, reference)
    await bus.deliver(verdict(order_id))
    await bus.echo()
    return order_id


def answer(order_id: str, department: str, change_no: int = 2, **facts: Any) -> Any:
    payload = {"change_no": change_no, "department": department, "outcome": "accepted", **facts}
    return on_bus(topics.CHANGE_ACKNOWLEDGED, order_id, payload, START, department, uuid4())


async def change(sales: Sales, order_id: str, body: dict[str, Any], headers: Any = REP) -> Any:
    return await sales.http.post(f"/orders/{order_id}/changes", json=body, headers=headers)


DOWN_TO_15 = {"lines": [{"line_no": 1, "quantity": 15}], "reason": "the customer needs 15"}


async def order(sales: Sales, order_id: str) -> dict[str, Any]:
    found = await sales.http.get(f"/orders/{order_id}", headers=REP)
    body: dict[str, Any] = found.json()
    return body


@pytest.mark.rule("P7.4")
@pytest.mark.rule("P7.1")
async def test_a_change_before_confirmation_is_applied_at_once_and_a_verdict_on_the_old_content_is_ignored(  # noqa: E501
    sales: Sales,
) -> None:
    bus = Bus(sales)
    order_id = await placed(sales, bus)

    recorded = await change(sales, order_id, DOWN_TO_15)

    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["change_number"] == f"CR-{order_id}-2"
    assert recorded.json()["status"] == "applied"
    published = await bus.echo()
    [requested] = of_type(published, topics.CHANGE_REQUESTED)
    [decided] = of_type(published, topics.CHANGE_DECIDED)
    assert requested["payload"]["stage"] == "before_confirmation"
    assert requested["payload"]["kinds"] == ["decrease"]
    assert decided["payload"]["outcome"] == "applied"
    assert decided["payload"]["decided"]["role"] == "sales_rep"
    assert decided["payload"]["total_amount"] == "1217.50"
    assert (await order(sales, order_id))["lines"][0]["quantity"] == 15

    await bus.deliver(verdict(order_id, version=1))
    assert of_type(await sales.published(), topics.CONFIRMATION_ISSUED) == []
    assert (await order(sales, order_id))["status"] == "placed"

    await bus.deliver(verdict(order_id, version=2))
    [issued] = of_type(await sales.published(), topics.CONFIRMATION_ISSUED)
    assert issued["payload"]["total_amount"] == "1217.50"


@pytest.mark.rule("P7.4")
async def test_a_cancellation_before_confirmation_closes_the_order_as_cancelled(
    sales: Sales,
) -> None:
    bus = Bus(sales)
    order_id = await placed(sales, bus)

    recorded = await change(sales, order_id, {"cancel": True, "reason": "no longer needed"})

    assert recorded.status_code == 201, recorded.text
    published = await sales.published()
    [decided] = of_type(published, topics.CHANGE_DECIDED)
    [closed] = of_type(published, topics.ORDER_CLOSED)
    assert decided["payload"]["kinds"] == ["cancel"]
    assert closed["payload"]["outcome"] == "cancelled"
    assert (await order(sales, order_id))["status"] == "closed"


@pytest.mark.rule("P7.2")
async def test_a_decrease_after_release_is_applied_by_rule_once_production_and_logistics_answer(
    sales: Sales,
) -> None:
    bus = Bus(sales)
    order_id = await confirmed(sales, bus)

    recorded = await change(sales, order_id, DOWN_TO_15)

    assert recorded.json()["status"] == "acknowledging"
    [requested] = of_type(await bus.echo(), topics.CHANGE_REQUESTED)
    assert requested["payload"]["stage"] == "after_confirmation"
    assert requested["payload"]["needs_review"] is False
    await bus.deliver(answer(order_id, "review", review="not_needed"))
    await bus.deliver(answer(order_id, "production", started=False))
    assert of_type(await sales.published(), topics.CHANGE_DECIDED) == []

    await bus.deliver(answer(order_id, "logistics"))

    [decided] = of_type(await sales.published(), topics.CHANGE_DECIDED)
    assert decided["payload"]["outcome"] == "applied"
    assert decided["payload"]["decided"] is None
    assert decided["payload"]["charge"] is None
    assert [line["quantity"] for line in decided["payload"]["lines"]] == [15, 40]
    shown = await order(sales, order_id)
    assert shown["lines"][0]["quantity"] == 15


@pytest.mark.rule("P7.2")
async def test_something_spent_waits_for_the_sales_managers_charge_which_the_rep_may_not_set(
    sales: Sales,
) -> None:
    bus = Bus(sales)
    order_id = await confirmed(sales, bus)
    await change(sales, order_id, {"cancel": True, "reason": "project stopped"})
    await bus.echo()
    bought = {
        "purchase_order": "PO-2026-0001",
        "material_code": "STEEL",
        "ordered": "40",
        "delivered": "0",
    }
    await bus.deliver(answer(order_id, "production", started=False, materials_on_order=[bought]))
    await bus.deliver(answer(order_id, "logistics"))
    shown = await sales.http.get(f"/orders/{order_id}/changes/2", headers=REP)
    assert shown.json()["status"] == "awaiting_charge"
    assert of_type(await sales.published(), topics.CHANGE_DECIDED) == []
    charge = f"/orders/{order_id}/changes/2/charge"

    by_rep = await sales.http.post(
        charge, json={"amount": "100.00", "reason": "steel"}, headers=REP
    )
    too_much = await sales.http.post(
        charge, json={"amount": "9999.00", "reason": "steel"}, headers=MANAGER
    )
    assert (by_rep.status_code, too_much.status_code) == (403, 422)
    assert of_type(await sales.published(), topics.CHANGE_DECIDED) == []

    decided_now = await sales.http.post(
        charge, json={"amount": "100.00", "reason": "steel bought"}, headers=MANAGER
    )

    assert decided_now.status_code == 200, decided_now.text
    published = await sales.published()
    [decided] = of_type(published, topics.CHANGE_DECIDED)
    assert decided["payload"]["charge"] == "100.00"
    assert decided["payload"]["decided"]["role"] == "sales_manager"
    [closed] = of_type(published, topics.ORDER_CLOSED)
    assert closed["payload"]["outcome"] == "cancelled"


@pytest.mark.rule("P7.2")
@pytest.mark.rule("P7.5")
async def test_a_department_refusal_refuses_the_change_and_the_order_stays_as_it_was(
    sales: Sales,
) -> None:
    bus = Bus(sales)
    order_id = await confirmed(sales, bus)
    await change(sales, order_id, DOWN_TO_15)
    await bus.echo()

    await bus.deliver(
        on_bus(
            topics.CHANGE_ACKNOWLEDGED,
            order_id,
            {
                "change_no": 2,
                "department": "logistics",
                "outcome": "refused",
                "reason": "SH-1 was handed to the carrier: raise a return",
            },
            START,
            "logistics",
            None,
        )
    )

    [decided] = of_type(await sales.published(), topics.CHANGE_DECIDED)
    assert decided["payload"]["outcome"] == "refused"
    assert decided["payload"]["refused_by"] == "logistics"
    assert "raise a return" in decided["payload"]["reason"]
    assert (await order(sales, order_id))["lines"][0]["quantity"] == 20
    again = await change(sales, order_id, DOWN_TO_15)
    assert again.status_code == 201, "a refused change leaves no change open"


@pytest.mark.rule("P7.2")
async def test_a_b_tier_release_waits_while_a_decrease_is_open_and_takes_the_new_quantity(
    sales: Sales,
) -> None:
    bus = Bus(sales)
    order_id = await placed(sales, bus, customer_id="CUST-0011", payment_terms="prepaid")
    await bus.deliver(verdict(order_id))
    await bus.echo()
    await change(sales, order_id, DOWN_TO_15)
    await bus.echo()
    signed = await sales.http.post(
        f"/orders/{order_id}/signed-confirmation", json={"received_on": "2026-11-21"}, headers=REP
    )
    assert signed.status_code == 200, signed.text
    await bus.deliver(
        on_bus(
            topics.PAYMENT_RECEIVED,
            order_id,
            {
                "payment_id": "PAY-1",
                "kind": "deposit",
                "bank_transaction_id": "B-1",
                "amount": "1460.00",
                "currency": "EUR",
                "paid_total": "1460.00",
                "balance_due": "0.00",
                "settled": False,
            },
            START,
            "finance",
            None,
        )
    )
    assert of_type(await bus.echo(), topics.ORDER_RELEASED) == []

    await bus.deliver(answer(order_id, "production", started=False), answer(order_id, "logistics"))

    [released] = of_type(await sales.published(), topics.ORDER_RELEASED)
    assert released["payload"]["lines"][0]["quantity"] == 15


@pytest.mark.rule("P7.1")
async def test_a_withdrawn_change_is_published_and_a_second_open_change_is_refused(
    sales: Sales,
) -> None:
    bus = Bus(sales)
    order_id = await confirmed(sales, bus)
    await change(sales, order_id, DOWN_TO_15)
    second = await change(sales, order_id, {"cancel": True, "reason": "more"})
    assert second.status_code == 409

    withdrawn = await sales.http.post(
        f"/orders/{order_id}/changes/2/withdrawal", json={"reason": "customer phoned"}, headers=REP
    )

    assert withdrawn.json()["status"] == "withdrawn"
    [decided] = of_type(await sales.published(), topics.CHANGE_DECIDED)
    assert decided["payload"]["outcome"] == "withdrawn"
    twice = await sales.http.post(
        f"/orders/{order_id}/changes/2/withdrawal", json={"reason": "again"}, headers=REP
    )
    assert twice.status_code == 409


@pytest.mark.rule("P7.1")
async def test_changes_that_cannot_be_taken_are_refused_and_change_nothing(sales: Sales) -> None:
    bus = Bus(sales)
    order_id = await confirmed(sales, bus)
    answers = [
        await change(sales, order_id, {"reason": "nothing"}),
        await change(sales, order_id, {"lines": [{"line_no": 9, "quantity": 1}], "reason": "x"}),
        await change(sales, order_id, DOWN_TO_15, headers=token("qa")),
        await change(sales, order_id, {**DOWN_TO_15, "typo": True}),
        await change(sales, order_id, {**DOWN_TO_15, "cancel": True}),
        await change(sales, "SO-2099-000001", DOWN_TO_15),
    ]

    assert [reply.status_code for reply in answers] == [422, 422, 403, 422, 422, 404]
    assert of_type(await sales.published(), topics.CHANGE_REQUESTED) == []


@pytest.mark.rule("P1.6")
@pytest.mark.rule("P7.1")
async def test_a_differing_resubmission_of_a_placed_order_becomes_a_change(sales: Sales) -> None:
    bus = Bus(sales)
    order_id = await placed(sales, bus, "PO-RE")
    fewer = desk_order("PO-RE")
    fewer["lines"][0]["quantity"] = 15
    fewer["total_amount"] = "1217.50"

    await sales.http.post("/orders", json=fewer, headers=REP)

    published = await sales.published()
    [requested] = of_type(published, topics.CHANGE_REQUESTED)
    assert requested["payload"]["via"] == "resubmission"
    assert requested["payload"]["kinds"] == ["decrease"]
    assert (await order(sales, order_id))["lines"][0]["quantity"] == 15


@pytest.mark.rule("P7.1")
async def test_an_answer_by_another_department_than_its_producer_or_to_no_change_is_dead_lettered(
    sales: Sales,
) -> None:
    bus = Bus(sales)
    order_id = await confirmed(sales, bus)
    await change(sales, order_id, DOWN_TO_15)
    await bus.echo()
    forged = answer(order_id, "production")
    forged = forged.model_copy(update={"producer": "logistics"})

    await bus.deliver(forged, answer(order_id, "logistics", change_no=7))

    async with sales.engine.connect() as connection:
        reasons = [
            json.loads(row.headers)["dlq.reason"]
            for row in await connection.execute(
                select(outbox.c.headers).where(outbox.c.topic == topics.DEAD_LETTER)
            )
        ]
    assert len(reasons) == 2
    assert "produced by 'logistics'" in reasons[0]
    assert "has no change 7" in reasons[1]
    shown = await sales.http.get(f"/orders/{order_id}/changes/2", headers=REP)
    assert shown.json()["answers"] == []
