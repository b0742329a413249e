"""Review's copy of the master data it decides with: customers and products from sales, open
balances from finance (latest record per key). Its own approval authority and QA capability are
not stored: they come from the seed file, with the ReviewPolicy built at start."""

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection

from services.review.adapters.tables import balances, customers, products
from services.review.domain.master import Customer, Product, ReviewBasis, ReviewPolicy
from shared.contracts.master import BalanceRecord, CustomerRecord, ProductRecord
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


async def basis_for(
    connection: AsyncConnection,
    customer_id: str,
    product_codes: Iterable[str],
    policy: ReviewPolicy,
) -> ReviewBasis:
    """The master data a review is evaluated against, as far as it has arrived, with review's
    own rules."""
    customer_row = await rows.load(connection, customers, customer_id, for_update=False)
    product_rows = await rows.load_many(connection, products, product_codes)
    balance_row = await rows.load(connection, balances, customer_id, for_update=False)
    open_balance = None if balance_row is None else balance_row["open_balance"]
    return ReviewBasis(
        customer=None
        if customer_row is None
        else Customer(
            customer_id=customer_row["customer_id"],
            tier=customer_row["tier"],
            credit_limit=customer_row["credit_limit"],
            payment_terms=tuple(customer_row["payment_terms"]),
        ),
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
        open_balance=Decimal(0) if open_balance is None else open_balance,
        auto_approval=policy.auto_approval,
    )
