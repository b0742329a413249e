"""What a change of an order does in the plant (P7.1, P7.2, P7.4): the acknowledgement is made
from production's own records, and an applied decrease or cancellation gives back what the
order no longer needs: reservations go to the orders short of that material, requisitions are
cancelled, and the buyer is asked to cancel what is still open on a purchase order."""

from dataclasses import replace
from decimal import Decimal

from services.production.adapters import planning
from services.production.adapters.documents import PURCHASE_ORDERS, REQUISITIONS
from services.production.domain import changes
from services.production.domain.changes import Acknowledgement, ChangeAsked, ChangeDecision
from services.production.domain.events import MaterialsWereListed, ScheduleWasChanged
from services.production.domain.materials import requirements
from services.production.domain.model import Outcome, ProductionOrder, ProductionStatus
from services.production.domain.purchasing import PurchaseOrderStatus, RequisitionStatus
from services.production.domain.stock import MaterialLine
from services.production.plant import OPEN_REQUISITIONS, Plant
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
    """Apply sales' decision (P7.2, P7.4); a lifted hold lets the automatic policy start."""
    before = order.lines or ()
    effect = changes.apply_decision(order, decision)
    subject = change_number(order.order_id, decision.change_no)
    if effect is changes.Effect.RESHAPED:
        if decision.before_confirmation:
            order.unbook()  # tentative: booked again when the new version is assessed
        else:
            await plant.plan(order, "capacity")
    elif effect is changes.Effect.DECREASED:
        await _decrease(plant, order, subject)
    elif effect is changes.Effect.CUT:
        for line in changes.surplus(order, before, order.lines or ()):
            await plant.add_finished_stock(line.product_code, line.quantity)
    elif effect is changes.Effect.CANCELLED:
        await close_unfulfilled(plant, order, Outcome.CANCELLED, subject)
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
    await _cut_purchases(plant, order, subject)
    for line in finished:
        await plant.add_finished_stock(line.product_code, line.quantity)


async def _decrease(plant: Plant, order: ProductionOrder, subject: str) -> None:
    """Fewer units, not started: each material's need is made again for the new lines; what
    is reserved beyond it goes to the orders that lack it (P4.2), as a closed order's does."""
    pairs = [(line.product_code, line.quantity) for line in order.lines or ()]
    bom = await planning.bom_for(plant.connection, [code for code, _ in pairs])
    needs = requirements(pairs, bom).needs
    kept: list[MaterialLine] = []
    freed: list[tuple[str, Decimal]] = []
    for line in order.materials:
        need = needs.get(line.material_code, Decimal(0))
        reserved = min(line.reserved, need)
        if line.reserved > reserved:
            freed.append((line.material_code, line.reserved - reserved))
        if need > 0:
            short = need - reserved
            kept.append(
                replace(
                    line,
                    need=need,
                    reserved=reserved,
                    shortfall=short,
                    expected_on=line.expected_on if short else None,
                )
            )
    order.materials = tuple(kept)
    await plant.touch(order)
    for material_code, amount in freed:
        await plant.supply(material_code, amount, received=False)
    await _cut_purchases(plant, order, subject)
    lead_days = (await plant.calendar()).lead_days
    order.events.append(
        MaterialsWereListed(order.order_id, order.materials, order.needed_by(lead_days), False)
    )
    if order.booking is not None:
        order.events.append(ScheduleWasChanged(order.order_id))  # fewer units in its week
    await plant.plan(order, "capacity")


async def _cut_purchases(plant: Plant, order: ProductionOrder, subject: str) -> None:
    """Per material, purchases beyond what the order still lacks: open requisitions are cut
    to it or cancelled, oldest kept first; the buyer is asked to cancel the purchase orders
    whose open quantity is wholly beyond it, newest first (P4.3, P7.2): one still partly needed
    is kept whole, so answering "cancelled" never leaves the order short."""
    short = {line.material_code: line.shortfall for line in order.materials}
    reason = f"no longer needed after {subject}"
    requisitions = await REQUISITIONS.find(plant.connection, order_id=order.order_id)
    purchases = await PURCHASE_ORDERS.find(plant.connection, order_id=order.order_id)
    codes = {r.material_code for r in requisitions} | {p.material_code for p in purchases}
    for code in sorted(codes):
        lacking = short.get(code, Decimal(0))
        open_orders = sorted(
            (
                p
                for p in purchases
                if p.material_code == code
                and p.status is PurchaseOrderStatus.OPEN
                and p.open_quantity > 0
            ),
            key=lambda p: p.number,
        )
        covered = sum((p.open_quantity for p in open_orders), start=Decimal(0))
        still = max(lacking - covered, Decimal(0))
        for requisition in sorted(
            (r for r in requisitions if r.material_code == code and r.status in OPEN_REQUISITIONS),
            key=lambda r: r.number,
        ):
            if still >= requisition.quantity:
                still -= requisition.quantity
                continue
            if still > 0:
                cut = replace(requisition, quantity=still, reason=reason)
                still = Decimal(0)
            else:
                cut = replace(requisition, status=RequisitionStatus.CANCELLED, reason=reason)
            await REQUISITIONS.save(plant.connection, cut)
        surplus = covered - lacking
        for purchase in reversed(open_orders):
            if purchase.open_quantity > surplus:
                continue  # partly needed still: kept whole, what comes beyond is free stock
            if not purchase.cancellation_asked:
                await PURCHASE_ORDERS.save(
                    plant.connection, replace(purchase, cancellation_asked=reason)
                )
            surplus -= purchase.open_quantity
