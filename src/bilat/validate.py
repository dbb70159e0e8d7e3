"""Checks a dataset: schema, duplicate ids, references, and every quote against its source.

`Checker` is fed one document at a time (so a large dataset streams) and
collects every problem; `check_dataset` runs it over a whole dataset.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bilat.load import Document, Path_, display_name, format_path, read_documents
from bilat.model import Dataset
from bilat.problems import Problem
from bilat.store import data_files, sources_folder

SECTIONS = ("sources", "people", "organisations", "events", "agreements", "follow_ups", "discrepancies")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Whitespace runs become one space: the only liberty a quote may take with its source."""
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def _source_text(path: Path) -> str | None:
    try:
        return normalise(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


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
    source_files: dict[str, Path] = field(default_factory=dict)
    _refs: list[_Ref] = field(default_factory=list)
    _quotes: list[tuple[str, str, Problem]] = field(default_factory=list)

    def add(self, doc: Document) -> Dataset | None:
        """Check one document; return its records when it has no schema problem."""
        self.problems.extend(doc.problems)
        if doc.problems and doc.data is None:
            return None
        if doc.data is None:
            return Dataset()
        if not isinstance(doc.data, dict):
            self.problems.append(doc.problem((), "a data document must be a mapping of sections (sources, events...)"))
            return None
        try:
            dataset = Dataset.model_validate(doc.data)
        except ValidationError as exc:
            self.problems.extend(_schema_problems(exc, doc))
            self._collect_ids(doc)  # still find duplicates and let references resolve
            return None
        self._collect_ids(doc)
        self._collect_refs(doc, dataset)
        return dataset

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
                    self.problems.append(doc.problem(path, f"duplicate id {rid!r} (first used at {first})"))
                    continue
                self.ids[rid] = (section, here)
                self.by_section[section].add(rid)
                if section == "sources" and isinstance(record.get("file"), str):
                    self.source_files[rid] = sources_folder(self.data) / record["file"]
                    if _source_text(self.source_files[rid]) is None:
                        self.problems.append(
                            doc.problem(
                                (section, i, "file"),
                                f"source text {display_name(self.source_files[rid])} is missing or unreadable",
                            )
                        )

    def _ref(self, doc: Document, path: Path_, section: str, target: str | None) -> None:
        if target is not None:
            self._refs.append(_Ref(section, target, doc.problem(path, "")))

    def _evidence(self, doc: Document, path: Path_, evidence: list[Any]) -> None:
        for i, item in enumerate(evidence):
            self._quote(doc, (*path, i), item.source, item.quote)

    def _quote(self, doc: Document, path: Path_, source: str, quote: str) -> None:
        self._ref(doc, (*path, "source"), "sources", source)
        self._quotes.append((source, quote, doc.problem((*path, "quote"), "")))

    def _collect_refs(self, doc: Document, ds: Dataset) -> None:
        for i, p in enumerate(ds.people):
            self._evidence(doc, ("people", i, "evidence"), p.evidence)
            for j, role in enumerate(p.roles):
                self._ref(doc, ("people", i, "roles", j, "organisation"), "organisations", role.organisation)
                self._evidence(doc, ("people", i, "roles", j, "evidence"), role.evidence)
        for i, o in enumerate(ds.organisations):
            self._evidence(doc, ("organisations", i, "evidence"), o.evidence)
        for i, e in enumerate(ds.events):
            self._evidence(doc, ("events", i, "evidence"), e.evidence)
            for j, part in enumerate(e.participants):
                self._ref(doc, ("events", i, "participants", j, "person"), "people", part.person)
            for j, org in enumerate(e.organisations):
                self._ref(doc, ("events", i, "organisations", j), "organisations", org)
            self._ref(doc, ("events", i, "part_of"), "events", e.part_of)
        for i, a in enumerate(ds.agreements):
            self._evidence(doc, ("agreements", i, "evidence"), a.evidence)
            for j, org in enumerate(a.institutions):
                self._ref(doc, ("agreements", i, "institutions", j), "organisations", org)
            for j, fig in enumerate(a.figures):
                self._evidence(doc, ("agreements", i, "figures", j, "evidence"), fig.evidence)
            for j, step in enumerate(a.status_history):
                self._ref(doc, ("agreements", i, "status_history", j, "event"), "events", step.event)
                self._evidence(doc, ("agreements", i, "status_history", j, "evidence"), step.evidence)
        for i, f in enumerate(ds.follow_ups):
            self._evidence(doc, ("follow_ups", i, "evidence"), f.evidence)
            self._ref(doc, ("follow_ups", i, "event"), "events", f.event)
            for j, agreement in enumerate(f.agreements):
                self._ref(doc, ("follow_ups", i, "agreements", j), "agreements", agreement)
            if f.outcome:
                self._evidence(doc, ("follow_ups", i, "outcome", "evidence"), f.outcome.evidence)
        for i, d in enumerate(ds.discrepancies):
            for j, reading in enumerate(d.readings):
                self._quote(doc, ("discrepancies", i, "readings", j), reading.source, reading.quote)

    def finish(self) -> list[Problem]:
        """Resolve references and quotes now that every id is known; return every problem, sorted."""
        singular = {"sources": "source", "people": "person", "organisations": "organisation", "events": "event"}
        for ref in self._refs:
            if ref.target not in self.by_section[ref.section]:
                kind = singular.get(ref.section, ref.section.rstrip("s"))
                actual = self.ids.get(ref.target)
                extra = f" ({ref.target!r} is in {actual[0]})" if actual else ""
                self.problems.append(_with_message(ref.where, f"unknown {kind} id {ref.target!r}{extra}"))
        for source, quote, where in self._quotes:
            path = self.source_files.get(source)
            text = _source_text(path) if path else None
            if text is not None and normalise(quote) not in text:
                self.problems.append(_with_message(where, f"quote not found in source {source!r}: {_short(quote)}"))
        self._refs.clear()
        self._quotes.clear()
        return sorted(set(self.problems))


def _with_message(p: Problem, message: str) -> Problem:
    return Problem(p.file, p.line, p.column, p.path, message)


def _short(text: str, limit: int = 60) -> str:
    text = normalise(text)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _schema_problems(exc: ValidationError, doc: Document) -> Iterator[Problem]:
    for error in exc.errors(include_url=False):
        path = _data_path(doc.data, error["loc"], error["type"])
        kind = error["type"]
        if kind == "missing":
            yield doc.problem(path, "required field is missing")
            continue
        if kind == "extra_forbidden":
            line, column = doc.key_marks.get(path, doc.where(path))
            yield Problem(doc.file, line, column, format_path(path), "unknown field")
            continue
        message = error["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        plain = doc.plain_scalars.get(path)
        if plain and kind.endswith("_type"):
            text, what = plain
            message = f'expected text, but YAML 1.1 reads unquoted {text} as {what}: quote it ("{text}")'
        yield doc.problem(path, message)


def _data_path(data: Any, loc: tuple[Any, ...], kind: str) -> Path_:
    """Pydantic's error location, less its type tags (str, function-after[...]), as a path into the data."""
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and last and kind == "missing":
            path.append(part)
    return tuple(path)


def iter_checked(data: Path, checker: Checker) -> Iterator[tuple[Document, Dataset]]:
    """Yield each valid document's records; problems accumulate in `checker`."""
    if not data.exists():
        checker.problems.append(Problem(display_name(data), 1, 1, "", "data file not found"))
        return
    files = data_files(data)
    if not files:
        checker.problems.append(Problem(display_name(data), 1, 1, "", "no *.yaml files in this folder"))
    for path in files:
        for doc in read_documents(path):
            dataset = checker.add(doc)
            if dataset is not None:
                yield doc, dataset


def check_dataset(data: Path) -> list[Problem]:
    """Every problem in the dataset at `data`, sorted by place; empty when it is valid."""
    checker = Checker(data)
    for _ in iter_checked(data, checker):
        pass
    return checker.finish()
