"""P4.10 on the sales side: production reports a delay on `order.delayed`, sales records it and
the order waits for a new date; the sales manager (or the general manager) records the date
agreed with the customer, which becomes the order's date and is published as
`delivery.revised`.

The first half drives the domain alone; the second runs sales on an embedded SQLite database
(migrations, the consuming pipeline, the HTTP API and the outbox), as test_service does.
"""

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import select

from services.sales import handlers
from services.sales.adapters.tables import outbox
from services.sales.adapters.wire import delay_from_event, to_wire
from services.sales.domain.master import Customer
from services.sales.domain.model import (
    Delay,
    DeliveryWasRevised,
    Order,
    OrderStatus,
    OrderWasReleased,
    Outcome,
)
from shared.contracts import DeliveryRevised, OrderDelayed, topics
from shared.decisions import BeyondAuthority, NotAllowedNow
from shared.messaging.pipeline import Delivery, Pipeline
from shared.messaging.routes import Source
from tests.unit.sales.builders import NOW, TODAY, by, command, customer, facts
from tests.unit.sales.test_service import Sales, approval, desk_order, token

CONFIRMED = date(2027, 3, 15)
EXPECTED = date(2027, 3, 29)
AGREED = date(2027, 4, 1)
A = customer("A", "0")
B = customer("B", "30")


def approved(the_customer: Customer = A) -> Order:
    order = Order.register("SO-1", command(), facts(the_customer))
    order.record_review(True, CONFIRMED, "", the_customer, TODAY)
    order.events.clear()
    return order


def reported(
    expected: date = EXPECTED, confirmed: date = CONFIRMED, event_id: str = "e-1"
) -> Delay:
    return Delay(
        production_order_id="SO-1",
        cause="late_purchase",
        confirmed_delivery_date=confirmed,
        expected_delivery_date=expected,
        reason="steel bar from the supplier two weeks late",
        reported_at=NOW,
        event_id=event_id,
    )


# -- the domain ----------------------------------------------------------------------------------


def test_a_reported_delay_is_kept_and_the_order_waits_for_a_new_date() -> None:
    """P4.10: sales records production's delay; the order then awaits a new date."""
    order = approved()

    order.record_delay(reported())

    assert order.delays == [reported()]
    assert order.awaiting_new_delivery_date
    assert order.confirmed_delivery_date == CONFIRMED
    assert order.status is OrderStatus.RELEASED
    assert order.events == []


def test_two_different_delay_reports_are_two_entries() -> None:
    """P4.10: each re-plan that moves the date later is reported again and kept again."""
    order = approved()

    order.record_delay(reported(event_id="e-1"))
    order.record_delay(reported(EXPECTED + timedelta(days=7), event_id="e-2"))

    assert [delay.event_id for delay in order.delays] == ["e-1", "e-2"]
    assert order.awaiting_new_delivery_date


def test_a_delay_overtaken_by_the_agreed_date_does_not_make_the_order_wait() -> None:
    """P4.10: a report measured against the old date that crossed the revision on its way is
    kept, but the date agreed since already covers it."""
    order = approved()
    order.revise_delivery_date(AGREED, "customer agreed", by("sales_manager"))

    order.record_delay(reported(EXPECTED, confirmed=CONFIRMED))

    assert len(order.delays) == 1
    assert not order.awaiting_new_delivery_date


def test_a_delay_on_a_shipped_or_closed_order_is_kept_but_nothing_waits() -> None:
    """P4.10: once the goods are out there is no date left to agree."""
    shipped = approved()
    shipped.record_shipment()
    closed = approved()
    closed.record_delivery("SH-1", TODAY, order_delivered=True)
    closed.record_payment(Decimal("1460.00"), settled=True, on=TODAY)
    assert closed.status is OrderStatus.CLOSED

    for order in (shipped, closed):
        order.record_delay(reported())

        assert len(order.delays) == 1
        assert not order.awaiting_new_delivery_date


def test_an_order_that_closes_no_longer_waits_for_a_new_date() -> None:
    """P4.10: closing an order ends any wait for a new date."""
    order = approved()
    order.record_delay(reported())

    order.record_delivery("SH-1", TODAY, order_delivered=True)
    order.record_payment(Decimal("1460.00"), settled=True, on=TODAY)

    assert order.outcome is Outcome.FULFILLED
    assert not order.awaiting_new_delivery_date


def test_the_sales_manager_records_the_agreed_date_and_it_becomes_the_orders_date() -> None:
    """P4.10: the agreed date replaces the confirmed and the expected date, the order stops
    waiting, the agreement is recorded with who, in which role and when, and it is announced
    with the date it replaces."""
    order = approved()
    order.record_delay(reported())
    manager = by("sales_manager", "jonas")

    order.revise_delivery_date(AGREED, "customer agreed by phone", manager)

    assert order.confirmed_delivery_date == AGREED
    assert order.expected_delivery_date == AGREED
    assert order.confirmation().confirmed_delivery_date == AGREED
    assert not order.awaiting_new_delivery_date
    assert order.events == [
        DeliveryWasRevised("SO-1", AGREED, CONFIRMED, "customer agreed by phone", manager)
    ]
    [decision] = order.decisions
    assert (decision.kind, decision.user, decision.role, decision.at) == (
        "delivery_date",
        "jonas",
        "sales_manager",
        NOW,
    )
    assert "customer agreed by phone" in decision.detail
    assert str(CONFIRMED) in decision.detail and str(AGREED) in decision.detail


def test_the_general_manager_may_record_the_agreed_date_too() -> None:
    """P4.10, P8.1: the general manager stands above the sales manager."""
    order = approved()

    order.revise_delivery_date(AGREED, "agreed", by("general_manager"))

    assert order.confirmed_delivery_date == AGREED


@pytest.mark.parametrize(
    "role", ["sales_rep", "customer_service", "production_manager", "finance_clerk"]
)
def test_no_other_role_may_record_an_agreed_date_and_nothing_changes(role: str) -> None:
    """P4.10, P8.1: only the sales manager or the general manager agrees a new date."""
    order = approved()
    order.record_delay(reported())
    order.delays.clear()

    with pytest.raises(BeyondAuthority):
        order.revise_delivery_date(AGREED, "agreed", by(role))

    assert order.confirmed_delivery_date == CONFIRMED
    assert order.awaiting_new_delivery_date
    assert order.events == [] and order.decisions == []


def test_an_order_without_a_confirmed_date_takes_no_new_date() -> None:
    """P4.10: there is no date to revise before review confirmed one."""
    order = Order.register("SO-1", command(), facts())

    with pytest.raises(NotAllowedNow, match="no confirmed delivery date"):
        order.revise_delivery_date(AGREED, "agreed", by("sales_manager"))

    assert order.confirmed_delivery_date is None


def test_a_shipped_or_closed_order_takes_no_new_date() -> None:
    """P4.10: once the goods are out, or the order closed, its date is history."""
    shipped = approved()
    shipped.record_shipment()
    closed = approved()
    closed.record_delivery("SH-1", TODAY, order_delivered=True)
    closed.record_payment(Decimal("1460.00"), settled=True, on=TODAY)

    for order, why in ((shipped, "shipped"), (closed, "closed")):
        with pytest.raises(NotAllowedNow, match=why):
            order.revise_delivery_date(AGREED, "agreed", by("sales_manager"))

        assert order.confirmed_delivery_date == CONFIRMED


@pytest.mark.parametrize(
    "new_date", [CONFIRMED, TODAY, TODAY - timedelta(days=1)], ids=["same", "today", "past"]
)
def test_an_agreed_date_must_be_after_today_and_differ_from_the_confirmed_one(
    new_date: date,
) -> None:
    """P4.10: a new date that is today, past or the same as now changes nothing."""
    order = approved()

    with pytest.raises(NotAllowedNow):
        order.revise_delivery_date(new_date, "agreed", by("sales_manager"))

    assert order.confirmed_delivery_date == CONFIRMED
    assert order.events == [] and order.decisions == []


def test_an_agreed_date_may_also_be_earlier_than_the_confirmed_one() -> None:
    """P4.10: what matters is that the customer agreed it, not which way it moves."""
    order = approved()

    order.revise_delivery_date(CONFIRMED - timedelta(days=5), "earlier", by("sales_manager"))

    assert order.confirmed_delivery_date == CONFIRMED - timedelta(days=5)


def test_a_b_tier_order_given_a_new_date_before_release_is_released_for_that_date() -> None:
    """P4.10, P3.3: sales uses the agreed date from then on, also for the release."""
    order = approved(B)
    order.revise_delivery_date(AGREED, "agreed", by("sales_manager"))

    order.record_signed_confirmation(TODAY, by("sales_rep"))
    order.record_payment(Decimal("438.00"), settled=False, on=TODAY)

    released = [event for event in order.events if isinstance(event, OrderWasReleased)]
    assert released == [OrderWasReleased("SO-1", "signed_and_deposit", AGREED)]


# -- the wire ------------------------------------------------------------------------------------


def delayed(order_id: str, expected: date = EXPECTED, **changes: Any) -> OrderDelayed:
    payload: dict[str, Any] = {
        "production_order_id": order_id,
        "cause": "late_purchase",
        "confirmed_delivery_date": CONFIRMED.isoformat(),
        "expected_delivery_date": expected.isoformat(),
        "reason": "steel bar from the supplier two weeks late",
    }
    payload.update(changes)
    return OrderDelayed.model_validate(
        {
            "event_id": str(uuid4()),
            "order_id": order_id,
            "occurred_at": "2026-11-21T10:30:00+01:00",
            "producer": "production",
            "causation_id": None,
            "payload": payload,
        }
    )


def test_a_delay_event_is_kept_with_its_event_id_and_the_moment_production_reported_it() -> None:
    """P4.10: what the order keeps of an order.delayed event."""
    event = delayed("SO-2026-000001", cause="capacity")

    delay = delay_from_event(event)

    assert delay.event_id == str(event.event_id)
    assert delay.cause == "capacity"
    assert delay.reported_at == datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    assert (delay.confirmed_delivery_date, delay.expected_delivery_date) == (CONFIRMED, EXPECTED)


def test_a_revised_date_goes_on_the_wire_as_delivery_revised_signed_by_who_agreed() -> None:
    """P4.10: delivery.revised carries the new and the previous date, the reason and the
    signature of who recorded the agreement; its key is the order id."""
    order = approved()
    manager = by("sales_manager", "jonas.weber")
    order.revise_delivery_date(AGREED, "customer agreed", manager)
    cause = uuid4()

    [event] = [to_wire(item, order, cause, NOW) for item in order.events]

    assert isinstance(event, DeliveryRevised)
    assert event.kafka_key() == "SO-1"
    assert event.causation_id == cause
    assert event.model_dump(mode="json")["payload"] == {
        "delivery_date": AGREED.isoformat(),
        "previous_delivery_date": CONFIRMED.isoformat(),
        "reason": "customer agreed",
        "agreed": {"user": "jonas.weber", "role": "sales_manager", "at": "2026-11-21T09:00:00Z"},
    }


# -- the service: pipeline, HTTP API, outbox --------------------------------------------------


@pytest.fixture
async def sales(tmp_path: Path) -> AsyncIterator[Sales]:
    service = Sales(tmp_path)
    await service.start()
    await service.published()
    yield service
    await service.close()


async def released_order(sales: Sales, reference: str = "PO-D1") -> str:
    entered = await sales.http.post(
        "/orders", json=desk_order(reference), headers=token("sales_rep")
    )
    order_id: str = entered.json()["order_id"]
    await sales.consume(handlers.record_review, approval(order_id))
    assert [item["event_type"] for item in await sales.published(notices=False)][
        -1
    ] == "order.released"
    return order_id


def records(*events: OrderDelayed) -> list[Delivery]:
    return [
        Delivery(Source(topics.ORDER_DELAYED, 0, offset, None), event.model_dump_json().encode())
        for offset, event in enumerate(events)
    ]


async def dead_letters(sales: Sales) -> list[str]:
    """The reasons of every record sales dead-lettered."""
    async with sales.engine.connect() as connection:
        rows = await connection.execute(
            select(outbox.c.headers).where(outbox.c.topic == topics.DEAD_LETTER)
        )
        return [json.loads(row.headers)["dlq.reason"] for row in rows]


async def test_a_delay_on_the_bus_is_recorded_once_and_shown_on_the_order(sales: Sales) -> None:
    """P4.10: order.delayed is consumed through sales' route; the same event delivered again,
    in the same batch or later, is one entry; another delay event is a second one."""
    order_id = await released_order(sales)
    pipeline = Pipeline(sales.unit_of_work, sales.parts.routes, service="sales")
    first = delayed(order_id)
    second = delayed(order_id, EXPECTED + timedelta(days=7), cause="failed_inspection")

    await pipeline.consume_batch(records(first, first))
    await pipeline.consume_batch(records(first, second))

    notices = await sales.published()  # the customer hears of each delay once (P1.5)
    assert [(event["event_type"], event["payload"]["kind"]) for event in notices] == [
        ("customer.notified", "delay"),
        ("customer.notified", "delay"),
    ]
    detail = (await sales.http.get(f"/orders/{order_id}", headers=token("qa"))).json()
    assert detail["awaiting_new_delivery_date"] is True
    assert detail["confirmed_delivery_date"] == CONFIRMED.isoformat()
    assert [(item["event_id"], item["cause"]) for item in detail["delays"]] == [
        (str(first.event_id), "late_purchase"),
        (str(second.event_id), "failed_inspection"),
    ]
    assert detail["delays"][0] == {
        "production_order_id": order_id,
        "cause": "late_purchase",
        "confirmed_delivery_date": CONFIRMED.isoformat(),
        "expected_delivery_date": EXPECTED.isoformat(),
        "reason": "steel bar from the supplier two weeks late",
        "reported_at": "2026-11-21T09:30:00Z",
        "event_id": str(first.event_id),
    }
    listed = (await sales.http.get("/orders", headers=token("qa"))).json()
    assert [order["awaiting_new_delivery_date"] for order in listed] == [True]


async def test_a_delay_for_an_order_sales_does_not_know_is_dead_lettered(sales: Sales) -> None:
    """P4.10: like every other department's event about an unknown order."""
    pipeline = Pipeline(sales.unit_of_work, sales.parts.routes, service="sales")

    await pipeline.consume_batch(records(delayed("SO-1999-900001")))

    [reason] = await dead_letters(sales)
    assert "unknown order" in reason and "SO-1999-900001" in reason


async def test_the_sales_manager_records_the_agreed_date_and_delivery_revised_is_published(
    sales: Sales,
) -> None:
    """P4.10: POST /orders/{id}/delivery-date changes the order's date, records who agreed it
    and stages delivery.revised keyed by the order id."""
    order_id = await released_order(sales)
    await sales.consume(handlers.record_delay, delayed(order_id))
    path = f"/orders/{order_id}/delivery-date"
    body = {"delivery_date": AGREED.isoformat(), "reason": "customer agreed by phone"}

    response = await sales.http.post(path, json=body, headers=token("sales_manager"))

    assert response.status_code == 200, response.text
    view = response.json()
    assert view["confirmed_delivery_date"] == AGREED.isoformat()
    assert view["expected_delivery_date"] == AGREED.isoformat()
    assert view["awaiting_new_delivery_date"] is False
    revised, notice = await sales.published()  # the customer is told in the same transaction
    assert notice["event_type"] == "customer.notified"
    assert notice["causation_id"] == revised["event_id"]
    assert revised["event_type"] == "delivery.revised"
    assert revised["order_id"] == order_id
    assert revised["producer"] == "sales"
    assert revised["payload"] == {
        "delivery_date": AGREED.isoformat(),
        "previous_delivery_date": CONFIRMED.isoformat(),
        "reason": "customer agreed by phone",
        "agreed": {
            "user": "jonas.weber",
            "role": "sales_manager",
            "at": sales.clock.now().isoformat().replace("+00:00", "Z"),
        },
    }
    DeliveryRevised.model_validate(revised)
    async with sales.engine.connect() as connection:
        key = await connection.scalar(
            select(outbox.c.message_key).where(outbox.c.topic == topics.DELIVERY_REVISED)
        )
    assert key == order_id.encode()
    detail = (await sales.http.get(f"/orders/{order_id}", headers=token("qa"))).json()
    assert [(item["kind"], item["user"], item["role"]) for item in detail["history"]][-1] == (
        "delivery_date",
        "jonas.weber",
        "sales_manager",
    )
    assert len(detail["delays"]) == 1


async def test_a_refused_new_date_changes_nothing_and_publishes_nothing(sales: Sales) -> None:
    """P4.10, P8.1: 403 for a role that may not, 404 for an unknown order, 409 for a date that
    is not after today or unchanged and for an order without a confirmed date; a body without
    a reason is refused before anything is decided."""
    order_id = await released_order(sales)
    path = f"/orders/{order_id}/delivery-date"
    good = {"delivery_date": AGREED.isoformat(), "reason": "agreed"}
    today = sales.clock.now().date()

    refusals = [
        (path, good, "sales_rep", 403),
        (path, good, "customer_service", 403),
        ("/orders/SO-0/delivery-date", good, "sales_manager", 404),
        (path, {**good, "delivery_date": today.isoformat()}, "sales_manager", 409),
        (path, {**good, "delivery_date": CONFIRMED.isoformat()}, "general_manager", 409),
        (path, {**good, "reason": ""}, "sales_manager", 422),
        (path, {"delivery_date": AGREED.isoformat()}, "sales_manager", 422),
    ]
    for where, body, role, status in refusals:
        response = await sales.http.post(where, json=body, headers=token(role))
        assert response.status_code == status, (body, role, response.text)

    assert await sales.published() == []
    view = (await sales.http.get(f"/orders/{order_id}", headers=token("qa"))).json()
    assert view["confirmed_delivery_date"] == CONFIRMED.isoformat()
    assert [item["kind"] for item in view["history"]] == ["entered"]

    placed = (
        await sales.http.post("/orders", json=desk_order("PO-D2"), headers=token("sales_rep"))
    ).json()["order_id"]
    await sales.published()
    response = await sales.http.post(
        f"/orders/{placed}/delivery-date", json=good, headers=token("sales_manager")
    )
    assert response.status_code == 409
    assert response.json()["detail"]["error"] == "not_allowed_now"
    assert await sales.published() == []
