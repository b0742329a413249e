"""Messages other systems publish onto the bus: not events of ours, so they carry no envelope."""

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from shared.contracts.common import Address, Contact, Contract, CurrencyCode, Money


class SubmittedLine(Contract):
    """One line of a submitted order, as the submitter priced it."""

    product_code: str = Field(min_length=1, description="Product model code")
    quantity: int = Field(gt=0, description="Ordered quantity in units")
    unit_price: Money = Field(ge=0, description="Price per unit the customer expects")
    amount: Money | None = Field(
        default=None, ge=0, description="Line amount as the submitter computed it, if given"
    )


class OrderSubmission(Contract):
    """An order submitted by another system on topic `order.submitted` (P1.1).

    The pair (submitter, customer_reference) identifies the submission: sending it again yields
    the same order (P1.6). Key the Kafka message by customer_reference.
    """

    schema_version: Literal[1] = Field(description="Version of this message's schema")
    submitter: str = Field(min_length=1, max_length=100, description="Submitting system's name")
    customer_reference: str = Field(
        min_length=1, max_length=100, description="The customer's own order reference"
    )
    customer_id: str = Field(min_length=1, description="Customer number in our master data")
    channel: Literal["system", "web", "email", "fax", "desk", "phone", "visit"] = Field(
        default="system",
        description="Channel the order came by; phone and visit are verbal orders, which wait "
        "for the customer's written confirmation (P1.1)",
    )
    payment_terms: str | None = Field(
        default=None,
        description="Payment terms asked for (e.g. net30); null: the customer's default",
    )
    currency: CurrencyCode
    lines: list[SubmittedLine] = Field(min_length=1, description="Ordered lines, at least one")
    total_amount: Money | None = Field(
        default=None, ge=0, description="Order total as the submitter computed it, if given"
    )
    requested_delivery_date: date = Field(description="Date the customer wants the goods ready")
    delivery_address: Address | None = Field(
        default=None, description="Where to deliver; missing holds the order (P1.3)"
    )
    contact: Contact


class PaymentNotification(Contract):
    """A bank's notification of money received, on topic `payment.notified` (P6.1).

    Key the Kafka message by bank_transaction_id; the same transaction sent twice is one payment.
    """

    schema_version: Literal[1] = Field(description="Version of this message's schema")
    bank_transaction_id: str = Field(min_length=1, description="The bank's unique transaction id")
    order_reference: str = Field(
        min_length=1, description="Payment reference given by the payer: our order number"
    )
    amount: Money = Field(gt=0, description="Amount received")
    currency: CurrencyCode
    received_at: datetime = Field(description="When the bank booked the money (ISO 8601)")
    payer: str = Field(default="", description="Payer's name as the bank reports it")
