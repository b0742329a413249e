"""The broker lets each principal do what its place in the catalogue needs, and nothing else
(issue #10, point 1). Real broker over SASL_SSL, ACLs applied under the test's namespace."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import (
    ClusterAuthorizationFailedError,
    KafkaConnectionError,
    KafkaError,
    TopicAuthorizationFailedError,
)

from shared.contracts import topics
from shared.contracts.acls import OPERATIONS, published_by
from shared.contracts.catalogue import BANK, PRODUCERS, SERVICES, SUBMITTER
from shared.messaging.access import KafkaAccess
from shared.messaging.bus_setup import NotANamespace, remove_acls, set_up_bus, tear_down_bus
from shared.messaging.kafka import ensure_topics
from tests.support.infra import as_principal

pytestmark = pytest.mark.integration


@pytest.fixture
async def secured(kafka: KafkaAccess, namespace: str) -> AsyncIterator[str]:
    """Every topic and every binding under the test's namespace."""
    await set_up_bus(kafka, namespace, partitions=1)
    yield namespace
    await remove_acls(kafka, namespace)


async def publish(access: KafkaAccess, topic: str) -> None:
    producer = AIOKafkaProducer(
        **access.client_options(), acks="all", enable_idempotence=True, request_timeout_ms=10_000
    )
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"{}", key=b"SO-2026-000001")
    finally:
        await producer.stop()


async def refused(access: KafkaAccess, topic: str) -> bool:
    try:
        await publish(access, topic)
    except TopicAuthorizationFailedError:
        return True
    except ClusterAuthorizationFailedError:  # may write nowhere: no producer id for it at all
        return True
    return False


async def connects(access: KafkaAccess) -> bool:
    consumer = AIOKafkaConsumer(**access.client_options(), group_id=None, request_timeout_ms=5000)
    try:
        await consumer.start()
    except KafkaError:
        return False
    try:
        await consumer.topics()
    finally:
        await consumer.stop()
    return True


async def test_a_client_without_credentials_cannot_connect(kafka: KafkaAccess) -> None:
    assert await connects(kafka)  # the same broker, with the admin's credentials
    assert not await connects(replace(kafka, protocol="PLAINTEXT", username=None, password=None))


async def test_a_wrong_password_or_an_unknown_user_cannot_connect(kafka: KafkaAccess) -> None:
    assert not await connects(kafka.as_user("sales", "not-the-password"))
    assert not await connects(kafka.as_user("mallory", "anything"))


async def test_the_broker_is_reached_over_tls_checked_against_the_projects_ca(
    kafka: KafkaAccess,
) -> None:
    untrusting = replace(kafka, ca_file=None)  # the system's CAs did not sign the broker
    with pytest.raises(KafkaConnectionError):
        consumer = AIOKafkaConsumer(**untrusting.client_options(), group_id=None)
        try:
            await consumer.start()
        finally:
            await consumer.stop()


async def test_the_submitter_writes_submissions_and_is_refused_approvals_and_releases(
    kafka: KafkaAccess, secured: str
) -> None:
    submitter = as_principal(kafka, SUBMITTER)
    await publish(submitter, secured + topics.ORDER_SUBMITTED)
    assert await refused(submitter, secured + topics.REVIEW_COMPLETED)
    assert await refused(submitter, secured + topics.ORDER_RELEASED)


async def test_the_bank_writes_payment_notifications_only(kafka: KafkaAccess, secured: str) -> None:
    bank = as_principal(kafka, BANK)
    await publish(bank, secured + topics.PAYMENT_NOTIFIED)
    assert await refused(bank, secured + topics.PAYMENT_RECEIVED)
    assert await refused(bank, secured + topics.ORDER_SUBMITTED)


@pytest.mark.parametrize("service", SERVICES)
async def test_each_service_writes_its_own_topics_and_is_refused_every_other(
    kafka: KafkaAccess, secured: str, service: str
) -> None:
    principal = as_principal(kafka, service)
    own = published_by(service)
    others = sorted(topic for topic, who in PRODUCERS.items() if service not in who)
    await publish(principal, secured + own[0])
    for topic in (topics.ORDER_SUBMITTED, topics.PAYMENT_NOTIFIED, *others[:3]):
        assert topic not in own
        assert await refused(principal, secured + topic), f"{service} may write {topic}"


async def test_operations_read_every_topic_and_write_none(kafka: KafkaAccess, secured: str) -> None:
    operations = as_principal(kafka, OPERATIONS)
    await publish(kafka, secured + topics.ORDER_PLACED)  # something to read, as the admin
    consumer = AIOKafkaConsumer(
        secured + topics.ORDER_PLACED,
        **operations.client_options(),
        group_id=None,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=10_000)
    finally:
        await consumer.stop()
    assert [record.key for batch in batches.values() for record in batch] == [b"SO-2026-000001"]
    assert await refused(operations, secured + topics.ORDER_PLACED)
    assert await refused(operations, secured + topics.ORDER_SUBMITTED)


async def test_a_service_cannot_read_a_topic_it_does_not_consume(
    kafka: KafkaAccess, secured: str
) -> None:
    # production consumes no payments: the bank's notifications are finance's alone
    consumer = AIOKafkaConsumer(
        secured + topics.PAYMENT_NOTIFIED,
        **as_principal(kafka, "production").client_options(),
        group_id=None,
        auto_offset_reset="earliest",
    )
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            await consumer.start()
            await consumer.getmany(timeout_ms=10_000)
    finally:
        await consumer.stop()


async def topics_under(access: KafkaAccess, namespace: str) -> set[str]:
    admin = AIOKafkaAdminClient(**access.client_options())
    await admin.start()
    try:
        return {name for name in await admin.list_topics() if name.startswith(namespace)}
    finally:
        await admin.close()


async def test_a_namespace_torn_down_has_no_topics_and_no_bindings_left(
    kafka: KafkaAccess, namespace: str
) -> None:
    await set_up_bus(kafka, namespace, partitions=1)
    submitter = as_principal(kafka, SUBMITTER)
    assert not await refused(submitter, namespace + topics.ORDER_SUBMITTED)

    deleted = await tear_down_bus(kafka, namespace)

    assert namespace + topics.ORDER_SUBMITTED in deleted
    async with asyncio.timeout(30):  # topic deletion reaches the metadata a moment later
        while await topics_under(kafka, namespace):  # noqa: ASYNC110 (polls the broker)
            await asyncio.sleep(0.2)
    # the topic again, as the admin: the submitter's binding must be gone with the namespace
    await ensure_topics(kafka, [topics.ORDER_SUBMITTED], 1, 1, namespace)
    assert await refused(submitter, namespace + topics.ORDER_SUBMITTED)
    await tear_down_bus(kafka, namespace)


async def test_the_un_namespaced_bus_is_never_torn_down(kafka: KafkaAccess) -> None:
    with pytest.raises(NotANamespace):
        await tear_down_bus(kafka, "")
