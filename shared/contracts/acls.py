"""Least privilege on the bus, derived from the topic catalogue.

Each principal may do exactly what its place in the catalogue needs and nothing else:

- a department service writes the topics it publishes (`PRODUCERS`), reads those it consumes
  from the bus (`read_from_bus`), may create both (so it can start before their owner), and
  reads in its own consumer group;
- an outside system writes its intake topic and reads its replies, in groups named after it;
- operations read every topic, describe every group (lag) and may consume in groups named
  `operations…` (a kcat watch), and write nothing.

The operator (`admin`, a super user of the broker) creates topics and applies these bindings
with `orderflow bus setup`; the broker denies anything no binding allows.
"""

from dataclasses import dataclass
from enum import IntEnum
from typing import Final

from shared.contracts import topics
from shared.contracts.catalogue import BANK, PRODUCERS, SERVICES, SUBMITTER, read_from_bus

OPERATIONS: Final = "operations"
"""The read-only principal of the operations staff."""
ADMIN: Final = "admin"
"""The operator's principal: a super user, used for set-up and replays only."""
PRINCIPALS: Final = (ADMIN, *SERVICES, SUBMITTER, BANK, OPERATIONS)
"""Every SCRAM user deploy/secrets.sh makes a password for."""


class Resource(IntEnum):
    """Kafka's resource type codes."""

    TOPIC = 2
    GROUP = 3


class Operation(IntEnum):
    """Kafka's ACL operation codes."""

    READ = 3
    WRITE = 4
    CREATE = 5
    DESCRIBE = 8


class Pattern(IntEnum):
    """Kafka's resource pattern types."""

    LITERAL = 3
    PREFIXED = 4


@dataclass(frozen=True, order=True)
class Binding:
    """One ALLOW rule: `principal` may do `operation` on the resource."""

    principal: str
    resource: Resource
    name: str
    pattern: Pattern
    operation: Operation

    @property
    def kafka_principal(self) -> str:
        return f"User:{self.principal}"


REPLIES: Final = {
    SUBMITTER: (topics.ORDER_REJECTED, topics.ORDER_HELD, topics.ORDER_PLACED),
    BANK: (
        topics.DEPOSIT_REQUESTED,
        topics.INVOICE_ISSUED,
        topics.PAYMENT_RECEIVED,
        topics.PAYMENT_UNMATCHED,
    ),
}
"""What each outside system may read: the answers to what it sent."""


def published_by(producer: str) -> list[str]:
    return sorted(topic for topic, who in PRODUCERS.items() if producer in who)


def service_topics(service: str) -> list[str]:
    """The topics a service publishes or reads from the bus: those it may create at start."""
    return sorted({*published_by(service), *read_from_bus(service)})


def consumer_group(service: str) -> str:
    """The Kafka consumer group a service consumes in (before the topic namespace prefix)."""
    return f"orderflow.{service}"


def bindings(namespace: str = "") -> list[Binding]:
    """Every ACL the system needs, for topics and groups under `namespace`."""
    allowed: set[Binding] = set()

    def allow(principal: str, resource: Resource, name: str, *ops: Operation) -> None:
        """`name` ending in `*`: every name with that prefix (under `namespace`); a prefix
        that comes out empty is Kafka's literal wildcard `*`, since PREFIXED needs one."""
        full, pattern = namespace + name, Pattern.LITERAL
        if name.endswith("*"):
            full = namespace + name[:-1]
            full, pattern = (full, Pattern.PREFIXED) if full else ("*", Pattern.LITERAL)
        for op in ops:
            allowed.add(Binding(principal, resource, full, pattern, op))

    for service in SERVICES:
        for topic in published_by(service):
            allow(service, Resource.TOPIC, topic, Operation.WRITE)
        for topic in read_from_bus(service):
            allow(service, Resource.TOPIC, topic, Operation.READ)
        for topic in service_topics(service):
            allow(service, Resource.TOPIC, topic, Operation.CREATE, Operation.DESCRIBE)
        allow(service, Resource.GROUP, consumer_group(service), Operation.READ)
    for outsider in (SUBMITTER, BANK):
        for topic in published_by(outsider):
            allow(outsider, Resource.TOPIC, topic, Operation.WRITE, Operation.DESCRIBE)
        for topic in REPLIES[outsider]:
            allow(outsider, Resource.TOPIC, topic, Operation.READ)
        allow(outsider, Resource.GROUP, outsider + "*", Operation.READ)
    allow(OPERATIONS, Resource.GROUP, OPERATIONS + "*", Operation.READ)
    allow(OPERATIONS, Resource.TOPIC, "*", Operation.READ, Operation.DESCRIBE)
    allow(OPERATIONS, Resource.GROUP, "*", Operation.DESCRIBE)
    return sorted(allowed)
