"""What passed a contract never crashes a service: each service's handlers, driven on an
embedded database with every contract's extreme valid values (longest texts of any printable
character, longest identifiers, the most lines, the largest and smallest quantities and amounts,
dates at the window's edges), raise nothing but the domain's deliberate refusals, emit only
events their contracts accept, and store only what PostgreSQL would accept too.

Seeded and repeatable (derandomize): the same examples every run.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.production import handlers as production
from services.production.adapters import planning
from services.production.adapters.tables import (
    material_reservations,
    materials,
    production_orders,
)
from services.production.adapters.tables import metadata as production_tables
from services.review import handlers as review
from services.review.adapters.tables import metadata as review_tables
from services.review.domain.master import ApprovalAuthority, AutoApprovalPolicy, ReviewPolicy
from services.review.domain.model import ApprovalDecision, SignApproval
from services.sales import handlers as sales
from services.sales.adapters.tables import metadata as sales_tables
from services.sales.domain.model import Decider
from shared.contracts import (
    BalanceUpdated,
    CollectionStepped,
    ConfirmationIssued,
    ConfirmationSigned,
    CustomerUpdated,
    DeliveryLate,
    DeliveryRevised,
    Event,
    FeasibilityAssessed,
    FeasibilityRequested,
    GoodsDelivered,
    GoodsShipped,
    OrderPlaced,
    OrderReleased,
    OrderSubmission,
    PaymentReceived,
    ProductUpdated,
    ReviewCompleted,
)
from shared.contracts.bounds import (
    DATE_MAX,
    MAX_DAYS_IN_WINDOW,
    MAX_LEAD_TIME_DAYS,
    MAX_MATERIAL_QUANTITY,
    MAX_ORDER_TOTAL,
    MAX_QUANTITY_PER_UNIT,
    MAX_WEEKLY_UNITS,
)
from shared.contracts.money import CollectionStep
from shared.contracts.shipping import MAX_ROLES, Role
from shared.db import rows
from shared.decisions import Person
from shared.seed import load_seed
from shared.seed.model import BomLine, Material, Seed, WeeklyCapacity
from tests.unit.properties import strategies as s
from tests.unit.properties.extremes import (
    PROPERTY,
    REFUSALS,
    closed,
    customer_record,
    event,
    placed,
    produced_lines,
    product_codes,
    product_record,
)
from tests.unit.properties.harness import NOW, incoming, refusing_nothing_but, run

# -- sales -----------------------------------------------------------------------------------------


@st.composite
def sales_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    codes = draw(product_codes())
    customer = customer_record(draw, draw(s.code(40)))
    products = [product_record(draw, code) for code in codes]
    lines: list[dict[str, Any]] = [
        {
            "product_code": product.product_code,
            "quantity": draw(s.quantity()),
            "unit_price": product.list_price,
        }
        for product in products
    ]
    placeable = draw(st.booleans())  # one intake places, or one it may hold
    exact_total = sum((line["unit_price"] * line["quantity"] for line in lines), Decimal("0.00"))
    submission = OrderSubmission.model_validate(
        {
            "schema_version": 1,
            "submitter": draw(s.code(100)),
            "customer_reference": draw(s.reference()),
            "customer_id": customer.customer_id,
            "channel": "system"
            if placeable
            else draw(st.sampled_from(["system", "web", "email", "fax", "desk", "phone"])),
            "payment_terms": draw(st.one_of(st.none(), st.just(customer.payment_terms[0]))),
            "currency": "EUR",
            "lines": lines,
            "total_amount": exact_total if placeable else draw(st.one_of(st.none(), s.money())),
            "requested_delivery_date": draw(
                s.within_five_years(NOW.date()) if placeable else s.dates()
            ),
            "delivery_address": draw(s.address() if placeable else st.none() | s.address()),
            "contact": draw(s.contact()),
        }
    )
    return {
        "customer": customer,
        "products": products,
        "submission": submission,
        "approved": draw(st.sampled_from([True, True, False])),
        "confirmed": draw(s.dates()),
        "reason": draw(s.text(1000, min_size=0)),
        "paid_total": draw(s.money()),
        "settled": draw(st.booleans()),
        "received_on": draw(s.dates()),
        "hold_reason": draw(s.text(1000)),
        "late": late_delivery(draw),
        "delivered": delivery(draw, codes),
        "delivered_first": draw(st.booleans()),
    }


ROLES: tuple[Role, ...] = get_args(Role)


def signed(draw: st.DrawFn) -> dict[str, Any]:
    return {"user": draw(s.code(100)), "role": draw(s.code(100)), "at": NOW}


def late_delivery(draw: st.DrawFn) -> dict[str, Any]:
    """delivery.late at its extremes (P5.6)."""
    return {
        "shipment_id": draw(s.code(50)),
        "expected_on": draw(s.dates()),
        "days_late": draw(s.edges(0, MAX_DAYS_IN_WINDOW, st.integers(0, 60))),
        "notify": draw(st.lists(st.sampled_from(ROLES), min_size=1, max_size=MAX_ROLES)),
    }


def delivery(draw: st.DrawFn, codes: list[str]) -> dict[str, Any]:
    """goods.delivered at its extremes (P5.6, P6.1)."""
    cash = draw(st.booleans())
    return {
        "shipment_id": draw(s.code(50)),
        "delivered_on": draw(s.dates()),
        "received_by": draw(s.text(200)),
        "lines": produced_lines(draw, codes),
        "discrepancy": draw(s.text(1000, min_size=0)),
        "late": draw(st.booleans()),
        "order_delivered": draw(st.booleans()),
        "cash_collected": draw(s.money()) if cash else Decimal("0.00"),
        "currency": "EUR" if cash else None,
        "recorded": signed(draw),
    }


@settings(PROPERTY, max_examples=30)
@given(sales_scenarios())
def test_sales_handlers_take_every_extreme_valid_value(scenario: dict[str, Any]) -> None:
    async def drive(connection: AsyncConnection) -> None:
        await refusing_nothing_but(
            REFUSALS,
            sales.load_master_data(connection, [scenario["customer"]], scenario["products"], NOW),
        )
        submission = scenario["submission"]
        events = await refusing_nothing_but(
            REFUSALS, sales.take_submission(connection, incoming(submission, "order.submitted"))
        )
        order_id = events[0].order_id
        review_completed = event(
            ReviewCompleted,
            order_id,
            {
                "outcome": "approved" if scenario["approved"] else "declined",
                "confirmed_delivery_date": scenario["confirmed"] if scenario["approved"] else None,
                "reason": scenario["reason"],
            },
            "review",
        )
        await refusing_nothing_but(
            REFUSALS, sales.record_review(connection, incoming(review_completed, "x"))
        )
        by = Decider("jonas.weber", "sales_manager", NOW)
        await refusing_nothing_but(
            REFUSALS,
            _outcome_events(
                sales.record_signed_confirmation(connection, order_id, scenario["received_on"], by)
            ),
        )
        payment = event(
            PaymentReceived,
            order_id,
            {
                "payment_id": "PAY-2026-000001",
                "kind": "balance",
                "bank_transaction_id": "~" * 100,
                "amount": scenario["paid_total"],
                "currency": "EUR",
                "paid_total": scenario["paid_total"],
                "balance_due": Decimal("0.00"),
                "settled": scenario["settled"],
            },
            "finance",
        )
        await refusing_nothing_but(
            REFUSALS, sales.record_payment(connection, incoming(payment, "x"))
        )
        await refusing_nothing_but(
            REFUSALS,
            _outcome_events(sales.hold(connection, order_id, scenario["hold_reason"], by)),
        )
        shipped = event(
            GoodsShipped,
            order_id,
            {
                "shipment_id": "S" * 50,
                "carrier": "c" * 100,
                "tracking_number": "~" * 100,
                "lines": [{"product_code": "P", "quantity": 1}],
            },
            "logistics",
        )
        await refusing_nothing_but(
            REFUSALS, sales.record_shipment(connection, incoming(shipped, "x"))
        )
        late = event(DeliveryLate, order_id, scenario["late"], "logistics")
        delivered = event(GoodsDelivered, order_id, scenario["delivered"], "logistics")
        steps = [
            sales.record_late_delivery(connection, incoming(late, "x")),
            sales.record_delivery(connection, incoming(delivered, "x")),
        ]
        if scenario["delivered_first"]:
            steps.reverse()
        steps.append(sales.record_delivery(connection, incoming(delivered, "x")))  # again
        for step in steps:
            await refusing_nothing_but(REFUSALS, step)

    run(sales_tables, drive)


async def _outcome_events(call: Any) -> list[Event]:
    _order, events = await call
    return list(events)


# -- review ----------------------------------------------------------------------------------------

POLICY = ReviewPolicy(
    authority=ApprovalAuthority(
        {item.role: item.max_amount for item in load_seed().approval_authority}
    ),
    qa_capability_level=load_seed().qa_capability_level,
    auto_approval=AutoApprovalPolicy(max_amount=MAX_ORDER_TOTAL, tiers=frozenset("ABC")),
)


@st.composite
def answers(draw: st.DrawFn) -> dict[str, Any]:
    verdict = draw(st.sampled_from(["feasible", "later", "not_feasible"]))
    return {
        "verdict": verdict,
        "available_from": draw(s.dates()) if verdict == "later" else None,
        "reason": draw(s.text(1000, min_size=0)),
    }


@st.composite
def review_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    order_id = draw(s.order_id())
    codes = draw(product_codes())
    customer = customer_record(draw, draw(s.code(40)))
    invoice_stem = draw(s.code(47))
    order = placed(draw, order_id, customer.customer_id, codes)
    if draw(st.booleans()):  # entered at the desk by a person (P8.1)
        body = order.model_dump(mode="json")
        body["payload"]["entered_by"] = {**signed(draw), "at": NOW.isoformat()}
        order = OrderPlaced.model_validate(body)
    return {
        "customer": customer,
        "products": [product_record(draw, code) for code in codes],
        "balance": draw(s.money()),
        "placed": order,
        "confirmed": event(
            ConfirmationIssued,
            order_id,
            {
                "customer_id": customer.customer_id,
                "tier": draw(st.sampled_from(["A", "B", "C"])),
                "confirmed_delivery_date": draw(s.dates()),
                "sent_on": draw(s.dates()),
                "total_amount": order.payload.total_amount,
                "currency": "EUR",
                "deposit_amount": draw(s.money(high=order.payload.total_amount)),
                "document_path": "/" + "~" * 199,
            },
            "sales",
        ),
        "signed": event(
            ConfirmationSigned,
            order_id,
            {
                "received_on": draw(s.dates()),
                "days_late": draw(s.edges(0, MAX_DAYS_IN_WINDOW, st.integers(0, 60))),
                "expected_delivery_date": draw(s.dates()),
            },
            "sales",
        ),
        "released": release(draw, order_id, produced_lines(draw, codes), draw(s.dates())),
        "release_first": draw(st.booleans()),
        "assessed": event(
            FeasibilityAssessed,
            order_id,
            {"production": draw(answers()), "purchasing": draw(answers())},
            "production",
        ),
        "assessment_first": draw(st.booleans()),
        "note": draw(s.text(1000, min_size=0)),
        "decision": draw(st.sampled_from(list(ApprovalDecision))),
        "closed": closed(draw, order_id),
        "collection": [
            collection_step(draw, f"{invoice_stem}{index:03d}", customer.customer_id)
            for index in range(draw(st.integers(1, 30)))  # escalated ones: the longest reason
        ],
        "escalation_after_placing": collection_step(draw, draw(s.code(50)), customer.customer_id),
    }


STEPS: tuple[CollectionStep, ...] = get_args(CollectionStep)


def collection_step(draw: st.DrawFn, invoice_number: str, customer_id: str) -> CollectionStepped:
    """collection.stepped at its extremes (P6.3)."""
    payload = {
        "invoice_number": invoice_number,
        "customer_id": customer_id,
        "step": draw(st.sampled_from(STEPS)),
        "escalated": draw(st.booleans()),
        "overdue_amount": draw(s.money()),
        "currency": "EUR",
        "due_date": draw(s.dates()),
        "days_overdue": draw(s.edges(0, MAX_DAYS_IN_WINDOW, st.integers(0, 60))),
        "promised_on": draw(st.one_of(st.none(), s.dates())),
        "note": draw(s.text(1000, min_size=0)),
        "recorded": signed(draw) if draw(st.booleans()) else None,
    }
    return event(CollectionStepped, draw(s.order_id()), payload, "finance")  # type: ignore[no-any-return]


@PROPERTY
@given(review_scenarios())
def test_review_handlers_take_every_extreme_valid_value(scenario: dict[str, Any]) -> None:
    async def drive(connection: AsyncConnection) -> None:
        customer = scenario["customer"]
        await refusing_nothing_but(
            REFUSALS,
            review.store_customer(
                connection,
                incoming(event(CustomerUpdated, None, customer, "sales"), "x"),
                POLICY,
            ),
        )
        for product in scenario["products"]:
            await refusing_nothing_but(
                REFUSALS,
                review.store_product(
                    connection, incoming(event(ProductUpdated, None, product, "sales"), "x"), POLICY
                ),
            )
        balance = event(
            BalanceUpdated,
            scenario["placed"].order_id,
            {
                "customer_id": customer.customer_id,
                "currency": "EUR",
                "open_balance": scenario["balance"],
            },
            "finance",
        )
        await refusing_nothing_but(
            REFUSALS, review.store_balance(connection, incoming(balance, "x"))
        )
        for stepped in scenario["collection"]:
            await refusing_nothing_but(
                REFUSALS, review.record_collection_step(connection, incoming(stepped, "x"))
            )
        steps = [
            review.open_review(connection, incoming(scenario["placed"], "x"), POLICY),
            review.record_assessment(connection, incoming(scenario["assessed"], "x")),
        ]
        if scenario["assessment_first"]:
            steps.reverse()
        for step in steps:
            await refusing_nothing_but(REFUSALS, step)
        await refusing_nothing_but(
            REFUSALS,
            review.record_collection_step(
                connection, incoming(scenario["escalation_after_placing"], "x")
            ),
        )
        order_id = scenario["placed"].order_id
        for role, user in (("sales_manager", "jonas.weber"), ("general_manager", "li.wang")):
            command = SignApproval(
                Person(user, role), scenario["decision"], scenario["note"], contract_stamped=True
            )
            await refusing_nothing_but(
                REFUSALS,
                _outcome_events(
                    review.sign_approval(connection, order_id, command, POLICY.authority, NOW)
                ),
            )
        await refusing_nothing_but(
            REFUSALS,
            review.escalate_overdue(connection, NOW + timedelta(days=3), limit=10),
        )
        confirmed = [
            review.record_confirmation(connection, incoming(scenario["confirmed"], "x")),
            review.record_signature(connection, incoming(scenario["signed"], "x")),
            review.record_release(connection, incoming(scenario["released"], "x")),
        ]
        if scenario["release_first"]:
            confirmed.reverse()
        for step in confirmed:
            await refusing_nothing_but(REFUSALS, step)
        await refusing_nothing_but(
            REFUSALS, review.close_review(connection, incoming(scenario["closed"], "x"))
        )

    run(review_tables, drive)


# -- production ------------------------------------------------------------------------------------


@st.composite
def production_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    order_id = draw(s.order_id())
    codes = draw(product_codes())
    material_codes = [f"{draw(s.code(47))}{index:03d}" for index in range(draw(st.integers(1, 3)))]
    seed: Seed = load_seed().model_copy(
        update={
            "materials": [
                Material(
                    material_code=code,
                    name=draw(s.text(200)),
                    unit=draw(st.sampled_from(["pc", "k" * 20])),
                    on_hand=draw(
                        s.edges(Decimal(0), MAX_MATERIAL_QUANTITY, st.just(Decimal("0.000001")))
                    ),
                    lead_time_days=draw(
                        st.one_of(st.none(), s.edges(0, MAX_LEAD_TIME_DAYS, st.integers(0, 60)))
                    ),
                    supplier=draw(s.text(200)),
                )
                for code in material_codes
            ],
            "bill_of_materials": [
                BomLine(
                    product_code=product_code,
                    material_code=material_code,
                    quantity_per_unit=draw(
                        s.edges(Decimal("0.000001"), MAX_QUANTITY_PER_UNIT, st.just(Decimal(2)))
                    ),
                )
                for product_code in codes
                if draw(st.booleans())
                for material_code in material_codes
            ],
            "weekly_capacity": WeeklyCapacity(
                default_units=draw(s.edges(0, MAX_WEEKLY_UNITS, st.integers(0, 1000))),
                overrides={"2100-W52": 0},  # the window's last week is full: look later
            ),
        }
    )
    lines = produced_lines(draw, codes)
    other_id = draw(s.order_id().filter(lambda other: other != order_id))
    released = draw(s.dates())
    return {
        "seed": seed,
        "requested": event(
            FeasibilityRequested,
            order_id,
            {
                "customer_id": draw(s.code(40)),
                "requested_delivery_date": draw(s.dates()),
                "lines": lines,
                "rush": draw(st.booleans()),
            },
            "review",
        ),
        "released": release(draw, order_id, lines, released),
        "other_released": release(draw, other_id, produced_lines(draw, codes), draw(s.dates())),
        "revised": event(
            DeliveryRevised,
            order_id,
            {
                "delivery_date": draw(s.dates()),
                "previous_delivery_date": released,
                "reason": draw(s.text(1000, min_size=0)),
                "agreed": {"user": draw(s.code(100)), "role": "sales_manager", "at": NOW},
            },
            "sales",
        ),
        "closed": closed(draw, order_id),
        "other_closed": closed(draw, other_id),
        "today": draw(s.dates(NOW.date(), DATE_MAX)),
    }


def release(
    draw: st.DrawFn, order_id: str, lines: list[dict[str, Any]], delivery_date: date
) -> OrderReleased:
    gate = draw(st.sampled_from(["a_tier_before_signature", "signed", "signed_and_deposit"]))
    payload = {"delivery_date": delivery_date, "lines": lines, "gate": gate}
    return event(OrderReleased, order_id, payload, "sales")  # type: ignore[no-any-return]


@PROPERTY
@pytest.mark.parametrize("policy", [False, True], ids=["people", "automatic_policy"])
@given(scenario=production_scenarios())
def test_production_handlers_take_every_extreme_valid_value(
    policy: bool, scenario: dict[str, Any]
) -> None:
    """Two orders on the same materials, one after the other: the first assessed, released,
    its date revised and closed (what it held goes to the second), then the second closed;
    each message in a unit of work of its own, with the automatic policy off and on."""
    now = datetime.combine(scenario["today"], NOW.timetz())

    async def drive(connection: AsyncConnection) -> None:
        async with rows.in_scope(connection):
            await planning.load_master_data(connection, scenario["seed"])
        for handler, message in (
            (production.assess_feasibility, scenario["requested"]),
            (production.release_order, scenario["released"]),
            (production.release_order, scenario["other_released"]),
            (production.revise_delivery, scenario["revised"]),
            (production.close_order, scenario["closed"]),
            (production.close_order, scenario["other_closed"]),
        ):
            async with rows.in_scope(connection):  # as the unit of work runs each message
                await refusing_nothing_but(
                    REFUSALS, handler(connection, incoming(message, "x", now), policy)
                )
        await assert_the_stock_ledger_adds_up(connection)

    run(production_tables, drive)


async def assert_the_stock_ledger_adds_up(connection: AsyncConnection) -> None:
    """P4.2: each material's reserved total is what the orders hold and have not consumed, as
    their claims say too, and never more than is on hand."""
    held: dict[str, Decimal] = {}
    for row in await connection.execute(select(production_orders.c.materials)):
        for line in row.materials or ():
            if not line["consumed"]:
                code = line["material_code"]
                held[code] = held.get(code, Decimal(0)) + Decimal(line["reserved"])
    claimed: dict[str, Decimal] = {}
    for claim in await connection.execute(select(material_reservations)):
        claimed[claim.material_code] = claimed.get(claim.material_code, Decimal(0)) + claim.reserved
    for material in await connection.execute(select(materials)):
        code = material.material_code
        assert material.reserved == held.get(code, 0) == claimed.get(code, 0), code
        assert material.reserved <= material.on_hand, code
