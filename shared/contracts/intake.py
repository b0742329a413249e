"""Messages other systems publish onto the bus: not events of ours, so they carry no envelope."""

from typing import Literal

from pydantic import Field

from shared.contracts.bounds import (
    MAX_LINES,
    ContractDate,
    CustomerId,
    LocalOrAwareMoment,
    Payer,
    PayerReference,
    PaymentTerm,
    ProductCode,
    Quantity,
    Reference,
    Submitter,
    UnitPrice,
)
from shared.contracts.common import Address, Channel, Contact, Contract, CurrencyCode, Money


class SubmittedLine(Contract):
    """One line of a submitted order, as the submitter priced it."""

    product_code: ProductCode = Field(description="Product model code")
    quantity: Quantity = Field(description="Ordered quantity in units")
    unit_price: UnitPrice = Field(description="Price per unit the customer expects")
    amount: Money | None = Field(
        default=None, description="Line amount as the submitter computed it, if given"
    )


class OrderSubmission(Contract):
    """An order submitted by another system on topic `order.submitted` (P1.1).

    The pair (submitter, customer_reference) identifies the submission: sending it again yields
    the same order (P1.6). Key the Kafka message by customer_reference.
    """

    schema_version: Literal[1] = Field(description="Version of this message's schema")
    submitter: Submitter = Field(description="Submitting system's name")
    customer_reference: Reference = Field(description="The customer's own order reference")
    customer_id: CustomerId = Field(description="Customer number in our master data")
    channel: Channel = Field(
        default="system",
        description="Channel the order came by; phone and visit are verbal orders, which wait "
        "for the customer's written confirmation (P1.1)",
    )
    payment_terms: PaymentTerm | None = Field(
        default=None,
        description="Payment terms asked for (e.g. net30); null: the customer's default",
    )
    currency: CurrencyCode
    lines: list[SubmittedLine] = Field(
        min_length=1, max_length=MAX_LINES, description="Ordered lines, at least one"
    )
    total_amount: Money | None = Field(
        default=None, description="Order total as the submitter computed it, if given"
    )
    requested_delivery_date: ContractDate = Field(
        description="Date the customer wants the goods ready"
    )
    delivery_address: Address | None = Field(
        default=None, description="Where to deliver; missing holds the order (P1.3)"
    )
    contact: Contact


class PaymentNotification(Contract):
    """A bank's notification of money received, on topic `payment.notified` (P6.1).

    Key the Kafka message by bank_transaction_id; the same transaction sent twice is one payment.
    """

    schema_version: Literal[1] = Field(description="Version of this message's schema")
    bank_transaction_id: Reference = Field(description="The bank's unique transaction id")
    order_reference: PayerReference = Field(
        description="Payment reference given by the payer: our order number"
    )
    amount: Money = Field(gt=0, description="Amount received")
    currency: CurrencyCode
    received_at: LocalOrAwareMoment = Field(description="When the bank booked the money (ISO 8601)")
    payer: Payer = Field(default="", description="Payer's name as the bank reports it")
