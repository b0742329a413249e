"""The ACLs follow the topic catalogue: each principal gets what its place needs, no more."""

import pytest

from shared.contracts import topics
from shared.contracts.acls import (
    ADMIN,
    OPERATIONS,
    PRINCIPALS,
    REPLIES,
    Binding,
    Operation,
    Pattern,
    Resource,
    bindings,
    consumer_group,
)
from shared.contracts.catalogue import BANK, PRODUCERS, SERVICES, SUBMITTER, read_from_bus


def allowed(principal: str, operation: Operation, namespace: str = "") -> set[str]:
    return {
        b.name
        for b in bindings(namespace)
        if b.principal == principal and b.operation == operation and b.resource == Resource.TOPIC
    }


@pytest.mark.parametrize("principal", [*SERVICES, SUBMITTER, BANK])
def test_a_principal_may_write_exactly_the_topics_the_catalogue_says_it_publishes(
    principal: str,
) -> None:
    assert allowed(principal, Operation.WRITE) == {
        topic for topic, who in PRODUCERS.items() if principal in who
    }


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_may_read_exactly_the_topics_it_consumes_from_the_bus(service: str) -> None:
    assert allowed(service, Operation.READ) == set(read_from_bus(service))


def test_nobody_but_the_submitter_may_write_submissions_nor_but_review_approvals() -> None:
    writers = {
        topic: {
            b.principal for b in bindings() if b.operation == Operation.WRITE and b.name == topic
        }
        for topic in (topics.ORDER_SUBMITTED, topics.REVIEW_COMPLETED, topics.ORDER_RELEASED)
    }
    assert writers == {
        topics.ORDER_SUBMITTED: {SUBMITTER},
        topics.REVIEW_COMPLETED: {"review"},
        topics.ORDER_RELEASED: {"sales"},
    }


def test_operations_read_everything_and_write_nothing() -> None:
    mine = [b for b in bindings() if b.principal == OPERATIONS]
    assert {b.operation for b in mine} == {Operation.READ, Operation.DESCRIBE}
    assert {(b.name, b.pattern) for b in mine if b.resource == Resource.TOPIC} == {
        ("*", Pattern.LITERAL)
    }
    groups = {(b.name, b.pattern, b.operation) for b in mine if b.resource == Resource.GROUP}
    assert groups == {
        ("*", Pattern.LITERAL, Operation.DESCRIBE),
        (OPERATIONS, Pattern.PREFIXED, Operation.READ),  # its own watches only
    }


def test_outside_systems_read_only_their_replies() -> None:
    for outsider in (SUBMITTER, BANK):
        assert allowed(outsider, Operation.READ) == set(REPLIES[outsider])


def test_under_a_namespace_every_name_carries_it() -> None:
    names = {b.name for b in bindings("t1.")}
    assert all(name.startswith("t1.") for name in names)
    assert ("t1." + consumer_group("sales")) in names
    assert Binding(OPERATIONS, Resource.TOPIC, "t1.", Pattern.PREFIXED, Operation.READ) in set(
        bindings("t1.")
    )


def test_the_admin_needs_no_binding_being_the_brokers_super_user() -> None:
    assert ADMIN in PRINCIPALS
    assert not [b for b in bindings() if b.principal == ADMIN]
