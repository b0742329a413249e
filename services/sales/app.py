"""Wires the sales service."""

from pathlib import Path

from services.sales import SERVICE_NAME
from services.sales.adapters.tables import attempts, inbox, outbox
from services.sales.settings import SalesSettings
from services.sales.subscribers import parts
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


def create_service(settings: SalesSettings | None = None, clock: Clock | None = None) -> Service:
    return build_service(DEFINITION, settings or SalesSettings(), clock)
