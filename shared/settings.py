"""Settings every service shares; each service subclasses it with its own env prefix."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from shared.db.engine import sqlite_url
from shared.messaging.access import KafkaAccess, read_secret
from shared.seed.model import DEFAULT_SEED_FILE


class ServiceSettings(BaseSettings):
    """Common settings. Read from the environment as ORDERFLOW_<SERVICE>_<FIELD>."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092", description="Kafka bootstrap servers, comma-separated"
    )
    kafka_security_protocol: Literal["SASL_SSL", "PLAINTEXT"] = Field(
        default="SASL_SSL",
        description="SASL_SSL: TLS, then SCRAM-SHA-512 as kafka_username; PLAINTEXT only for a "
        "broker without any security",
    )
    kafka_username: str | None = Field(
        default=None,
        max_length=100,
        description="The service's Kafka principal; unset: the service's name",
    )
    kafka_password: SecretStr | None = Field(
        default=None, description="The principal's SCRAM password (prefer kafka_password_file)"
    )
    kafka_password_file: Path | None = Field(
        default=None, description="A file holding the principal's SCRAM password"
    )
    kafka_ca_file: Path | None = Field(
        default=None,
        description="PEM file of the CA that signed the broker's certificate; unset: the "
        "system's CAs",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the service's own database (postgresql://... for "
        "PostgreSQL); unset: a SQLite file under data_dir",
    )
    database_password_file: Path | None = Field(
        default=None,
        description="A file holding the database password (e.g. a container secret), used when "
        "database_url has none, so the password is in no environment variable",
    )
    data_dir: Path = Field(default=Path("data"), description="Where the SQLite default lives")
    topic_namespace: str = Field(
        default="",
        pattern=r"^[A-Za-z0-9._-]*$",
        description="Prefix of every topic and consumer group name, so several independent "
        "systems (e.g. test runs) can share one cluster; empty in a normal deployment",
    )
    topic_partitions: int = Field(
        default=3, ge=1, description="Partitions for topics the service creates at start"
    )
    topic_replication_factor: int = Field(
        default=1, ge=1, description="Replication factor for topics the service creates"
    )
    kafka_session_timeout_ms: int = Field(
        default=10_000, ge=6_000, description="Consumer group session timeout"
    )
    outbox_batch_size: int = Field(
        default=500, ge=1, le=10_000, description="Records the outbox relay publishes per round"
    )
    consumer_batch_size: int = Field(
        default=500,
        ge=1,
        le=10_000,
        description="Records fetched and handled in one database transaction at most",
    )
    # At a steady 50 orders/s, 100 ms against 25 ms cut the services' CPU per order by 5-8 %
    # and the broker's by a quarter (larger batches: fewer transactions, commits and fetches
    # per order) and p99 from 3.9-7.0 s to 2.9-4.1 s in alternating runs of `make bench
    # ARGS="--rate 50 --only pipeline"`; under a burst fetches fill at once.
    consumer_fetch_wait_ms: int = Field(
        default=100,
        ge=0,
        le=1_000,
        description="How long the broker may hold a fetch to gather records (up to 512 KiB): "
        "longer waits mean larger batches, so fewer transactions per order, at up to this much "
        "added latency per hop when the bus is quiet (under load fetches fill at once)",
    )
    max_record_bytes: int = Field(
        default=1_000_000,
        ge=10_000,
        description="Largest record the service publishes (stay under the broker's "
        "message.max.bytes): a larger event is refused at write time and what caused it is "
        "dead-lettered; a larger dead letter is truncated, with its size and SHA-256",
    )
    shutdown_grace_seconds: float = Field(
        default=30.0,
        gt=0,
        description="On SIGTERM, how long the batch in hand may take to be handled and committed "
        "before the service stops anyway (it is then rewound and fetched again)",
    )
    log_level: str = Field(default="INFO", description="Python logging level")
    http_host: str = Field(default="127.0.0.1", description="Address the HTTP API listens on")
    http_port: int = Field(default=8000, ge=0, description="Port of the HTTP API (0: any free)")
    seed_file: Path = Field(
        default=DEFAULT_SEED_FILE,
        description="Master data and API users loaded at start (each service its own part)",
    )
    demo_mode: bool = Field(
        default=False,
        description="Let the seed's demo users (given with their tokens in clear) call the API; "
        "`make run` switches it on. Off, only users with a token_sha256 are known",
    )
    http_max_body_bytes: int = Field(
        default=256 * 1024, ge=1024, description="Largest request body the API reads (413 past it)"
    )
    http_requests_per_second: float = Field(
        default=20.0, gt=0, description="Requests per second one token may make, after a burst"
    )
    http_request_burst: float = Field(
        default=40.0, ge=1, description="Requests one token may make at once"
    )
    http_failures_per_minute: float = Field(
        default=30.0,
        gt=0,
        description="Failed authentications per minute one client address may make, after a "
        "burst of 10; past it every attempt from there is refused (429) until it recovers",
    )
    attempt_retention_days: int = Field(
        default=400,
        ge=1,
        le=3650,
        description="How long the decision attempts (GET /decision-attempts) are kept",
    )
    clock_offset_file: Path | None = Field(
        default=None,
        description="Testing and demos only: a file holding seconds to add to the wall clock, "
        "so deadlines can be reached without waiting; unset in production",
    )

    def kafka_access(self, service: str) -> KafkaAccess:
        """How this service reaches Kafka; raises `KafkaAccessError` when credentials lack."""
        password = self.kafka_password.get_secret_value() if self.kafka_password else None
        if password is None and self.kafka_password_file is not None:
            password = read_secret(self.kafka_password_file)
        return KafkaAccess(
            self.kafka_bootstrap_servers,
            self.kafka_security_protocol,
            self.kafka_username or service,
            password,
            self.kafka_ca_file,
        )

    def database_url_for(self, service: str) -> str:
        if self.database_url is None:
            return sqlite_url(self.data_dir, service)
        url = make_url(self.database_url)
        if self.database_password_file is not None and url.password is None:
            password = self.database_password_file.read_text().strip()
            return url.set(password=password).render_as_string(hide_password=False)
        return self.database_url
