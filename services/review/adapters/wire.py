"""Translation between the wire contracts and the review domain."""

from datetime import datetime
from uuid import UUID

from services.review import SERVICE_NAME
from services.review.domain.changes import ReviewAnswer
from services.review.domain.model import (
    ApplyChange,
    DomainEvent,
    FeasibilityWasRequested,
    Line,
    NegotiationWasOpened,
    OpenReview,
    Replacement,
    ReviewWasCompleted,
    ReviewWasEscalated,
)
from services.review.domain.rules import Assessment, Verdict
from shared.contracts import (
    ChangeAcknowledged,
    ChangeDecided,
    ChangeRequested,
    Event,
    FeasibilityRequested,
    NegotiationOpened,
    OrderPlaced,
    ReviewCompleted,
    ReviewEscalated,
)
from shared.contracts.bounds import MAX_REASONS, clip
from shared.contracts.changes import ChangeAcknowledgedPayload, acknowledgement_id
from shared.contracts.common import Signed
from shared.contracts.events import ProducedLine, ReviewCompletedPayload
from shared.contracts.process import (
    DepartmentAnswer,
    FeasibilityRequestedPayload,
    NegotiationOpenedPayload,
    ReviewEscalatedPayload,
)
from shared.decisions import Signature
from shared.messaging.events import new_event


def open_review_command(placed: OrderPlaced) -> OpenReview:
    payload = placed.payload
    return OpenReview(
        order_id=placed.order_id,
        customer_id=payload.customer_id,
        currency=payload.currency,
        total_amount=payload.total_amount,
        requested_delivery_date=payload.requested_delivery_date,
        payment_terms=payload.payment_terms,
        lines=tuple(Line(line.line_no, line.product_code, line.quantity) for line in payload.lines),
        entered_by=payload.entered_by.user if payload.entered_by else None,
        replacement=_replacement(placed),
    )


def _replacement(placed: OrderPlaced) -> Replacement | None:
    """P7.5: the return a replacement order replaces and who authorised it."""
    replacing = placed.payload.replacement_for
    if replacing is None:
        return None
    by = replacing.authorised
    return Replacement(replacing.return_number, Signature(by.user, by.role, by.at))


def assessment(answer: DepartmentAnswer) -> Assessment:
    return Assessment(
        verdict=Verdict(answer.verdict),
        reason=answer.reason,
        available_from=answer.available_from,
    )


def to_wire(event: DomainEvent, causation_id: UUID | None, now: datetime) -> Event:
    match event:
        case FeasibilityWasRequested():
            return new_event(
                FeasibilityRequested,
                order_id=event.order_id,
                producer=SERVICE_NAME,
                causation_id=causation_id,
                occurred_at=now,
                payload=FeasibilityRequestedPayload(
                    customer_id=event.customer_id,
                    requested_delivery_date=event.requested_delivery_date,
                    lines=[
                        ProducedLine(product_code=line.product_code, quantity=line.quantity)
                        for line in event.lines
                    ],
                    version=event.version,
                ),
            )
        case NegotiationWasOpened():
            return new_event(
                NegotiationOpened,
                order_id=event.order_id,
                producer=SERVICE_NAME,
                causation_id=causation_id,
                occurred_at=now,
                payload=NegotiationOpenedPayload(
                    requested_delivery_date=event.requested_delivery_date,
                    proposed_delivery_date=event.proposed_delivery_date,
                    reasons=[clip(reason) for reason in event.reasons[:MAX_REASONS]],
                ),
            )
        case ReviewWasCompleted(decision=decision, approved_by=approved_by):
            return new_event(
                ReviewCompleted,
                order_id=event.order_id,
                producer=SERVICE_NAME,
                causation_id=causation_id,
                occurred_at=now,
                payload=ReviewCompletedPayload(
                    outcome="approved" if decision.approved else "declined",
                    confirmed_delivery_date=decision.confirmed_delivery_date,
                    reason=clip(decision.reason),
                    approved_by=[
                        Signed(user=signature.user, role=signature.role, at=signature.at)
                        for signature in approved_by
                    ],
                    version=event.version,
                ),
            )
        case ReviewWasEscalated():
            return new_event(
                ReviewEscalated,
                order_id=event.order_id,
                producer=SERVICE_NAME,
                causation_id=causation_id,
                occurred_at=now,
                payload=ReviewEscalatedPayload(
                    received_at=event.received_at.isoformat(),
                    deadline=event.deadline.isoformat(),
                    waiting_for=list(event.waiting_for),
                ),
            )


def all_to_wire(events: list[DomainEvent], causation_id: UUID | None, now: datetime) -> list[Event]:
    return [to_wire(event, causation_id, now) for event in events]


def apply_change_command(decided: ChangeDecided) -> ApplyChange | None:
    """The change to apply, or None: a change refused, withdrawn or superseded changes
    nothing in review."""
    payload = decided.payload
    if (
        payload.outcome != "applied"
        or payload.total_amount is None
        or payload.delivery_date is None
    ):
        return None
    return ApplyChange(
        change_no=payload.change_no,
        before_confirmation=payload.stage == "before_confirmation",
        cancel="cancel" in payload.kinds,
        lines=tuple(Line(line.line_no, line.product_code, line.quantity) for line in payload.lines),
        total_amount=payload.total_amount,
        requested_delivery_date=payload.delivery_date,
        requirement="requirement" in payload.kinds,
    )


def reopen_command(requested: ChangeRequested) -> ApplyChange:
    """The content a new round after confirmation reviews (P7.3): the change as requested."""
    payload = requested.payload
    return ApplyChange(
        change_no=payload.change_no,
        before_confirmation=False,
        cancel=False,
        lines=tuple(Line(line.line_no, line.product_code, line.quantity) for line in payload.lines),
        total_amount=payload.total_amount,
        requested_delivery_date=payload.requested_delivery_date,
        requirement="requirement" in payload.kinds,
    )


def acknowledgement(
    requested: ChangeRequested, answer: ReviewAnswer, causation_id: UUID, now: datetime
) -> ChangeAcknowledged:
    """Review accepts every change; its section says whether the review starts again."""
    return new_event(
        ChangeAcknowledged,
        order_id=requested.order_id,
        producer=SERVICE_NAME,
        causation_id=causation_id,
        occurred_at=now,
        event_id=acknowledgement_id(causation_id, SERVICE_NAME),
        payload=ChangeAcknowledgedPayload(
            change_no=requested.payload.change_no,
            department="review",
            outcome="accepted",
            review=answer,
        ),
    )
