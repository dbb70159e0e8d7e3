"""Dates at their own precision (YYYY, YYYY-MM, YYYY-MM-DD): the one place that reads and compares them.

Standard library only and cheap to import (the query path): `calendar` and `datetime` are imported only when a
date is actually read.  A date names a span of days: its first and last day.  Two dates are compared by
their spans (a record dated 2025-04 matches `--since 2025-04-12`: it may have been on any day of April).
"""

from __future__ import annotations

import re


def today() -> str:
    """Today as YYYY-MM-DD, or the day BILAT_TODAY names (a note or a check reproduced as of that day)."""
    import os

    pinned = os.environ.get("BILAT_TODAY", "").strip()
    if pinned and _DATE.match(pinned) and pinned.count("-") == 2:
        return pinned
    import datetime

    return datetime.date.today().isoformat()


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


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
_SEPARATED = re.compile(r"^(\d{4})[/.](\d{1,2})(?:[/.](\d{1,2}))?$")  # 2025/04/12, 2025.04
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")  # 20250412, 202504
_NUMERIC_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")  # 12/04/2025: day or month first?
_WORDS = re.compile(r"^(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([a-z]+)\.?(?:\s+(\d{1,2})(?:st|nd|rd|th)?,?)?\s+(\d{4})$")
TYPED_FORMS = "2025-04-12, 12 April 2025, April 12, 2025, 2025/04/12, 20250412, April 2025, 2025-04 or 2025"


def month_name(text: str) -> bool:
    """Whether `text` is the name of a month alone (`April`, `sept.`): a date that lacks its year."""
    return text.strip().lower().rstrip(".") in _MONTHS


class AmbiguousDate(ValueError):
    """A date such as 04/05/2025 that reads as two different days: `readings` are both, as YYYY-MM-DD."""

    def __init__(self, text: str, readings: tuple[str, str]) -> None:
        super().__init__(text)
        self.text, self.readings = text, readings


def typed(text: str) -> str | None:
    """A date as people type it, as YYYY, YYYY-MM or YYYY-MM-DD; None when `text` is not written like a date.

    `12 April 2025`, `April 12, 2025`, `Apr 2025`, `2025/04/12`, `20250412` and `2025-04-12T10:00` (the day) are
    read; `04/05/2025` raises AmbiguousDate (4 May or 5 April?) unless one number cannot be a month.  The result
    is not checked for being a real day: `span` does that.
    """
    raw = " ".join(text.strip().lower().split())
    if "t" in raw and _DATE.match(raw.split("t", 1)[0]):  # an ISO date and time: the day
        raw = raw.split("t", 1)[0]
    if _DATE.match(raw):
        return raw
    found = _SEPARATED.match(raw) or _COMPACT.match(raw)
    if found:
        return "-".join(g for g in found.groups() if g)
    found = _NUMERIC_DMY.match(raw)
    if found:
        first, second, year = (int(g) for g in found.groups())
        day_first, month_first = f"{year:04d}-{second:02d}-{first:02d}", f"{year:04d}-{first:02d}-{second:02d}"
        if first == second or first > 12:
            return day_first
        if second > 12:
            return month_first
        raise AmbiguousDate(text.strip(), (day_first, month_first))
    found = _WORDS.match(raw)
    if found and found.group(2) in _MONTHS and not (found.group(1) and found.group(3)):
        day = found.group(1) or found.group(3)
        month = f"{found.group(4)}-{_MONTHS[found.group(2)]:02d}"
        return f"{month}-{int(day):02d}" if day else month
    return None
