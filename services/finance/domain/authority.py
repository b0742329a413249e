"""Who may decide what in finance and around its documents (P5.2, P6.2, P6.3, P8.1)."""

from enum import StrEnum
from typing import Final

from shared.decisions import BeyondAuthority, Person


class Act(StrEnum):
    CHECK_PAYMENT = "sign or refuse a payment check"
    RESOLVE_UNMATCHED = "assign or refund an unmatched payment"
    MANAGE_CREDIT = "refund or apply a customer credit"
    RECORD_REMINDER = "record a payment reminder"
    RECORD_FOLLOW_UP = "record a follow-up with the customer"


FINANCE: Final = frozenset({"finance_clerk", "finance_manager"})
ROLES: Final[dict[Act, frozenset[str]]] = {
    Act.CHECK_PAYMENT: FINANCE,
    Act.RESOLVE_UNMATCHED: FINANCE,
    Act.MANAGE_CREDIT: frozenset({"finance_manager"}),
    Act.RECORD_REMINDER: frozenset({"customer_service", "customer_service_lead"}),
    Act.RECORD_FOLLOW_UP: frozenset({"sales_rep", "sales_manager"}),
}


def check(person: Person, act: Act) -> None:
    """403 unless the person's role may `act`."""
    if person.role not in ROLES[act]:
        allowed = ", ".join(sorted(ROLES[act]))
        raise BeyondAuthority(f"a {person.role} may not {act.value}; only {allowed}")
