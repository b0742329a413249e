"""A return's steps as `return.stepped` (P7.5), keyed by its order, signed by whoever took the
step."""

from datetime import datetime
from uuid import UUID

from services.logistics import SERVICE_NAME
from services.logistics.adapters.wire import lines, signed
from services.logistics.domain.returns import CustomerReturn, ReturnStatus
from shared.contracts.returns import InspectedReturn, ReturnStepped, ReturnSteppedPayload
from shared.decisions import Signature
from shared.messaging.events import new_event


def _signature(found: CustomerReturn, step: ReturnStatus) -> Signature:
    match step:
        case ReturnStatus.REQUESTED:
            return found.requested
        case ReturnStatus.AUTHORISED | ReturnStatus.DECLINED:
            assert found.decided is not None
            return found.decided
        case ReturnStatus.RECEIVED | ReturnStatus.INSPECTED:
            by = found.receipt if step is ReturnStatus.RECEIVED else found.inspection
            assert by is not None
            return by.signed
        case ReturnStatus.SENT_BACK:
            assert found.sent_back is not None
            return found.sent_back.signed


def payload(found: CustomerReturn, step: ReturnStatus) -> ReturnSteppedPayload:
    """The step's facts: the units asked for until the goods arrive, then those received;
    the rejected units when they go back."""
    units = found.lines
    if step in (ReturnStatus.RECEIVED, ReturnStatus.INSPECTED) and found.receipt:
        units = found.receipt.lines
    if step is ReturnStatus.SENT_BACK:
        units = found.rejected
    verdict = found.inspection.verdict if found.inspection else {}
    sent = found.sent_back if step is ReturnStatus.SENT_BACK else None
    return ReturnSteppedPayload(
        return_number=found.return_number,
        step=step.value,
        shipment_id=found.shipment_id,
        lines=lines(units),
        inspected=[
            InspectedReturn(product_code=code, accepted=v.accepted, rejected=v.rejected)
            for code, v in sorted(verdict.items())
        ]
        if step is ReturnStatus.INSPECTED
        else [],
        remedy=found.remedy,
        reason=found.decision_note if step is ReturnStatus.DECLINED else found.reason,
        carrier=sent.carrier if sent else None,
        tracking_number=sent.tracking_number if sent else None,
        signed=signed(_signature(found, step)),
    )


def stepped(found: CustomerReturn, causation_id: UUID, now: datetime) -> list[ReturnStepped]:
    """One `return.stepped` per step the return took in this unit of work."""
    out = [
        new_event(
            ReturnStepped,
            order_id=found.order_id,
            producer=SERVICE_NAME,
            causation_id=causation_id,
            occurred_at=now,
            payload=payload(found, event.step),
        )
        for event in found.events
    ]
    found.events.clear()
    return out
