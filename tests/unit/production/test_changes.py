"""Production's part of a change (P7.1, P7.2, P7.4), through its handlers on an embedded
database built by the service's migrations: the acknowledgement reports what is spent and holds
the start; an applied decrease gives back the material beyond the new need and cuts purchases;
a cancellation closes the order; a change before confirmation drops the tentative booking and
the new version is assessed again. Topics keep no order between them, so the decision may come
first."""

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.production import decisions
from services.production.adapters import repository
from services.production.adapters.documents import PURCHASE_ORDERS, REQUISITIONS
from services.production.adapters.tables import finished_stock, materials
from services.production.domain.model import Outcome, ProductionStatus
from services.production.domain.purchasing import RequisitionStatus
from services.production.plant import Plant
from shared.contracts import (
    ChangeAcknowledged,
    ChangeRequested,
    Event,
    FeasibilityAssessed,
    FeasibilityRequested,
    MaterialsListed,
    OrderClosed,
    OrderReleased,
)
from shared.contracts.changes import acknowledgement_id
from shared.decisions import BeyondAuthority, NotAllowedNow, Person
from shared.messaging.events import new_event
from shared.seed.model import BomLine
from tests.unit.production.plant_fixtures import (
    BOUGHT,
    CLERK,
    DUE,
    MANAGER,
    NOW,
    ORDER,
    STOCKED,
    decided,
    handle,
    make,
    order_lines,
    plant_database,
    receive,
    released,
    worked,
)

OTHER = "SO-2031-000002"
SPARE = "P-SPARE"
DEPUTY = Person("anna.koch", "deputy_general_manager")
BUYER = Person("mia.schulz", "buyer")


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    spare = BomLine(product_code=SPARE, material_code="M-STOCKED", quantity_per_unit=1)
    async with plant_database(tmp_path / "production.db", spare) as engine:
        yield engine


def requested(change_no: int, kinds: list[str], product: str, units: int) -> ChangeRequested:
    lines = order_lines(product, units)
    return new_event(
        ChangeRequested,
        order_id=ORDER,
        producer="sales",
        causation_id=None,
        occurred_at=NOW,
        payload={
            "change_no": change_no,
            "based_on": change_no - 1,
            "kinds": kinds,
            "stage": "after_confirmation",
            "needs_review": bool({"increase", "date", "requirement"} & set(kinds)),
            "lines": lines,
            "total_amount": sum((line["amount"] for line in lines), start=Decimal(0)),
            "requested_delivery_date": DUE,
            "reason": "the customer asked",
            "via": "desk",
            "requested": None,
            "answer_by": NOW,
        },
    )


def feasibility(product: str, units: int, version: int) -> FeasibilityRequested:
    return new_event(
        FeasibilityRequested,
        order_id=ORDER,
        producer="review",
        causation_id=None,
        occurred_at=NOW,
        payload={
            "customer_id": "CUST-0001",
            "requested_delivery_date": DUE,
            "lines": [{"product_code": product, "quantity": units}],
            "version": version,
        },
    )


async def reserved(engine: AsyncEngine, code: str) -> Decimal:
    async with engine.connect() as connection:
        value = await connection.scalar(
            select(materials.c.reserved).where(materials.c.material_code == code)
        )
    assert value is not None
    return Decimal(value)


async def in_plant(engine: AsyncEngine, work: Any) -> Any:
    """People's work in one unit of work; what it returns."""
    result, _ = await worked(engine, work)
    return result


def acknowledgement(events: list[Event]) -> ChangeAcknowledged:
    found = [event for event in events if isinstance(event, ChangeAcknowledged)]
    assert len(found) == 1
    return found[0]


@pytest.mark.rule("P7.1")
@pytest.mark.rule("P7.2")
async def test_a_decrease_is_acknowledged_once_with_nothing_spent_and_the_start_held(
    engine: AsyncEngine,
) -> None:
    await handle(engine, released(STOCKED, 20))
    request = requested(2, ["decrease"], STOCKED, 15)
    answer = acknowledgement(await handle(engine, request))
    assert answer.event_id == acknowledgement_id(request.event_id, "production")
    assert answer.producer == "production"
    body = answer.payload
    assert (body.department, body.outcome, body.started) == ("production", "accepted", False)
    assert body.held == ["MO-" + ORDER] and not body.spent()
    assert await handle(engine, request) == []  # a replay answers nothing more

    async def start(plant: Plant, _: AsyncConnection) -> None:
        await decisions.start(plant, ORDER, MANAGER)

    with pytest.raises(NotAllowedNow, match="held for change CR-SO-2031-000001-2"):
        await in_plant(engine, start)


@pytest.mark.rule("P7.2")
async def test_an_applied_decrease_gives_back_the_material_beyond_the_new_need_and_lists_it(
    engine: AsyncEngine,
) -> None:
    await handle(engine, released(STOCKED, 20))
    assert await reserved(engine, "M-STOCKED") == 20
    await handle(engine, requested(2, ["decrease"], STOCKED, 15))
    events = await handle(engine, decided(2, ["decrease"], STOCKED, 15))

    assert await reserved(engine, "M-STOCKED") == 15
    listed = [event for event in events if isinstance(event, MaterialsListed)]
    assert [m.need for m in listed[0].payload.materials] == [15]
    async with engine.connect() as connection:
        order = await repository.load(connection, ORDER)
    assert order is not None
    assert order.units == 15 and order.version == 2 and order.held_for is None


@pytest.mark.rule("P7.2")
async def test_the_freed_material_goes_to_an_order_that_lacks_it(engine: AsyncEngine) -> None:
    await handle(engine, released(STOCKED, 20))
    await handle(engine, released(STOCKED, 20, order_id=OTHER))  # 10 reserved, 10 short
    await handle(engine, decided(2, ["decrease"], STOCKED, 15))
    async with engine.connect() as connection:
        other = await repository.load(connection, OTHER)
    assert other is not None
    assert [(m.reserved, m.shortfall) for m in other.materials] == [(Decimal(15), Decimal(5))]


@pytest.mark.rule("P7.2")
async def test_a_decision_that_comes_before_its_release_caps_the_released_quantity(
    engine: AsyncEngine,
) -> None:
    """Rule 3: the lower of the released and the applied quantity, whatever arrives first."""
    await handle(engine, decided(2, ["decrease"], STOCKED, 15))
    answer = acknowledgement(await handle(engine, requested(2, ["decrease"], STOCKED, 15)))
    assert answer.payload.held == []  # decided already: nothing to hold
    await handle(engine, released(STOCKED, 20))
    assert await reserved(engine, "M-STOCKED") == 15


@pytest.mark.rule("P7.2")
async def test_a_withdrawn_change_lifts_the_hold_and_changes_nothing(engine: AsyncEngine) -> None:
    await handle(engine, released(STOCKED, 20))
    await handle(engine, requested(2, ["decrease"], STOCKED, 15))
    await handle(engine, decided(2, ["decrease"], STOCKED, 0, outcome="withdrawn"))
    async with engine.connect() as connection:
        order = await repository.load(connection, ORDER)
    assert order is not None
    assert (order.held_for, order.units, order.version) == (None, 20, 1)


@pytest.mark.rule("P7.1")
@pytest.mark.rule("P7.2")
async def test_a_cancellation_reports_the_purchase_order_then_cancels_requisitions_and_asks_the_buyer(  # noqa: E501
    engine: AsyncEngine,
) -> None:
    await handle(engine, released(BOUGHT, 20))
    await in_plant(engine, buy)
    answer = acknowledgement(await handle(engine, requested(2, ["cancel"], BOUGHT, 0)))
    assert [(m.material_code, m.ordered) for m in answer.payload.materials_on_order] == [
        ("M-BOUGHT", Decimal(20))
    ]
    assert answer.payload.spent()

    await handle(engine, decided(2, ["cancel"], BOUGHT, 0))
    async with engine.connect() as connection:
        order = await repository.load(connection, ORDER)
        [purchase] = await PURCHASE_ORDERS.find(connection, order_id=ORDER)
    assert order is not None
    assert (order.status, order.outcome) == (ProductionStatus.CLOSED, Outcome.CANCELLED)
    assert purchase.cancellation_asked == "no longer needed after CR-SO-2031-000001-2"


async def buy(plant: Plant, connection: AsyncConnection) -> None:
    """The deputy approves the order's requisition and the buyer orders all of it."""
    [requisition] = await REQUISITIONS.find(connection, order_id=ORDER)
    await decisions.decide_requisition(plant, requisition.number, True, "", DEPUTY)
    await decisions.place_purchase_order(
        plant, requisition.number, "Stahlwerk AG", Decimal(20), date(2031, 8, 14), BUYER
    )


@pytest.mark.rule("P7.2")
async def test_a_cancellation_whose_order_closed_before_its_decision_came_still_asks_the_buyer_to_cancel(  # noqa: E501
    engine: AsyncEngine,
) -> None:
    """Sales publishes order.closed and change.decided on two topics: production may hear the
    closing first, and must give back the purchases all the same."""
    await handle(engine, released(BOUGHT, 20))
    await in_plant(engine, buy)
    closed = new_event(
        OrderClosed,
        order_id=ORDER,
        producer="sales",
        causation_id=None,
        occurred_at=NOW,
        payload={"outcome": "cancelled"},
    )
    await handle(engine, closed)
    await handle(engine, decided(2, ["cancel"], BOUGHT, 0))
    async with engine.connect() as connection:
        order = await repository.load(connection, ORDER)
        [purchase] = await PURCHASE_ORDERS.find(connection, order_id=ORDER)
    assert order is not None
    assert (order.status, order.outcome) == (ProductionStatus.CLOSED, Outcome.CANCELLED)
    assert purchase.cancellation_asked == f"no longer needed after order {ORDER} cancelled"
    assert await reserved(engine, "M-BOUGHT") == 0


async def free_finished(engine: AsyncEngine, product: str) -> int:
    async with engine.connect() as connection:
        units = await connection.scalar(
            select(finished_stock.c.units).where(finished_stock.c.product_code == product)
        )
    return int(units or 0)


@pytest.mark.rule("P7.2")
async def test_units_finished_beyond_a_decreased_quantity_go_to_free_stock_once_per_cut(
    engine: AsyncEngine,
) -> None:
    await handle(engine, released(STOCKED, 20))
    await in_plant(engine, make(20))

    await handle(engine, decided(2, ["decrease"], STOCKED, 15))
    assert await free_finished(engine, STOCKED) == 5
    await handle(engine, decided(2, ["decrease"], STOCKED, 15))  # the same decision again
    assert await free_finished(engine, STOCKED) == 5
    await handle(engine, decided(3, ["decrease"], STOCKED, 12))
    assert await free_finished(engine, STOCKED) == 8
    async with engine.connect() as connection:
        order = await repository.load(connection, ORDER)
    assert order is not None
    assert (order.status, order.units) == (ProductionStatus.PRODUCED, 12)
    await handle(engine, decided(4, ["cancel"], STOCKED, 0))
    assert await free_finished(engine, STOCKED) == 20  # the 12 it still held, not all 20 again


@pytest.mark.rule("P7.2")
async def test_a_cut_that_removes_a_product_gives_all_its_finished_units_to_free_stock(
    engine: AsyncEngine,
) -> None:
    both = new_event(
        OrderReleased,
        order_id=ORDER,
        producer="sales",
        causation_id=None,
        occurred_at=NOW,
        payload={
            "delivery_date": DUE,
            "gate": "signed",
            "lines": [
                {"product_code": STOCKED, "quantity": 20},
                {"product_code": SPARE, "quantity": 5},
            ],
        },
    )
    await handle(engine, both)

    async def make_both(plant: Plant, connection: AsyncConnection) -> None:
        await make(20)(plant, connection)  # started, every operation passed, 20 received
        await receive(5, SPARE)(plant, connection)

    await in_plant(engine, make_both)
    await handle(engine, decided(2, ["decrease"], STOCKED, 20))  # the spare line removed

    assert await free_finished(engine, SPARE) == 5
    assert await free_finished(engine, STOCKED) == 0


@pytest.mark.rule("P7.2")
async def test_a_purchase_order_still_partly_needed_after_a_decrease_is_not_asked_to_be_cancelled(
    engine: AsyncEngine,
) -> None:
    await handle(engine, released(BOUGHT, 20))
    await in_plant(engine, buy)
    await handle(engine, decided(2, ["decrease"], BOUGHT, 15))
    async with engine.connect() as connection:
        [purchase] = await PURCHASE_ORDERS.find(connection, order_id=ORDER)
    assert purchase.cancellation_asked == ""  # 15 of its 20 are needed: cancelling would short


@pytest.mark.rule("P7.2")
@pytest.mark.rule("P4.3")
async def test_the_buyer_answers_a_cancellation_once_and_a_cancelled_purchase_expects_nothing_more(
    engine: AsyncEngine,
) -> None:
    await handle(engine, released(BOUGHT, 20))
    await in_plant(engine, buy)
    [purchase] = await in_plant(
        engine, lambda plant, connection: PURCHASE_ORDERS.find(connection, order_id=ORDER)
    )

    async def answer(person: Person, cancelled: bool = True) -> Any:
        return await in_plant(
            engine,
            lambda plant, _c: decisions.answer_cancellation(
                plant, purchase.number, cancelled, "Stahlwerk agreed", person
            ),
        )

    with pytest.raises(NotAllowedNow, match="nobody asked"):
        await answer(BUYER)
    await handle(engine, decided(2, ["cancel"], BOUGHT, 0))
    with pytest.raises(BeyondAuthority):
        await answer(MANAGER)
    answered = await answer(BUYER)
    with pytest.raises(NotAllowedNow, match="answered already"):
        await answer(BUYER, cancelled=False)

    assert (answered.status.value, answered.open_quantity) == ("cancelled", 0)
    assert answered.cancellation is not None
    assert (answered.cancellation.signed.user, answered.cancellation.reason) == (
        "mia.schulz",
        "Stahlwerk agreed",
    )
    late = await in_plant(
        engine,
        lambda plant, _c: decisions.record_delivery(
            plant, purchase.number, "M-BOUGHT", "Stahlwerk AG", Decimal(20), "DN-1", CLERK
        ),
    )
    assert late.status.value == "awaiting_purchasing"


@pytest.mark.rule("P7.2")
async def test_a_decrease_cuts_the_requisition_to_what_is_still_lacking(
    engine: AsyncEngine,
) -> None:
    await handle(engine, released(BOUGHT, 20))
    await handle(engine, decided(2, ["decrease"], BOUGHT, 5))
    async with engine.connect() as connection:
        [requisition] = await REQUISITIONS.find(connection, order_id=ORDER)
    assert (requisition.status, requisition.quantity) == (RequisitionStatus.PENDING, Decimal(5))


@pytest.mark.rule("P7.2")
async def test_a_cancellation_cancels_the_open_requisition_and_frees_every_reservation(
    engine: AsyncEngine,
) -> None:
    await handle(engine, released(BOUGHT, 20))
    await handle(engine, released(STOCKED, 20, order_id=OTHER))
    await handle(engine, decided(2, ["cancel"], BOUGHT, 0))
    async with engine.connect() as connection:
        [requisition] = await REQUISITIONS.find(connection, order_id=ORDER)
    assert requisition.status is RequisitionStatus.CANCELLED
    assert await reserved(engine, "M-BOUGHT") == 0


@pytest.mark.rule("P7.4")
async def test_a_change_before_confirmation_is_assessed_again_for_its_version_and_a_stale_request_is_not(  # noqa: E501
    engine: AsyncEngine,
) -> None:
    first = await handle(engine, feasibility(STOCKED, 20, 1))
    assert [e.payload.version for e in first if isinstance(e, FeasibilityAssessed)] == [1]
    await handle(engine, decided(2, ["decrease"], STOCKED, 15, stage="before_confirmation"))
    async with engine.connect() as connection:
        order = await repository.load(connection, ORDER)
    assert order is not None and order.booking is None  # tentative booking dropped

    assert await handle(engine, feasibility(STOCKED, 20, 1)) == []  # stale
    again = await handle(engine, feasibility(STOCKED, 15, 2))
    assessed = [e for e in again if isinstance(e, FeasibilityAssessed)]
    assert [e.payload.version for e in assessed] == [2]
    assert "15 units" in assessed[0].payload.production.reason


@pytest.mark.rule("P7.1")
async def test_a_changed_requirement_after_the_start_is_refused_with_the_reason(
    engine: AsyncEngine,
) -> None:
    await handle(engine, released(STOCKED, 20))

    async def start(plant: Plant, _: AsyncConnection) -> None:
        await decisions.start(plant, ORDER, MANAGER)

    await in_plant(engine, start)
    answer = acknowledgement(await handle(engine, requested(2, ["requirement"], STOCKED, 20)))
    assert answer.payload.outcome == "refused"
    assert "has started" in answer.payload.reason
    assert answer.payload.started is True
    assert [m.quantity for m in answer.payload.materials_consumed] == [20]
