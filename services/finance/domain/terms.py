"""Payment terms and due dates (P6.3): `netN` is due N days after the invoice, `prepaid` and
`cod` on the day of issue; a code finance does not know is due after 30 days, and the
invoice says so. Only an A customer gets credit days: a B or C customer (or one whose tier
finance does not know) pays before shipment, so its invoice is due on the day of issue whatever
the terms say (P5.2)."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from shared.contracts.bounds import DATE_MAX
from shared.contracts.master import terms_refused_for

UNKNOWN_TERM_DAYS: Final = 30
"""Days to the due date under terms finance does not know."""
DEFAULT_TERMS: Final = "net30"
"""Terms of an order whose customer finance has no record of."""
PREPAID: Final = "prepaid"
CASH_ON_DELIVERY: Final = "cod"
_NET: Final = re.compile(r"^net([0-9]{1,5})$", re.IGNORECASE)


@dataclass(frozen=True)
class Due:
    """When an invoice is due, and any note on how that was decided."""

    due_date: date
    note: str = ""


def terms_of(order_terms: str | None, customer_default: str | None) -> str:
    """The order's terms (P6.3): as asked for on the order, else the customer's default."""
    return order_terms or customer_default or DEFAULT_TERMS


def is_prepaid(terms: str) -> bool:
    return terms.lower() == PREPAID


def due_by(terms: str, issued_on: date, *, tier: str | None) -> Due:
    """P6.3: the due date of an invoice issued on `issued_on` under `terms` to a customer of
    `tier`. P5.2: no credit days unless the tier is A (terms a B/C customer may not have are
    noted). A date beyond the contracts' window is held at its last day (noted)."""
    lowered = terms.lower()
    if lowered in (PREPAID, CASH_ON_DELIVERY):
        return Due(issued_on)
    refused = terms_refused_for(tier, terms)
    if refused is not None:
        return Due(issued_on, f"{refused}: due on the day of issue")
    matched = _NET.match(terms)
    if matched is None:
        days, note = UNKNOWN_TERM_DAYS, f"unknown payment terms {terms}: due in 30 days"
    else:
        days, note = int(matched.group(1)), ""
    if (DATE_MAX - issued_on).days < days:
        return Due(DATE_MAX, (note + "; " if note else "") + f"due date held at {DATE_MAX}")
    return Due(issued_on + timedelta(days=days), note)
