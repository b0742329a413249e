"""A released order whose lines changed, in the plant (P7.2, P7.3): its material requirement
list is made again for the new lines. Fewer units give back what the order held beyond the new
need to the orders that lack it and cut the purchases beyond it; more units take free stock as
far as it goes and raise requisitions for the rest. While the order is being made the extra
material is issued to it as it is reserved, and the finished units a cut leaves beyond the new
quantity go to free stock. A later `order.released` of an order released already comes here
too: whichever of it and the change's decision comes second gives the extra (rule 3)."""

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from services.production.adapters import planning
from services.production.adapters.documents import PURCHASE_ORDERS, REQUISITIONS
from services.production.domain import quality
from services.production.domain.changes import surplus
from services.production.domain.commands import Line, ReleaseOrder
from services.production.domain.events import MaterialsWereListed, ScheduleWasChanged
from services.production.domain.materials import requirements
from services.production.domain.model import ProductionOrder, ProductionStatus
from services.production.domain.purchasing import PurchaseOrderStatus, RequisitionStatus
from services.production.domain.stock import relist
from services.production.domain.versions import Effect, take_release
from services.production.plant import OPEN_REQUISITIONS, Plant
from shared.contracts.changes import change_number

RELISTING = (Effect.DECREASED, Effect.INCREASED, Effect.SUPPLEMENTED)
GROWING = (Effect.INCREASED, Effect.SUPPLEMENTED)


async def take_later_release(plant: Plant, order: ProductionOrder, command: ReleaseOrder) -> None:
    """P7.3: `order.released` of a newer version for an order released already: rule 3's
    lines, and the extra they give made as `take_new_lines` says; the release's date is the
    due date. A repeated or older release changes nothing."""
    before = order.lines or ()
    effect = take_release(order, command)
    await take_new_lines(
        plant, order, effect, before, change_number(order.order_id, command.version)
    )
    await plant.touch(order)
    await plant.act_for_people(order)


async def take_new_lines(
    plant: Plant, order: ProductionOrder, effect: Effect, before: Sequence[Line], subject: str
) -> None:
    """What the plant does once a released order took new lines (`effect`), `subject` the
    change that made them: finished units beyond the new quantity to free stock, and the
    material list made again."""
    if effect is Effect.CUT or effect in RELISTING:  # none unless units were received
        for line in surplus(order, before, order.lines or ()):
            await plant.add_finished_stock(line.product_code, line.quantity)
    if effect in RELISTING:
        await _relist(plant, order, subject, grown=effect in GROWING)


async def _relist(plant: Plant, order: ProductionOrder, subject: str, grown: bool) -> None:
    """Each material's need made again for the order's lines (P4.1): what it held beyond the
    need goes to the orders that lack it (P4.2), as a closed order's does; a need that grew is
    reserved from free stock (issued at once while the order is being made) and the rest is
    bought (P4.3); the list is published and the order planned again (P4.5)."""
    lines = order.lines or ()
    pairs = [(line.product_code, line.quantity) for line in lines]
    bom = await planning.bom_for(plant.connection, [code for code, _ in pairs])
    needs = requirements(pairs, bom).needs
    codes = set(needs) | {line.material_code for line in order.materials}
    stock = await planning.stock_for(plant.connection, codes, order.materials)
    order.materials, freed = relist(order.materials, needs, stock, plant.today)
    if order.status is ProductionStatus.IN_PRODUCTION:
        order.issue_held()
    if grown:
        await _route_new_products(plant, order)
    await plant.touch(order)
    for material_code, amount in freed:
        await plant.supply(material_code, amount, received=False)
    await cut_purchases(plant, order, subject)
    if grown:
        await plant.raise_requisitions(order)
    lead_days = (await plant.calendar()).lead_days
    order.events.append(
        MaterialsWereListed(
            order.order_id, order.materials, order.needed_by(lead_days), order.urgent
        )
    )
    if order.booking is not None:
        order.events.append(ScheduleWasChanged(order.order_id))  # other units in its week
    short = any(not line.complete for line in order.materials)
    await plant.plan(order, "late_purchase" if grown and short else "capacity")


async def _route_new_products(plant: Plant, order: ProductionOrder) -> None:
    """A product the change added gets its routing's operations, after the existing ones."""
    known = {operation.product_code for operation in order.operations}
    added = [line.product_code for line in order.lines or () if line.product_code not in known]
    if added:
        routings = await planning.routings_for(plant.connection, added)
        order.operations = quality.extend_routing(order.operations, added, routings)


async def cut_purchases(plant: Plant, order: ProductionOrder, subject: str) -> None:
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
        beyond = covered - lacking
        for purchase in reversed(open_orders):
            if purchase.open_quantity > beyond:
                continue  # partly needed still: kept whole, what comes beyond is free stock
            if not purchase.cancellation_asked:
                await PURCHASE_ORDERS.save(
                    plant.connection, replace(purchase, cancellation_asked=reason)
                )
            beyond -= purchase.open_quantity
