"""The AsyncAPI document in docs/ is what the contracts and the catalogue generate, and it is a
valid AsyncAPI 3.0.0 document.

The schema it is checked against is the AsyncAPI Initiative's own (`@asyncapi/specs` 6.11.1 on
npm, `schemas/3.0.0-without-$id.json`, Apache-2.0), kept gzipped in tests/support/schemas/.
"""

import copy
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from shared.contracts import topics
from shared.contracts.asyncapi import DOCUMENT, document, render
from shared.contracts.catalogue import PRODUCERS
from shared.contracts.schemas import MESSAGES
from tests.support.flow import followers_by_topic

SPEC = Path(__file__).resolve().parents[1] / "support" / "schemas" / "asyncapi-3.0.0.json.gz"


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    return Draft7Validator(json.loads(gzip.decompress(SPEC.read_bytes())))


@pytest.fixture(scope="module")
def generated() -> dict[str, Any]:
    return document()


def test_the_committed_document_is_what_the_contracts_generate() -> None:
    """Run `python -m shared.contracts.asyncapi` after changing a contract or the catalogue."""
    assert DOCUMENT.read_text() == render()


def test_the_document_is_valid_asyncapi_3(
    validator: Draft7Validator, generated: dict[str, Any]
) -> None:
    problems = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message[:200]}"
        for error in validator.iter_errors(generated)
    ]
    assert problems == []


def test_the_schema_check_refuses_a_broken_document(
    validator: Draft7Validator, generated: dict[str, Any]
) -> None:
    broken = copy.deepcopy(generated)
    next(iter(broken["operations"].values()))["action"] = "publish"  # AsyncAPI 2's verb

    assert not validator.is_valid(broken)


def test_every_topic_is_a_channel_with_its_contracts_schema(generated: dict[str, Any]) -> None:
    channels = {channel["address"]: channel for channel in generated["channels"].values()}
    messages = generated["components"]["messages"]
    schemas = generated["components"]["schemas"]

    assert set(channels) == set(topics.ALL_TOPICS)
    for topic, model in MESSAGES.items():
        [name] = channels[topic]["messages"]
        assert name == model.__name__
        assert messages[name]["payload"] == {"$ref": f"#/components/schemas/{name}"}
        assert set(schemas[name]["properties"]) == set(
            model.model_json_schema(mode="serialization")["properties"]
        )
    compacted = {
        address
        for address, channel in channels.items()
        if channel["bindings"]["kafka"]["topicConfiguration"]["cleanup.policy"] == ["compact"]
    }
    assert compacted == set(topics.COMPACTED_TOPICS)


def test_operations_name_who_publishes_and_which_services_follow_each_topic(
    generated: dict[str, Any],
) -> None:
    channel_topic = {key: channel["address"] for key, channel in generated["channels"].items()}
    sends: dict[str, set[str]] = {}
    receives: dict[str, set[str]] = {}
    for operation in generated["operations"].values():
        topic = channel_topic[operation["channel"]["$ref"].removeprefix("#/channels/")]
        [tag] = operation["tags"]
        by_action = sends if operation["action"] == "send" else receives
        by_action.setdefault(topic, set()).add(tag["name"])

    assert sends == {topic: set(who) for topic, who in PRODUCERS.items()}
    assert receives == {topic: set(who) for topic, who in followers_by_topic().items()}
