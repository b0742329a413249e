"""The order's current delivery date on its account (P3.4, P3.5, P4.10, P7.3): dates compare
by the order's version first, then by step (rule 4 of docs/changes-and-returns.md). A date of
a higher version replaces any of a lower one; within a version the later step wins
(`shared.delivery_dates`), so a date of an earlier step or version arriving late never moves
it back."""

from datetime import date

from services.finance.domain.state import AccountState, AccountStatus
from shared.delivery_dates import DateSource, moves


class Dates(AccountState):
    def move_delivery(
        self, delivery_date: date, source: DateSource, version: int | None = None
    ) -> None:
        """P3.4, P3.5, P4.10, P7.3: the date from the confirmation of `version`, its late
        signature, its release, or a person's revision (None: of the version the current date
        has), whichever is the latest heard of in any order of arrival; a closed account's date
        stays."""
        if self.status is AccountStatus.CLOSED:
            return
        version = self.delivery_date_version if version is None else version
        if moves(self.delivery_date_version, self.delivery_date_source, version, source):
            self.confirmed_delivery_date = delivery_date
            self.delivery_date_source = source
            self.delivery_date_version = version

    def take_change_date(self, delivery_date: date, version: int) -> None:
        """P7.3: the date asked by change n (a change of kind date after the confirmation)
        replaces the dates of lower versions only; the amended confirmation of version n
        brings the confirmed date, which replaces it in either order of arrival."""
        if version > self.delivery_date_version:
            self.move_delivery(delivery_date, DateSource.CONFIRMED, version)
