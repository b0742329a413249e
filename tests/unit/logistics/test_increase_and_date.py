"""An increase or a new date after the confirmation at logistics, on embedded SQLite (P7.3):
an applied increase makes the new quantities ordered and holds nothing, so a shipment asked
before it goes on and the extra is requested once production reports it; a new date of
version n (the change's, then the amended confirmation's, then its release) replaces every
date of a lower version, and a date of a lower version consumed late never moves it back."""

from datetime import date, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from services.logistics import handlers
from services.logistics.domain.model import OrderShipping
from shared.contracts import (
    ChangeDecided,
    ConfirmationIssued,
    ConfirmationSigned,
    OrderReleased,
)
from shared.contracts.changes import ShipmentCancelled
from shared.decisions import InvalidDecision, NotAllowedNow
from shared.delivery_dates import DateSource
from tests.unit.arrival import in_either_order
from tests.unit.logistics.builders import (
    FRIDAY,
    ORDER,
    ORDERED,
    goods_produced,
    message,
    order_placed,
)
from tests.unit.logistics.test_changes import (
    acknowledgements,
    change_decided,
    change_requested,
    order,
    request,
    shipment,
)
from tests.unit.logistics.test_handlers import consume

VALVE, FLANGE = "VALVE-DN50", "FLANGE-DN50"
FIRST, SECOND = f"SH-{ORDER}-1", f"SH-{ORDER}-2"
INCREASED = {VALVE: 30, FLANGE: 40}
CONFIRMED = date(2026, 12, 15)
RELEASED = date(2026, 12, 18)
ASKED = date(2027, 1, 20)
AMENDED = date(2027, 1, 25)


def applied(
    units: dict[str, int],
    kinds: list[str],
    on: date = CONFIRMED,
    stage: str = "after_confirmation",
) -> ChangeDecided:
    """change.decided applied for change 2, reviewed again (P7.3)."""
    return change_decided(units, kinds=kinds, on=on.isoformat(), stage=stage)


def confirmation(version: int, on: date) -> ConfirmationIssued:
    payload = {
        "customer_id": "CUST-0011",
        "tier": "B",
        "confirmed_delivery_date": on.isoformat(),
        "sent_on": "2026-11-02",
        "total_amount": "6000.00",
        "currency": "EUR",
        "deposit_amount": "1800.00",
        "document_path": f"/orders/{ORDER}/confirmation?version={version}",
        "version": version,
    }
    return message(ConfirmationIssued, payload)  # type: ignore[no-any-return]


def signature(expected: date, version: int = 1) -> ConfirmationSigned:
    payload = {
        "received_on": "2026-11-05",
        "days_late": 3,
        "expected_delivery_date": expected.isoformat(),
        "version": version,
    }
    return message(ConfirmationSigned, payload)  # type: ignore[no-any-return]


def release(on: date, units: dict[str, int], version: int = 1) -> OrderReleased:
    payload = {
        "delivery_date": on.isoformat(),
        "lines": [{"product_code": c, "quantity": q} for c, q in units.items()],
        "gate": "signed_and_deposit",
        "version": version,
    }
    return message(OrderReleased, payload)  # type: ignore[no-any-return]


async def released(engine: AsyncEngine) -> None:
    """Placed, confirmed, released at version 1 and produced in full: 20 valves, 40 flanges."""
    await consume(engine, handlers.place_order, order_placed())
    await consume(engine, handlers.confirm_order, confirmation(1, CONFIRMED))
    await consume(engine, handlers.record_release, release(RELEASED, ORDERED))
    await consume(engine, handlers.record_production, goods_produced())


async def delivery_date(engine: AsyncEngine) -> date:
    found = await order(engine)
    assert isinstance(found, OrderShipping) and found.delivery_date is not None
    return found.delivery_date


# -- an increase ---------------------------------------------------------------------------------


@pytest.mark.rule("P7.3")
async def test_an_applied_increase_makes_the_new_quantities_ordered_and_holds_nothing(
    engine: AsyncEngine,
) -> None:
    await released(engine)
    await request(engine)  # SH-1: all 20 valves and 40 flanges

    asked = change_requested(INCREASED, kinds=["increase"], reason="the customer needs more")
    answer = await consume(engine, handlers.take_change_request, asked)
    events = await consume(engine, handlers.apply_change_decision, applied(INCREASED, ["increase"]))

    [ack] = acknowledgements(answer)
    assert ack.payload.outcome == "accepted" and ack.payload.held == []
    assert [e for e in events if isinstance(e, ShipmentCancelled)] == []
    state = await order(engine)
    assert (state.version, state.ordered, state.remaining()) == (2, INCREASED, {VALVE: 10})
    kept = await shipment(engine)
    assert kept.status.value == "requested" and kept.held_for is None
    assert kept.lines == ORDERED


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P5.1")
async def test_the_extra_10_are_requested_once_a_later_goods_produced_reports_them(
    engine: AsyncEngine,
) -> None:
    await released(engine)
    await request(engine, {VALVE: 20})  # SH-1, partial: 20 valves, agreed by the customer
    await consume(engine, handlers.apply_change_decision, applied(INCREASED, ["increase"]))
    with pytest.raises(InvalidDecision, match=f"{VALVE}: asked 10, available 0"):
        await request(engine, {VALVE: 10})

    later = FRIDAY + timedelta(days=3)
    await consume(engine, handlers.record_production, goods_produced(INCREASED, at=later))
    await request(engine, {VALVE: 10})  # SH-2: the extra

    first, second = await shipment(engine, FIRST), await shipment(engine, SECOND)
    assert (first.lines, first.status.value, first.held_for) == ({VALVE: 20}, "requested", None)
    assert second.lines == {VALVE: 10}
    assert (await order(engine)).remaining() == {FLANGE: 40}


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P5.1")
async def test_the_extra_produced_before_the_increase_reached_logistics_waits_for_it(
    engine: AsyncEngine,
) -> None:
    await released(engine)
    await request(engine)  # SH-1: everything ordered at version 1
    later = FRIDAY + timedelta(days=3)
    await consume(engine, handlers.record_production, goods_produced(INCREASED, at=later))
    with pytest.raises(NotAllowedNow):
        await request(engine)

    await consume(engine, handlers.apply_change_decision, applied(INCREASED, ["increase"]))
    await request(engine)

    assert (await shipment(engine, SECOND)).lines == {VALVE: 10}
    assert (await order(engine)).remaining() == {}


# -- a new date ----------------------------------------------------------------------------------


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P3.5")
async def test_an_applied_date_change_makes_its_date_the_orders_delivery_date(
    engine: AsyncEngine,
) -> None:
    await released(engine)

    await consume(engine, handlers.apply_change_decision, applied(ORDERED, ["date"], ASKED))

    assert await delivery_date(engine) == ASKED
    assert (await order(engine)).ordered == ORDERED


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P3.5")
@pytest.mark.parametrize("first", ["confirmation", "decision"])
async def test_the_amended_confirmations_date_wins_whichever_arrives_first(
    engine: AsyncEngine, first: str
) -> None:
    await released(engine)
    amended = (handlers.confirm_order, confirmation(2, AMENDED))
    decision = (handlers.apply_change_decision, applied(INCREASED, ["increase", "date"], ASKED))

    await in_either_order(consume, engine, first, amended, decision)

    assert await delivery_date(engine) == AMENDED
    assert (await order(engine)).ordered == INCREASED


@pytest.mark.rule("P7.3")
async def test_a_date_decided_before_the_confirmation_waits_for_the_confirmed_one(
    engine: AsyncEngine,
) -> None:
    await consume(engine, handlers.place_order, order_placed())
    before = applied(ORDERED, ["date"], ASKED, stage="before_confirmation")

    await consume(engine, handlers.apply_change_decision, before)
    await consume(engine, handlers.confirm_order, confirmation(1, AMENDED))

    assert await delivery_date(engine) == AMENDED


@pytest.mark.rule("P7.3")
async def test_a_decrease_keeps_the_released_date_though_its_decision_carries_the_asked_one(
    engine: AsyncEngine,
) -> None:
    await released(engine)

    await consume(
        engine, handlers.apply_change_decision, applied({VALVE: 15, FLANGE: 40}, ["decrease"])
    )

    assert await delivery_date(engine) == RELEASED


# -- the release of version 2 --------------------------------------------------------------------


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P3.3")
async def test_a_release_of_version_2_moves_the_date_and_leaves_quantities_and_shipments_alone(
    engine: AsyncEngine,
) -> None:
    await released(engine)
    await request(engine)
    await consume(engine, handlers.apply_change_decision, applied(INCREASED, ["increase"]))
    await consume(engine, handlers.confirm_order, confirmation(2, AMENDED))

    events = await consume(
        engine, handlers.record_release, release(date(2027, 1, 28), INCREASED, version=2)
    )

    assert events == []
    state = await order(engine)
    assert (state.delivery_date, state.ordered) == (date(2027, 1, 28), INCREASED)
    assert state.remaining() == {VALVE: 10}
    assert (await shipment(engine)).status.value == "requested"


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P3.4")
async def test_a_signature_and_release_of_version_1_consumed_late_do_not_move_an_amended_date_back(
    engine: AsyncEngine,
) -> None:
    await consume(engine, handlers.place_order, order_placed())
    await consume(engine, handlers.confirm_order, confirmation(1, CONFIRMED))
    await consume(engine, handlers.confirm_order, confirmation(2, AMENDED))

    await consume(engine, handlers.record_signature, signature(date(2026, 12, 20)))
    await consume(engine, handlers.record_release, release(RELEASED, ORDERED))

    assert await delivery_date(engine) == AMENDED
    await consume(engine, handlers.record_signature, signature(date(2027, 1, 27), version=2))
    assert await delivery_date(engine) == date(2027, 1, 27)


@pytest.mark.rule("P7.3")
def test_a_persons_revision_after_an_amended_date_still_moves_it() -> None:
    order = OrderShipping(ORDER)
    order.confirm("B", CONFIRMED)
    order.confirm("B", AMENDED, version=2)

    order.revise_delivery(date(2027, 2, 3))
    order.move_delivery(RELEASED, DateSource.RELEASED, version=1)

    assert order.delivery_date == date(2027, 2, 3)
