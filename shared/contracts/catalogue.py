"""The topic catalogue: who publishes each topic (one department service, several, or an
outside system) and which services follow it.

The same tables are the README's catalogue (its producer and consumer columns, compared by a
test), the AsyncAPI document (`shared.contracts.asyncapi`), what a unit of work checks before it
stages an event (a service never publishes a topic it does not own), and what tells a service
which of the topics it follows are its own: those it handles in the transaction that stages them
instead of reading them back from the bus (`shared.messaging.own_events`). A test compares
`CONSUMERS` with the services' routes."""

from collections.abc import Mapping
from typing import Final

from shared.contracts import topics

SERVICES: Final = ("sales", "review", "production", "logistics", "finance")
SUBMITTER: Final = "submitter"
"""An outside system that submits orders (web shop, EDI)."""
BANK: Final = "bank"
"""The bank's notifications of money received."""

_SALES = frozenset({"sales"})
_REVIEW = frozenset({"review"})
_PRODUCTION = frozenset({"production"})
_LOGISTICS = frozenset({"logistics"})
_FINANCE = frozenset({"finance"})

PRODUCERS: Final[Mapping[str, frozenset[str]]] = {
    topics.ORDER_SUBMITTED: frozenset({SUBMITTER}),
    topics.ORDER_REJECTED: _SALES,
    topics.ORDER_HELD: _SALES,
    topics.ORDER_PLACED: _SALES,
    topics.FEASIBILITY_REQUESTED: _REVIEW,
    topics.FEASIBILITY_ASSESSED: _PRODUCTION,
    topics.NEGOTIATION_OPENED: _REVIEW,
    topics.REVIEW_ESCALATED: _REVIEW,
    topics.REVIEW_COMPLETED: _REVIEW,
    topics.CONFIRMATION_ISSUED: _SALES,
    topics.CONFIRMATION_SIGNED: _SALES,
    topics.DEPOSIT_REQUESTED: _FINANCE,
    topics.ORDER_RELEASED: _SALES,
    topics.MATERIALS_LISTED: _PRODUCTION,
    topics.SCHEDULE_CHANGED: _PRODUCTION,
    topics.ORDER_DELAYED: _PRODUCTION,
    topics.DELIVERY_REVISED: _SALES,
    topics.GOODS_PRODUCED: _PRODUCTION,
    topics.GOODS_SHIPPED: _LOGISTICS,
    topics.INVOICE_ISSUED: _FINANCE,
    topics.PAYMENT_NOTIFIED: frozenset({BANK}),
    topics.PAYMENT_RECEIVED: _FINANCE,
    topics.PAYMENT_UNMATCHED: _FINANCE,
    topics.ORDER_CLOSED: _SALES,
    topics.CUSTOMER_UPDATED: _SALES,
    topics.PRODUCT_UPDATED: _SALES,
    topics.BALANCE_UPDATED: _FINANCE,
    topics.SHIPMENT_REQUESTED: _LOGISTICS,
    topics.PAYMENT_CHECKED: _FINANCE,
    topics.BALANCE_DUE: _FINANCE,
    topics.SHIPMENT_RELEASED: _LOGISTICS,
    topics.SHIPMENT_ESCALATED: _LOGISTICS,
    topics.GOODS_DELIVERED: _LOGISTICS,
    topics.DELIVERY_LATE: _LOGISTICS,
    topics.COLLECTION_STEPPED: _FINANCE,
    topics.CREDIT_CHANGED: _FINANCE,
    topics.STEP_FLAGGED: _SALES,
    topics.CHANGE_REQUESTED: _SALES,
    topics.CHANGE_ACKNOWLEDGED: frozenset({"review", "production", "logistics", "finance"}),
    topics.CHANGE_DECIDED: _SALES,
    topics.SHIPMENT_CANCELLED: _LOGISTICS,
    topics.RETURN_STEPPED: _LOGISTICS,
    topics.CREDIT_NOTE_ISSUED: _FINANCE,
    topics.CUSTOMER_NOTIFIED: _SALES,
    topics.DEAD_LETTER: frozenset(SERVICES),
}
"""topic -> who publishes it."""


_ALL = frozenset(SERVICES)


CONSUMERS: Final[Mapping[str, frozenset[str]]] = {
    topics.ORDER_SUBMITTED: _SALES,
    topics.ORDER_REJECTED: frozenset(),
    topics.ORDER_HELD: _SALES,
    topics.ORDER_PLACED: frozenset({"sales", "review", "logistics", "finance"}),
    topics.FEASIBILITY_REQUESTED: frozenset({"sales", "production"}),
    topics.FEASIBILITY_ASSESSED: frozenset({"sales", "review"}),
    topics.NEGOTIATION_OPENED: _SALES,
    topics.REVIEW_ESCALATED: _SALES,
    topics.REVIEW_COMPLETED: _SALES,
    topics.CONFIRMATION_ISSUED: frozenset({"sales", "review", "logistics", "finance"}),
    topics.CONFIRMATION_SIGNED: frozenset({"sales", "review", "logistics", "finance"}),
    topics.DEPOSIT_REQUESTED: _SALES,
    topics.ORDER_RELEASED: _ALL,
    topics.MATERIALS_LISTED: _SALES,
    topics.SCHEDULE_CHANGED: _SALES,
    topics.ORDER_DELAYED: _SALES,
    topics.DELIVERY_REVISED: frozenset({"sales", "production", "logistics", "finance"}),
    topics.GOODS_PRODUCED: frozenset({"sales", "logistics"}),
    topics.GOODS_SHIPPED: frozenset({"sales", "finance"}),
    topics.INVOICE_ISSUED: _SALES,
    topics.PAYMENT_NOTIFIED: _FINANCE,
    topics.PAYMENT_RECEIVED: _SALES,
    topics.PAYMENT_UNMATCHED: frozenset(),
    topics.ORDER_CLOSED: _ALL,
    topics.CUSTOMER_UPDATED: frozenset({"review", "finance"}),
    topics.PRODUCT_UPDATED: _REVIEW,
    topics.BALANCE_UPDATED: _REVIEW,
    topics.SHIPMENT_REQUESTED: frozenset({"sales", "finance"}),
    topics.PAYMENT_CHECKED: frozenset({"sales", "logistics"}),
    topics.BALANCE_DUE: _SALES,
    topics.SHIPMENT_RELEASED: _SALES,
    topics.SHIPMENT_ESCALATED: _SALES,
    topics.GOODS_DELIVERED: frozenset({"sales", "finance"}),
    topics.DELIVERY_LATE: _SALES,
    topics.COLLECTION_STEPPED: frozenset({"sales", "review"}),
    topics.CREDIT_CHANGED: _SALES,
    topics.STEP_FLAGGED: _SALES,
    topics.CHANGE_REQUESTED: _ALL,
    topics.CHANGE_ACKNOWLEDGED: _SALES,
    topics.CHANGE_DECIDED: _ALL,
    topics.SHIPMENT_CANCELLED: frozenset({"sales", "finance"}),
    topics.RETURN_STEPPED: frozenset({"sales", "finance"}),
    topics.CREDIT_NOTE_ISSUED: _SALES,
    topics.CUSTOMER_NOTIFIED: _SALES,
    topics.DEAD_LETTER: frozenset(),
}
"""topic -> the services that follow it (have a route for it); people and outside systems
that read a topic are in the README's catalogue."""

KEYS: Final[Mapping[str, str]] = {
    topics.ORDER_SUBMITTED: "the submission's customer_reference",
    topics.ORDER_REJECTED: "the submission's customer_reference",
    topics.PAYMENT_NOTIFIED: "the bank's bank_transaction_id",
    topics.PAYMENT_UNMATCHED: "the bank's bank_transaction_id",
    topics.CUSTOMER_UPDATED: "customer_id (compacted: the latest record per key counts)",
    topics.PRODUCT_UPDATED: "product_code (compacted: the latest record per key counts)",
    topics.BALANCE_UPDATED: "customer_id (compacted: the latest record per key counts)",
    topics.DEAD_LETTER: "the original record's key",
}
"""topic -> what its Kafka key is, where it is not the order id."""

ORDER_KEY = "the order id (SO-…), so that one order's events stay in order"


def key_of(topic: str) -> str:
    return KEYS.get(topic, ORDER_KEY)


def publishes(producer: str, topic: str) -> bool:
    """Whether `producer` owns `topic` (may publish it)."""
    return producer in PRODUCERS.get(topic, ())


def read_from_bus(service: str) -> list[str]:
    """The topics `service` consumes from the bus: those it follows, less those only it
    publishes (followed as it stages them). A test checks the routes agree."""
    return [
        topic
        for topic, followers in CONSUMERS.items()
        if service in followers and PRODUCERS[topic] != {service}
    ]


def own_topics(service: str) -> frozenset[str]:
    """The topics only `service` publishes: whatever it follows of them it has handled already,
    in the transaction that staged them, and need not read back from the bus."""
    return frozenset(topic for topic, who in PRODUCERS.items() if who == {service})
