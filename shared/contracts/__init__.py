"""Wire contracts: the JSON every Orderflow topic carries. Versioned, frozen, described."""

from shared.contracts.envelope import Event
from shared.contracts.events import (
    GoodsProduced,
    GoodsShipped,
    InvoiceIssued,
    OrderClosed,
    OrderPlaced,
    PaymentReceived,
    PaymentUnmatched,
    ReviewCompleted,
    SubmissionRejected,
)
from shared.contracts.intake import OrderSubmission, PaymentNotification
from shared.contracts.master import BalanceUpdated, CustomerUpdated, ProductUpdated
from shared.contracts.process import (
    ConfirmationIssued,
    ConfirmationSigned,
    DeliveryRevised,
    DepositRequested,
    FeasibilityAssessed,
    FeasibilityRequested,
    NegotiationOpened,
    OrderHeld,
    OrderReleased,
    ReviewEscalated,
)
from shared.contracts.production import MaterialsListed, OrderDelayed, ScheduleChanged
from shared.contracts.registry import EVENT_TYPES

__all__ = [
    "EVENT_TYPES",
    "BalanceUpdated",
    "ConfirmationIssued",
    "ConfirmationSigned",
    "CustomerUpdated",
    "DeliveryRevised",
    "DepositRequested",
    "Event",
    "FeasibilityAssessed",
    "FeasibilityRequested",
    "GoodsProduced",
    "GoodsShipped",
    "InvoiceIssued",
    "MaterialsListed",
    "NegotiationOpened",
    "OrderClosed",
    "OrderDelayed",
    "OrderHeld",
    "OrderPlaced",
    "OrderReleased",
    "OrderSubmission",
    "PaymentNotification",
    "PaymentReceived",
    "PaymentUnmatched",
    "ProductUpdated",
    "ReviewCompleted",
    "ReviewEscalated",
    "ScheduleChanged",
    "SubmissionRejected",
]
