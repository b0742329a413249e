"""Kafka topic names. A topic carries exactly one kind of message; its name is that kind."""

from typing import Final

ORDER_SUBMITTED: Final = "order.submitted"
ORDER_REJECTED: Final = "order.rejected"
ORDER_PLACED: Final = "order.placed"
REVIEW_COMPLETED: Final = "review.completed"
GOODS_PRODUCED: Final = "goods.produced"
GOODS_SHIPPED: Final = "goods.shipped"
INVOICE_ISSUED: Final = "invoice.issued"
PAYMENT_NOTIFIED: Final = "payment.notified"
PAYMENT_RECEIVED: Final = "payment.received"
PAYMENT_UNMATCHED: Final = "payment.unmatched"
ORDER_CLOSED: Final = "order.closed"
DEAD_LETTER: Final = "message.deadlettered"

ALL_TOPICS: Final = (
    ORDER_SUBMITTED,
    ORDER_REJECTED,
    ORDER_PLACED,
    REVIEW_COMPLETED,
    GOODS_PRODUCED,
    GOODS_SHIPPED,
    INVOICE_ISSUED,
    PAYMENT_NOTIFIED,
    PAYMENT_RECEIVED,
    PAYMENT_UNMATCHED,
    ORDER_CLOSED,
    DEAD_LETTER,
)
