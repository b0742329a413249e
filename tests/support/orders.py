"""Order submissions as another system would publish them."""

import asyncio
import json
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

from shared.clock import SystemClock
from shared.contracts import topics
from shared.messaging.access import KafkaAccess
from tests.support.bus import producer

EXAMPLE_LINES = [
    {"product_code": "VALVE-DN50", "quantity": 20, "unit_price": "48.50"},
    {"product_code": "FLANGE-DN50", "quantity": 40, "unit_price": "12.25"},
]


def submission(reference: str, submitter: str = "webshop", **overrides: Any) -> dict[str, Any]:
    lines = overrides.pop("lines", EXAMPLE_LINES)
    total = sum(Decimal(line["unit_price"]) * line["quantity"] for line in lines)
    body: dict[str, Any] = {
        "schema_version": 1,
        "submitter": submitter,
        "customer_reference": reference,
        "customer_id": "CUST-0001",
        "channel": "system",
        "currency": "EUR",
        "lines": lines,
        "total_amount": str(total),
        "requested_delivery_date": (SystemClock().now().date() + timedelta(days=60)).isoformat(),
        "delivery_address": {
            "name": "Acme Pumps GmbH",
            "street": "Industriestrasse 7",
            "postal_code": "70565",
            "city": "Stuttgart",
            "country": "DE",
        },
        "contact": {"name": "Jana Keller", "email": "j.keller@acme-pumps.example"},
    }
    body.update(overrides)
    return body


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


def payment_for(invoice: dict[str, Any]) -> dict[str, Any]:
    """What a bank would publish once the customer paid an invoice in full."""
    payload = invoice["payload"]
    return {
        "schema_version": 1,
        "bank_transaction_id": f"BANK-{payload['invoice_number']}",
        "order_reference": invoice["order_id"],
        "amount": payload["amount"],
        "currency": payload["currency"],
        "received_at": invoice["occurred_at"],
        "payer": "Acme Pumps GmbH",
    }


A_TIER_CUSTOMERS = [f"CUST-{number:04d}" for number in (1, 3, 4, 5, 6, 7, 8, 9, 10)]
"""Seed customers of tier A with the full credit limit (CUST-0002's is small on purpose)."""

BULK_LINES = [{"product_code": "SEAL-KIT-50", "quantity": 10, "unit_price": "6.40"}]


def bulk_submission(reference: str, index: int) -> dict[str, Any]:
    """A small A-tier order that the automatic policy approves; customers rotate so no credit
    limit is reached however many orders are in flight (P6.4)."""
    return submission(
        reference,
        customer_id=A_TIER_CUSTOMERS[index % len(A_TIER_CUSTOMERS)],
        lines=BULK_LINES,
    )


async def submit(
    kafka: KafkaAccess, namespace: str, references: list[str], pause: float = 0.0
) -> dict[str, float]:
    """Publish bulk submissions the way another system would, with a plain aiokafka producer;
    returns when each was sent (time.time())."""
    sent: dict[str, float] = {}
    async with producer(kafka) as client:
        for index, reference in enumerate(references):
            sent[reference] = time.time()
            await client.send(
                namespace + topics.ORDER_SUBMITTED,
                encode(bulk_submission(reference, index)),
                key=reference.encode(),
            )
            if pause:
                await asyncio.sleep(pause)
        await client.flush()
    return sent
