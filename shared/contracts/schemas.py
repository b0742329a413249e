"""JSON Schemas generated from the contracts; `python -m shared.contracts.schemas` rewrites them."""

import json
from pathlib import Path

from pydantic import BaseModel

from shared.contracts import topics
from shared.contracts.intake import OrderSubmission, PaymentNotification
from shared.contracts.registry import EVENT_TYPES

SCHEMA_DIR = Path(__file__).parent / "json_schemas"

MESSAGES: dict[str, type[BaseModel]] = {
    topics.ORDER_SUBMITTED: OrderSubmission,
    topics.PAYMENT_NOTIFIED: PaymentNotification,
    **{event.TOPIC: event for event in EVENT_TYPES},
}


def render(model: type[BaseModel]) -> str:
    """The schema of one message as stable, pretty JSON."""
    return (
        json.dumps(model.model_json_schema(mode="serialization"), indent=2, sort_keys=True) + "\n"
    )


def schema_path(topic: str) -> Path:
    return SCHEMA_DIR / f"{topic}.v1.json"


def main() -> None:
    SCHEMA_DIR.mkdir(exist_ok=True)
    for topic, model in MESSAGES.items():
        schema_path(topic).write_text(render(model))


if __name__ == "__main__":
    main()
