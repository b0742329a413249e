"""Sales against a real Kafka broker and a real PostgreSQL database (P1.1-P1.3, P1.6)."""

import asyncio
import json
from uuid import uuid4

import pytest

from services.sales.app import create_service
from services.sales.settings import SalesSettings
from shared.contracts import OrderPlaced, SubmissionRejected, topics
from shared.messaging.access import KafkaAccess
from tests.support.bus import Watcher, producer
from tests.support.databases import fetch
from tests.support.infra import kafka_settings
from tests.support.orders import encode, submission

pytestmark = pytest.mark.integration


async def test_another_systems_submission_is_registered_once_with_a_unique_number_p1_2_p1_6(
    kafka: KafkaAccess, namespace: str, postgres_database: str
) -> None:
    settings = SalesSettings(
        **kafka_settings(kafka),
        database_url=postgres_database,
        topic_namespace=namespace,
    )
    service = create_service(settings)
    async with (
        service.app,
        Watcher(kafka, [namespace + topics.ORDER_PLACED]) as watcher,
    ):
        async with producer(kafka) as client:
            for reference in ("PO-A", "PO-A", "PO-B"):
                await client.send_and_wait(
                    namespace + topics.ORDER_SUBMITTED,
                    encode(submission(reference)),
                    key=reference.encode(),
                )
        await watcher.wait_for(lambda w: len(w.records) >= 2, 30, "two orders placed")
        await asyncio.sleep(1.0)  # a wrongly placed duplicate would arrive in this time

    placed = [OrderPlaced.model_validate_json(record.value) for record in watcher.records]
    assert sorted(event.payload.customer_reference for event in placed) == ["PO-A", "PO-B"]
    assert len({event.order_id for event in placed}) == 2
    for record, event in zip(watcher.records, placed, strict=True):
        assert record.key == event.order_id.encode()
        assert event.producer == "sales"
        assert event.causation_id is not None
        assert record.headers["event_type"] == "order.placed"
    rows = await fetch(postgres_database, "SELECT order_id, status FROM orders ORDER BY order_id")
    assert [(row["order_id"], row["status"]) for row in rows] == sorted(
        (event.order_id, "placed") for event in placed
    )


async def test_an_invalid_submission_is_rejected_with_every_problem_keyed_by_its_reference_p1_3(
    kafka: KafkaAccess, namespace: str, postgres_database: str
) -> None:
    settings = SalesSettings(
        **kafka_settings(kafka),
        database_url=postgres_database,
        topic_namespace=namespace,
    )
    broken = submission("PO-BAD", lines=[], currency="euro")
    broken["requested_delivery_date"] = "not a date"
    async with (
        create_service(settings).app,
        Watcher(
            kafka, [namespace + topics.ORDER_REJECTED, namespace + topics.DEAD_LETTER]
        ) as watcher,
    ):
        async with producer(kafka) as client:
            await client.send_and_wait(
                namespace + topics.ORDER_SUBMITTED, encode(broken), key=b"PO-BAD"
            )
            await client.send_and_wait(
                namespace + topics.ORDER_SUBMITTED, b"\x00\x13 not json", key=b"junk"
            )
        await watcher.wait_for(lambda w: len(w.records) >= 2, 30, "a rejection and a dead letter")

    [rejected_record] = watcher.on(namespace + topics.ORDER_REJECTED)
    rejected = SubmissionRejected.model_validate_json(rejected_record.value)
    assert rejected_record.key == b"PO-BAD"
    assert {problem.field for problem in rejected.payload.problems} == {
        "lines",
        "currency",
        "requested_delivery_date",
    }
    [dead] = watcher.on(namespace + topics.DEAD_LETTER)
    assert dead.value == b"\x00\x13 not json"
    assert dead.headers["dlq.source.topic"] == namespace + topics.ORDER_SUBMITTED
    assert "Invalid JSON" in dead.headers["dlq.reason"]
    assert await fetch(postgres_database, "SELECT * FROM orders") == []


async def test_an_order_closes_when_it_is_approved_shipped_delivered_and_paid(
    kafka: KafkaAccess, namespace: str, postgres_database: str
) -> None:
    settings = SalesSettings(
        **kafka_settings(kafka),
        database_url=postgres_database,
        topic_namespace=namespace,
    )
    async with (
        create_service(settings).app,
        Watcher(
            kafka, [namespace + topics.ORDER_PLACED, namespace + topics.ORDER_CLOSED]
        ) as watcher,
    ):
        async with producer(kafka) as client:
            await client.send_and_wait(
                namespace + topics.ORDER_SUBMITTED, encode(submission("PO-C")), key=b"PO-C"
            )
            await watcher.wait_for(lambda w: len(w.records) == 1, 30, "order placed")
            placed = watcher.records[0].json()
            for topic, payload in (
                (
                    topics.REVIEW_COMPLETED,
                    {
                        "outcome": "approved",
                        "confirmed_delivery_date": placed["payload"]["requested_delivery_date"],
                        "reason": "",
                    },
                ),
                (
                    topics.GOODS_SHIPPED,
                    {
                        "shipment_id": "SH-1",
                        "carrier": "DHL",
                        "tracking_number": "T1",
                        "lines": [{"product_code": "VALVE-DN50", "quantity": 20}],
                    },
                ),
                (
                    topics.GOODS_DELIVERED,
                    {
                        "shipment_id": "SH-1",
                        "delivered_on": placed["payload"]["requested_delivery_date"],
                        "received_by": "Jana Keller",
                        "lines": [{"product_code": "VALVE-DN50", "quantity": 20}],
                        "late": False,
                        "order_delivered": True,
                        "recorded": {
                            "user": "tomas.horak",
                            "role": "customer_service",
                            "at": placed["occurred_at"],
                        },
                    },
                ),
                (
                    topics.PAYMENT_RECEIVED,
                    {
                        "payment_id": "PAY-1",
                        "kind": "balance",
                        "bank_transaction_id": "B1",
                        "amount": "1460.00",
                        "currency": "EUR",
                        "paid_total": "1460.00",
                        "balance_due": "0.00",
                        "settled": True,
                    },
                ),
            ):
                event = {
                    "event_id": str(uuid4()),
                    "event_type": topic,
                    "schema_version": 1,
                    "order_id": placed["order_id"],
                    "occurred_at": placed["occurred_at"],
                    "producer": "test",
                    "causation_id": placed["event_id"],
                    "payload": payload,
                }
                await client.send_and_wait(
                    namespace + topic,
                    json.dumps(event).encode(),
                    key=placed["order_id"].encode(),
                )
        await watcher.wait_for(
            lambda w: len(w.on(namespace + topics.ORDER_CLOSED)) == 1, 30, "order closed"
        )

    closed = watcher.on(namespace + topics.ORDER_CLOSED)[0].json()
    assert closed["order_id"] == placed["order_id"]
    assert closed["payload"] == {"outcome": "fulfilled"}
    rows = await fetch(postgres_database, "SELECT status, outcome FROM orders")
    assert rows == [{"status": "closed", "outcome": "fulfilled"}]
