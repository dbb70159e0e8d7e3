"""The words of a briefing note: labels for kinds and statuses, dates at their precision, names, statements.

Every sentence pattern of the note lives here or in the section that alone uses it; nothing here reads
the database.  A statement is a dict with `text` (one line) and `sources` (source ids; numbered at the end).
"""

from __future__ import annotations

import re

from bilat.read.brief_facts import clean
from bilat.vocab import OPEN_STATUSES, STATUS_STRENGTH, kind_label, status_label

__all__ = ["OPEN_STATUSES", "kind_label", "status_label"]  # the vocabulary's words, said here too

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

OPEN_FOLLOW_UPS = ("open", "unclear")
STATUS_RANK = {s: i for i, s in enumerate(STATUS_STRENGTH)}
EVENT_NOUNS = {"commission-session": "session", "talks": "talks"}
FOLLOW_UP_LABELS = {"open": "Open", "unclear": "Unclear", "fulfilled": "Fulfilled"}
# Words a full stop does not end a sentence after ("Mr. Lukashenko").
_ABBREVIATIONS = frozenset(("mr", "mrs", "ms", "dr", "st", "no", "gen", "lt", "col", "jr", "sr", "prof", "vs"))


def merge(*lists: Iterable[str]) -> list[str]:
    """Source ids of several statements, in order, once each."""
    return list(dict.fromkeys(s for lst in lists for s in lst))


def statement(text: str, sources: list[str], **fields: Any) -> dict[str, Any]:
    return {"text": clean(text), "sources": sources, **fields}


def kind_noun(kind: str) -> str:
    """An event kind as words: `commission-session` -> `commission session`."""
    return kind.replace("-", " ")


def _noun(kind: str) -> str:
    return EVENT_NOUNS.get(kind, kind_noun(kind))


def when(ev: dict[str, Any]) -> str:
    """An event's date at its own precision, saying what is not known."""
    date, precision = ev["date"], ev["date_precision"]
    if precision == "reported":
        noun = _noun(ev["kind"])
        unknown = f"the date of the {noun} is not stated" if noun == "talks" else f"the {noun} date is not stated"
        return f"reported {date}; {unknown}"
    if precision == "month":
        return f"{date}, day not stated"
    if precision == "year":
        return f"{date}, month and day not stated"
    return str(date)


def short_when(ev: dict[str, Any]) -> str:
    return f"reported {ev['date']}" if ev["date_precision"] == "reported" else str(ev["date"])


def where(ev: dict[str, Any]) -> str:
    return clean(ev["place"]) or "place not stated"


def first_sentence(text: str) -> str:
    """The first sentence of a curated summary (abbreviations and initials do not end it)."""
    text = clean(text)
    for match in re.finditer(r"[.!?](?=\s+[A-Z“\"(])", text):
        word = text[: match.start()].rsplit(" ", 1)[-1].lower()
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            continue
        return text[: match.end()]
    return text


def strip_period(text: str) -> str:
    return text[:-1] if text.endswith(".") else text


def join(names: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def engagement_count(top_level: int, listed: int) -> str:
    """ "3 engagements on record, with 3 meetings within them": visits hold meetings, both are listed."""
    text = f"{top_level} engagement{'s' * (top_level != 1)} on record"
    inside = listed - top_level
    within = "it" if top_level == 1 else "them"
    return text + (f", with {inside} meeting{'s' * (inside != 1)} within {within}" if inside > 0 else "")
