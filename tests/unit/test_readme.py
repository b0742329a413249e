"""The README's topic catalogue shows real messages: each example must parse as its contract."""

import re
from pathlib import Path

import pytest

from shared.contracts import topics
from shared.contracts.schemas import MESSAGES

README = Path(__file__).resolve().parents[2] / "README.md"
EXAMPLE = re.compile(r"#### `(?P<topic>[a-z.]+)`\n\n```json\n(?P<body>.*?)\n```", re.DOTALL)


def catalogue_examples() -> dict[str, str]:
    return {match["topic"]: match["body"] for match in EXAMPLE.finditer(README.read_text())}


def test_the_catalogue_has_an_example_for_every_topic_with_a_contract() -> None:
    assert set(catalogue_examples()) == set(topics.ALL_TOPICS) - {topics.DEAD_LETTER}


@pytest.mark.parametrize("topic", sorted(MESSAGES))
def test_the_catalogue_example_is_a_valid_message_of_its_topic(topic: str) -> None:
    MESSAGES[topic].model_validate_json(catalogue_examples()[topic])


def test_the_example_submission_file_is_a_valid_submission() -> None:
    body = (README.parent / "examples" / "order-submission.json").read_text()
    MESSAGES[topics.ORDER_SUBMITTED].model_validate_json(body)
