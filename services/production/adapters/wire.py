"""Translation between the wire contracts and the production domain."""

from datetime import datetime
from uuid import UUID

from services.production import SERVICE_NAME
from services.production.domain.feasibility import Answer
from services.production.domain.model import (
    AssessFeasibility,
    DomainEvent,
    FeasibilityWasAssessed,
    GoodsWereProduced,
    Line,
    ProductionOrder,
    ReleaseOrder,
)
from shared.contracts import (
    Event,
    FeasibilityAssessed,
    FeasibilityRequested,
    GoodsProduced,
    OrderReleased,
)
from shared.contracts.bounds import clip
from shared.contracts.events import GoodsProducedPayload, ProducedLine
from shared.contracts.process import DepartmentAnswer, FeasibilityAssessedPayload
from shared.messaging.events import new_event


def _lines(lines: list[ProducedLine]) -> tuple[Line, ...]:
    return tuple(Line(product_code=line.product_code, quantity=line.quantity) for line in lines)


def assess_feasibility_command(request: FeasibilityRequested) -> AssessFeasibility:
    return AssessFeasibility(
        order_id=request.order_id,
        customer_id=request.payload.customer_id,
        requested_delivery_date=request.payload.requested_delivery_date,
        lines=_lines(request.payload.lines),
    )


def release_order_command(released: OrderReleased) -> ReleaseOrder:
    return ReleaseOrder(
        order_id=released.order_id,
        delivery_date=released.payload.delivery_date,
        lines=_lines(released.payload.lines),
        gate=released.payload.gate,
    )


def _department(answer: Answer) -> DepartmentAnswer:
    return DepartmentAnswer(
        verdict=answer.verdict.value,
        available_from=answer.available_from,
        reason=clip(answer.reason),
    )


def to_wire(event: DomainEvent, order: ProductionOrder, causation_id: UUID, now: datetime) -> Event:
    match event:
        case FeasibilityWasAssessed(assessment=assessment):
            return new_event(
                FeasibilityAssessed,
                order_id=order.order_id,
                producer=SERVICE_NAME,
                causation_id=causation_id,
                occurred_at=now,
                payload=FeasibilityAssessedPayload(
                    production=_department(assessment.production),
                    purchasing=_department(assessment.purchasing),
                ),
            )
        case GoodsWereProduced():
            return new_event(
                GoodsProduced,
                order_id=order.order_id,
                producer=SERVICE_NAME,
                causation_id=causation_id,
                occurred_at=now,
                payload=GoodsProducedPayload(
                    production_order_id=event.production_order_id,
                    lines=[
                        ProducedLine(product_code=line.product_code, quantity=line.quantity)
                        for line in event.lines
                    ],
                    ready_on=event.ready_on,
                ),
            )
