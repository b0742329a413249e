"""Which kind of message set an order's current delivery date (P3.4, P3.5, P4.10, P7.3), for
every service that keeps the date (finance, logistics).

The date is the confirmed one (confirmation.issued), moved by a late signature
(confirmation.signed, P3.4), fixed by the release (order.released, which carries a date a late
deposit moved) and after that moved only by a person (delivery.revised, P4.10). Topics are not
ordered against each other, so a date replaces the current one only when it comes from the same
step or a later one: a signature consumed after the release never moves the date back.
"""

from enum import StrEnum


class DateSource(StrEnum):
    CONFIRMED = "confirmed"
    SIGNED = "signed"
    RELEASED = "released"
    REVISED = "revised"


_STEP = {source: step for step, source in enumerate(DateSource)}


def replaces(current: DateSource | None, arriving: DateSource) -> bool:
    """Whether a date from `arriving` replaces the one `current` set: nothing set yet, the
    same step again (a replay, a person's next revision) or a later step."""
    return current is None or _STEP[arriving] >= _STEP[current]


def moves(
    current_version: int, current: DateSource | None, version: int, arriving: DateSource
) -> bool:
    """Whether a date of order version `version` from step `arriving` replaces the current one
    (rule 4 of docs/changes-and-returns.md, P7.3): a higher version's date replaces any of a
    lower one, a lower one's never; within a version, as `replaces`."""
    if version != current_version:
        return version > current_version
    return replaces(current, arriving)
