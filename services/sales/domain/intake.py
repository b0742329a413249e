"""The intake check (P1.3): every defect of a submission, found at once."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.sales.domain.model import PlaceOrder


@dataclass(frozen=True)
class Defect:
    field: str
    message: str


def intake_defects(command: PlaceOrder, today: date) -> list[Defect]:
    """What is wrong with a structurally valid submission; empty when it may be registered."""
    defects: list[Defect] = []
    if command.requested_delivery_date < today:
        defects.append(
            Defect(
                "requested_delivery_date",
                f"delivery date {command.requested_delivery_date} is in the past (today {today})",
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
    seen: set[str] = set()
    for index, line in enumerate(command.lines):
        if line.product_code in seen:
            defects.append(
                Defect(f"lines.{index}.product_code", f"{line.product_code} appears twice")
            )
        seen.add(line.product_code)
    return defects


def format_order_number(year: int, sequence: int) -> str:
    """Order numbers are unique and readable: SO-<year>-<6-digit sequence> (P1.2)."""
    return f"SO-{year}-{sequence:06d}"
