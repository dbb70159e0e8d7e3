"""`bilat new KIND --source ID [--write]`: a record's skeleton, printed or appended to its section of the data file.

Printed, it is indented as the data file's items of that section are, ready to paste; with `--write` it is
appended there by bilat.yaml_insert (every other byte of the file kept) and the id is what is printed.
Either way the id is free and the source exists: an unknown source is refused with the nearest id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bilat.dataset_files import file_for, read_data_file, replace_data_file
from bilat.problems import UsageError
from bilat.skeletons import KINDS, skeleton
from bilat.source_add import known
from bilat.suggest import did_you_mean
from bilat.yaml_insert import InsertError, append_record, indented


@dataclass(frozen=True)
class NewRecord:
    """The record's kind and id, its block as printed or written, and where it went (line 0: nowhere)."""

    kind: str
    id: str
    block: str
    data_file: Path
    line: int
    unfilled: str | None = None  # an earlier skeleton of this kind from this source, still under its first id


def new_record(data: Path, kind: str, source: str | None, *, write: bool) -> NewRecord:
    """The skeleton of a new `kind` drawn from `source`, written into the dataset at `data` when `write`."""
    if kind not in KINDS:
        near = did_you_mean(kind.replace("_", "-"), KINDS, cutoff=0.6)
        raise UsageError(f"new: unknown kind of record {kind!r}{near}: one of {', '.join(KINDS)}")
    if not source:
        raise UsageError(f"new: --source ID is required: the source the {kind} is drawn from (bilat sources list)")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", source):
        raise UsageError(f"new: --source {source!r} is not an id (lower-case letters, digits and hyphens)")
    have = known(data)
    if source not in have.files:
        near = did_you_mean(source, have.files, cutoff=0.6)
        raise UsageError(f"new: unknown source id {source!r}{near}: bilat sources list shows them")
    section = KINDS[kind]
    published = have.published.get(source, "")
    dated = published if re.fullmatch(r"\d{4}(-\d{2}){0,2}", published) else None  # only a date goes in a comment
    record_id, block = skeleton(kind, source, dated, have.ids)
    target = file_for(data, section)
    old = read_data_file(target, data)
    try:
        inserted = append_record(old, section, block)
    except InsertError as exc:
        if write:
            raise UsageError(f"{target}: {exc}") from None
        return NewRecord(kind, record_id, indented(block, 2), target, 0)
    if not write:
        return NewRecord(kind, record_id, inserted.block, target, 0)
    replace_data_file(target, data, old, inserted.text)
    first = f"{kind}-from-{source}"  # the id skeleton() gives first: still there, it was perhaps never filled in
    earlier = first if first in have.ids and record_id != first else None
    return NewRecord(kind, record_id, inserted.block, target, inserted.line, earlier)
