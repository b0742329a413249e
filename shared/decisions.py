"""Refusals the domain raises when a person's decision is not allowed. No I/O, no HTTP: the
HTTP layer turns them into clear errors, and the refused request changes nothing; and who
made a decision.
"""

from dataclasses import dataclass
from datetime import datetime


class Refused(Exception):
    """A decision the domain does not allow."""

    status_code = 403
    error = "refused"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BeyondAuthority(Refused):
    """The actor's role may not make this decision, or not for this amount (P8.1)."""

    error = "beyond_authority"


class NotAllowedNow(Refused):
    """The order is not in a state where this decision can be made."""

    status_code = 409
    error = "not_allowed_now"


class InvalidDecision(Refused):
    """The decision itself is incomplete or does not add up (a rejection without a reason,
    quantities that do not match)."""

    status_code = 422
    error = "invalid_decision"


class NotFound(Refused):
    status_code = 404
    error = "not_found"


@dataclass(frozen=True)
class Person:
    """Who acts, in which role (P8.1)."""

    user: str
    role: str


@dataclass(frozen=True)
class Signature:
    """Who made a decision, in which role, and when (P8.1)."""

    user: str
    role: str
    at: datetime

    @classmethod
    def of(cls, person: Person, at: datetime) -> "Signature":
        return cls(person.user, person.role, at)


AUTOMATIC_POLICY_USER = "automatic-policy"
"""The user name recorded when a deployment's automatic policy stands in for a person."""


def automatic_policy(role: str) -> Person:
    """The automatic policy acting in `role` (switched on only for demos and the benchmark)."""
    return Person(AUTOMATIC_POLICY_USER, role)
