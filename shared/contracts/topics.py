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
ORDER_HELD: Final = "order.held"
FEASIBILITY_REQUESTED: Final = "feasibility.requested"
FEASIBILITY_ASSESSED: Final = "feasibility.assessed"
NEGOTIATION_OPENED: Final = "negotiation.opened"
REVIEW_ESCALATED: Final = "review.escalated"
CONFIRMATION_ISSUED: Final = "confirmation.issued"
CONFIRMATION_SIGNED: Final = "confirmation.signed"
DEPOSIT_REQUESTED: Final = "deposit.requested"
ORDER_RELEASED: Final = "order.released"
CUSTOMER_UPDATED: Final = "customer.updated"
PRODUCT_UPDATED: Final = "product.updated"
BALANCE_UPDATED: Final = "balance.updated"
MATERIALS_LISTED: Final = "materials.listed"
SCHEDULE_CHANGED: Final = "schedule.changed"
ORDER_DELAYED: Final = "order.delayed"
DELIVERY_REVISED: Final = "delivery.revised"
SHIPMENT_REQUESTED: Final = "shipment.requested"
PAYMENT_CHECKED: Final = "payment.checked"
SHIPMENT_RELEASED: Final = "shipment.released"
SHIPMENT_ESCALATED: Final = "shipment.escalated"
GOODS_DELIVERED: Final = "goods.delivered"
DELIVERY_LATE: Final = "delivery.late"
BALANCE_DUE: Final = "balance.due"
COLLECTION_STEPPED: Final = "collection.stepped"
CREDIT_CHANGED: Final = "credit.changed"
STEP_FLAGGED: Final = "step.flagged"
CUSTOMER_NOTIFIED: Final = "customer.notified"
CHANGE_REQUESTED: Final = "change.requested"
CHANGE_ACKNOWLEDGED: Final = "change.acknowledged"
CHANGE_DECIDED: Final = "change.decided"
SHIPMENT_CANCELLED: Final = "shipment.cancelled"
RETURN_STEPPED: Final = "return.stepped"
CREDIT_NOTE_ISSUED: Final = "credit_note.issued"
DEAD_LETTER: Final = "message.deadlettered"

COMPACTED_TOPICS: Final = (CUSTOMER_UPDATED, PRODUCT_UPDATED, BALANCE_UPDATED)
"""Master data and balances: the latest record per key is what counts (cleanup.policy=compact)."""

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
    ORDER_HELD,
    FEASIBILITY_REQUESTED,
    FEASIBILITY_ASSESSED,
    NEGOTIATION_OPENED,
    REVIEW_ESCALATED,
    CONFIRMATION_ISSUED,
    CONFIRMATION_SIGNED,
    DEPOSIT_REQUESTED,
    ORDER_RELEASED,
    CUSTOMER_UPDATED,
    PRODUCT_UPDATED,
    BALANCE_UPDATED,
    MATERIALS_LISTED,
    SCHEDULE_CHANGED,
    ORDER_DELAYED,
    DELIVERY_REVISED,
    SHIPMENT_REQUESTED,
    PAYMENT_CHECKED,
    SHIPMENT_RELEASED,
    SHIPMENT_ESCALATED,
    GOODS_DELIVERED,
    DELIVERY_LATE,
    BALANCE_DUE,
    COLLECTION_STEPPED,
    CREDIT_CHANGED,
    STEP_FLAGGED,
    CHANGE_REQUESTED,
    CHANGE_ACKNOWLEDGED,
    CHANGE_DECIDED,
    SHIPMENT_CANCELLED,
    RETURN_STEPPED,
    CREDIT_NOTE_ISSUED,
    CUSTOMER_NOTIFIED,
    DEAD_LETTER,
)
