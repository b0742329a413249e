"""Master data events, published on compacted topics keyed by the record's id.

Each kind has one owner: sales owns customers and products. A consumer keeps the latest record
per key in its own database.
"""

from typing import ClassVar, Final, Literal, Self

from pydantic import Field, model_validator

from shared.contracts import topics
from shared.contracts.bounds import (
    MAX_PAYMENT_TERMS,
    CustomerId,
    Name,
    PaymentTerm,
    Percent,
    ProductCode,
    UnitPrice,
)
from shared.contracts.common import Contract, CurrencyCode, Money
from shared.contracts.envelope import Event

PAY_BEFORE_SHIPMENT: Final = "prepaid"
"""The one payment term of a B or C customer, who pays before the goods leave (P5.2)."""


def buys_on_credit(tier: str | None) -> bool:
    """P5.2: only an A customer's goods go out on credit; any other tier, or none known, pays
    before shipment."""
    return tier == "A"


def terms_refused_for(tier: str | None, terms: str) -> str | None:
    """Why `terms` are not allowed for a customer of `tier` (P5.2); None: they are. A B or C
    customer pays before shipment, so any term but prepaid (netN, cod, an unknown code) would
    let goods go out unpaid."""
    if buys_on_credit(tier) or terms.lower() == PAY_BEFORE_SHIPMENT:
        return None
    return (
        f"a tier {tier or 'C'} customer pays before shipment (P5.2): payment terms {terms} "
        f"are not allowed, only {PAY_BEFORE_SHIPMENT}"
    )


class CustomerRecord(Contract):
    """A customer as sales keeps it (P1.4, P6.4). A B or C customer's only payment term is
    prepaid (P5.2), so no service can accept one on credit."""

    customer_id: CustomerId = Field(description="Customer number")
    name: Name = Field(description="Customer's name")
    tier: Literal["A", "B", "C"] = Field(description="Customer tier; decides the payment gates")
    currency: CurrencyCode
    credit_limit: Money = Field(description="Most the customer may owe at once (P6.4)")
    payment_terms: list[PaymentTerm] = Field(
        min_length=1,
        max_length=MAX_PAYMENT_TERMS,
        description=(
            "Payment terms allowed for this customer, first is the default; "
            "tiers B and C: prepaid only (P5.2)"
        ),
    )
    deposit_percent: Percent = Field(
        description="Deposit asked before production, as a percentage of the order (B/C, P3.3)"
    )

    @model_validator(mode="after")
    def _b_and_c_pay_before_shipment(self) -> Self:
        """P5.2: no credit terms for a B or C customer."""
        for terms in self.payment_terms:
            reason = terms_refused_for(self.tier, terms)
            if reason is not None:
                raise ValueError(reason)
        return self


class CustomerUpdated(Event):
    """The latest version of a customer record. Key: customer_id; `order_id` is empty."""

    TOPIC: ClassVar[str] = topics.CUSTOMER_UPDATED
    event_type: Literal["customer.updated"] = Field(
        default=topics.CUSTOMER_UPDATED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    order_id: Literal[""] = Field(default="", description="Always empty: master data")
    payload: CustomerRecord

    def kafka_key(self) -> str:
        return self.payload.customer_id


class ProductRecord(Contract):
    """A product model with its list price and engineering readiness (P1.3, P2.1, P2.4)."""

    product_code: ProductCode = Field(description="Product model code")
    name: Name = Field(description="Product name")
    currency: CurrencyCode
    list_price: UnitPrice = Field(description="Price-list unit price")
    max_discount_percent: Percent = Field(description="Largest discount allowed off list price")
    is_new: bool = Field(description="New product: engineering must confirm readiness (P2.4)")
    samples_confirmed: bool = Field(description="Customer confirmed the samples")
    bom_ready: bool = Field(description="Bill of materials released")
    drawings_ready: bool = Field(description="Drawings released")
    specification_ready: bool = Field(description="Specification released")
    qa_level: int = Field(ge=1, le=5, description="Inspection level the product requires (1-5)")


class ProductUpdated(Event):
    """The latest version of a product record. Key: product_code; `order_id` is empty."""

    TOPIC: ClassVar[str] = topics.PRODUCT_UPDATED
    event_type: Literal["product.updated"] = Field(
        default=topics.PRODUCT_UPDATED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    order_id: Literal[""] = Field(default="", description="Always empty: master data")
    payload: ProductRecord

    def kafka_key(self) -> str:
        return self.payload.product_code


class BalanceRecord(Contract):
    """What a customer owes (P6.4)."""

    customer_id: CustomerId = Field(description="Customer number")
    currency: CurrencyCode
    open_balance: Money = Field(
        description="Confirmed orders not yet paid: order totals minus payments received"
    )


class BalanceUpdated(Event):
    """Finance's latest open balance of a customer. Key: customer_id; `order_id` names the
    order whose change caused it."""

    TOPIC: ClassVar[str] = topics.BALANCE_UPDATED
    event_type: Literal["balance.updated"] = Field(
        default=topics.BALANCE_UPDATED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: BalanceRecord

    def kafka_key(self) -> str:
        return self.payload.customer_id
