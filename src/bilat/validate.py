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
from bilat.source_files import SourceFileError, read_source
from bilat.store import data_files, sources_folder

SECTIONS = ("sources", "people", "organisations", "events", "agreements", "follow_ups", "discrepancies")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Whitespace runs become one space: the only liberty a quote may take with its source."""
    return _SPACE.sub(" ", text).strip()


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
        self._collect_ids(doc)
        self._collect_refs(doc)
        try:
            return Dataset.model_validate(doc.data)
        except ValidationError as exc:
            self.problems.extend(_schema_problems(exc, doc))
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
                    self.problems.append(doc.problem(path, f"duplicate id {rid!r} (first used at {first})"))
                    continue
                self.ids[rid] = (section, here)
                self.by_section[section].add(rid)
                if section == "sources" and isinstance(record.get("file"), str):
                    self.source_files[rid] = record["file"]
                    text, why = _source_text(sources_folder(self.data), record["file"])
                    if text is None:
                        self.problems.append(doc.problem((section, i, "file"), why))

    def _ref(self, doc: Document, path: Path_, section: str, target: str | None) -> None:
        if target is not None:
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
            name = self.source_files.get(source)
            text = _source_text(sources_folder(self.data), name)[0] if name else None
            if text is not None and normalise(quote) not in text:
                self.problems.append(_with_message(where, f"quote not found in source {source!r}: {_short(quote)}"))
        self._refs.clear()
        self._quotes.clear()
        return sorted(set(self.problems))


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
