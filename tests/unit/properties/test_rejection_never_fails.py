"""The rejection path cannot fail on what a submitter sent (issue 6): for any bytes at all it
either answers with an `order.rejected` built only from values inside the contract's bounds, or
answers nothing, so the pipeline dead-letters the record. Nothing it returns fails to serialise.
"""

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from services.sales.handlers import reject_invalid_submission
from shared.contracts import OrderSubmission, SubmissionRejected
from shared.contracts.bounds import REJECTION_PROBLEMS
from shared.messaging.routes import Source
from tests.unit.properties.harness import republished

SOURCE = Source("order.submitted", 0, 7, b"PO-1")
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def answer(value: bytes) -> list[Any]:
    try:
        OrderSubmission.model_validate_json(value)
    except ValidationError as error:
        events = reject_invalid_submission(value, error, SOURCE, NOW)
        for event in events:
            assert isinstance(republished(event), SubmissionRejected)
        return events
    raise AssertionError("a valid submission has no rejection")


def identified(**fields: Any) -> bytes:
    return json.dumps({"submitter": "webshop", "customer_reference": "PO-1", **fields}).encode()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.binary(max_size=300))
def test_no_bytes_make_the_rejection_path_raise(value: bytes) -> None:
    try:
        OrderSubmission.model_validate_json(value)
    except ValidationError:
        answer(value)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(st.dictionaries(st.text(), JSON), st.sampled_from(["webshop", "\x00", "\ud800", "w" * 101]))
def test_no_json_document_makes_the_rejection_path_raise(
    document: dict[str, Any], submitter: str
) -> None:
    document = {**document, "submitter": submitter, "customer_reference": "PO-1"}
    answer(json.dumps(document).encode("utf-8", "surrogatepass"))


def test_deeply_nested_json_is_dead_lettered_not_raised() -> None:
    assert (
        answer(b'{"submitter": "webshop", "customer_reference": "PO-1", "x": ' + b"[" * 100_000)
        == []
    )


def test_a_reference_with_a_lone_surrogate_is_dead_lettered_not_answered() -> None:
    assert answer(b'{"submitter":"webshop","customer_reference":"PO-\\ud800"}') == []


def test_a_submitter_or_reference_outside_the_bounds_is_dead_lettered() -> None:
    assert answer(identified(submitter="web\x00shop")) == []
    assert answer(identified(customer_reference="P" * 101)) == []
    assert answer(identified(customer_reference=" PO-1")) == []


def test_an_unknown_field_echoed_in_a_problem_is_escaped_and_clipped() -> None:
    [rejected] = answer(identified(**{"x\x00\u202e" + "y" * 5000: 1}))

    fields = [problem.field for problem in rejected.payload.problems]
    echoed = next(field for field in fields if field.startswith("x"))
    assert echoed.startswith("x\\x00\\u202e")
    assert len(echoed) <= 200


def test_a_rejection_lists_at_most_a_hundred_problems_and_counts_the_rest() -> None:
    [rejected] = answer(identified(**{f"unknown{index}": 1 for index in range(1000)}))

    problems = rejected.payload.problems
    assert len(problems) == REJECTION_PROBLEMS
    assert problems[-1].message.startswith("and ")
    assert problems[-1].message.endswith(" more problems")


def test_a_rejection_is_keyed_by_the_bounded_reference() -> None:
    [rejected] = answer(identified(lines=[]))

    assert rejected.kafka_key() == "PO-1"
    assert rejected.payload.submitter == "webshop"
