"""Credit notes for returned goods (P7.5, P6.3): the units QA accepted on a return with remedy
`credit` are credited once per return, CN-<order id>-<n> with the return's n, at each
product's average line price in the applied version, never more than what was invoiced for
the product less earlier credit notes."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from services.finance.domain.commands import Line, Units
from services.finance.domain.valuation import average_prices, cents, units_of
from shared.contracts.bounds import MAX_UNIT_PRICE

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CreditedUnits:
    """Units of one product a credit note credits, and at what per unit."""

    product_code: str
    quantity: int
    unit_value: Decimal
    amount: Decimal


@dataclass(frozen=True)
class CreditNote:
    credit_note_number: str
    return_number: str
    lines: tuple[CreditedUnits, ...]
    amount: Decimal
    currency: str
    issued_on: date


def return_no(return_number: str, order_id: str) -> int | None:
    """n of RT-<order id>-<n>; None when the number is not one of this order's returns."""
    prefix = f"RT-{order_id}-"
    rest = return_number[len(prefix) :] if return_number.startswith(prefix) else ""
    if not rest.isascii() or not rest.isdigit() or rest.startswith("0"):
        return None
    return int(rest)


def invoiced_per_product(
    invoiced: Iterable[tuple[Units, ...]], lines: tuple[Line, ...]
) -> dict[str, Decimal]:
    """What was invoiced for each product: its invoiced units at the average line price."""
    prices = average_prices(lines)
    counted = units_of(line for shipment in invoiced for line in shipment)
    return {code: cents(count * prices[code]) for code, count in counted.items() if code in prices}


def credit_lines(
    accepted: Mapping[str, int],
    lines: tuple[Line, ...],
    invoiced: Mapping[str, Decimal],
    earlier: Iterable[CreditNote],
) -> tuple[CreditedUnits, ...]:
    """Each accepted product's units at its average price in the applied version, capped at
    what was invoiced for it less earlier credit notes; products worth nothing drop out."""
    prices = average_prices(lines)
    already: dict[str, Decimal] = {}
    for note in earlier:
        for line in note.lines:
            already[line.product_code] = already.get(line.product_code, ZERO) + line.amount
    out = []
    for code, quantity in sorted(accepted.items()):
        if quantity <= 0 or code not in prices:
            continue
        room = max(invoiced.get(code, ZERO) - already.get(code, ZERO), ZERO)
        amount = min(cents(quantity * prices[code]), room)
        if amount <= ZERO:
            continue
        unit_value = min(cents(Fraction(amount) / quantity), MAX_UNIT_PRICE)
        out.append(CreditedUnits(code, quantity, unit_value, amount))
    return tuple(out)
