"""The payment check of one shipment (P5.2, P6.4): finance's signature, by the customer's tier.

- B and C: finance may sign only when the money received against the order covers the value of
  everything shipped so far, this shipment included; otherwise it can only refuse.
- A: finance signs; an open balance beyond the credit limit, or an overdue invoice, puts a
  credit exception on the signature, so the release needs the general manager.
- A refusal needs a reason. A refused check passes without a person once a payment covers it
  (P6.1: recording the bank's payment is finance's confirmation that the money arrived).
"""

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from services.finance.domain.commands import CustomerTerms, Units
from shared.decisions import InvalidDecision, NotAllowedNow, Signature

ZERO = Decimal("0.00")
UNKNOWN_TIER = "C"
"""The tier of a customer finance has no record of yet: the strictest gate."""


class CheckStatus(StrEnum):
    AWAITING_ORDER = "awaiting_order"
    """The shipment came before its order: valued and decided once the order's lines arrive."""
    PENDING = "pending"
    PASSED = "passed"
    REFUSED = "refused"
    CANCELLED = "cancelled"
    """Logistics cancelled the shipment (P7.2): no value, no decision, no invoice."""


@dataclass(frozen=True)
class PaymentCheck:
    shipment_id: str
    lines: tuple[Units, ...]
    requested_at: datetime
    status: CheckStatus = CheckStatus.AWAITING_ORDER
    amount: Decimal | None = None
    tier: str | None = None
    shipped_value: Decimal = ZERO
    received: Decimal = ZERO
    credit_exception: bool = False
    reason: str = ""
    signed: Signature | None = None

    @property
    def decided(self) -> bool:
        return self.status in (CheckStatus.PASSED, CheckStatus.REFUSED)


@dataclass(frozen=True)
class Assessment:
    """What the money and the customer allow for one check, as of now."""

    tier: str
    amount: Decimal
    shipped_value: Decimal
    received: Decimal
    may_sign: bool
    credit_exception: str
    """Why an A-tier signature carries a credit exception; empty: none."""

    @property
    def missing(self) -> Decimal:
        return max(self.shipped_value - self.received, ZERO)

    def amounts(self, currency: str) -> str:
        return (
            f"received {self.received} {currency} against {self.shipped_value} {currency} "
            f"shipped so far with this shipment; {self.missing} {currency} missing"
        )


def assess(
    amount: Decimal, shipped_before: Decimal, received: Decimal, customer: CustomerTerms
) -> Assessment:
    """P5.2, P6.4: may finance sign a shipment worth `amount`, after `shipped_before` of the
    order shipped or passed, with `received` paid against the order?"""
    tier = customer.tier or UNKNOWN_TIER
    shipped_value = shipped_before + amount
    exception = ""
    if tier == "A":
        reasons = []
        if customer.credit_limit is None:
            reasons.append("no credit limit on file for the customer")
        elif customer.open_balance > customer.credit_limit:
            reasons.append(
                f"open balance {customer.open_balance} exceeds the credit limit "
                f"{customer.credit_limit}"
            )
        if customer.overdue_invoices > 0:
            reasons.append(f"{customer.overdue_invoices} invoice(s) overdue")
        exception = "; ".join(reasons)
    may_sign = tier == "A" or received >= shipped_value
    return Assessment(tier, amount, shipped_value, received, may_sign, exception)


def _require_open(check: PaymentCheck) -> None:
    if check.status is CheckStatus.AWAITING_ORDER:
        raise NotAllowedNow(f"shipment {check.shipment_id} waits for its order to reach finance")
    if check.status is CheckStatus.PASSED:
        raise NotAllowedNow(f"the payment check of shipment {check.shipment_id} passed already")


def _decided(check: PaymentCheck, assessment: Assessment, **change: object) -> PaymentCheck:
    return replace(
        check,
        tier=assessment.tier,
        amount=assessment.amount,
        shipped_value=assessment.shipped_value,
        received=assessment.received,
        **change,  # type: ignore[arg-type]
    )


def sign(
    check: PaymentCheck, assessment: Assessment, signature: Signature, currency: str
) -> PaymentCheck:
    """P5.2: finance signs; a B or C shipment only when the money covers it (409 otherwise)."""
    _require_open(check)
    if not assessment.may_sign:
        raise NotAllowedNow(
            f"tier {assessment.tier}: finance may sign only when paid; "
            + assessment.amounts(currency)
        )
    return _decided(
        check,
        assessment,
        status=CheckStatus.PASSED,
        credit_exception=bool(assessment.credit_exception),
        reason=assessment.credit_exception,
        signed=signature,
    )


def refuse(
    check: PaymentCheck, assessment: Assessment, reason: str, signature: Signature
) -> PaymentCheck:
    """P5.2: finance refuses, with a reason (422 without one); never a check already passed or
    refused (409)."""
    if not reason.strip():
        raise InvalidDecision("a refusal needs a reason")
    _require_open(check)
    if check.status is CheckStatus.REFUSED:
        raise NotAllowedNow(f"the payment check of shipment {check.shipment_id} is refused already")
    return _decided(
        check,
        assessment,
        status=CheckStatus.REFUSED,
        credit_exception=False,
        reason=reason,
        signed=signature,
    )


def pass_on_payment(
    check: PaymentCheck, assessment: Assessment, payment_id: str, currency: str
) -> PaymentCheck | None:
    """P5.2, P6.1: a refused check whose shipment the money now covers passes without a
    person; None while it is not covered."""
    if check.status is not CheckStatus.REFUSED or assessment.received < assessment.shipped_value:
        return None
    return _decided(
        check,
        assessment,
        status=CheckStatus.PASSED,
        credit_exception=False,
        reason=f"covered by payment {payment_id}: " + assessment.amounts(currency),
        signed=None,
    )
