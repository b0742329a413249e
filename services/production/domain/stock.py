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
    issued: Decimal = NOTHING
    """What of the reservation left the store for the line (P4.8): all of it when production
    started, and the extra of an increase as it is reserved while the order is made (P7.3)."""

    @property
    def complete(self) -> bool:
        return self.shortfall == 0

    @property
    def consumed(self) -> bool:
        """Some of it was issued to production (P4.8)."""
        return self.issued > 0

    @property
    def held(self) -> Decimal:
        """What the store still holds for the order: reserved, not issued yet."""
        return max(self.reserved - self.issued, NOTHING)


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


def relist(
    lines: Sequence[MaterialLine],
    needs: Mapping[str, Decimal],
    stock: Mapping[str, Stock],
    today: date,
) -> tuple[tuple[MaterialLine, ...], tuple[tuple[str, Decimal], ...]]:
    """The requirement list made again for an order's new needs (P4.1, P7.2, P7.3), and what
    it held beyond them (freed, for the orders that lack it). What was issued stays issued; a
    material holds no more than it still needs; a need that grew takes free stock (`stock` as
    the order sees it: its own hold counts as free) as far as it goes, and the rest is short,
    expected after the supplier's lead time or when the purchase already expected comes,
    whichever is later. A material no longer needed and never issued drops out."""
    before = {line.material_code: line for line in lines}
    codes = [line.material_code for line in lines]
    codes += sorted(code for code in needs if code not in before)
    listed: list[MaterialLine] = []
    freed: list[tuple[str, Decimal]] = []
    for code in codes:
        old = before.get(code)
        material = stock.get(code)
        need = needs.get(code, NOTHING)
        issued = old.issued if old is not None else NOTHING
        held_before = old.held if old is not None else NOTHING
        room = max(material.free if material is not None else NOTHING, held_before)
        held = min(max(need - issued, NOTHING), room)
        if held_before > held:
            freed.append((code, held_before - held))
        if need <= 0 and issued <= 0:
            continue
        short = max(need - issued - held, NOTHING)
        unit = old.unit if old is not None else material.unit if material else UNKNOWN_UNIT
        listed.append(
            MaterialLine(
                code,
                unit,
                need,
                issued + held,
                short,
                _expected(old, short, material, today),
                issued,
            )
        )
    return tuple(listed), tuple(freed)


def _expected(
    old: MaterialLine | None, short: Decimal, material: Stock | None, today: date
) -> date | None:
    """When a relisted line's shortfall is expected: as before if it did not grow; else when
    a purchase raised today can come, and never before what was expected already."""
    if not short:
        return None
    if old is not None and short <= old.shortfall:
        return old.expected_on
    bought = supplier_date(material, today) if material is not None else None
    if old is None or not old.shortfall:
        return bought
    if bought is None or old.expected_on is None:
        return None  # what it lacked already has no day: nor has the whole
    return max(bought, old.expected_on)


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


def issue(line: MaterialLine) -> MaterialLine:
    """A line after what the store held for it was issued to production (P4.8, P7.3)."""
    return replace(line, issued=max(line.reserved, line.issued))


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
