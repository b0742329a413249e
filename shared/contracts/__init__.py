"""Wire contracts: the JSON every Orderflow topic carries. Versioned, frozen, described."""

from shared.contracts.envelope import Event
from shared.contracts.events import (
    EVENT_TYPES,
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

__all__ = [
    "EVENT_TYPES",
    "Event",
    "GoodsProduced",
    "GoodsShipped",
    "InvoiceIssued",
    "OrderClosed",
    "OrderPlaced",
    "OrderSubmission",
    "PaymentNotification",
    "PaymentReceived",
    "PaymentUnmatched",
    "ReviewCompleted",
    "SubmissionRejected",
]
