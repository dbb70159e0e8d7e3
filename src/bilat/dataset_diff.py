"""What changed between two versions of a dataset, record by record: the structure `bilat diff` renders.

Records are matched by id within their section.  A record only in the new
version is `added`, only in the old one `removed`, in both but different
`changed` (each difference a `bilat.record_diff.FieldChange`).

**Renames.**  A removed and an added record of the same section are one record
`renamed` from the old id to the new when everything but the id is the same,
or nearly: their values, read as text, at least RENAME_LIKENESS alike by
difflib's ratio (what else changed is listed with the rename).  The closest
pairs are taken first; a record is renamed at most once.  Past MAX_PAIRS
pairs of candidates in one section only exact renames are looked for.  The
rule is symmetric: what is renamed from A to B going one way is renamed from B
to A going the other.

A source whose text file changed gets a `text` change: the passage around the
first difference, in each version.  A record moved to another file of a
folder dataset gets a `file` change.

Standard library only; no I/O (`bilat.diff_sides` reads the datasets).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from bilat.diff_text import shorten_pair
from bilat.record_diff import FieldChange, record_changes

SECTIONS = ("sources", "people", "organisations", "events", "agreements", "follow_ups", "discrepancies")
RENAME_LIKENESS = 0.9
MAX_PAIRS = 10_000
TEXT_EXCERPT = 100  # characters of a source text shown around its first change (Markdown shows them as they are)


@dataclass(frozen=True)
class Record:
    """One record of one version: its fields as the model reads them, where it is (FILE:LINE), which data file."""

    data: dict[str, Any]
    at: str = ""
    file: str = ""

    @property
    def id(self) -> str:
        return str(self.data.get("id"))


@dataclass
class Side:
    """One version of a dataset: its label (`HEAD`, a path), its records by section and id, its source texts."""

    label: str
    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # source id -> the text of its file
    folder: bool = False  # a folder of data files: a record moved between files is a change


@dataclass(frozen=True)
class Entry:
    """A record in the diff: its id (and the id it had, when renamed), its label, where it is, what changed."""

    id: str
    label: str
    at: str
    changes: tuple[FieldChange, ...] = ()
    old_id: str | None = None

    def to_json(self, *, changes: bool) -> dict[str, Any]:
        head = {"from": self.old_id, "to": self.id} if self.old_id is not None else {"id": self.id}
        out: dict[str, Any] = {**head, "label": self.label, "at": self.at}
        if changes:
            out["changes"] = [c.to_json() for c in self.changes]
        return out


@dataclass
class SectionDiff:
    section: str
    added: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    renamed: list[Entry] = field(default_factory=list)
    changed: list[Entry] = field(default_factory=list)

    def count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.renamed) + len(self.changed)


@dataclass
class DatasetDiff:
    old: str
    new: str
    sections: list[SectionDiff]

    def count(self) -> int:
        """How many records were added, removed, renamed or changed."""
        return sum(s.count() for s in self.sections)

    def to_json(self) -> dict[str, Any]:
        """The documented JSON of `bilat diff --format json` (every section, every list, always there)."""
        totals = {k: sum(len(getattr(s, k)) for s in self.sections) for k in ("added", "removed", "renamed", "changed")}
        return {
            "old": self.old,
            "new": self.new,
            "counts": totals,
            "sections": {
                s.section: {
                    "added": [e.to_json(changes=False) for e in s.added],
                    "removed": [e.to_json(changes=False) for e in s.removed],
                    "renamed": [e.to_json(changes=True) for e in s.renamed],
                    "changed": [e.to_json(changes=True) for e in s.changed],
                }
                for s in self.sections
            },
        }


def label(section: str, data: dict[str, Any]) -> str:
    """How a record is named to a reader: its title, name, description, or what a discrepancy is about."""
    if section == "sources":
        return str(data.get("title") or f"{data.get('outlet') or 'no outlet named'}, {data.get('published')}")
    if section in ("people", "organisations"):
        return str(data.get("name"))
    if section == "follow_ups":
        return str(data.get("description"))
    if section == "discrepancies":
        return f"{data.get('subject')}: {data.get('field')}"
    return str(data.get("title"))


def diff_datasets(old: Side, new: Side) -> DatasetDiff:
    """Every record added, removed, renamed or changed from `old` to `new`, section by section."""
    return DatasetDiff(old.label, new.label, [_section(name, old, new) for name in SECTIONS])


def _section(section: str, old: Side, new: Side) -> SectionDiff:
    before, after = old.records.get(section, {}), new.records.get(section, {})
    out = SectionDiff(section)
    for rid, record in after.items():
        if rid in before and (changes := _changes(section, before[rid], record, old, new)):
            out.changed.append(Entry(rid, label(section, record.data), record.at, tuple(changes)))
    removed = [r for rid, r in before.items() if rid not in after]
    added = [r for rid, r in after.items() if rid not in before]
    renamed = dict(renames(removed, added))  # old id -> new id
    paired = {new_id: old_id for old_id, new_id in renamed.items()}
    for record in added:
        if record.id in paired:
            was = before[paired[record.id]]
            also = tuple(_changes(section, was, record, old, new))
            out.renamed.append(Entry(record.id, label(section, record.data), record.at, also, was.id))
        else:
            out.added.append(Entry(record.id, label(section, record.data), record.at))
    out.removed = [Entry(r.id, label(section, r.data), r.at) for r in removed if r.id not in renamed]
    return out


def _changes(section: str, was: Record, now: Record, old: Side, new: Side) -> list[FieldChange]:
    changes = record_changes(section, was.data, now.data) if was.data != now.data else []
    if section == "sources":
        a, b = old.texts.get(was.id), new.texts.get(now.id)
        if a is not None and b is not None and a != b:
            changes.append(FieldChange("text", "changed", *shorten_pair(a, b, TEXT_EXCERPT)))
    if old.folder and new.folder and was.file != now.file:
        changes.append(FieldChange("file", "changed", was.file, now.file))
    return changes


def renames(removed: list[Record], added: list[Record]) -> list[tuple[str, str]]:
    """(old id, new id) of each removed record that is an added one renamed (the rule in the module's doc)."""
    pairs: list[tuple[str, str]] = []
    groups: dict[str, tuple[list[Record], list[Record]]] = defaultdict(lambda: ([], []))
    for side, records in ((0, removed), (1, added)):
        for record in records:
            groups[_content_key(record)][side].append(record)
    for gone, came in groups.values():  # exactly the same but for the id: paired in id order
        pairs += [(a.id, b.id) for a, b in zip(sorted(gone, key=_by_id), sorted(came, key=_by_id), strict=False)]
    taken = {rid for pair in pairs for rid in pair}
    gone = [r for r in removed if r.id not in taken]
    came = [r for r in added if r.id not in taken]
    if not gone or not came or len(gone) * len(came) > MAX_PAIRS:
        return pairs
    texts = {id(r): _content_text(r) for r in (*gone, *came)}
    scored = []
    for a in gone:
        for b in came:
            likeness = _likeness(texts[id(a)], texts[id(b)])
            if likeness >= RENAME_LIKENESS:
                scored.append((-likeness, sorted((a.id, b.id)), a.id, b.id))
    for _score, _tie, a_id, b_id in sorted(scored):
        if a_id not in taken and b_id not in taken:
            pairs.append((a_id, b_id))
            taken |= {a_id, b_id}
    return pairs


def _by_id(record: Record) -> str:
    return record.id


def _content(record: Record) -> dict[str, Any]:
    return {k: v for k, v in record.data.items() if k != "id"}


def _content_key(record: Record) -> str:
    return json.dumps(_content(record), sort_keys=True, default=str)


def _content_text(record: Record) -> str:
    """The record's values (not its field names, which every record shares), one per line, id aside."""
    values: list[str] = []
    stack: list[Any] = [_content(record)]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(reversed(list(value.values())))
        elif isinstance(value, list):
            stack.extend(reversed(value))
        elif value is not None:
            values.append(str(value))
    return "\n".join(values)


def _likeness(a: str, b: str) -> float:
    """difflib's ratio of two texts, the same either way round; cheap upper bounds first."""
    first, second = sorted((a, b))
    matcher = SequenceMatcher(None, first, second, autojunk=False)
    if matcher.real_quick_ratio() < RENAME_LIKENESS or matcher.quick_ratio() < RENAME_LIKENESS:
        return 0.0
    return matcher.ratio()
