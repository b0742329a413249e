"""Events of finance's payment check, balance-due notices, collection and customer credit
(P5.2, P6.1 to P6.4), version 1. Every one is keyed by its order id."""

from typing import ClassVar, Literal

from pydantic import Field

from shared.contracts import topics
from shared.contracts.bounds import (
    ContractDate,
    CustomerId,
    DaysLate,
    DocumentNumber,
    Reason,
)
from shared.contracts.common import Contract, CurrencyCode, Money, Signed
from shared.contracts.envelope import Event


class PaymentCheckedPayload(Contract):
    """Finance's check of the payment condition for one shipment (P5.1, P5.2, P6.4)."""

    shipment_id: DocumentNumber = Field(description="Logistics' shipment number")
    outcome: Literal["passed", "refused"] = Field(
        description="passed: finance signed; refused: the goods may not leave (reason given)"
    )
    tier: Literal["A", "B", "C"] = Field(description="Customer tier the condition follows")
    credit_exception: bool = Field(
        description="A-tier shipping beyond its credit limit or terms: the release needs the "
        "general manager (P6.4, P8.1)"
    )
    amount: Money = Field(description="Value of this shipment")
    currency: CurrencyCode
    shipped_value: Money = Field(description="Value of everything shipped so far, this included")
    received: Money = Field(description="Money received against the order")
    reason: Reason = Field(default="", description="Why refused, or what the exception is")
    signed: Signed | None = Field(
        description="Who signed or refused for finance; null: passed on a payment received"
    )


class PaymentChecked(Event):
    """Finance signed or refused a shipment's payment condition (P5.2)."""

    TOPIC: ClassVar[str] = topics.PAYMENT_CHECKED
    event_type: Literal["payment.checked"] = Field(
        default=topics.PAYMENT_CHECKED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: PaymentCheckedPayload


class BalanceDuePayload(Contract):
    """A balance-due notice to the customer (P6.3)."""

    customer_id: CustomerId = Field(description="Customer number")
    shipment_id: DocumentNumber | None = Field(
        description="The shipment waiting for the money; null: none"
    )
    amount_due: Money = Field(description="What must be paid before the goods leave")
    currency: CurrencyCode
    reason: Reason = Field(description="Why the money is due")


class BalanceDue(Event):
    """Customer service tells the customer what must be paid (P6.3)."""

    TOPIC: ClassVar[str] = topics.BALANCE_DUE
    event_type: Literal["balance.due"] = Field(
        default=topics.BALANCE_DUE, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: BalanceDuePayload


CollectionStep = Literal["reminder", "follow_up", "sales_manager", "general_manager", "cleared"]


class CollectionSteppedPayload(Contract):
    """One step of chasing an overdue invoice (P6.3)."""

    invoice_number: DocumentNumber = Field(description="The overdue invoice")
    customer_id: CustomerId = Field(description="Customer number")
    step: CollectionStep = Field(
        description="reminder: customer service; follow_up: the sales rep; sales_manager, "
        "general_manager: escalated; cleared: paid"
    )
    escalated: bool = Field(description="The customer needs the general manager for new orders")
    overdue_amount: Money = Field(description="What is still unpaid of the invoice")
    currency: CurrencyCode
    due_date: ContractDate = Field(description="The invoice's due date")
    days_overdue: DaysLate = Field(description="Days past the due date")
    promised_on: ContractDate | None = Field(
        default=None, description="The day the customer promised to pay, as the rep recorded it"
    )
    note: Reason = Field(default="", description="What the person who acted recorded")
    recorded: Signed | None = Field(description="Who recorded the step; null: reached on the clock")


class CollectionStepped(Event):
    """An overdue invoice reached a collection step, or someone acted on one (P6.3)."""

    TOPIC: ClassVar[str] = topics.COLLECTION_STEPPED
    event_type: Literal["collection.stepped"] = Field(
        default=topics.COLLECTION_STEPPED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: CollectionSteppedPayload


class CreditChangedPayload(Contract):
    """A customer credit from an overpayment (P6.2)."""

    customer_id: CustomerId = Field(description="Customer number")
    change: Literal["arisen", "refunded", "applied"] = Field(
        description="arisen: paid beyond the total; refunded or applied by the finance manager, "
        "or applied to this order by a change that raised what it owes (decided null, P7.3)"
    )
    amount: Money = Field(description="Amount of this change")
    currency: CurrencyCode
    available: Money = Field(description="Credit left on the order after the change")
    applied_to: DocumentNumber | None = Field(
        default=None, description="The order the credit was applied to"
    )
    reason: Reason = Field(default="", description="Why, as the finance manager recorded it")
    decided: Signed | None = Field(
        description="Who decided; null: arisen from a payment, or taken by a change"
    )


class CreditChanged(Event):
    """An order's customer credit arose, was refunded or was applied (P6.2)."""

    TOPIC: ClassVar[str] = topics.CREDIT_CHANGED
    event_type: Literal["credit.changed"] = Field(
        default=topics.CREDIT_CHANGED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: CreditChangedPayload
