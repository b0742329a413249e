"""Loads and stores accounts, whole, in the service's own database: one row per order, its
lines, shipments, checks and invoices as JSON; the `payment_checks` and `invoices` tables
follow every change of them, for people's lists and for looking an order up by shipment or
invoice."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.finance.adapters.tables import accounts, credit_notes, invoices, payment_checks
from services.finance.domain.checks import PaymentCheck
from services.finance.domain.collection import Invoice
from services.finance.domain.commands import Line
from services.finance.domain.credit_notes import CreditNote
from services.finance.domain.model import Account, AccountStatus, Outcome, Shipped
from services.finance.domain.valuation import Valued
from shared.db import rows
from shared.delivery_dates import DateSource

_LINES: TypeAdapter[tuple[Line, ...]] = TypeAdapter(tuple[Line, ...])
_VALUED: TypeAdapter[tuple[Valued, ...]] = TypeAdapter(tuple[Valued, ...])
_CHECKS: TypeAdapter[tuple[PaymentCheck, ...]] = TypeAdapter(tuple[PaymentCheck, ...])
_SHIPPED: TypeAdapter[tuple[Shipped, ...]] = TypeAdapter(tuple[Shipped, ...])
_INVOICES: TypeAdapter[tuple[Invoice, ...]] = TypeAdapter(tuple[Invoice, ...])
_NOTES: TypeAdapter[tuple[CreditNote, ...]] = TypeAdapter(tuple[CreditNote, ...])

COLLECTION_BATCH = 200
"""Accounts one collection round walks at most (P6.3); the rest wait for the next round."""


def _account(row: dict[str, Any]) -> Account:
    return Account(
        order_id=row["order_id"],
        customer_id=row["customer_id"],
        currency=row["currency"],
        total_amount=row["total_amount"],
        lines=_LINES.validate_python(row["lines"] or ()),
        payment_terms=row["payment_terms"],
        tier=row["tier"],
        paid_total=row["paid_total"],
        credit_used=row["credit_used"],
        shipped_on=row["shipped_on"],
        status=AccountStatus(row["status"]),
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
        confirmed=bool(row["confirmed"]),
        confirmed_delivery_date=row["confirmed_delivery_date"],
        delivery_date_source=_source(row["delivery_date_source"]),
        delivery_date_version=row["delivery_date_version"],
        deposit_amount=row["deposit_amount"],
        deposit_requested=bool(row["deposit_requested"]),
        valued=_VALUED.validate_python(row["valued"] or ()),
        checks=_CHECKS.validate_python(row["checks"] or ()),
        shipped=_SHIPPED.validate_python(row["shipped"] or ()),
        invoices=_INVOICES.validate_python(row["invoices"] or ()),
        version=row["version"],
        confirmed_version=row["confirmed_version"],
        acknowledged_change=row["acknowledged_change"],
        charged=row["charged"],
        credited=row["credited"],
        credit_notes=_NOTES.validate_python(row["credit_notes"] or ()),
    )


def _source(stored: str | None) -> DateSource | None:
    """The step that set the stored delivery date; none (or a value this version does not
    know) lets any date replace it."""
    return DateSource(stored) if stored in {source.value for source in DateSource} else None


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
        "delivery_date_source": account.delivery_date_source,
        "delivery_date_version": account.delivery_date_version,
        "deposit_amount": account.deposit_amount,
        "deposit_requested": account.deposit_requested,
        "lines": _LINES.dump_python(account.lines, mode="json"),
        "payment_terms": account.payment_terms,
        "tier": account.tier,
        "credit_used": account.credit_used,
        "credit_available": account.credit,
        "valued": _VALUED.dump_python(account.valued, mode="json"),
        "checks": _CHECKS.dump_python(account.checks, mode="json"),
        "shipped": _SHIPPED.dump_python(account.shipped, mode="json"),
        "invoices": _INVOICES.dump_python(account.invoices, mode="json"),
        "next_collection_on": account.next_collection_on,
        "version": account.version,
        "confirmed_version": account.confirmed_version,
        "acknowledged_change": account.acknowledged_change,
        "charged": account.charged,
        "credited": account.credited,
        "credit_notes": _NOTES.dump_python(account.credit_notes, mode="json"),
    }


async def load(connection: AsyncConnection, order_id: str) -> Account | None:
    """The account as it is in this transaction (read once per unit of work), locked."""
    found = await rows.load(connection, accounts, order_id)
    return None if found is None else _account(found)


async def store(connection: AsyncConnection, account: Account, before: Account | None) -> None:
    """Store the account (new when `before` is None) and every check and invoice that is new
    or changed since `before`."""
    if before is None:
        await rows.add(connection, accounts, _row(account))
    else:
        await rows.save(connection, accounts, _row(account))
    known_checks = {check.shipment_id: check for check in before.checks} if before else {}
    for check in account.checks:
        if check.shipment_id not in known_checks:
            await rows.add(connection, payment_checks, _check_row(account, check))
        elif known_checks[check.shipment_id] != check:
            await rows.save(connection, payment_checks, _check_row(account, check))
    known = {invoice.invoice_number: invoice for invoice in before.invoices} if before else {}
    for invoice in account.invoices:
        if invoice.invoice_number not in known:
            await rows.add(connection, invoices, _invoice_row(account, invoice))
        elif known[invoice.invoice_number] != invoice:
            await rows.save(connection, invoices, _invoice_row(account, invoice))
    noted = {note.credit_note_number for note in before.credit_notes} if before else set()
    for note in account.credit_notes:
        if note.credit_note_number not in noted:
            await rows.add(connection, credit_notes, _credit_note_row(account, note))


def _check_row(account: Account, check: PaymentCheck) -> dict[str, Any]:
    return {
        "shipment_id": check.shipment_id,
        "order_id": account.order_id,
        "customer_id": account.customer_id,
        "status": check.status.value,
        "tier": check.tier,
        "amount": check.amount,
        "currency": account.currency,
        "credit_exception": check.credit_exception,
        "reason": check.reason,
        "requested_at": check.requested_at,
    }


def _invoice_row(account: Account, invoice: Invoice) -> dict[str, Any]:
    return {
        "invoice_number": invoice.invoice_number,
        "order_id": account.order_id,
        "amount": invoice.amount,
        "currency": invoice.currency,
        "issued_on": invoice.issued_on,
        "due_date": invoice.due_date,
        "kind": invoice.kind,
        "shipment_id": invoice.shipment_id,
        "customer_id": account.customer_id,
        "payment_terms": invoice.payment_terms,
        "note": invoice.note,
        "unpaid": invoice.open_amount,
        "step": invoice.step,
        "escalated": invoice.escalated,
        "promised_on": invoice.promised_on,
        "voided": invoice.voided,
    }


def _credit_note_row(account: Account, note: CreditNote) -> dict[str, Any]:
    return {
        "credit_note_number": note.credit_note_number,
        "order_id": account.order_id,
        "return_number": note.return_number,
        "customer_id": account.customer_id,
        "amount": note.amount,
        "currency": note.currency,
        "issued_on": note.issued_on,
        "lines": [
            {
                "product_code": line.product_code,
                "quantity": line.quantity,
                "unit_value": str(line.unit_value),
                "amount": str(line.amount),
            }
            for line in note.lines
        ],
    }


async def preload_accounts(connection: AsyncConnection, bodies: Sequence[Any]) -> None:
    """Before a batch of events: their orders' accounts, locked, in one statement."""
    await rows.preload(connection, accounts, [body.order_id for body in bodies])


async def preload_shipments(connection: AsyncConnection, bodies: Sequence[Any]) -> None:
    """Before a batch of shipment events: their accounts (locked) and which orders their
    shipments' checks belong to, two statements."""
    await preload_accounts(connection, bodies)
    await rows.load_many(connection, payment_checks, [body.payload.shipment_id for body in bodies])


async def check_owner(connection: AsyncConnection, shipment_id: str) -> str | None:
    """The order whose shipment this is, by its payment check; None: no check of it."""
    found = await rows.load(connection, payment_checks, shipment_id, for_update=False)
    return None if found is None else str(found["order_id"])


async def invoice_owner(connection: AsyncConnection, number: str) -> str | None:
    found = await rows.load(connection, invoices, number, for_update=False)
    return None if found is None else str(found["order_id"])


async def due_for_collection(
    connection: AsyncConnection, today: date, limit: int = COLLECTION_BATCH
) -> list[str]:
    """P6.3: the orders with an invoice whose next collection step has come, oldest first, at
    most `limit`, locked; rows another replica's round holds are skipped (SKIP LOCKED), so
    replicas share the work and never walk one account twice."""
    statement = (
        select(accounts.c.order_id)
        .where(accounts.c.next_collection_on <= today)
        .order_by(accounts.c.next_collection_on, accounts.c.order_id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await connection.execute(statement)).scalars())
