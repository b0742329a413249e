"""Wires the review service."""

from pathlib import Path

from services.review import SERVICE_NAME
from services.review.adapters.tables import attempts, inbox, outbox
from services.review.settings import ReviewSettings
from services.review.subscribers import parts
from shared.clock import Clock
from shared.runtime import Service, ServiceDefinition, build_service

DEFINITION = ServiceDefinition(
    name=SERVICE_NAME,
    inbox=inbox,
    outbox=outbox,
    attempts=attempts,
    migrations=Path(__file__).parent / "migrations",
    parts=parts,
)


def create_service(settings: ReviewSettings | None = None, clock: Clock | None = None) -> Service:
    return build_service(DEFINITION, settings or ReviewSettings(), clock)
