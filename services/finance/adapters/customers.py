"""Customers and their balances in finance's database (P5.2, P6.3, P6.4)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.finance.adapters.tables import accounts, customer_balances, customers
from services.finance.domain.balance import CustomerBalance
from services.finance.domain.customers import Customer
from shared.db import rows


async def store_customer(connection: AsyncConnection, customer: Customer) -> None:
    """Keep the latest record of the customer (insert or replace)."""
    values = {
        "name": customer.name,
        "tier": customer.tier,
        "currency": customer.currency,
        "deposit_percent": customer.deposit_percent,
        "credit_limit": customer.credit_limit,
        "payment_terms": list(customer.payment_terms),
    }
    rows.forget(customers, customer.customer_id)
    updated = await connection.execute(
        update(customers).where(customers.c.customer_id == customer.customer_id).values(**values)
    )
    if updated.rowcount == 0:
        await connection.execute(
            insert(customers).values(customer_id=customer.customer_id, **values)
        )


async def load_customer(connection: AsyncConnection, customer_id: str) -> Customer | None:
    row = await rows.load(connection, customers, customer_id, for_update=False)
    if row is None:
        return None
    return Customer(
        customer_id=row["customer_id"],
        name=row["name"],
        tier=row["tier"],
        currency=row["currency"],
        deposit_percent=row["deposit_percent"],
        credit_limit=row["credit_limit"],
        payment_terms=tuple(row["payment_terms"] or ()),
    )


async def load_balance(connection: AsyncConnection, customer_id: str) -> CustomerBalance | None:
    """The customer's open balance as it is in this transaction: many messages of one batch
    move the same customer's balance, which is read and written once."""
    row = await rows.load(connection, customer_balances, customer_id)
    if row is None:
        return None
    return CustomerBalance(
        customer_id=row["customer_id"],
        currency=row["currency"],
        open_balance=row["open_balance"],
        overdue_invoices=row["overdue_invoices"],
    )


def _balance_row(balance: CustomerBalance) -> dict[str, Any]:
    return {
        "customer_id": balance.customer_id,
        "currency": balance.currency,
        "open_balance": balance.open_balance,
        "overdue_invoices": balance.overdue_invoices,
    }


async def add_balance(connection: AsyncConnection, balance: CustomerBalance) -> None:
    await rows.add(connection, customer_balances, _balance_row(balance))


async def save_balance(connection: AsyncConnection, balance: CustomerBalance) -> None:
    await rows.save(connection, customer_balances, _balance_row(balance))


async def preload_customers(
    connection: AsyncConnection, order_ids: Sequence[str], customer_ids: Sequence[str] = ()
) -> None:
    """Before a batch: the customers and balances (locked) of the orders' accounts (read
    already) and of `customer_ids`, in two statements."""
    found = await rows.load_many(connection, accounts, order_ids, for_update=True)
    ids = sorted({row["customer_id"] for row in found if row["customer_id"]} | set(customer_ids))
    if ids:
        await rows.load_many(connection, customers, ids)
        await rows.preload(connection, customer_balances, ids)
