"""Translation between the wire contracts and the sales domain."""

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import TypeAdapter, ValidationError
from pydantic_core import from_json

from services.sales import SERVICE_NAME
from services.sales.adapters import change_wire
from services.sales.domain.changes import ChangeWasDecided, ChangeWasRequested
from services.sales.domain.intake import Defect
from services.sales.domain.master import Customer, Product
from services.sales.domain.model import (
    ConfirmationWasIssued,
    ConfirmationWasSigned,
    Delay,
    DeliveryWasRevised,
    DomainEvent,
    Line,
    Order,
    OrderWasClosed,
    OrderWasHeld,
    OrderWasPlaced,
    OrderWasReleased,
    PlaceOrder,
    ResubmissionRefused,
)
from shared.contracts import (
    ConfirmationIssued,
    ConfirmationSigned,
    CustomerUpdated,
    DeliveryRevised,
    Event,
    OrderClosed,
    OrderDelayed,
    OrderHeld,
    OrderPlaced,
    OrderReleased,
    OrderSubmission,
    ProductUpdated,
    SubmissionRejected,
)
from shared.contracts.bounds import (
    FIELD_PATH_MAX,
    REJECTION_PROBLEMS,
    Reference,
    Submitter,
    safe_text,
)
from shared.contracts.changes import ChangeDecided, ChangeRequested
from shared.contracts.common import Problem, Signed
from shared.contracts.events import (
    OrderClosedPayload,
    OrderPlacedPayload,
    ProducedLine,
    SubmissionRejectedPayload,
)
from shared.contracts.master import CustomerRecord, ProductRecord
from shared.contracts.process import (
    ConfirmationIssuedPayload,
    ConfirmationSignedPayload,
    DeliveryRevisedPayload,
    OrderHeldPayload,
    OrderReleasedPayload,
)
from shared.messaging.events import new_event
from shared.messaging.pipeline import validation_problems


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
                stated_amount=line.amount,
            )
            for index, line in enumerate(submission.lines, start=1)
        ),
        stated_total=submission.total_amount,
        requested_delivery_date=submission.requested_delivery_date,
        delivery_address=(
            submission.delivery_address.model_dump(mode="json")
            if submission.delivery_address
            else None
        ),
        contact=submission.contact.model_dump(mode="json"),
        payment_terms=submission.payment_terms,
    )


def delay_from_event(event: OrderDelayed) -> Delay:
    """Production's delay report as sales keeps it, stamped with when production reported it
    and the event's id (P4.10)."""
    report = event.payload
    return Delay(
        production_order_id=report.production_order_id,
        cause=report.cause,
        confirmed_delivery_date=report.confirmed_delivery_date,
        expected_delivery_date=report.expected_delivery_date,
        reason=report.reason,
        reported_at=event.occurred_at,
        event_id=str(event.event_id),
    )


def confirmation_path(order_id: str) -> str:
    """Where the readable confirmation is on the sales API (P3.1)."""
    return f"/orders/{order_id}/confirmation"


def to_wire(event: DomainEvent, order: Order, causation_id: UUID | None, now: datetime) -> Event:
    def envelope(kind: type[Event], payload: object) -> Event:
        return new_event(
            kind,
            order_id=order.order_id,
            producer=SERVICE_NAME,
            causation_id=causation_id,
            occurred_at=now,
            payload=payload,
        )

    match event:
        case ResubmissionRefused(reason=reason):
            problem = Problem(field="", message=safe_text(reason))
            return rejection(
                order.submitter, order.customer_reference, [problem], causation_id, now
            )
        case OrderWasPlaced():
            return envelope(OrderPlaced, placed_payload(order))
        case OrderWasHeld(reasons=reasons):
            return envelope(
                OrderHeld,
                OrderHeldPayload(
                    customer_reference=order.customer_reference,
                    reasons=problems_from_defects(list(reasons)),
                ),
            )
        case ConfirmationWasIssued():
            return envelope(
                ConfirmationIssued,
                ConfirmationIssuedPayload(
                    customer_id=order.customer_id,
                    tier=event.tier,
                    confirmed_delivery_date=event.confirmed_delivery_date,
                    sent_on=event.sent_on,
                    total_amount=order.total_amount,
                    currency=order.currency,
                    deposit_amount=event.deposit_amount,
                    document_path=confirmation_path(order.order_id),
                    version=event.version,
                ),
            )
        case ConfirmationWasSigned():
            return envelope(
                ConfirmationSigned,
                ConfirmationSignedPayload(
                    received_on=event.received_on,
                    days_late=event.days_late,
                    expected_delivery_date=event.expected_delivery_date,
                    version=event.version,
                ),
            )
        case OrderWasReleased():
            return envelope(
                OrderReleased,
                OrderReleasedPayload(
                    delivery_date=event.delivery_date,
                    lines=[
                        ProducedLine(product_code=line.product_code, quantity=line.quantity)
                        for line in order.lines
                    ],
                    gate=event.gate,
                    version=event.version,
                ),
            )
        case DeliveryWasRevised(agreed=agreed):
            return envelope(
                DeliveryRevised,
                DeliveryRevisedPayload(
                    delivery_date=event.delivery_date,
                    previous_delivery_date=event.previous_delivery_date,
                    reason=event.reason,
                    agreed=Signed(user=agreed.user, role=agreed.role, at=agreed.at),
                ),
            )
        case OrderWasClosed(outcome=outcome):
            return envelope(OrderClosed, OrderClosedPayload(outcome=outcome.value))
        case ChangeWasRequested(change=change):
            return envelope(ChangeRequested, change_wire.requested(change))
        case ChangeWasDecided(change=change):
            return envelope(ChangeDecided, change_wire.decided(change))


def placed_payload(order: Order) -> OrderPlacedPayload:
    return OrderPlacedPayload.model_validate(
        {
            "submitter": order.submitter,
            "customer_reference": order.customer_reference,
            "customer_id": order.customer_id,
            "channel": order.channel,
            "currency": order.currency,
            "lines": change_wire.order_lines(order.lines),
            "total_amount": order.total_amount,
            "requested_delivery_date": order.requested_delivery_date,
            "delivery_address": order.delivery_address,
            "contact": order.contact,
            "payment_terms": order.payment_terms,
            "entered_by": entrant(order),
            "replacement_for": replaced(order),
        }
    )


def replaced(order: Order) -> dict[str, Any] | None:
    """What a replacement order replaces and who authorised the return (P7.5)."""
    if order.replacement_for is None:
        return None
    by = order.replacement_for.authorised
    return {
        "order_id": order.replacement_for.order_id,
        "return_number": order.replacement_for.return_number,
        "authorised": {"user": by.user, "role": by.role, "at": by.at},
    }


def entrant(order: Order) -> Signed | None:
    """Who entered the order at the desk in this unit of work (review refuses them as its
    approver, P8.1); None for another system's submission."""
    if order.entrant is None:
        return None
    return Signed(user=order.entrant.user, role=order.entrant.role, at=order.entrant.at)


def rejection(
    submitter: str,
    customer_reference: str,
    problems: list[Problem],
    causation_id: UUID | None,
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
    """Every problem pydantic found, as bounded, printable text: a field path or message that
    echoes what the submitter sent (an unknown key, say) is escaped and clipped. A list longer
    than a rejection may carry ends with how many more there were."""
    found = validation_problems(error)
    shown = found if len(found) <= REJECTION_PROBLEMS else found[: REJECTION_PROBLEMS - 1]
    problems = [
        Problem(field=safe_text(where, FIELD_PATH_MAX), message=safe_text(message))
        for where, message in shown
    ]
    if len(shown) < len(found):
        problems.append(Problem(field="", message=f"and {len(found) - len(shown)} more problems"))
    return problems


_IDENTITY = TypeAdapter(tuple[Submitter, Reference])


def submission_identity(value: bytes) -> tuple[str, str] | None:
    """The (submitter, customer_reference) of a raw submission when both pass the contract's
    bounds, so an answer keyed by them can be published; None otherwise, also for what is not
    JSON at all (pydantic's own parser: lone surrogates and deep nesting are errors)."""
    try:
        data = from_json(value)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    try:
        submitter, reference = _IDENTITY.validate_python(
            (data.get("submitter"), data.get("customer_reference"))
        )
    except ValidationError:
        return None
    return submitter, reference


# -- master data -------------------------------------------------------------------------------


def customer_from_record(record: CustomerRecord) -> Customer:
    return Customer(
        customer_id=record.customer_id,
        name=record.name,
        tier=record.tier,
        currency=record.currency,
        credit_limit=record.credit_limit,
        payment_terms=tuple(record.payment_terms),
        deposit_percent=record.deposit_percent,
    )


def product_from_record(record: ProductRecord) -> Product:
    return Product(
        product_code=record.product_code,
        name=record.name,
        currency=record.currency,
        list_price=record.list_price,
        max_discount_percent=record.max_discount_percent,
        is_new=record.is_new,
        samples_confirmed=record.samples_confirmed,
        bom_ready=record.bom_ready,
        drawings_ready=record.drawings_ready,
        specification_ready=record.specification_ready,
        qa_level=record.qa_level,
    )


def customer_updated(customer: Customer, now: datetime) -> CustomerUpdated:
    """The latest customer record for review and finance (compacted, key customer_id)."""
    return new_event(
        CustomerUpdated,
        producer=SERVICE_NAME,
        causation_id=None,
        occurred_at=now,
        payload=CustomerRecord(
            customer_id=customer.customer_id,
            name=customer.name,
            tier=customer.tier,
            currency=customer.currency,
            credit_limit=customer.credit_limit,
            payment_terms=list(customer.payment_terms),
            deposit_percent=customer.deposit_percent,
        ),
    )


def product_updated(product: Product, now: datetime) -> ProductUpdated:
    """The latest product record for review (compacted, key product_code)."""
    return new_event(
        ProductUpdated,
        producer=SERVICE_NAME,
        causation_id=None,
        occurred_at=now,
        payload=ProductRecord(
            product_code=product.product_code,
            name=product.name,
            currency=product.currency,
            list_price=product.list_price,
            max_discount_percent=product.max_discount_percent,
            is_new=product.is_new,
            samples_confirmed=product.samples_confirmed,
            bom_ready=product.bom_ready,
            drawings_ready=product.drawings_ready,
            specification_ready=product.specification_ready,
            qa_level=product.qa_level,
        ),
    )
