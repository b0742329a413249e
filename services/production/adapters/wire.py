"""Translation between the wire contracts and the production domain."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from services.production import SERVICE_NAME
from services.production.domain.commands import (
    AssessFeasibility,
    Line,
    ReleaseOrder,
    ReviseDelivery,
)
from services.production.domain.events import (
    DomainEvent,
    FeasibilityWasAssessed,
    GoodsWereProduced,
    MaterialsWereListed,
    OrderWasDelayed,
    ScheduleWasChanged,
)
from services.production.domain.feasibility import Answer
from services.production.domain.model import ProductionOrder
from shared.contracts import (
    DeliveryRevised,
    Event,
    FeasibilityAssessed,
    FeasibilityRequested,
    GoodsProduced,
    MaterialsListed,
    OrderDelayed,
    OrderReleased,
    ScheduleChanged,
)
from shared.contracts.bounds import clip
from shared.contracts.common import OrderLine
from shared.contracts.events import GoodsProducedPayload, InspectedLine, ProducedLine
from shared.contracts.process import DepartmentAnswer, FeasibilityAssessedPayload
from shared.contracts.production import (
    ListedMaterial,
    MaterialsListedPayload,
    OrderDelayedPayload,
    ScheduleChangedPayload,
)
from shared.messaging.events import new_event


def lines_of(lines: Sequence[ProducedLine | OrderLine]) -> tuple[Line, ...]:
    """Products and quantities of wire lines, as production needs them."""
    return tuple(Line(product_code=line.product_code, quantity=line.quantity) for line in lines)


def assess_feasibility_command(request: FeasibilityRequested) -> AssessFeasibility:
    return AssessFeasibility(
        order_id=request.order_id,
        customer_id=request.payload.customer_id,
        requested_delivery_date=request.payload.requested_delivery_date,
        lines=lines_of(request.payload.lines),
        version=request.payload.version,
    )


def release_order_command(released: OrderReleased) -> ReleaseOrder:
    return ReleaseOrder(
        order_id=released.order_id,
        delivery_date=released.payload.delivery_date,
        lines=lines_of(released.payload.lines),
        gate=released.payload.gate,
        version=released.payload.version,
    )


def revise_delivery_command(revised: DeliveryRevised) -> ReviseDelivery:
    return ReviseDelivery(order_id=revised.order_id, delivery_date=revised.payload.delivery_date)


def _department(answer: Answer) -> DepartmentAnswer:
    return DepartmentAnswer(
        verdict=answer.verdict.value,
        available_from=answer.available_from,
        reason=clip(answer.reason),
    )


def _payload(event: DomainEvent, order: ProductionOrder) -> tuple[type[Event], object] | None:
    match event:
        case FeasibilityWasAssessed(assessment=assessment):
            return FeasibilityAssessed, FeasibilityAssessedPayload(
                production=_department(assessment.production),
                purchasing=_department(assessment.purchasing),
                version=max(order.assessed_version, 1),
            )
        case MaterialsWereListed():
            return MaterialsListed, MaterialsListedPayload(
                production_order_id=order.production_order_id,
                urgent=event.urgent,
                materials=[
                    ListedMaterial(
                        material_code=line.material_code,
                        unit=line.unit,
                        need=line.need,
                        reserved=line.reserved,
                        shortfall=line.shortfall,
                        needed_by=event.needed_by,
                    )
                    for line in event.materials
                ],
            )
        case ScheduleWasChanged():
            booking = order.booking
            return ScheduleChanged, ScheduleChangedPayload(
                production_order_id=order.production_order_id,
                week=booking.week if booking else None,
                units=order.units_to_book if booking else 0,
                planned_start=booking.start if booking else None,
                ready_on=booking.ready if booking else None,
                urgent=order.urgent,
                released=order.released,
            )
        case OrderWasDelayed():
            return OrderDelayed, OrderDelayedPayload(
                production_order_id=order.production_order_id,
                cause=event.cause,
                confirmed_delivery_date=event.confirmed,
                expected_delivery_date=event.expected,
                reason=clip(event.reason),
            )
        case GoodsWereProduced():
            return GoodsProduced, GoodsProducedPayload(
                production_order_id=event.production_order_id,
                lines=[
                    ProducedLine(product_code=line.product_code, quantity=line.quantity)
                    for line in event.lines
                ],
                ready_on=event.ready_on,
                inspected=[
                    InspectedLine(
                        product_code=code,
                        inspected=tally.inspected,
                        passed=tally.passed,
                        failed=tally.failed,
                        scrapped=tally.scrapped,
                    )
                    for code, tally in event.tallies
                ],
            )
    return None


def to_wire(
    event: DomainEvent, order: ProductionOrder, causation_id: UUID | None, now: datetime
) -> Event | None:
    """The event on the wire; None for what a safety-stock order does (no customer order)."""
    if order.safety_stock:
        return None
    found = _payload(event, order)
    if found is None:
        return None
    event_type, payload = found
    return new_event(
        event_type,
        order_id=order.order_id,
        producer=SERVICE_NAME,
        causation_id=causation_id,
        occurred_at=now,
        payload=payload,
    )
