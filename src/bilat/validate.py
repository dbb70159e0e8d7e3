"""Checks a dataset: schema, duplicate ids, references, and every quote against its source.

`Checker` is fed one document at a time (so a large dataset streams) and
collects every problem; `check_dataset` runs it over a whole dataset.  Records
are validated one at a time and at most MAX_PROBLEMS problems are kept, so a
small file of a million bad values costs seconds and megabytes, not minutes and
gigabytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bilat.coverage import SourceCoverage, dataset_coverage
from bilat.layout import data_files, sources_folder
from bilat.load import Document, Path_, display_name, read_documents
from bilat.model import (
    SECTIONS,
    Agreement,
    Dataset,
    Discrepancy,
    Event,
    FollowUp,
    Organisation,
    Person,
    Source,
    normalise,
)
from bilat.problems import Problem
from bilat.quote_diff import line_breaks
from bilat.schema_problems import schema_problems
from bilat.source_checksum import changed_text
from bilat.source_files import SourceFileError, read_source
from bilat.validate_messages import (
    quote_message,
    unknown_id_hint,
)

__all__ = ["SECTIONS", "Checker", "ProblemList", "check_dataset", "iter_checked", "normalise"]

MAX_PROBLEMS = 1_000  # problems listed per run; beyond that only their number is told
RECORD_MODELS: dict[str, type[BaseModel]] = {
    "sources": Source,
    "people": Person,
    "organisations": Organisation,
    "events": Event,
    "agreements": Agreement,
    "follow_ups": FollowUp,
    "discrepancies": Discrepancy,
}
EMPTY_DATASET = (
    "the dataset has no records: an empty or truncated file? Add the records back, or write `empty: true` "
    "in a document if the dataset is empty on purpose"
)


class ProblemList(list[Problem]):
    """The problems found, sorted, at most MAX_PROBLEMS of them; `omitted` counts the ones left out.

    `warnings` holds what a curator should look at but that does not make the data invalid (bilat.curation_checks:
    a date no source gives, a report's date passed off as an event's, a quotation in no source); each prints as
    `FILE:LINE:COLUMN: path: warning: message`.  They are not problems: the list, its length and its truth value
    are the errors only.
    """

    omitted: int = 0
    warnings: list[Problem]
    coverage: list[SourceCoverage] | None = None  # of a valid dataset's sources (bilat.coverage)

    def __init__(self, problems: Iterable[Problem] = (), warnings: list[Problem] | None = None) -> None:
        super().__init__(problems)
        self.warnings = list(warnings or [])

    def summary(self) -> str | None:
        """The line to print after the list when some problems were left out ("… and 12,345 more problems")."""
        if not self.omitted:
            return None
        return (
            f"… and {self.omitted:,} more problem{'s' * (self.omitted != 1)} (only the first {len(self):,} are listed)"
        )


@lru_cache(maxsize=4096)
def _source_text(folder: Path, name: str) -> tuple[str | None, str]:
    """The normalised text of a source file, or None and why it cannot be read (bilat.source_files decides)."""
    try:
        return normalise(read_source(folder, name)), ""
    except SourceFileError as exc:
        return None, str(exc)


@dataclass
class _Ref:
    section: str
    target: str
    where: Problem  # the location; message filled in when it dangles


@dataclass
class Checker:
    data: Path
    problems: list[Problem] = field(default_factory=list)
    ids: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (section, "file:line:col")
    by_section: dict[str, set[str]] = field(default_factory=lambda: {s: set() for s in SECTIONS})
    source_files: dict[str, str] = field(default_factory=dict)  # source id -> file name inside sources/
    omitted: int = 0  # problems found beyond MAX_PROBLEMS (their details are not kept)
    records: int = 0  # records seen in the documents added
    declared_empty: bool = False  # a document said `empty: true`
    texts: bool = True  # read each source's text (and check its checksum); `bilat diff` reads the records only
    _refs: list[_Ref] = field(default_factory=list)
    _quotes: list[tuple[str, str, Problem]] = field(default_factory=list)

    def report(self, problems: Iterator[Problem] | list[Problem]) -> None:
        """Keep problems, but never many more than MAX_PROBLEMS: the smallest by place, and a count of the rest."""
        for problem in problems:
            self.problems.append(problem)
            if len(self.problems) >= 4 * MAX_PROBLEMS:
                self._trim()

    def _trim(self) -> None:
        kept = sorted(set(self.problems))
        self.omitted += max(0, len(kept) - MAX_PROBLEMS)
        self.problems[:] = kept[:MAX_PROBLEMS]

    def add(self, doc: Document) -> Dataset | None:
        """Check one document; return its records when it has no schema problem."""
        self.report(doc.problems)
        if doc.problems and doc.data is None:
            return None
        if doc.data is None:
            return Dataset(empty=False)
        if not isinstance(doc.data, dict):
            self.report([doc.problem((), "a data document must be a mapping of sections (sources, events...)")])
            return None
        self.records += sum(len(_records(doc.data, section)) for section in SECTIONS)
        self.declared_empty |= doc.data.get("empty") is True
        self._collect_ids(doc)
        self._collect_refs(doc)
        return self._validate(doc)

    def _validate(self, doc: Document) -> Dataset | None:
        """The document's records, validated one at a time so that the problems of a huge list stream out.

        One pydantic call on a whole document holding a million bad values builds a
        million errors at once (3.4 GB); record by record, at most one record's errors exist at a time.
        """
        data: dict[str, Any] = doc.data
        sections = {k: v for k, v in data.items() if k in RECORD_MODELS and isinstance(v, list)}
        ok = self._schema(doc, Dataset, {k: ([] if k in sections else v) for k, v in data.items()}, ())
        valid: dict[str, list[BaseModel]] = {}
        for section, records in sections.items():
            model = RECORD_MODELS[section]
            valid[section] = [
                m for i, r in enumerate(records) if (m := self._schema(doc, model, r, (section, i))) is not None
            ]
            ok = ok and len(valid[section]) == len(records)
        if not ok:
            return None
        count = sum(len(v) for v in valid.values())
        if data.get("empty") is True and count:
            self.report(
                [
                    doc.problem(
                        ("empty",), f"empty: true, but this document has {count:,} records: remove one or the other"
                    )
                ]
            )
            return None
        return Dataset.model_validate({**data, **valid})  # the records are instances: not validated again

    def _schema(self, doc: Document, model: type[BaseModel], value: Any, prefix: Path_) -> Any:
        """`value` validated by `model`, or None with its problems reported (located under `prefix`)."""
        if not isinstance(value, dict) and prefix not in doc.flagged:  # a million `- x` records: no exception each
            self.report([doc.problem(prefix, f"expected a mapping of fields: a record of {prefix[0]}")])
            return None
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            self.report(schema_problems(exc, doc, prefix))
            return None

    def _collect_ids(self, doc: Document) -> None:
        for section in SECTIONS:
            records = doc.data.get(section) if isinstance(doc.data, dict) else None
            if not isinstance(records, list):
                continue
            for i, record in enumerate(records):
                rid = record.get("id") if isinstance(record, dict) else None
                if not isinstance(rid, str):
                    continue
                path = (section, i, "id")
                line, column = doc.where(path)
                here = f"{doc.file}:{line}:{column}"
                if rid in self.ids:
                    _section, first = self.ids[rid]
                    self.report([doc.problem(path, f"duplicate id {rid!r} (first used at {first})")])
                    continue
                self.ids[rid] = (section, here)
                self.by_section[section].add(rid)
                if section == "sources" and isinstance(record.get("file"), str):
                    self.source_files[rid] = record["file"]
                if section == "sources" and isinstance(record.get("file"), str) and self.texts:
                    text, why = _source_text(sources_folder(self.data), record["file"])
                    if text is None:
                        self.report([doc.problem((section, i, "file"), why)])
                    elif changed := changed_text(sources_folder(self.data), record["file"], record.get("sha256")):
                        self.report([doc.problem((section, i, "sha256"), changed)])
                for where, item in _values(record, ("not_recorded", "*"), (section, i)):  # quoted from this source
                    if section == "sources" and isinstance(item, dict) and isinstance(item.get("quote"), str):
                        self._quotes.append((rid, item["quote"], doc.problem((*where, "quote"), "")))

    def _ref(self, doc: Document, path: Path_, section: str, target: str | None) -> None:
        if target:  # an empty one is the schema's to report (left to fill)
            self._refs.append(_Ref(section, target, doc.problem(path, "")))

    def _quote(self, doc: Document, path: Path_, source: str, quote: Any) -> None:
        self._ref(doc, (*path, "source"), "sources", source)
        if isinstance(quote, str):
            self._quotes.append((source, quote, doc.problem((*path, "quote"), "")))

    def _collect_refs(self, doc: Document) -> None:
        """References and quotes, read from the raw document so they are checked even beside schema errors."""
        data = doc.data
        for section, (fields, quote_lists) in _REFERENCES.items():
            for i, record in enumerate(_records(data, section)):
                for field_path, target in fields:
                    for path, value in _values(record, field_path, (section, i)):
                        if isinstance(value, str):
                            self._ref(doc, path, target, value)
                for list_path in quote_lists:
                    for path, items in _values(record, list_path, (section, i)):
                        for j, item in enumerate(items if isinstance(items, list) else []):
                            if isinstance(item, dict) and isinstance(item.get("source"), str):
                                self._quote(doc, (*path, j), item["source"], item.get("quote"))

    def finish(self) -> ProblemList:
        """Resolve references and quotes now that every id is known; return the problems, sorted (MAX_PROBLEMS)."""
        singular = {"sources": "source", "people": "person", "organisations": "organisation", "events": "event"}
        for ref in self._refs:
            if ref.target not in self.by_section[ref.section]:
                kind = singular.get(ref.section, ref.section.rstrip("s"))
                actual = self.ids.get(ref.target)
                extra = f" ({ref.target!r} is in {actual[0]})" if actual else ""
                extra = extra or unknown_id_hint(ref.target, list(self.by_section[ref.section]))
                self.report([_with_message(ref.where, f"unknown {kind} id {ref.target!r}{extra}")])
        for source, quote, where in self._quotes:
            name = self.source_files.get(source)
            text = _source_text(sources_folder(self.data), name)[0] if name else None
            if text is not None and normalise(quote) not in text:
                self.report([_with_message(where, self._quote_message(source, normalise(quote), text))])
        self._refs.clear()
        self._quotes.clear()
        if not (self.problems or self.records or self.ids or self.declared_empty):
            self.problems.append(Problem(display_name(self.data), 1, 1, "", EMPTY_DATASET))
        self._trim()
        out = ProblemList(self.problems)
        out.omitted = self.omitted
        return out

    def _quote_message(self, source: str, quote: str, text: str) -> str:
        """Why a quote is not in its source: in another source, or what differs from the nearest passage."""
        folder = sources_folder(self.data)
        elsewhere = ""
        if len(self.source_files) <= _OTHER_SOURCES_SEARCHED:
            others = (s for s, name in self.source_files.items() if s != source)
            elsewhere = next((s for s in others if quote in (_source_text(folder, self.source_files[s])[0] or "")), "")
        breaks = _line_breaks(folder, self.source_files[source])
        return quote_message(source, quote, _short(quote), text, breaks, elsewhere)


_OTHER_SOURCES_SEARCHED = 1_000  # a quote not in its source is looked for in the others when there are no more


@lru_cache(maxsize=64)
def _line_breaks(folder: Path, name: str) -> list[int]:
    """Where each line of a source begins in its normalised text (a message names the line; error path only)."""
    try:
        return line_breaks(read_source(folder, name))
    except SourceFileError:
        return []


# Per section: (field path -> the section its ids point into), and the lists of {source, quote} items.
# A "*" in a path walks every item of a list.
_EVIDENCE = ("evidence",)
_REFERENCES: dict[str, tuple[list[tuple[tuple[str, ...], str]], list[tuple[str, ...]]]] = {
    "people": ([(("roles", "*", "organisation"), "organisations")], [_EVIDENCE, ("roles", "*", "evidence")]),
    "organisations": ([], [_EVIDENCE]),
    "events": (
        [
            (("participants", "*", "person"), "people"),
            (("organisations", "*"), "organisations"),
            (("part_of",), "events"),
        ],
        [_EVIDENCE],
    ),
    "agreements": (
        [(("institutions", "*"), "organisations"), (("status_history", "*", "event"), "events")],
        [_EVIDENCE, ("figures", "*", "evidence"), ("status_history", "*", "evidence")],
    ),
    "follow_ups": ([(("event",), "events"), (("agreements", "*"), "agreements")], [_EVIDENCE, ("outcome", "evidence")]),
    "discrepancies": ([], [("readings",)]),
}


def _records(data: Any, section: str) -> list[Any]:
    records = data.get(section) if isinstance(data, dict) else None
    return records if isinstance(records, list) else []


def _values(node: Any, field_path: tuple[str, ...], prefix: Path_) -> Iterator[tuple[Path_, Any]]:
    """Every value at `field_path` under `node` ("*" = each list item), with its full path."""
    if not field_path:
        yield prefix, node
        return
    head, rest = field_path[0], field_path[1:]
    if head == "*":
        for i, item in enumerate(node if isinstance(node, list) else []):
            yield from _values(item, rest, (*prefix, i))
    elif isinstance(node, dict) and head in node:
        yield from _values(node[head], rest, (*prefix, head))


def _with_message(p: Problem, message: str) -> Problem:
    return Problem(p.file, p.line, p.column, p.path, message)


def _short(text: str, limit: int = 200) -> str:
    text = normalise(text)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def iter_checked(data: Path, checker: Checker) -> Iterator[tuple[Document, Dataset]]:
    """Yield each valid document's records; problems accumulate in `checker`."""
    if not data.exists():
        checker.report([Problem(display_name(data), 1, 1, "", "data file not found")])
        return
    files = data_files(data)
    if not files:
        checker.report([Problem(display_name(data), 1, 1, "", "no *.yaml files in this folder")])
    for path in files:
        for doc in read_documents(path):
            dataset = checker.add(doc)
            if dataset is not None:
                yield doc, dataset


def check_dataset(data: Path) -> ProblemList:
    """The problems in the dataset at `data`, sorted by place (the first MAX_PROBLEMS); empty when it is valid.

    A dataset without a single record is a problem (EMPTY_DATASET) unless a document says `empty: true`.
    """
    from bilat.curation_checks import curation_warnings

    checker = Checker(data)
    documents = list(iter_checked(data, checker))
    problems = checker.finish()
    if not problems:  # the curator's rules read a valid dataset: with errors, fix those first
        folder = sources_folder(data)
        problems.warnings = curation_warnings(documents, lambda name: _source_text(folder, name)[0])
        problems.coverage = dataset_coverage((ds for _doc, ds in documents), folder)
    return problems
