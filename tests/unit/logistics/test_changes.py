"""A change of an order at logistics, on embedded SQLite (P7.1, P7.2, P5.4): a decrease or
cancellation holds what has not left with a carrier, or is refused with "raise a return" once
it has; the decision releases the holds that still fit and cancels the others."""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.logistics import decisions, handlers
from services.logistics.adapters.tables import shipments
from services.logistics.app import DEFINITION
from services.logistics.desk import Desk
from services.logistics.domain.commands import RequestShipment
from services.logistics.settings import LogisticsSettings
from shared.clock import FrozenClock
from shared.contracts import ChangeAcknowledged, ChangeDecided, ChangeRequested, OrderClosed
from shared.contracts.changes import ShipmentCancelled, acknowledgement_id
from shared.decisions import NotAllowedNow
from tests.support.api import bearer, in_process
from tests.unit.logistics.builders import (
    CUSTOMER_SERVICE,
    DISPATCHER,
    FRIDAY,
    GENERAL_MANAGER,
    NOTICE,
    ORDER,
    ORDER_CLERK,
    ORDERED,
    goods_produced,
    message,
    order_placed,
    priced_lines,
    priced_total,
)
from tests.unit.logistics.test_handlers import (
    checked_out,
    consume,
    decide,
    requested_shipment,
    unit,
)

VALVE, FLANGE = "VALVE-DN50", "FLANGE-DN50"
FIRST = f"SH-{ORDER}-1"


def change_requested(
    units: dict[str, int] | None,
    change_no: int = 2,
    kinds: list[str] | None = None,
    on: str = "2026-12-15",
    reason: str = "the customer needs fewer",
) -> ChangeRequested:
    """A decrease to `units`, or a cancellation (None); other `kinds` where given."""
    kinds = kinds or (["cancel"] if units is None else ["decrease"])
    payload = {
        "change_no": change_no,
        "based_on": change_no - 1,
        "kinds": kinds,
        "stage": "after_confirmation",
        "needs_review": bool({"increase", "date", "requirement"} & set(kinds)),
        "lines": priced_lines(units or {}),
        "total_amount": priced_total(units or {}),
        "requested_delivery_date": on,
        "reason": reason,
        "via": "desk",
        "requested": {"user": "rita.vogel", "role": "sales_rep", "at": FRIDAY.isoformat()},
        "answer_by": (FRIDAY + timedelta(days=1)).isoformat(),
    }
    return message(ChangeRequested, payload)  # type: ignore[no-any-return]


def change_decided(
    units: dict[str, int] | None,
    outcome: str = "applied",
    change_no: int = 2,
    kinds: list[str] | None = None,
    on: str = "2026-12-15",
    stage: str = "after_confirmation",
) -> ChangeDecided:
    """Sales' decision on a decrease to `units` or a cancellation (None); other `kinds` where
    given, applied at the date `on`."""
    applied = outcome == "applied"
    payload = {
        "change_no": change_no,
        "outcome": outcome,
        "stage": stage,
        "kinds": kinds or (["cancel"] if units is None else ["decrease"]),
        "lines": priced_lines(units or {}) if applied else [],
        "total_amount": priced_total(units or {}) if applied else None,
        "delivery_date": on if applied else None,
        "reason": "" if applied else "the customer withdrew it",
        "refused_by": "logistics" if outcome == "refused" else None,
        "decided": None,
    }
    return message(ChangeDecided, payload)  # type: ignore[no-any-return]


async def request(engine: AsyncEngine, lines: dict[str, int] | None = None) -> None:
    agreement = "" if lines is None else "the customer agreed to a part delivery"
    command = RequestShipment(lines, None, None, partial_agreement=agreement)
    await decide(engine, lambda d: decisions.request_shipment(d, ORDER, command, CUSTOMER_SERVICE))


async def hand_over(engine: AsyncEngine, shipment_id: str = FIRST) -> None:
    await decide(engine, lambda d: decisions.hand_over(d, shipment_id, ("WB-1",), 1, ORDER_CLERK))


async def shipment(engine: AsyncEngine, shipment_id: str = FIRST) -> Any:
    return await unit(engine, lambda c: Desk(c, FRIDAY).shipment(shipment_id))


async def order(engine: AsyncEngine) -> Any:
    return await unit(engine, lambda c: Desk(c, FRIDAY).order(ORDER))


def acknowledgements(events: list[Any]) -> list[ChangeAcknowledged]:
    return [event for event in events if isinstance(event, ChangeAcknowledged)]


@pytest.mark.rule("P7.1")
@pytest.mark.rule("P7.2")
async def test_a_decrease_below_what_was_handed_to_the_carrier_is_refused_raise_a_return(
    engine: AsyncEngine,
) -> None:
    await checked_out(engine, ORDER)
    await hand_over(engine)

    events = await consume(
        engine, handlers.take_change_request, change_requested({VALVE: 15, FLANGE: 40})
    )

    [ack] = acknowledgements(events)
    assert ack.payload.outcome == "refused" and ack.payload.department == "logistics"
    assert FIRST in ack.payload.reason and "raise a return" in ack.payload.reason
    assert {line.product_code: line.quantity for line in ack.payload.handed_over} == ORDERED
    assert ack.payload.held == [] and ack.producer == "logistics"
    assert (await order(engine)).pending_change is None


@pytest.mark.rule("P7.1")
@pytest.mark.rule("P7.2")
async def test_a_cancellation_after_anything_was_handed_over_is_refused_raise_a_return(
    engine: AsyncEngine,
) -> None:
    await checked_out(engine, ORDER)
    await hand_over(engine)

    events = await consume(engine, handlers.take_change_request, change_requested(None))

    [ack] = acknowledgements(events)
    assert ack.payload.outcome == "refused" and "raise a return" in ack.payload.reason


@pytest.mark.rule("P7.1")
@pytest.mark.rule("P5.4")
async def test_a_decrease_before_handover_holds_the_shipment_and_its_handover_is_409(
    engine: AsyncEngine,
) -> None:
    await checked_out(engine, ORDER)

    events = await consume(
        engine, handlers.take_change_request, change_requested({VALVE: 15, FLANGE: 40})
    )

    [ack] = acknowledgements(events)
    assert ack.payload.outcome == "accepted"
    assert ack.payload.held == [FIRST] and ack.payload.handed_over == []
    with pytest.raises(NotAllowedNow, match=f"held for change CR-{ORDER}-2"):
        await hand_over(engine)
    held = await shipment(engine)
    assert held.status.value == "checked" and held.handover is None and held.held_for == 2
    async with engine.connect() as connection:
        column = await connection.scalar(select(shipments.c.held_for))
    assert column == 2


@pytest.mark.rule("P5.4")
@pytest.mark.rule("P7.2")
async def test_a_held_shipment_still_gets_its_release_and_outbound_check(
    engine: AsyncEngine,
) -> None:
    shipment_id = await requested_shipment(engine)
    await consume(engine, handlers.take_change_request, change_requested({VALVE: 15, FLANGE: 40}))

    await decide(
        engine, lambda d: decisions.release_in_emergency(d, shipment_id, "urgent", GENERAL_MANAGER)
    )
    await decide(
        engine, lambda d: decisions.check_outbound(d, shipment_id, dict(ORDERED), 1, DISPATCHER)
    )

    assert (await shipment(engine)).status.value == "checked"
    with pytest.raises(NotAllowedNow, match="held for change"):
        await decide(engine, lambda d: decisions.dispatch(d, shipment_id, NOTICE, DISPATCHER))


@pytest.mark.rule("P7.2")
async def test_an_applied_decrease_cancels_the_shipment_that_no_longer_fits_and_keeps_one_that_does(
    engine: AsyncEngine,
) -> None:
    await requested_shipment(engine)  # SH-1: everything (20 valves, 40 flanges)
    await consume(engine, handlers.take_change_request, change_requested({VALVE: 15, FLANGE: 40}))

    events = await consume(
        engine, handlers.apply_change_decision, change_decided({VALVE: 15, FLANGE: 40})
    )

    [cancelled] = [e for e in events if isinstance(e, ShipmentCancelled)]
    assert cancelled.payload.shipment_id == FIRST and cancelled.payload.change_no == 2
    assert cancelled.payload.reason and cancelled.payload.cancelled is None
    assert (await shipment(engine)).status.value == "cancelled"
    state = await order(engine)
    assert state.version == 2 and state.remaining() == {VALVE: 15, FLANGE: 40}

    await request(engine)  # customer service asks again, for the new quantity
    again = await shipment(engine, f"SH-{ORDER}-2")
    assert again.lines == {VALVE: 15, FLANGE: 40} and again.held_for is None


@pytest.mark.rule("P7.2")
async def test_an_applied_decrease_releases_the_held_shipment_that_fits_and_cancels_the_other(
    engine: AsyncEngine,
) -> None:
    await consume(engine, handlers.place_order, order_placed())
    await consume(engine, handlers.record_production, goods_produced())
    await request(engine, {VALVE: 10, FLANGE: 40})  # SH-1
    await request(engine, {VALVE: 10})  # SH-2
    smaller = {VALVE: 15, FLANGE: 40}
    asked = await consume(engine, handlers.take_change_request, change_requested(smaller))
    assert acknowledgements(asked)[0].payload.held == [FIRST, f"SH-{ORDER}-2"]

    events = await consume(engine, handlers.apply_change_decision, change_decided(smaller))

    assert [e.payload.shipment_id for e in events if isinstance(e, ShipmentCancelled)] == [
        f"SH-{ORDER}-2"
    ]
    kept, cancelled = await shipment(engine), await shipment(engine, f"SH-{ORDER}-2")
    assert kept.held_for is None and kept.status.value == "requested"
    assert cancelled.status.value == "cancelled" and cancelled.held_for is None
    assert (await order(engine)).remaining() == {VALVE: 5}


@pytest.mark.rule("P7.2")
@pytest.mark.rule("P5.4")
async def test_a_refused_change_lifts_its_holds_and_the_shipment_is_handed_over(
    engine: AsyncEngine,
) -> None:
    await checked_out(engine, ORDER)
    await consume(engine, handlers.take_change_request, change_requested({VALVE: 15, FLANGE: 40}))

    events = await consume(
        engine, handlers.apply_change_decision, change_decided(None, outcome="refused")
    )

    assert events == []
    assert (await shipment(engine)).held_for is None
    await hand_over(engine)
    assert (await shipment(engine)).status.value == "handed_over"
    assert (await order(engine)).version == 1


@pytest.mark.rule("P7.2")
async def test_a_withdrawn_change_lifts_its_holds_and_changes_no_quantity(
    engine: AsyncEngine,
) -> None:
    await requested_shipment(engine)
    await consume(engine, handlers.take_change_request, change_requested({VALVE: 15, FLANGE: 40}))

    await consume(engine, handlers.apply_change_decision, change_decided(None, "withdrawn"))

    state = await order(engine)
    assert (await shipment(engine)).held_for is None
    assert state.pending_change is None and state.ordered == ORDERED


@pytest.mark.rule("P7.2")
async def test_an_applied_cancellation_cancels_every_shipment_not_handed_over(
    engine: AsyncEngine,
) -> None:
    await consume(engine, handlers.place_order, order_placed())
    await consume(engine, handlers.record_production, goods_produced())
    await request(engine, {VALVE: 10})
    await request(engine, {VALVE: 10, FLANGE: 40})
    await consume(engine, handlers.take_change_request, change_requested(None))

    events = await consume(engine, handlers.apply_change_decision, change_decided(None))
    closed = await consume(engine, handlers.close_order, order_closed("cancelled"))

    assert sorted(e.payload.shipment_id for e in events if isinstance(e, ShipmentCancelled)) == [
        FIRST,
        f"SH-{ORDER}-2",
    ]
    state = await order(engine)
    assert state.ordered == {} and state.remaining() == {} and state.outcome == "cancelled"
    assert closed == []
    with pytest.raises(NotAllowedNow):
        await request(engine)


@pytest.mark.rule("P7.1")
async def test_a_replayed_change_request_is_acknowledged_once_with_the_same_id(
    engine: AsyncEngine,
) -> None:
    await requested_shipment(engine)
    asked = change_requested({VALVE: 15, FLANGE: 40})

    first = await consume(engine, handlers.take_change_request, asked)
    again = await consume(engine, handlers.take_change_request, asked)

    [ack] = acknowledgements(first)
    assert again == []
    assert ack.event_id == acknowledgement_id(asked.event_id, "logistics") != asked.event_id
    assert acknowledgement_id(asked.event_id, "logistics") == acknowledgement_id(
        asked.event_id, "logistics"
    )


@pytest.mark.rule("P7.1")
async def test_a_change_of_an_unknown_order_is_accepted_with_empty_facts_and_kept(
    engine: AsyncEngine,
) -> None:
    asked = await consume(engine, handlers.take_change_request, change_requested(None))
    decided = await consume(engine, handlers.apply_change_decision, change_decided({VALVE: 5}))
    await consume(engine, handlers.place_order, order_placed())

    [ack] = acknowledgements(asked)
    assert ack.payload.outcome == "accepted" and ack.payload.held == []
    assert ack.payload.handed_over == [] and decided == []
    assert (await order(engine)).ordered == {VALVE: 5}


@pytest.mark.rule("P7.1")
async def test_an_increase_holds_nothing_and_is_accepted_with_empty_facts(
    engine: AsyncEngine,
) -> None:
    await requested_shipment(engine)

    events = await consume(
        engine,
        handlers.take_change_request,
        change_requested({VALVE: 30, FLANGE: 40}, kinds=["increase"]),
    )

    [ack] = acknowledgements(events)
    assert ack.payload.outcome == "accepted" and ack.payload.held == []
    assert (await shipment(engine)).held_for is None


@pytest.mark.rule("P7.1")
@pytest.mark.rule("P7.2")
async def test_a_change_decided_before_it_was_requested_is_applied_and_then_acknowledged(
    engine: AsyncEngine,
) -> None:
    await requested_shipment(engine)

    await consume(engine, handlers.apply_change_decision, change_decided({VALVE: 19}))
    events = await consume(engine, handlers.take_change_request, change_requested({VALVE: 19}))

    [ack] = acknowledgements(events)
    assert ack.payload.outcome == "accepted" and ack.payload.held == []
    assert (await shipment(engine)).status.value == "cancelled"
    assert (await order(engine)).pending_change is None


@pytest.mark.rule("P7.2")
async def test_a_change_decided_twice_or_an_older_one_changes_nothing_more(
    engine: AsyncEngine,
) -> None:
    await requested_shipment(engine)
    await consume(engine, handlers.apply_change_decision, change_decided({VALVE: 20}, change_no=3))

    older = await consume(engine, handlers.apply_change_decision, change_decided({VALVE: 1}))

    assert older == []
    assert (await order(engine)).ordered == {VALVE: 20}


@pytest.mark.rule("P7.2")
async def test_an_order_closed_cancelled_is_filed_and_a_replay_changes_nothing(
    engine: AsyncEngine,
) -> None:
    closed = order_closed("cancelled")

    assert await consume(engine, handlers.close_order, closed) == []
    assert await consume(engine, handlers.close_order, closed) == []
    assert (await order(engine)).outcome == "cancelled"


@pytest.mark.rule("P5.4")
async def test_the_handover_of_a_held_shipment_is_409_over_http_and_changes_nothing(
    engine: AsyncEngine,
) -> None:
    await checked_out(engine, ORDER)
    await consume(engine, handlers.take_change_request, change_requested({VALVE: 15, FLANGE: 40}))
    async with in_process(DEFINITION, LogisticsSettings(), engine, FrozenClock(FRIDAY)) as api:
        refused = await api.post(
            f"/shipments/{FIRST}/handover",
            json={"waybills": ["WB-9"], "parcels": 1},
            headers=bearer("order_clerk"),
        )
        view = await api.get(f"/orders/{ORDER}", headers=bearer("dispatcher"))

    assert refused.status_code == 409, refused.text
    assert f"held for change CR-{ORDER}-2" in refused.text
    assert view.json()["pending_change"] == 2
    assert view.json()["shipments"][0]["status"] == "checked"


def order_closed(outcome: str) -> OrderClosed:
    payload = {"outcome": outcome}
    return message(OrderClosed, payload)  # type: ignore[no-any-return]
