"""Production's message handlers: each maps a consumed message to a command and lets the plant
carry it out; the plant collects the events of every order it touched."""

from sqlalchemy.ext.asyncio import AsyncConnection

from services.production.adapters import planning
from services.production.adapters.wire import (
    assess_feasibility_command,
    release_order_command,
    revise_delivery_command,
)
from services.production.domain.materials import check_materials
from services.production.domain.model import Outcome
from services.production.domain.planner import weeks_from
from services.production.domain.stock import earliest_start
from services.production.plant import Plant
from shared.contracts import (
    DeliveryRevised,
    Event,
    FeasibilityRequested,
    OrderClosed,
    OrderReleased,
)
from shared.messaging.routes import Incoming


async def assess_feasibility(
    connection: AsyncConnection, incoming: Incoming[FeasibilityRequested], policy: bool = False
) -> list[Event]:
    """P2.4, P4.5: answer review once per order for production (the planner's week, start and
    ready day, booked tentatively) and purchasing (materials in stock or bought in time)."""
    command = assess_feasibility_command(incoming.body)
    plant = Plant(connection, incoming.received_at, policy)
    order = await plant.order_or_start(command.order_id)
    if order.awaits_assessment:
        calendar = await plant.calendar()
        listed, needs, stock = await plant.material_list(command.lines, order.materials)
        purchasing = check_materials(
            needs, stock, plant.today, command.requested_delivery_date, calendar.lead_days
        )
        start = earliest_start(listed, plant.today)
        booked = await planning.booked_units(
            connection, weeks_from(start or plant.today), excluding=order.order_id
        )
        order.assess(command, calendar, booked, purchasing, start, plant.today)
        await plant.touch(order)
    return await plant.events(incoming.causation_id)


async def release_order(
    connection: AsyncConnection, incoming: Incoming[OrderReleased], policy: bool = False
) -> list[Event]:
    """P3.2, P4.1, P4.2, P4.3, P4.5: sales' release is the only start of production: the
    materials are listed and reserved, requisitions raised, the order booked."""
    command = release_order_command(incoming.body)
    plant = Plant(connection, incoming.received_at, policy)
    order = await plant.order_or_start(command.order_id)
    await plant.release(order, command)
    return await plant.events(incoming.causation_id)


async def revise_delivery(
    connection: AsyncConnection, incoming: Incoming[DeliveryRevised], policy: bool = False
) -> list[Event]:
    """P4.10: the date sales agreed with the customer is the order's due date from now on."""
    command = revise_delivery_command(incoming.body)
    plant = Plant(connection, incoming.received_at, policy)
    order = await plant.order(command.order_id)
    if order is not None:
        order.revise_delivery(command.delivery_date)
        await plant.touch(order)
    return await plant.events(incoming.causation_id)


async def close_order(
    connection: AsyncConnection, incoming: Incoming[OrderClosed], policy: bool = False
) -> list[Event]:
    """P7.6: file the production order with the order's final outcome; one that never started
    gives its booking and materials back. An order can be closed before production heard of it;
    it is filed all the same and never made."""
    plant = Plant(connection, incoming.received_at, policy)
    order = await plant.order_or_start(incoming.body.order_id)
    await plant.close(order, Outcome(incoming.body.payload.outcome))
    return await plant.events(incoming.causation_id)
