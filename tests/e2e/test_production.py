"""Production's process (P4) end to end: five service processes on PostgreSQL and the real
broker, people's decisions through production's HTTP API, production's automatic policy off
(review's automatic approval releases the orders). Each test is named after the rules it shows
(docs/production.md, docs/process.md).

Every scenario makes its own product from a material no other scenario uses, so stock does not
leak between them. The rush order and the 200-order run need a small weekly capacity from the
current week on, so each gets a system of its own; the other scenarios share one with ample
capacity, and the failed-inspection scenario, which moves the shared clock, runs last on it.
"""

import asyncio
import random
import re
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest

from shared.contracts import topics
from shared.messaging.access import KafkaAccess
from tests.support.flow import wait_until_caught_up
from tests.support.orders import A_TIER_CUSTOMERS, submission
from tests.support.production import (
    QUIET,
    WAIT,
    Part,
    Plant,
    amount,
    iso_week,
    running_plant,
)
from tests.support.system import AUTOMATIC_REVIEW

pytestmark = pytest.mark.e2e

GEAR = Part("GEAR-S1", "ALLOY-S1", on_hand="60", per_unit="10", lead_time_days=7)
"""Stock covers 60 % of what ten gears need."""
BEARING = Part("BEARING-S2", "RING-S2", on_hand="0", per_unit="10", lead_time_days=14)
PUMP = Part("PUMP-S3", "CASING-S3", on_hand="1000", routing=("casting", "machining", "assembly"))
VALVE = Part("VALVE-S6", "BODY-S6", on_hand="50", per_unit="10", lead_time_days=7)
SEAL = Part("SEAL-S7", "RUBBER-S7", on_hand="1000")
FLANGE = Part("FLANGE-S8", "PLATE-S8", on_hand="1000", routing=("cutting", "welding", "test"))
ROTOR = Part("ROTOR-S4", "CORE-S4", on_hand="100000")
SPARSE = Part("SPINDLE-S4", "RARE-S4", on_hand="0", lead_time_days=21)
"""Nothing in stock: three weeks until the supplier delivers."""
HUB = Part("HUB-S9", "FORGING-S9", on_hand="40", lead_time_days=30, price="1000.00")
WHEEL = Part("WHEEL-S10", "FORGING-S10", on_hand="40", lead_time_days=30, price="1000.00")
"""40 units in stock for two orders: the urgent one takes them from the other."""
FILTER = Part("FILTER-S5", "MESH-S5", on_hand="1000000", price="10.00")

RUSH_CAPACITY = 100
"""Units per week in the rush scenario's plant."""
TIGHT_CAPACITY = 60
"""Units per week in the 200-order plant."""


@pytest.fixture(scope="module")
async def works(
    kafka: KafkaAccess, postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Plant]:
    """Ample capacity (the demo company's), small stock of the scenarios' own materials."""
    async with running_plant(
        kafka,
        postgres_server,
        tmp_path_factory.mktemp("works"),
        [GEAR, BEARING, PUMP, VALVE, SEAL, FLANGE, HUB, WHEEL],
        settings=AUTOMATIC_REVIEW,
    ) as plant:
        yield plant


def order_path(order_id: str, tail: str = "") -> str:
    return f"/production-orders/{order_id}{tail}"


def detail(response: Any) -> str:
    return f"{response.status_code} {response.text}"


async def finish_line(plant: Plant, order_id: str) -> dict[str, Any]:
    """Start the order and pass every operation's patrol: the workshop may ask for inspection."""
    view = await plant.ok("production_manager", order_path(order_id, "/start"))
    for operation in view["operations"]:
        view = await plant.ok(
            "qa_inspector",
            order_path(order_id, f"/operations/{operation['number']}/inspection"),
            {"result": "pass"},
        )
    return dict(view)


async def schedule_by_order(plant: Plant) -> dict[str, dict[str, Any]]:
    return {row["order_id"]: row for row in await plant.get("/schedule")}


def units_per_week(rows: list[dict[str, Any]]) -> dict[str, int]:
    weeks: dict[str, int] = defaultdict(int)
    for row in rows:
        weeks[row["week"]] += row["units"]
    return dict(weeks)


# -- P4.6: a rush order into a full week ------------------------------------------------------


@pytest.fixture
async def rush_plant(
    kafka: KafkaAccess, postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Plant]:
    """Every week holds 100 units; orders up to 5000 EUR are approved automatically, larger
    ones wait for the sales manager."""
    async with running_plant(
        kafka,
        postgres_server,
        tmp_path_factory.mktemp("rush"),
        [ROTOR, SPARSE],
        capacity={"default_units": RUSH_CAPACITY, "overrides": {}, "lead_days": 5},
        settings={**AUTOMATIC_REVIEW, "REVIEW_AUTO_APPROVE_MAX_AMOUNT": "5000"},
    ) as plant:
        yield plant


async def wait_for_all_answers(plant: Plant, order_id: str) -> dict[str, Any]:
    await plant.event(topics.FEASIBILITY_ASSESSED, order_id)

    async def answered() -> dict[str, Any] | None:
        response = await plant.api("sales_rep", "review").get(f"/reviews/{order_id}")
        if response.status_code == 404:  # review has not opened it yet
            return None
        assert response.status_code == 200, detail(response)
        review = response.json()
        return review if all(review["feasibility"].values()) else None

    return dict(await plant.wait_until(answered, f"review of {order_id} has all four answers"))


async def test_p4_5_p4_6_p4_10_an_urgent_order_takes_the_full_week_and_the_displaced_late_order_is_delayed(  # noqa: E501
    rush_plant: Plant,
) -> None:
    plant = rush_plant
    today = plant.today()
    this_week, next_week = iso_week(today), iso_week(today + timedelta(days=7))
    # A is due the day after it is ready if made this week: no slack. B is due in two months.
    a = await plant.place(ROTOR.lines(40), today + timedelta(days=6))
    await plant.released(a)
    b = await plant.place(ROTOR.lines(40), today + timedelta(days=60))
    await plant.released(b)
    # U (8000 EUR) waits for the sales manager: placed, answered, booked tentatively.
    u = await plant.place(ROTOR.lines(80), today + timedelta(days=30), customer_id="CUST-0003")
    await wait_for_all_answers(plant, u)

    before = await schedule_by_order(plant)
    assert {key: before[key]["week"] for key in (a, b, u)} == {
        a: this_week,
        b: this_week,
        u: next_week,
    }, before
    assert before[a]["ready_on"] < before[a]["confirmed_delivery_date"]
    assert before[u]["status"] == "awaiting_release"

    urgency = order_path(u, "/urgency")
    reason = {"reason": "customer's line is down"}
    for role in ("sales_rep", "general_manager", "production_planner", "production_manager"):
        refused = await plant.post(role, urgency, reason)
        assert refused.status_code == 403, detail(refused)
        assert refused.json()["detail"]["error"] == "beyond_authority"
    assert await schedule_by_order(plant) == before
    assert (await plant.order(u))["urgency"] is None
    released_already = await plant.post("sales_manager", order_path(a, "/urgency"), reason)
    assert released_already.status_code == 409, detail(released_already)

    marked = await plant.ok("sales_manager", urgency, reason)
    assert marked["urgency"]["signed"]["user"] == "jonas.weber"

    delayed = (await plant.event(topics.ORDER_DELAYED, a))["payload"]
    assert delayed["cause"] == "rush"
    assert delayed["confirmed_delivery_date"] == (today + timedelta(days=6)).isoformat()
    assert delayed["expected_delivery_date"] > delayed["confirmed_delivery_date"]
    after = await schedule_by_order(plant)
    assert (after[u]["week"], after[u]["urgent"]) == (this_week, True)
    assert (after[a]["week"], after[b]["week"]) == (next_week, next_week)
    assert after[b]["ready_on"] < after[b]["confirmed_delivery_date"]
    assert date.fromisoformat(delayed["expected_delivery_date"]) == date.fromisoformat(
        after[a]["ready_on"]
    ) + timedelta(days=1)
    for week, units in units_per_week(list(after.values())).items():
        assert units <= RUSH_CAPACITY, (week, units)

    def last_change(order_id: str) -> dict[str, Any]:
        return dict(plant.events(topics.SCHEDULE_CHANGED, order_id)[-1]["payload"])

    await plant.watcher.wait_for(
        lambda _w: (
            last_change(u)["week"] == this_week
            and last_change(a)["week"] == next_week
            and last_change(b)["week"] == next_week
        ),
        WAIT,
        "schedule.changed for the rush order and both displaced orders",
    )
    assert (last_change(u)["urgent"], last_change(u)["released"]) == (True, False)
    assert last_change(a)["planned_start"] == after[a]["planned_start"]

    # U is approved and released: it stays in this week, nobody is displaced again.
    approved = await plant.post(
        "sales_manager",
        f"/reviews/{u}/approvals",
        {"decision": "approve", "note": "rush agreed", "contract_stamped": True},
        service="review",
    )
    assert approved.status_code == 200, detail(approved)
    listed = await plant.event(topics.MATERIALS_LISTED, u)
    assert listed["payload"]["urgent"] is True
    await wait_until_caught_up(plant.running)
    await asyncio.sleep(QUIET)
    final = await schedule_by_order(plant)
    assert (final[u]["week"], final[u]["status"]) == (this_week, "released")
    assert (final[a]["week"], final[b]["week"]) == (next_week, next_week)
    assert plant.events(topics.ORDER_DELAYED, b) == []
    assert plant.events(topics.ORDER_DELAYED, u) == []
    assert len(plant.events(topics.ORDER_DELAYED, a)) == 1


async def test_p4_5_p4_6_an_unreleased_rush_order_waiting_for_material_does_not_displace_this_weeks_orders(  # noqa: E501
    rush_plant: Plant,
) -> None:
    plant = rush_plant
    today = plant.today()
    a = await plant.place(ROTOR.lines(40), today + timedelta(days=6))
    await plant.released(a)
    u = await plant.place(SPARSE.lines(80), today + timedelta(days=60), customer_id="CUST-0003")
    await wait_for_all_answers(plant, u)
    answer = plant.events(topics.FEASIBILITY_ASSESSED, u)[0]["payload"]["purchasing"]
    material_there = today + timedelta(days=SPARSE.lead_time_days or 0)
    assert material_there.isoformat() in answer["reason"], answer
    before = await schedule_by_order(plant)
    assert before[a]["week"] == iso_week(today)
    assert before[u]["planned_start"] >= material_there.isoformat()

    await plant.ok("sales_manager", order_path(u, "/urgency"), {"reason": "line down"})
    await wait_until_caught_up(plant.running)
    after = await schedule_by_order(plant)
    assert after[u]["planned_start"] >= material_there.isoformat(), after[u]
    assert after[a]["week"] == iso_week(today), after[a]
    assert plant.events(topics.ORDER_DELAYED, a) == []


# -- P2.4, P4.5: the feasibility answer and the release booking agree ---------------------------


@pytest.fixture
async def tight_plant(
    kafka: KafkaAccess, postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Plant]:
    """60 units a week, every week."""
    async with running_plant(
        kafka,
        postgres_server,
        tmp_path_factory.mktemp("tight"),
        [FILTER],
        capacity={"default_units": TIGHT_CAPACITY, "overrides": {}, "lead_days": 5},
        settings=AUTOMATIC_REVIEW,
    ) as plant:
        yield plant


BOOKED_WHERE = re.compile(r"in (\d{4}-W\d{2}), start (\S+), ready (\S+)")


async def test_p2_4_p4_5_two_hundred_orders_never_overbook_a_week_and_release_keeps_the_promised_date(  # noqa: E501
    tight_plant: Plant,
) -> None:
    plant = tight_plant
    today = plant.today()
    pick = random.Random(45)
    wanted: dict[str, tuple[int, date]] = {}
    for index in range(200):
        wanted[f"TIGHT-{index:03d}-{uuid4().hex[:4]}"] = (
            pick.randint(4, 20),
            today + timedelta(days=pick.randint(10, 300)),
        )
    for index, (reference, (units, requested)) in enumerate(wanted.items()):
        await plant.submit(
            submission(
                reference,
                customer_id=A_TIER_CUSTOMERS[index % len(A_TIER_CUSTOMERS)],
                lines=FILTER.lines(units),
                requested_delivery_date=requested.isoformat(),
            )
        )
    ids = await plant.order_numbers(wanted)
    orders = {ids[reference]: value for reference, value in wanted.items()}

    await plant.watcher.wait_for(
        lambda _w: all(plant.events(topics.FEASIBILITY_ASSESSED, o) for o in orders),
        WAIT,
        "200 feasibility answers",
    )
    answers = {
        o: plant.events(topics.FEASIBILITY_ASSESSED, o)[0]["payload"]["production"] for o in orders
    }
    for order_id, answer in answers.items():
        assert len(plant.events(topics.FEASIBILITY_ASSESSED, order_id)) == 1
        units, requested = orders[order_id]
        match = BOOKED_WHERE.search(answer["reason"])
        assert match, answer
        week, _start, ready = match.groups()
        tentative = plant.events(topics.SCHEDULE_CHANGED, order_id)[0]["payload"]
        assert (tentative["week"], tentative["ready_on"], tentative["units"]) == (
            week,
            ready,
            units,
        ), (order_id, answer, tentative)
        assert tentative["released"] is False
        if answer["verdict"] == "feasible":
            assert date.fromisoformat(ready) < requested, (order_id, answer)
        else:
            assert answer["verdict"] == "later", (order_id, answer)
            assert date.fromisoformat(ready) >= requested, (order_id, answer)
            assert (
                answer["available_from"]
                == (date.fromisoformat(ready) + timedelta(days=1)).isoformat()
            ), (order_id, answer)
    later = [o for o, answer in answers.items() if answer["verdict"] == "later"]
    assert 20 < len(later) < 180, f"{len(later)} of 200 answered 'later': rearrange the dates"
    tentative_weeks = units_per_week(await plant.get("/schedule"))
    assert max(tentative_weeks.values()) <= TIGHT_CAPACITY, tentative_weeks

    # The general manager accepts every proposed date; every order is released.
    for order_id in later:
        opened = (await plant.event(topics.NEGOTIATION_OPENED, order_id))["payload"]
        assert opened["proposed_delivery_date"] == answers[order_id]["available_from"]
        accepted = await plant.post(
            "general_manager",
            f"/reviews/{order_id}/negotiation",
            {"outcome": "accepted", "agreed_date": opened["proposed_delivery_date"]},
            service="review",
        )
        assert accepted.status_code == 200, detail(accepted)
    await plant.watcher.wait_for(
        lambda _w: all(plant.events(topics.MATERIALS_LISTED, o) for o in orders),
        WAIT,
        "200 orders released",
    )
    await wait_until_caught_up(plant.running)

    rows = await plant.get("/schedule")
    booked = {row["order_id"]: row for row in rows}
    assert set(booked) == set(orders)
    for week, units in units_per_week(rows).items():
        assert units <= TIGHT_CAPACITY, (week, units)
    for order_id, row in booked.items():
        match = BOOKED_WHERE.search(answers[order_id]["reason"])
        assert match
        promised_week, _start, promised_ready = match.groups()
        released = plant.events(topics.ORDER_RELEASED, order_id)[0]["payload"]
        assert row["status"] == "released"
        assert row["confirmed_delivery_date"] == released["delivery_date"]
        assert row["week"] <= promised_week, (order_id, row, answers[order_id])
        assert row["ready_on"] <= promised_ready, (order_id, row, answers[order_id])
        assert row["ready_on"] < row["confirmed_delivery_date"], (order_id, row)
    assert plant.events(topics.ORDER_DELAYED) == []


# -- P4.1 to P4.4, P4.8: material short until bought, delivered and accepted ---------------------


async def test_p4_1_p4_2_p4_3_p4_4_p4_8_an_order_short_of_material_starts_once_it_is_bought_delivered_and_accepted(  # noqa: E501
    works: Plant,
) -> None:
    today = works.today()
    order_id = await works.place(GEAR.lines(10), today + timedelta(days=60))
    await works.released(order_id)
    listed = (await works.event(topics.MATERIALS_LISTED, order_id))["payload"]["materials"]
    assert [
        (m["material_code"], amount(m["need"]), amount(m["reserved"]), amount(m["shortfall"]))
        for m in listed
    ] == [("ALLOY-S1", 100, 60, 40)]
    start = order_path(order_id, "/start")

    short = await works.post("production_manager", start)
    assert short.status_code == 409, detail(short)
    assert "ALLOY-S1" in short.json()["detail"]["message"]

    (requisition,) = await works.requisitions(order_id)
    assert (requisition["material_code"], amount(requisition["quantity"])) == ("ALLOY-S1", 40)
    assert requisition["status"] == "pending"
    decision = f"/requisitions/{requisition['number']}/decision"
    by_buyer = await works.post("buyer", decision, {"decision": "approve"})
    assert by_buyer.status_code == 403, detail(by_buyer)
    assert (await works.requisitions(order_id))[0]["status"] == "pending"
    approved = await works.ok("deputy_general_manager", decision, {"decision": "approve"})
    assert (approved["status"], approved["decided"]["user"]) == ("approved", "olga.petrova")

    promised = today + timedelta(days=3)
    purchase = await works.ok(
        "buyer",
        f"/requisitions/{requisition['number']}/purchase-order",
        {"supplier": GEAR.supplier, "quantity": "40", "promised_on": promised.isoformat()},
    )
    assert purchase["number"].startswith("PO-")
    assert [p["number"] for p in await works.get("/purchase-orders", order_id=order_id)] == [
        purchase["number"]
    ]
    assert (await works.requisitions(order_id))[0]["status"] == "ordered"
    assert (await works.order(order_id))["materials"][0]["expected_on"] == promised.isoformat()
    still_short = await works.post("production_manager", start)
    assert still_short.status_code == 409, detail(still_short)

    delivery = await works.ok(
        "warehouse_clerk",
        "/deliveries",
        {
            "purchase_order": purchase["number"],
            "material_code": "ALLOY-S1",
            "supplier": GEAR.supplier,
            "quantity": "40",
            "delivery_note": "DN-4711",
        },
    )
    assert delivery["status"] == "awaiting_inspection"
    assert amount((await works.material("ALLOY-S1"))["on_hand"]) == 60  # not stock yet
    uninspected = await works.post("production_manager", start)
    assert uninspected.status_code == 409, detail(uninspected)

    inspected = await works.ok(
        "qa_inspector",
        f"/deliveries/{delivery['number']}/inspection",
        {"accepted": "40", "rejected": "0"},
    )
    assert inspected["status"] == "inspected"
    stock = await works.material("ALLOY-S1")
    assert (amount(stock["on_hand"]), amount(stock["reserved"])) == (100, 100)
    supplied = await works.order(order_id)
    (line,) = supplied["materials"]
    assert (amount(line["reserved"]), amount(line["shortfall"])) == (100, 0)
    assert date.fromisoformat(supplied["booking"]["start"]) <= today

    started = await works.ok("production_manager", start)
    assert (started["status"], started["started"]["user"]) == ("in_production", "karl.berg")
    assert started["materials"][0]["consumed"] is True
    stock = await works.material("ALLOY-S1")
    assert (amount(stock["on_hand"]), amount(stock["reserved"])) == (0, 0)
    (closed,) = await works.get("/purchase-orders", order_id=order_id)
    assert (closed["status"], amount(closed["accepted"])) == ("closed", 40)
    again = await works.post("production_manager", start)
    assert again.status_code == 409, detail(again)


# -- P4.2, P4.6: an urgent order short of material takes it from an order that needs it later --


async def rush_takes_stock(works: Plant, part: Part) -> tuple[str, str]:
    """D (40 units, due in 40 days) reserves all 40 in stock; R (60 units, 60000 EUR: sales
    manager and general manager approve it) is marked urgent before release. Returns (D, R)."""
    today = works.today()
    donor = await works.place(part.lines(40), today + timedelta(days=40))
    await works.released(donor)
    assert amount((await works.order(donor))["materials"][0]["shortfall"]) == 0
    rush = await works.place(part.lines(60), today + timedelta(days=90), customer_id="CUST-0004")
    await wait_for_all_answers(works, rush)
    await works.ok("sales_manager", order_path(rush, "/urgency"), {"reason": "plant stopped"})
    for role in ("sales_manager", "general_manager"):
        approved = await works.post(
            role,
            f"/reviews/{rush}/approvals",
            {"decision": "approve", "note": "rush", "contract_stamped": True},
            service="review",
        )
        assert approved.status_code == 200, detail(approved)
    await works.released(rush)
    return donor, rush


async def test_p4_2_p4_3_p4_6_an_urgent_order_short_of_material_takes_the_reservation_of_an_order_needed_later(  # noqa: E501
    works: Plant,
) -> None:
    donor, rush = await rush_takes_stock(works, HUB)
    today = works.today()

    def held(view: dict[str, Any]) -> tuple[Any, ...]:
        (line,) = view["materials"]
        return amount(line["reserved"]), amount(line["shortfall"])

    rushed, robbed = await works.order(rush), await works.order(donor)
    assert rushed["urgency"] is not None
    assert held(rushed) == (40, 20)
    assert held(robbed) == (0, 40)
    stock = await works.material("FORGING-S9")
    assert (amount(stock["on_hand"]), amount(stock["reserved"])) == (40, 40)
    assert [(r["status"], amount(r["quantity"])) for r in await works.requisitions(rush)] == [
        ("pending", 20)
    ]
    assert [(r["status"], amount(r["quantity"])) for r in await works.requisitions(donor)] == [
        ("pending", 40)
    ]
    material_there = today + timedelta(days=HUB.lead_time_days or 0)
    assert robbed["booking"]["start"] >= material_there.isoformat()
    moved = await works.event(
        topics.SCHEDULE_CHANGED,
        donor,
        lambda event: event["payload"]["planned_start"] == robbed["booking"]["start"],
    )
    assert moved["payload"]["released"] is True
    assert works.events(topics.SCHEDULE_CHANGED, donor)[-1] == moved
    # still ready before its date (day 35 < day 40): no delay
    assert robbed["booking"]["ready"] < robbed["confirmed_delivery_date"]
    await asyncio.sleep(QUIET)
    assert works.events(topics.ORDER_DELAYED, donor) == []


async def test_p4_1_p4_6_materials_listed_of_an_urgent_order_shows_what_it_took_from_others(
    works: Plant,
) -> None:
    _donor, rush = await rush_takes_stock(works, WHEEL)
    (held,) = (await works.order(rush))["materials"]
    assert (amount(held["reserved"]), amount(held["shortfall"])) == (40, 20)
    listed = (await works.event(topics.MATERIALS_LISTED, rush))["payload"]
    assert listed["urgent"] is True
    (line,) = listed["materials"]
    assert (amount(line["reserved"]), amount(line["shortfall"])) == (40, 20), line


# -- P4.8, P4.9: final inspection, rework, receipts, one goods.produced ---------------------------


async def test_p4_8_p4_9_eighteen_of_twenty_pass_the_two_reworked_complete_the_order_once(
    works: Plant,
) -> None:
    order_id = await works.place(PUMP.lines(20), works.today() + timedelta(days=60))
    await works.released(order_id)
    view = await finish_line(works, order_id)
    assert [op["status"] for op in view["operations"]] == ["passed"] * 3
    requests = order_path(order_id, "/inspection-requests")

    too_many = await works.post(
        "production_manager", requests, {"product_code": "PUMP-S3", "quantity": 21}
    )
    assert too_many.status_code == 409, detail(too_many)
    view = await works.ok(
        "production_manager", requests, {"product_code": "PUMP-S3", "quantity": 20}
    )
    (first,) = view["inspection_requests"]
    assert first["quantity"] == 20
    view = await works.ok(
        "qa_inspector",
        f"{requests}/{first['number']}/result",
        {"passed": 18, "failed": 2, "note": "two casings porous"},
    )
    receipts = order_path(order_id, "/receipts")
    view = await works.ok("warehouse_clerk", receipts, {"product_code": "PUMP-S3", "quantity": 18})
    unpassed = await works.post(
        "warehouse_clerk", receipts, {"product_code": "PUMP-S3", "quantity": 2}
    )
    assert unpassed.status_code == 409, detail(unpassed)
    await asyncio.sleep(QUIET)
    assert works.events(topics.GOODS_PRODUCED, order_id) == []
    assert (await works.order(order_id))["status"] == "in_production"

    view = await works.ok(
        "production_manager", f"{requests}/{first['number']}/disposition", {"action": "rework"}
    )
    rework = view["inspection_requests"][-1]
    assert (rework["quantity"], rework["rework_of"]) == (2, first["number"])
    assert view["finished"]["PUMP-S3"]["pending"] == 2
    await works.ok(
        "qa_inspector", f"{requests}/{rework['number']}/result", {"passed": 2, "failed": 0}
    )
    await works.ok("warehouse_clerk", receipts, {"product_code": "PUMP-S3", "quantity": 2})

    produced = (await works.event(topics.GOODS_PRODUCED, order_id))["payload"]
    assert produced["lines"] == [{"product_code": "PUMP-S3", "quantity": 20}]
    (inspected,) = produced["inspected"]
    assert inspected == {
        "product_code": "PUMP-S3",
        "inspected": 22,
        "passed": 20,
        "failed": 2,
        "scrapped": 0,
    }
    await asyncio.sleep(QUIET)
    assert len(works.events(topics.GOODS_PRODUCED, order_id)) == 1
    done = await works.order(order_id)
    assert done["status"] == "produced"
    assert done["finished"]["PUMP-S3"]["received"] == 20


# -- P4.8: a failed patrol holds the next operation ----------------------------------------------


async def test_p4_8_a_failed_patrol_blocks_the_next_operation_until_it_passes_after_rework(
    works: Plant,
) -> None:
    order_id = await works.place(FLANGE.lines(5), works.today() + timedelta(days=60))
    await works.released(order_id)
    await works.ok("production_manager", order_path(order_id, "/start"))

    def patrol(number: int) -> str:
        return order_path(order_id, f"/operations/{number}/inspection")

    out_of_turn = await works.post("qa_inspector", patrol(2), {"result": "pass"})
    assert out_of_turn.status_code == 409, detail(out_of_turn)
    no_note = await works.post("qa_inspector", patrol(1), {"result": "fail"})
    assert no_note.status_code in (403, 422), detail(no_note)
    view = await works.ok("qa_inspector", patrol(1), {"result": "fail", "note": "burr on cut"})
    assert [op["status"] for op in view["operations"]] == ["failed", "waiting", "waiting"]

    blocked = await works.post("qa_inspector", patrol(2), {"result": "pass"})
    assert blocked.status_code == 409, detail(blocked)
    assert "rework" in blocked.json()["detail"]["message"]
    early = await works.post(
        "production_manager",
        order_path(order_id, "/inspection-requests"),
        {"product_code": "FLANGE-S8", "quantity": 5},
    )
    assert early.status_code == 409, detail(early)
    assert [op["status"] for op in (await works.order(order_id))["operations"]] == [
        "failed",
        "waiting",
        "waiting",
    ]

    await works.ok("qa_inspector", patrol(1), {"result": "pass"})
    await works.ok("qa_inspector", patrol(2), {"result": "pass"})
    view = await works.ok("qa_inspector", patrol(3), {"result": "pass"})
    assert [op["status"] for op in view["operations"]] == ["passed"] * 3
    assert [p["passed"] for p in view["operations"][0]["patrols"]] == [False, True]
    twice = await works.post("qa_inspector", patrol(1), {"result": "pass"})
    assert twice.status_code == 409, detail(twice)
    await works.ok(
        "production_manager",
        order_path(order_id, "/inspection-requests"),
        {"product_code": "FLANGE-S8", "quantity": 5},
    )


# -- P4.7: safety stock ---------------------------------------------------------------------------


async def test_p4_7_safety_stock_asked_by_the_planner_and_approved_by_the_gm_is_made_and_stocked(
    works: Plant,
) -> None:
    request = await works.ok(
        "production_planner",
        "/safety-stock",
        {"product_code": "SEAL-S7", "units": 30, "reason": "winter demand"},
    )
    number = request["number"]
    assert number.startswith("SS-")
    assert request["status"] == "pending"
    decision = f"/safety-stock/{number}/decision"
    for role in ("production_planner", "deputy_general_manager", "sales_manager"):
        refused = await works.post(role, decision, {"decision": "approve"})
        assert refused.status_code == 403, detail(refused)
    unknown = await works.api("buyer").get(order_path(number))
    assert unknown.status_code == 404, detail(unknown)  # no production order before approval
    approved = await works.ok("general_manager", decision, {"decision": "approve"})
    assert (approved["status"], approved["decided"]["user"]) == ("approved", "li.wang")

    order = await works.order(number)
    assert (order["production_order_id"], order["safety_stock"]) == (number, True)
    assert order["status"] == "released"
    assert order["booking"] is not None
    assert [(m["material_code"], amount(m["reserved"])) for m in order["materials"]] == [
        ("RUBBER-S7", 30)
    ]
    assert any(row["order_id"] == number for row in await works.get("/schedule"))

    await finish_line(works, number)
    requests = order_path(number, "/inspection-requests")
    await works.ok("production_manager", requests, {"product_code": "SEAL-S7", "quantity": 30})
    await works.ok("qa_inspector", f"{requests}/1/result", {"passed": 30, "failed": 0})
    await works.ok(
        "warehouse_clerk",
        order_path(number, "/receipts"),
        {"product_code": "SEAL-S7", "quantity": 30},
    )
    assert (await works.order(number))["status"] == "produced"
    assert (await works.get("/stock"))["finished_goods"].get("SEAL-S7") == 30
    await asyncio.sleep(QUIET)
    for topic in topics.ALL_TOPICS:
        assert works.events(topic, number) == [], topic


# -- P8.1: a person without the role is refused and nothing changes ------------------------------


async def test_p4_3_p4_4_p4_8_p8_1_a_person_without_the_role_is_refused_and_nothing_changes(
    works: Plant,
) -> None:
    order_id = await works.place(VALVE.lines(10), works.today() + timedelta(days=60))
    await works.released(order_id)

    async def snapshot() -> dict[str, Any]:
        return {
            "order": await works.order(order_id),
            "requisitions": await works.requisitions(order_id),
            "purchase_orders": await works.get("/purchase-orders", order_id=order_id),
            "deliveries": [
                d for d in await works.get("/deliveries") if d["material_code"] == "BODY-S6"
            ],
            "returns": [r for r in await works.get("/returns") if r["material_code"] == "BODY-S6"],
            "stock": await works.material("BODY-S6"),
            "safety_stock": await works.get("/safety-stock"),
            "schedule": [r for r in await works.get("/schedule") if r["order_id"] == order_id],
        }

    async def refused(roles: tuple[str | None, ...], path: str, body: Any = None) -> None:
        before = await snapshot()
        for role in roles:
            response = await works.post(role, path, body)
            if role is None:
                assert response.status_code == 401, detail(response)
                continue
            assert response.status_code == 403, f"{role} {path}: {detail(response)}"
            assert response.json()["detail"]["error"] == "beyond_authority", detail(response)
        await asyncio.sleep(0.3)
        assert await snapshot() == before, path

    (requisition,) = await works.requisitions(order_id)
    decision = f"/requisitions/{requisition['number']}/decision"
    await refused(
        ("buyer", "production_manager", "general_manager", None), decision, {"decision": "approve"}
    )
    await works.ok("deputy_general_manager", decision, {"decision": "approve"})

    placing = f"/requisitions/{requisition['number']}/purchase-order"
    order_body = {
        "supplier": VALVE.supplier,
        "quantity": "60",
        "promised_on": (works.today() + timedelta(days=2)).isoformat(),
    }
    await refused(("deputy_general_manager", "warehouse_clerk"), placing, order_body)
    purchase = await works.ok("buyer", placing, order_body)

    delivery_body = {
        "purchase_order": purchase["number"],
        "material_code": "BODY-S6",
        "supplier": VALVE.supplier,
        "quantity": "60",
    }
    await refused(("qa_inspector", "buyer"), "/deliveries", delivery_body)
    delivery = await works.ok("warehouse_clerk", "/deliveries", delivery_body)

    inspection = f"/deliveries/{delivery['number']}/inspection"
    inspection_body = {"accepted": "55", "rejected": "5", "note": "5 kg cracked"}
    await refused(("warehouse_clerk", "production_manager", "buyer"), inspection, inspection_body)
    await works.ok("qa_inspector", inspection, inspection_body)

    (supplier_return,) = [
        r for r in await works.get("/returns") if r["delivery"] == delivery["number"]
    ]
    sending = f"/returns/{supplier_return['number']}/sent"
    await refused(("warehouse_clerk", "qa_inspector"), sending)
    sent = await works.ok("buyer", sending)
    assert sent["status"] == "sent"

    await refused(("sales_rep",), order_path(order_id, "/urgency"), {"reason": "hurry"})
    await refused(
        ("production_planner", "qa_inspector", "general_manager"), order_path(order_id, "/start")
    )
    await works.ok("production_manager", order_path(order_id, "/start"))

    patrol = order_path(order_id, "/operations/1/inspection")
    await refused(("production_manager", "warehouse_clerk"), patrol, {"result": "pass"})
    await works.ok("qa_inspector", patrol, {"result": "pass"})

    requests = order_path(order_id, "/inspection-requests")
    ask = {"product_code": "VALVE-S6", "quantity": 10}
    await refused(("qa_inspector", "warehouse_clerk"), requests, ask)
    await works.ok("production_manager", requests, ask)
    result = {"passed": 9, "failed": 1, "note": "leaks"}
    await refused(("production_manager", "warehouse_clerk"), f"{requests}/1/result", result)
    await works.ok("qa_inspector", f"{requests}/1/result", result)
    await refused(
        ("qa_inspector", "warehouse_clerk"), f"{requests}/1/disposition", {"action": "scrap"}
    )
    await works.ok("production_manager", f"{requests}/1/disposition", {"action": "scrap"})
    await works.ok("production_manager", requests, {"product_code": "VALVE-S6", "quantity": 1})
    await works.ok("qa_inspector", f"{requests}/2/result", {"passed": 1, "failed": 0})

    receipts = order_path(order_id, "/receipts")
    receipt = {"product_code": "VALVE-S6", "quantity": 10}
    await refused(("production_manager", "qa_inspector"), receipts, receipt)
    await works.ok("warehouse_clerk", receipts, receipt)
    produced = (await works.event(topics.GOODS_PRODUCED, order_id))["payload"]
    assert produced["inspected"] == [
        {"product_code": "VALVE-S6", "inspected": 11, "passed": 10, "failed": 1, "scrapped": 1}
    ]

    safety = {"product_code": "VALVE-S6", "units": 5, "reason": "buffer"}
    await refused(("general_manager", "sales_manager"), "/safety-stock", safety)
    request = await works.ok("production_planner", "/safety-stock", safety)
    rejection = {"decision": "reject", "reason": "no demand forecast"}
    await refused(
        ("production_planner", "deputy_general_manager"),
        f"/safety-stock/{request['number']}/decision",
        rejection,
    )
    rejected = await works.ok(
        "general_manager", f"/safety-stock/{request['number']}/decision", rejection
    )
    assert rejected["status"] == "rejected"
    nothing_made = await works.api("production_planner").get(order_path(request["number"]))
    assert nothing_made.status_code == 404, detail(nothing_made)
    log = works.running.services["production"].log_path.read_text()
    assert "by ravi.shah (buyer): beyond_authority" in log


# -- P4.4, P4.10: rejected material, a supplier return and a delay reported in time --------------


async def test_p4_3_p4_4_p4_10_thirty_percent_rejected_at_incoming_inspection_is_returned_rebought_and_the_delay_reported_in_time(  # noqa: E501
    works: Plant,
) -> None:
    """Runs last on `works`: it moves the shared clock 12 days forward."""
    today = works.today()
    confirmed = today + timedelta(days=30)
    order_id = await works.place(BEARING.lines(10), confirmed)
    view = await works.released(order_id)
    assert view["confirmed_delivery_date"] == confirmed.isoformat()
    (requisition,) = await works.requisitions(order_id)
    assert amount(requisition["quantity"]) == 100
    number = requisition["number"]
    await works.ok(
        "deputy_general_manager", f"/requisitions/{number}/decision", {"decision": "approve"}
    )
    purchase = await works.ok(
        "buyer",
        f"/requisitions/{number}/purchase-order",
        {
            "supplier": BEARING.supplier,
            "quantity": "100",
            "promised_on": (today + timedelta(days=5)).isoformat(),
        },
    )
    delivery = await works.ok(
        "warehouse_clerk",
        "/deliveries",
        {
            "purchase_order": purchase["number"],
            "material_code": "RING-S2",
            "supplier": BEARING.supplier,
            "quantity": "100",
            "delivery_note": "DN-0815",
        },
    )
    assert works.events(topics.ORDER_DELAYED, order_id) == []

    # Twelve days on the delivery is inspected: buying 30 kg again takes the supplier's 14
    # days, which leaves too little time to make the order before its confirmed date.
    await works.advance(12)
    inspected_on = works.today()
    await works.ok(
        "qa_inspector",
        f"/deliveries/{delivery['number']}/inspection",
        {"accepted": "70", "rejected": "30", "note": "30 kg of rings cracked"},
    )

    (supplier_return,) = [
        r for r in await works.get("/returns") if r["delivery"] == delivery["number"]
    ]
    assert (supplier_return["material_code"], amount(supplier_return["quantity"])) == (
        "RING-S2",
        30,
    )
    assert (supplier_return["status"], supplier_return["purchase_order"]) == (
        "open",
        purchase["number"],
    )
    first, again = await works.requisitions(order_id)
    assert first["status"] == "ordered"
    assert (again["status"], amount(again["quantity"]), again["material_code"]) == (
        "pending",
        30,
        "RING-S2",
    )
    stock = await works.material("RING-S2")
    assert (amount(stock["on_hand"]), amount(stock["reserved"])) == (70, 70)

    delayed_event = await works.event(topics.ORDER_DELAYED, order_id)
    delayed = delayed_event["payload"]
    assert delayed["cause"] == "failed_inspection"
    assert delayed["confirmed_delivery_date"] == confirmed.isoformat()
    expected = date.fromisoformat(delayed["expected_delivery_date"])
    assert expected > confirmed
    assert expected == inspected_on + timedelta(days=14 + 5 + 1)
    assert date.fromisoformat(delayed_event["occurred_at"][:10]) < confirmed
    assert works.today() < confirmed
    await asyncio.sleep(QUIET)
    assert len(works.events(topics.ORDER_DELAYED, order_id)) == 1

    sent = await works.ok("buyer", f"/returns/{supplier_return['number']}/sent")
    assert sent["status"] == "sent"

    # Sales records the delay; the sales manager agrees the expected date with the customer
    # and production plans against it: on time again, no further delay.
    async def awaiting_new_date() -> bool:
        order = await works.get(f"/orders/{order_id}", role="sales_rep", service="sales")
        return bool(order["awaiting_new_delivery_date"])

    await works.wait_until(awaiting_new_date, "sales to record the delay")
    revised = await works.post(
        "sales_manager",
        f"/orders/{order_id}/delivery-date",
        {"delivery_date": expected.isoformat(), "reason": "customer agreed"},
        service="sales",
    )
    assert revised.status_code == 200, detail(revised)
    await works.event(topics.DELIVERY_REVISED, order_id)

    async def replanned() -> bool:
        view = await works.order(order_id)
        return bool(view["confirmed_delivery_date"] == expected.isoformat())

    await works.wait_until(replanned, "production to plan against the revised date")
    view = await works.order(order_id)
    assert view["booking"]["ready"] < expected.isoformat()
    await asyncio.sleep(QUIET)
    assert len(works.events(topics.ORDER_DELAYED, order_id)) == 1
