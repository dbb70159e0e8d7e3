"""`bilat sources add`: a report's text stored in the dataset's sources folder and registered in its YAML.

The text is stored as bilat.source_text makes it (UTF-8, `\\n`, plain text), named as the shipped texts
are (`NNN_<16 hex digits of its SHA-256>.txt`, NNN one more than the highest number in the folder), and
registered as a source whose id is free (`<outlet>-<published>`, then `-2`, `-3`...) with the text's
SHA-256, which `bilat validate` checks from then on.  A text the dataset already has (the same words,
whitespace aside) is refused, naming the source that has it.  The record is appended to the sources
section by bilat.yaml_insert; if that fails, the stored text is removed again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilat.dataset_files import add_new_file, file_for, read_data_file, replace_data_file, sources_dir
from bilat.load import read_documents
from bilat.model import TEXT_PATTERN, normalise, text_problem
from bilat.problems import InvalidDataError, UsageError
from bilat.skeletons import free_id
from bilat.source_checksum import text_sha256
from bilat.source_files import SourceFileError, read_source
from bilat.source_text import SourceTextError, stored_text
from bilat.yaml_insert import InsertError, append_record
from bilat.yaml_text import quoted, scalar

_NUMBERED = re.compile(r"(\d{3,})_")
FIELD_OPTIONS = {"outlet": "--outlet", "published": "--published", "dateline": "--dateline", "kind": "--kind"}
FIELD_OPTIONS |= {"title": "--title", "url": "--url"}


@dataclass(frozen=True)
class Added:
    """What `bilat sources add` did: the source's id, its text's file, and where it was registered."""

    id: str
    file: Path
    data_file: Path
    line: int
    characters: int


@dataclass
class Known:
    """What the dataset already has: every record id, and each source's file and published date."""

    ids: set[str]
    files: dict[str, str]
    published: dict[str, str]


def known(data: Path) -> Known:
    """The ids and sources of the dataset at `data`, read from its YAML (it need not be valid, only YAML)."""
    from bilat.layout import data_files

    out = Known(set(), {}, {})
    for path in data_files(data) if data.exists() else []:
        for doc in read_documents(path):
            if doc.data is None and doc.problems:
                raise InvalidDataError(doc.problems)
            for section, records in (doc.data or {}).items() if isinstance(doc.data, dict) else ():
                for record in records if isinstance(records, list) else ():
                    _note(out, section, record)
    return out


def _note(out: Known, section: Any, record: Any) -> None:
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        return
    out.ids.add(record["id"])
    if section == "sources" and isinstance(record.get("file"), str):
        out.files[record["id"]] = record["file"]
        out.published[record["id"]] = str(record.get("published") or "")


def add_source(data: Path, file: Path, fields: dict[str, str | None]) -> Added:
    """Store `file`'s text in the dataset at `data` and register it with `fields` (outlet, published...)."""
    raw = _read_input(file)
    try:
        text = stored_text(raw, "" if str(file) == "-" else file.suffix)
    except SourceTextError as exc:
        raise UsageError(f"{file} {exc}") from None
    have = known(data)
    record = source_record(fields, have.ids, text)
    folder = sources_dir(data)
    _refuse_duplicate(file, text, folder, have)
    target = file_for(data, "sources")
    old = read_data_file(target, data)
    stored = _store(folder, text)
    record["file"] = stored.name
    try:
        inserted = append_record(old, "sources", source_block(record))
        replace_data_file(target, data, old, inserted.text)
    except BaseException as exc:
        stored.unlink()
        if isinstance(exc, InsertError):
            raise UsageError(f"{target}: {exc}") from None
        raise
    return Added(str(record["id"]), stored, target, inserted.line, len(text))


def _read_input(file: Path) -> bytes:
    from bilat.source_files import MAX_SOURCE_BYTES

    if str(file) == "-":
        import sys

        return sys.stdin.buffer.read(MAX_SOURCE_BYTES + 1)
    if file.is_dir():
        raise UsageError(f"{file} is a folder: name the report's text file")
    try:
        with file.open("rb") as stream:
            return stream.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"{file}: cannot read: {exc.strerror or exc}") from None


def _refuse_duplicate(file: Path, text: str, folder: Path, have: Known) -> None:
    words = normalise(text)
    for source, name in have.files.items():
        try:
            same = normalise(read_source(folder, name)) == words
        except SourceFileError:
            continue
        if same:
            raise UsageError(f"{file}: this text is already in the dataset as source {source!r} (sources/{name})")


def _store(folder: Path, text: str) -> Path:
    """The text written under the next free `NNN_<hash>.txt` name of `folder`."""
    numbers = [int(m.group(1)) for p in folder.iterdir() if (m := _NUMBERED.match(p.name))]
    number = max(numbers, default=-1) + 1
    while True:
        try:
            return add_new_file(folder, f"{number:03d}_{text_sha256(text)[:16]}.txt", text)
        except FileExistsError:
            number += 1


def source_record(fields: dict[str, str | None], taken: set[str], text: str) -> dict[str, Any]:
    """The new source's fields, checked by the model (UsageError naming the option when one is wrong)."""
    from pydantic import ValidationError

    from bilat.model import Source

    published = _date(fields.get("published") or "")
    outlet = (fields.get("outlet") or "").strip() or None
    record: dict[str, Any] = {"id": free_id(f"{slug(outlet or '') or 'report'}-{published}", taken)}
    record |= {"outlet": outlet, "published": published, "dateline": fields.get("dateline") or None}
    record |= {"kind": fields.get("kind") or "news-report", "file": "000_0.txt", "sha256": text_sha256(text)}
    record |= {"title": fields.get("title") or None, "url": fields.get("url") or None}
    try:
        Source.model_validate(record)
    except ValidationError as exc:
        raise UsageError(_option_message(exc, record)) from None
    return record


def _date(value: str) -> str:
    from bilat import dates

    try:
        iso = dates.typed(value)
    except dates.AmbiguousDate as exc:
        raise UsageError(
            f"--published {value!r} reads two ways: write {exc.readings[0]} or {exc.readings[1]}"
        ) from None
    if iso is None:
        raise UsageError(f"--published: expected the report's date as YYYY-MM-DD (e.g. 2025-04-12), got {value!r}")
    return iso


def _option_message(exc: Any, record: dict[str, Any]) -> str:
    from bilat.validate_messages import choice_message, pattern_message

    error = exc.errors(include_url=False)[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    value, ctx = record.get(field), error.get("ctx", {})
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "literal_error":
        message = choice_message(str(ctx.get("expected", "")), value, field)
    elif error["type"] == "string_pattern_mismatch" and ctx.get("pattern") == TEXT_PATTERN:
        message = text_problem(str(value))
    elif error["type"] == "string_pattern_mismatch":
        message = pattern_message(str(ctx.get("pattern", "")), value) or message
    return f"{FIELD_OPTIONS.get(field, field)}: {message}"


def slug(text: str) -> str:
    """`UrduPoint / Pakistan Point News` -> `urdupoint-pakistan-point-news` (ASCII, at most 60 characters)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].rstrip("-")


def source_block(record: dict[str, Any]) -> str:
    """The source as one YAML list item at column 0, in the order the shipped sources are written."""
    lines = [f"- id: {scalar(record['id'])}", f"  outlet: {scalar(record['outlet'])}"]
    lines.append(f"  published: {quoted(record['published'])}")
    if record.get("dateline"):
        lines.append(f"  dateline: {scalar(record['dateline'])}")
    else:
        lines.append('  # dateline: ""  # the dateline place; null when the report has none')
    lines += [f"  kind: {scalar(record['kind'])}", f"  file: {scalar(record['file'])}"]
    lines.append(f"  sha256: {quoted(record['sha256'])}")
    lines += [f"  {key}: {scalar(record[key])}" for key in ("title", "url") if record.get(key)]
    lines.append('  # notes: ""  # what a reader of the data should know about this report')
    return "\n".join(lines) + "\n"
