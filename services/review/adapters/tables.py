"""Review's own database tables."""

from sqlalchemy import Column, Date, MetaData, String, Table

from shared.db.messaging_tables import add_messaging_tables
from shared.db.types import MoneyType

metadata = MetaData()
inbox, outbox = add_messaging_tables(metadata)

reviews = Table(
    "reviews",
    metadata,
    Column("order_id", String(40), primary_key=True),
    Column("customer_id", String(100), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("total_amount", MoneyType(), nullable=False),
    Column("requested_delivery_date", Date, nullable=False),
    Column("status", String(20), nullable=False),
    Column("confirmed_delivery_date", Date, nullable=True),
    Column("decline_reason", String(1000), nullable=False),
    Column("outcome", String(20), nullable=True),
)
