"""The material check (P2.4, P4.1, P4.3): what an order needs, whether stock covers it, and
when a supplier can make up the shortfall.

Stock is the quantity on hand minus what other orders reserved. A material short in stock can
be bought if it has a supplier (a lead time): it is ready `lead_time_days` after today. A
material nobody can deliver, or a product without a bill of materials, cannot be made.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from services.production.domain.feasibility import Answer, Verdict
from shared.contracts.bounds import DATE_MAX

NOTHING = Decimal(0)


@dataclass(frozen=True)
class BomLine:
    """How much of a material one unit of a product needs (P4.1)."""

    product_code: str
    material_code: str
    quantity_per_unit: Decimal


@dataclass(frozen=True)
class Stock:
    """A material's stock as the warehouse sees it for one order (P4.2, P4.3)."""

    material_code: str
    name: str
    unit: str
    on_hand: Decimal
    reserved_by_others: Decimal
    lead_time_days: int | None
    """Supplier lead time; None: no supplier can deliver it."""
    supplier: str

    @property
    def free(self) -> Decimal:
        """What the order may still take: never below nothing."""
        return max(self.on_hand - self.reserved_by_others, NOTHING)


@dataclass(frozen=True)
class Requirements:
    """The material requirement list of an order (P4.1)."""

    needs: Mapping[str, Decimal]
    """Quantity of each material, summed over the order's lines."""
    products_without_bom: tuple[str, ...]


def requirements(
    lines: Iterable[tuple[str, int]], bom: Mapping[str, Iterable[BomLine]]
) -> Requirements:
    """need = sum of quantity x quantity per unit, per material, over (product, quantity) lines
    (P4.1). Products without a bill of materials are listed, in order of first appearance."""
    needs: dict[str, Decimal] = {}
    missing: list[str] = []
    for product_code, quantity in lines:
        materials = list(bom.get(product_code, ()))
        if not materials:
            if product_code not in missing:
                missing.append(product_code)
            continue
        for line in materials:
            needs[line.material_code] = (
                needs.get(line.material_code, NOTHING) + line.quantity_per_unit * quantity
            )
    return Requirements(needs=needs, products_without_bom=tuple(missing))


def _amount(quantity: Decimal, unit: str) -> str:
    return f"{quantity.normalize():f} {unit}"


def check_materials(
    required: Requirements,
    stock: Mapping[str, Stock],
    today: date,
    requested: date,
    lead_days: int,
) -> Answer:
    """Purchasing's answer (P2.4, P4.2, P4.3). Every material must be covered by free stock,
    or be obtainable from its supplier early enough that production, `lead_days` long, still
    ends before the requested date (feasible, to be purchased). If a supplier needs longer, the
    order is feasible from the day after production could end on the last material (later).
    A product without a bill of materials, an unknown material, or a shortfall
    no supplier can deliver makes it not feasible, naming what is missing."""
    blockers = [f"no bill of materials for {product}" for product in required.products_without_bom]
    to_buy: list[str] = []
    late: list[str] = []
    ready_from: date | None = None
    for code, need in required.needs.items():
        material = stock.get(code)
        if material is None:
            blockers.append(f"material {code} is not in the material master")
            continue
        if material.free >= need:
            continue
        shortfall = need - material.free
        if material.lead_time_days is None:
            blockers.append(
                f"{code} ({material.name}): {_amount(shortfall, material.unit)} short "
                "and no supplier can deliver it"
            )
            continue
        if (DATE_MAX - today).days < material.lead_time_days + lead_days + 1:
            blockers.append(
                f"{code} ({material.name}): {_amount(shortfall, material.unit)} short "
                f"and its supplier cannot deliver before {DATE_MAX.isoformat()}"
            )
            continue
        ready = today + timedelta(days=material.lead_time_days)
        note = (
            f"{code}: buy {_amount(shortfall, material.unit)} from {material.supplier}, "
            f"ready {ready.isoformat()}"
        )
        delivery = ready + timedelta(days=lead_days + 1)
        if delivery <= requested:
            to_buy.append(note)
        else:
            late.append(note)
            ready_from = delivery if ready_from is None else max(ready_from, delivery)
    if blockers:
        return Answer(Verdict.NOT_FEASIBLE, reason="; ".join(blockers))
    if ready_from is not None:
        return Answer(Verdict.LATER, available_from=ready_from, reason="; ".join(late + to_buy))
    if to_buy:
        return Answer(Verdict.FEASIBLE, reason="to be purchased in time: " + "; ".join(to_buy))
    return Answer(Verdict.FEASIBLE, reason="all materials in stock")
