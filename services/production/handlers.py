"""Production's message handlers: each maps a consumed message to a command and lets the plant
carry it out; the plant collects the events of every order it touched."""

from sqlalchemy.ext.asyncio import AsyncConnection

from services.production import changes, relisting
from services.production.adapters import change_wire, planning
from services.production.adapters.wire import (
    assess_feasibility_command,
    release_order_command,
    revise_delivery_command,
)
from services.production.domain.lines import beyond
from services.production.domain.materials import check_materials
from services.production.domain.model import Outcome
from services.production.domain.planner import weeks_from
from services.production.domain.stock import earliest_start
from services.production.plant import Plant
from shared.contracts import (
    ChangeDecided,
    ChangeRequested,
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
    if order.wants_assessment(command.version):
        calendar = await plant.calendar()
        lines, own = command.lines, order.materials
        if order.released:  # a change reviewed again (P7.3): only its extra is still to make
            lines, own = beyond(order.lines or (), command.lines), ()
        listed, needs, stock = await plant.material_list(lines, own)
        purchasing = check_materials(
            needs, stock, plant.today, command.requested_delivery_date, calendar.lead_days
        )
        start = earliest_start(listed, plant.today)
        booked = await planning.booked_units(
            connection, weeks_from(start or plant.today), excluding=order.order_id
        )
        order.assess(command, calendar, booked, purchasing, start, plant.today, lines)
        await plant.touch(order)
    return await plant.events(incoming.causation_id)


async def release_order(
    connection: AsyncConnection, incoming: Incoming[OrderReleased], policy: bool = False
) -> list[Event]:
    """P3.2, P4.1, P4.2, P4.3, P4.5: sales' release is the only start of production: the
    materials are listed and reserved, requisitions raised, the order booked. A release of a
    newer version of an order released already may give it more units (P7.3, rule 3)."""
    command = release_order_command(incoming.body)
    plant = Plant(connection, incoming.received_at, policy)
    order = await plant.order_or_start(command.order_id)
    if order.awaits_release:
        await plant.release(order, command)
    else:
        await relisting.take_later_release(plant, order, command)
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
    gives its booking and materials back, and one declined or cancelled its purchases and
    finished units too (P7.2: the closing may come before the change's decision). An order can
    be closed before production heard of it; it is filed all the same and never made."""
    plant = Plant(connection, incoming.received_at, policy)
    order = await plant.order_or_start(incoming.body.order_id)
    outcome = Outcome(incoming.body.payload.outcome)
    if outcome is Outcome.FULFILLED:
        await plant.close(order, outcome)
    else:
        subject = f"order {order.order_id} {outcome.value}"
        await changes.close_unfulfilled(plant, order, outcome, subject)
    return await plant.events(incoming.causation_id)


async def take_change_request(
    connection: AsyncConnection, incoming: Incoming[ChangeRequested], policy: bool = False
) -> list[Event]:
    """P7.1, P7.2: answer each change once with what is spent (started, units finished,
    material issued, material bought) and hold the start for a decrease, cancellation or
    changed requirement; an order production has not heard of is started and answered empty."""
    plant = Plant(connection, incoming.received_at, policy)
    order = await plant.order_or_start(incoming.body.order_id)
    answer = await changes.take_request(plant, order, change_wire.asked(incoming.body))
    events = await plant.events(incoming.causation_id)
    if answer is not None:
        events.append(
            change_wire.acknowledged(
                answer, order.order_id, incoming.causation_id, incoming.received_at
            )
        )
    return events


async def apply_change_decision(
    connection: AsyncConnection, incoming: Incoming[ChangeDecided], policy: bool = False
) -> list[Event]:
    """P7.2, P7.3, P7.4: the hold is lifted; an applied decrease frees the material beyond the
    new need and cuts purchases, an increase already released takes the extra, a new date is
    the due date, a cancellation closes the order, a change before confirmation takes the new
    lines and drops the tentative booking."""
    plant = Plant(connection, incoming.received_at, policy)
    order = await plant.order_or_start(incoming.body.order_id)
    await changes.apply_decision(plant, order, change_wire.decision(incoming.body))
    return await plant.events(incoming.causation_id)
