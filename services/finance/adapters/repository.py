"""Loads and stores accounts and payments in the service's own database."""

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.finance.adapters.tables import (
    accounts,
    customer_balances,
    customers,
    invoices,
    payment_number_counters,
    payments,
    unmatched_payments,
)
from services.finance.domain.balance import CustomerBalance
from services.finance.domain.customers import Customer
from services.finance.domain.matching import UnmatchedPayment, order_id_from_reference
from services.finance.domain.model import (
    Account,
    AccountStatus,
    Invoice,
    InvoiceWasIssued,
    Outcome,
    Payment,
    format_payment_number,
)
from shared.contracts import PaymentNotification
from shared.db import rows
from shared.db.sequences import next_in_year


async def next_payment_number(connection: AsyncConnection, year: int) -> str:
    """Allocate the next payment number inside the caller's transaction."""
    return format_payment_number(
        year, await next_in_year(connection, payment_number_counters, year)
    )


async def load(connection: AsyncConnection, order_id: str) -> Account | None:
    """The account as it is in this transaction (read once per unit of work)."""
    found = await rows.load(connection, accounts, order_id)
    if found is None:
        return None
    row = SimpleNamespace(**found)
    invoice_row = None
    if row.shipped_on is not None:  # nothing is invoiced before it is shipped (P6.3)
        found_invoice = await rows.load_by(
            connection, invoices, "order_id", order_id, for_update=False
        )
        invoice_row = None if found_invoice is None else SimpleNamespace(**found_invoice)
    invoice = None
    if invoice_row is not None:
        invoice = Invoice(
            invoice_number=invoice_row.invoice_number,
            amount=invoice_row.amount,
            currency=invoice_row.currency,
            issued_on=invoice_row.issued_on,
            due_date=invoice_row.due_date,
        )
    return Account(
        order_id=row.order_id,
        customer_id=row.customer_id,
        currency=row.currency,
        total_amount=row.total_amount,
        paid_total=row.paid_total,
        shipped_on=row.shipped_on,
        invoice=invoice,
        status=AccountStatus(row.status),
        outcome=Outcome(row.outcome) if row.outcome else None,
        confirmed=bool(row.confirmed),
        confirmed_delivery_date=row.confirmed_delivery_date,
        deposit_amount=row.deposit_amount,
        deposit_requested=bool(row.deposit_requested),
    )


def _row(account: Account) -> dict[str, Any]:
    return {
        "order_id": account.order_id,
        "customer_id": account.customer_id,
        "currency": account.currency,
        "total_amount": account.total_amount,
        "paid_total": account.paid_total,
        "shipped_on": account.shipped_on,
        "status": account.status.value,
        "outcome": account.outcome.value if account.outcome else None,
        "confirmed": account.confirmed,
        "confirmed_delivery_date": account.confirmed_delivery_date,
        "deposit_amount": account.deposit_amount,
        "deposit_requested": account.deposit_requested,
    }


async def _add_invoice_if_issued(connection: AsyncConnection, account: Account) -> None:
    """An invoice, once issued, never changes: it is stored in the unit of work that issued it."""
    invoice = account.invoice
    if invoice is None or not any(isinstance(e, InvoiceWasIssued) for e in account.events):
        return
    await rows.add(
        connection,
        invoices,
        {
            "invoice_number": invoice.invoice_number,
            "order_id": account.order_id,
            "amount": invoice.amount,
            "currency": invoice.currency,
            "issued_on": invoice.issued_on,
            "due_date": invoice.due_date,
        },
    )


async def add(connection: AsyncConnection, account: Account) -> None:
    await rows.add(connection, accounts, _row(account))
    await _add_invoice_if_issued(connection, account)


async def save(connection: AsyncConnection, account: Account) -> None:
    await rows.save(connection, accounts, _row(account))
    await _add_invoice_if_issued(connection, account)


async def preload_accounts(connection: AsyncConnection, bodies: Sequence[Any]) -> None:
    """Before a batch of events: their orders' accounts (locked) and invoices, two statements."""
    order_ids = [body.order_id for body in bodies]
    await rows.preload(connection, accounts, order_ids)
    await rows.preload_by(connection, invoices, "order_id", order_ids, for_update=False)


async def preload_transactions(
    connection: AsyncConnection, notifications: Sequence[PaymentNotification]
) -> None:
    """Before a batch of bank notifications: which of their transactions are recorded, and the
    accounts (locked) and invoices of the orders they name."""
    ids = [notification.bank_transaction_id for notification in notifications]
    await rows.preload_by(connection, payments, "bank_transaction_id", ids, for_update=False)
    await rows.load_many(connection, unmatched_payments, ids)
    order_ids = [order_id_from_reference(n.order_reference) for n in notifications]
    await rows.preload(connection, accounts, order_ids)
    await rows.preload_by(connection, invoices, "order_id", order_ids, for_update=False)


async def transaction_known(connection: AsyncConnection, bank_transaction_id: str) -> bool:
    """Whether the bank transaction was already recorded, matched or not."""
    matched = await rows.load_by(
        connection, payments, "bank_transaction_id", bank_transaction_id, for_update=False
    )
    if matched is not None:
        return True
    kept = await rows.load(connection, unmatched_payments, bank_transaction_id, for_update=False)
    return kept is not None


async def add_payment(connection: AsyncConnection, payment: Payment) -> None:
    await rows.add(
        connection,
        payments,
        {
            "payment_id": payment.payment_id,
            "order_id": payment.order_id,
            "bank_transaction_id": payment.bank_transaction_id,
            "kind": payment.kind.value,
            "amount": payment.amount,
            "currency": payment.currency,
            "booked_at": payment.booked_at,
            "payer": payment.payer,
        },
    )


async def add_unmatched(connection: AsyncConnection, payment: UnmatchedPayment) -> None:
    await rows.add(
        connection,
        unmatched_payments,
        {
            "bank_transaction_id": payment.bank_transaction_id,
            "order_reference": payment.order_reference,
            "amount": payment.amount,
            "currency": payment.currency,
            "booked_at": payment.booked_at,
            "payer": payment.payer,
            "reason": payment.reason,
        },
    )


async def store_customer(connection: AsyncConnection, customer: Customer) -> None:
    """Keep the latest record of the customer (insert or replace)."""
    values = {
        "name": customer.name,
        "tier": customer.tier,
        "currency": customer.currency,
        "deposit_percent": customer.deposit_percent,
    }
    rows.forget(customers, customer.customer_id)
    updated = await connection.execute(
        update(customers).where(customers.c.customer_id == customer.customer_id).values(**values)
    )
    if updated.rowcount == 0:
        await connection.execute(
            insert(customers).values(customer_id=customer.customer_id, **values)
        )


async def customer_currency(connection: AsyncConnection, customer_id: str) -> str | None:
    row = await rows.load(connection, customers, customer_id, for_update=False)
    return None if row is None else str(row["currency"])


async def load_balance(connection: AsyncConnection, customer_id: str) -> CustomerBalance | None:
    """The customer's open balance as it is in this transaction: many messages of one batch
    move the same customer's balance, which is read and written once."""
    row = await rows.load(connection, customer_balances, customer_id)
    if row is None:
        return None
    return CustomerBalance(
        customer_id=row["customer_id"], currency=row["currency"], open_balance=row["open_balance"]
    )


def _balance_row(balance: CustomerBalance) -> dict[str, Any]:
    return {
        "customer_id": balance.customer_id,
        "currency": balance.currency,
        "open_balance": balance.open_balance,
    }


async def add_balance(connection: AsyncConnection, balance: CustomerBalance) -> None:
    await rows.add(connection, customer_balances, _balance_row(balance))


async def save_balance(connection: AsyncConnection, balance: CustomerBalance) -> None:
    await rows.save(connection, customer_balances, _balance_row(balance))
