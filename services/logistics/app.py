"""Wires the logistics service."""

from pathlib import Path

from services.logistics import SERVICE_NAME
from services.logistics.adapters.tables import attempts, inbox, outbox
from services.logistics.settings import LogisticsSettings
from services.logistics.subscribers import parts
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
    settings: LogisticsSettings | None = None, clock: Clock | None = None
) -> Service:
    return build_service(DEFINITION, settings or LogisticsSettings(), clock)
