"""A stand-in for the bank: pays every invoice it sees, by publishing a payment notification; a
shipment paid on its pro-forma (prepaid terms) is not paid again on its invoice.

Built on plain aiokafka; it reads an invoice through the published contract, as a bank's
gateway would, so what is not an invoice (anyone may publish to the topic) is not paid.
"""

import asyncio
import contextlib
import json

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pydantic import ValidationError

from shared.contracts import InvoiceIssued
from shared.contracts.catalogue import BANK
from shared.messaging.access import KafkaAccess
from tests.support.infra import as_principal
from tests.support.orders import payment_for


class Bank:
    """Runs as the bank's own principal: the ACLs must let it read invoices and write payment
    notifications, and nothing else."""

    def __init__(self, kafka: KafkaAccess, namespace: str) -> None:
        kafka = as_principal(kafka, BANK)
        self._namespace = namespace
        self._consumer = AIOKafkaConsumer(
            namespace + "invoice.issued",
            **kafka.client_options(),
            group_id=None,
            auto_offset_reset="earliest",
            metadata_max_age_ms=1000,
        )
        self._producer = AIOKafkaProducer(
            **kafka.client_options(), acks="all", enable_idempotence=True
        )
        self._paid: set[str] = set()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> "Bank":
        await self._consumer.start()
        await self._producer.start()
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()
        await self._producer.stop()

    async def _run(self) -> None:
        async for message in self._consumer:
            try:
                InvoiceIssued.model_validate_json(message.value or b"")
            except ValidationError:
                continue  # not an invoice: hostile records share the topic
            invoice = json.loads(message.value or b"{}")
            payload = invoice["payload"]
            number = payload.get("shipment_id") or payload["invoice_number"]
            if number in self._paid:
                continue  # a shipment is paid once, whichever invoice for it came first
            payment = payment_for(invoice)
            await self._producer.send_and_wait(
                self._namespace + "payment.notified",
                json.dumps(payment).encode(),
                key=payment["bank_transaction_id"].encode(),
            )
            self._paid.add(number)
