"""What one unit of work does in the plant (P4.1 to P4.10): it plans, supplies and re-plans the
production orders it touches, raises requisitions for their shortfalls, and at the end stores
every order once more and collects their events for the outbox.

Bus handlers and people's decisions both work through a `Plant`, so a receipt that fills three
orders' shortfalls, or a rush order that pushes two others out of a week, re-plans each of them
in the same transaction and reports each delay at once.
"""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.production.adapters import planning, repository
from services.production.adapters.documents import PURCHASE_ORDERS, REQUISITIONS
from services.production.adapters.tables import finished_stock, materials
from services.production.adapters.wire import to_wire
from services.production.domain import quality
from services.production.domain.authority import POLICY
from services.production.domain.commands import Line, ReleaseOrder
from services.production.domain.events import ScheduleWasChanged
from services.production.domain.lines import ordered
from services.production.domain.materials import Requirements, Stock, requirements
from services.production.domain.model import Outcome, ProductionOrder, ProductionStatus
from services.production.domain.planner import (
    HORIZON_WEEKS,
    Booked,
    CapacityCalendar,
    Slot,
    earliest_slot,
    schedule_urgent,
    weeks_from,
)
from services.production.domain.purchasing import (
    PurchaseOrder,
    Requisition,
    RequisitionStatus,
    decide_requisition,
    place_purchase_order,
)
from services.production.domain.stock import (
    MaterialLine,
    distribute,
    earliest_start,
    list_materials,
    supplier_date,
    take_for_rush,
)
from shared.contracts import Event
from shared.contracts.bounds import DATE_MAX
from shared.db import rows
from shared.db.upsert import upsert
from shared.decisions import Signature

OPEN_REQUISITIONS = (RequisitionStatus.PENDING, RequisitionStatus.APPROVED)


class Plant:
    def __init__(self, connection: AsyncConnection, now: datetime, policy: bool = False) -> None:
        self.connection = connection
        self.now = now
        self.today = now.date()
        self.policy = policy
        """The automatic policy stands in for the people (off unless a deployment enables it)."""
        self.orders: dict[str, ProductionOrder] = {}

    # -- orders -------------------------------------------------------------------------------

    async def order(self, order_id: str) -> ProductionOrder | None:
        if order_id not in self.orders:
            found = await repository.load(self.connection, order_id)
            if found is None:
                return None
            self.orders[order_id] = found
        return self.orders[order_id]

    async def order_or_start(self, order_id: str) -> ProductionOrder:
        found = await self.order(order_id)
        if found is None:
            found = ProductionOrder.start(order_id)
            self.orders[order_id] = found
        return found

    async def touch(self, order: ProductionOrder) -> None:
        """Store the order now, so the next plan of this transaction sees its booking."""
        self.orders[order.order_id] = order
        await repository.sync(self.connection, order)

    async def calendar(self) -> CapacityCalendar:
        return await planning.load_calendar(self.connection)

    async def events(self, causation_id: UUID | None) -> list[Event]:
        """Store every order touched and translate their new events, in order; an order's
        several schedule changes in one transaction are one event, its latest state."""
        out: list[Event] = []
        for order in self.orders.values():
            await repository.store(self.connection, order)
            last_schedule = max(
                (i for i, e in enumerate(order.events) if isinstance(e, ScheduleWasChanged)),
                default=-1,
            )
            for index, event in enumerate(order.events):
                if isinstance(event, ScheduleWasChanged) and index != last_schedule:
                    continue
                wired = to_wire(event, order, causation_id, self.now)
                if wired is not None:
                    out.append(wired)
            order.events.clear()
        return out

    # -- planning -----------------------------------------------------------------------------

    async def plan(self, order: ProductionOrder, cause: str) -> None:
        """Book the order into the first week with room from its earliest start (P4.5), or
        ahead of others if it is urgent (P4.6); report a delay if it then misses its date."""
        start = await self.earliest_start(order)
        if start is None or not order.plannable or not order.lines:
            return
        if order.urgent and await self._plan_urgent(order, start, cause):
            return
        calendar = await self.calendar()
        booked = await planning.booked_units(
            self.connection, weeks_from(start), excluding=order.order_id
        )
        slot = earliest_slot(calendar, booked, order.units_to_book, start)
        if slot is not None:
            order.book(slot, cause)
            await self.touch(order)

    async def earliest_start(self, order: ProductionOrder) -> date | None:
        """The first day the order can start: from its material list once released; before
        that, from what stock and suppliers could give it now (as for its feasibility)."""
        if order.released or not order.lines:
            return order.earliest_start(self.today)
        listed, _needs, _stock = await self.material_list(order.lines, order.materials)
        return earliest_start(listed, self.today)

    async def material_list(
        self, lines: Sequence[Line], own: Sequence[MaterialLine] = ()
    ) -> tuple[tuple[MaterialLine, ...], Requirements, dict[str, Stock]]:
        """What `lines` need of each material (P4.1), and what free stock (besides what the
        order itself holds, `own`) and suppliers could give them today (P4.2, P4.3)."""
        pairs = [(line.product_code, line.quantity) for line in lines]
        bom = await planning.bom_for(self.connection, [code for code, _ in pairs])
        stock = await planning.stock_for(self.connection, planning.materials_of(bom), own)
        needs = requirements(pairs, bom)
        return list_materials(needs, stock, self.today), needs, stock

    async def _plan_urgent(self, order: ProductionOrder, start: date, cause: str) -> bool:
        """Put a rush order ahead of the others; False when it cannot go first without
        overfilling a week, and is then planned like any other order."""
        calendar = await self.calendar()
        # every week from today: an order it displaces may move to a week before its start
        horizon = (start - self.today).days // 7 + 1 + HORIZON_WEEKS
        ids = await planning.booked_orders(self.connection, weeks_from(self.today, horizon))
        others: list[Booked] = []
        for order_id in ids:
            other = await self.order(order_id)
            if other is None or other.order_id == order.order_id or other.booking is None:
                continue
            others.append(self._booked(other))
        rush = Booked(
            order.order_id,
            order.booking or Slot("", start, start),
            order.units_to_book,
            start,
            order.due or DATE_MAX,
            urgent=True,
            movable=True,
        )
        moved = schedule_urgent(calendar, rush, others)
        for order_id, slot in moved.items():
            target = self.orders[order_id] if order_id != order.order_id else order
            target.book(slot, cause if target is order else "rush")
            await self.touch(target)
        return bool(moved)

    def _booked(self, order: ProductionOrder) -> Booked:
        assert order.booking is not None
        return Booked(
            order.order_id,
            order.booking,
            order.units_to_book,
            order.earliest_start(self.today) or order.booking.start,
            order.due or DATE_MAX,
            urgent=order.urgent,
            movable=order.plannable,
        )

    # -- release and materials ----------------------------------------------------------------

    async def release(self, order: ProductionOrder, command: ReleaseOrder) -> None:
        """P4.1, P4.2, P4.3, P4.5, P4.6: list and reserve the materials (a rush order takes
        from orders that need them later), raise requisitions for what is short, book it."""
        if not order.awaits_release:
            return
        calendar = await self.calendar()
        lines = order.to_release(command.lines)
        codes = [line.product_code for line in lines]
        listed, _needs, stock = await self.material_list(lines)
        operations = quality.routing_operations(
            codes, await planning.routings_for(self.connection, codes)
        )
        order.release(command, listed, operations, calendar.lead_days)
        await self.touch(order)
        if order.urgent:
            await self._take_for_rush(order, stock)
            order.relist_materials()
        await self.raise_requisitions(order)
        short = any(not line.complete for line in order.materials)
        await self.plan(order, "late_purchase" if short else "capacity")
        await self.act_for_people(order)

    async def _take_for_rush(self, order: ProductionOrder, stock: dict[str, Stock]) -> None:
        for line in order.materials:
            if line.complete:
                continue
            claims = [
                c
                for c in await repository.claims_on(self.connection, line.material_code)
                if c.order_id != order.order_id
            ]
            for donor_id, amount in take_for_rush(line.shortfall, claims):
                donor = await self.order(donor_id)
                if donor is None:
                    continue
                donor.material_taken(
                    line.material_code,
                    amount,
                    supplier_date(stock[line.material_code], self.today),
                )
                order.material_received(line.material_code, amount)
                await self.touch(donor)
                await self.touch(order)
                await self.plan(donor, "rush")
                await self.raise_requisitions(donor)

    async def raise_requisitions(self, order: ProductionOrder, cause: str = "shortfall") -> None:
        """A requisition for what each material still lacks beyond what is already asked
        for or on order (P4.3); the automatic policy approves and orders it at once."""
        for line in order.materials:
            if line.complete:
                continue
            covered = Decimal(0)
            for requisition in await REQUISITIONS.find(
                self.connection, order_id=order.order_id, material_code=line.material_code
            ):
                if requisition.status in OPEN_REQUISITIONS:
                    covered += requisition.quantity
            for purchase in await PURCHASE_ORDERS.find(
                self.connection, order_id=order.order_id, material_code=line.material_code
            ):
                covered += purchase.open_quantity
            if covered >= line.shortfall:
                continue
            requisition = Requisition(
                number=await REQUISITIONS.number(self.connection),
                order_id=order.order_id,
                material_code=line.material_code,
                quantity=line.shortfall - covered,
                needed_by=order.booking.start
                if order.booking
                else order.needed_by((await self.calendar()).lead_days),
                raised_at=self.today,
                cause=cause,
            )
            await REQUISITIONS.add(self.connection, requisition)
            if self.policy:
                await self.policy_orders(requisition)

    async def policy_orders(self, requisition: Requisition) -> None:
        """The automatic policy approves a requisition and orders it from the usual supplier,
        promised after the supplier's lead time."""
        signed = Signature.of(POLICY, self.now)
        approved = decide_requisition(requisition, True, "automatic policy", signed)
        stock = await planning.stock_for(self.connection, [requisition.material_code])
        material = stock.get(requisition.material_code)
        promised = supplier_date(material, self.today) if material is not None else None
        if material is None or promised is None:
            await REQUISITIONS.save(self.connection, approved)
            return
        ordered_req, purchase = place_purchase_order(
            approved,
            await PURCHASE_ORDERS.number(self.connection),
            material.supplier,
            approved.quantity,
            promised,
            self.today,
            signed,
        )
        await REQUISITIONS.save(self.connection, ordered_req)
        await self.purchase_placed(purchase)

    async def purchase_placed(self, purchase: PurchaseOrder) -> None:
        """A purchase order's promised date is when its order's material is expected; a date
        too late for the order's plan is a delay (P4.3, P4.10)."""
        await PURCHASE_ORDERS.add(self.connection, purchase)
        order = await self.order(purchase.order_id)
        if order is None or not (order.plannable or order.being_made):
            return
        order.material_expected(purchase.material_code, purchase.promised_on)
        await self.touch(order)
        await self.plan(order, "late_purchase")

    async def supply(self, material_code: str, quantity: Decimal, received: bool) -> None:
        """Material for the claims that lack it, rush orders first, then by need-by date (P4.2,
        P4.4); `received`: it is new stock (accepted by incoming inspection), else stock that
        became free. Every order it completes is planned again; one being made for the extra
        of an increase is issued what it gets at once (P7.3)."""
        if received:
            row = await rows.load(self.connection, materials, material_code, for_update=True)
            if row is not None:
                row["on_hand"] = row["on_hand"] + quantity
                await rows.save(self.connection, materials, row)
        claims = await repository.claims_on(self.connection, material_code)
        for order_id, amount in distribute(quantity, claims):
            order = await self.order(order_id)
            if order is None or not (order.plannable or order.being_made):
                continue
            order.material_received(material_code, amount)
            if order.being_made:
                order.issue_held()
                await self.touch(order)
                continue
            await self.touch(order)
            await self.plan(order, "late_purchase")
            await self.act_for_people(order)

    async def gap(self, order_id: str, material_code: str, quantity: Decimal) -> None:
        """Rejected material: a new requisition covers the order's gap, expected after the
        supplier's lead time; if that makes the order late it is reported (P4.4, P4.10)."""
        order = await self.order(order_id)
        if order is None or not order.plannable:
            return
        stock = await planning.stock_for(self.connection, [material_code])
        material = stock.get(material_code)
        order.material_expected(
            material_code, supplier_date(material, self.today) if material else None
        )
        await self.touch(order)
        await self.plan(order, "failed_inspection")
        await self.raise_requisitions(order, "rejected delivery")

    async def close(self, order: ProductionOrder, outcome: Outcome) -> None:
        """File the order (P7.6); what the store held for it goes to the orders that lack it
        (P4.2)."""
        for line in order.close(outcome):
            await self.touch(order)
            await self.supply(line.material_code, line.held, received=False)
        await self.touch(order)

    async def add_finished_stock(self, product_code: str, units: int) -> None:
        """Finished units nobody's order holds: safety stock (P4.7), or made for an order that
        was cancelled or decreased (P7.2)."""
        held = await self.connection.scalar(
            select(finished_stock.c.units)
            .where(finished_stock.c.product_code == product_code)
            .with_for_update()
        )
        await upsert(
            self.connection,
            finished_stock,
            [{"product_code": product_code, "units": int(held or 0) + units}],
        )

    # -- the automatic policy -----------------------------------------------------------------

    async def act_for_people(self, order: ProductionOrder) -> None:
        """With the automatic policy on: start the order when the rules allow, pass every
        patrol and inspection and receive every unit (P4.8, P4.9)."""
        if not self.policy or order.status is not ProductionStatus.RELEASED:
            return
        if order.held_for is not None:
            return
        if not all(line.complete for line in order.materials):
            return
        if order.booking is None or order.booking.start > self.today:
            return
        signed = Signature.of(POLICY, self.now)
        order.begin(self.today, signed)
        for operation in order.operations:
            if operation.status is not quality.OperationStatus.PASSED:  # passed ones stand
                order.patrol(operation.number, True, "", signed)
        for product_code, units in ordered(order.lines or ()).items():
            left = units - quality.tally(product_code, order.inspections, order.receipts).received
            if left <= 0:
                continue
            order.request_inspection(product_code, left, signed)
            number = len(order.inspections)
            order.sign_inspection(number, left, 0, "", signed)
            order.receive(product_code, left, self.today, signed)
        await self.touch(order)
