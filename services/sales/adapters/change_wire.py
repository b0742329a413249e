"""A change of an order as it goes on the bus (P7.1, P7.2, P7.4)."""

from services.sales.domain.changes import Change, ChangeStatus
from services.sales.domain.commands import Decider, Line
from shared.contracts.changes import ChangeDecidedPayload, ChangeRequestedPayload
from shared.contracts.common import OrderLine, Signed


def signed(by: Decider | None) -> Signed | None:
    return None if by is None else Signed(user=by.user, role=by.role, at=by.at)


def order_lines(lines: tuple[Line, ...]) -> list[OrderLine]:
    return [
        OrderLine(
            line_no=line.line_no,
            product_code=line.product_code,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
        )
        for line in lines
    ]


def requested(change: Change) -> ChangeRequestedPayload:
    return ChangeRequestedPayload(
        change_no=change.change_no,
        based_on=change.based_on,
        kinds=list(change.kinds),
        stage=change.stage,
        needs_review=change.needs_review,
        lines=order_lines(change.lines),
        total_amount=change.total_amount,
        requested_delivery_date=change.requested_delivery_date,
        requirements=change.requirements,
        reason=change.reason,
        via=change.via,
        requested=signed(change.requested),
        answer_by=change.answer_by,
    )


def decided(change: Change) -> ChangeDecidedPayload:
    applied = change.status is ChangeStatus.APPLIED
    return ChangeDecidedPayload(
        change_no=change.change_no,
        outcome=change.status.value,
        stage=change.stage,
        kinds=list(change.kinds),
        lines=order_lines(change.lines) if applied else [],
        total_amount=change.total_amount if applied else None,
        delivery_date=change.requested_delivery_date if applied else None,
        requirements=change.requirements if applied else "",
        charge=change.charge,
        charge_reason=change.charge_reason,
        reason=change.outcome_reason if not applied else "",
        refused_by=change.refused_by,
        decided=signed(change.decided),
    )
