"""An order's history across all five departments, on real Kafka and PostgreSQL (P7.6), the
same after every consumer group is replayed; and a step heading for its deadline flagged before
the deadline and put in front of its owner (P8.2)."""

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.contracts import topics
from shared.decisions import AUTOMATIC_POLICY_USER
from shared.messaging.access import KafkaAccess
from tests.support.api import token_of
from tests.support.bank import Bank
from tests.support.bus import Watcher, reset_group_to_beginning
from tests.support.flow import consumed_topics, wait_until_caught_up, wait_until_closed
from tests.support.orders import submit
from tests.support.system import AUTOMATIC_POLICIES, SERVICES, System, launch

pytestmark = pytest.mark.e2e


async def history_of(system: System, order_id: str) -> dict[str, Any]:
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{system.http_ports['sales']}",
        headers={"Authorization": f"Bearer {token_of('qa')}"},
        timeout=15.0,
    ) as client:
        answer = await client.get(f"/orders/{order_id}/history")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


@pytest.mark.rule("P7.6", "P8.3", "P8.4")
async def test_one_orders_history_names_every_department_and_survives_a_full_replay(
    kafka: KafkaAccess, postgres_server: str, tmp_path: Path
) -> None:
    async with (
        launch(kafka, postgres_server, tmp_path, AUTOMATIC_POLICIES, "hist") as system,
        Bank(system.kafka, system.namespace),
    ):
        ns = system.namespace
        async with Watcher(system.kafka, [ns + topics.ORDER_PLACED, ns + topics.ORDER_CLOSED]) as w:
            await submit(system.kafka, ns, ["HIST-1"])
            [order_id] = await wait_until_closed(w, ns, {"HIST-1"})
        await wait_until_caught_up(system)
        await asyncio.sleep(1.0)
        before = await history_of(system, order_id)

        steps = [step for step in before["steps"] if step["event_id"]]
        assert {step["producer"] for step in steps} == set(SERVICES)
        kinds = [step["what"] for step in steps]
        assert kinds[0] == "order.placed"
        # the closing is the last step, but for a customer notice of an earlier step that sales
        # handled in the same moment (its topics are read in no order across each other)
        departments = [step for step in steps if step["what"] != "customer.notified"]
        assert departments[-1]["what"] == "order.closed", [step["what"] for step in steps]
        for earlier, later in (
            ("order.placed", "review.completed"),
            ("review.completed", "order.released"),
            ("order.released", "goods.produced"),
            ("goods.produced", "goods.shipped"),
            ("goods.shipped", "invoice.issued"),
            ("goods.delivered", "order.closed"),
        ):
            assert kinds.index(earlier) < kinds.index(later), (earlier, later)
        position = {step["event_id"]: index for index, step in enumerate(steps)}
        for index, step in enumerate(steps):
            if step["caused_by"] in position:
                assert position[step["caused_by"]] < index, step["what"]
        people = [person for step in steps for person in step["by"]]
        assert people, "the automatic policies sign as a person would"
        assert {person["user"] for person in people} == {AUTOMATIC_POLICY_USER}
        assert all(person["role"] and datetime.fromisoformat(person["at"]) for person in people)

        system.stop()
        for service in SERVICES:
            group_topics = [system.topic(topic) for topic in consumed_topics(service)]
            await reset_group_to_beginning(
                system.kafka, system.consumer_group(service), group_topics
            )
        await system.start()
        await wait_until_caught_up(system)
        await asyncio.sleep(1.0)

        assert await history_of(system, order_id) == before


@pytest.mark.rule("P8.2")
async def test_a_review_heading_for_its_deadline_is_flagged_before_it_and_queued_for_its_owner(
    kafka: KafkaAccess, postgres_server: str, tmp_path: Path
) -> None:
    settings = {
        "SALES_REVIEW_DEADLINE": "PT8S",
        "SALES_WARNING_SHARE": "0.5",
        "SALES_STEP_ROUND_SECONDS": "0.5",
    }
    async with launch(kafka, postgres_server, tmp_path, settings, "flag") as system:
        ns = system.namespace
        async with Watcher(system.kafka, [ns + topics.STEP_FLAGGED]) as watcher:
            await submit(system.kafka, ns, ["FLAG-1"])
            await watcher.wait_for(lambda w: len(w.records) >= 2, 60, "a warning and an overdue")
        warning, overdue = (record.json() for record in watcher.records[:2])

        assert warning["payload"]["step"] == overdue["payload"]["step"] == "review"
        assert (warning["payload"]["level"], overdue["payload"]["level"]) == ("warning", "overdue")
        due = datetime.fromisoformat(warning["payload"]["due_at"])
        assert datetime.fromisoformat(warning["occurred_at"]) < due
        assert datetime.fromisoformat(overdue["occurred_at"]) >= due
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{system.http_ports['sales']}",
            headers={"Authorization": f"Bearer {token_of('sales_manager')}"},
            timeout=15.0,
        ) as client:
            for _ in range(50):
                queue = (await client.get("/work-queue", params={"role": "sales_manager"})).json()
                if len([i for i in queue if i["kind"] == "step.flagged"]) >= 2:
                    break
                await asyncio.sleep(0.2)
        assert {item["order_id"] for item in queue if item["kind"] == "step.flagged"} == {
            warning["order_id"]
        }
