"""Where a phrase occurs in the source texts: exactly, under the rule `bilat validate` checks a quote by, or nearly.

The rule: `normalise(quote) in normalise(source text)` (bilat.validate), where `normalise` makes every
whitespace run one space (bilat.model).  An exact occurrence is therefore an occurrence of the normalised
phrase in a source's normalised text; its line is the line of the file as it is on disk (offsets are mapped
back by `bilat.quote_diff.line_breaks`).  What to paste is the source's own normalised text, so it validates
whatever spaces and line breaks the file has there.  Near misses (bilat.quote_near) come after the exact
occurrences, best first.  Each finding carries the sentence around it, the passage between the search
highlight markers (bilat.highlight), so that a table shows it in bold.  Off the query path.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from bilat.highlight import END, START
from bilat.model import normalise
from bilat.quote_near import Difference, near_misses
from bilat.quote_sources import SourceText

SENTENCE_LIMIT = 300  # characters of a sentence shown whole; a longer one is cut around the passage
_CONTEXT = 60  # characters kept on each side of the passage when a sentence is cut
# The end of a sentence: a full stop, question or exclamation mark (and a closing quote or bracket) before a
# space; not the full stop of Mr., Dr., Mrs., Ms. or of an initial (H.E.).
_SENTENCE_END = re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\b[A-Z])[.!?…][\"'”’)\]]*(?= )")


@dataclass(frozen=True)
class Found:
    """One place of one source: where, how close (100 when exact), the characters to paste, the sentence around."""

    source: str
    path: str
    line: int
    start: int  # [start, end) of the source's normalised text
    end: int
    paste: str
    sentence: str  # with the passage between highlight markers
    score: float
    exact: bool
    differences: tuple[Difference, ...] = ()


@dataclass
class Findings:
    """What a search found: the exact occurrences and near misses shown, and how many there were in all."""

    exact: list[Found] = field(default_factory=list)
    near: list[Found] = field(default_factory=list)
    exact_total: int = 0
    near_total: int | None = None  # None: not looked for (the exact occurrences filled the limit)


def find(typed: str, sources: Iterable[SourceText], limit: int | None = None) -> Findings:
    """Every exact occurrence of `typed` in `sources` (in source and text order), then near misses, best first.

    At most `limit` findings in all; exact ones first, and near misses only in the room they leave.
    """
    phrase = normalise(typed)
    sources = list(sources)
    findings = Findings()
    spans: dict[str, list[int]] = {source.id: occurrences(phrase, source.text) for source in sources}
    findings.exact_total = sum(len(starts) for starts in spans.values())
    room = limit
    for source in sources:
        for start in spans[source.id][:room]:
            findings.exact.append(found(source, start, start + len(phrase), 100.0, ()))
        if room is not None:
            room -= min(room, len(spans[source.id]))
    if room == 0:
        return findings
    near = [
        found(source, n.start, n.end, n.score, n.differences)
        for source in sources
        for n in near_misses(phrase, source.text, [(s, s + len(phrase)) for s in spans[source.id]])
    ]
    near.sort(key=lambda f: -f.score)  # stable: sources in their order at the same score
    findings.near_total = len(near)
    findings.near = near[:room]
    return findings


def occurrences(phrase: str, text: str) -> list[int]:
    """Where `phrase` begins in `text`, every time (overlapping ones too); none for an empty phrase."""
    starts: list[int] = []
    at = text.find(phrase) if phrase else -1
    while at >= 0:
        starts.append(at)
        at = text.find(phrase, at + 1)
    return starts


def found(source: SourceText, start: int, end: int, score: float, differences: tuple[Difference, ...]) -> Found:
    text = source.text[start:end]
    sentence = sentence_around(source, start, end)
    return Found(
        source.id, source.path, source.line(start), start, end, text, sentence, score, not differences, differences
    )


def sentence_around(source: SourceText, start: int, end: int) -> str:
    """The sentence of the source that holds [start, end), that passage between highlight markers.

    A sentence ends at a full stop, question or exclamation mark before a space, or where its line (its
    paragraph) ends; one of more than SENTENCE_LIMIT characters is cut around the passage, marked with `…`.
    """
    text, breaks = source.text, source.breaks
    first = bisect_right(breaks, start)
    lo = breaks[first - 1] if first else 0
    after = bisect_left(breaks, end)
    hi = min(len(text), max(end, breaks[after] - 1)) if after < len(breaks) else len(text)
    ends = list(_SENTENCE_END.finditer(text, lo, start))
    if ends:
        lo = ends[-1].end() + 1
    stop = _SENTENCE_END.search(text, max(start, end - 1), hi)
    if stop:
        hi = stop.end()
    before, after_text = "", ""
    if hi - lo > SENTENCE_LIMIT:
        cut_lo, cut_hi = max(lo, start - _CONTEXT), min(hi, end + _CONTEXT)
        while lo < cut_lo < start and text[cut_lo - 1] != " ":
            cut_lo += 1
        while end < cut_hi < hi and text[cut_hi] != " ":
            cut_hi -= 1
        before, after_text = ("…" if cut_lo > lo else ""), ("…" if cut_hi < hi else "")
        lo, hi = cut_lo, cut_hi
    return f"{before}{text[lo:start]}{START}{text[start:end]}{END}{text[end:hi]}{after_text}".strip()


__all__ = ["Findings", "Found", "find", "found", "occurrences", "sentence_around"]
