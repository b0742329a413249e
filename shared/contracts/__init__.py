"""Wire contracts: the JSON every Orderflow topic carries. Versioned, frozen, described."""

from shared.contracts.changes import (
    ChangeAcknowledged,
    ChangeDecided,
    ChangeRequested,
    ShipmentCancelled,
)
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
from shared.contracts.money import BalanceDue, CollectionStepped, CreditChanged, PaymentChecked
from shared.contracts.notices import CustomerNotified
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
from shared.contracts.returns import CreditNoteIssued, ReturnStepped
from shared.contracts.shipping import (
    DeliveryLate,
    GoodsDelivered,
    ShipmentEscalated,
    ShipmentReleased,
    ShipmentRequested,
)
from shared.contracts.steps import StepFlagged

__all__ = [
    "EVENT_TYPES",
    "BalanceDue",
    "BalanceUpdated",
    "ChangeAcknowledged",
    "ChangeDecided",
    "ChangeRequested",
    "CollectionStepped",
    "ConfirmationIssued",
    "ConfirmationSigned",
    "CreditChanged",
    "CreditNoteIssued",
    "CustomerNotified",
    "CustomerUpdated",
    "DeliveryLate",
    "DeliveryRevised",
    "DepositRequested",
    "Event",
    "FeasibilityAssessed",
    "FeasibilityRequested",
    "GoodsDelivered",
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
    "PaymentChecked",
    "PaymentNotification",
    "PaymentReceived",
    "PaymentUnmatched",
    "ProductUpdated",
    "ReturnStepped",
    "ReviewCompleted",
    "ReviewEscalated",
    "ScheduleChanged",
    "ShipmentCancelled",
    "ShipmentEscalated",
    "ShipmentReleased",
    "ShipmentRequested",
    "StepFlagged",
    "SubmissionRejected",
]
