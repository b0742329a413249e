"""The stock ledger (P4.1, P4.2, P4.3, P4.4, P4.6): an order's material requirement list, what
it reserves, who gets scarce material first, and when the material it lacks is expected.

On hand is what the warehouse holds after incoming inspection; free is on hand minus what all
orders reserved. Rush orders come first, then the order that needs the material soonest.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from services.production.domain.materials import NOTHING, Requirements, Stock
from shared.contracts.bounds import DATE_MAX

UNKNOWN_UNIT = "unknown"
"""The unit of a material the material master does not know."""


@dataclass(frozen=True)
class MaterialLine:
    """One material of an order's requirement list (P4.1)."""

    material_code: str
    unit: str
    need: Decimal
    reserved: Decimal
    shortfall: Decimal
    expected_on: date | None = None
    """When the shortfall is expected in stock; None: nothing short, or nobody can deliver."""
    consumed: bool = False
    """Issued to production when it started (P4.8)."""

    @property
    def complete(self) -> bool:
        return self.shortfall == 0


@dataclass(frozen=True)
class Claim:
    """Another order's hold on one material, as the ledger ranks them."""

    order_id: str
    reserved: Decimal
    shortfall: Decimal
    urgent: bool
    needed_by: date
    started: bool


def priority(claim: Claim) -> tuple[bool, date, str]:
    """Who gets material first (P4.2, P4.6): rush orders, then the soonest need, then the id."""
    return (not claim.urgent, claim.needed_by, claim.order_id)


def supplier_date(material: Stock, today: date) -> date | None:
    """When a shortfall bought today can be in stock; None: no supplier, or not in the calendar."""
    if material.lead_time_days is None or (DATE_MAX - today).days < material.lead_time_days:
        return None
    return today + timedelta(days=material.lead_time_days)


def list_materials(
    required: Requirements, stock: Mapping[str, Stock], today: date
) -> tuple[MaterialLine, ...]:
    """The requirement list of a released order (P4.1, P4.2): each material reserved from free
    stock as far as it goes; the rest is short and expected after the supplier's lead time (an
    unknown material has no unit and no supplier)."""
    lines = []
    for code, need in sorted(required.needs.items()):
        material = stock.get(code)
        reserved = min(need, material.free) if material is not None else NOTHING
        short = need - reserved
        expected = None
        if short and material is not None:
            expected = supplier_date(material, today)
        unit = material.unit if material is not None else UNKNOWN_UNIT
        lines.append(MaterialLine(code, unit, need, reserved, short, expected))
    return tuple(lines)


def take_for_rush(shortfall: Decimal, donors: Sequence[Claim]) -> list[tuple[str, Decimal]]:
    """What a rush order short of a material takes from others (P4.6): from orders neither
    urgent nor started, the one that needs it latest first, until the shortfall is covered."""
    taken: list[tuple[str, Decimal]] = []
    candidates = sorted(
        (c for c in donors if not c.urgent and not c.started and c.reserved > 0),
        key=lambda c: (c.needed_by, c.order_id),
        reverse=True,
    )
    for claim in candidates:
        if shortfall <= 0:
            break
        amount = min(claim.reserved, shortfall)
        taken.append((claim.order_id, amount))
        shortfall -= amount
    return taken


def distribute(quantity: Decimal, claims: Sequence[Claim]) -> list[tuple[str, Decimal]]:
    """Accepted material fills open shortfalls in priority order (P4.2, P4.4): each claim up to
    its shortfall; what is left over stays free."""
    given: list[tuple[str, Decimal]] = []
    for claim in sorted((c for c in claims if c.shortfall > 0), key=priority):
        if quantity <= 0:
            break
        amount = min(claim.shortfall, quantity)
        given.append((claim.order_id, amount))
        quantity -= amount
    return given


def receive(line: MaterialLine, amount: Decimal) -> MaterialLine:
    """A line after `amount` of its shortfall was reserved for it."""
    shortfall = line.shortfall - amount
    return replace(
        line,
        reserved=line.reserved + amount,
        shortfall=shortfall,
        expected_on=line.expected_on if shortfall else None,
    )


def give_up(line: MaterialLine, amount: Decimal, expected_on: date | None) -> MaterialLine:
    """A line after `amount` of its reservation went to a rush order: that much is short now."""
    return replace(
        line,
        reserved=line.reserved - amount,
        shortfall=line.shortfall + amount,
        expected_on=expected_on,
    )


def earliest_start(lines: Sequence[MaterialLine], today: date) -> date | None:
    """The first day production can start: today, or the day the last short material is
    expected; None when a short material has no expected day."""
    start = today
    for line in lines:
        if line.complete:
            continue
        if line.expected_on is None:
            return None
        start = max(start, line.expected_on)
    return start
