"""Payments, unmatched payments, payment numbers, customers and their balances in finance's
database (P6.1, P6.2, P6.4)."""

from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.finance.adapters.tables import (
    accounts,
    payment_number_counters,
    payments,
    unmatched_payments,
)
from services.finance.domain.events import Payment
from services.finance.domain.matching import (
    UnmatchedPayment,
    UnmatchedStatus,
    order_id_from_reference,
)
from services.finance.domain.model import format_payment_number
from shared.contracts import PaymentNotification
from shared.db import rows
from shared.db.sequences import next_in_year
from shared.decisions import Signature

_SIGNATURE: TypeAdapter[Signature | None] = TypeAdapter(Signature | None)
KEY_LENGTH = 200


def reference_key(reference: str) -> str:
    """The payer's reference as matching reads it, cut to its column."""
    return order_id_from_reference(reference)[:KEY_LENGTH]


async def next_payment_number(connection: AsyncConnection, year: int) -> str:
    """Allocate the next payment number inside the caller's transaction."""
    return format_payment_number(
        year, await next_in_year(connection, payment_number_counters, year)
    )


# -- payments and bank transactions ----------------------------------------------------------------


async def preload_transactions(connection: AsyncConnection, ids: Sequence[str]) -> None:
    """Which of these bank transactions are recorded, matched or not: two statements."""
    await rows.preload_by(connection, payments, "bank_transaction_id", ids, for_update=False)
    await rows.load_many(connection, unmatched_payments, ids, for_update=True)


async def preload_notifications(
    connection: AsyncConnection, notifications: Sequence[PaymentNotification]
) -> None:
    """Before a batch of bank notifications: their transactions and the accounts (locked) of
    the orders they name."""
    await preload_transactions(connection, [n.bank_transaction_id for n in notifications])
    keys = [order_id_from_reference(n.order_reference) for n in notifications]
    await rows.preload(connection, accounts, keys)


async def transaction_known(connection: AsyncConnection, bank_transaction_id: str) -> bool:
    """Whether the bank transaction was already recorded, matched or not."""
    if await transaction_recorded(connection, bank_transaction_id):
        return True
    return await rows.load(connection, unmatched_payments, bank_transaction_id) is not None


async def transaction_recorded(connection: AsyncConnection, bank_transaction_id: str) -> bool:
    """Whether the transaction was recorded as a payment against an order."""
    matched = await rows.load_by(
        connection, payments, "bank_transaction_id", bank_transaction_id, for_update=False
    )
    return matched is not None


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


# -- unmatched payments ----------------------------------------------------------------------------


def _unmatched_row(payment: UnmatchedPayment) -> dict[str, Any]:
    return {
        "bank_transaction_id": payment.bank_transaction_id,
        "order_reference": payment.order_reference,
        "amount": payment.amount,
        "currency": payment.currency,
        "booked_at": payment.booked_at,
        "payer": payment.payer,
        "reason": payment.reason,
        "status": payment.status.value,
        "reference_key": reference_key(payment.order_reference),
        "order_id": payment.order_id,
        "resolved": _SIGNATURE.dump_python(payment.resolved, mode="json"),
        "note": payment.note,
    }


def unmatched_from(row: dict[str, Any]) -> UnmatchedPayment:
    return UnmatchedPayment(
        bank_transaction_id=row["bank_transaction_id"],
        order_reference=row["order_reference"],
        amount=row["amount"],
        currency=row["currency"],
        booked_at=row["booked_at"],
        payer=row["payer"],
        reason=row["reason"],
        status=UnmatchedStatus(row["status"]),
        order_id=row["order_id"],
        resolved=_SIGNATURE.validate_python(row["resolved"]),
        note=row["note"],
    )


async def load_unmatched(connection: AsyncConnection, tx: str) -> UnmatchedPayment | None:
    found = await rows.load(connection, unmatched_payments, tx)
    return None if found is None else unmatched_from(found)


def _waiting_key(order_id: str) -> tuple[str, str]:
    return ("finance.unmatched.waiting", order_id)


async def add_unmatched(connection: AsyncConnection, payment: UnmatchedPayment) -> None:
    await rows.add(connection, unmatched_payments, _unmatched_row(payment))
    waiting = rows.recall(_waiting_key(reference_key(payment.order_reference)))
    if waiting is not None:  # an order opened later in this transaction must find it
        waiting.append(payment.bank_transaction_id)


async def save_unmatched(connection: AsyncConnection, payment: UnmatchedPayment) -> None:
    await rows.save(connection, unmatched_payments, _unmatched_row(payment))


async def preload_waiting(connection: AsyncConnection, order_ids: Sequence[str]) -> None:
    """Before a batch of orders opening: the unmatched payments that name them, one
    statement (P6.2)."""
    wanted = sorted({o for o in order_ids if rows.recall(_waiting_key(o)) is None})
    if not wanted:
        return
    found: dict[str, list[str]] = {order_id: [] for order_id in wanted}
    statement = select(unmatched_payments).where(
        unmatched_payments.c.reference_key.in_(wanted),
        unmatched_payments.c.status == UnmatchedStatus.OPEN.value,
    )
    for row in (await connection.execute(statement)).mappings():
        found[row["reference_key"]].append(row["bank_transaction_id"])
    for order_id, ids in found.items():
        rows.remember(_waiting_key(order_id), ids)
    await rows.load_many(
        connection,
        unmatched_payments,
        [tx for ids in found.values() for tx in ids],
        for_update=True,
    )


async def waiting_for(connection: AsyncConnection, order_id: str) -> list[UnmatchedPayment]:
    """The open unmatched payments whose reference names the order, oldest first."""
    if rows.recall(_waiting_key(order_id)) is None:
        await rows.flush_table(connection, unmatched_payments)
        await preload_waiting(connection, [order_id])
    ids = rows.recall(_waiting_key(order_id)) or []
    found = [await load_unmatched(connection, tx) for tx in ids]
    waiting = [p for p in found if p is not None and p.status is UnmatchedStatus.OPEN]
    return sorted(waiting, key=lambda p: (p.booked_at, p.bank_transaction_id))
