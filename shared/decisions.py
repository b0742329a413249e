"""Refusals the domain raises when a person's decision is not allowed. No I/O, no HTTP: the
HTTP layer turns them into clear errors, and the refused request changes nothing."""


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


class NotFound(Refused):
    status_code = 404
    error = "not_found"
