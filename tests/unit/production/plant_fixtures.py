"""What production's handler tests on an embedded database share: the plant's master data (one
material in stock, one to be bought), the database built by the service's migrations, the
messages sales sends, and people's work in the plant in one unit of work."""

import contextlib
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.production import decisions, handlers
from services.production.adapters import planning
from services.production.app import DEFINITION
from services.production.plant import Plant
from shared.contracts import Event
from shared.contracts.changes import ChangeDecided, ChangeRequested
from shared.contracts.events import OrderClosed
from shared.contracts.process import FeasibilityRequested, OrderReleased
from shared.db import rows
from shared.decisions import Person
from shared.messaging.events import new_event
from shared.seed import load_seed
from shared.seed.model import BomLine, Material, Seed, WeeklyCapacity
from tests.support.databases import sqlite_database
from tests.unit.properties.harness import incoming

NOW = datetime(2031, 8, 4, 9, 0, tzinfo=UTC)
DUE = date(2031, 12, 1)
ORDER = "SO-2031-000001"
STOCKED, BOUGHT = "P-STOCKED", "P-BOUGHT"
MANAGER = Person("paul.meyer", "production_manager")
INSPECTOR = Person("jan.berg", "qa_inspector")
CLERK = Person("ole.lund", "warehouse_clerk")
PRICE = Decimal("10.00")
CAPACITY = 100
"""Units a week."""
E = TypeVar("E", bound=Event)


def seed(*extra: BomLine, on_hand: Decimal = Decimal(30), lead_time_days: int = 10) -> Seed:
    """`on_hand` units of one material in stock, none of the other (bought in `lead_time_days`);
    `extra` lines of the bill of materials after the two products'."""
    return load_seed().model_copy(
        update={
            "materials": [
                Material(
                    material_code="M-STOCKED",
                    name="in stock",
                    unit="pc",
                    on_hand=on_hand,
                    lead_time_days=20,
                    supplier="Stahlwerk AG",
                ),
                Material(
                    material_code="M-BOUGHT",
                    name="to be bought",
                    unit="pc",
                    on_hand=Decimal(0),
                    lead_time_days=lead_time_days,
                    supplier="Stahlwerk AG",
                ),
            ],
            "bill_of_materials": [
                BomLine(product_code=STOCKED, material_code="M-STOCKED", quantity_per_unit=1),
                BomLine(product_code=BOUGHT, material_code="M-BOUGHT", quantity_per_unit=1),
                *extra,
            ],
            "weekly_capacity": WeeklyCapacity(default_units=CAPACITY, overrides={}, lead_days=5),
            "routings": [],
        }
    )


@contextlib.asynccontextmanager
async def plant_database(path: Path, *extra: BomLine) -> AsyncIterator[AsyncEngine]:
    """Production's database at `path`, its master data loaded from `seed(*extra)`."""
    async with sqlite_database(path, DEFINITION.migrations) as engine:
        async with engine.begin() as connection, rows.in_scope(connection):
            await planning.load_master_data(connection, seed(*extra))
        yield engine


def message(
    kind: type[E], body: dict[str, Any], order_id: str = ORDER, producer: str = "sales"
) -> E:
    """A message of `kind` about `order_id`, as `producer` publishes it at NOW."""
    return new_event(
        kind, order_id=order_id, producer=producer, causation_id=None, occurred_at=NOW, payload=body
    )


def order_lines(product: str, units: int) -> list[dict[str, Any]]:
    """Line 1 of `units` of `product` at PRICE; none for no units."""
    if not units:
        return []
    return [
        {
            "line_no": 1,
            "product_code": product,
            "quantity": units,
            "unit_price": PRICE,
            "amount": PRICE * units,
        }
    ]


def total(lines: list[dict[str, Any]]) -> Decimal:
    return sum((line["amount"] for line in lines), start=Decimal(0))


def decided(
    change_no: int,
    kinds: Sequence[str],
    product: str,
    units: int,
    outcome: str = "applied",
    stage: str = "after_confirmation",
    delivery_date: date = DUE,
) -> ChangeDecided:
    """Sales' decision on change `change_no` (applied: the order's lines become `units`)."""
    applied = outcome == "applied"
    lines = order_lines(product, units) if applied else []
    payload = {
        "change_no": change_no,
        "outcome": outcome,
        "stage": stage,
        "kinds": list(kinds),
        "lines": lines,
        "total_amount": total(lines) if applied else None,
        "delivery_date": delivery_date if applied else None,
        "reason": "" if applied else "the customer withdrew it",
        "decided": None,
    }
    return message(ChangeDecided, payload)


def released(
    product: str, units: int, order_id: str = ORDER, version: int | None = None
) -> OrderReleased:
    """order.released of `units` of `product`; of `version` where one is given."""
    payload: dict[str, Any] = {
        "delivery_date": DUE,
        "gate": "signed",
        "lines": [{"product_code": product, "quantity": units}],
    }
    if version is not None:
        payload["version"] = version
    return message(OrderReleased, payload, order_id)


async def handle(engine: AsyncEngine, body: Event, policy: bool = False) -> list[Event]:
    """The handler of `body`'s kind, in one unit of work; the events it publishes."""
    handler: Any = {
        ChangeRequested: handlers.take_change_request,
        ChangeDecided: handlers.apply_change_decision,
        OrderReleased: handlers.release_order,
        FeasibilityRequested: handlers.assess_feasibility,
        OrderClosed: handlers.close_order,
    }[type(body)]
    async with engine.begin() as connection, rows.in_scope(connection):
        return list(await handler(connection, incoming(body, body.TOPIC, NOW), policy))


async def worked(engine: AsyncEngine, work: Any) -> tuple[Any, list[Event]]:
    """People's work in one unit of work: what it returns and the events it publishes."""
    async with engine.begin() as connection, rows.in_scope(connection):
        plant = Plant(connection, NOW)
        result = await work(plant, connection)
        return result, await plant.events(None)


def make(units: int, product: str = STOCKED) -> Any:
    """Start (or start again), pass the waiting patrols, inspect and receive `units`."""

    async def work(plant: Plant, connection: AsyncConnection) -> None:
        order = await decisions.start(plant, ORDER, MANAGER)
        for operation in order.operations:
            if operation.status.value != "passed":
                await decisions.patrol(plant, ORDER, operation.number, True, "", INSPECTOR)
        await receive(units, product)(plant, connection)

    return work


def receive(units: int, product: str = STOCKED) -> Any:
    """Inspect `units` of the order being made, pass them all and receive them."""

    async def work(plant: Plant, _: AsyncConnection) -> None:
        order = await decisions.request_inspection(plant, ORDER, product, units, MANAGER)
        number = order.inspections[-1].number
        await decisions.sign_inspection(plant, ORDER, number, units, 0, "", INSPECTOR)
        await decisions.receive(plant, ORDER, product, units, CLERK)

    return work
