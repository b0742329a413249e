"""People's decisions in production (P4.3, P4.4, P4.6, P4.7, P4.8): each checks the role,
loads what it decides on, lets the domain decide and the plant carry out the consequences. A
refusal raises before anything is stored, and the unit of work rolls back."""

from datetime import date, timedelta
from decimal import Decimal

from services.production.adapters.documents import (
    DELIVERIES,
    PURCHASE_ORDERS,
    REQUISITIONS,
    RETURNS,
    SAFETY_STOCK,
)
from services.production.domain import purchasing, quality
from services.production.domain.authority import Act, check
from services.production.domain.commands import Line, ReleaseOrder
from services.production.domain.model import ProductionOrder
from services.production.domain.purchasing import (
    Delivery,
    PurchaseOrder,
    Requisition,
    SupplierReturn,
)
from services.production.domain.safety_stock import (
    SafetyStockRequest,
    SafetyStockStatus,
    decide_safety_stock,
)
from services.production.plant import Plant
from shared.contracts.bounds import DATE_MAX
from shared.decisions import NotAllowedNow, NotFound, Person, Signature

SAFETY_STOCK_GATE = "safety_stock"


async def _order(plant: Plant, order_id: str) -> ProductionOrder:
    order = await plant.order(order_id)
    if order is None:
        raise NotFound(f"production knows no order {order_id}")
    return order


def _signed(plant: Plant, person: Person) -> Signature:
    return Signature.of(person, plant.now)


# -- purchasing (P4.3) -------------------------------------------------------------------------


async def decide_requisition(
    plant: Plant, number: str, approve: bool, reason: str, person: Person
) -> Requisition:
    check(person, Act.APPROVE_REQUISITION)
    decided = purchasing.decide_requisition(
        await REQUISITIONS.require(plant.connection, number),
        approve,
        reason,
        _signed(plant, person),
    )
    await REQUISITIONS.save(plant.connection, decided)
    return decided


async def place_purchase_order(
    plant: Plant,
    number: str,
    supplier: str,
    quantity: Decimal,
    promised_on: date,
    person: Person,
) -> PurchaseOrder:
    check(person, Act.PLACE_PURCHASE_ORDER)
    requisition, order = purchasing.place_purchase_order(
        await REQUISITIONS.require(plant.connection, number),
        await PURCHASE_ORDERS.number(plant.connection),
        supplier,
        quantity,
        promised_on,
        plant.today,
        _signed(plant, person),
    )
    await REQUISITIONS.save(plant.connection, requisition)
    await plant.purchase_placed(order)
    return order


async def answer_cancellation(
    plant: Plant, number: str, cancelled: bool, reason: str, person: Person
) -> PurchaseOrder:
    check(person, Act.ANSWER_CANCELLATION)
    order = purchasing.answer_cancellation(
        await PURCHASE_ORDERS.require(plant.connection, number),
        cancelled,
        reason,
        _signed(plant, person),
    )
    await PURCHASE_ORDERS.save(plant.connection, order)
    return order


# -- deliveries and incoming inspection (P4.4) --------------------------------------------------


async def record_delivery(
    plant: Plant,
    purchase_order: str | None,
    material_code: str,
    supplier: str,
    quantity: Decimal,
    delivery_note: str,
    person: Person,
) -> Delivery:
    check(person, Act.RECORD_DELIVERY)
    order = await PURCHASE_ORDERS.get(plant.connection, purchase_order) if purchase_order else None
    delivery = purchasing.record_delivery(
        await DELIVERIES.number(plant.connection),
        order,
        material_code,
        supplier,
        quantity,
        delivery_note,
        _signed(plant, person),
    )
    await DELIVERIES.add(plant.connection, delivery)
    if order is not None and delivery.purchase_order is not None:
        await PURCHASE_ORDERS.save(plant.connection, purchasing.book_delivery(order, delivery))
    return delivery


async def assign_delivery(
    plant: Plant, number: str, purchase_order: str, person: Person
) -> Delivery:
    check(person, Act.RESOLVE_DELIVERY)
    order = await PURCHASE_ORDERS.require(plant.connection, purchase_order)
    delivery = purchasing.assign_delivery(
        await DELIVERIES.require(plant.connection, number), order, _signed(plant, person)
    )
    await DELIVERIES.save(plant.connection, delivery)
    await PURCHASE_ORDERS.save(plant.connection, purchasing.book_delivery(order, delivery))
    return delivery


async def return_delivery(plant: Plant, number: str, reason: str, person: Person) -> Delivery:
    check(person, Act.RESOLVE_DELIVERY)
    delivery = purchasing.send_delivery_back(
        await DELIVERIES.require(plant.connection, number), reason, _signed(plant, person)
    )
    await DELIVERIES.save(plant.connection, delivery)
    return delivery


async def inspect_delivery(
    plant: Plant, number: str, accepted: Decimal, rejected: Decimal, note: str, person: Person
) -> Delivery:
    """QA's incoming inspection (P4.4): accepted material is stock and fills shortfalls; the
    rejected part goes back through purchasing and a new requisition covers the gap."""
    check(person, Act.INSPECT_DELIVERY)
    delivery = purchasing.inspect_delivery(
        await DELIVERIES.require(plant.connection, number),
        accepted,
        rejected,
        note,
        _signed(plant, person),
    )
    await DELIVERIES.save(plant.connection, delivery)
    assert delivery.purchase_order is not None
    order = purchasing.book_inspection(
        await PURCHASE_ORDERS.require(plant.connection, delivery.purchase_order), delivery
    )
    await PURCHASE_ORDERS.save(plant.connection, order)
    if accepted:
        await plant.supply(delivery.material_code, accepted, received=True)
    if rejected:
        await RETURNS.add(
            plant.connection,
            SupplierReturn(
                number=await RETURNS.number(plant.connection),
                delivery=delivery.number,
                purchase_order=delivery.purchase_order,
                material_code=delivery.material_code,
                supplier=delivery.supplier,
                quantity=rejected,
                reason=note,
            ),
        )
        await plant.gap(order.order_id, delivery.material_code, rejected)
    return delivery


async def send_return(plant: Plant, number: str, person: Person) -> SupplierReturn:
    check(person, Act.SEND_RETURN)
    found = await RETURNS.require(plant.connection, number)
    sent = purchasing.send_return(found, _signed(plant, person))
    await RETURNS.save(plant.connection, sent)
    return sent


# -- rush orders (P4.6) ------------------------------------------------------------------------


async def mark_urgent(plant: Plant, order_id: str, reason: str, person: Person) -> ProductionOrder:
    check(person, Act.MARK_URGENT)
    order = await _order(plant, order_id)
    order.mark_urgent(reason, _signed(plant, person))
    await plant.touch(order)
    await plant.plan(order, "rush")
    return order


# -- the line (P4.8, P4.9) ---------------------------------------------------------------------


async def start(plant: Plant, order_id: str, person: Person) -> ProductionOrder:
    check(person, Act.START)
    order = await _order(plant, order_id)
    order.begin(plant.today, _signed(plant, person))
    await plant.touch(order)
    return order


async def patrol(
    plant: Plant, order_id: str, number: int, passed: bool, note: str, person: Person
) -> ProductionOrder:
    check(person, Act.PATROL)
    order = await _order(plant, order_id)
    order.patrol(number, passed, note, _signed(plant, person))
    await plant.touch(order)
    return order


async def request_inspection(
    plant: Plant, order_id: str, product_code: str, quantity: int, person: Person
) -> ProductionOrder:
    check(person, Act.REQUEST_INSPECTION)
    order = await _order(plant, order_id)
    order.request_inspection(product_code, quantity, _signed(plant, person))
    await plant.touch(order)
    return order


async def sign_inspection(
    plant: Plant, order_id: str, number: int, passed: int, failed: int, note: str, person: Person
) -> ProductionOrder:
    check(person, Act.SIGN_INSPECTION)
    order = await _order(plant, order_id)
    order.sign_inspection(number, passed, failed, note, _signed(plant, person))
    if failed:  # they are made good within a production lead time at the earliest
        lead_days = (await plant.calendar()).lead_days
        order.expect_ready(plant.today + timedelta(days=lead_days))
    await plant.touch(order)
    return order


async def dispose(
    plant: Plant, order_id: str, number: int, disposition: quality.Disposition, person: Person
) -> ProductionOrder:
    check(person, Act.DISPOSE)
    order = await _order(plant, order_id)
    order.dispose(number, disposition, _signed(plant, person))
    await plant.touch(order)
    return order


async def receive(
    plant: Plant, order_id: str, product_code: str, quantity: int, person: Person
) -> ProductionOrder:
    check(person, Act.RECEIVE)
    order = await _order(plant, order_id)
    order.receive(product_code, quantity, plant.today, _signed(plant, person))
    await plant.touch(order)
    if order.safety_stock:
        await plant.add_finished_stock(product_code, quantity)
    return order


# -- safety stock (P4.7) -----------------------------------------------------------------------


async def request_safety_stock(
    plant: Plant, product_code: str, units: int, reason: str, person: Person
) -> SafetyStockRequest:
    check(person, Act.REQUEST_SAFETY_STOCK)
    request = SafetyStockRequest(
        await SAFETY_STOCK.number(plant.connection),
        product_code,
        units,
        reason,
        _signed(plant, person),
    )
    await SAFETY_STOCK.add(plant.connection, request)
    return request


async def decide_safety_stock_request(
    plant: Plant, number: str, approve: bool, reason: str, person: Person
) -> SafetyStockRequest:
    """The general manager's approval makes it a production order without customer."""
    check(person, Act.APPROVE_SAFETY_STOCK)
    found = await SAFETY_STOCK.require(plant.connection, number)
    decided = decide_safety_stock(found, approve, reason, _signed(plant, person))
    await SAFETY_STOCK.save(plant.connection, decided)
    if decided.status is SafetyStockStatus.APPROVED:
        if await plant.order(decided.production_order_id) is not None:
            raise NotAllowedNow(f"{decided.production_order_id} exists already")
        order = ProductionOrder(
            order_id=decided.production_order_id,
            production_order_id=decided.production_order_id,
            safety_stock=True,
        )
        lines = (Line(decided.product_code, decided.units),)
        await plant.release(order, ReleaseOrder(order.order_id, DATE_MAX, lines, SAFETY_STOCK_GATE))
    return decided
