"""Review as a whole on an embedded SQLite database: consumed messages in any order, people's
decisions over the HTTP API, the deadline check. No broker: events are read from the outbox.
(P2.1-P2.6, P6.4, P8.1, P8.2)"""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from sqlalchemy import select

from services.review.adapters.tables import outbox
from services.review.app import DEFINITION
from services.review.settings import ReviewSettings
from services.review.subscribers import escalate_overdue_reviews
from shared.clock import FrozenClock
from shared.contracts import (
    BalanceUpdated,
    CustomerUpdated,
    FeasibilityAssessed,
    OrderClosed,
    OrderPlaced,
    ProductUpdated,
    topics,
)
from shared.contracts.events import OrderClosedPayload, OrderPlacedPayload
from shared.contracts.master import BalanceRecord
from shared.contracts.process import DepartmentAnswer, FeasibilityAssessedPayload
from shared.contracts.topics import DEAD_LETTER
from shared.db.engine import create_engine
from shared.db.migrate import upgrade_to_head
from shared.messaging.events import new_event
from shared.messaging.pipeline import Delivery, Pipeline
from shared.messaging.routes import Source
from shared.runtime import ServiceContext
from shared.seed import Seed, load_seed
from shared.seed.model import Authority
from tests.support.api import wire

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
REQUESTED = date(2027, 4, 15)
SEED = load_seed()


def token(role: str) -> str:
    return next(user.token for user in SEED.users if user.role == role and user.token)


@dataclass
class Review:
    """The review service under test."""

    clock: FrozenClock
    pipeline: Pipeline
    context: ServiceContext
    http: httpx.AsyncClient
    offset: int = 0

    async def consume(self, body: BaseModel) -> None:
        self.offset += 1
        topic = str(body.event_type)  # type: ignore[attr-defined]
        await self.pipeline.consume(
            Source(topic, 0, self.offset, None), body.model_dump_json().encode()
        )
        assert await self.dead_letters() == []

    async def consume_batch(self, *bodies: BaseModel) -> None:
        """The records as one fetched batch: one transaction, as the Kafka subscriber runs it."""
        deliveries = []
        for body in bodies:
            self.offset += 1
            topic = str(body.event_type)  # type: ignore[attr-defined]
            source = Source(topic, 0, self.offset, None)
            deliveries.append(Delivery(source, body.model_dump_json().encode()))
        await self.pipeline.consume_batch(deliveries)
        assert await self.dead_letters() == []

    async def dead_letters(self) -> list[str]:
        """The reasons of every record the pipeline dead-lettered."""
        async with self.context.unit_of_work.engine.connect() as connection:
            rows = await connection.execute(
                select(outbox.c.headers).where(outbox.c.topic == DEAD_LETTER)
            )
            return [json.loads(row.headers)["dlq.reason"] for row in rows]

    async def published(self, topic: str, order_id: str | None = None) -> list[dict[str, Any]]:
        async with self.context.unit_of_work.engine.connect() as connection:
            rows = await connection.execute(
                select(outbox.c.payload).where(outbox.c.topic == topic).order_by(outbox.c.id)
            )
            events = [json.loads(row.payload) for row in rows]
        return [event for event in events if order_id is None or event["order_id"] == order_id]

    async def post(self, role: str, path: str, body: dict[str, Any]) -> httpx.Response:
        return await self.http.post(
            path, json=body, headers={"Authorization": f"Bearer {token(role)}"}
        )

    async def view(self, order_id: str) -> dict[str, Any]:
        response = await self.http.get(
            f"/reviews/{order_id}", headers={"Authorization": f"Bearer {token('sales_rep')}"}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def start(tmp_path: Path, seed: Seed = SEED, **settings: Any) -> AsyncIterator[Review]:
    engine = create_engine(f"sqlite:///{tmp_path / 'review.db'}")
    await upgrade_to_head(engine, DEFINITION.migrations)
    clock = FrozenClock(START)
    wired = wire(DEFINITION, ReviewSettings(data_dir=tmp_path, **settings), engine, clock, seed)
    context, service = wired.context, wired.parts
    for on_start in service.on_start:
        await on_start()

    pipeline = Pipeline(context.unit_of_work, service.routes, service="review")
    app = wired.http
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://review"
    ) as http:
        yield Review(clock, pipeline, context, http)
    await engine.dispose()


@pytest.fixture
async def review(tmp_path: Path) -> AsyncIterator[Review]:
    async for running in start(tmp_path):
        yield running


@pytest.fixture
async def automatic(tmp_path: Path) -> AsyncIterator[Review]:
    async for running in start(tmp_path, auto_approve_max_amount="50000"):
        yield running


def customer(customer_id: str = "CUST-0001") -> CustomerUpdated:
    record = next(item for item in SEED.customers if item.customer_id == customer_id)
    return new_event(
        CustomerUpdated, producer="sales", causation_id=None, occurred_at=START, payload=record
    )


def product(code: str) -> ProductUpdated:
    record = next(item for item in SEED.products if item.product_code == code)
    return new_event(
        ProductUpdated, producer="sales", causation_id=None, occurred_at=START, payload=record
    )


def balance(customer_id: str, amount: str) -> BalanceUpdated:
    return new_event(
        BalanceUpdated,
        order_id="SO-2027-000000",
        producer="finance",
        causation_id=None,
        occurred_at=START,
        payload=BalanceRecord(customer_id=customer_id, currency="EUR", open_balance=amount),
    )


def placed(
    order_id: str = "SO-2027-000001",
    customer_id: str = "CUST-0001",
    code: str = "VALVE-DN50",
    quantity: int = 20,
    unit_price: str = "48.50",
) -> OrderPlaced:
    amount = f"{quantity * float(unit_price):.2f}"
    return new_event(
        OrderPlaced,
        order_id=order_id,
        producer="sales",
        causation_id=None,
        occurred_at=START,
        payload=OrderPlacedPayload.model_validate(
            {
                "submitter": "webshop",
                "customer_reference": f"PO-{order_id}",
                "customer_id": customer_id,
                "channel": "system",
                "currency": "EUR",
                "lines": [
                    {
                        "line_no": 1,
                        "product_code": code,
                        "quantity": quantity,
                        "unit_price": unit_price,
                        "amount": amount,
                    }
                ],
                "total_amount": amount,
                "requested_delivery_date": REQUESTED.isoformat(),
                "delivery_address": {
                    "name": "Acme",
                    "street": "Industriestrasse 7",
                    "postal_code": "70565",
                    "city": "Stuttgart",
                    "country": "DE",
                },
                "contact": {"name": "Jana Keller"},
            }
        ),
    )


def assessed(
    order_id: str = "SO-2027-000001",
    production: str = "feasible",
    available_from: date | None = None,
) -> FeasibilityAssessed:
    return new_event(
        FeasibilityAssessed,
        order_id=order_id,
        producer="production",
        causation_id=None,
        occurred_at=START,
        payload=FeasibilityAssessedPayload(
            production=DepartmentAnswer(
                verdict=production,
                available_from=available_from,
                reason="week booked" if production != "feasible" else "capacity free",
            ),
            purchasing=DepartmentAnswer(verdict="feasible", reason="in stock"),
        ),
    )


def closed(order_id: str, outcome: str) -> OrderClosed:
    return new_event(
        OrderClosed,
        order_id=order_id,
        producer="sales",
        causation_id=None,
        occurred_at=START,
        payload=OrderClosedPayload(outcome=outcome),
    )


async def with_master_data(review: Review, *codes: str, customer_id: str = "CUST-0001") -> None:
    await review.consume(customer(customer_id))
    for code in codes or ("VALVE-DN50",):
        await review.consume(product(code))


APPROVE = {"decision": "approve", "note": "terms checked", "contract_stamped": True}


# -- consumed messages ----------------------------------------------------------------------------


async def test_a_placed_order_asks_production_at_once_and_waits_for_its_master_data(
    review: Review,
) -> None:
    """P2.4; topics are not ordered among each other: nothing blocks, nothing dead-letters."""
    await review.consume(placed())

    (requested,) = await review.published(topics.FEASIBILITY_REQUESTED)
    assert requested["payload"] == {
        "customer_id": "CUST-0001",
        "requested_delivery_date": "2027-04-15",
        "lines": [{"product_code": "VALVE-DN50", "quantity": 20}],
        "rush": False,
        "version": 1,
    }
    view = await review.view("SO-2027-000001")
    assert view["status"] == "awaiting_master_data"
    assert view["missing_master_data"] == ["customer:CUST-0001", "product:VALVE-DN50"]
    assert view["received_at"] == "2027-03-01T09:00:00Z"
    assert view["deadline"] == "2027-03-03T09:00:00Z"

    await with_master_data(review)

    view = await review.view("SO-2027-000001")
    assert view["status"] == "in_review"
    assert view["required_approvals"] == ["sales_manager"]
    assert view["feasibility"]["engineering"]["verdict"] == "feasible"


async def test_with_the_policy_on_an_a_tier_order_completes_once_production_answers(
    automatic: Review,
) -> None:
    """P2.3, P2.5, P8.1: the automatic policy signs the sales manager's step at receipt."""
    await with_master_data(automatic)
    await automatic.consume(placed())
    assert await automatic.published(topics.REVIEW_COMPLETED) == []

    await automatic.consume(assessed())

    (completed,) = await automatic.published(topics.REVIEW_COMPLETED)
    assert completed["payload"] == {
        "outcome": "approved",
        "confirmed_delivery_date": "2027-04-15",
        "reason": "",
        "approved_by": [
            {"user": "automatic-policy", "role": "sales_manager", "at": "2027-03-01T09:00:00Z"}
        ],
        "version": 1,
    }
    (step,) = (await automatic.view("SO-2027-000001"))["approvals"]
    assert step["user"] == "automatic-policy"
    assert step["role"] == "sales_manager"


async def test_answers_that_arrive_before_their_order_are_kept_until_it_does(
    automatic: Review,
) -> None:
    await automatic.consume(assessed())
    await with_master_data(automatic)

    await automatic.consume(placed())

    assert len(await automatic.published(topics.REVIEW_COMPLETED)) == 1


async def test_an_open_balance_from_finance_counts_in_the_credit_check_p6_4(
    review: Review,
) -> None:
    await with_master_data(review, customer_id="CUST-0002")
    await review.consume(balance("CUST-0002", "19500.00"))

    await review.consume(placed(customer_id="CUST-0002"))

    view = await review.view("SO-2027-000001")
    assert view["required_approvals"] == ["sales_manager", "general_manager"]
    assert "credit limit" in view["general_manager_reasons"][0]


async def test_the_same_order_placed_twice_is_reviewed_once(automatic: Review) -> None:
    await with_master_data(automatic)
    await automatic.consume(placed())
    await automatic.consume(placed())

    assert len(await automatic.published(topics.FEASIBILITY_REQUESTED)) == 1


async def test_closing_files_the_review(automatic: Review) -> None:
    await with_master_data(automatic)
    await automatic.consume(placed())
    await automatic.consume(assessed())

    await automatic.consume(closed("SO-2027-000001", "fulfilled"))

    view = await automatic.view("SO-2027-000001")
    assert (view["status"], view["outcome"]) == ("closed", "fulfilled")


# -- people's decisions ---------------------------------------------------------------------------


async def test_the_sales_manager_approves_and_the_signature_is_shown_p2_2_p2_3(
    review: Review,
) -> None:
    await with_master_data(review)
    await review.consume(placed())
    review.clock.advance(timedelta(hours=1))

    response = await review.post("sales_manager", "/reviews/SO-2027-000001/approvals", APPROVE)

    assert response.status_code == 200, response.text
    (step,) = response.json()["approvals"]
    assert step == {
        "step": "sales_manager",
        "status": "approved",
        "user": "jonas.weber",
        "role": "sales_manager",
        "at": "2027-03-01T10:00:00Z",
        "note": "terms checked",
        "contract_stamped": True,
    }
    await review.consume(assessed())
    (completed,) = await review.published(topics.REVIEW_COMPLETED)
    assert completed["payload"]["outcome"] == "approved"


async def test_above_authority_the_sales_manager_is_refused_and_nothing_changes_p8_1(
    review: Review, caplog: pytest.LogCaptureFixture
) -> None:
    await with_master_data(review, "PUMP-CP65", customer_id="CUST-0004")
    await review.consume(
        placed(customer_id="CUST-0004", code="PUMP-CP65", quantity=40, unit_price="1340.00")
    )
    assert (
        await review.post("sales_manager", "/reviews/SO-2027-000001/approvals", APPROVE)
    ).status_code == 200
    before = await review.view("SO-2027-000001")

    beyond = await review.post("sales_manager", "/reviews/SO-2027-000001/approvals", APPROVE)
    no_authority = await review.post("sales_rep", "/reviews/SO-2027-000001/approvals", APPROVE)
    anonymous = await review.http.post("/reviews/SO-2027-000001/approvals", json=APPROVE)

    assert beyond.status_code == 403
    assert beyond.json()["detail"]["error"] == "beyond_authority"
    assert "53600.00 EUR" in beyond.json()["detail"]["message"]
    assert "50000.00 EUR" in beyond.json()["detail"]["message"]
    assert no_authority.status_code == 403
    assert anonymous.status_code == 401
    assert await review.view("SO-2027-000001") == before
    assert "/reviews/SO-2027-000001/approvals by jonas.weber (sales_manager)" in caplog.text

    approved = await review.post("general_manager", "/reviews/SO-2027-000001/approvals", APPROVE)
    assert approved.status_code == 200
    await review.consume(assessed())
    assert len(await review.published(topics.REVIEW_COMPLETED)) == 1
    again = await review.post("general_manager", "/reviews/SO-2027-000001/approvals", APPROVE)
    assert again.status_code == 409


async def test_a_rejection_declines_the_order_with_the_note_p2_6(review: Review) -> None:
    await with_master_data(review)
    await review.consume(placed())

    response = await review.post(
        "sales_manager",
        "/reviews/SO-2027-000001/approvals",
        {"decision": "reject", "note": "customer wants 120 days credit"},
    )

    assert response.status_code == 200
    (completed,) = await review.published(topics.REVIEW_COMPLETED)
    assert completed["payload"]["outcome"] == "declined"
    assert completed["payload"]["reason"] == "customer wants 120 days credit"


async def test_a_later_date_is_negotiated_and_signed_by_the_general_manager_p2_6(
    review: Review,
) -> None:
    await with_master_data(review)
    await review.consume(placed())
    await review.consume(assessed(production="later", available_from=date(2027, 8, 20)))

    (opened,) = await review.published(topics.NEGOTIATION_OPENED)
    assert opened["payload"]["proposed_delivery_date"] == "2027-08-20"
    path = "/reviews/SO-2027-000001/negotiation"
    accepted = {"outcome": "accepted", "agreed_date": "2027-08-20"}
    assert (await review.post("sales_manager", path, accepted)).status_code == 403
    assert (await review.post("general_manager", path, {"outcome": "accepted"})).status_code == 422
    assert (await review.post("general_manager", path, accepted)).status_code == 200
    assert (await review.post("general_manager", path, accepted)).status_code == 409
    await review.post("sales_manager", "/reviews/SO-2027-000001/approvals", APPROVE)

    (completed,) = await review.published(topics.REVIEW_COMPLETED)
    assert completed["payload"]["confirmed_delivery_date"] == "2027-08-20"
    negotiation = (await review.view("SO-2027-000001"))["negotiation"]
    assert (negotiation["status"], negotiation["user"]) == ("accepted", "li.wang")


async def test_engineering_overrides_a_not_ready_new_product_p2_4(review: Review) -> None:
    await with_master_data(review, "PUMP-HX90")
    await review.consume(placed(code="PUMP-HX90", quantity=2, unit_price="2100.00"))
    await review.consume(assessed())
    await review.post("sales_manager", "/reviews/SO-2027-000001/approvals", APPROVE)
    (opened,) = await review.published(topics.NEGOTIATION_OPENED)
    assert opened["payload"]["proposed_delivery_date"] is None
    path = "/reviews/SO-2027-000001/feasibility/engineering"
    feasible = {"verdict": "feasible", "available_from": None, "reason": "specification sent"}

    assert (await review.post("qa", path, feasible)).status_code == 403
    assert (await review.post("engineering", path, {"verdict": "later"})).status_code == 422
    response = await review.post("engineering", path, feasible)

    assert response.status_code == 200, response.text
    answer = response.json()["feasibility"]["engineering"]
    assert (answer["source"], answer["user"]) == ("override", "anna.novak")
    (completed,) = await review.published(topics.REVIEW_COMPLETED)
    assert completed["payload"]["confirmed_delivery_date"] == "2027-04-15"


@pytest.mark.rule("P2.2")
async def test_an_approval_that_does_not_say_the_contract_is_stamped_is_not_signed(
    review: Review,
) -> None:
    await with_master_data(review)
    await review.consume(placed())
    unsaid = {"decision": "approve", "note": "terms checked"}

    response = await review.post("sales_manager", "/reviews/SO-2027-000001/approvals", unsaid)

    assert response.status_code == 409, response.text
    assert (await review.view("SO-2027-000001"))["approvals"][0]["status"] == "pending"


@pytest.mark.rule("P2.2")
async def test_a_decision_body_with_an_unknown_field_is_refused_and_records_nothing(
    review: Review,
) -> None:
    await with_master_data(review)
    await review.consume(placed())
    typo = {**APPROVE, "contract_stampd": True}

    response = await review.post("sales_manager", "/reviews/SO-2027-000001/approvals", typo)

    assert response.status_code == 422, response.text
    assert (await review.view("SO-2027-000001"))["approvals"][0]["status"] == "pending"


async def test_an_unknown_review_is_not_found(review: Review) -> None:
    response = await review.http.get(
        "/reviews/SO-0000", headers={"Authorization": f"Bearer {token('qa')}"}
    )
    approve = await review.post("sales_manager", "/reviews/SO-0000/approvals", APPROVE)

    assert (response.status_code, approve.status_code) == (404, 404)


# -- deadline -------------------------------------------------------------------------------------


async def test_an_overdue_review_is_escalated_once_by_the_deadline_check_p2_4_p8_2(
    review: Review,
) -> None:
    await with_master_data(review)
    await review.consume(placed("SO-2027-000001"))
    await review.consume(placed("SO-2027-000002"))
    await review.post("sales_manager", "/reviews/SO-2027-000002/approvals", APPROVE)
    await review.consume(assessed("SO-2027-000002"))

    review.clock.advance(timedelta(days=2) - timedelta(seconds=1))
    assert await escalate_overdue_reviews(review.context) == 0

    review.clock.advance(timedelta(minutes=5))
    assert await escalate_overdue_reviews(review.context) == 1
    assert await escalate_overdue_reviews(review.context) == 0

    (escalated,) = await review.published(topics.REVIEW_ESCALATED)
    assert escalated["order_id"] == "SO-2027-000001"
    assert escalated["payload"]["waiting_for"] == [
        "approval:sales_manager",
        "feasibility:production",
        "feasibility:purchasing",
    ]
    assert (await review.view("SO-2027-000001"))["escalated"] is True


async def test_the_approval_authority_is_the_seed_files_p2_3_p8_1(review: Review) -> None:
    await with_master_data(review)
    await review.consume(placed(code="VALVE-DN50", quantity=1100, unit_price="48.50"))
    view = await review.view("SO-2027-000001")
    assert view["required_approvals"] == ["sales_manager", "general_manager"]


async def test_another_seed_file_gives_another_authority_and_qa_capability(
    tmp_path: Path,
) -> None:
    """Review's own master data is the seed file the service was started with (P2.3, P2.4)."""
    seed = SEED.model_copy(
        update={
            "approval_authority": [
                Authority(role="sales_manager", max_amount="100000.00"),
                Authority(role="general_manager", max_amount=None),
            ],
            "qa_capability_level": 2,
        }
    )
    async for review in start(tmp_path, seed=seed):
        await with_master_data(review)
        await review.consume(placed(code="VALVE-DN50", quantity=1100, unit_price="48.50"))
        view = await review.view("SO-2027-000001")
        assert view["required_approvals"] == ["sales_manager"]
        assert view["feasibility"]["qa"]["verdict"] == "not_feasible"
