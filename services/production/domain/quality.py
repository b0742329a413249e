"""Quality control on the line and of finished goods, and the warehouse receipt (P4.8, P4.9).

The QA inspector's patrol signs each routing operation, in order; a failed operation holds all
later ones until it passes after rework. Finished units are inspected on request: passed units
can be received, failed ones are reworked (inspected again) or scrapped.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from shared.decisions import InvalidDecision, NotAllowedNow, NotFound, Signature

DEFAULT_ROUTING = ("assembly",)
"""The routing of a product without one in the seed."""


class OperationStatus(StrEnum):
    WAITING = "waiting"
    PASSED = "passed"
    FAILED = "failed"


@dataclass(frozen=True)
class Patrol:
    passed: bool
    note: str
    signed: Signature


@dataclass(frozen=True)
class Operation:
    number: int
    product_code: str
    name: str
    patrols: tuple[Patrol, ...] = ()

    @property
    def status(self) -> OperationStatus:
        if not self.patrols:
            return OperationStatus.WAITING
        return OperationStatus.PASSED if self.patrols[-1].passed else OperationStatus.FAILED


def routing_operations(
    product_codes: Iterable[str], routings: Mapping[str, Sequence[str]]
) -> tuple[Operation, ...]:
    """The order's operations: each product's routing, products in order of first appearance."""
    seen: list[str] = []
    for code in product_codes:
        if code not in seen:
            seen.append(code)
    names = [(code, name) for code in seen for name in routings.get(code, DEFAULT_ROUTING)]
    return tuple(Operation(n, code, name) for n, (code, name) in enumerate(names, start=1))


def extend_routing(
    operations: tuple[Operation, ...],
    product_codes: Iterable[str],
    routings: Mapping[str, Sequence[str]],
) -> tuple[Operation, ...]:
    """The operations of products added to an order released already (P7.3), numbered after
    the existing ones and waiting for patrol; the patrols passed stand."""
    known = {operation.product_code for operation in operations}
    added = routing_operations((c for c in product_codes if c not in known), routings)
    return (*operations, *(replace(o, number=o.number + len(operations)) for o in added))


def patrol(
    operations: tuple[Operation, ...], number: int, passed: bool, note: str, signed: Signature
) -> tuple[Operation, ...]:
    """The inspector's verdict on one operation (P4.8): only the first operation not passed yet
    may be inspected, so a failure stops the next one until rework passes."""
    if not 1 <= number <= len(operations):
        raise NotFound(f"there is no operation {number}")
    operation = operations[number - 1]
    if operation.status is OperationStatus.PASSED:
        raise NotAllowedNow(f"operation {number} ({operation.name}) has already passed")
    for earlier in operations[: number - 1]:
        if earlier.status is not OperationStatus.PASSED:
            todo = "rework it" if earlier.status is OperationStatus.FAILED else "inspect it"
            raise NotAllowedNow(
                f"operation {earlier.number} ({earlier.name}) has not passed: {todo} first"
            )
    if not passed and not note.strip():
        raise InvalidDecision("a failed operation needs a note saying what is wrong")
    changed = replace(operation, patrols=(*operation.patrols, Patrol(passed, note, signed)))
    return (*operations[: number - 1], changed, *operations[number:])


def all_passed(operations: Sequence[Operation]) -> bool:
    return all(operation.status is OperationStatus.PASSED for operation in operations)


class Disposition(StrEnum):
    REWORK = "rework"
    SCRAP = "scrap"


@dataclass(frozen=True)
class InspectionRequest:
    """An inspection request (送检单) for finished units of one product, and its result."""

    number: int
    product_code: str
    quantity: int
    requested: Signature
    rework_of: int | None = None
    passed: int | None = None
    failed: int | None = None
    note: str = ""
    inspected: Signature | None = None
    disposition: Disposition | None = None
    disposed: Signature | None = None

    @property
    def signed(self) -> bool:
        return self.inspected is not None


@dataclass(frozen=True)
class Receipt:
    """Finished units received into the warehouse (入库单), day by day."""

    product_code: str
    quantity: int
    on: date
    signed: Signature


@dataclass(frozen=True)
class Tally:
    """Per product: what final inspection saw and what the warehouse received."""

    inspected: int = 0
    passed: int = 0
    failed: int = 0
    scrapped: int = 0
    pending: int = 0
    """Asked for inspection, not signed yet."""
    awaiting_disposition: int = 0
    received: int = 0


def tally(
    product_code: str, requests: Sequence[InspectionRequest], receipts: Sequence[Receipt]
) -> Tally:
    mine = [r for r in requests if r.product_code == product_code]
    signed = [r for r in mine if r.signed]
    return Tally(
        inspected=sum((r.passed or 0) + (r.failed or 0) for r in signed),
        passed=sum(r.passed or 0 for r in signed),
        failed=sum(r.failed or 0 for r in signed),
        scrapped=sum(r.failed or 0 for r in signed if r.disposition is Disposition.SCRAP),
        pending=sum(r.quantity for r in mine if not r.signed),
        awaiting_disposition=sum(r.failed or 0 for r in signed if r.disposition is None),
        received=sum(r.quantity for r in receipts if r.product_code == product_code),
    )


def request_inspection(
    requests: tuple[InspectionRequest, ...],
    receipts: Sequence[Receipt],
    ordered: Mapping[str, int],
    product_code: str,
    quantity: int,
    signed: Signature,
) -> tuple[InspectionRequest, ...]:
    """The workshop asks QA to inspect finished units (P4.8): never more than the order still
    needs beyond what passed, waits for QA or waits for a rework-or-scrap decision."""
    if product_code not in ordered:
        raise NotFound(f"the order has no product {product_code}")
    if quantity < 1:
        raise InvalidDecision("ask for inspection of at least one unit")
    counted = tally(product_code, requests, receipts)
    room = ordered[product_code] - counted.passed - counted.pending - counted.awaiting_disposition
    if quantity > room:
        raise NotAllowedNow(f"only {max(room, 0)} units of {product_code} can be inspected now")
    return (*requests, InspectionRequest(len(requests) + 1, product_code, quantity, signed))


def _request(requests: Sequence[InspectionRequest], number: int) -> InspectionRequest:
    if not 1 <= number <= len(requests):
        raise NotFound(f"there is no inspection request {number}")
    return requests[number - 1]


def sign_inspection(
    requests: tuple[InspectionRequest, ...],
    number: int,
    passed: int,
    failed: int,
    note: str,
    signed: Signature,
) -> tuple[InspectionRequest, ...]:
    """The QA inspector's signed result (P4.8): passed and failed units add up to the request."""
    request = _request(requests, number)
    if request.signed:
        raise NotAllowedNow(f"inspection request {number} is already signed")
    if passed < 0 or failed < 0 or passed + failed != request.quantity:
        raise InvalidDecision(
            f"passed and failed must add up to the {request.quantity} units inspected"
        )
    if failed and not note.strip():
        raise InvalidDecision("failed units need a note saying what is wrong")
    done = replace(request, passed=passed, failed=failed, note=note, inspected=signed)
    return (*requests[: number - 1], done, *requests[number:])


def dispose(
    requests: tuple[InspectionRequest, ...],
    number: int,
    disposition: Disposition,
    signed: Signature,
) -> tuple[InspectionRequest, ...]:
    """The production manager has the failed units of a request reworked (they are asked for
    inspection again) or scrapped (the order needs new units) (P4.8)."""
    request = _request(requests, number)
    if not request.signed or not request.failed:
        raise NotAllowedNow(f"inspection request {number} has no failed units")
    if request.disposition is not None:
        raise NotAllowedNow(f"the failed units of request {number} were already disposed of")
    decided = replace(request, disposition=disposition, disposed=signed)
    changed = (*requests[: number - 1], decided, *requests[number:])
    if disposition is Disposition.REWORK:
        assert request.failed is not None
        again = InspectionRequest(
            len(changed) + 1, request.product_code, request.failed, signed, rework_of=number
        )
        changed = (*changed, again)
    return changed


def receive(
    requests: Sequence[InspectionRequest],
    receipts: tuple[Receipt, ...],
    product_code: str,
    quantity: int,
    on: date,
    signed: Signature,
) -> tuple[Receipt, ...]:
    """The warehouse receives passed units (P4.8): never more than passed and not received."""
    counted = tally(product_code, requests, receipts)
    if quantity < 1:
        raise InvalidDecision("receive at least one unit")
    if quantity > counted.passed - counted.received:
        raise NotAllowedNow(
            f"only {counted.passed - counted.received} passed units of {product_code} "
            "wait for the warehouse"
        )
    return (*receipts, Receipt(product_code, quantity, on, signed))
