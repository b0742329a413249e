"""Review's handlers: turn a consumed message, a person's decision or a deadline check into a
domain call, store the result and return the events it causes."""

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from services.review.adapters import master_data, repository
from services.review.adapters.wire import (
    acknowledgement,
    all_to_wire,
    apply_change_command,
    assessment,
    open_review_command,
    reopen_command,
)
from services.review.domain.changes import ReviewAnswer
from services.review.domain.master import ApprovalAuthority, ReviewPolicy
from services.review.domain.model import (
    Outcome,
    OverrideFeasibility,
    RecordNegotiationOutcome,
    Review,
    SignApproval,
)
from shared.contracts import (
    BalanceUpdated,
    ChangeDecided,
    ChangeRequested,
    CollectionStepped,
    ConfirmationIssued,
    ConfirmationSigned,
    CustomerUpdated,
    Event,
    FeasibilityAssessed,
    OrderClosed,
    OrderPlaced,
    OrderReleased,
    ProductUpdated,
)
from shared.decisions import NotFound
from shared.messaging.routes import Incoming, MessageRejected

# -- consumed messages ----------------------------------------------------------------------------


async def open_review(
    connection: AsyncConnection,
    incoming: Incoming[OrderPlaced],
    policy: ReviewPolicy,
) -> list[Event]:
    """P2.4: open the review of a placed order (received now, due in two days), ask production
    and purchasing at once, and evaluate it if the customer's and products' master data are
    there; otherwise it waits for them. An order placed again is not reviewed a second time."""
    placed = incoming.body
    if await repository.exists(connection, placed.order_id):
        return []
    now = incoming.received_at
    review = Review.open(open_review_command(placed), now)
    parked = await repository.take_parked_assessment(connection, placed.order_id)
    if parked is not None:
        review.record_assessment(*parked, now)
    basis = await master_data.basis_for(
        connection, review.customer_id, review.product_codes, policy, review.order_id
    )
    review.evaluate(basis, now)
    await repository.add(connection, review)
    return all_to_wire(review.events, incoming.causation_id, now)


async def store_customer(
    connection: AsyncConnection,
    incoming: Incoming[CustomerUpdated],
    policy: ReviewPolicy,
) -> list[Event]:
    """Keep the latest customer record; reviews waiting for it are evaluated now."""
    record = incoming.body.payload
    await master_data.store_customer(connection, record)
    return await _evaluate_waiting(
        connection,
        f"customer:{record.customer_id}",
        policy,
        incoming.causation_id,
        incoming.received_at,
    )


async def store_product(
    connection: AsyncConnection,
    incoming: Incoming[ProductUpdated],
    policy: ReviewPolicy,
) -> list[Event]:
    """Keep the latest product record; reviews waiting for it are evaluated now."""
    record = incoming.body.payload
    await master_data.store_product(connection, record)
    return await _evaluate_waiting(
        connection,
        f"product:{record.product_code}",
        policy,
        incoming.causation_id,
        incoming.received_at,
    )


async def store_balance(
    connection: AsyncConnection, incoming: Incoming[BalanceUpdated]
) -> list[Event]:
    """P6.4: keep the customer's latest open balance for the credit check of its next orders."""
    await master_data.store_balance(connection, incoming.body.payload)
    return []


async def record_collection_step(
    connection: AsyncConnection, incoming: Incoming[CollectionStepped]
) -> list[Event]:
    """P6.3: keep, per invoice, whether its collection is escalated (the latest step wins);
    while any invoice of a customer is, its new orders need the general manager (P8.1)."""
    await master_data.store_collection_step(
        connection, incoming.body.payload, incoming.body.occurred_at
    )
    return []


async def record_assessment(
    connection: AsyncConnection, incoming: Incoming[FeasibilityAssessed]
) -> list[Event]:
    """P2.4: production's and purchasing's answers. Answers for an order review has not opened
    yet are kept until it does."""
    assessed = incoming.body
    production = assessment(assessed.payload.production)
    purchasing = assessment(assessed.payload.purchasing)
    review = await repository.load(connection, assessed.order_id)
    if review is None:
        await repository.park_assessment(
            connection, assessed.order_id, production, purchasing, incoming.received_at
        )
        return []
    review.record_assessment(production, purchasing, incoming.received_at, assessed.payload.version)
    await repository.save(connection, review)
    return all_to_wire(review.events, incoming.causation_id, incoming.received_at)


async def acknowledge_change(
    connection: AsyncConnection, incoming: Incoming[ChangeRequested], policy: ReviewPolicy
) -> list[Event]:
    """P7.1: review accepts every change request, once per change, saying whether it reviews
    the order again (P7.4) or opens a new round on the new content (P7.3). An order review
    has not heard of is answered all the same, with nothing to review (rule 6 of
    docs/changes-and-returns.md)."""
    requested = incoming.body
    payload = requested.payload
    review = await repository.load(connection, requested.order_id)
    answer: ReviewAnswer = "not_needed"
    events: list[Event] = []
    if review is not None:
        given = review.acknowledge(
            payload.change_no,
            payload.stage == "before_confirmation",
            "cancel" in payload.kinds,
            payload.needs_review,
        )
        if given is None:
            return []
        answer = given
        if answer == "reopened":
            await _reopen(connection, review, requested, policy, incoming.received_at)
        await repository.save(connection, review)
        events = all_to_wire(review.events, incoming.causation_id, incoming.received_at)
    ack = acknowledgement(requested, answer, incoming.causation_id, incoming.received_at)
    return [ack, *events]


async def _reopen(
    connection: AsyncConnection,
    review: Review,
    requested: ChangeRequested,
    policy: ReviewPolicy,
    now: datetime,
) -> None:
    """P7.3: the new round on the change's content, evaluated at once as a new order is."""
    command = reopen_command(requested)
    review.reopen(command, now)
    basis = await master_data.basis_for(
        connection, review.customer_id, review.product_codes, policy, review.order_id
    )
    review.evaluate(basis, now, command.in_person)


async def apply_change(
    connection: AsyncConnection, incoming: Incoming[ChangeDecided], policy: ReviewPolicy
) -> list[Event]:
    """P7.2, P7.4: apply a decided change once. Before confirmation (not a cancellation) the
    review starts again with the new content and is evaluated at once, as a new order is;
    otherwise only the applied total is kept. A change not applied changes nothing; an applied
    change of an order review never saw is refused (dead-lettered with the reason)."""
    command = apply_change_command(incoming.body)
    if command is None:
        return await _abandon_round(connection, incoming.body)
    review = await _consumed(connection, incoming.body.order_id)
    now = incoming.received_at
    if review.apply_change(command, now):
        basis = await master_data.basis_for(
            connection, review.customer_id, review.product_codes, policy, review.order_id
        )
        review.evaluate(basis, now, command.in_person)
    await repository.save(connection, review)
    return all_to_wire(review.events, incoming.causation_id, now)


async def _abandon_round(connection: AsyncConnection, decided: ChangeDecided) -> list[Event]:
    """P7.3: a change refused or withdrawn ends the round that reviewed it; the confirmed round
    is the review again. Any other decision not applied changes nothing in review."""
    if decided.payload.outcome not in ("refused", "withdrawn"):
        return []
    review = await repository.load(connection, decided.order_id)
    if review is not None and review.abandon_round(decided.payload.change_no):
        await repository.save(connection, review)
    return []


async def close_review(connection: AsyncConnection, incoming: Incoming[OrderClosed]) -> list[Event]:
    """P7.6: file the review with the order's final outcome (fulfilled, declined, or cancelled
    by the customer, P7.2, P7.4); closing again changes nothing."""
    review = await repository.load(connection, incoming.body.order_id)
    if review is None:
        raise MessageRejected(f"unknown order {incoming.body.order_id!r}")
    review.close(Outcome(incoming.body.payload.outcome))
    await repository.save(connection, review)
    return all_to_wire(review.events, incoming.causation_id, incoming.received_at)


async def record_confirmation(
    connection: AsyncConnection, incoming: Incoming[ConfirmationIssued]
) -> list[Event]:
    """P6.4: sales confirmed an approved order; the credit check is made again with the
    customer's other approved orders, and an exceeded limit is escalated (see
    `Review.record_confirmation`)."""
    issued = incoming.body
    review = await _consumed(connection, issued.order_id)
    credit = await master_data.credit_reason(
        connection, review.customer_id, review.order_id, review.total_amount, review.currency
    )
    review.record_confirmation(issued.payload.confirmed_delivery_date, credit, incoming.received_at)
    await repository.save(connection, review)
    return all_to_wire(review.events, incoming.causation_id, incoming.received_at)


async def record_signature(
    connection: AsyncConnection, incoming: Incoming[ConfirmationSigned]
) -> list[Event]:
    """P3.4: the signed confirmation is back; a late one moved the date, unless the release
    fixed it already."""
    review = await _consumed(connection, incoming.body.order_id)
    review.move_delivery_date(incoming.body.payload.expected_delivery_date)
    await repository.save(connection, review)
    return []


async def record_release(
    connection: AsyncConnection, incoming: Incoming[OrderReleased]
) -> list[Event]:
    """P3.5: the release carries the final delivery date."""
    review = await _consumed(connection, incoming.body.order_id)
    review.fix_delivery_date(incoming.body.payload.delivery_date)
    await repository.save(connection, review)
    return []


async def _consumed(connection: AsyncConnection, order_id: str) -> Review:
    """The review a consumed message is about; an order review never saw is refused (the
    record is dead-lettered with the reason)."""
    review = await repository.load(connection, order_id)
    if review is None:
        raise MessageRejected(f"unknown order {order_id!r}")
    return review


async def _evaluate_waiting(
    connection: AsyncConnection,
    arrived: str,
    policy: ReviewPolicy,
    causation_id: UUID,
    now: datetime,
) -> list[Event]:
    """Evaluate again the reviews that were waiting for the master data item that `arrived`
    (e.g. "customer:CUST-0001"); the others gain nothing from it."""
    events: list[Event] = []
    for review in await repository.load_awaiting_master_data(connection):
        if arrived not in review.missing_master_data:
            continue
        basis = await master_data.basis_for(
            connection, review.customer_id, review.product_codes, policy, review.order_id
        )
        review.evaluate(basis, now)
        await repository.save(connection, review)
        events += all_to_wire(review.events, causation_id, now)
    return events


# -- deadlines ------------------------------------------------------------------------------------


async def escalate_overdue(connection: AsyncConnection, now: datetime, limit: int) -> list[Event]:
    """P2.4, P8.2: every review still open after its deadline is escalated, once."""
    events: list[Event] = []
    for order_id in await repository.overdue(connection, now, limit):
        review = await repository.load(connection, order_id)
        if review is None or not review.escalate_if_overdue(now):
            continue
        await repository.save(connection, review)
        events += all_to_wire(review.events, None, now)
    return events


# -- people's decisions ---------------------------------------------------------------------------


async def read_review(connection: AsyncConnection, order_id: str) -> Review:
    review = await repository.load(connection, order_id, for_update=False)
    if review is None:
        raise NotFound(f"no review of order {order_id!r}")
    return review


async def sign_approval(
    connection: AsyncConnection,
    order_id: str,
    command: SignApproval,
    authority: ApprovalAuthority,
    now: datetime,
) -> tuple[Review, list[Event]]:
    """P2.2, P2.3, P8.1: a person approves or rejects; the domain decides whether they may,
    with the customer's escalated invoices (P6.3) and its credit (P6.4) as they are now."""
    review = await _load(connection, order_id)
    escalated = await master_data.escalated_invoices(connection, review.customer_id)
    credit = await master_data.credit_reason(
        connection,
        review.customer_id,
        order_id,
        review.total_amount - review.counted_in_balance,
        review.currency,
    )
    review.sign(command, authority, now, escalated, credit)
    await repository.save(connection, review)
    return review, all_to_wire(review.events, None, now)


async def override_feasibility(
    connection: AsyncConnection, order_id: str, command: OverrideFeasibility, now: datetime
) -> tuple[Review, list[Event]]:
    """P2.4: engineering or QA answers for its department."""
    review = await _load(connection, order_id)
    review.override(command, now)
    await repository.save(connection, review)
    return review, all_to_wire(review.events, None, now)


async def record_negotiation_outcome(
    connection: AsyncConnection, order_id: str, command: RecordNegotiationOutcome, now: datetime
) -> tuple[Review, list[Event]]:
    """P2.6: the general manager records the agreed date or declines the order."""
    review = await _load(connection, order_id)
    review.record_negotiation_outcome(command, now)
    await repository.save(connection, review)
    return review, all_to_wire(review.events, None, now)


async def _load(connection: AsyncConnection, order_id: str) -> Review:
    review = await repository.load(connection, order_id)
    if review is None:
        raise NotFound(f"no review of order {order_id!r}")
    return review
