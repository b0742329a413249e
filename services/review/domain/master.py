"""The master data review decides with (P2.1, P2.3, P2.4, P6.3, P6.4, P8.1).

Customers and products are sales' (received as `customer.updated`, `product.updated`), open
balances and escalated collections finance's (`balance.updated`, `collection.stepped`); the
approval authority table and QA's inspection capability are review's own. Plain values: no I/O.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from shared.decisions import AUTOMATIC_POLICY_USER

SALES_MANAGER = "sales_manager"
GENERAL_MANAGER = "general_manager"


@dataclass(frozen=True)
class Customer:
    """A customer as review needs it: tier, credit limit, allowed payment terms (P2.1, P6.4)."""

    customer_id: str
    tier: str
    credit_limit: Decimal
    payment_terms: tuple[str, ...]

    @property
    def default_payment_terms(self) -> str:
        """The customer's default terms: the first of its allowed list."""
        return self.payment_terms[0]


@dataclass(frozen=True)
class Product:
    """A product's engineering readiness and required inspection level (P2.4)."""

    product_code: str
    is_new: bool
    samples_confirmed: bool
    bom_ready: bool
    drawings_ready: bool
    specification_ready: bool
    qa_level: int


@dataclass(frozen=True)
class ApprovalAuthority:
    """Who may approve, up to which order total (P2.3, P8.1). A role missing from the table has
    no approval authority; a limit of None means any amount."""

    limits: Mapping[str, Decimal | None]

    def may_approve(self, role: str) -> bool:
        return role in self.limits

    def limit_of(self, role: str) -> Decimal | None:
        """The role's largest order total; a role without authority may approve nothing."""
        if role not in self.limits:
            return Decimal(0)
        return self.limits[role]


@dataclass(frozen=True)
class AutoApprovalPolicy:
    """The automatic policy: orders of these tiers up to this total that need no general manager
    get the sales manager's step from the automatic policy (`automatic-policy`) at receipt. Off
    unless the settings give a max_amount above 0."""

    max_amount: Decimal | None = None
    tiers: frozenset[str] = frozenset({"A"})

    def applies(self, tier: str, total: Decimal, general_manager_needed: bool) -> bool:
        return (
            self.max_amount is not None
            and self.max_amount > 0
            and tier in self.tiers
            and total <= self.max_amount
            and not general_manager_needed
        )


AUTO_APPROVER = AUTOMATIC_POLICY_USER
"""The actor recorded when the automatic policy signs the sales manager's step."""


@dataclass(frozen=True)
class ReviewPolicy:
    """Review's own rules, fixed while the service runs: the approval authority table and QA's
    inspection capability (the seed file's, P2.3, P2.4, P8.1) and the automatic approval policy
    (the settings')."""

    authority: ApprovalAuthority
    qa_capability_level: int
    auto_approval: AutoApprovalPolicy = field(default_factory=AutoApprovalPolicy)


@dataclass(frozen=True)
class ReviewBasis:
    """Everything a review is evaluated against; `customer` None or a product missing from
    `products` means that master data has not arrived yet."""

    customer: Customer | None
    products: Mapping[str, Product]
    authority: ApprovalAuthority
    qa_capability_level: int
    open_balance: Decimal = Decimal(0)
    auto_approval: AutoApprovalPolicy = field(default_factory=AutoApprovalPolicy)
    escalated_invoices: tuple[str, ...] = ()
    """The customer's invoices whose collection is escalated (P6.3), in number order."""
