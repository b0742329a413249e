"""The AsyncAPI 3.0 document of every topic, generated from the contracts and the catalogue.

`python -m shared.contracts.asyncapi` rewrites `docs/asyncapi.json`; a test fails when the
committed document differs from what this module generates, and validates it against the
AsyncAPI 3.0.0 schema. One channel per topic (its address is the topic name), one message per
contract with its JSON Schema, its Kafka key and, for events, the headers the relay sets; one
`send` operation per publisher and one `receive` operation per service that follows the topic.
"""

import inspect
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from shared.contracts import topics
from shared.contracts.catalogue import BANK, CONSUMERS, PRODUCERS, SUBMITTER, key_of
from shared.contracts.envelope import Event
from shared.contracts.schemas import MESSAGES

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.json"
SCHEMAS = "#/components/schemas/{model}"
KAFKA_BINDING = "0.5.0"
DEFAULT_PARTITIONS = 3

OUTSIDE = {
    SUBMITTER: "another system that submits orders (web shop, EDI)",
    BANK: "the bank, notifying money received",
}

EVENT_HEADERS = {
    "type": "object",
    "description": "Kafka headers set on every event, for tools that filter without the JSON",
    "properties": {
        "content-type": {"type": "string", "const": "application/json"},
        "event_type": {"type": "string", "description": "equals the topic"},
        "event_id": {"type": "string", "format": "uuid"},
        "schema_version": {"type": "string", "description": "the payload's schema_version"},
        "producer": {"type": "string", "description": "the service that published it"},
    },
    "required": ["content-type", "event_type", "event_id", "schema_version", "producer"],
}

DEAD_LETTER_HEADERS = {
    "type": "object",
    "description": "Where the record came from and why it was not handled",
    "properties": {
        "dlq.reason": {"type": "string"},
        "dlq.service": {"type": "string"},
        "dlq.topic": {"type": "string"},
        "dlq.partition": {"type": "string"},
        "dlq.offset": {"type": "string"},
    },
}


def _id(topic: str) -> str:
    """A topic's name as an AsyncAPI key (letters, digits, _ and - only)."""
    return topic.replace(".", "_")


def _summary(model: type[BaseModel]) -> str:
    return inspect.cleandoc(model.__doc__ or model.__name__).split("\n\n")[0].replace("\n", " ")


def _schemas() -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """(topic -> the payload's reference, every schema by name), generated in one go so that a
    model shared by several contracts is one schema."""
    mode: Literal["serialization"] = "serialization"
    keys: list[tuple[str, tuple[type[BaseModel], Literal["serialization"]]]] = [
        (topic, (model, mode)) for topic, model in sorted(MESSAGES.items())
    ]
    refs, definitions = models_json_schema(
        [key for _topic, key in keys], ref_template=SCHEMAS, title="Orderflow contracts"
    )
    by_topic = {topic: dict(refs[key]) for topic, key in keys}
    return by_topic, dict(definitions.get("$defs", {}))


def _message(topic: str, model: type[BaseModel], payload: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {
        "name": model.__name__,
        "title": model.__name__,
        "summary": _summary(model),
        "contentType": "application/json",
        "payload": payload,
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": key_of(topic)},
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }
    if issubclass(model, Event):
        message["headers"] = EVENT_HEADERS
    return message


def _dead_letter() -> dict[str, Any]:
    return {
        "name": "DeadLetter",
        "title": "DeadLetter",
        "summary": "A record a service could not handle: the original bytes, unchanged (cut to "
        "the broker's limit with its size and SHA-256 if too large)",
        "contentType": "application/octet-stream",
        "headers": DEAD_LETTER_HEADERS,
        "payload": {"type": "string", "description": "the original record's value"},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": key_of(topics.DEAD_LETTER)},
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def _channel(topic: str, message: str, compacted: bool) -> dict[str, Any]:
    configuration: dict[str, Any] = {"cleanup.policy": ["compact" if compacted else "delete"]}
    return {
        "address": topic,
        "title": topic,
        "messages": {message: {"$ref": f"#/components/messages/{message}"}},
        "bindings": {
            "kafka": {
                "topic": topic,
                "partitions": DEFAULT_PARTITIONS,
                "topicConfiguration": configuration,
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def _operation(action: str, party: str, topic: str, message: str) -> dict[str, Any]:
    who = OUTSIDE.get(party, f"the {party} service")
    verb = "publishes" if action == "send" else "follows"
    return {
        "action": action,
        "title": f"{party} {verb} {topic}",
        "summary": f"{who} {verb} `{topic}`",
        "channel": {"$ref": f"#/channels/{_id(topic)}"},
        "messages": [{"$ref": f"#/channels/{_id(topic)}/messages/{message}"}],
        "tags": [{"name": party}],
    }


def document() -> dict[str, Any]:
    """The whole AsyncAPI document, as a JSON-ready dict (stable order)."""
    payloads, schemas = _schemas()
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    names: Mapping[str, str] = {
        topic: MESSAGES[topic].__name__ if topic in MESSAGES else "DeadLetter"
        for topic in topics.ALL_TOPICS
    }
    for topic in sorted(topics.ALL_TOPICS):
        name = names[topic]
        messages[name] = (
            _message(topic, MESSAGES[topic], payloads[topic])
            if topic in MESSAGES
            else _dead_letter()
        )
        channels[_id(topic)] = _channel(topic, name, topic in topics.COMPACTED_TOPICS)
        for party in sorted(PRODUCERS[topic]):
            operations[f"{party}_sends_{_id(topic)}"] = _operation("send", party, topic, name)
        for party in sorted(CONSUMERS[topic]):
            operations[f"{party}_receives_{_id(topic)}"] = _operation("receive", party, topic, name)
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Orderflow",
            "version": "1",
            "description": "Order-to-delivery for a make-to-order manufacturer: five department "
            "services (sales, review, production, logistics, finance) and two outside systems "
            "(an order submitter, the bank) talking only through these Kafka topics. Every "
            "event carries its order id (also its key), its own id, its cause, when and who "
            "produced it. Generated by `python -m shared.contracts.asyncapi`.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "The broker `deploy/kafka.sh` starts (KAFKA_BOOTSTRAP_SERVERS)",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def render() -> str:
    return json.dumps(document(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def main() -> None:
    DOCUMENT.write_text(render())


if __name__ == "__main__":
    main()
