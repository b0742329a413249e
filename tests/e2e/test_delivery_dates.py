"""The order's delivery date as logistics and finance keep it, end to end: a B-tier
confirmation signed two days late moves it two days in both (P3.4), and the release's date is
the one they hold afterwards (P3.3, P3.5). Five service processes on PostgreSQL and the real
broker; review and production stand in by their automatic policies."""

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest

from shared.contracts import topics
from shared.messaging.access import KafkaAccess
from tests.support.shipping import Desk, Part, money, running_desk

pytestmark = pytest.mark.e2e

CRATE = Part("CRATE-D1", "WOOD-D1", on_hand="1000000", price="100.00")


@pytest.fixture(scope="module")
async def desk(
    kafka: KafkaAccess, postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Desk]:
    async with running_desk(
        kafka, postgres_server, tmp_path_factory.mktemp("dates"), [CRATE]
    ) as running:
        yield running


async def dates_held(desk: Desk, order_id: str, expected: date) -> None:
    """Until both logistics' order and finance's account show `expected`."""

    async def both() -> bool:
        shipping: Any = await desk.found("logistics", f"/orders/{order_id}")
        account = await desk.account(order_id)
        held = (shipping["delivery_date"], account["delivery_date"])
        return held == (expected.isoformat(), expected.isoformat())

    await desk.wait_until(both, f"delivery date {expected} in logistics and finance")


@pytest.mark.rule("P3.4", "P3.3", "P3.5")
async def test_a_late_signature_moves_the_date_logistics_and_finance_hold_and_the_release_date_follows(  # noqa: E501
    desk: Desk,
) -> None:
    order_id = await desk.place(CRATE.lines(10), desk.today() + timedelta(days=60), "CUST-0011")
    await desk.approve(order_id, "sales_manager")
    issued = (await desk.event(topics.CONFIRMATION_ISSUED, order_id))["payload"]
    confirmed = date.fromisoformat(issued["confirmed_delivery_date"])
    await dates_held(desk, order_id, confirmed)

    await desk.advance_hours(48)  # the signed copy comes back two days after it went out
    sent_on = date.fromisoformat(issued["sent_on"])
    await desk.call(
        "sales_rep",
        "sales",
        f"/orders/{order_id}/signed-confirmation",
        {"received_on": (sent_on + timedelta(days=2)).isoformat()},
    )
    signed = (await desk.event(topics.CONFIRMATION_SIGNED, order_id))["payload"]
    moved = date.fromisoformat(signed["expected_delivery_date"])
    assert moved == confirmed + timedelta(days=2)
    await dates_held(desk, order_id, moved)

    await desk.pay(order_id, money(issued["deposit_amount"]), f"DEP-{order_id}")
    released = (await desk.event(topics.ORDER_RELEASED, order_id))["payload"]
    await dates_held(desk, order_id, date.fromisoformat(released["delivery_date"]))
