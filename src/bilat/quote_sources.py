"""The source texts `bilat quote` searches: those the dataset declares, read as `bilat validate` reads them.

The ids and file names come from the dataset's `sources:` records, read straight from its YAML (not from the
database: a curator looks for a quote while the dataset does not validate yet, and the build refuses such a
dataset).  Each text is read by `bilat.source_files.read_source` from the dataset's sources folder only, and
normalised by `bilat.model.normalise`: the one rule a quote is checked under.  Off the query path (it imports
YAML and pydantic): only the body of `bilat quote` imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bilat.layout import data_files, sources_folder
from bilat.load import display_name, read_documents
from bilat.model import normalise
from bilat.problems import InvalidDataError, Problem, UsageError
from bilat.quote_diff import line_breaks
from bilat.source_files import SourceFileError, read_source
from bilat.suggest import did_you_mean


@dataclass(frozen=True)
class SourceText:
    """One source as a quote is checked against it: its id, its file, its normalised text and its lines."""

    id: str
    path: str  # the file as a curator opens it (relative to the current folder when under it)
    text: str  # normalised: whitespace runs are one space (bilat.model.normalise)
    breaks: list[int]  # where each line of the file begins in `text` (bilat.quote_diff.line_breaks)

    def line(self, offset: int) -> int:
        """The line of the file, as it is on disk, that holds character `offset` of `text` (1-based)."""
        from bisect import bisect_right

        return bisect_right(self.breaks, offset) + 1


def declared(data: Path) -> dict[str, str]:
    """Source id -> file name, for every `sources:` record of the dataset at `data` with a text id and file.

    The first record of an id wins (validate reports the duplicate).  A dataset no file of which can be read
    as YAML raises InvalidDataError with the reader's problems; one that declares no source says so.
    """
    found: dict[str, str] = {}
    problems: list[Problem] = []
    for file in data_files(data):
        for doc in read_documents(file):
            problems.extend(doc.problems)
            records = doc.data.get("sources") if isinstance(doc.data, dict) else None
            for record in records if isinstance(records, list) else []:
                if (
                    isinstance(record, dict)
                    and isinstance(record.get("id"), str)
                    and isinstance(record.get("file"), str)
                ):
                    found.setdefault(record["id"], record["file"])
    if not found and problems:
        raise InvalidDataError(problems)
    if not found:
        raise InvalidDataError([], f"{display_name(data)}: the dataset declares no sources (sources: - id:, file:)")
    return found


def chosen(files: dict[str, str], source: str | None) -> dict[str, str]:
    """The sources to search: all of them, or the one `--source` names (UsageError with a did-you-mean if none)."""
    if source is None:
        return files
    if source not in files:
        raise UsageError(f"--source: unknown source id {source!r}{did_you_mean(source, files)}")
    return {source: files[source]}


def load(data: Path, source_id: str, name: str) -> SourceText:
    """The text of one source, read from the dataset's sources folder only; SourceFileError when it cannot be."""
    folder = sources_folder(data)
    raw = read_source(folder, name)
    return SourceText(source_id, display_name(folder / name), normalise(raw), line_breaks(raw))


__all__ = ["SourceFileError", "SourceText", "chosen", "declared", "load"]
