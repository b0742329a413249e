"""Events published by the Orderflow services, version 1. Field docs become the JSON Schemas."""

from decimal import Decimal
from typing import ClassVar, Final, Literal

from pydantic import Field

from shared.contracts import topics
from shared.contracts.bounds import (
    MAX_LINES,
    MAX_PROBLEMS,
    MAX_QUANTITY,
    ContractDate,
    CustomerId,
    DocumentNumber,
    OrderId,
    OrderVersion,
    PayerReference,
    PaymentId,
    PaymentTerm,
    ProductCode,
    Quantity,
    Reason,
    Reference,
    ShortText,
    Submitter,
    TrackingNumber,
)
from shared.contracts.common import (
    Address,
    Channel,
    Contact,
    Contract,
    CurrencyCode,
    Money,
    OrderLine,
    Problem,
    Signed,
)
from shared.contracts.envelope import Event

MAX_WAYBILLS: Final = 1_000
"""Waybills (parcels) of one shipment."""


class ReplacementFor(Contract):
    """What a replacement order replaces (P7.5): the order the goods were returned from, the
    return, and who authorised it (the sales manager, or the general manager)."""

    order_id: OrderId = Field(description="The order the returned goods came from")
    return_number: DocumentNumber = Field(description="RT-<order id>-<n>")
    authorised: Signed = Field(description="Who authorised the return, in which role, when")


class OrderPlacedPayload(Contract):
    """A registered order (P1.2)."""

    submitter: Submitter = Field(description="System or desk that submitted the order")
    customer_reference: Reference = Field(description="The customer's own order reference")
    customer_id: CustomerId = Field(description="Customer number")
    channel: Channel = Field(description="Channel the order came by (P1.1)")
    currency: CurrencyCode
    lines: list[OrderLine] = Field(
        min_length=1, max_length=MAX_LINES, description="Priced order lines, at least one"
    )
    total_amount: Money = Field(description="Sum of the line amounts")
    requested_delivery_date: ContractDate = Field(description="Date the customer asked for")
    delivery_address: Address
    contact: Contact
    payment_terms: PaymentTerm | None = Field(
        default=None, description="Payment terms asked for; null: the customer's default"
    )
    entered_by: Signed | None = Field(
        default=None,
        description="The person who entered the order at the sales desk, who may not also "
        "approve it (P8.1); null: it came from another system",
    )
    replacement_for: ReplacementFor | None = Field(
        default=None,
        description="A replacement of returned goods at no charge (P7.5): the return it "
        "replaces and who authorised it; null: a customer's order",
    )


class OrderPlaced(Event):
    """Sales registered an order and gave it its number (P1.2)."""

    TOPIC: ClassVar[str] = topics.ORDER_PLACED
    event_type: Literal["order.placed"] = Field(
        default=topics.ORDER_PLACED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: OrderPlacedPayload


class SubmissionRejectedPayload(Contract):
    """Why a submission was not registered."""

    submitter: Submitter = Field(description="Submitting system, as given")
    customer_reference: Reference = Field(description="The submitter's reference, as given")
    problems: list[Problem] = Field(
        min_length=1, max_length=MAX_PROBLEMS, description="Every problem found"
    )


class SubmissionRejected(Event):
    """A submission failed validation; no order was registered (P1.3).

    `order_id` is empty: there is no order. The Kafka key is the submitter's customer_reference.
    """

    TOPIC: ClassVar[str] = topics.ORDER_REJECTED
    event_type: Literal["order.rejected"] = Field(
        default=topics.ORDER_REJECTED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    order_id: Literal[""] = Field(default="", description="Always empty: no order was registered")
    payload: SubmissionRejectedPayload

    def kafka_key(self) -> str:
        return self.payload.customer_reference


class ReviewCompletedPayload(Contract):
    """Outcome of contract and feasibility review (P2)."""

    outcome: Literal["approved", "declined"] = Field(description="The review's decision")
    confirmed_delivery_date: ContractDate | None = Field(
        description="Delivery date the company commits to (P2.5); null when declined"
    )
    reason: Reason = Field(default="", description="Why, when declined")
    approved_by: list[Signed] = Field(
        default_factory=list,
        max_length=2,
        description="Who gave the approvals, in which role, when (P2.3, P8.1): the sales "
        "manager and, where required, the general manager; the automatic policy signs as "
        "'automatic-policy'",
    )
    version: OrderVersion = Field(
        default=1, description="The order's version this was made from (1: as placed; P7.4)"
    )


class ReviewCompleted(Event):
    """Review finished: the order is approved with a delivery date, or declined
    (P2.3, P2.4, P2.5, P2.6)."""

    TOPIC: ClassVar[str] = topics.REVIEW_COMPLETED
    event_type: Literal["review.completed"] = Field(
        default=topics.REVIEW_COMPLETED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: ReviewCompletedPayload


class ProducedLine(Contract):
    """Finished quantity of one product."""

    product_code: ProductCode = Field(description="Product model code")
    quantity: Quantity = Field(description="Finished and inspected units")


class InspectedLine(Contract):
    """Final inspection of one product, over all its inspection requests (P4.8)."""

    product_code: ProductCode = Field(description="Product model code")
    inspected: int = Field(ge=0, le=10 * MAX_QUANTITY * MAX_LINES, description="Units inspected")
    passed: int = Field(ge=0, le=10 * MAX_QUANTITY * MAX_LINES, description="Units that passed")
    failed: int = Field(ge=0, le=10 * MAX_QUANTITY * MAX_LINES, description="Units that failed")
    scrapped: int = Field(
        ge=0, le=10 * MAX_QUANTITY * MAX_LINES, description="Failed units that were scrapped"
    )


class GoodsProducedPayload(Contract):
    """Finished goods that passed final inspection (P4.8, P4.9)."""

    production_order_id: DocumentNumber = Field(description="Production's own order number")
    lines: list[ProducedLine] = Field(max_length=MAX_LINES, description="Finished quantities")
    ready_on: ContractDate = Field(description="Day the goods entered the finished-goods store")
    inspected: list[InspectedLine] = Field(
        default_factory=list,
        max_length=MAX_LINES,
        description="What final inspection saw per product (P4.8)",
    )


class GoodsProduced(Event):
    """Production finished the order and QA passed it (P4.9)."""

    TOPIC: ClassVar[str] = topics.GOODS_PRODUCED
    event_type: Literal["goods.produced"] = Field(
        default=topics.GOODS_PRODUCED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: GoodsProducedPayload


class GoodsShippedPayload(Contract):
    """A dispatched shipment (P5.5)."""

    shipment_id: DocumentNumber = Field(description="Logistics' shipment number")
    carrier: ShortText = Field(description="Carrier that took the goods")
    tracking_number: TrackingNumber = Field(description="Carrier's tracking number")
    lines: list[ProducedLine] = Field(max_length=MAX_LINES, description="Shipped quantities")
    waybills: list[TrackingNumber] = Field(
        default_factory=list,
        max_length=MAX_WAYBILLS,
        description="Waybill numbers handed to the carrier, one per parcel (P5.4)",
    )
    expected_delivery_on: ContractDate | None = Field(
        default=None, description="Day the shipping notice tells the customer to expect it (P5.5)"
    )
    emergency: bool = Field(
        default=False, description="Shipped on an emergency release, paperwork to follow (P5.3)"
    )


class GoodsShipped(Event):
    """The goods left the warehouse with a carrier (P5.4, P5.5)."""

    TOPIC: ClassVar[str] = topics.GOODS_SHIPPED
    event_type: Literal["goods.shipped"] = Field(
        default=topics.GOODS_SHIPPED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: GoodsShippedPayload


class InvoiceIssuedPayload(Contract):
    """An invoice for the order (P6.3)."""

    invoice_number: DocumentNumber = Field(description="Finance's invoice number")
    amount: Money = Field(description="Invoiced amount")
    currency: CurrencyCode
    due_date: ContractDate = Field(description="Date the balance is due")
    kind: Literal["invoice", "proforma"] = Field(
        default="invoice",
        description="invoice: for goods shipped; proforma: asked before shipment (prepaid terms)",
    )
    shipment_id: DocumentNumber | None = Field(
        default=None, description="The shipment invoiced (P6.3); null: the whole order"
    )
    issued_on: ContractDate | None = Field(default=None, description="Day of issue")
    payment_terms: PaymentTerm | None = Field(
        default=None, description="The order's payment terms the due date follows"
    )


class InvoiceIssued(Event):
    """Finance invoiced the order (P6.3)."""

    TOPIC: ClassVar[str] = topics.INVOICE_ISSUED
    event_type: Literal["invoice.issued"] = Field(
        default=topics.INVOICE_ISSUED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: InvoiceIssuedPayload


class PaymentReceivedPayload(Contract):
    """Money recorded against an order (P6.1, P6.2)."""

    payment_id: PaymentId = Field(description="Finance's payment number")
    kind: Literal["deposit", "balance", "cash_on_delivery", "credit"] = Field(
        description="What the payment was for; cash_on_delivery: collected by the carrier; "
        "credit: another order's overpayment applied by the finance manager"
    )
    bank_transaction_id: Reference = Field(description="Bank's transaction id")
    amount: Money = Field(description="Amount of this payment")
    currency: CurrencyCode
    paid_total: Money = Field(description="All payments recorded against the order so far")
    balance_due: Money = Field(description="Order total minus paid_total, never below zero")
    settled: bool = Field(description="True when the order total is paid in full")
    credit: Money = Field(
        default=Decimal("0.00"),
        description="Paid beyond the order total and not yet refunded or applied (P6.2)",
    )


class PaymentReceived(Event):
    """Finance matched a payment to the order (P6.2)."""

    TOPIC: ClassVar[str] = topics.PAYMENT_RECEIVED
    event_type: Literal["payment.received"] = Field(
        default=topics.PAYMENT_RECEIVED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: PaymentReceivedPayload


class PaymentUnmatchedPayload(Contract):
    """A payment finance could not put against an order."""

    bank_transaction_id: Reference = Field(description="Bank's transaction id")
    order_reference: PayerReference = Field(description="Reference the payer gave")
    amount: Money = Field(description="Amount received")
    currency: CurrencyCode
    reason: Reason = Field(description="Why it could not be matched")


class PaymentUnmatched(Event):
    """A bank payment matched no order; a person must look at it (P6.2).

    `order_id` is empty; the Kafka key is the bank transaction id.
    """

    TOPIC: ClassVar[str] = topics.PAYMENT_UNMATCHED
    event_type: Literal["payment.unmatched"] = Field(
        default=topics.PAYMENT_UNMATCHED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    order_id: Literal[""] = Field(default="", description="Always empty: no order matched")
    payload: PaymentUnmatchedPayload

    def kafka_key(self) -> str:
        return self.payload.bank_transaction_id


class OrderClosedPayload(Contract):
    """The order's final outcome."""

    outcome: Literal["fulfilled", "declined", "cancelled"] = Field(
        description="fulfilled: delivered and paid in full; declined: review declined it; "
        "cancelled: the customer cancelled it (P7.2, P7.4)"
    )


class OrderClosed(Event):
    """Sales closed the order; every department files it (P7.6)."""

    TOPIC: ClassVar[str] = topics.ORDER_CLOSED
    event_type: Literal["order.closed"] = Field(
        default=topics.ORDER_CLOSED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: OrderClosedPayload
