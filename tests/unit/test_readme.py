"""The README's topic catalogue shows real messages: each example must parse as its contract."""

import re
from pathlib import Path

import pytest

from shared.contracts import topics
from shared.contracts.catalogue import BANK, PRODUCERS, SUBMITTER
from shared.contracts.schemas import MESSAGES
from tests.support.flow import followers_by_topic
from tests.support.system import SERVICES

README = Path(__file__).resolve().parents[2] / "README.md"
EXAMPLE = re.compile(r"#### `(?P<topic>[a-z_.]+)`\n\n```json\n(?P<body>.*?)\n```", re.DOTALL)


def catalogue_examples() -> dict[str, str]:
    return {match["topic"]: match["body"] for match in EXAMPLE.finditer(README.read_text())}


def test_the_catalogue_has_an_example_for_every_topic_with_a_contract() -> None:
    assert set(catalogue_examples()) == set(topics.ALL_TOPICS) - {topics.DEAD_LETTER}


@pytest.mark.parametrize("topic", sorted(MESSAGES))
def test_the_catalogue_example_is_a_valid_message_of_its_topic(topic: str) -> None:
    MESSAGES[topic].model_validate_json(catalogue_examples()[topic])


CATALOGUE_ROW = re.compile(
    r"^\| `(?P<topic>[a-z_.]+)` \| (?P<producer>[^|]+) \| (?P<consumers>[^|]+) \|", re.M
)
OUTSIDE_PRODUCERS = {
    "another system (web shop, EDI)": {SUBMITTER},
    "the bank (outside)": {BANK},
    "every service": set(SERVICES),
}


def test_the_catalogue_names_exactly_the_services_that_consume_each_topic() -> None:
    """Services are named before any `people:`; what follows names people, not subscribers."""
    said = {
        row["topic"]: sorted(
            service
            for service in SERVICES
            if re.search(rf"\b{service}\b", row["consumers"].split("people:")[0])
        )
        for row in CATALOGUE_ROW.finditer(README.read_text())
    }
    subscribed = followers_by_topic()

    assert set(said) == set(topics.ALL_TOPICS)
    assert said == {topic: sorted(subscribed.get(topic, [])) for topic in said}


def test_the_catalogue_names_who_publishes_each_topic_as_the_services_enforce_it() -> None:
    said = {
        row["topic"]: OUTSIDE_PRODUCERS.get(row["producer"].strip())
        or {name.strip() for name in row["producer"].split(",")}
        for row in CATALOGUE_ROW.finditer(README.read_text())
    }

    assert said == {topic: set(who) for topic, who in PRODUCERS.items()}
    assert set(PRODUCERS) == set(topics.ALL_TOPICS)


def test_the_example_submission_file_is_a_valid_submission() -> None:
    body = (README.parent / "examples" / "order-submission.json").read_text()
    MESSAGES[topics.ORDER_SUBMITTED].model_validate_json(body)
