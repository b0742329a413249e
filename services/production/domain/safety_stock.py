"""Safety stock (P4.7): units built ahead of expected demand, on the general manager's approval."""

from dataclasses import dataclass, replace
from enum import StrEnum

from shared.decisions import InvalidDecision, NotAllowedNow, Signature


class SafetyStockStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class SafetyStockRequest:
    number: str
    product_code: str
    units: int
    reason: str
    requested: Signature
    status: SafetyStockStatus = SafetyStockStatus.PENDING
    decided: Signature | None = None
    decision_reason: str = ""

    @property
    def production_order_id(self) -> str:
        """The production order an approved request becomes: one without customer."""
        return self.number


def decide_safety_stock(
    request: SafetyStockRequest, approve: bool, reason: str, signed: Signature
) -> SafetyStockRequest:
    if request.status is not SafetyStockStatus.PENDING:
        raise NotAllowedNow(f"safety-stock request {request.number} is {request.status.value}")
    if not approve and not reason.strip():
        raise InvalidDecision("a rejected safety-stock request needs a reason")
    status = SafetyStockStatus.APPROVED if approve else SafetyStockStatus.REJECTED
    return replace(request, status=status, decided=signed, decision_reason=reason)
