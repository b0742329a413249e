"""Production's part of an increase or a new date after confirmation (P7.3), through its
handlers on an embedded database built by the service's migrations: sales releases the order a
second time with the new version's lines, and the change's decision carries them too; the two
topics keep no order between them, so either may come first, and the released quantity is per
product the lower of the highest release and the highest applied version (rule 3). A released
order not started reserves the extra and buys what stock lacks; one in production goes on and
is issued the extra as it is reserved; one produced goes back to released for a new start and
completes again at the new total."""

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.production.adapters import repository
from services.production.adapters.documents import REQUISITIONS
from services.production.adapters.tables import materials, production_orders
from services.production.domain.model import ProductionOrder, ProductionStatus
from services.production.plant import Plant
from shared.contracts import (
    ChangeDecided,
    Event,
    GoodsProduced,
    MaterialsListed,
    OrderDelayed,
    OrderReleased,
)
from tests.unit.production import plant_fixtures
from tests.unit.production.plant_fixtures import (
    BOUGHT,
    DUE,
    ORDER,
    STOCKED,
    handle,
    make,
    plant_database,
    receive,
    worked,
)


def released(units: int, version: int = 1, product: str = STOCKED) -> OrderReleased:
    return plant_fixtures.released(product, units, version=version)


def decided(
    change_no: int,
    units: int,
    kinds: tuple[str, ...] = ("increase",),
    delivery_date: date = DUE,
    product: str = STOCKED,
) -> ChangeDecided:
    """An applied change after confirmation: line 1 at `units`."""
    return plant_fixtures.decided(change_no, kinds, product, units, delivery_date=delivery_date)


async def in_plant(engine: AsyncEngine, work: Any) -> list[Event]:
    """People's work in one unit of work; the events it publishes."""
    _, events = await worked(engine, work)
    return events


async def stored(engine: AsyncEngine) -> ProductionOrder:
    async with engine.connect() as connection:
        order = await repository.load(connection, ORDER)
    assert order is not None
    return order


async def stock(engine: AsyncEngine, code: str) -> tuple[object, object]:
    """(on hand, reserved) of a material, as committed (Decimals, compared with counts)."""
    async with engine.connect() as connection:
        row = (
            await connection.execute(select(materials).where(materials.c.material_code == code))
        ).one()
    return Decimal(row.on_hand), Decimal(row.reserved)


def materials_of(order: ProductionOrder) -> list[tuple[object, ...]]:
    """(material, need, reserved, shortfall, issued) of each line (Decimals, compared with
    counts)."""
    return [
        (line.material_code, line.need, line.reserved, line.shortfall, line.issued)
        for line in order.materials
    ]


def of(kind: type[Event], events: list[Event]) -> list[Any]:
    return [event for event in events if isinstance(event, kind)]


@pytest.mark.rule("P7.3")
async def test_an_increase_of_an_order_not_started_reserves_the_extra_buys_what_stock_lacks_and_lists_the_materials(  # noqa: E501
    engine: AsyncEngine,
) -> None:
    await handle(engine, released(20))
    assert await stock(engine, "M-STOCKED") == (30, 20)

    await handle(engine, decided(2, 40))
    events = await handle(engine, released(40, version=2))

    order = await stored(engine)
    assert (order.status, order.units, order.release_version) == (ProductionStatus.RELEASED, 40, 2)
    assert materials_of(order) == [("M-STOCKED", 40, 30, 10, 0)]
    assert await stock(engine, "M-STOCKED") == (30, 30)  # every free unit, and 10 short
    [listed] = of(MaterialsListed, events)
    assert [(m.need, m.reserved, m.shortfall) for m in listed.payload.materials] == [(40, 30, 10)]
    async with engine.connect() as connection:
        [requisition] = await REQUISITIONS.find(connection, order_id=ORDER)
    assert (requisition.material_code, requisition.quantity) == ("M-STOCKED", Decimal(10))


@pytest.mark.rule("P7.3")
async def test_an_increase_of_material_already_bought_asks_only_for_the_extra(
    engine: AsyncEngine,
) -> None:
    await handle(engine, released(20, product=BOUGHT))
    await handle(engine, released(30, version=2, product=BOUGHT))
    await handle(engine, decided(2, 30, product=BOUGHT))

    async with engine.connect() as connection:
        found = await REQUISITIONS.find(connection, order_id=ORDER)
    assert sorted(r.quantity for r in found) == [10, 20]
    assert materials_of(await stored(engine)) == [("M-BOUGHT", 30, 0, 30, 0)]


@pytest.mark.rule("P7.3")
async def test_a_release_before_its_decision_and_a_decision_before_its_release_give_the_same_order(
    tmp_path: Path,
) -> None:
    """Rule 3 in both orders of arrival: the release alone gives no more (version 1 is still
    the applied one), the decision alone gives no more (the extra is not released yet); the
    second of the two gives the extra."""
    ends = []
    for name, first, second in (
        ("release-first", released(30, version=2), decided(2, 30)),
        ("decision-first", decided(2, 30), released(30, version=2)),
    ):
        async with plant_database(tmp_path / f"{name}.db") as engine:
            await handle(engine, released(20))
            await handle(engine, first)
            assert (await stored(engine)).units == 20
            await handle(engine, second)
            order = await stored(engine)
            ends.append(
                (
                    order.lines,
                    materials_of(order),
                    order.version,
                    order.release_version,
                    order.confirmed_delivery_date,
                    await stock(engine, "M-STOCKED"),
                )
            )
    assert ends[0] == ends[1]
    assert ends[0][1] == [("M-STOCKED", 30, 30, 0, 0)]


@pytest.mark.rule("P7.3")
async def test_a_repeated_or_older_release_changes_nothing(engine: AsyncEngine) -> None:
    await handle(engine, released(20))
    await handle(engine, decided(2, 30))
    await handle(engine, released(30, version=2))
    before = await stored(engine)

    assert await handle(engine, released(30, version=2)) == []  # the same version again
    assert await handle(engine, released(20)) == []  # an older one, late
    after = await stored(engine)
    assert (after.lines, after.materials, after.release_version) == (
        before.lines,
        before.materials,
        2,
    )
    assert await stock(engine, "M-STOCKED") == (30, 30)


@pytest.mark.rule("P7.3")
async def test_a_produced_order_whose_quantity_grew_goes_back_to_released_and_completes_again_at_the_new_total(  # noqa: E501
    engine: AsyncEngine,
) -> None:
    await handle(engine, released(20))
    first = await in_plant(engine, make(20))
    assert [line.quantity for line in of(GoodsProduced, first)[0].payload.lines] == [20]
    assert await stock(engine, "M-STOCKED") == (10, 0)

    await handle(engine, released(30, version=2))
    await handle(engine, decided(2, 30))

    order = await stored(engine)
    assert (order.status, order.ready_on, order.units_to_book) == (
        ProductionStatus.RELEASED,
        None,
        10,
    )
    assert materials_of(order) == [("M-STOCKED", 30, 30, 0, 20)]  # 20 issued, 10 held
    assert await stock(engine, "M-STOCKED") == (10, 10)
    async with engine.connect() as connection:
        booked = await connection.scalar(select(production_orders.c.booked_units))
    assert booked == 10  # the booking holds capacity for the extra only

    again = await in_plant(engine, make(10))  # the patrols passed stand
    order = await stored(engine)
    assert order.status is ProductionStatus.PRODUCED
    assert materials_of(order) == [("M-STOCKED", 30, 30, 0, 30)]
    assert await stock(engine, "M-STOCKED") == (0, 0)
    [produced] = of(GoodsProduced, again)
    assert [(line.product_code, line.quantity) for line in produced.payload.lines] == [
        (STOCKED, 30)
    ]
    assert [(i.inspected, i.passed) for i in produced.payload.inspected] == [(30, 30)]


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P4.8")
async def test_the_automatic_policy_starts_a_produced_order_that_grew_again_and_completes_it(
    engine: AsyncEngine,
) -> None:
    first = await handle(engine, released(20), policy=True)
    assert [line.quantity for line in of(GoodsProduced, first)[0].payload.lines] == [20]

    await handle(engine, decided(2, 30), policy=True)
    again = await handle(engine, released(30, version=2), policy=True)

    order = await stored(engine)
    assert (order.status, order.units) == (ProductionStatus.PRODUCED, 30)
    assert [line.quantity for line in of(GoodsProduced, again)[0].payload.lines] == [30]
    assert await stock(engine, "M-STOCKED") == (0, 0)


@pytest.mark.rule("P7.3")
async def test_an_order_in_production_keeps_going_and_is_issued_the_extra_as_it_is_reserved(
    engine: AsyncEngine,
) -> None:
    await handle(engine, released(20))
    await in_plant(engine, make(10))
    assert await stock(engine, "M-STOCKED") == (10, 0)

    await handle(engine, decided(2, 40))
    await handle(engine, released(40, version=2))

    order = await stored(engine)
    assert (order.status, order.units) == (ProductionStatus.IN_PRODUCTION, 40)
    assert materials_of(order) == [("M-STOCKED", 40, 30, 10, 30)]  # the free 10 issued
    assert await stock(engine, "M-STOCKED") == (0, 0)
    async with engine.connect() as connection:
        [requisition] = await REQUISITIONS.find(connection, order_id=ORDER)
    assert requisition.quantity == 10

    async def delivered(plant: Plant, _: AsyncConnection) -> None:
        await plant.supply("M-STOCKED", Decimal(10), received=True)

    await in_plant(engine, delivered)
    assert materials_of(await stored(engine)) == [("M-STOCKED", 40, 40, 0, 40)]
    assert await stock(engine, "M-STOCKED") == (0, 0)

    await in_plant(engine, receive(10))
    assert (await stored(engine)).status is ProductionStatus.IN_PRODUCTION  # 20 of 40
    done = await in_plant(engine, receive(20))
    assert (await stored(engine)).status is ProductionStatus.PRODUCED
    [produced] = of(GoodsProduced, done)
    assert [line.quantity for line in produced.payload.lines] == [40]


@pytest.mark.rule("P7.3")
@pytest.mark.rule("P4.10")
async def test_a_new_date_after_release_is_the_due_date_and_a_plan_that_misses_it_is_reported(
    engine: AsyncEngine,
) -> None:
    await handle(engine, released(20))
    sooner = date(2031, 8, 8)
    events = await handle(engine, decided(2, 20, kinds=("date",), delivery_date=sooner))

    order = await stored(engine)
    assert (order.confirmed_delivery_date, order.due, order.version) == (sooner, sooner, 2)
    [delayed] = of(OrderDelayed, events)
    assert delayed.payload.confirmed_delivery_date == sooner


@pytest.mark.rule("P7.3")
async def test_the_date_of_a_release_that_came_first_is_not_moved_back_by_its_decision(
    engine: AsyncEngine,
) -> None:
    """Rule 4: within a version the release is a later step than the decision."""
    await handle(engine, released(20))
    release = released(20, version=2)
    release = release.model_copy(
        update={"payload": release.payload.model_copy(update={"delivery_date": date(2031, 11, 3)})}
    )
    await handle(engine, release)
    await handle(engine, decided(2, 20, kinds=("date",), delivery_date=date(2031, 10, 20)))

    assert (await stored(engine)).confirmed_delivery_date == date(2031, 11, 3)
