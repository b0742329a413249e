"""The steps of a customer's return have owners and deadlines (P7.5, P8.2): the sales manager
authorises or declines within two days, the goods are back within `RETURN_RECEIPT_DEADLINE`
(14 days), QA inspects them and the dispatcher sends rejected units back within two days each.
Each return of an order has its own steps (RT-<order id>-<n>), flagged before their deadline and
at it with the return as the flag's subject, in front of their owner until the return's next
step; the order's closing leaves them running, and a late or repeated step reopens nothing.

Sales runs on an embedded SQLite database as in test_history_and_deadlines; the return's steps
go through sales' step watch alone, its flags back through sales' consumer as from the bus."""

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from jsonschema import Draft202012Validator

from services.sales.app import DEFINITION
from services.sales.domain.deadlines import Deadlines
from services.sales.domain.steps import Facts, changes_for, return_no_of
from services.sales.settings import SalesSettings
from shared.contracts import Event, topics
from shared.contracts.schemas import schema_path
from shared.db.engine import create_engine
from shared.db.migrate import alembic_config
from tests.unit.sales.test_history_and_deadlines import (
    Bus,
    flagged,
    followed,
    on_bus,
    open_work,
    return_step,
    reviewed_order,
)
from tests.unit.sales.test_service import START, Sales, sales

__all__ = ["sales"]  # the fixture

RAISED = START + timedelta(days=20)
"""When the customer's first return is asked for: long after the order was delivered."""
REJECTING = [{"product_code": "VALVE-DN50", "accepted": 3, "rejected": 2}]
ACCEPTING = [{"product_code": "VALVE-DN50", "accepted": 5, "rejected": 0}]


async def raised(
    sales: Sales, *returns: int, deadlines: Deadlines | None = None
) -> tuple[str, list[str]]:
    """A reviewed order (only its returns are watched) with the given returns of it requested at
    RAISED: the order's id and those returns' numbers."""
    order_id = await reviewed_order(sales)
    requested = [return_step(order_id, n, "requested", RAISED) for n in returns]
    await followed(sales, *requested, deadlines=deadlines)
    return order_id, [return_number(order_id, n) for n in returns]


def return_number(order_id: str, n: int = 1) -> str:
    """The number of the order's `n`th return."""
    return f"RT-{order_id}-{n}"


def seen(found: list[dict[str, Any]]) -> set[tuple[str, str, str, str | None]]:
    """Each flag's step, level, owner and subject (the return it is of)."""
    payloads = [flag["payload"] for flag in found]
    return {(p["step"], p["level"], p["owner_role"], p.get("subject")) for p in payloads}


async def work(sales: Sales) -> list[tuple[str, str, str | None]]:
    """The open work items: kind, owner and what each is about."""
    return sorted(
        (item["kind"], item["owner_role"], item["detail"]) for item in await open_work(sales)
    )


def closed(order_id: str, at: datetime) -> Event:
    return on_bus(topics.ORDER_CLOSED, order_id, {"outcome": "fulfilled"}, at, "sales", None)


@pytest.mark.rule("P8.2", "P7.5")
async def test_a_return_not_authorised_is_flagged_to_the_sales_manager_before_two_days_and_at_them(
    sales: Sales,
) -> None:
    _order_id, [number] = await raised(sales, 1)

    assert await flagged(sales, RAISED + timedelta(hours=35)) == []  # 73 % of two days
    [warning] = await flagged(sales, RAISED + timedelta(hours=37))
    assert await flagged(sales, RAISED + timedelta(hours=40)) == []
    [overdue] = await flagged(sales, RAISED + timedelta(days=2))

    assert seen([warning, overdue]) == {
        ("return_authorisation", "warning", "sales_manager", number),
        ("return_authorisation", "overdue", "sales_manager", number),
    }
    assert datetime.fromisoformat(warning["payload"]["due_at"]) == RAISED + timedelta(days=2)
    assert datetime.fromisoformat(warning["payload"]["opened_at"]) == RAISED
    assert number in warning["payload"]["reason"]
    schema = json.loads(schema_path(topics.STEP_FLAGGED).read_text())
    Draft202012Validator(schema).validate(overdue)


@pytest.mark.rule("P8.2", "P7.5")
def test_each_step_of_a_return_is_due_in_its_own_time_after_the_step_before() -> None:
    deadlines = Deadlines()
    allowed = {
        "requested": ("return_authorisation", timedelta(days=2)),
        "authorised": ("return_receipt", timedelta(days=14)),
        "received": ("return_inspection", timedelta(days=2)),
        "inspected": ("return_send_back", timedelta(days=2)),
    }

    for step, (opened, time) in allowed.items():
        facts = Facts("return.stepped", RAISED, return_no=3, return_step=step, rejected=2)
        [opening] = [c for c in changes_for(facts, deadlines) if c.kind == "open"]
        assert (opening.step, opening.return_no, opening.due_at) == (opened, 3, RAISED + time)
    nothing_rejected = Facts("return.stepped", RAISED, return_no=3, return_step="inspected")
    terminal = [
        Facts("return.stepped", RAISED, return_no=3, return_step="declined"),
        Facts("return.stepped", RAISED, return_no=3, return_step="sent_back"),
        nothing_rejected,
    ]
    for facts in terminal:
        assert [c for c in changes_for(facts, deadlines) if c.kind == "open"] == []


def test_only_a_number_of_the_orders_own_returns_has_steps_to_watch() -> None:
    assert return_no_of("RT-SO-2026-000001-7", "SO-2026-000001") == 7
    assert return_no_of("RT-SO-2026-000001-100", "SO-2026-000001") == 100
    for other in (
        "RT-SO-2026-000002-7",  # another order's
        "RT-SO-2026-000001-07",
        "RT-SO-2026-000001-101",  # beyond the returns an order may have
        "RT-SO-2026-000001-",
        "RT-SO-2026-000001-\u0661",  # a digit, but not an ASCII one
        "SO-2026-000001-7",
    ):
        assert return_no_of(other, "SO-2026-000001") == 0, other


@pytest.mark.rule("P8.2", "P7.5")
async def test_two_returns_of_one_order_each_have_their_own_steps_deadlines_and_flags(
    sales: Sales,
) -> None:
    order_id, [first, second] = await raised(sales, 1, 2)
    await followed(sales, return_step(order_id, 1, "authorised", RAISED + timedelta(hours=1)))

    assert seen(await flagged(sales, RAISED + timedelta(days=2))) == {
        ("return_authorisation", "overdue", "sales_manager", second)
    }
    assert seen(await flagged(sales, RAISED + timedelta(days=14, hours=1))) == {
        ("return_receipt", "overdue", "order_clerk", first)
    }
    await followed(sales, return_step(order_id, 2, "authorised", RAISED + timedelta(days=15)))
    assert seen(await flagged(sales, RAISED + timedelta(days=29))) == {
        ("return_receipt", "overdue", "order_clerk", second)
    }


@pytest.mark.rule("P8.2", "P7.5")
async def test_a_flagged_return_step_waits_for_its_owner_until_that_returns_next_step_arrives(
    sales: Sales,
) -> None:
    order_id, [first, second] = await raised(sales, 1, 2)
    await flagged(sales, RAISED + timedelta(days=2))
    assert await work(sales) == [
        ("return.stepped", "sales_manager", first),
        ("return.stepped", "sales_manager", second),
        ("step.flagged", "sales_manager", first),
        ("step.flagged", "sales_manager", second),
    ]

    await followed(sales, return_step(order_id, 1, "authorised", RAISED + timedelta(days=3)))
    assert await work(sales) == [
        ("return.stepped", "order_clerk", first),
        ("return.stepped", "sales_manager", second),
        ("step.flagged", "sales_manager", second),
    ]
    await followed(sales, return_step(order_id, 1, "received", RAISED + timedelta(days=4)))
    await flagged(sales, RAISED + timedelta(days=6))
    assert ("step.flagged", "qa_inspector", first) in await work(sales)
    await followed(
        sales,
        return_step(order_id, 1, "inspected", RAISED + timedelta(days=7), inspected=ACCEPTING),
        return_step(order_id, 2, "declined", RAISED + timedelta(days=7), reason="too late"),
    )
    assert await work(sales) == []
    assert await flagged(sales, RAISED + timedelta(days=60)) == []  # nothing to send back


@pytest.mark.rule("P8.2", "P7.5")
async def test_units_rejected_at_inspection_are_the_dispatchers_to_send_back_within_two_days(
    sales: Sales,
) -> None:
    order_id, [number] = await raised(sales, 1)
    inspected = RAISED + timedelta(days=10)
    await followed(
        sales,
        return_step(order_id, 1, "authorised", RAISED + timedelta(hours=2)),
        return_step(order_id, 1, "received", RAISED + timedelta(days=8)),
        return_step(order_id, 1, "inspected", inspected, inspected=REJECTING),
    )

    [overdue] = await flagged(sales, inspected + timedelta(days=2))
    assert seen([overdue]) == {("return_send_back", "overdue", "dispatcher", number)}
    assert ("step.flagged", "dispatcher", number) in await work(sales)
    sent_back = inspected + timedelta(days=3)
    await followed(
        sales, return_step(order_id, 1, "sent_back", sent_back, carrier="DHL", tracking_number="1")
    )
    assert await work(sales) == []


@pytest.mark.rule("P8.2", "P7.5")
async def test_a_return_of_a_closed_order_is_watched_and_its_work_outlives_the_orders_closing(
    sales: Sales,
) -> None:
    order_id, [first] = await raised(sales, 1)
    second = return_number(order_id, 2)
    await followed(
        sales,
        closed(order_id, RAISED + timedelta(hours=1)),
        return_step(order_id, 2, "requested", RAISED + timedelta(days=1)),  # raised after it
    )
    assert await work(sales) == [
        ("return.stepped", "sales_manager", first),
        ("return.stepped", "sales_manager", second),
    ]

    assert seen(await flagged(sales, RAISED + timedelta(days=3))) == {
        ("return_authorisation", "overdue", "sales_manager", first),
        ("return_authorisation", "overdue", "sales_manager", second),
    }
    await followed(sales, closed(order_id, RAISED + timedelta(days=3, hours=1)))  # replayed
    assert [kind for kind, _owner, _about in await work(sales)] == [
        "return.stepped",
        "return.stepped",
        "step.flagged",
        "step.flagged",
    ]


@pytest.mark.rule("P8.2", "P7.5")
async def test_a_later_step_of_a_return_arriving_first_leaves_its_earlier_steps_closed(
    sales: Sales,
) -> None:
    order_id = await reviewed_order(sales)
    number = return_number(order_id)
    received = RAISED + timedelta(days=5)
    await followed(
        sales,
        return_step(order_id, 1, "received", received),  # its topic's partition was ahead
        return_step(order_id, 1, "requested", RAISED),
        return_step(order_id, 1, "authorised", RAISED + timedelta(days=1)),
    )

    assert await work(sales) == [("return.stepped", "qa_inspector", number)]
    assert seen(await flagged(sales, received + timedelta(days=30))) == {
        ("return_inspection", "overdue", "qa_inspector", number)
    }
    await followed(
        sales,
        return_step(order_id, 1, "sent_back", received, carrier="DHL", tracking_number="1"),
        return_step(order_id, 1, "inspected", received, inspected=REJECTING),  # late again
    )
    assert await work(sales) == []
    assert await flagged(sales, received + timedelta(days=60)) == []


@pytest.mark.rule("P8.2", "P7.5")
async def test_a_returns_step_told_again_is_watched_once_from_its_first_telling(
    sales: Sales,
) -> None:
    order_id = await reviewed_order(sales)
    requested = return_step(order_id, 1, "requested", RAISED)
    number = return_number(order_id)
    await followed(sales, requested)
    await Bus(sales).deliver(requested)  # the same record again, as a replay brings it
    await followed(sales, return_step(order_id, 1, "requested", RAISED + timedelta(days=1)))

    [overdue] = await flagged(sales, RAISED + timedelta(days=2))
    assert seen([overdue]) == {("return_authorisation", "overdue", "sales_manager", number)}
    assert await flagged(sales, RAISED + timedelta(days=3)) == []
    assert [about for kind, _owner, about in await work(sales) if kind == "step.flagged"] == [
        number
    ]


@pytest.mark.rule("P8.2", "P7.5")
async def test_the_time_to_receive_returned_goods_is_a_setting(
    sales: Sales, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORDERFLOW_SALES_RETURN_RECEIPT_DEADLINE", "P21D")
    deadlines = SalesSettings().deadlines
    assert deadlines.return_receipt == timedelta(days=21)
    assert deadlines.return_authorisation == timedelta(days=2)
    order_id, _numbers = await raised(sales, 1, deadlines=deadlines)
    await followed(sales, return_step(order_id, 1, "authorised", RAISED), deadlines=deadlines)

    assert await flagged(sales, RAISED + timedelta(days=15)) == []
    [warning] = await flagged(sales, RAISED + timedelta(days=16))
    assert datetime.fromisoformat(warning["payload"]["due_at"]) == RAISED + timedelta(days=21)


@pytest.mark.rule("P8.2")
async def test_the_steps_an_order_had_keep_their_rows_when_the_return_joins_the_key(
    tmp_path: Any,
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'sales.db'}")
    config = alembic_config(DEFINITION.migrations)
    script = ScriptDirectory.from_config(config)
    ours = next(
        revision
        for revision in script.walk_revisions()
        if revision.path is not None and revision.path.endswith("_return_steps.py")
    )
    before = ours.down_revision
    assert isinstance(before, str)

    def upgrade(connection: Any, to: str) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, to)

    step = "INSERT INTO order_steps (order_id, step, owner_role, subject{}) VALUES ({})"
    try:
        async with engine.begin() as connection:
            await connection.run_sync(upgrade, before)
            await connection.execute(
                sa.text(step.format("", "'SO-1', 'change_ack_finance', 'finance_manager', 3"))
            )
        async with engine.begin() as connection:
            await connection.run_sync(upgrade, ours.revision)
            for n in (1, 2):
                values = f"'SO-1', 'return_receipt', 'order_clerk', 0, {n}"
                await connection.execute(sa.text(step.format(", return_no", values)))
            found = await connection.execute(
                sa.text("SELECT step, subject, return_no FROM order_steps ORDER BY 1, 3")
            )
            assert found.all() == [
                ("change_ack_finance", 3, 0),
                ("return_receipt", 0, 1),
                ("return_receipt", 0, 2),
            ]
    finally:
        await engine.dispose()
