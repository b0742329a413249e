"""How a client reaches Kafka: where, and as whom.

Every Kafka client of the project (the services' consumer, their outbox relay and topic set-up,
the `orderflow` tool, the tests and the benchmark) is built from one `KafkaAccess`, so one
setting decides for all of them. The default is SASL_SSL with SCRAM-SHA-512: TLS checked
against the CA in `ca_file`, then a user and password (docs/security.md). PLAINTEXT exists for
a broker that has no security at all (a throw-away container); it is never the default.
"""

import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from faststream.security import BaseSecurity, SASLScram512

Protocol = Literal["SASL_SSL", "PLAINTEXT"]


class KafkaAccessError(ValueError):
    """The settings do not say how to reach Kafka (a user, password or CA file is missing)."""


@dataclass(frozen=True)
class KafkaAccess:
    bootstrap: str
    protocol: Protocol = "SASL_SSL"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: Path | None = None

    def __post_init__(self) -> None:
        if self.protocol == "SASL_SSL":
            missing = [
                name
                for name, value in (
                    ("a user (KAFKA_USERNAME)", self.username),
                    ("a password (KAFKA_PASSWORD or KAFKA_PASSWORD_FILE)", self.password),
                )
                if not value
            ]
            if missing:
                raise KafkaAccessError(
                    f"Kafka over SASL_SSL needs {' and '.join(missing)}; deploy/secrets.sh makes "
                    "one per principal (or set KAFKA_SECURITY_PROTOCOL=PLAINTEXT for a broker "
                    "without security)"
                )

    def as_user(self, username: str, password: str) -> "KafkaAccess":
        """The same broker, as another principal."""
        return KafkaAccess(self.bootstrap, self.protocol, username, password, self.ca_file)

    def ssl_context(self) -> ssl.SSLContext:
        """TLS that checks the broker's certificate and name against the CA file (or the
        system's CAs when none is given)."""
        return ssl.create_default_context(
            cafile=str(self.ca_file) if self.ca_file is not None else None
        )

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for an aiokafka producer, consumer or admin client."""
        options: dict[str, Any] = {"bootstrap_servers": self.bootstrap}
        if self.protocol == "SASL_SSL":
            options |= {
                "security_protocol": "SASL_SSL",
                "sasl_mechanism": "SCRAM-SHA-512",
                "sasl_plain_username": self.username,
                "sasl_plain_password": self.password,
                "ssl_context": self.ssl_context(),
            }
        return options

    def broker_security(self) -> BaseSecurity | None:
        """The same, for FastStream's `KafkaBroker(security=...)`."""
        if self.protocol == "PLAINTEXT":
            return None
        assert self.username is not None and self.password is not None  # checked at creation
        return SASLScram512(self.username, self.password, ssl_context=self.ssl_context())

    def environment(self, prefix: str) -> dict[str, str]:
        """The settings that give this access to a process (`prefix` like ORDERFLOW_SALES_)."""
        env = {
            prefix + "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            prefix + "KAFKA_SECURITY_PROTOCOL": self.protocol,
        }
        if self.username is not None:
            env[prefix + "KAFKA_USERNAME"] = self.username
        if self.password is not None:
            env[prefix + "KAFKA_PASSWORD"] = self.password
        if self.ca_file is not None:
            env[prefix + "KAFKA_CA_FILE"] = str(self.ca_file)
        return env

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], prefix: str) -> "KafkaAccess":
        """The access `environment(prefix)` gave a process."""
        ca_file = environ.get(prefix + "KAFKA_CA_FILE")
        return cls(
            environ[prefix + "KAFKA_BOOTSTRAP_SERVERS"],
            cast(Protocol, environ.get(prefix + "KAFKA_SECURITY_PROTOCOL", "SASL_SSL")),
            environ.get(prefix + "KAFKA_USERNAME"),
            environ.get(prefix + "KAFKA_PASSWORD"),
            Path(ca_file) if ca_file else None,
        )


def read_secret(path: Path) -> str:
    """A secret from a file (a container secret, a file of deploy/secrets.sh), without the line
    end."""
    return path.read_text().strip()
