"""Notices to the customer (P1.5 and each step that concerns them), version 1. Keyed by the
order id like every order event.

Sales publishes one `customer.notified` for each step the customer must hear of; a mail or EDI
gateway outside Orderflow sends it. One flat payload for every kind: what every notice has
(customer, their reference, addressee, channel, subject, text) and the typed facts of its kind,
null (or empty) where the kind has none. Which facts a kind carries is `KIND_FIELDS`; the
model refuses a notice that lacks one of them (docs/customer-notices.md)."""

from typing import ClassVar, Final, Literal, Self

from pydantic import Field, model_validator

from shared.contracts import topics
from shared.contracts.bounds import (
    REJECTION_PROBLEMS,
    ContractDate,
    CustomerId,
    DocumentNumber,
    DocumentPath,
    NoticeSubject,
    NoticeText,
    Reason,
    Reference,
    ShortText,
    TrackingNumber,
)
from shared.contracts.common import Contact, Contract, CurrencyCode, Money, Problem
from shared.contracts.envelope import Event

NoticeKind = Literal[
    "confirmation_expected",
    "order_held",
    "order_declined",
    "confirmation",
    "amended_confirmation",
    "deposit_request",
    "delay",
    "new_date",
    "shipping_notice",
    "invoice",
    "balance_due",
    "change_received",
    "change_applied",
    "change_refused",
    "refund",
    "return_authorised",
    "return_declined",
    "return_sent_back",
    "credit_note",
]
"""What the notice tells the customer, and the event it answers: confirmation_expected
(order.placed, P1.5), order_held (order.held: what must be corrected, P1.3, P1.5),
order_declined (review.completed declined), confirmation (confirmation.issued, P3.1),
amended_confirmation (confirmation.issued of a version above 1: a change reviewed again, P7.3),
deposit_request (deposit.requested, P3.3), delay (order.delayed, P4.10), new_date
(delivery.revised, P4.10), shipping_notice (goods.shipped, P5.5), invoice (invoice.issued,
P6.3), balance_due (balance.due, P6.3), change_received (change.requested after the
confirmation: it is being decided, P7.1), change_applied and change_refused (change.decided,
P7.2, P7.4), refund (credit.changed refunded, P6.2), return_authorised, return_declined and
return_sent_back (return.stepped, P7.5), credit_note (credit_note.issued, P7.5)."""

NoticeChannel = Literal["email", "phone"]
"""How the gateway reaches the addressee: email when the contact has an e-mail address, else
phone."""

KIND_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "confirmation_expected": ("expect_by",),
    "order_held": ("reasons",),
    "order_declined": (),
    "confirmation": ("delivery_date", "amount", "deposit_amount", "currency", "document_path"),
    "amended_confirmation": (
        "change_number",
        "delivery_date",
        "amount",
        "deposit_amount",
        "currency",
        "document_path",
    ),
    "deposit_request": ("amount", "currency"),
    "delay": ("delivery_date", "previous_delivery_date"),
    "new_date": ("delivery_date", "previous_delivery_date"),
    "shipping_notice": ("shipment_id", "carrier", "tracking_number"),
    "invoice": ("invoice_number", "amount", "currency", "due_date"),
    "balance_due": ("amount", "currency"),
    "change_received": ("change_number", "expect_by"),
    "change_applied": ("change_number", "amount", "charge", "currency"),
    "change_refused": ("change_number", "reason"),
    "refund": ("amount", "currency"),
    "return_authorised": ("return_number",),
    "return_declined": ("return_number", "reason"),
    "return_sent_back": ("return_number", "carrier", "tracking_number"),
    "credit_note": ("credit_note_number", "return_number", "amount", "currency"),
}
"""The typed facts each kind must carry (not null, not empty)."""


class CustomerNotifiedPayload(Contract):
    """One notice to the customer's contact for the order, with the facts a gateway needs."""

    customer_id: CustomerId = Field(description="Customer number")
    customer_reference: Reference = Field(description="The customer's own order reference")
    kind: NoticeKind = Field(description="What the notice tells; see NoticeKind")
    addressee: Contact = Field(description="The order's contact: name, e-mail and/or phone")
    channel: NoticeChannel = Field(
        description="email: the addressee has an e-mail address; phone: only a phone number"
    )
    subject: NoticeSubject = Field(description="Subject line, in plain words")
    text: NoticeText = Field(description="The notice in plain words, one paragraph")
    expect_by: ContractDate | None = Field(
        default=None,
        description="confirmation_expected: day by which to expect the answer; "
        "change_received: day by which every department answers the change",
    )
    delivery_date: ContractDate | None = Field(
        default=None,
        description="confirmation: the confirmed date; delay: the earliest date now expected; "
        "new_date: the agreed date; shipping_notice: the day to expect the goods (null: not given)",
    )
    previous_delivery_date: ContractDate | None = Field(
        default=None,
        description="delay: the confirmed date it will miss; new_date: the date it replaces",
    )
    amount: Money | None = Field(
        default=None,
        description="confirmation: order total; deposit_request: deposit to pay; invoice: "
        "invoiced amount; balance_due: amount due; change_applied: the new order total (0 for a "
        "cancellation); refund: amount refunded; credit_note: amount credited",
    )
    deposit_amount: Money | None = Field(
        default=None, description="confirmation: deposit asked before production (0: none)"
    )
    currency: CurrencyCode | None = Field(default=None, description="Currency of the amounts")
    document_path: DocumentPath | None = Field(
        default=None, description="confirmation: where the readable document is on the sales API"
    )
    invoice_number: DocumentNumber | None = Field(
        default=None, description="invoice: finance's invoice number"
    )
    invoice_kind: Literal["invoice", "proforma"] | None = Field(
        default=None, description="invoice: an invoice, or a pro-forma asked before shipment"
    )
    due_date: ContractDate | None = Field(default=None, description="invoice: day it is due")
    shipment_id: DocumentNumber | None = Field(
        default=None,
        description="shipping_notice: the shipment; invoice, balance_due: the shipment concerned",
    )
    carrier: ShortText | None = Field(
        default=None, description="shipping_notice, return_sent_back: the carrier"
    )
    tracking_number: TrackingNumber | None = Field(
        default=None,
        description="shipping_notice, return_sent_back: the carrier's tracking number",
    )
    reasons: list[Problem] = Field(
        default_factory=list,
        max_length=REJECTION_PROBLEMS,
        description="order_held: what must be corrected (the last may say how many more)",
    )
    reason: Reason = Field(
        default="",
        description="order_declined: why; new_date: what was agreed; balance_due: why it is "
        "due; change_refused, return_declined: why",
    )
    change_number: DocumentNumber | None = Field(
        default=None, description="change_received, change_applied, change_refused: CR-…"
    )
    charge: Money | None = Field(
        default=None,
        description="change_applied: what the customer pays for what was already spent (0: none)",
    )
    return_number: DocumentNumber | None = Field(
        default=None,
        description="return_authorised, return_declined, return_sent_back, credit_note: RT-…",
    )
    credit_note_number: DocumentNumber | None = Field(
        default=None, description="credit_note: finance's credit note number"
    )

    @model_validator(mode="after")
    def _has_the_facts_of_its_kind(self) -> Self:
        missing = [name for name in KIND_FIELDS[self.kind] if getattr(self, name) in (None, [])]
        if missing:
            raise ValueError(f"a {self.kind} notice needs {', '.join(missing)}")
        if self.channel == "email" and self.addressee.email is None:
            raise ValueError("an email notice needs the addressee's e-mail address")
        if self.channel == "phone" and self.addressee.phone is None:
            raise ValueError("a phone notice needs the addressee's phone number")
        return self


class CustomerNotified(Event):
    """A notice for the customer, for a mail or EDI gateway to send (P1.5)."""

    TOPIC: ClassVar[str] = topics.CUSTOMER_NOTIFIED
    event_type: Literal["customer.notified"] = Field(
        default=topics.CUSTOMER_NOTIFIED, description="Kind of event; equals the topic"
    )
    schema_version: Literal[1] = Field(default=1, description="Version of this event's schema")
    payload: CustomerNotifiedPayload
