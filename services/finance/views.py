"""How finance's documents read in its HTTP API: accounts with what is unpaid of each invoice,
payment checks, unmatched payments (P5.2, P6.2, P6.3)."""

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from pydantic import TypeAdapter

from services.finance.domain.checks import PaymentCheck
from services.finance.domain.collection import Invoice
from services.finance.domain.matching import UnmatchedPayment
from services.finance.domain.model import Account
from services.finance.ledger import Ledger
from shared.decisions import Person

_PLAIN: TypeAdapter[Any] = TypeAdapter(Any)


def plain(value: Any) -> Any:
    """A view as JSON reads it: money as exact decimal strings (never floats), dates in ISO."""
    return _PLAIN.dump_python(value, mode="json")


def check_view(check: PaymentCheck, currency: str | None) -> dict[str, Any]:
    return {**asdict(check), "status": check.status.value, "currency": currency}


def invoice_view(invoice: Invoice) -> dict[str, Any]:
    return {
        **asdict(invoice),
        "unpaid": invoice.open_amount,
        "step": invoice.step,
        "escalated": invoice.escalated,
    }


def account_view(account: Account, paid: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An order's account as people read it (P6.2, P6.3, P5.2)."""
    view = {
        "order_id": account.order_id,
        "customer_id": account.customer_id,
        "currency": account.currency,
        "status": account.status.value,
        "total": account.total_amount,
        "paid": account.paid_total,
        "paid_total": account.paid_total,
        "balance_due": account.balance_due,
        "settled": account.settled,
        "credit": account.credit,
        "credit_used": account.credit_used,
        "payment_terms": account.payment_terms,
        "delivery_date": account.confirmed_delivery_date,
        "deposit_amount": account.deposit_amount,
        "version": account.version,
        "confirmed_version": account.confirmed_version,
        "charged": account.charged,
        "credited": account.credited,
        "credit_notes": [asdict(note) for note in account.credit_notes],
        "invoices": [invoice_view(invoice) for invoice in account.invoices],
        "checks": [check_view(check, account.currency) for check in account.checks],
    }
    if paid is not None:
        view["payments"] = paid
    return view


def unmatched_view(payment: UnmatchedPayment) -> dict[str, Any]:
    return {**asdict(payment), "status": payment.status.value}


Decision = Callable[[Ledger, Person], Awaitable[Any]]


def shown(result: Any) -> Any:
    if isinstance(result, Account):
        return account_view(result)
    if isinstance(result, PaymentCheck):
        return check_view(result, None)
    if isinstance(result, Invoice):
        return invoice_view(result)
    if isinstance(result, UnmatchedPayment):
        return unmatched_view(result)
    return result
