"""The intake check (P1.3): every defect of a submission, found at once, against sales' own
customers and price list."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from services.sales.domain.commands import Line, PlaceOrder
from services.sales.domain.master import CENT, Customer, Product

DELIVERY_HORIZON_YEARS = 5
"""How far ahead a delivery date may lie (P1.3): further than this is a defect to clarify."""


@dataclass(frozen=True)
class Defect:
    """Something that holds an order: a field at fault and what is wrong, in words a person
    can act on when calling the customer back (P1.3)."""

    field: str
    message: str


@dataclass(frozen=True)
class IntakeFacts:
    """What a submission is checked against: the customer and products it names, as sales'
    master data has them (None / missing: unknown), and today's date."""

    today: date
    customer: Customer | None
    products: Mapping[str, Product] = field(default_factory=dict)


def intake_defects(command: PlaceOrder, facts: IntakeFacts) -> list[Defect]:
    """What is wrong with a structurally valid submission; empty when it may proceed."""
    defects: list[Defect] = []
    customer = facts.customer
    if customer is None:
        defects.append(Defect("customer_id", f"unknown customer {command.customer_id}"))
    elif command.currency != customer.currency:
        defects.append(
            Defect(
                "currency",
                f"customer {customer.customer_id} buys in {customer.currency}, "
                f"not {command.currency}",
            )
        )
    if customer is not None and command.payment_terms is not None:
        refused = customer.terms_refused(command.payment_terms)
        if refused is not None:
            defects.append(Defect("payment_terms", refused))
    seen: set[str] = set()
    for index, line in enumerate(command.lines):
        defects.extend(_line_defects(index, line, command.currency, facts, seen))
        if line.stated_amount is not None and line.stated_amount != line.amount:
            defects.append(
                Defect(
                    f"lines.{index}.amount",
                    f"stated line amount {line.stated_amount} does not equal quantity "
                    f"{line.quantity} x unit price {line.unit_price} = {line.amount}",
                )
            )
    total = sum((line.amount for line in command.lines), Decimal(0))
    if command.stated_total is not None and command.stated_total != total:
        defects.append(
            Defect(
                "total_amount",
                f"stated total {command.stated_total} does not equal the sum of the lines {total}",
            )
        )
    if command.requested_delivery_date < facts.today:
        defects.append(
            Defect(
                "requested_delivery_date",
                f"delivery date {command.requested_delivery_date} is in the past "
                f"(today {facts.today})",
            )
        )
    latest = latest_delivery_date(facts.today)
    if command.requested_delivery_date > latest:
        defects.append(
            Defect(
                "requested_delivery_date",
                f"delivery date {command.requested_delivery_date} is more than "
                f"{DELIVERY_HORIZON_YEARS} years ahead (latest {latest})",
            )
        )
    if command.delivery_address is None:
        defects.append(Defect("delivery_address", "the delivery address is missing"))
    if not (command.contact.get("email") or command.contact.get("phone")):
        defects.append(
            Defect("contact", "the contact person needs an e-mail address or a phone number")
        )
    return defects


def latest_delivery_date(today: date) -> date:
    """The furthest delivery date intake accepts: the same day DELIVERY_HORIZON_YEARS ahead
    (28 February for 29 February)."""
    year = today.year + DELIVERY_HORIZON_YEARS
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


def _line_defects(
    index: int, line: Line, currency: str, facts: IntakeFacts, seen: set[str]
) -> list[Defect]:
    """Unknown product model, price not on the price list, a product ordered twice."""
    defects: list[Defect] = []
    product_code = line.product_code
    product = facts.products.get(product_code)
    if product is None:
        defects.append(
            Defect(f"lines.{index}.product_code", f"unknown product model {product_code}")
        )
    elif not product.allows(line.unit_price, currency):
        defects.append(
            Defect(
                f"lines.{index}.unit_price",
                f"unit price {line.unit_price} {currency} of {product_code} is not on the "
                f"price list: list price {product.list_price} {product.currency}, lowest "
                f"allowed {product.lowest_price.quantize(CENT, ROUND_CEILING)} "
                f"({product.max_discount_percent}% discount)",
            )
        )
    if product_code in seen:
        defects.append(Defect(f"lines.{index}.product_code", f"{product_code} appears twice"))
    seen.add(product_code)
    return defects


def format_order_number(year: int, sequence: int) -> str:
    """Order numbers are unique and readable: SO-<year>-<6-digit sequence> (P1.2)."""
    return f"SO-{year}-{sequence:06d}"
