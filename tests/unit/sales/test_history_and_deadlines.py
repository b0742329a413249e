"""Sales' record of every order's life on the bus: one history across all departments with who
did what and when (P7.6), each step's owner and deadline with a flag before the deadline and at
it (P8.2), and the work queue that puts every escalation in front of a person (P8.2)."""

import json
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import select

from services.sales.adapters import tracking
from services.sales.adapters.tables import inbox, outbox
from services.sales.cli import render
from services.sales.domain.deadlines import Deadlines
from shared.contracts import EVENT_TYPES, Event, topics
from shared.messaging.pipeline import Delivery, Pipeline
from shared.messaging.routes import Source
from shared.messaging.unit_of_work import UnitOfWork
from tests.unit.sales.test_service import START, Sales, desk_order, sales, token

__all__ = ["sales"]  # the fixture

KINDS = {kind.TOPIC: kind for kind in EVENT_TYPES}
CONFIRMED = "2027-03-15"


def on_bus(
    topic: str, order_id: str, payload: dict[str, Any], at: datetime, producer: str, cause: Any
) -> Event:
    return KINDS[topic].model_validate(
        {
            "event_id": str(uuid4()),
            "order_id": order_id,
            "occurred_at": at.isoformat(),
            "producer": producer,
            "causation_id": None if cause is None else str(cause),
            "payload": payload,
        }
    )


class Bus:
    """Feeds events to sales' real routes, as its consumer would."""

    def __init__(self, sales: Sales) -> None:
        self.sales = sales
        self.pipeline = Pipeline(sales.unit_of_work, sales.parts.routes, service="sales")
        self.offset = 0

    async def deliver(self, *events: Event | dict[str, Any]) -> None:
        batch = []
        for item in events:
            raw = item if isinstance(item, dict) else item.model_dump(mode="json")
            self.offset += 1
            batch.append(
                Delivery(Source(raw["event_type"], 0, self.offset, None), json.dumps(raw).encode())
            )
        await self.pipeline.consume_batch(batch)

    async def echo(self) -> list[dict[str, Any]]:
        """What sales published goes back through its consumer, as from the bus."""
        published = await self.sales.published()
        await self.deliver(*published)
        return published


async def placed_order(sales: Sales, bus: Bus) -> tuple[str, dict[str, Any]]:
    entered = await sales.http.post("/orders", json=desk_order("PO-H"), headers=token("sales_rep"))
    order_id: str = entered.json()["order_id"]
    [placed] = [event for event in await bus.echo() if event["event_type"] == "order.placed"]
    return order_id, placed


async def history(sales: Sales, order_id: str) -> dict[str, Any]:
    answer = await sales.http.get(f"/orders/{order_id}/history", headers=token("qa"))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def flag_round(sales: Sales, now: datetime, followed: bool = True) -> None:
    """A round of the step watch at `now`; its flags are followed as they are staged, unless
    not `followed` (they are left for the test to deliver, e.g. late)."""
    unit_of_work = (
        sales.unit_of_work
        if followed
        else UnitOfWork(sales.engine, inbox, outbox, sales.clock, service="sales")
    )
    await unit_of_work.run(partial(tracking.flag_steps, now=now, deadlines=Deadlines()))


async def flags(sales: Sales) -> list[dict[str, Any]]:
    """The step.flagged events staged since the last look (notices to the customer aside)."""
    return [event for event in await sales.published() if event["event_type"] == "step.flagged"]


@pytest.mark.rule("P7.6", "P8.4")
async def test_the_history_lists_every_departments_step_with_who_role_and_when_in_order(
    sales: Sales,
) -> None:
    bus = Bus(sales)
    order_id, placed = await placed_order(sales, bus)
    completed = on_bus(
        "review.completed",
        order_id,
        {"outcome": "approved", "confirmed_delivery_date": CONFIRMED, "reason": ""},
        START + timedelta(hours=2),
        "review",
        placed["event_id"],
    )
    # an effect stamped a little before its cause (the clocks disagree) still comes after it
    escalated = on_bus(
        "review.escalated",
        order_id,
        {
            "received_at": START.isoformat(),
            "deadline": (START + timedelta(days=2)).isoformat(),
            "waiting_for": ["engineering"],
        },
        START - timedelta(minutes=5),
        "review",
        placed["event_id"],
    )
    await bus.deliver(completed, escalated)
    await bus.echo()

    steps = (await history(sales, order_id))["steps"]
    bus_steps = [step for step in steps if step["event_id"]]
    kinds = [step["what"] for step in bus_steps]
    assert kinds[0] == "order.placed"
    assert set(kinds) >= {
        "order.placed",
        "review.escalated",
        "review.completed",
        "confirmation.issued",
    }
    assert kinds.index("review.escalated") > kinds.index("order.placed")
    assert {step["producer"] for step in bus_steps} >= {"sales", "review"}
    entered = [step for step in steps if step["what"] == "decision.entered"]
    assert entered and entered[0]["by"][0]["role"] == "sales_rep"
    review = next(step for step in bus_steps if step["what"] == "review.completed")
    assert review["caused_by"] == placed["event_id"]
    assert review["by"] == []  # review's own rule, no person on this event


@pytest.mark.rule("P7.6")
async def test_a_person_named_on_an_event_is_who_did_that_step(sales: Sales) -> None:
    bus = Bus(sales)
    order_id, placed = await placed_order(sales, bus)
    revised = on_bus(
        "delivery.revised",
        order_id,
        {
            "delivery_date": "2027-04-01",
            "previous_delivery_date": CONFIRMED,
            "reason": "agreed with the customer",
            "agreed": {"user": "ben.ortiz", "role": "sales_manager", "at": START.isoformat()},
        },
        START + timedelta(days=1),
        "sales",
        placed["event_id"],
    )
    await bus.deliver(revised)

    step = next(
        s for s in (await history(sales, order_id))["steps"] if s["what"] == "delivery.revised"
    )
    [person] = step["by"]
    assert (person["user"], person["role"]) == ("ben.ortiz", "sales_manager")
    assert datetime.fromisoformat(person["at"]) == START


@pytest.mark.rule("P7.6")
async def test_replaying_every_event_leaves_the_history_as_it_was(sales: Sales) -> None:
    bus = Bus(sales)
    order_id, placed = await placed_order(sales, bus)
    before = await history(sales, order_id)

    bus.offset = 0  # the same records from the start: the inbox knows them
    await bus.deliver(placed)
    fresh = Bus(sales)
    await fresh.deliver(placed)

    assert await history(sales, order_id) == before


async def test_the_history_of_an_unknown_order_is_not_found(sales: Sales) -> None:
    answer = await sales.http.get("/orders/SO-2099-999999/history", headers=token("qa"))
    assert answer.status_code == 404


@pytest.mark.rule("P8.2")
async def test_a_step_is_flagged_before_its_deadline_and_again_at_it_each_once(
    sales: Sales,
) -> None:
    bus = Bus(sales)
    order_id, _placed = await placed_order(sales, bus)
    due = START + Deadlines().review

    await flag_round(sales, START + timedelta(hours=35))  # 73% of two days: not yet
    assert await flags(sales) == []
    await flag_round(sales, START + timedelta(hours=37))  # past 75%
    [warning] = await flags(sales)
    await flag_round(sales, START + timedelta(hours=40))
    assert await flags(sales) == []
    await flag_round(sales, due)
    [overdue] = await flags(sales)
    await flag_round(sales, due + timedelta(hours=5))

    assert await flags(sales) == []
    assert warning["event_type"] == overdue["event_type"] == "step.flagged"
    assert warning["order_id"] == order_id
    assert warning["payload"]["step"] == "review"
    assert warning["payload"]["level"] == "warning"
    assert warning["payload"]["owner_role"] == "sales_manager"
    assert datetime.fromisoformat(warning["payload"]["due_at"]) == due
    assert datetime.fromisoformat(warning["occurred_at"]) < due
    assert overdue["payload"]["level"] == "overdue"


@pytest.mark.rule("P8.2")
async def test_a_step_finished_in_time_is_never_flagged(sales: Sales) -> None:
    bus = Bus(sales)
    order_id, placed = await placed_order(sales, bus)
    await bus.deliver(
        on_bus(
            "review.completed",
            order_id,
            {"outcome": "declined", "confirmed_delivery_date": None, "reason": "no capacity"},
            START + timedelta(hours=1),
            "review",
            placed["event_id"],
        )
    )
    await bus.echo()

    await flag_round(sales, START + timedelta(days=3))
    assert [e for e in await sales.published() if e["event_type"] == "step.flagged"] == []


@pytest.mark.rule("P8.2")
async def test_a_step_closed_before_its_opening_event_arrives_stays_closed(sales: Sales) -> None:
    bus = Bus(sales)
    order_id, placed = await placed_order(sales, bus)
    produced_first = on_bus(
        "goods.produced",
        order_id,
        {
            "production_order_id": "PO-1",
            "lines": [{"product_code": "VALVE-DN50", "quantity": 20}],
            "ready_on": "2027-03-10",
        },
        START + timedelta(days=9),
        "production",
        None,
    )
    await bus.deliver(produced_first)
    await bus.deliver(
        on_bus(
            "order.released",
            order_id,
            {
                "delivery_date": "2026-11-22",
                "lines": [{"product_code": "VALVE-DN50", "quantity": 20}],
                "gate": "a_tier_before_signature",
            },
            START + timedelta(hours=1),
            "sales",
            placed["event_id"],
        )
    )

    await flag_round(sales, START + timedelta(days=30))
    flagged = [e for e in await sales.published() if e["event_type"] == "step.flagged"]
    assert "production" not in {e["payload"]["step"] for e in flagged}


CHANGE_LINE = {
    "line_no": 1,
    "product_code": "VALVE-DN50",
    "quantity": 15,
    "unit_price": "48.00",
    "amount": "720.00",
}


def change_requested(
    order_id: str, n: int, at: datetime, stage: str = "after_confirmation"
) -> Event:
    return on_bus(
        "change.requested",
        order_id,
        {
            "change_no": n,
            "based_on": n - 1,
            "kinds": ["decrease"],
            "stage": stage,
            "needs_review": False,
            "lines": [CHANGE_LINE],
            "total_amount": "720.00",
            "requested_delivery_date": CONFIRMED,
            "reason": "the customer needs 15 only",
            "via": "desk",
            "requested": None,
            "answer_by": (at + timedelta(days=1)).isoformat(),
        },
        at,
        "sales",
        None,
    )


def change_acknowledged(
    order_id: str, n: int, department: str, at: datetime, **facts: Any
) -> Event:
    return on_bus(
        "change.acknowledged",
        order_id,
        {"change_no": n, "department": department, "outcome": "accepted", **facts},
        at,
        department,
        None,
    )


def change_decided(order_id: str, n: int, at: datetime) -> Event:
    return on_bus(
        "change.decided",
        order_id,
        {
            "change_no": n,
            "outcome": "applied",
            "stage": "after_confirmation",
            "kinds": ["decrease"],
            "lines": [CHANGE_LINE],
            "total_amount": "720.00",
            "delivery_date": CONFIRMED,
            "decided": None,
        },
        at,
        "sales",
        None,
    )


def approved(order_id: str) -> Event:
    return on_bus(
        "review.completed",
        order_id,
        {"outcome": "approved", "confirmed_delivery_date": CONFIRMED, "reason": ""},
        START + timedelta(hours=1),
        "review",
        None,
    )


async def followed(sales: Sales, *events: Event, deadlines: Deadlines | None = None) -> None:
    """The events through sales' step watch alone (sales' own handling of a change aside), each
    in its own transaction."""
    for event in events:

        async def follow(connection: Any, event: Event = event) -> list[Event]:
            await tracking.track(connection, event, deadlines or Deadlines())
            return []

        await sales.unit_of_work.run(follow, str(event.event_id), event.event_type)


async def reviewed_order(sales: Sales) -> str:
    """An order whose own steps are done with (its review closed): only what comes after is
    watched."""
    order_id, _placed = await placed_order(sales, Bus(sales))
    await followed(sales, approved(order_id))
    await sales.published()
    return order_id


async def flagged(sales: Sales, now: datetime) -> list[dict[str, Any]]:
    """A round of the step watch at `now`; its flags go back through sales' consumer, as from
    the bus, and open work items."""
    await flag_round(sales, now)
    found = await flags(sales)
    await Bus(sales).deliver(*found)
    await sales.published()
    return found


async def flagged_steps(sales: Sales, now: datetime) -> set[tuple[str, str, str]]:
    """The step, level and owner of each flag of a round of the step watch at `now` (as
    `flagged`)."""
    return {
        (e["payload"]["step"], e["payload"]["level"], e["payload"]["owner_role"])
        for e in await flagged(sales, now)
    }


@pytest.mark.rule("P7.1")
@pytest.mark.rule("P8.2")
async def test_a_department_that_does_not_acknowledge_a_change_by_its_answer_by_is_flagged(
    sales: Sales,
) -> None:
    order_id, _placed = await placed_order(sales, Bus(sales))
    asked_at = START + timedelta(days=3)
    await followed(
        sales,
        approved(order_id),
        change_requested(order_id, 2, asked_at),
        change_acknowledged(order_id, 2, "production", asked_at + timedelta(hours=2), started=True),
        change_acknowledged(
            order_id, 2, "review", asked_at + timedelta(hours=3), review="not_needed"
        ),
    )
    await sales.published()

    assert await flagged_steps(sales, asked_at + timedelta(hours=19)) == {
        ("change_ack_logistics", "warning", "dispatcher"),
        ("change_ack_finance", "warning", "finance_manager"),
    }
    overdue = await flagged_steps(sales, asked_at + timedelta(days=1))
    assert overdue == {
        ("change_ack_logistics", "overdue", "dispatcher"),
        ("change_ack_finance", "overdue", "finance_manager"),
    }
    queue = (await sales.http.get("/work-queue", headers=token("sales_manager"))).json()
    assert {item["owner_role"] for item in queue} >= {"dispatcher", "finance_manager"}
    # production found something spent: the sales manager's charge is due within two days
    assert await flagged_steps(sales, asked_at + timedelta(days=2, hours=2)) == {
        ("change_charge", "overdue", "sales_manager")
    }

    await followed(sales, change_decided(order_id, 2, asked_at + timedelta(days=3)))
    assert await flagged_steps(sales, asked_at + timedelta(days=10)) == set()
    open_items = (await sales.http.get("/work-queue", headers=token("sales_manager"))).json()
    assert [item for item in open_items if item["kind"] == "step.flagged"] == []


@pytest.mark.rule("P7.1")
@pytest.mark.rule("P8.2")
async def test_the_next_change_watches_its_acknowledgements_anew_and_an_early_decision_keeps_them_closed(  # noqa: E501
    sales: Sales,
) -> None:
    order_id, _placed = await placed_order(sales, Bus(sales))
    first = START + timedelta(days=3)
    await followed(
        sales,
        approved(order_id),
        change_requested(order_id, 2, first),
        change_decided(order_id, 2, first),
    )
    second = first + timedelta(days=5)
    await followed(
        sales,
        change_decided(order_id, 3, second),  # the decision came first (another topic)
        change_requested(order_id, 3, second),
        change_acknowledged(order_id, 2, "review", second, review="not_needed"),  # stale
    )
    await sales.published()
    assert await flagged_steps(sales, second + timedelta(days=2)) == set()

    third = second + timedelta(days=5)
    await followed(sales, change_requested(order_id, 4, third))
    flagged = await flagged_steps(sales, third + timedelta(days=1))
    assert {step for step, _level, _owner in flagged} == {
        "change_ack_review",
        "change_ack_production",
        "change_ack_logistics",
        "change_ack_finance",
    }


async def open_work(sales: Sales, role: str | None = None) -> list[dict[str, Any]]:
    """The open work items (of one role), as a manager reads them."""
    params = {"role": role} if role else None
    answer = await sales.http.get("/work-queue", params=params, headers=token("sales_manager"))
    found: list[dict[str, Any]] = answer.json()
    return found


async def queue(sales: Sales, role: str) -> list[tuple[str, str]]:
    return [(item["kind"], item["summary"]) for item in await open_work(sales, role)]


@pytest.mark.rule("P7.1")
@pytest.mark.rule("P7.2")
async def test_a_refused_answer_is_the_sales_reps_work_and_a_cost_report_the_sales_managers(
    sales: Sales,
) -> None:
    order_id, _placed = await placed_order(sales, Bus(sales))
    at = START + timedelta(days=3)
    await followed(
        sales,
        approved(order_id),
        change_requested(order_id, 2, at),
        change_acknowledged(order_id, 2, "production", at, started=True),
        change_acknowledged(
            order_id, 2, "logistics", at, outcome="refused", reason="handed over: raise a return"
        ),
        change_acknowledged(order_id, 2, "finance", at, paid_total="0.00"),
    )

    [(kind, summary)] = await queue(sales, "sales_rep")
    assert kind == "change.acknowledged"
    assert "raise a return" in summary
    assert [kind for kind, _ in await queue(sales, "sales_manager")] == ["change.acknowledged"]
    assert await queue(sales, "finance_manager") == []

    await followed(sales, change_decided(order_id, 2, at + timedelta(hours=1)))
    assert await queue(sales, "sales_rep") == []
    assert await queue(sales, "sales_manager") == []
    await followed(sales, change_acknowledged(order_id, 2, "production", at, started=True))
    assert await queue(sales, "sales_manager") == []  # decided already: nothing to act on


def return_step(order_id: str, n: int, step: str, at: datetime, **facts: Any) -> Event:
    return on_bus(
        "return.stepped",
        order_id,
        {
            "return_number": f"RT-{order_id}-{n}",
            "step": step,
            "shipment_id": f"SH-{order_id}-1",
            "lines": [{"product_code": "VALVE-DN50", "quantity": 5}],
            "remedy": "credit",
            "reason": "seals leak",
            "signed": {"user": "eva.klein", "role": "customer_service", "at": at.isoformat()},
            **facts,
        },
        at,
        "logistics",
        None,
    )


async def returns_work(sales: Sales) -> list[tuple[str, str]]:
    return sorted(
        (item["owner_role"], item["detail"])
        for item in await open_work(sales)
        if item["kind"] == "return.stepped"
    )


@pytest.mark.rule("P7.5")
@pytest.mark.rule("P8.2")
async def test_each_step_of_a_return_puts_the_next_in_front_of_its_owner_until_it_is_taken(
    sales: Sales,
) -> None:
    order_id, _placed = await placed_order(sales, Bus(sales))
    first, second = f"RT-{order_id}-1", f"RT-{order_id}-2"
    at = START + timedelta(days=20)

    await followed(sales, return_step(order_id, 1, "requested", at))
    assert await returns_work(sales) == [("sales_manager", first)]
    await followed(
        sales,
        return_step(order_id, 1, "authorised", at),
        return_step(order_id, 2, "requested", at),
    )
    assert await returns_work(sales) == [("order_clerk", first), ("sales_manager", second)]
    inspected = [{"product_code": "VALVE-DN50", "accepted": 3, "rejected": 2}]
    await followed(
        sales,
        return_step(order_id, 1, "received", at),
        return_step(order_id, 1, "inspected", at, inspected=inspected),
    )
    assert await returns_work(sales) == [("dispatcher", first), ("sales_manager", second)]
    await followed(
        sales,
        return_step(order_id, 1, "sent_back", at, carrier="Rhenus", tracking_number="RH1"),
        return_step(order_id, 2, "declined", at, reason="outside the return period"),
    )
    assert await returns_work(sales) == []


async def details(sales: Sales, role: str) -> list[str]:
    return [item["detail"] for item in await open_work(sales, role)]


@pytest.mark.rule("P7.1")
@pytest.mark.rule("P8.2")
async def test_a_late_decision_or_answer_of_an_older_change_leaves_the_next_changes_work_alone(
    sales: Sales,
) -> None:
    order_id, _placed = await placed_order(sales, Bus(sales))
    at = START + timedelta(days=3)
    await followed(
        sales,
        approved(order_id),
        change_requested(order_id, 2, at),
        change_acknowledged(order_id, 2, "production", at, started=True),
        change_requested(order_id, 3, at + timedelta(days=1)),
        change_acknowledged(order_id, 3, "production", at + timedelta(days=1), started=True),
        change_decided(order_id, 2, at),  # lagging behind on its topic
        change_acknowledged(
            order_id, 2, "logistics", at, outcome="refused", reason="handed over: raise a return"
        ),
    )

    assert await details(sales, "sales_manager") == [f"CR-{order_id}-3"]
    assert await details(sales, "sales_rep") == []  # change 2 is over: nothing to tell


@pytest.mark.rule("P7.1")
@pytest.mark.rule("P8.2")
async def test_a_closed_order_watches_no_change_and_an_old_flag_opens_no_work(
    sales: Sales,
) -> None:
    order_id, _placed = await placed_order(sales, Bus(sales))
    at = START + timedelta(days=3)
    await followed(sales, approved(order_id), change_requested(order_id, 2, at))
    await sales.published()
    # as from a replica that flagged them before change 3 and published them late
    await flag_round(sales, at + timedelta(days=1), followed=False)
    old_flags = await flags(sales)
    assert {flag["payload"]["step"] for flag in old_flags} >= {"change_ack_finance"}
    await followed(sales, change_requested(order_id, 3, at + timedelta(days=2)))
    await Bus(sales).deliver(*old_flags)  # change 2's flags come back after change 3 began
    assert await details(sales, "finance_manager") == []

    await followed(
        sales,
        on_bus(
            "order.closed",
            order_id,
            {"outcome": "fulfilled"},
            at + timedelta(days=2),
            "sales",
            None,
        ),
        change_requested(order_id, 4, at + timedelta(days=3)),  # late, on its own topic
    )
    await sales.published()
    assert await flagged_steps(sales, at + timedelta(days=10)) == set()


@pytest.mark.rule("P7.4")
async def test_a_change_before_the_confirmation_waits_for_no_acknowledgement(
    sales: Sales,
) -> None:
    order_id, _placed = await placed_order(sales, Bus(sales))
    await followed(sales, change_requested(order_id, 2, START, stage="before_confirmation"))
    await sales.published()

    flagged = await flagged_steps(sales, START + timedelta(days=1, hours=1))
    assert {step for step, _level, _owner in flagged} <= {"review"}


@pytest.mark.rule("P8.2")
async def test_every_escalation_waits_in_its_owners_queue_until_it_is_settled(
    sales: Sales,
) -> None:
    bus = Bus(sales)
    order_id, placed = await placed_order(sales, bus)
    escalated = on_bus(
        "review.escalated",
        order_id,
        {
            "received_at": START.isoformat(),
            "deadline": (START + timedelta(days=2)).isoformat(),
            "waiting_for": ["engineering"],
        },
        START + timedelta(days=2),
        "review",
        placed["event_id"],
    )
    await bus.deliver(escalated)

    queue = (
        await sales.http.get(
            "/work-queue", params={"role": "sales_manager"}, headers=token("sales_manager")
        )
    ).json()
    assert [(item["order_id"], item["kind"]) for item in queue] == [(order_id, "review.escalated")]
    assert (
        await sales.http.get(
            "/work-queue", params={"role": "dispatcher"}, headers=token("sales_manager")
        )
    ).json() == []

    await bus.deliver(
        on_bus(
            "review.completed",
            order_id,
            {"outcome": "approved", "confirmed_delivery_date": CONFIRMED, "reason": ""},
            START + timedelta(days=2, hours=1),
            "review",
            escalated.event_id,
        )
    )

    assert (await sales.http.get("/work-queue", headers=token("sales_manager"))).json() == []
    settled = (
        await sales.http.get(
            "/work-queue", params={"include_closed": "true"}, headers=token("sales_manager")
        )
    ).json()
    assert settled[0]["closed_by"].startswith("review.completed")


@pytest.mark.rule("P8.2")
async def test_a_flagged_step_is_work_for_its_owner_and_only_the_owner_or_a_manager_settles_it(
    sales: Sales,
) -> None:
    bus = Bus(sales)
    await placed_order(sales, bus)
    await flag_round(sales, START + timedelta(hours=40))
    await bus.echo()

    [item] = (await sales.http.get("/work-queue", headers=token("sales_manager"))).json()
    assert item["kind"] == "step.flagged" and item["owner_role"] == "sales_manager"
    path = f"/work-queue/{item['item_id']}/done"
    refused = await sales.http.post(path, json={"note": "seen"}, headers=token("dispatcher"))
    assert refused.status_code == 403
    done = await sales.http.post(path, json={"note": "chased"}, headers=token("sales_manager"))
    assert done.status_code == 200
    assert done.json()["closed_by"].startswith("jonas.weber (sales_manager) at ")
    assert done.json()["closed_by"].endswith(": chased")
    again = await sales.http.post(path, json={"note": "again"}, headers=token("sales_manager"))
    assert again.status_code == 409
    typo = await sales.http.post(path, json={"nte": "x"}, headers=token("sales_manager"))
    assert typo.status_code == 422


def test_the_command_line_prints_each_step_with_who_and_department() -> None:
    text = render(
        {
            "order_id": "SO-1",
            "steps": [
                {
                    "at": "2026-12-01T09:00:00Z",
                    "what": "order.placed",
                    "summary": "placed",
                    "producer": "sales",
                    "by": [],
                },
                {
                    "at": "2026-12-01T10:00:00Z",
                    "what": "shipment.released",
                    "summary": "released",
                    "producer": "logistics",
                    "by": [{"user": "sam.okafor", "role": "dispatcher", "at": "x"}],
                },
            ],
        }
    )

    lines = text.splitlines()
    assert lines[0] == "History of SO-1"
    assert "sales (rule)" in lines[1]
    assert "sam.okafor (dispatcher)" in lines[2] and "logistics" in lines[2]


@pytest.mark.rule("P7.6")
async def test_an_event_about_an_order_sales_never_registered_is_dead_lettered_not_kept(
    sales: Sales,
) -> None:
    bus = Bus(sales)
    forged = on_bus(
        "review.escalated",
        "SO-2099-000001",
        {"received_at": "9999-12-31T23:59:59Z", "deadline": "0001-01-01", "waiting_for": []},
        START,
        "review",
        None,
    )

    await bus.deliver(forged)

    [dead] = await sales.published()
    assert dead["order_id"] == "SO-2099-000001"
    async with sales.engine.connect() as connection:
        reasons = (
            await connection.execute(
                select(outbox.c.headers).where(outbox.c.topic == topics.DEAD_LETTER)
            )
        ).all()
    assert (
        "no order SO-2099-000001 in sales' register" in json.loads(reasons[0].headers)["dlq.reason"]
    )
    answer = await sales.http.get("/orders/SO-2099-000001/history", headers=token("qa"))
    assert answer.status_code == 404


@pytest.mark.rule("P7.2", "P8.2")
async def test_a_shipment_a_change_cancelled_is_customer_services_to_request_again_until_it_is(
    sales: Sales,
) -> None:
    order_id = await reviewed_order(sales)
    at = START + timedelta(days=3)
    reason = "10 were asked for, the order now has 8"
    cancelled = {"shipment_id": f"SH-{order_id}-1", "change_no": 2, "reason": reason}
    await followed(sales, on_bus("shipment.cancelled", order_id, cancelled, at, "logistics", None))

    [item] = [item for item in await open_work(sales) if item["owner_role"] == "customer_service"]
    assert (item["kind"], item["detail"]) == ("shipment.cancelled", f"SH-{order_id}-1")
    assert "the order now has 8" in item["summary"]

    entered = desk_order("PO-H")  # as placed_order entered it
    requested = {
        "shipment_id": f"SH-{order_id}-2",
        "lines": [{"product_code": "VALVE-DN50", "quantity": 8}],
        "partial": False,
        "delivery_address": entered["delivery_address"],
        "contact": entered["contact"],
        "requested": {"user": "tomas.horak", "role": "customer_service", "at": at.isoformat()},
    }
    again = at + timedelta(hours=1)
    await followed(
        sales, on_bus("shipment.requested", order_id, requested, again, "logistics", None)
    )
    assert await queue(sales, "customer_service") == []
