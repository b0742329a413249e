"""Review's copy of the master data it decides with: customers and products from sales, open
balances and escalated collections from finance (latest record per key). Its own approval
authority and QA capability are not stored: they come from the seed file, with the ReviewPolicy
built at start."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.review.adapters import repository
from services.review.adapters.tables import balances, collection_escalations, customers, products
from services.review.domain.master import Customer, Product, ReviewBasis, ReviewPolicy
from services.review.domain.rules import credit_limit_reason
from shared.contracts.master import BalanceRecord, CustomerRecord, ProductRecord
from shared.contracts.money import CollectionStepped, CollectionSteppedPayload
from shared.db import rows
from shared.db.upsert import upsert


async def store_customer(connection: AsyncConnection, record: CustomerRecord) -> None:
    rows.forget(customers, record.customer_id)
    await upsert(
        connection,
        customers,
        [
            {
                "customer_id": record.customer_id,
                "name": record.name,
                "tier": record.tier,
                "currency": record.currency,
                "credit_limit": record.credit_limit,
                "payment_terms": list(record.payment_terms),
            }
        ],
    )


async def store_product(connection: AsyncConnection, record: ProductRecord) -> None:
    rows.forget(products, record.product_code)
    await upsert(
        connection,
        products,
        [
            {
                "product_code": record.product_code,
                "name": record.name,
                "is_new": record.is_new,
                "samples_confirmed": record.samples_confirmed,
                "bom_ready": record.bom_ready,
                "drawings_ready": record.drawings_ready,
                "specification_ready": record.specification_ready,
                "qa_level": record.qa_level,
            }
        ],
    )


async def store_balance(connection: AsyncConnection, record: BalanceRecord) -> None:
    rows.forget(balances, record.customer_id)
    await upsert(
        connection,
        balances,
        [
            {
                "customer_id": record.customer_id,
                "currency": record.currency,
                "open_balance": record.open_balance,
            }
        ],
    )


async def store_collection_step(
    connection: AsyncConnection, step: CollectionSteppedPayload, occurred_at: datetime
) -> None:
    """P6.3: the latest step of an invoice's collection wins; an older one arriving after it
    (by when finance recorded it) changes nothing. `cleared`, or a step that is not escalated,
    ends the invoice's escalation."""
    row = await rows.load(connection, collection_escalations, step.invoice_number)
    if row is not None and row["stepped_at"] > occurred_at:
        return
    values = {
        "invoice_number": step.invoice_number,
        "customer_id": step.customer_id,
        "step": step.step,
        "escalated": step.escalated and step.step != "cleared",
        "stepped_at": occurred_at,
    }
    if row is None:
        await rows.add(connection, collection_escalations, values)
    else:
        await rows.save(connection, collection_escalations, values)
    rows.remember(_escalated_key(step.customer_id), None)  # read again, with this step
    if row is not None and row["customer_id"] != step.customer_id:
        rows.remember(_escalated_key(row["customer_id"]), None)


async def preload_collection_steps(
    connection: AsyncConnection, stepped: Sequence[CollectionStepped]
) -> None:
    """A batch's collection steps: their invoices' rows, read in one statement."""
    await rows.preload(
        connection, collection_escalations, (event.payload.invoice_number for event in stepped)
    )


def _escalated_key(customer_id: str) -> tuple[str, str]:
    return ("review.escalated", customer_id)


async def escalated_invoices(connection: AsyncConnection, customer_id: str) -> tuple[str, ...]:
    """P6.3: the customer's invoices whose collection is escalated now, in number order; read
    once per customer and transaction (a collection step stored since reads it again)."""
    known: tuple[str, ...] | None = rows.recall(_escalated_key(customer_id))
    if known is not None:
        return known
    return (await _read_escalations(connection, [customer_id]))[customer_id]


async def _read_escalations(
    connection: AsyncConnection, customer_ids: Sequence[str]
) -> dict[str, tuple[str, ...]]:
    """The customers' escalated invoices, in one statement; remembered for the transaction."""
    await rows.flush_table(connection, collection_escalations)  # this batch's steps count
    found = await connection.execute(
        select(collection_escalations.c.customer_id, collection_escalations.c.invoice_number)
        .where(
            collection_escalations.c.customer_id.in_(customer_ids),
            collection_escalations.c.escalated.is_(True),
        )
        .order_by(collection_escalations.c.invoice_number)
    )
    escalated: dict[str, list[str]] = {customer_id: [] for customer_id in customer_ids}
    for row in found:
        escalated[row.customer_id].append(row.invoice_number)
    kept = {customer_id: tuple(invoices) for customer_id, invoices in escalated.items()}
    for customer_id, invoices in kept.items():
        rows.remember(_escalated_key(customer_id), invoices)
    return kept


async def preload_customers(connection: AsyncConnection, customer_ids: Iterable[str]) -> None:
    """What the review of a batch's orders reads of their customers, one statement each for
    all of them: the customer records, finance's open balances, the escalated collections and
    review's own approved-unconfirmed totals (P6.3, P6.4)."""
    wanted = sorted(set(customer_ids))
    if not wanted:
        return
    await rows.load_many(connection, customers, wanted)
    await rows.load_many(connection, balances, wanted)
    unread = [c for c in wanted if rows.recall(_escalated_key(c)) is None]
    if unread:
        await _read_escalations(connection, unread)
    await repository.preload_approved_unconfirmed(connection, wanted)


async def customer_of(connection: AsyncConnection, customer_id: str) -> Customer | None:
    """The customer's latest record, None when it has not arrived yet."""
    row = await rows.load(connection, customers, customer_id, for_update=False)
    if row is None:
        return None
    return Customer(
        customer_id=row["customer_id"],
        tier=row["tier"],
        credit_limit=row["credit_limit"],
        payment_terms=tuple(row["payment_terms"]),
    )


async def open_balance(connection: AsyncConnection, customer_id: str, order_id: str) -> Decimal:
    """P6.4: what the customer owes for the credit check of order `order_id`: finance's open
    balance of its confirmed orders, plus the orders review approved that sales has not
    confirmed yet (review's own record; finance does not know them so far)."""
    balance_row = await rows.load(connection, balances, customer_id, for_update=False)
    finance = Decimal(0) if balance_row is None else balance_row["open_balance"]
    return finance + await repository.approved_unconfirmed_total(
        connection, customer_id, excluding=order_id
    )


async def credit_reason(
    connection: AsyncConnection, customer_id: str, order_id: str, total: Decimal, currency: str
) -> str | None:
    """P6.4: the credit check of an order as it stands now; None: within the limit (or the
    customer's record has not arrived)."""
    customer = await customer_of(connection, customer_id)
    if customer is None:
        return None
    balance = await open_balance(connection, customer_id, order_id)
    return credit_limit_reason(total, currency, customer, balance)


async def basis_for(
    connection: AsyncConnection,
    customer_id: str,
    product_codes: Iterable[str],
    policy: ReviewPolicy,
    order_id: str,
) -> ReviewBasis:
    """The master data the review of `order_id` is evaluated against, as far as it has
    arrived, with review's own rules."""
    product_rows = await rows.load_many(connection, products, product_codes)
    return ReviewBasis(
        customer=await customer_of(connection, customer_id),
        products={
            row["product_code"]: Product(
                product_code=row["product_code"],
                is_new=row["is_new"],
                samples_confirmed=row["samples_confirmed"],
                bom_ready=row["bom_ready"],
                drawings_ready=row["drawings_ready"],
                specification_ready=row["specification_ready"],
                qa_level=row["qa_level"],
            )
            for row in product_rows
        },
        authority=policy.authority,
        qa_capability_level=policy.qa_capability_level,
        open_balance=await open_balance(connection, customer_id, order_id),
        auto_approval=policy.auto_approval,
        escalated_invoices=await escalated_invoices(connection, customer_id),
    )
