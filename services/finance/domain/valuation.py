"""What a shipment is worth (P5.2, P6.3): its units at each product's average line price, so
that the invoices of an order's shipments add up to the order total exactly.

A shipment is valued once, when finance first sees it (its request or its dispatch), and keeps
that value for its check, its pro-forma and its invoice. The shipment that completes every
ordered unit takes the total minus what the earlier shipments were worth; no shipment is ever
worth more than what is left of the total, so no rounding and no surplus unit can make the
invoices exceed it.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from services.finance.domain.commands import Line, Units

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Valued:
    """One shipment's value, fixed when it was first valued."""

    shipment_id: str
    lines: tuple[Units, ...]
    amount: Decimal


def cents(value: Fraction) -> Decimal:
    """An exact amount rounded half-up to cents."""
    hundredths = value * 100
    whole, rest = divmod(hundredths.numerator, hundredths.denominator)
    if 2 * rest >= hundredths.denominator:
        whole += 1
    return (Decimal(whole) / 100).quantize(Decimal("0.01"))


def units_of(lines: Iterable[Units]) -> Counter[str]:
    counted: Counter[str] = Counter()
    for line in lines:
        counted[line.product_code] += line.quantity
    return counted


def average_prices(ordered: Iterable[Line]) -> dict[str, Fraction]:
    """Each product's line amounts over its line quantities, exactly."""
    amounts: dict[str, Fraction] = {}
    quantities: Counter[str] = Counter()
    for line in ordered:
        amounts[line.product_code] = amounts.get(line.product_code, Fraction(0)) + Fraction(
            line.amount
        )
        quantities[line.product_code] += line.quantity
    return {code: amounts[code] / quantities[code] for code in amounts if quantities[code] > 0}


def value_shipment(
    shipment_id: str,
    lines: tuple[Units, ...],
    ordered: tuple[Line, ...],
    total: Decimal,
    earlier: Iterable[Valued],
) -> Valued:
    """P5.2, P6.3: the shipment's units at the products' average prices, rounded half-up to
    cents; the shipment that completes every ordered unit takes the rest of the total. Units of
    a product not ordered are worth nothing."""
    before = list(earlier)
    earlier_value = sum((valued.amount for valued in before), ZERO)
    left = max(total - earlier_value, ZERO)
    shipped = units_of(line for valued in before for line in valued.lines) + units_of(lines)
    wanted = units_of(Units(line.product_code, line.quantity) for line in ordered)
    if wanted and all(shipped[code] >= count for code, count in wanted.items()):
        return Valued(shipment_id, lines, left)
    prices = average_prices(ordered)
    worth = sum(
        (count * prices[code] for code, count in units_of(lines).items() if code in prices),
        Fraction(0),
    )
    return Valued(shipment_id, lines, min(cents(worth), left))
