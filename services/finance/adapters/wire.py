"""Translation between the wire contracts and the finance domain."""

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from services.finance import SERVICE_NAME
from services.finance.domain.balance import BalanceWasUpdated
from services.finance.domain.checks import CheckStatus
from services.finance.domain.commands import (
    ApplyChange,
    ConfirmOrder,
    CreditReturn,
    Line,
    OpenAccount,
    ReceivePayment,
    RequestShipment,
    ShipGoods,
    Units,
)
from services.finance.domain.customers import Customer
from services.finance.domain.events import (
    BalanceWasDue,
    ChangeWasAcknowledged,
    CollectionWasStepped,
    CreditNoteWasIssued,
    CreditWasChanged,
    DepositWasRequested,
    DomainEvent,
    InvoiceWasIssued,
    PaymentWasChecked,
    PaymentWasReceived,
)
from services.finance.domain.matching import UnmatchedPayment
from shared.contracts import (
    BalanceDue,
    BalanceUpdated,
    ChangeAcknowledged,
    ChangeDecided,
    CollectionStepped,
    ConfirmationIssued,
    CreditChanged,
    CreditNoteIssued,
    CustomerUpdated,
    DepositRequested,
    Event,
    GoodsShipped,
    InvoiceIssued,
    OrderPlaced,
    PaymentChecked,
    PaymentNotification,
    PaymentReceived,
    PaymentUnmatched,
    ShipmentRequested,
)
from shared.contracts.bounds import DATE_MAX, MAX_MONEY, clip
from shared.contracts.changes import ChangeAcknowledgedPayload, acknowledgement_id
from shared.contracts.common import Signed
from shared.contracts.events import (
    InvoiceIssuedPayload,
    PaymentReceivedPayload,
    PaymentUnmatchedPayload,
    ProducedLine,
)
from shared.contracts.master import BalanceRecord
from shared.contracts.money import (
    BalanceDuePayload,
    CollectionSteppedPayload,
    CreditChangedPayload,
    PaymentCheckedPayload,
)
from shared.contracts.process import DepositRequestedPayload
from shared.contracts.returns import CreditedLine, CreditNoteIssuedPayload
from shared.decisions import Signature
from shared.messaging.events import new_event


def open_account_command(placed: OrderPlaced) -> OpenAccount:
    payload = placed.payload
    return OpenAccount(
        order_id=placed.order_id,
        customer_id=payload.customer_id,
        currency=payload.currency,
        total_amount=payload.total_amount,
        lines=tuple(Line(x.product_code, x.quantity, x.amount) for x in payload.lines),
        payment_terms=payload.payment_terms,
    )


def confirm_order_command(issued: ConfirmationIssued) -> ConfirmOrder:
    return ConfirmOrder(
        order_id=issued.order_id,
        customer_id=issued.payload.customer_id,
        currency=issued.payload.currency,
        total_amount=issued.payload.total_amount,
        deposit_amount=issued.payload.deposit_amount,
        confirmed_delivery_date=issued.payload.confirmed_delivery_date,
        tier=issued.payload.tier,
        version=issued.payload.version,
    )


def units(lines: list[ProducedLine]) -> tuple[Units, ...]:
    return tuple(Units(line.product_code, line.quantity) for line in lines)


def request_shipment_command(requested: ShipmentRequested) -> RequestShipment:
    return RequestShipment(requested.payload.shipment_id, units(requested.payload.lines))


def ship_goods_command(shipped: GoodsShipped, today: datetime) -> ShipGoods:
    return ShipGoods(shipped.payload.shipment_id, units(shipped.payload.lines), today.date())


def apply_change_command(decided: ChangeDecided, today: datetime) -> ApplyChange:
    """An applied change's content as finance applies it (P7.1, P7.2, P7.3)."""
    payload = decided.payload
    return ApplyChange(
        change_no=payload.change_no,
        kinds=tuple(payload.kinds),
        lines=tuple(Line(x.product_code, x.quantity, x.amount) for x in payload.lines),
        total_amount=payload.total_amount or Decimal("0.00"),
        charge=payload.charge or Decimal("0.00"),
        decided_on=min(today.date(), DATE_MAX),
        charge_reason=payload.charge_reason,
        delivery_date=payload.delivery_date,
        after_confirmation=payload.stage == "after_confirmation",
    )


def credit_return_command(
    return_number: str, return_no: int, accepted: list[tuple[str, int]], today: datetime
) -> CreditReturn:
    return CreditReturn(
        return_number=return_number,
        return_no=return_no,
        accepted=tuple(Units(code, quantity) for code, quantity in accepted if quantity > 0),
        issued_on=min(today.date(), DATE_MAX),
    )


def customer_from_record(updated: CustomerUpdated) -> Customer:
    record = updated.payload
    return Customer(
        customer_id=record.customer_id,
        name=record.name,
        tier=record.tier,
        currency=record.currency,
        deposit_percent=record.deposit_percent,
        credit_limit=record.credit_limit,
        payment_terms=tuple(record.payment_terms),
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


def signed(signature: Signature | None) -> Signed | None:
    if signature is None:
        return None
    return Signed(user=signature.user, role=signature.role, at=signature.at)


def _money(amount: Decimal) -> Decimal:
    return min(amount, MAX_MONEY)


def _payload(event: DomainEvent) -> tuple[type[Event], object]:
    match event:
        case InvoiceWasIssued(invoice=invoice):
            return InvoiceIssued, InvoiceIssuedPayload(
                invoice_number=invoice.invoice_number,
                amount=invoice.amount,
                currency=invoice.currency,
                due_date=invoice.due_date,
                kind="proforma" if invoice.kind == "proforma" else "invoice",
                shipment_id=invoice.shipment_id,
                issued_on=invoice.issued_on,
                payment_terms=invoice.payment_terms,
            )
        case PaymentWasReceived(payment=payment):
            return PaymentReceived, PaymentReceivedPayload(
                payment_id=payment.payment_id,
                kind=payment.kind.value,
                bank_transaction_id=payment.bank_transaction_id,
                amount=payment.amount,
                currency=payment.currency,
                paid_total=event.paid_total,
                balance_due=event.balance_due,
                settled=event.settled,
                credit=event.credit,
            )
        case DepositWasRequested():
            return DepositRequested, DepositRequestedPayload(
                customer_id=event.customer_id, amount=event.amount, currency=event.currency
            )
        case PaymentWasChecked(check=check):
            return PaymentChecked, PaymentCheckedPayload(
                shipment_id=check.shipment_id,
                outcome="passed" if check.status is CheckStatus.PASSED else "refused",
                tier=check.tier if check.tier in ("A", "B") else "C",
                credit_exception=check.credit_exception,
                amount=check.amount or Decimal("0.00"),
                currency=event.currency,
                shipped_value=_money(check.shipped_value),
                received=_money(check.received),
                reason=clip(check.reason),
                signed=signed(check.signed),
            )
        case BalanceWasDue():
            return BalanceDue, BalanceDuePayload(
                customer_id=event.customer_id,
                shipment_id=event.shipment_id,
                amount_due=_money(event.amount),
                currency=event.currency,
                reason=clip(event.reason),
            )
        case CreditWasChanged():
            return CreditChanged, CreditChangedPayload(
                customer_id=event.customer_id,
                change=event.change,
                amount=event.amount,
                currency=event.currency,
                available=event.available,
                applied_to=event.applied_to,
                reason=clip(event.reason),
                decided=signed(event.decided),
            )
        case CollectionWasStepped(invoice=invoice):
            return CollectionStepped, CollectionSteppedPayload(
                invoice_number=invoice.invoice_number,
                customer_id=event.customer_id,
                step=event.step,
                escalated=event.step != "cleared" and invoice.escalated,
                overdue_amount=invoice.open_amount,
                currency=invoice.currency,
                due_date=invoice.due_date,
                days_overdue=event.days_overdue,
                promised_on=invoice.promised_on,
                note=clip(event.note),
                recorded=signed(event.recorded),
            )
        case ChangeWasAcknowledged():
            return ChangeAcknowledged, ChangeAcknowledgedPayload(
                change_no=event.change_no,
                department="finance",
                outcome="accepted",
                paid_total=_money(event.paid_total),
                deposit_amount=_money(event.deposit_amount),
                invoiced=_money(event.invoiced),
            )
        case CreditNoteWasIssued(note=note):
            return CreditNoteIssued, CreditNoteIssuedPayload(
                credit_note_number=note.credit_note_number,
                return_number=note.return_number,
                lines=[
                    CreditedLine(
                        product_code=line.product_code,
                        quantity=line.quantity,
                        unit_value=line.unit_value,
                    )
                    for line in note.lines
                ],
                amount=note.amount,
                currency=note.currency,
                balance_due=_money(event.balance_due),
                credit=_money(event.credit),
                issued_on=note.issued_on,
            )


def to_wire(event: DomainEvent, order_id: str, causation_id: UUID | None, now: datetime) -> Event:
    kind, payload = _payload(event)
    own_id = None
    if isinstance(event, ChangeWasAcknowledged) and causation_id is not None:
        own_id = acknowledgement_id(causation_id, SERVICE_NAME)
    return new_event(
        kind,
        order_id=order_id,
        producer=SERVICE_NAME,
        causation_id=causation_id,
        occurred_at=now,
        payload=payload,
        event_id=own_id,
    )


def balance_updated(event: BalanceWasUpdated, causation_id: UUID | None, now: datetime) -> Event:
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


def unmatched_payment(payment: UnmatchedPayment, causation_id: UUID | None, now: datetime) -> Event:
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
