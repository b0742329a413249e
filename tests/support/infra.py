"""Where the tests' real Kafka broker and PostgreSQL server come from.

Kafka: the broker named in the environment (ORDERFLOW_TEST_KAFKA_BOOTSTRAP, reached as the
principals whose passwords are in ORDERFLOW_TEST_KAFKA_SECRETS, a directory laid out as
deploy/secrets.sh makes it), otherwise the local broker of deploy/kafka.sh. Either way over
SASL_SSL with one principal per service and ACLs: the tests prove the security they run under,
so a broker without it (a plain testcontainers Kafka) is not one they can use.

PostgreSQL: ORDERFLOW_TEST_POSTGRES_URL; testcontainers when a Docker engine answers; otherwise
the local server of deploy/postgres.sh.
"""

import contextlib
import functools
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shared.contracts.acls import ADMIN
from shared.messaging.access import KafkaAccess, read_secret

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


@functools.cache
def secrets_dir() -> Path:
    """Where the principals' passwords and the broker's CA are (deploy/secrets.sh makes them)."""
    if named := os.environ.get("ORDERFLOW_TEST_KAFKA_SECRETS"):
        return Path(named)
    result = subprocess.run(
        ["bash", str(REPO / "deploy" / "secrets.sh"), "--print-dir"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return Path(result.stdout.strip().splitlines()[-1])


def as_principal(kafka: KafkaAccess, principal: str) -> KafkaAccess:
    """The same broker, as `principal` (a service, an outside system, operations, admin)."""
    return kafka.as_user(principal, read_secret(secrets_dir() / f"kafka-{principal}"))


@contextlib.contextmanager
def kafka_admin() -> Iterator[KafkaAccess]:
    """The tests' broker, as its super user."""
    bootstrap = os.environ.get("ORDERFLOW_TEST_KAFKA_BOOTSTRAP") or run_script("kafka.sh")
    secrets = secrets_dir()
    yield KafkaAccess(
        bootstrap,
        "SASL_SSL",
        ADMIN,
        read_secret(secrets / f"kafka-{ADMIN}"),
        secrets / "kafka-ca.pem",
    )


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


def kafka_settings(kafka: KafkaAccess) -> dict[str, Any]:
    """`ServiceSettings` fields that make an in-process service reach the broker as `kafka`:
    the settings `KafkaAccess.environment` names, by their field names."""
    return {name.lower(): value for name, value in kafka.environment("").items()}
