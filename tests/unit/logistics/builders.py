"""Orders, shipments and messages for logistics' tests."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from services.logistics.domain.commands import (
    Address,
    Contact,
    Dispatch,
    FinanceCheck,
    Placement,
    RecordProduction,
    RequestShipment,
)
from services.logistics.domain.model import OrderShipping
from services.logistics.domain.shipment import Shipment
from shared.contracts import (
    ConfirmationIssued,
    Event,
    GoodsProduced,
    OrderPlaced,
    PaymentChecked,
)
from shared.decisions import Person, Signature
from shared.messaging.events import new_event
from shared.messaging.routes import Incoming, Source

ORDER = "SO-2026-000001"
FRIDAY = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
TODAY = FRIDAY.date()
ADDRESS = Address("Keller Anlagenbau GmbH", "Hafenstr. 4", "20457", "Hamburg", "DE")
CONTACT = Contact("Jana Keller", "jana@keller.example", None)
ORDERED = {"VALVE-DN50": 20, "FLANGE-DN50": 40}
AUTHORITY = Decimal("50000.00")

CUSTOMER_SERVICE = Person("maria.lopez", "customer_service")
LEAD = Person("lea.moreau", "customer_service_lead")
SALES_MANAGER = Person("tom.becker", "sales_manager")
GENERAL_MANAGER = Person("anna.schmidt", "general_manager")
FINANCE_CLERK = Person("paul.meier", "finance_clerk")
DISPATCHER = Person("sam.okafor", "dispatcher")
ORDER_CLERK = Person("nina.berger", "order_clerk")


def signed(person: Person, at: datetime = FRIDAY) -> Signature:
    return Signature.of(person, at)


def placed_order(produced: dict[str, int] | None = None, tier: str = "A") -> OrderShipping:
    order = OrderShipping(ORDER)
    order.place(Placement("CUST-0001", "EUR", dict(ORDERED), ADDRESS, CONTACT))
    order.confirm(tier, date(2026, 12, 15))
    order.record_production(RecordProduction("MO-1", dict(produced or ORDERED), FRIDAY))
    return order


def requested(order: OrderShipping | None = None) -> Shipment:
    order = order or placed_order()
    return order.request(RequestShipment(None, None, None), signed(CUSTOMER_SERVICE))


def finance_check(
    passed: bool = True,
    amount: str = "12000.00",
    credit_exception: bool = False,
    tier: str = "A",
    signer: Person | None = FINANCE_CLERK,
    at: datetime = FRIDAY,
) -> FinanceCheck:
    return FinanceCheck(
        passed=passed,
        tier=tier,
        credit_exception=credit_exception,
        amount=Decimal(amount),
        currency="EUR",
        reason="" if passed else "deposit missing",
        signed=signed(signer, at) if signer else None,
        at=at,
    )


def checked_and_released(shipment: Shipment | None = None) -> Shipment:
    shipment = shipment or requested()
    shipment.record_check(finance_check())
    shipment.sign_release(signed(SALES_MANAGER))
    return shipment


def handed_over(parcels: int = 1) -> Shipment:
    shipment = checked_and_released()
    shipment.check_outbound(dict(shipment.lines), parcels, signed(DISPATCHER))
    waybills = tuple(f"WB{n}" for n in range(parcels))
    shipment.hand_over(waybills, parcels, signed(ORDER_CLERK))
    return shipment


NOTICE = Dispatch("Rhenus Freight", "RH123", date(2026, 11, 23))


# -- messages --------------------------------------------------------------------------------


def message(kind: type[Event], payload: Any, order_id: str = ORDER, at: datetime = FRIDAY) -> Any:
    return new_event(
        kind, order_id=order_id, producer="test", causation_id=None, occurred_at=at, payload=payload
    )


def incoming(body: Event, at: datetime = FRIDAY) -> Incoming[Any]:
    return Incoming(body, Source(body.TOPIC, 0, 0, None), body.event_id, at)


def priced_lines(units: dict[str, int]) -> list[dict[str, Any]]:
    """Order lines of `units` per product, numbered from 1, each unit at 100.00."""
    return [
        {
            "line_no": n,
            "product_code": code,
            "quantity": count,
            "unit_price": "100.00",
            "amount": f"{count * 100}.00",
        }
        for n, (code, count) in enumerate(units.items(), start=1)
    ]


def priced_total(units: dict[str, int]) -> str:
    """The total of `priced_lines(units)`."""
    return f"{sum(units.values()) * 100}.00"


def order_placed(order_id: str = ORDER) -> OrderPlaced:
    lines = priced_lines(ORDERED)
    payload = {
        "submitter": "desk",
        "customer_reference": "PO-77",
        "customer_id": "CUST-0001",
        "channel": "desk",
        "currency": "EUR",
        "lines": lines,
        "total_amount": "6000.00",
        "requested_delivery_date": "2026-12-15",
        "delivery_address": {
            "name": ADDRESS.name,
            "street": ADDRESS.street,
            "postal_code": ADDRESS.postal_code,
            "city": ADDRESS.city,
            "country": "DE",
        },
        "contact": {"name": CONTACT.name, "email": CONTACT.email},
    }
    return message(OrderPlaced, payload, order_id)  # type: ignore[no-any-return]


def goods_produced(
    units: dict[str, int] | None = None, at: datetime = FRIDAY, order_id: str = ORDER
) -> GoodsProduced:
    lines = [{"product_code": c, "quantity": q} for c, q in (units or ORDERED).items()]
    payload = {"production_order_id": "MO-1", "lines": lines, "ready_on": "2026-11-20"}
    return message(GoodsProduced, payload, order_id, at)  # type: ignore[no-any-return]


def confirmation_issued(tier: str = "B") -> ConfirmationIssued:
    payload = {
        "customer_id": "CUST-0011",
        "tier": tier,
        "confirmed_delivery_date": "2026-12-15",
        "sent_on": "2026-11-02",
        "total_amount": "6000.00",
        "currency": "EUR",
        "deposit_amount": "0.00",
        "document_path": "/orders/x",
    }
    return message(ConfirmationIssued, payload)  # type: ignore[no-any-return]


def payment_checked(
    shipment_id: str,
    passed: bool = True,
    amount: str = "6000.00",
    order_id: str = ORDER,
    credit_exception: bool = False,
    at: datetime = FRIDAY,
) -> PaymentChecked:
    payload = {
        "shipment_id": shipment_id,
        "outcome": "passed" if passed else "refused",
        "tier": "A",
        "credit_exception": credit_exception,
        "amount": amount,
        "currency": "EUR",
        "shipped_value": amount,
        "received": amount if passed else "0.00",
        "reason": "" if passed else "not paid",
        "signed": {"user": "paul.meier", "role": "finance_clerk", "at": at.isoformat()},
    }
    return message(PaymentChecked, payload, order_id, at)  # type: ignore[no-any-return]
