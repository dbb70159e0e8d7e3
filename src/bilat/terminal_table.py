"""Records as a person reads them on a terminal: a grid when it fits, one block per record when it does not.

The rules (checked at 60, 80, 120 and 200 columns by the golden screens in tests/golden/screens):

- an id is never split: it is what a reader copies into `bilat show`;
- titles and other text wrap at word boundaries, never cropped;
- optional columns give way, last first, and the table says which it left out;
- when even the required columns do not fit beside a readable title (`MIN_TEXT`), each record is drawn as a
  block: its id on a line of its own, its short fields on one line, its text wrapped below.

A date known only by its report's publication date reads `reported 2025-04-12`, the word styled apart.
Rich is imported only here and only when a table is drawn.
"""

from __future__ import annotations

from bilat.cells import Column, capped, cell, console, flat, shown, text_cell

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import IO, Any

GAP = 2  # characters between two columns of the grid: one of padding, one of the (blank) separator
MIN_TEXT = 30  # a title column narrower than this reads worse than a block per record
INDENT = 2  # the fields of a block, under its id
KEY = "id"  # the field a block starts with
STATUS_STYLES = {
    "signed": "bold green",
    "agreed": "green",
    "to-be-renewed": "cyan",
    "existing": "cyan",
    "planned": "yellow",
    "talks-agreed": "yellow",
    "exploring": "magenta",
    "under-discussion": "magenta",
    "importance-noted": "dim",
}


class Fit:
    """How records are drawn at one width: the grid's columns and what it left out, or blocks."""

    __slots__ = ("blocks", "columns", "left_out", "needed")

    def __init__(self, columns: list[Column], left_out: list[Column], blocks: bool, needed: int) -> None:
        self.columns, self.left_out, self.blocks, self.needed = columns, left_out, blocks, needed


def _is_text(column: Column) -> bool:
    """A column of running text (title, match, figures): it wraps, and a block gives it lines of its own."""
    return column.max_width is not None


def _widest(records: Sequence[Mapping[str, Any]], column: Column, columns: Sequence[Column]) -> int:
    lines = (line for r in records for line in cell(shown(r, column, columns, "\n")).split("\n"))
    return max(len(column.header), max((len(line) for line in lines), default=0))


def _needed(records: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> int:
    """The narrowest grid of `columns` that splits no id, date or status and leaves text `MIN_TEXT` wide."""
    total = 0
    for c in columns:
        if _is_text(c):
            total += max(MIN_TEXT if c.field == "title" else c.min_width, len(c.header))
        else:
            total += _widest(records, c, columns)
    return total + GAP * (len(columns) - 1)


def fit(records: Sequence[Mapping[str, Any]], columns: Sequence[Column], width: int) -> Fit:
    """The grid that fits `width`, dropping optional columns last first; blocks when none does."""
    kept = list(columns)
    left_out: list[Column] = []
    while _needed(records, kept) > width and any(c.optional for c in kept):
        drop = next(c for c in reversed(kept) if c.optional)
        kept.remove(drop)
        left_out.insert(0, drop)
    needed = _needed(records, [c for c in columns if not c.optional])
    if _needed(records, kept) > width:
        return Fit(list(columns), [], True, needed)
    return Fit(kept, left_out, False, needed)


def draw(
    records: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    out: IO[str],
    *,
    title: str | None,
    color: bool = True,
) -> None:
    """Draw `records` on the terminal `out`: a heading, the grid or the blocks, and what was left out."""
    from rich.text import Text

    con = console(out, color=color)
    layout = fit(records, columns, con.width)
    if title:
        heading = Text(title, style="bold")
        if layout.blocks and records:
            heading.append(f", one per block (a table needs {layout.needed} columns)", style="dim")
        con.print(heading)
        if layout.blocks and records:
            con.print()
    if not records:
        con.print(Text("(nothing matches)", style="dim"))
    elif layout.blocks:
        _blocks(con, records, layout.columns)
    else:
        _grid(con, records, layout.columns)
    if layout.left_out and records:
        names = ", ".join(c.header for c in layout.left_out)
        con.print(Text(f"left out at {con.width} columns: {names} (a wider terminal, or --format tsv)", style="dim"))


def _grid(con: Any, records: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> None:
    from rich import box
    from rich.table import Table

    widths = _widths(records, columns, con.width)
    table = Table(
        box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, GAP - 1, 0, 0), collapse_padding=True
    )
    for c, width in zip(columns, widths, strict=True):
        wraps = _is_text(c)
        table.add_column(c.header, width=width, no_wrap=not wraps, overflow="fold" if wraps else "ignore")
    for record in records:
        table.add_row(*(styled(record, c, columns, "\n") for c in columns))
    con.print(table)


def _widths(records: Sequence[Mapping[str, Any]], columns: Sequence[Column], width: int) -> list[int]:
    """Each column's width: short fields as wide as their widest value, text sharing the rest (titles twice)."""
    widths = [0 if _is_text(c) else _widest(records, c, columns) for c in columns]
    text = [i for i, c in enumerate(columns) if _is_text(c)]
    for i in text:
        widths[i] = max(MIN_TEXT if columns[i].field == "title" else columns[i].min_width, len(columns[i].header))
    room = width - sum(widths) - GAP * (len(columns) - 1)
    cap = {i: min(columns[i].max_width or width, max(widths[i], _longest(records, columns[i]))) for i in text}
    while room > 0 and any(widths[i] < cap[i] for i in text):
        for i in text:
            share = min(room, cap[i] - widths[i], 2 if columns[i].field == "title" else 1)
            widths[i] += max(share, 0)
            room -= max(share, 0)
    return widths


def _longest(records: Sequence[Mapping[str, Any]], column: Column) -> int:
    return max((len(cell(r.get(column.field))) for r in records), default=0)


def _blocks(con: Any, records: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> None:
    from rich.padding import Padding
    from rich.text import Text

    key = next((c for c in columns if c.field == KEY), columns[0])
    short = [c for c in columns if c is not key and not _is_text(c)]
    texts = [c for c in columns if _is_text(c)]
    for i, record in enumerate(records):
        if i:
            con.print()
        con.print(styled(record, key, columns, " ", bold=True), no_wrap=True, overflow="ignore", crop=False)
        meta = Text(" · ", style="dim").join(_labelled(record, c, columns) for c in short if flat(record.get(c.field)))
        lines = [meta] if meta.plain else []
        for c in texts:
            if flat(record.get(c.field)):
                text = styled(record, c, columns, " ")
                if c.field != "title":
                    text = Text(f"{c.header}: ", style="dim") + text
                lines.append(text)
        for line in lines:
            con.print(Padding(line, (0, 0, 0, INDENT), expand=False))


def _labelled(record: Mapping[str, Any], column: Column, columns: Sequence[Column]) -> Any:
    """A short field of a block; a count or a share says what it counts (`cited 13`), a word speaks for itself."""
    from rich.text import Text

    text = styled(record, column, columns, " ")
    value = record.get(column.field)
    if (isinstance(value, (int, float)) and not isinstance(value, bool)) or str(value).endswith("%"):
        return Text(f"{column.header} ", style="dim") + text
    return text


def styled(
    record: Mapping[str, Any], column: Column, columns: Sequence[Column], sep: str, *, bold: bool = False
) -> Any:
    """One field as Rich Text: search highlights, a status in its colour, `reported` styled apart."""
    value = shown(record, column, columns, sep)
    text = text_cell(value)
    if bold:
        text.stylize("bold")
    if column.field == "status":
        text.stylize(STATUS_STYLES.get(capped(flat(value), 40), ""))
    elif column.field == "date" and record.get("date_precision") == "reported" and text.plain.startswith("reported"):
        text.stylize("italic dim", 0, len("reported"))
    return text
