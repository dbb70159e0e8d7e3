"""Dates at their own precision (YYYY, YYYY-MM, YYYY-MM-DD): the one place that reads and compares them.

Standard library only and cheap to import (the query path): `calendar` and `datetime` are imported only when a
date is actually read.  A date names a span of days: its first and last day.  Two dates are compared by
their spans (a record dated 2025-04 matches `--since 2025-04-12`: it may have been on any day of April).
"""

from __future__ import annotations

import re

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_PRECISIONS = {1: "year", 2: "month", 3: "day"}


class NotADate(ValueError):
    """The text is not a date: `problem` says why (the form, year 0, or a day or month that does not exist)."""

    def __init__(self, text: str, problem: str = "form") -> None:
        super().__init__(text)
        self.text, self.problem = text, problem  # form, year-0, not-real

    def explain(self, option: str) -> str:
        """The one-line message for `option` (--since, --until, ...)."""
        if self.problem == "form":
            return f"{option}: {self.text!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"
        if self.problem == "year-0":
            return f"{option}: {self.text!r} is not a real date (there is no year 0)"
        return f"{option}: {self.text!r} is not a real date"


def shape(text: str) -> str | None:
    """year, month or day: the precision `text` is written at, if it has the form of a date at all."""
    match = _DATE.match(text.strip())
    return _PRECISIONS[3 - list(match.groups()).count(None)] if match else None


def span(text: str) -> tuple[str, str]:
    """The first and last day of YYYY, YYYY-MM or YYYY-MM-DD (one or two digits for month and day)."""
    match = _DATE.match(text.strip())
    if not match:
        raise NotADate(text)
    year, month, day = (int(g) if g else None for g in match.groups())
    if not year:
        raise NotADate(text, "year-0")
    import calendar  # here, not at the top: each of these costs a query ~1-2 ms of start-up

    try:
        if day is not None and month is not None:
            import datetime as dt

            d = dt.date(year, month, day)
            return d.isoformat(), d.isoformat()
        if month is not None:
            last = calendar.monthrange(year, month)[1]
            return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
    except (ValueError, calendar.IllegalMonthError):
        raise NotADate(text, "not-real") from None
    return f"{year:04d}-01-01", f"{year:04d}-12-31"


def precision(date: str | None) -> str | None:
    """day, month or year, by how much of YYYY-MM-DD a stored date has."""
    if not date:
        return None
    return _PRECISIONS[date.count("-") + 1]


def step_precision(date: str | None, event_date: str | None, event_precision: str | None) -> str | None:
    """A status step's date precision: `reported` when its date is its event's and that is only the report's date.

    A step the source gives no date for (`date: null` in the data) takes its event's date at build time; when the
    event itself is known only by its report's date, so is the step, and every output says `reported`.
    """
    if not date:
        return None
    if event_date == date and event_precision == "reported":
        return "reported"
    return precision(date)


def overlaps(date: str, start: str | None, end: str | None) -> bool:
    """Whether the span of `date` shares a day with the window from `start` to `end` (either may be open)."""
    first, last = span(date)
    return (start is None or last >= start) and (end is None or first <= end)
