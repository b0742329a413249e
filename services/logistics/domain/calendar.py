"""Working days, Monday to Friday (P5.3)."""

from datetime import datetime, timedelta

SATURDAY = 5


def one_working_day_after(moment: datetime) -> datetime:
    """The same time of day on the next working day: a release on Friday 10:00 is due on
    Monday 10:00, one on Saturday or Sunday on Monday too."""
    due = moment + timedelta(days=1)
    while due.weekday() >= SATURDAY:
        due += timedelta(days=1)
    return due
