"""Commands, master data and deciders for the sales unit tests."""

from datetime import UTC, date, datetime
from decimal import Decimal

from services.sales.domain.commands import Decider, Line, PlaceOrder
from services.sales.domain.intake import IntakeFacts
from services.sales.domain.master import Customer, Product, Tier

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
ADDRESS = {
    "name": "Acme Pumps GmbH",
    "street": "Industriestrasse 7",
    "postal_code": "70565",
    "city": "Stuttgart",
    "country": "DE",
}


def customer(tier: Tier = "A", deposit_percent: str = "0", **changes: object) -> Customer:
    values: dict[str, object] = {
        "customer_id": "CUST-0001",
        "name": "Acme Pumps GmbH",
        "tier": tier,
        "currency": "EUR",
        "credit_limit": Decimal("250000.00"),
        "payment_terms": ("net30", "prepaid"),
        "deposit_percent": Decimal(deposit_percent),
    }
    values.update(changes)
    return Customer(**values)  # type: ignore[arg-type]


def product(code: str, list_price: str, max_discount: str = "10", **changes: object) -> Product:
    values: dict[str, object] = {
        "product_code": code,
        "name": f"Product {code}",
        "currency": "EUR",
        "list_price": Decimal(list_price),
        "max_discount_percent": Decimal(max_discount),
        "is_new": False,
        "samples_confirmed": True,
        "bom_ready": True,
        "drawings_ready": True,
        "specification_ready": True,
        "qa_level": 3,
    }
    values.update(changes)
    return Product(**values)  # type: ignore[arg-type]


PRODUCTS = {
    "VALVE-DN50": product("VALVE-DN50", "48.50", "10"),
    "FLANGE-DN50": product("FLANGE-DN50", "12.25", "15"),
}


def facts(
    the_customer: Customer | None = None, today: date = TODAY, *, known: bool = True
) -> IntakeFacts:
    """What sales knows: by default the A-tier customer and both products."""
    if the_customer is None and known:
        the_customer = customer()
    return IntakeFacts(today=today, customer=the_customer, products=PRODUCTS)


def command(**changes: object) -> PlaceOrder:
    values: dict[str, object] = {
        "submitter": "webshop",
        "customer_reference": "PO-1",
        "customer_id": "CUST-0001",
        "channel": "system",
        "currency": "EUR",
        "lines": (
            Line(1, "VALVE-DN50", 20, Decimal("48.50")),
            Line(2, "FLANGE-DN50", 40, Decimal("12.25")),
        ),
        "stated_total": None,
        "requested_delivery_date": date(2027, 3, 15),
        "delivery_address": ADDRESS,
        "contact": {"name": "Jana", "phone": "+49 40 123456"},
        "payment_terms": None,
    }
    values.update(changes)
    return PlaceOrder(**values)  # type: ignore[arg-type]


def by(role: str, user: str = "someone", at: datetime = NOW) -> Decider:
    return Decider(user=user, role=role, at=at)
