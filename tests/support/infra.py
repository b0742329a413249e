"""Where the tests' real Kafka broker and PostgreSQL server come from.

In this order: servers named in the environment (ORDERFLOW_TEST_KAFKA_BOOTSTRAP,
ORDERFLOW_TEST_POSTGRES_URL); testcontainers when a Docker engine answers; otherwise the local
broker and database installed and started by deploy/kafka.sh and deploy/postgres.sh.
"""

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def docker_engine_reachable() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        result = subprocess.run(
            ["docker", "info", "--format", "{{.ServerVersion}}"],
            capture_output=True,
            timeout=15,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def run_script(script: str) -> str:
    """Run a deploy script's `start` (installs what is missing) and return what it prints."""
    result = subprocess.run(
        ["bash", str(REPO / "deploy" / script), "start"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"deploy/{script} start failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1]


@contextlib.contextmanager
def kafka_bootstrap() -> Iterator[str]:
    if named := os.environ.get("ORDERFLOW_TEST_KAFKA_BOOTSTRAP"):
        yield named
    elif docker_engine_reachable():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer("confluentinc/cp-kafka:7.7.1").with_kraft() as container:
            yield container.get_bootstrap_server()
    else:
        yield run_script("kafka.sh")


@contextlib.contextmanager
def postgres_server_url() -> Iterator[str]:
    """URL of a PostgreSQL server on which the tests may create databases."""
    if named := os.environ.get("ORDERFLOW_TEST_POSTGRES_URL"):
        yield named
    elif docker_engine_reachable():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16", driver=None) as container:
            yield container.get_connection_url()
    else:
        yield run_script("postgres.sh")
