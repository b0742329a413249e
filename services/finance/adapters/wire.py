"""Translation between the wire contracts and the finance domain."""

from datetime import UTC, datetime
from uuid import UUID

from services.finance import SERVICE_NAME
from services.finance.domain.balance import BalanceWasUpdated
from services.finance.domain.customers import Customer
from services.finance.domain.matching import UnmatchedPayment
from services.finance.domain.model import (
    Account,
    ConfirmOrder,
    DepositWasRequested,
    DomainEvent,
    InvoiceWasIssued,
    OpenAccount,
    PaymentWasReceived,
    ReceivePayment,
)
from shared.contracts import (
    BalanceUpdated,
    ConfirmationIssued,
    CustomerUpdated,
    DepositRequested,
    Event,
    InvoiceIssued,
    OrderPlaced,
    PaymentNotification,
    PaymentReceived,
    PaymentUnmatched,
)
from shared.contracts.events import (
    InvoiceIssuedPayload,
    PaymentReceivedPayload,
    PaymentUnmatchedPayload,
)
from shared.contracts.master import BalanceRecord
from shared.contracts.process import DepositRequestedPayload
from shared.messaging.events import new_event


def open_account_command(placed: OrderPlaced) -> OpenAccount:
    return OpenAccount(
        order_id=placed.order_id,
        customer_id=placed.payload.customer_id,
        currency=placed.payload.currency,
        total_amount=placed.payload.total_amount,
    )


def confirm_order_command(issued: ConfirmationIssued) -> ConfirmOrder:
    return ConfirmOrder(
        order_id=issued.order_id,
        customer_id=issued.payload.customer_id,
        currency=issued.payload.currency,
        total_amount=issued.payload.total_amount,
        deposit_amount=issued.payload.deposit_amount,
        confirmed_delivery_date=issued.payload.confirmed_delivery_date,
    )


def customer_from_record(updated: CustomerUpdated) -> Customer:
    record = updated.payload
    return Customer(
        customer_id=record.customer_id,
        name=record.name,
        tier=record.tier,
        currency=record.currency,
        deposit_percent=record.deposit_percent,
    )


def receive_payment_command(notification: PaymentNotification) -> ReceivePayment:
    booked_at = notification.received_at
    if booked_at.tzinfo is None:  # the contract allows a bank to omit the offset: read it as UTC
        booked_at = booked_at.replace(tzinfo=UTC)
    return ReceivePayment(
        bank_transaction_id=notification.bank_transaction_id,
        order_reference=notification.order_reference,
        amount=notification.amount,
        currency=notification.currency,
        booked_at=booked_at,
        payer=notification.payer,
    )


def to_wire(event: DomainEvent, account: Account, causation_id: UUID, now: datetime) -> Event:
    match event:
        case InvoiceWasIssued(invoice=invoice):
            return new_event(
                InvoiceIssued,
                order_id=account.order_id,
                producer=SERVICE_NAME,
                causation_id=causation_id,
                occurred_at=now,
                payload=InvoiceIssuedPayload(
                    invoice_number=invoice.invoice_number,
                    amount=invoice.amount,
                    currency=invoice.currency,
                    due_date=invoice.due_date,
                ),
            )
        case PaymentWasReceived(payment=payment):
            return new_event(
                PaymentReceived,
                order_id=account.order_id,
                producer=SERVICE_NAME,
                causation_id=causation_id,
                occurred_at=now,
                payload=PaymentReceivedPayload(
                    payment_id=payment.payment_id,
                    kind=payment.kind.value,
                    bank_transaction_id=payment.bank_transaction_id,
                    amount=payment.amount,
                    currency=payment.currency,
                    paid_total=event.paid_total,
                    balance_due=event.balance_due,
                    settled=event.settled,
                ),
            )
        case DepositWasRequested():
            return new_event(
                DepositRequested,
                order_id=account.order_id,
                producer=SERVICE_NAME,
                causation_id=causation_id,
                occurred_at=now,
                payload=DepositRequestedPayload(
                    customer_id=event.customer_id, amount=event.amount, currency=event.currency
                ),
            )


def balance_updated(event: BalanceWasUpdated, causation_id: UUID, now: datetime) -> Event:
    """The customer's latest open balance; keyed by customer, naming the order that moved it."""
    return new_event(
        BalanceUpdated,
        order_id=event.order_id,
        producer=SERVICE_NAME,
        causation_id=causation_id,
        occurred_at=now,
        payload=BalanceRecord(
            customer_id=event.customer_id,
            currency=event.currency,
            open_balance=event.open_balance,
        ),
    )


def unmatched_payment(payment: UnmatchedPayment, causation_id: UUID, now: datetime) -> Event:
    """Money that matched no order, for a person to look at; it concerns no order."""
    return new_event(
        PaymentUnmatched,
        producer=SERVICE_NAME,
        causation_id=causation_id,
        occurred_at=now,
        payload=PaymentUnmatchedPayload(
            bank_transaction_id=payment.bank_transaction_id,
            order_reference=payment.order_reference,
            amount=payment.amount,
            currency=payment.currency,
            reason=payment.reason,
        ),
    )
