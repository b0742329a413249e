"""Translation between the change contracts and production's domain (P7.1, P7.2, P7.4)."""

from datetime import datetime
from uuid import UUID

from services.production import SERVICE_NAME
from services.production.adapters.wire import lines_of
from services.production.domain.changes import Acknowledgement, ChangeAsked, ChangeDecision
from shared.contracts.changes import (
    ChangeAcknowledged,
    ChangeAcknowledgedPayload,
    ChangeDecided,
    ChangeRequested,
    MaterialConsumed,
    MaterialOnOrder,
    acknowledgement_id,
)
from shared.contracts.events import ProducedLine
from shared.messaging.events import new_event


def asked(requested: ChangeRequested) -> ChangeAsked:
    return ChangeAsked(requested.payload.change_no, frozenset(requested.payload.kinds))


def decision(decided: ChangeDecided) -> ChangeDecision:
    body = decided.payload
    return ChangeDecision(
        change_no=body.change_no,
        applied=body.outcome == "applied",
        kinds=frozenset(body.kinds),
        lines=lines_of(body.lines),
        delivery_date=body.delivery_date,
        before_confirmation=body.stage == "before_confirmation",
    )


def acknowledged(
    answer: Acknowledgement, order_id: str, causation_id: UUID, now: datetime
) -> ChangeAcknowledged:
    """change.acknowledged for sales: what production has spent and whether its start is held;
    its id derives from the request's, so a replay answers with the same event."""
    payload = ChangeAcknowledgedPayload(
        change_no=answer.change_no,
        department="production",
        outcome="refused" if answer.refusal else "accepted",
        reason=answer.refusal,
        started=answer.started,
        units_finished=[
            ProducedLine(product_code=line.product_code, quantity=line.quantity)
            for line in answer.units_finished
        ],
        materials_consumed=[
            MaterialConsumed(material_code=c.material_code, unit=c.unit, quantity=c.quantity)
            for c in answer.consumed
        ],
        materials_on_order=[
            MaterialOnOrder(
                purchase_order=b.purchase_order,
                material_code=b.material_code,
                ordered=b.ordered,
                delivered=b.delivered,
            )
            for b in answer.bought
        ],
        held=list(answer.held),
    )
    return new_event(
        ChangeAcknowledged,
        order_id=order_id,
        producer=SERVICE_NAME,
        causation_id=causation_id,
        occurred_at=now,
        payload=payload,
        event_id=acknowledgement_id(causation_id, SERVICE_NAME),
    )
