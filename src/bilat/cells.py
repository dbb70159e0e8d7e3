"""The cells of a table for people: columns, values as shown, Rich text and the one console.

Shared by the record writers (`bilat.render`), the terminal table (`bilat.terminal_table`) and the record
pages (`bilat.show_render`).  Rich is imported only when text is drawn on a terminal.
"""

from __future__ import annotations

import os
import re
import sys

from bilat.highlight import END as HIGHLIGHT_END
from bilat.highlight import START as HIGHLIGHT_START
from bilat.visible import visible

TYPE_CHECKING = False  # typing and collections.abc stay off the query path (start-up)
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import IO, Any

CELL_LIMIT = 2000  # characters of one table cell: Rich wraps every cell before writing, a 50 MB title never ends
MIN_WIDTH = 20  # a terminal narrower than this (COLUMNS=0, a pty of size 0) is taken as unknown: 80 columns
_MARKERS = re.compile(f"([{HIGHLIGHT_START}{HIGHLIGHT_END}])")


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


def flat(value: Any, sep: str = ";") -> str:
    """A value as one CSV/TSV/plain cell: lists joined with `;`, None as empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return sep.join(flat(v) for v in value)
    if isinstance(value, dict) and "text" in value:  # a structured value (a key figure): as a reader writes it
        return str(value["text"])
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def unmark(text: str, start: str = "", end: str = "") -> str:
    """Replace the search highlight markers."""
    return text.replace(HIGHLIGHT_START, start).replace(HIGHLIGHT_END, end)


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


def text_cell(value: Any) -> Any:
    """A cell as Rich Text (never markup), with search highlights in bold and control characters shown."""
    from rich.text import Text

    text = Text()
    bold = False
    for part in _MARKERS.split(capped(flat(value, "; "), CELL_LIMIT)):
        if part in (HIGHLIGHT_START, HIGHLIGHT_END):
            bold = part == HIGHLIGHT_START
        elif part:
            text.append(visible(part), style="bold yellow" if bold else None)
    return text
