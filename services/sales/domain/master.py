"""Master data sales owns: customers (P1.4, P6.4) and products with their price list (P1.3)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from shared.contracts.master import terms_refused_for

Tier = Literal["A", "B", "C"]

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Customer:
    """A customer as sales keeps it; the tier decides the payment gates (P1.4, P3.2, P3.3)."""

    customer_id: str
    name: str
    tier: Tier
    currency: str
    credit_limit: Decimal
    payment_terms: tuple[str, ...]
    deposit_percent: Decimal

    @property
    def default_payment_terms(self) -> str:
        return self.payment_terms[0]

    def terms_refused(self, terms: str) -> str | None:
        """Why an order of this customer cannot go on `terms`; None: the tier allows them. A B
        or C customer pays before shipment, so credit terms are refused (P5.2)."""
        return terms_refused_for(self.tier, terms)


@dataclass(frozen=True)
class Product:
    """A product model on the price list (P1.3) with its engineering readiness (P2.4)."""

    product_code: str
    name: str
    currency: str
    list_price: Decimal
    max_discount_percent: Decimal
    is_new: bool
    samples_confirmed: bool
    bom_ready: bool
    drawings_ready: bool
    specification_ready: bool
    qa_level: int

    @property
    def lowest_price(self) -> Decimal:
        """The list price less the largest discount allowed (P1.3, P2.1)."""
        return self.list_price * (HUNDRED - self.max_discount_percent) / HUNDRED

    def allows(self, unit_price: Decimal, currency: str) -> bool:
        """True when the price is on the price list: in its currency, within
        [list x (1 - max discount %), list] (P1.3)."""
        return currency == self.currency and self.lowest_price <= unit_price <= self.list_price


def is_new_or_changed(stored: Customer | Product | None, current: Customer | Product) -> bool:
    """Whether a master record must be stored and announced: unchanged ones are not, so a
    restart publishes nothing."""
    return stored != current
