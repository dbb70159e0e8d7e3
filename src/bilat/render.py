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
import os
import re
import sys

from bilat.highlight import END as HIGHLIGHT_END
from bilat.highlight import START as HIGHLIGHT_START
from bilat.problems import UsageError
from bilat.visible import json_visible, visible, writes_utf8

TYPE_CHECKING = False  # typing, collections.abc and dataclasses stay off the query path (start-up)
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import IO, Any

FORMATS = ("table", "json", "jsonl", "csv", "tsv", "md")
CELL_LIMIT = 2000  # characters of one table cell: Rich wraps every cell before writing, a 50 MB title never ends
MIN_WIDTH = 20  # a terminal narrower than this (COLUMNS=0, a pty of size 0) is taken as unknown: 80 columns
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKERS = re.compile(f"([{HIGHLIGHT_START}{HIGHLIGHT_END}])")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class Column:
    """One column of a table: the record field it shows, its header, and how it gives way on a narrow terminal."""

    __slots__ = ("field", "header", "max_width", "min_width", "no_wrap", "optional")

    def __init__(
        self,
        field: str,
        header: str,
        max_width: int | None = None,
        *,
        no_wrap: bool = False,
        min_width: int = 10,
        optional: bool = False,
    ) -> None:
        self.field, self.header, self.max_width = field, header, max_width
        self.no_wrap = no_wrap  # ids, dates and statuses are never split across lines in a table
        self.min_width = min_width  # a wrapping column keeps at least this width
        self.optional = optional  # left out of a table when the terminal is too narrow for every column

    def wrapping(self, min_width: int) -> Column:
        """This column allowed to wrap, down to `min_width` characters."""
        return Column(self.field, self.header, self.max_width, min_width=min_width, optional=self.optional)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Column) and all(getattr(self, a) == getattr(other, a) for a in self.__slots__)

    __hash__ = None  # type: ignore[assignment]


def color_allowed(stream: IO[str], color: bool = True) -> bool:
    """Colour only on a terminal, and not under --no-color (`color` False), NO_COLOR or TERM=dumb."""
    if not color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


def choose_format(fmt: str | None, allowed: Sequence[str] = FORMATS, stream: IO[str] | None = None) -> str:
    """The format to write: the one asked for, else a table on a terminal and plain lines when piped."""
    if fmt is None:
        return "table" if (stream or sys.stdout).isatty() else "plain"
    fmt = fmt.lower()
    if fmt not in allowed:
        raise UsageError(f"--format: unknown format {fmt!r} (one of: {', '.join(allowed)})")
    return fmt


def flat(value: Any, sep: str = ";") -> str:
    """A value as one CSV/TSV/plain cell: lists joined with `;`, None as empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return sep.join(flat(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def unmark(text: str, start: str = "", end: str = "") -> str:
    """Replace the search highlight markers."""
    return text.replace(HIGHLIGHT_START, start).replace(HIGHLIGHT_END, end)


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
        draw_table(records, columns, out, title=title, color=color)


def shown(record: Mapping[str, Any], column: Column, columns: Sequence[Column], sep: str = " ") -> Any:
    """A record's value as a table, plain line or Markdown shows it.

    A date known only by its report's publication date (`date_precision: reported`) reads `reported 2025-04-12`
    unless a precision column beside it says so (a table puts `reported` on a line of its own, to stay narrow);
    machine formats keep the ISO date and the `date_precision` field.
    """
    value = record.get(column.field)
    if (
        column.field == "date"
        and value
        and record.get("date_precision") == "reported"
        and not any(c.field == "date_precision" for c in columns)
    ):
        return f"reported{sep}{value}"
    return value


def _md_cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def console(out: IO[str] | None = None, stderr: bool = False, *, color: bool = True) -> Any:
    """The one Rich console every terminal writer uses: colour only where allowed, a usable width."""
    from rich.console import Console

    stream = out or (sys.stderr if stderr else sys.stdout)
    con = Console(file=stream, no_color=not color_allowed(stream, color), highlight=False, emoji=False, soft_wrap=False)
    if con.width < MIN_WIDTH:  # COLUMNS=0 would make Rich print nothing at all
        con.width = 80
    return con


def cell(value: Any) -> str:
    """A value as the text of one table cell: at most CELL_LIMIT characters, control characters shown."""
    return visible(capped(flat(value, "; "), CELL_LIMIT))


def capped(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, the last one `…` (before `visible`, which may lengthen it)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def draw_table(
    records: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    out: IO[str],
    *,
    title: str | None,
    color: bool = True,
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    con = console(out, color=color)
    columns = _fitting(records, list(columns), con.width)
    table = Table(title=title, box=box.SIMPLE_HEAD, highlight=False, title_justify="left", pad_edge=False)
    for c in columns:
        table.add_column(
            c.header,
            max_width=c.max_width,
            min_width=None if c.no_wrap else c.min_width,
            overflow="fold",
            no_wrap=c.no_wrap,
            ratio=None if c.no_wrap else 1,
        )
    for record in records:
        table.add_row(*(_text(shown(record, c, columns, "\n"), Text) for c in columns))
    con.print(table)
    if not records:
        con.print(Text("(nothing matches)", style="dim"))


def _fitting(records: Sequence[Mapping[str, Any]], columns: list[Column], width: int) -> list[Column]:
    """The columns that fit `width`: optional ones are dropped, last first, until unwrapped ids fit beside the rest."""

    def needed(cols: list[Column]) -> int:
        total = 0
        for c in cols:
            if c.no_wrap:
                widest = max(
                    (len(line) for r in records for line in cell(shown(r, c, cols, "\n")).split("\n")), default=0
                )
                total += max(len(c.header), widest)
            else:
                total += c.min_width
        return total + 2 * len(cols)

    while needed(columns) > width and any(c.optional for c in columns):
        drop = next(c for c in reversed(columns) if c.optional)
        columns = [c for c in columns if c is not drop]
    if needed(columns) > width:  # still too wide: fold long ids too, rather than let Rich crop the text
        columns = [c.wrapping(min(c.min_width, 8)) for c in columns]
    return columns


def _text(value: Any, text_cls: Any) -> Any:
    """A cell as Rich Text (never markup), with search highlights in bold and control characters shown."""
    text = text_cls()
    bold = False
    for part in _MARKERS.split(capped(flat(value, "; "), CELL_LIMIT)):
        if part in (HIGHLIGHT_START, HIGHLIGHT_END):
            bold = part == HIGHLIGHT_START
        elif part:
            text.append(visible(part), style="bold yellow" if bold else None)
    return text
