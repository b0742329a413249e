"""Accounts, payments and shipments as the finance tests build them."""

from datetime import UTC, date, datetime
from decimal import Decimal

from services.finance.domain.commands import (
    CustomerTerms,
    Line,
    OpenAccount,
    ReceivePayment,
    RequestShipment,
    ShipGoods,
    Units,
)
from services.finance.domain.model import Account
from shared.decisions import Signature

ORDER = "SO-2026-000001"
CUSTOMER = "CUST-0001"
TODAY = date(2026, 11, 22)
AT = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
CLERK = Signature("hana.kim", "finance_clerk", AT)
MANAGER = Signature("david.cohen", "finance_manager", AT)


def order(
    total: str = "1000.00",
    lines: tuple[Line, ...] | None = None,
    terms: str | None = None,
    order_id: str = ORDER,
) -> OpenAccount:
    ordered = lines or (Line("PUMP-1", 10, Decimal(total)),)
    return OpenAccount(order_id, CUSTOMER, "EUR", Decimal(total), ordered, terms)


def opened(
    total: str = "1000.00",
    lines: tuple[Line, ...] | None = None,
    terms: str | None = None,
    order_id: str = ORDER,
) -> Account:
    account = Account.start(order_id)
    account.open(order(total, lines, terms, order_id))
    return account


def payment(
    amount: str, transaction: str = "BANK-1", currency: str = "EUR", order_id: str = ORDER
) -> ReceivePayment:
    return ReceivePayment(
        bank_transaction_id=transaction,
        order_reference=order_id,
        amount=Decimal(amount),
        currency=currency,
        booked_at=AT,
        payer="Acme Pumps GmbH",
    )


def units(*pairs: tuple[str, int]) -> tuple[Units, ...]:
    return tuple(Units(code, quantity) for code, quantity in pairs)


def request(shipment: str, *pairs: tuple[str, int]) -> RequestShipment:
    return RequestShipment(shipment, units(*(pairs or (("PUMP-1", 10),))))


def shipped(shipment: str, *pairs: tuple[str, int], on: date = TODAY) -> ShipGoods:
    return ShipGoods(shipment, units(*(pairs or (("PUMP-1", 10),))), on)


def tier(name: str, **facts: object) -> CustomerTerms:
    return CustomerTerms(tier=name, **facts)  # type: ignore[arg-type]
