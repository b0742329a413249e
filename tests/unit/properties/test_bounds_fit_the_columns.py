"""Every bounded contract string fits each String(n) column it is stored in, and none can hold
NUL: what PostgreSQL refuses (a value longer than its column, a NUL in text) can never come
from a message that passed its contract. Checked statically, column by column, and for the
numbers the services compute (an order's total, its units, the longest derived numbers)."""

import typing
from enum import StrEnum
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import String, Table

from services.finance.adapters import tables as finance
from services.finance.domain.model import format_payment_number
from services.finance.domain.shipments import invoice_number, proforma_number
from services.logistics.adapters import tables as logistics
from services.logistics.domain.model import (
    AUTOMATIC_RELEASE,
    DEFAULT_CARRIER,
    MAX_SHIPMENTS,
    shipment_number,
    tracking_number_for,
    waybill_for,
)
from services.logistics.domain.returns import MAX_RETURNS
from services.logistics.domain.returns import ReturnStatus as CustomerReturnStatus
from services.logistics.domain.shipment import ShipmentStatus
from services.production.adapters import tables as production
from services.production.adapters.documents import (
    DELIVERIES,
    PURCHASE_ORDERS,
    REQUISITIONS,
    RETURNS,
    SAFETY_STOCK,
    Documents,
)
from services.production.domain.model import ProductionStatus, production_order_number
from services.production.domain.planner import iso_week
from services.production.domain.purchasing import (
    DeliveryStatus,
    PurchaseOrderStatus,
    RequisitionStatus,
    ReturnStatus,
)
from services.production.domain.safety_stock import SafetyStockStatus
from services.review.adapters import tables as review
from services.sales.adapters import tables as sales
from services.sales.adapters.tracking import CLOSED_BY_MAX, SUMMARY_MAX, WORK_SUMMARY_MAX
from services.sales.domain.changes import ChangeStatus
from services.sales.domain.intake import format_order_number
from shared.contracts import bounds, topics
from shared.contracts.changes import Stage
from shared.contracts.common import Channel, CurrencyCode
from shared.contracts.money import CollectionStep
from shared.contracts.production import DelayCause
from shared.contracts.returns import Remedy, return_number
from shared.contracts.steps import FlagLevel, StepName
from shared.db import rows
from tests.support.databases import sqlite_database

LONGEST_ORDER_ID = "S" * 40
LONGEST_SHIPMENT = shipment_number(LONGEST_ORDER_ID, MAX_SHIPMENTS)
INT32_MAX = 2**31 - 1
"""The largest number a document counter (an INTEGER column) can reach."""


def longest_document_number(documents: Documents[Any]) -> str:
    """The number a document kind is given when its counter reaches the INTEGER maximum
    (test_a_document_number_at_the_counters_maximum_is_the_longest_derived checks it is)."""
    return f"{documents.kind}-{INT32_MAX:06d}"


LONGEST_SAFETY_STOCK_ORDER = longest_document_number(SAFETY_STOCK)
"""A safety-stock order's id is its request's number (P4.7)."""


def longest_value(kind: type[StrEnum]) -> str:
    return max((member.value for member in kind), key=len)


DOCUMENT_KINDS = (REQUISITIONS, PURCHASE_ORDERS, DELIVERIES, RETURNS, SAFETY_STOCK)

STORED: list[tuple[Table, str, Any]] = [
    (sales.orders, "order_id", bounds.OrderId),
    (sales.orders, "submitter", bounds.Submitter),
    (sales.orders, "customer_reference", bounds.Reference),
    (sales.orders, "customer_id", bounds.CustomerId),
    (sales.orders, "channel", Channel),
    (sales.orders, "currency", CurrencyCode),
    (sales.orders, "payment_terms", bounds.PaymentTerm),
    (sales.orders, "manual_hold", bounds.RequiredReason),
    (sales.orders, "decline_reason", bounds.Reason),
    (sales.order_decisions, "order_id", bounds.OrderId),
    (sales.order_decisions, "user_name", bounds.UserName),
    (sales.order_decisions, "detail", bounds.RequiredReason),
    (sales.customers, "customer_id", bounds.CustomerId),
    (sales.customers, "name", bounds.Name),
    (sales.customers, "currency", CurrencyCode),
    (sales.products, "product_code", bounds.ProductCode),
    (sales.products, "name", bounds.Name),
    (sales.order_changes, "order_id", bounds.OrderId),
    (sales.order_changes, "stage", Stage),
    (sales.order_changes, "reason", bounds.RequiredReason),
    (sales.order_changes, "via", typing.Literal["desk", "resubmission"]),
    (sales.order_changes, "charge_reason", bounds.Reason),
    (sales.order_changes, "outcome_reason", bounds.Reason),
    (
        sales.order_changes,
        "refused_by",
        typing.Literal["sales", "review", "production", "logistics"],
    ),
    (sales.order_changes, "verdict", typing.Literal["", "approved", "declined"]),
    (sales.order_changes, "requirements", bounds.Reason),
    (sales.orders, "requirements", bounds.Reason),
    (finance.credit_notes, "credit_note_number", bounds.DocumentNumber),
    (finance.credit_notes, "order_id", bounds.OrderId),
    (finance.credit_notes, "return_number", bounds.DocumentNumber),
    (finance.credit_notes, "customer_id", bounds.CustomerId),
    (finance.credit_notes, "currency", CurrencyCode),
    (review.reviews, "order_id", bounds.OrderId),
    (review.reviews, "customer_id", bounds.CustomerId),
    (review.reviews, "currency", CurrencyCode),
    (review.reviews, "decline_reason", bounds.Reason),
    (review.reviews, "payment_terms", bounds.PaymentTerm),
    (review.reviews, "entered_by", bounds.UserName),
    (review.parked_assessments, "order_id", bounds.OrderId),
    (review.customers, "customer_id", bounds.CustomerId),
    (review.customers, "name", bounds.Name),
    (review.products, "product_code", bounds.ProductCode),
    (review.products, "name", bounds.Name),
    (review.balances, "customer_id", bounds.CustomerId),
    (production.production_orders, "order_id", bounds.OrderId),
    (production.production_orders, "customer_id", bounds.CustomerId),
    (production.production_orders, "release", bounds.ServiceName),
    (production.materials, "material_code", bounds.MaterialCode),
    (production.materials, "name", bounds.Name),
    (production.materials, "unit", bounds.Unit),
    (production.materials, "supplier", bounds.Name),
    (production.bill_of_materials, "product_code", bounds.ProductCode),
    (production.bill_of_materials, "material_code", bounds.MaterialCode),
    (production.weekly_capacity, "week", bounds.IsoWeek),
    (production.material_reservations, "order_id", bounds.OrderId),
    (production.material_reservations, "material_code", bounds.MaterialCode),
    (production.requisitions, "order_id", bounds.OrderId),
    (production.requisitions, "material_code", bounds.MaterialCode),
    (production.purchase_orders, "order_id", bounds.OrderId),
    (production.purchase_orders, "material_code", bounds.MaterialCode),
    (production.routings, "product_code", bounds.ProductCode),
    (production.finished_stock, "product_code", bounds.ProductCode),
    (sales.order_delays, "order_id", bounds.OrderId),
    (sales.order_delays, "production_order_id", bounds.DocumentNumber),
    (sales.order_delays, "reason", bounds.Reason),
    (sales.order_delays, "cause", DelayCause),
    (sales.order_history, "order_id", bounds.OrderId),
    (sales.order_history, "producer", bounds.ServiceName),
    (sales.order_steps, "order_id", bounds.OrderId),
    (sales.order_steps, "step", StepName),
    (sales.order_steps, "owner_role", bounds.UserName),
    (sales.order_steps, "flagged", FlagLevel),
    (sales.work_items, "order_id", bounds.OrderId),
    (sales.work_items, "owner_role", bounds.UserName),
    (sales.work_items, "detail", StepName),
    (logistics.shipments, "order_id", bounds.OrderId),
    (logistics.shipments, "production_order_id", bounds.DocumentNumber),
    (logistics.shipments, "tracking_number", bounds.TrackingNumber),
    (logistics.shipments, "carrier", bounds.ShortText),
    (logistics.shipments, "released_by", bounds.UserName),
    (logistics.shipping_orders, "order_id", bounds.OrderId),
    (logistics.waybills, "waybill", bounds.TrackingNumber),
    (logistics.waybills, "order_id", bounds.OrderId),
    (logistics.customer_returns, "order_id", bounds.OrderId),
    (logistics.customer_returns, "shipment_id", bounds.DocumentNumber),
    (logistics.customer_returns, "remedy", Remedy),
    (logistics.customer_returns, "requested_by", bounds.UserName),
    (logistics.customer_returns, "decided_by", bounds.UserName),
    (logistics.customer_returns, "received_by", bounds.UserName),
    (logistics.customer_returns, "inspected_by", bounds.UserName),
    (logistics.customer_returns, "sent_back_by", bounds.UserName),
    (logistics.customer_returns, "carrier", bounds.ShortText),
    (logistics.customer_returns, "tracking_number", bounds.TrackingNumber),
    (review.collection_escalations, "invoice_number", bounds.DocumentNumber),
    (review.collection_escalations, "customer_id", bounds.CustomerId),
    (review.collection_escalations, "step", CollectionStep),
    (finance.accounts, "order_id", bounds.OrderId),
    (finance.accounts, "customer_id", bounds.CustomerId),
    (finance.invoices, "order_id", bounds.OrderId),
    (finance.payments, "order_id", bounds.OrderId),
    (finance.payments, "bank_transaction_id", bounds.Reference),
    (finance.payments, "payer", bounds.Payer),
    (finance.unmatched_payments, "bank_transaction_id", bounds.Reference),
    (finance.unmatched_payments, "order_reference", bounds.PayerReference),
    (finance.unmatched_payments, "payer", bounds.Payer),
    (finance.unmatched_payments, "reason", bounds.Reason),
    (finance.customers, "customer_id", bounds.CustomerId),
    (finance.customers, "name", bounds.Name),
    (finance.accounts, "payment_terms", bounds.PaymentTerm),
    (finance.invoices, "shipment_id", bounds.DocumentNumber),
    (finance.invoices, "customer_id", bounds.CustomerId),
    (finance.invoices, "payment_terms", bounds.PaymentTerm),
    (finance.invoices, "note", bounds.Reason),
    (finance.invoices, "step", CollectionStep),
    (finance.payment_checks, "shipment_id", bounds.DocumentNumber),
    (finance.payment_checks, "order_id", bounds.OrderId),
    (finance.payment_checks, "customer_id", bounds.CustomerId),
    (finance.payment_checks, "currency", CurrencyCode),
    (finance.payment_checks, "reason", bounds.Reason),
    (finance.unmatched_payments, "reference_key", bounds.PayerReference),
    (finance.unmatched_payments, "order_id", bounds.OrderId),
    (finance.unmatched_payments, "note", bounds.Reason),
    (finance.customer_balances, "customer_id", bounds.CustomerId),
    (sales.products, "currency", CurrencyCode),
    (review.customers, "currency", CurrencyCode),
    (finance.customers, "currency", CurrencyCode),
    (review.balances, "currency", CurrencyCode),
    (finance.accounts, "currency", CurrencyCode),
    (finance.customer_balances, "currency", CurrencyCode),
    (finance.invoices, "currency", CurrencyCode),
    (finance.payments, "currency", CurrencyCode),
    (finance.unmatched_payments, "currency", CurrencyCode),
]
"""(table, column, the bounded contract type whose values it stores)."""

DERIVED: list[tuple[Table, str, str]] = [
    (sales.order_changes, "change_id", f"CR-{LONGEST_ORDER_ID}-{bounds.MAX_VERSIONS}"),
    (sales.order_changes, "status", longest_value(ChangeStatus)),
    (sales.orders, "order_id", format_order_number(2100, 999_999)),
    (
        production.production_orders,
        "production_order_id",
        production_order_number(LONGEST_ORDER_ID),
    ),
    (production.production_orders, "booked_week", iso_week(bounds.DATE_MAX)),
    (production.production_orders, "order_id", LONGEST_SAFETY_STOCK_ORDER),
    (production.production_orders, "production_order_id", LONGEST_SAFETY_STOCK_ORDER),
    (production.material_reservations, "order_id", LONGEST_SAFETY_STOCK_ORDER),
    (production.requisitions, "number", longest_document_number(REQUISITIONS)),
    (production.requisitions, "order_id", LONGEST_SAFETY_STOCK_ORDER),
    (production.purchase_orders, "number", longest_document_number(PURCHASE_ORDERS)),
    (production.purchase_orders, "order_id", LONGEST_SAFETY_STOCK_ORDER),
    (production.deliveries, "number", longest_document_number(DELIVERIES)),
    (production.deliveries, "purchase_order", longest_document_number(PURCHASE_ORDERS)),
    (production.supplier_returns, "number", longest_document_number(RETURNS)),
    (production.safety_stock_requests, "number", longest_document_number(SAFETY_STOCK)),
    (sales.order_delays, "event_id", str(UUID(int=2**128 - 1))),
    (sales.order_history, "event_id", str(UUID(int=2**128 - 1))),
    (sales.order_history, "causation_id", str(UUID(int=2**128 - 1))),
    (sales.order_history, "event_type", max(topics.ALL_TOPICS, key=len)),
    (sales.order_history, "summary", "S" * SUMMARY_MAX),
    (sales.work_items, "item_id", str(UUID(int=2**128 - 1))),
    (sales.work_items, "summary", "S" * WORK_SUMMARY_MAX),
    (sales.work_items, "closed_by", "S" * CLOSED_BY_MAX),
    (production.production_orders, "status", longest_value(ProductionStatus)),
    (production.requisitions, "status", longest_value(RequisitionStatus)),
    (production.purchase_orders, "status", longest_value(PurchaseOrderStatus)),
    (production.deliveries, "status", longest_value(DeliveryStatus)),
    (production.supplier_returns, "status", longest_value(ReturnStatus)),
    (production.safety_stock_requests, "status", longest_value(SafetyStockStatus)),
    *((production.document_counters, "kind", documents.kind) for documents in DOCUMENT_KINDS),
    (logistics.shipments, "shipment_id", LONGEST_SHIPMENT),
    (logistics.waybills, "shipment_id", LONGEST_SHIPMENT),
    (logistics.waybills, "waybill", waybill_for(LONGEST_SHIPMENT)),
    (logistics.shipments, "tracking_number", tracking_number_for(LONGEST_SHIPMENT)),
    (logistics.shipments, "status", longest_value(ShipmentStatus)),
    (logistics.shipments, "carrier", DEFAULT_CARRIER),
    (logistics.shipments, "released_by", AUTOMATIC_RELEASE),
    (
        logistics.customer_returns,
        "return_number",
        return_number(LONGEST_ORDER_ID, MAX_RETURNS),
    ),
    (logistics.customer_returns, "status", longest_value(CustomerReturnStatus)),
    (finance.invoices, "invoice_number", invoice_number(LONGEST_ORDER_ID, 99_999)),
    (finance.invoices, "invoice_number", proforma_number(LONGEST_ORDER_ID, 99_999)),
    (finance.payments, "payment_id", format_payment_number(2100, 999_999)),
]
"""(table, column, the longest value a service derives for it)."""


def width(table: Table, column: str) -> int:
    type_ = table.c[column].type
    assert isinstance(type_, String) and type_.length is not None, f"{table.name}.{column}"
    return type_.length


def longest(bounded: Any) -> int:
    """The longest value a bounded string type accepts."""
    if typing.get_origin(bounded) is typing.Literal:
        return max(len(value) for value in typing.get_args(bounded))
    lengths: list[int] = [
        item.max_length
        for item in getattr(bounded, "__metadata__", ())
        for item in getattr(item, "metadata", [item])
        if getattr(item, "max_length", None) is not None
    ]
    assert lengths, f"{bounded} has no max_length"
    return min(lengths)


SERVICES = {
    id(module.metadata): module.__name__.split(".")[1]
    for module in (sales, review, production, logistics, finance)
}


def name(case: tuple[Table, str, Any]) -> str:
    return f"{SERVICES[id(case[0].metadata)]}:{case[0].name}.{case[1]}"


@pytest.mark.parametrize("case", STORED, ids=name)
def test_the_longest_contract_value_fits_its_column(case: tuple[Table, str, Any]) -> None:
    table, column, bounded = case
    adapter: TypeAdapter[str] = TypeAdapter(bounded)

    assert longest(bounded) <= width(table, column)
    with pytest.raises(ValidationError):
        adapter.validate_python("A" * (width(table, column) + 1))


@pytest.mark.parametrize("case", STORED, ids=name)
def test_no_contract_value_stored_in_a_text_column_can_hold_nul(
    case: tuple[Table, str, Any],
) -> None:
    _table, _column, bounded = case
    adapter: TypeAdapter[str] = TypeAdapter(bounded)

    for hostile in ("A\x00B", "\x00", "A\ud800", "A\u202eB"):
        with pytest.raises(ValidationError):
            adapter.validate_python(hostile)


@pytest.mark.parametrize("case", DERIVED, ids=name)
def test_the_longest_derived_number_fits_its_column(case: tuple[Table, str, str]) -> None:
    table, column, value = case

    assert len(value) <= width(table, column)


@pytest.mark.parametrize("documents", DOCUMENT_KINDS, ids=lambda documents: documents.kind)
async def test_a_document_number_at_the_counters_maximum_is_the_longest_derived(
    documents: Documents[Any], tmp_path: Path
) -> None:
    """P4.3, P4.4, P4.7: the format DERIVED assumes is the one the counter really gives."""
    async with sqlite_database(tmp_path / "production.db", production.metadata) as engine:
        async with engine.begin() as connection:
            await connection.execute(
                production.document_counters.insert().values(
                    kind=documents.kind, last_number=INT32_MAX - 1
                )
            )
        async with engine.begin() as connection, rows.in_scope(connection):
            assert await documents.number(connection) == longest_document_number(documents)


def test_every_text_column_a_contract_value_lands_in_is_listed() -> None:
    """A new String column must be added here, with the bound that protects it."""
    listed = {name(case) for case in STORED} | {name(case) for case in DERIVED}
    internal = {
        "status",
        "outcome",
        "kind",
        "role",
        "tier",
        "release_gate",
        "delivery_date_source",
    }
    every = {
        name((table, column.name, None))
        for module in (sales, review, production, logistics, finance)
        for table in module.metadata.sorted_tables
        # inbox and outbox hold ids and bytes; decision attempts are cut to their columns' widths
        # when written (shared.http.attempts)
        if table.name not in ("inbox", "outbox", "decision_attempts")
        for column in table.columns
        if type(column.type) is String and column.name not in internal
    }
    assert every - listed == set()


def test_the_largest_order_total_fits_the_money_column() -> None:
    assert (
        bounds.MAX_ORDER_TOTAL
        <= bounds.MAX_MONEY
        < 10 ** (bounds.MONEY_PRECISION - bounds.MONEY_SCALE)
    )


def test_the_most_units_of_an_order_fit_an_integer_column() -> None:
    assert bounds.MAX_UNITS_PER_ORDER < 2**31
