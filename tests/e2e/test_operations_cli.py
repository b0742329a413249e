"""The operators' tool, `orderflow`, against the five services on real Kafka and PostgreSQL:
submit an order, trace it, list a dead letter, replay it once its cause is gone (twice: one
effect), and show lag and backlog.

The dead letter: review's escalation of an order sales has not registered yet is refused by
sales (an event about an unknown order is forged or misdirected). Once the order exists, the
same event replayed goes into its history.
"""

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from shared.cli import run
from shared.contracts import topics
from shared.contracts.acls import ADMIN, OPERATIONS
from shared.contracts.catalogue import SUBMITTER
from shared.decisions import AUTOMATIC_POLICY_USER
from shared.messaging.access import KafkaAccess
from tests.e2e.test_history_and_deadlines import history_of
from tests.support.bank import Bank
from tests.support.bus import Watcher, producer
from tests.support.flow import wait_until_caught_up, wait_until_closed
from tests.support.infra import secrets_dir
from tests.support.orders import bulk_submission
from tests.support.system import AUTOMATIC_POLICIES, SERVICES, System, launch


async def orderflow(system: System, *argv: str, user: str = OPERATIONS) -> tuple[int, str]:
    """`orderflow` as `user`: operations (read-only) unless the command needs more."""
    out = io.StringIO()
    secrets = secrets_dir()
    access = [
        *("--bootstrap", system.kafka.bootstrap, "--user", user),
        *(
            "--password-file",
            str(secrets / f"kafka-{user}"),
            "--ca-file",
            str(secrets / "kafka-ca.pem"),
        ),
    ]
    code = await run([*access, "--namespace", system.namespace, *argv], out)
    return code, out.getvalue()


def escalation(order_id: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "event_id": str(uuid4()),
        "event_type": "review.escalated",
        "schema_version": 1,
        "order_id": order_id,
        "occurred_at": now.isoformat(),
        "producer": "review",
        "causation_id": None,
        "payload": {
            "received_at": now.isoformat(),
            "deadline": now.isoformat(),
            "waiting_for": ["approval:general_manager"],
        },
    }


async def test_an_order_is_submitted_traced_and_a_fixed_dead_letter_replayed_has_one_effect(
    kafka: KafkaAccess, postgres_server: str, tmp_path: Path
) -> None:
    async with (
        launch(kafka, postgres_server, tmp_path, AUTOMATIC_POLICIES, "cli") as system,
        Bank(system.kafka, system.namespace),
    ):
        ns = system.namespace
        order_id = f"SO-{datetime.now(UTC).year}-000001"  # the first order sales registers
        early = escalation(order_id)
        async with Watcher(
            system.kafka,
            [ns + topics.ORDER_PLACED, ns + topics.ORDER_CLOSED, ns + topics.DEAD_LETTER],
        ) as watcher:
            async with producer(system.kafka) as client:
                await client.send_and_wait(
                    ns + topics.REVIEW_ESCALATED,
                    json.dumps(early).encode(),
                    key=order_id.encode(),
                )
            await watcher.wait_for(
                lambda w: bool(w.on(ns + topics.DEAD_LETTER)), 60, "the early escalation refused"
            )
            [dead] = watcher.on(ns + topics.DEAD_LETTER)
            dead_letter = dead.headers["dlq.id"]

            listed_code, listed = await orderflow(system, "dlq", "list", "--service", "sales")
            submission = tmp_path / "order.json"
            submission.write_text(json.dumps(bulk_submission("CLI-1", 0)))
            submitted_code, submitted = await orderflow(
                system, "submit", str(submission), user=SUBMITTER
            )
            [closed] = await wait_until_closed(watcher, ns, {"CLI-1"})

        assert (listed_code, submitted_code) == (0, 0)
        assert dead_letter in listed and f"{ns}review.escalated" in listed
        assert "no order" in listed and "1 dead letters" in listed
        assert "submitted CLI-1" in submitted
        assert closed == order_id

        first = await orderflow(system, "dlq", "replay", dead_letter, user=ADMIN)
        again = await orderflow(system, "dlq", "replay", dead_letter, user=ADMIN)
        unknown = await orderflow(system, "dlq", "replay", str(uuid4()), user=ADMIN)
        await wait_until_caught_up(system)

        assert first[0] == again[0] == 0 and "replayed to review.escalated" in first[1]
        assert unknown[0] == 1 and "no such dead letter" in unknown[1]
        history = await history_of(system, order_id)
        assert [step["event_id"] for step in history["steps"]].count(early["event_id"]) == 1

        traced_code, traced = await orderflow(system, "trace", order_id)
        assert traced_code == 0
        lines = traced.splitlines()
        assert lines[0].startswith(f"Timeline of {order_id}")
        kinds = [line.split()[1] for line in lines[1:]]
        assert kinds.index("order.placed") < kinds.index("order.closed")
        assert kinds.count("review.escalated") == 1  # published three times, one event
        assert AUTOMATIC_POLICY_USER in traced

        urls = [f"{name}=http://127.0.0.1:{system.port(name)}" for name in SERVICES]
        status_code, status = await orderflow(
            system, "status", *[part for url in urls for part in ("--url", url)]
        )
        assert status_code == 0
        rows = {line.split()[0]: line.split()[1:] for line in status.splitlines()[1:]}
        assert rows == {name: ["0", "0"] for name in SERVICES}, status
