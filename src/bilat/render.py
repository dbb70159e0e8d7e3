"""Writers for records: table (Rich, terminals only), plain lines, json, jsonl, csv, tsv, md.

Machine formats are written with `json` and `csv` straight to the stream and
never pass through Rich, so no colour, wrapping or markup can leak into them.
Rich is imported only when a table is drawn on a terminal.

Text for people (tables, plain lines, Markdown) passes through `bilat.visible`
here, once per kind of output: control characters in the data are shown, never
obeyed.  CSV and TSV keep the data, except that a cell a spreadsheet would run
as a formula is written as text (`spreadsheet_safe`); JSON keeps it exactly.
"""

from __future__ import annotations

import csv
import json
import re
import sys

from bilat.cells import CELL_LIMIT, Column, capped, cell, color_allowed, console, flat, shown, unmark
from bilat.problems import UsageError
from bilat.visible import json_visible, visible, writes_utf8

__all__ = ["CELL_LIMIT", "Column", "capped", "cell", "color_allowed", "console", "flat", "shown", "unmark"]

TYPE_CHECKING = False  # typing, collections.abc and dataclasses stay off the query path (start-up)
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import IO, Any

FORMATS = ("table", "json", "jsonl", "csv", "tsv", "md")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def choose_format(fmt: str | None, allowed: Sequence[str] = FORMATS, stream: IO[str] | None = None) -> str:
    """The format to write: the one asked for, else a table on a terminal and plain lines when piped."""
    if fmt is None:
        return "table" if (stream or sys.stdout).isatty() else "plain"
    fmt = fmt.lower()
    if fmt not in allowed:
        raise UsageError(f"--format: unknown format {fmt!r} (one of: {', '.join(allowed)})")
    return fmt


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return unmark(value, "**", "**")
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def json_text(data: Any, out: IO[str] | None, indent: int | None = None) -> str:
    """`data` as JSON for `out` (None: a UTF-8 file), exact: control characters escaped, ASCII unless UTF-8.

    Escaping changes only how strings are spelled, never what a JSON reader gets.
    """
    ascii_only = not writes_utf8(out)
    text = json.dumps(data, ensure_ascii=ascii_only, indent=indent)
    return text if ascii_only else json_visible(text)


def write_json(data: Any, out: IO[str]) -> None:
    out.write(json_text(_clean(data), out, indent=2) + "\n")


def spreadsheet_safe(text: str) -> str:
    """A CSV/TSV cell that a spreadsheet shows as text: a leading `'` when it would start a formula (OWASP).

    Numbers (`-5`, `+3.2`) stay as they are; JSON and JSONL carry the exact text for scripts.
    """
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_records(
    records: Sequence[Mapping[str, Any]],
    fmt: str,
    columns: Sequence[Column],
    out: IO[str] | None = None,
    *,
    title: str | None = None,
    fields: Sequence[str] | None = None,
    color: bool = True,
) -> None:
    """Write `records` in `fmt`; json/jsonl/csv/tsv carry every field, table/plain/md the `columns`.

    `fields` names the CSV/TSV header, so that an empty result has the same columns as a full one.
    """
    out = out or sys.stdout
    if fmt == "json":
        write_json(records, out)
    elif fmt == "jsonl":
        for record in records:
            out.write(json_text(_clean(record), out) + "\n")
    elif fmt in ("csv", "tsv"):
        fields = list(fields or (records[0] if records else [c.field for c in columns]))
        writer = csv.writer(out, dialect="excel" if fmt == "csv" else "excel-tab", lineterminator="\n")
        writer.writerow(fields)
        readable = visible if out.isatty() else str  # on a terminal, CSV is read by a person: no raw escapes
        for record in records:
            writer.writerow([readable(spreadsheet_safe(flat(_clean(record.get(f))))) for f in fields])
    elif fmt == "md":
        out.write("| " + " | ".join(c.header for c in columns) + " |\n")
        out.write("|" + "|".join(" --- " for _ in columns) + "|\n")
        for record in records:
            cells = [_md_cell(visible(flat(_clean(shown(record, c, columns)), "; "))) for c in columns]
            out.write("| " + " | ".join(cells) + " |\n")
    elif fmt == "plain":
        for record in records:
            cells = [" ".join(visible(flat(_clean(shown(record, c, columns)), "; ")).split()) for c in columns]
            out.write("\t".join(cells) + "\n")
    else:
        from bilat.terminal_table import draw

        draw(records, columns, out, title=title, color=color)


def _md_cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())
