"""Putting a bank payment against an order (P6.2): what cannot be matched goes to a person."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from services.finance.domain.model import Account, ReceivePayment
from shared.contracts.bounds import MAX_MONEY


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


def order_id_from_reference(reference: str) -> str:
    """Payers type references by hand: surrounding blanks and letter case do not matter."""
    return reference.strip().upper()


def unmatched_reason(account: Account | None, command: ReceivePayment) -> str | None:
    """Why the payment cannot be put against the account; None when it can."""
    if account is None or not account.is_opened:
        return f"no order {command.order_reference}"
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
