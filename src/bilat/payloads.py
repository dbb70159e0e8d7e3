"""The records the read layer returns and the machine formats carry: one TypedDict per kind of record.

These are the documented JSON fields of `list`, `search` and `timeline` (and CSV/TSV columns, in this
order).  The query path imports this module only for the type checker (`typing` costs start-up); the
field tuples the commands write headers from are checked equal to these by a test.
"""

from __future__ import annotations

from typing import Any, TypedDict


class Figure(TypedDict):
    """A key figure: the number, what it counts, and both as a reader writes them (`150,000 skilled ...`)."""

    value: int
    unit: str
    text: str


class ListRecord(TypedDict):
    """An agreement or commitment as `list` gives it."""

    id: str
    title: str
    kind: str
    status: str
    date: str | None  # the date of its latest dated status step, at its precision
    date_precision: str | None  # day, month, year, or `reported` (only the report's date is known)
    first_date: str | None
    parties: list[str]  # alpha-2 codes
    sectors: list[str]
    institutions: list[str]
    figures: list[Figure]
    quantity: str | None
    summary: str
    sources: list[str]  # source ids, in the order first cited


class SearchHit(TypedDict):
    """A record `search` found: an agreement, an event or a follow-up."""

    type: str  # agreement, event, follow_up
    id: str
    title: str
    date: str | None
    date_precision: str | None
    status: str | None
    snippet: str  # the match in context; the matched words between bilat.highlight markers
    score: float  # bm25, lower is better


class TimelineEntry(TypedDict):
    """An engagement, or a status step of an agreement, on the timeline."""

    date: str
    date_precision: str | None
    type: str  # event or status
    id: str
    kind: str
    title: str
    status: str | None
    place: str | None
    countries: list[str]
    event: str | None  # the engagement a status step was taken at


class Count(TypedDict):
    """One line of `summary`: a value of one dimension and how many agreements have it."""

    key: str
    label: str
    count: int


class Statement(TypedDict):
    """A sentence of a briefing note and the sources that say it (ids while composing, numbers at the end)."""

    text: str
    sources: list[Any]


class Note(TypedDict):
    """A briefing note (`bilat brief --format json`); see bilat.brief for what each part holds."""

    target: dict[str, Any]
    title: Statement
    summary: list[Statement]
    engagements: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]
    participants: list[dict[str, Any]]
    background: list[dict[str, Any]]
    open_items: list[dict[str, Any]]
    follow_ups: list[dict[str, Any]]
    discrepancies: list[dict[str, Any]]
    sources: list[dict[str, Any]]
