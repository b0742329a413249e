"""Putting a bank payment against an order (P6.2): what cannot be matched is kept for a person,
matched on its own when its order arrives (in the order's currency only), assigned to an order
or marked for refund by a finance clerk."""

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Final

from services.finance.domain.commands import OWN_TRANSACTION_PREFIXES, ReceivePayment
from services.finance.domain.model import Account
from shared.contracts.bounds import MAX_MONEY, clip
from shared.decisions import InvalidDecision, NotAllowedNow, Signature

OWN_TRANSACTION_REASON: Final = (
    f"bank transaction ids starting with {' or '.join(OWN_TRANSACTION_PREFIXES)} are finance's "
    "own; a person must look at this payment"
)
"""P6.2: why a bank's payment with an id in finance's own namespace is held. It is never put
against an order under that id, so finance's own cash on delivery or credit applied later is
never taken for it and dropped."""


class UnmatchedStatus(StrEnum):
    OPEN = "open"
    MATCHED = "matched"
    """Put against its order when the order arrived."""
    ASSIGNED = "assigned"
    """A finance clerk put it against an order."""
    REFUND = "refund"
    """A finance clerk marked it to be paid back."""


@dataclass(frozen=True)
class UnmatchedPayment:
    """Money finance could not put against an order, kept for a person to resolve."""

    bank_transaction_id: str
    order_reference: str
    amount: Decimal
    currency: str
    booked_at: datetime
    payer: str
    reason: str
    status: UnmatchedStatus = UnmatchedStatus.OPEN
    order_id: str | None = None
    """The order it was put against, once matched or assigned."""
    resolved: Signature | None = None
    note: str = ""

    @property
    def held_as_finance_own(self) -> bool:
        """P6.2: the bank's payment held because its id lies in finance's own namespace."""
        return self.reason == OWN_TRANSACTION_REASON

    @property
    def reference_key(self) -> str:
        return order_id_from_reference(self.order_reference)

    def as_payment(self, order_id: str) -> ReceivePayment:
        return ReceivePayment(
            bank_transaction_id=self.bank_transaction_id,
            order_reference=order_id,
            amount=self.amount,
            currency=self.currency,
            booked_at=self.booked_at,
            payer=self.payer,
        )


def order_id_from_reference(reference: str) -> str:
    """Payers type references by hand: surrounding blanks and letter case do not matter."""
    return reference.strip().upper()


def unmatched_reason(account: Account | None, command: ReceivePayment) -> str | None:
    """Why the payment cannot be put against the account; None when it can. Money in another
    currency than the order's is never counted (P6.2)."""
    if account is None or not account.is_opened:
        return clip(f"no order {order_id_from_reference(command.order_reference)}")
    if command.currency != account.currency:
        return (
            f"payment in {command.currency} but order {account.order_id} is in {account.currency}"
        )
    if account.paid_total + command.amount > MAX_MONEY:
        return (
            f"payments against order {account.order_id} would exceed {MAX_MONEY} "
            f"{account.currency}, the most an account can record"
        )
    return None


def waiting_reason(account: Account, payment: UnmatchedPayment) -> str | None:
    """Why a kept payment cannot be put against the account (see unmatched_reason); one held
    for its id in finance's own namespace never can (P6.2)."""
    if payment.held_as_finance_own:
        return OWN_TRANSACTION_REASON
    return unmatched_reason(account, payment.as_payment(account.order_id))


def unmatched(command: ReceivePayment, reason: str) -> UnmatchedPayment:
    return UnmatchedPayment(
        bank_transaction_id=command.bank_transaction_id,
        order_reference=command.order_reference,
        amount=command.amount,
        currency=command.currency,
        booked_at=command.booked_at,
        payer=command.payer,
        reason=reason,
    )


def _require_open(payment: UnmatchedPayment) -> None:
    if payment.status is not UnmatchedStatus.OPEN:
        raise NotAllowedNow(
            f"payment {payment.bank_transaction_id} is resolved already ({payment.status.value})"
        )


def assign(
    payment: UnmatchedPayment, account: Account, signed: Signature | None
) -> UnmatchedPayment:
    """P6.2: put the payment against `account` (a clerk's assignment, or on its own when the
    order arrives, `signed` None); 409 when it is resolved, the currency differs or its id lies
    in finance's own namespace (it can only be marked for refund)."""
    _require_open(payment)
    reason = waiting_reason(account, payment)
    if reason is not None:
        raise NotAllowedNow(reason)
    status = UnmatchedStatus.MATCHED if signed is None else UnmatchedStatus.ASSIGNED
    return replace(payment, status=status, order_id=account.order_id, resolved=signed)


def mark_for_refund(payment: UnmatchedPayment, reason: str, signed: Signature) -> UnmatchedPayment:
    """P6.2: a clerk marks the payment to be paid back, with a reason (422 without)."""
    if not reason.strip():
        raise InvalidDecision("a refund needs a reason")
    _require_open(payment)
    return replace(payment, status=UnmatchedStatus.REFUND, resolved=signed, note=reason)
