"""Apply a service's Alembic migrations at start, on the service's own async engine."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine


def alembic_config(script_location: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    return config


async def upgrade_to_head(engine: AsyncEngine, script_location: Path) -> None:
    """Bring the schema to the newest revision. The service's `env.py` picks the connection up
    from `config.attributes['connection']` (see `run_migrations_online`)."""
    config = alembic_config(script_location)

    def _upgrade(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


def run_migrations_online() -> None:
    """Body of every service's `env.py`: run on the connection handed over by upgrade_to_head."""
    from alembic import context

    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("migrations run through shared.db.migrate.upgrade_to_head only")
    context.configure(connection=connection, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
