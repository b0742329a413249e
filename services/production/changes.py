"""What a change of an order does in the plant (P7.1, P7.2, P7.3, P7.4): the acknowledgement
is made from production's own records; an applied decrease or cancellation gives back what the
order no longer needs (reservations go to the orders short of that material, requisitions are
cancelled, and the buyer is asked to cancel what is still open on a purchase order), and an
applied increase whose release came already takes the extra (`relisting`)."""

from services.production import relisting
from services.production.adapters.documents import PURCHASE_ORDERS
from services.production.domain import changes
from services.production.domain.changes import Acknowledgement, ChangeAsked, ChangeDecision
from services.production.domain.model import Outcome, ProductionOrder, ProductionStatus
from services.production.domain.versions import Effect
from services.production.plant import Plant
from shared.contracts.changes import change_number


async def take_request(
    plant: Plant, order: ProductionOrder, asked: ChangeAsked
) -> Acknowledgement | None:
    """Answer a change request once, with what is spent (P7.1, P7.2)."""
    bought = [
        changes.Bought(p.number, p.material_code, p.quantity, p.delivered)
        for p in await PURCHASE_ORDERS.find(plant.connection, order_id=order.order_id)
    ]
    answer = changes.take_request(order, asked, bought)
    await plant.touch(order)
    return answer


async def apply_decision(plant: Plant, order: ProductionOrder, decision: ChangeDecision) -> None:
    """Apply sales' decision (P7.2, P7.3, P7.4); a lifted hold lets the automatic policy
    start."""
    before = order.lines or ()
    effect = changes.apply_decision(order, decision)
    subject = change_number(order.order_id, decision.change_no)
    if effect is Effect.RESHAPED:
        if decision.before_confirmation:
            order.unbook()  # tentative: booked again when the new version is assessed
        else:
            await plant.plan(order, "capacity")
    elif effect is Effect.CANCELLED:
        await close_unfulfilled(plant, order, Outcome.CANCELLED, subject)
    else:
        await relisting.take_new_lines(plant, order, effect, before, subject)
    await plant.touch(order)
    await plant.act_for_people(order)


async def close_unfulfilled(
    plant: Plant, order: ProductionOrder, outcome: Outcome, subject: str
) -> None:
    """File an order that will not be delivered, whichever of `change.decided` and
    `order.closed` comes first (P7.2, P4.2, P4.3): reservations go to the orders that lack
    them, open requisitions are cancelled, the buyer is asked to cancel what is still open on
    purchase orders, and the finished units it holds go to free stock. Once closed, nothing."""
    if order.status is ProductionStatus.CLOSED:
        return
    finished = changes.units_held(order)
    await plant.close(order, outcome)
    await relisting.cut_purchases(plant, order, subject)
    for line in finished:
        await plant.add_finished_stock(line.product_code, line.quantity)
