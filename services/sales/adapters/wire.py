"""Translation between the wire contracts and the sales domain."""

from datetime import datetime
from uuid import UUID

from pydantic import ValidationError

from services.sales import SERVICE_NAME
from services.sales.domain.intake import Defect
from services.sales.domain.model import (
    DomainEvent,
    Line,
    Order,
    OrderWasClosed,
    OrderWasPlaced,
    PlaceOrder,
)
from shared.contracts import Event, OrderClosed, OrderPlaced, OrderSubmission, SubmissionRejected
from shared.contracts.common import OrderLine, Problem
from shared.contracts.events import (
    OrderClosedPayload,
    OrderPlacedPayload,
    SubmissionRejectedPayload,
)
from shared.messaging.events import new_event


def place_order_command(submission: OrderSubmission) -> PlaceOrder:
    return PlaceOrder(
        submitter=submission.submitter,
        customer_reference=submission.customer_reference,
        customer_id=submission.customer_id,
        channel=submission.channel,
        currency=submission.currency,
        lines=tuple(
            Line(
                line_no=index,
                product_code=line.product_code,
                quantity=line.quantity,
                unit_price=line.unit_price,
            )
            for index, line in enumerate(submission.lines, start=1)
        ),
        stated_total=submission.total_amount,
        requested_delivery_date=submission.requested_delivery_date,
        delivery_address=(
            submission.delivery_address.model_dump(mode="json")
            if submission.delivery_address
            else {}
        ),
        contact=submission.contact.model_dump(mode="json"),
    )


def to_wire(event: DomainEvent, order: Order, causation_id: UUID, now: datetime) -> Event:
    match event:
        case OrderWasPlaced():
            return new_event(
                OrderPlaced,
                order_id=order.order_id,
                producer=SERVICE_NAME,
                causation_id=causation_id,
                occurred_at=now,
                payload=OrderPlacedPayload(
                    submitter=order.submitter,
                    customer_reference=order.customer_reference,
                    customer_id=order.customer_id,
                    channel=order.channel,
                    currency=order.currency,
                    lines=[
                        OrderLine(
                            line_no=line.line_no,
                            product_code=line.product_code,
                            quantity=line.quantity,
                            unit_price=line.unit_price,
                            amount=line.amount,
                        )
                        for line in order.lines
                    ],
                    total_amount=order.total_amount,
                    requested_delivery_date=order.requested_delivery_date,
                    delivery_address=order.delivery_address,
                    contact=order.contact,
                ),
            )
        case OrderWasClosed(outcome=outcome):
            return new_event(
                OrderClosed,
                order_id=order.order_id,
                producer=SERVICE_NAME,
                causation_id=causation_id,
                occurred_at=now,
                payload=OrderClosedPayload(outcome=outcome.value),
            )


def rejection(
    submitter: str,
    customer_reference: str,
    problems: list[Problem],
    causation_id: UUID,
    now: datetime,
) -> SubmissionRejected:
    return new_event(
        SubmissionRejected,
        producer=SERVICE_NAME,
        causation_id=causation_id,
        occurred_at=now,
        payload=SubmissionRejectedPayload(
            submitter=submitter, customer_reference=customer_reference, problems=problems
        ),
    )


def problems_from_defects(defects: list[Defect]) -> list[Problem]:
    return [Problem(field=defect.field, message=defect.message) for defect in defects]


def problems_from_validation(error: ValidationError) -> list[Problem]:
    return [
        Problem(field=".".join(str(part) for part in item["loc"]), message=item["msg"])
        for item in error.errors(include_url=False)
    ]
