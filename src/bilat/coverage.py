"""How much of each source the dataset accounts for: its sentences cited, marked not recorded, or neither.

A source is cut into sentences by `bilat.sentences`; only those that state something count (not a headline,
an "Also Read" link, a post's credit or the file's date line).  A sentence is

- *cited* when a quote of the dataset from that source (any evidence, in any record, or a discrepancy's
  reading) shares at least one letter or digit with it: the quote lies inside it, or overlaps it;
- else *marked* when a `not_recorded` quote of that source shares a letter or digit with it;
- else *uncited*.

Quotes are compared on the normalised text, as `bilat validate` compares them (`bilat.model.normalise`:
whitespace runs are one space), and a quote that occurs more than once in its source counts at each place.
The coverage of a source is (cited + marked) / sentences; a source with no sentence is fully covered.

Off the query path: imported by the curation commands (`validate`, `coverage`) only.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from bilat.model import Dataset, normalise
from bilat.sentences import split
from bilat.source_files import SourceFileError, read_source

CITED, MARKED, UNCITED = "cited", "marked", "uncited"
_SPACE = re.compile(r"\s+")  # as bilat.model.normalise reads whitespace
_NON_SPACE = re.compile(r"\S")
_ALNUM = re.compile(r"[^\W_]")  # a letter or digit: str.isalnum, at C speed
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Sentence:
    """One sentence that states something: where it begins in the source file, its text, and its state."""

    line: int
    column: int
    text: str  # normalised: one line
    state: str  # CITED, MARKED or UNCITED


@dataclass
class SourceCoverage:
    """The sentences of one source and how each is accounted for."""

    source: str
    file: str
    sentences: list[Sentence] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for s in self.sentences if s.state == state)

    def uncited(self) -> list[Sentence]:
        return [s for s in self.sentences if s.state == UNCITED]

    def totals(self) -> Totals:
        return Totals(len(self.sentences), self.count(CITED), self.count(MARKED))


@dataclass(frozen=True)
class Totals:
    """Counts over one source or several."""

    sentences: int
    cited: int
    marked: int

    @property
    def uncited(self) -> int:
        return self.sentences - self.cited - self.marked

    @property
    def ratio(self) -> float:
        """(cited + marked) / sentences; 1.0 when there is no sentence to account for."""
        return (self.cited + self.marked) / self.sentences if self.sentences else 1.0

    def percent(self) -> str:
        """The ratio as a whole percentage, rounded down: 100% only when nothing is uncited."""
        return f"{(self.cited + self.marked) * 100 // self.sentences if self.sentences else 100}%"

    def words(self) -> str:
        """`142 of 150 sentences cited, 8 marked not recorded (100%)`, with the uncited when there are some."""
        said = f"{self.cited:,} of {self.sentences:,} sentence{'s' * (self.sentences != 1)} cited"
        said += f", {self.marked:,} marked not recorded"
        if self.uncited:
            said += f", {self.uncited:,} uncited"
        return f"{said} ({self.percent()})"


def totals(coverages: Iterable[SourceCoverage]) -> Totals:
    """The counts of several sources together."""
    each = [c.totals() for c in coverages]
    return Totals(sum(t.sentences for t in each), sum(t.cited for t in each), sum(t.marked for t in each))


def normalised_positions(raw: str, indexes: Iterable[int]) -> list[int]:
    """Where each index of `raw` (in increasing order) falls in `normalise(raw)`: C-speed counts between them.

    An index at a character that is not whitespace maps to that character; one inside a whitespace run maps
    just after the one space the run becomes (leading and trailing runs become none).
    """
    out: list[int] = []
    at, last = 0, 0
    for index in indexes:
        chunk = raw[last:index]
        kept, runs = _SPACE.subn("", chunk)
        if chunk and _SPACE.match(chunk) and (last == 0 or _SPACE.match(raw, last - 1, last)):
            runs -= 1  # a leading run, or the rest of a run counted in the chunk before: no space of its own
        at += len(kept) + runs
        out.append(at)
        last = index
    size = len(normalise(raw))
    return [min(o, size) for o in out]


def _reach(text: str, quotes: Iterable[str]) -> list[tuple[int, int]]:
    """The stretches of `text` that some quote covers, at every place it occurs: sorted, merged."""
    found = []
    for quote in set(quotes):
        at = text.find(quote) if quote else -1
        while at != -1:
            found.append((at, at + len(quote)))
            at = text.find(quote, at + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _touches(text: str, stretches: list[tuple[int, int]], lo: int, hi: int) -> bool:
    """Whether a stretch shares a letter or digit with `text[lo:hi]`."""
    i = bisect_right(stretches, (lo, len(text) + 1)) - 1  # the last stretch starting at or before lo
    for start, end in stretches[max(i, 0) :]:
        if start >= hi:
            return False
        if end > lo and _ALNUM.search(text, max(start, lo), min(end, hi)):
            return True
    return False


def cover(raw: str, quotes: Iterable[str], marks: Iterable[str] = ()) -> list[Sentence]:
    """Each sentence of the source text `raw` that states something, as `quotes` cite it and `marks` mark it."""
    text = normalise(raw)
    cited = _reach(text, (normalise(q) for q in quotes))
    marked = _reach(text, (normalise(q) for q in marks))
    lines = [0, *(m.end() for m in _LINE_BREAK.finditer(raw))]
    segments = [s for s in split(raw) if s.states()]
    bounds = normalised_positions(raw, (i for s in segments for i in (s.start, s.end)))
    out = []
    for k, segment in enumerate(segments):
        lo, hi = bounds[2 * k], bounds[2 * k + 1]
        state = CITED if _touches(text, cited, lo, hi) else MARKED if _touches(text, marked, lo, hi) else UNCITED
        first = _NON_SPACE.search(raw, segment.start, segment.end)
        begins = first.start() if first else segment.start
        line = bisect_right(lines, begins)
        out.append(Sentence(line, begins - lines[line - 1] + 1, text[lo:hi].strip(), state))
    return out


def quotes_by_source(model: BaseModel) -> Iterator[tuple[str, str]]:
    """(source id, quote) of every quote under `model` that names its source: evidence and readings."""
    source, quote = getattr(model, "source", None), getattr(model, "quote", None)
    if isinstance(source, str) and isinstance(quote, str):
        yield source, quote
    for name in type(model).model_fields:
        value = getattr(model, name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, BaseModel):
                yield from quotes_by_source(item)


def dataset_coverage(datasets: Iterable[Dataset], folder: Path) -> list[SourceCoverage]:
    """The coverage of every source of a valid dataset, in the order they are listed; texts read from `folder`.

    A source whose text cannot be read is left out (`bilat validate` says why).
    """
    datasets = list(datasets)
    quotes: dict[str, list[str]] = {}
    for dataset in datasets:
        for cited, quote in quotes_by_source(dataset):
            quotes.setdefault(cited, []).append(quote)
    out = []
    for dataset in datasets:
        for source in dataset.sources:
            try:
                raw = read_source(folder, source.file)
            except SourceFileError:
                continue
            marks = [m.quote for m in source.not_recorded]
            out.append(SourceCoverage(source.id, source.file, cover(raw, quotes.get(source.id, []), marks)))
    return out
