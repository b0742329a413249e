"""Translation between the change contracts and logistics' domain (P7.1, P7.2, P7.3)."""

from datetime import datetime
from uuid import UUID

from services.logistics import SERVICE_NAME
from services.logistics.adapters.wire import lines
from services.logistics.domain.changes import Acknowledgement, ChangeAsked, ChangeDecision
from services.logistics.domain.commands import units
from shared.contracts.changes import (
    ChangeAcknowledged,
    ChangeAcknowledgedPayload,
    ChangeDecided,
    ChangeRequested,
    acknowledgement_id,
)
from shared.contracts.common import OrderLine
from shared.messaging.events import new_event


def _units(of: list[OrderLine]) -> dict[str, int]:
    return units([(line.product_code, line.quantity) for line in of])


def asked(requested: ChangeRequested) -> ChangeAsked:
    body = requested.payload
    return ChangeAsked(body.change_no, frozenset(body.kinds), _units(body.lines))


def decision(decided: ChangeDecided, at: datetime) -> ChangeDecision:
    body = decided.payload
    return ChangeDecision(
        body.change_no,
        body.outcome,
        frozenset(body.kinds),
        _units(body.lines),
        at,
        delivery_date=body.delivery_date,
        after_confirmation=body.stage == "after_confirmation",
    )


def acknowledged(
    answer: Acknowledgement, order_id: str, causation_id: UUID, now: datetime
) -> ChangeAcknowledged:
    """change.acknowledged for sales: refused with the reason, or what is held and gone."""
    payload = ChangeAcknowledgedPayload(
        change_no=answer.change_no,
        department="logistics",
        outcome="refused" if answer.refusal else "accepted",
        reason=answer.refusal,
        held=list(answer.held),
        handed_over=lines(answer.handed_over),
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
