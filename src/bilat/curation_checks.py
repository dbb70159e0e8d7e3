"""The fact-checker's rules, as warnings a curator sees (`bilat validate`); a warning never makes data invalid.

1. A title or id that names a month or a date ("April 2025", "2025-04", "12 April 2025") which no date of
   the record has (an event's date; an agreement's step dates and their events' dates; a follow-up's event
   date and due date; a source's publication date): an invented date.
2. A date equal to the publication date of the report it cites, with nothing saying how that day is known:
   a status step whose own date is its report's date, unless the step's event has that date with a
   `date_derivation` (and is not merely `reported`); an event dated its report's day at `day` precision
   with no `date_derivation`.  A report's date is never passed off as the day something happened.
3. A quoted phrase (between "straight" or “curly” double quotes) in a summary, description, note or date
   derivation that is in no source text: a quotation the sources do not hold.
4. A status step whose date cannot be the date of the event it names (2024-11-25 at an event of
   2024-11-26; a month holds its days, so 2024-11 can; an event known only as reported on a day can have
   happened on any day up to it).

Each warning is a `Problem` whose message starts with `warning: `, so it prints as
`FILE:LINE:COLUMN: path: warning: message`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from bilat.load import Document, Path_
from bilat.model import Dataset, StatusStep, normalise
from bilat.problems import Problem

WARNING = "warning: "
_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
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
        ]
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ISO = re.compile(r"(?<!\d)(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?(?!\d)")
_WORDS = re.compile(
    rf"(?<![\w])(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?({_MONTH_NAMES})\.?\s+(?:(\d{{1,2}})(?:st|nd|rd|th)?,?\s+)?(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”")
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


_REPORTED = re.compile(r"reported(?:[\s_-]+on)?[\s_-]*$", re.IGNORECASE)


def named_dates(text: str) -> Iterator[tuple[str, str, bool]]:
    """The months and days `text` names: (what it says, ISO YYYY-MM or YYYY-MM-DD, said as "reported ...")."""
    for m in _ISO.finditer(text):
        year, month, day = m.groups()
        yield m.group(), f"{year}-{month}" + (f"-{day}" if day else ""), bool(_REPORTED.search(text[: m.start()]))
    for m in _WORDS.finditer(text):
        day_before, month, day_after, year = m.groups()
        day = day_before or day_after
        iso = f"{year}-{_MONTHS[month.lower()]:02d}" + (f"-{int(day):02d}" if day else "")
        yield m.group(), iso, bool(_REPORTED.search(text[: m.start()]))


def _has(dates: Iterable[tuple[str | None, bool]], named: str, said_reported: bool) -> bool:
    """Whether a record date falls in the month or on the day `named` (a date at month precision cannot).

    A date known only as its report's (`reported`) establishes neither a month nor a day: the thing may have
    happened earlier; only a text that says "reported 2025-04-12" may name it.
    """
    return any(
        d is not None and (d == named or (len(named) == 7 and d.startswith(named))) and (said_reported or not rep)
        for d, rep in dates
    )


def _same_time(date: str, other: str, by_then: bool = False) -> bool:
    """Whether two dates, each at its own precision, can be the same day (2024-11 and 2024-11-26 can).

    `by_then`: `other` is only the date something was reported by, so any day up to it can be its day.
    """
    from bilat import dates

    try:
        first, last = dates.span(other)
        return dates.overlaps(date, None if by_then else first, last)
    except dates.NotADate:
        return True  # a date that is not one is reported by the schema, not here


def _fold(text: str) -> str:
    return normalise(text.translate(_FOLD)).casefold()


def quoted_phrases(text: str) -> Iterator[str]:
    """The phrases `text` quotes, each part of an elided quote ("a … b") on its own."""
    for m in _QUOTED.finditer(text):
        for part in re.split(r"…|\.\.\.", m.group(1) or m.group(2)):
            part = part.strip(" ,;:")
            if any(c.isalnum() for c in part):
                yield part


def curation_warnings(
    documents: Iterable[tuple[Document, Dataset]], source_text: Callable[[str], str | None]
) -> list[Problem]:
    """The warnings for a valid dataset; `source_text(file)` is a source's text (None when unreadable)."""
    documents = list(documents)
    rules = _Rules(documents, source_text)
    for doc, ds in documents:
        rules.sources(doc, ds)
        rules.events(doc, ds)
        rules.agreements(doc, ds)
        rules.follow_ups(doc, ds)
        for i, d in enumerate(ds.discrepancies):
            rules.quotes(doc, ("discrepancies", i, "note"), d.note)
    return sorted(rules.found)


Dates = list[tuple[str | None, bool]]  # (a date of the record, known only as its report's)


class _Rules:
    """The three rules applied record by record, with what they need of the whole dataset gathered once."""

    def __init__(self, documents: list[tuple[Document, Dataset]], source_text: Callable[[str], str | None]) -> None:
        self.published: dict[str, str] = {}
        self.texts: list[str] = []
        self.event_dates: dict[str, tuple[str, str, str | None]] = {}  # id -> (date, precision, derivation)
        self.event_where: dict[str, str] = {}  # id -> FILE:LINE of its date
        for doc, ds in documents:
            for s in ds.sources:
                self.published[s.id] = s.published
                text = source_text(s.file)
                if text is not None:
                    self.texts.append(_fold(text))
            for i, e in enumerate(ds.events):
                self.event_dates[e.id] = (e.date, e.date_precision, e.date_derivation)
                line, _column = doc.where(("events", i, "date"))
                self.event_where[e.id] = f"{doc.file}:{line}"
        self.found: list[Problem] = []

    def warn(self, doc: Document, path: Path_, message: str) -> None:
        self.found.append(doc.problem(path, WARNING + message))

    def names(self, doc: Document, path: Path_, rid: str, title: str | None, dates: Dates) -> None:
        """Rule 1: an id or title names no month or day the record does not have."""
        for field, value in (("id", rid), ("title", title)):
            for said, iso, said_reported in named_dates(value or ""):
                if not _has(dates, iso, said_reported):
                    known = ", ".join(sorted({(f"reported {d}" if r else d) for d, r in dates if d})) or "none"
                    self.warn(
                        doc,
                        (*path, field),
                        f"the {field} names {said!r}, a date no step or event of this record has (its dates: "
                        f"{known}); say only what the sources date, e.g. 'reported YYYY-MM-DD'",
                    )

    def quotes(self, doc: Document, path: Path_, text: str | None) -> None:
        """Rule 3: every quoted phrase is in some source text."""
        for phrase in quoted_phrases(text or ""):
            if not any(_fold(phrase) in t for t in self.texts):
                self.warn(doc, path, f"the quoted phrase {phrase!r} is in no source text: quote the source exactly")

    def sources(self, doc: Document, ds: Dataset) -> None:
        for i, s in enumerate(ds.sources):
            self.names(doc, ("sources", i), s.id, None, [(s.published, False)])
            self.quotes(doc, ("sources", i, "notes"), s.notes)

    def events(self, doc: Document, ds: Dataset) -> None:
        for i, e in enumerate(ds.events):
            where: Path_ = ("events", i)
            self.names(doc, where, e.id, e.title, [(e.date, e.date_precision == "reported")])
            self.quotes(doc, (*where, "summary"), e.summary)
            self.quotes(doc, (*where, "date_derivation"), e.date_derivation)
            cited = sorted({ev.source for ev in e.evidence if self.published.get(ev.source) == e.date})
            if cited and e.date_precision == "day" and not e.date_derivation:  # rule 2, for an event
                self.warn(
                    doc,
                    (*where, "date"),
                    f"the date {e.date} is the publication date of {cited[0]!r} and no date_derivation says how "
                    "that day is known: add one, or make date_precision 'reported'",
                )

    def agreements(self, doc: Document, ds: Dataset) -> None:
        for i, a in enumerate(ds.agreements):
            where: Path_ = ("agreements", i)
            dates: Dates = []
            for step in a.status_history:
                date, precision, _ = self.event_dates.get(step.event or "", (None, None, None))
                reported = precision == "reported"
                dates.append((step.date, reported and step.date == date))
                dates.append((date, reported))
            self.names(doc, where, a.id, a.title, dates)
            self.quotes(doc, (*where, "summary"), a.summary)
            for j, step in enumerate(a.status_history):
                self.step(doc, (*where, "status_history", j), step)

    def step(self, doc: Document, path: Path_, step: StatusStep) -> None:
        """Rule 2, for a status step: a step dated its report's day says how that day is known."""
        self.quotes(doc, (*path, "note"), step.note)
        if step.date is None:
            return
        event_date, event_precision, _ = self.event_dates.get(step.event or "", (None, None, None))
        if event_date and not _same_time(step.date, event_date, event_precision == "reported"):
            dated = f"was reported on {event_date}" if event_precision == "reported" else f"is dated {event_date}"
            self.warn(
                doc,
                (*path, "date"),
                f"the step is dated {step.date} but its event {step.event!r} ({self.event_where[step.event or '']}) "
                f"{dated}: one of the two is wrong, or the step belongs to another event",
            )
        cited = sorted({ev.source for ev in step.evidence if self.published.get(ev.source) == step.date})
        event = self.event_dates.get(step.event or "")
        explained = event is not None and event[0] == step.date and event[1] != "reported" and event[2]
        if cited and not explained:
            self.warn(
                doc,
                (*path, "date"),
                f"the date {step.date} is the publication date of {cited[0]!r} and nothing says how the "
                "step was dated: give it an event whose date_derivation says how that day is known, or "
                "write date: null (the step is then known by its report's date, marked 'reported')",
            )

    def follow_ups(self, doc: Document, ds: Dataset) -> None:
        for i, f in enumerate(ds.follow_ups):
            where: Path_ = ("follow_ups", i)
            event_date, precision, _ = self.event_dates.get(f.event, (None, None, None))
            self.names(doc, where, f.id, None, [(event_date, precision == "reported"), (f.due, False)])
            self.quotes(doc, (*where, "description"), f.description)
            if f.outcome is not None:
                self.quotes(doc, (*where, "outcome", "note"), f.outcome.note)
