"""Wires the production service."""

from pathlib import Path

from services.production import SERVICE_NAME
from services.production.adapters.tables import attempts, inbox, outbox
from services.production.settings import ProductionSettings
from services.production.subscribers import parts
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


def create_service(
    settings: ProductionSettings | None = None, clock: Clock | None = None
) -> Service:
    return build_service(DEFINITION, settings or ProductionSettings(), clock)
