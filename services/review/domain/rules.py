"""The checks of a contract and feasibility review, as pure functions (P2.1, P2.3, P2.4, P6.3,
P6.4)."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from services.review.domain.master import SALES_MANAGER, ApprovalAuthority, Customer, Product
from shared.contracts.bounds import clip


class Department(StrEnum):
    """The four departments whose answers decide feasibility (P2.4)."""

    ENGINEERING = "engineering"
    QA = "qa"
    PRODUCTION = "production"
    PURCHASING = "purchasing"


class Verdict(StrEnum):
    FEASIBLE = "feasible"
    LATER = "later"
    NOT_FEASIBLE = "not_feasible"


def terms_findings(customer: Customer, payment_terms: str | None) -> tuple[str, ...]:
    """P2.1: the order's payment terms (null: the customer's default, the first of its list)
    must be among the terms allowed for the customer."""
    terms = payment_terms or customer.default_payment_terms
    if terms in customer.payment_terms:
        return ()
    return (
        f"payment terms {terms!r} are not allowed for customer {customer.customer_id} "
        f"(tier {customer.tier}; allowed: {', '.join(customer.payment_terms)})",
    )


ESCALATED_BALANCE = "has an escalated overdue balance"
"""What every reason of an escalated overdue balance says (P6.3)."""


def escalation_reason(customer_id: str, escalated_invoices: Sequence[str]) -> str | None:
    """P6.3, P8.1: why a customer with an escalated overdue balance needs the general manager,
    naming the escalated invoices; None when it has none."""
    if not escalated_invoices:
        return None
    return clip(
        f"customer {customer_id} {ESCALATED_BALANCE} ({', '.join(escalated_invoices)}) (P6.3)"
    )


def general_manager_reasons(
    total: Decimal,
    currency: str,
    customer: Customer,
    open_balance: Decimal,
    authority: ApprovalAuthority,
    findings: Iterable[str],
    escalated_invoices: Sequence[str] = (),
) -> tuple[str, ...]:
    """Why the general manager must approve too; empty: the sales manager's approval is enough.

    P2.3, P8.1: a total above the sales manager's authority. P6.4: an A-tier customer whose open
    balance plus this order exceeds its credit limit. P2.1: any finding of the terms check.
    P6.3: a customer with an escalated overdue invoice, whatever the amount.
    """
    reasons: list[str] = []
    limit = authority.limit_of(SALES_MANAGER)
    if limit is not None and total > limit:
        reasons.append(
            f"the order total {total} {currency} exceeds the sales manager's authority of "
            f"{limit} {currency} (P2.3)"
        )
    credit = credit_limit_reason(total, currency, customer, open_balance)
    if credit is not None:
        reasons.append(credit)
    reasons.extend(f"terms check: {finding} (P2.1)" for finding in findings)
    escalated = escalation_reason(customer.customer_id, escalated_invoices)
    if escalated is not None:
        reasons.append(escalated)
    return tuple(reasons)


CREDIT_LIMIT = "exceeds its credit limit"
"""What every reason of an exceeded credit limit says (P6.4)."""


def credit_limit_reason(
    total: Decimal, currency: str, customer: Customer, open_balance: Decimal
) -> str | None:
    """P6.4: why an A-tier customer's order needs the general manager: its open balance (what
    finance says is unpaid, plus the orders review approved that sales has not confirmed yet)
    plus this order exceeds its credit limit; None when it does not."""
    if customer.tier != "A" or open_balance + total <= customer.credit_limit:
        return None
    return clip(
        f"customer {customer.customer_id}'s open balance {open_balance} {currency} plus this "
        f"order {total} {currency} {CREDIT_LIMIT} of {customer.credit_limit} {currency} (P6.4)"
    )


@dataclass(frozen=True)
class Assessment:
    """A department's verdict before it is recorded with who gave it."""

    verdict: Verdict
    reason: str = ""
    available_from: date | None = None


ENGINEERING_READINESS = (
    ("samples_confirmed", "samples confirmed"),
    ("bom_ready", "BOM"),
    ("drawings_ready", "drawings"),
    ("specification_ready", "specification"),
)


def engineering_assessment(
    product_codes: Iterable[str], products: Mapping[str, Product]
) -> Assessment:
    """P2.4: a new product needs its samples confirmed and its BOM, drawings and specification
    ready; the reason names what each new product still lacks."""
    gaps: list[str] = []
    new: list[str] = []
    for code in dict.fromkeys(product_codes):
        product = products[code]
        if not product.is_new:
            continue
        new.append(code)
        missing = [label for flag, label in ENGINEERING_READINESS if not getattr(product, flag)]
        if missing:
            gaps.append(f"new product {code} lacks: {', '.join(missing)}")
    if gaps:
        return Assessment(Verdict.NOT_FEASIBLE, "; ".join(gaps))
    if new:
        return Assessment(Verdict.FEASIBLE, f"new product ready: {', '.join(new)}")
    return Assessment(Verdict.FEASIBLE, "no new product")


def qa_assessment(
    product_codes: Iterable[str], products: Mapping[str, Product], capability_level: int
) -> Assessment:
    """P2.4: every product's required inspection level must be within QA's capability."""
    beyond = [
        f"{code} needs inspection level {products[code].qa_level}"
        for code in dict.fromkeys(product_codes)
        if products[code].qa_level > capability_level
    ]
    if beyond:
        return Assessment(
            Verdict.NOT_FEASIBLE,
            f"{'; '.join(beyond)}; QA can inspect up to level {capability_level}",
        )
    return Assessment(Verdict.FEASIBLE, f"within inspection level {capability_level}")


def proposed_delivery_date(assessments: Iterable[Assessment]) -> date | None:
    """P2.6: when every department that cannot meet the date can meet a later one, the latest
    of those dates; None when any department said not feasible (or gave no date)."""
    later: list[date] = []
    for assessment in assessments:
        if assessment.verdict is Verdict.FEASIBLE:
            continue
        if assessment.verdict is Verdict.NOT_FEASIBLE or assessment.available_from is None:
            return None
        later.append(assessment.available_from)
    return max(later) if later else None
