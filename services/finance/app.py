"""Wires the finance service."""

from pathlib import Path

from services.finance import SERVICE_NAME
from services.finance.adapters.tables import attempts, inbox, outbox
from services.finance.settings import FinanceSettings
from services.finance.subscribers import parts
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


def create_service(settings: FinanceSettings | None = None, clock: Clock | None = None) -> Service:
    return build_service(DEFINITION, settings or FinanceSettings(), clock)
