"""What the command bodies share: reading on a fresh connection, the filters of a command line, counts in words.

Used by `bilat.commands` and `bilat.commands_time`; cheap to import (the query path).
"""

from __future__ import annotations

from bilat.cli_spec import Values
from bilat.run_context import Run

TYPE_CHECKING = False  # typing and collections.abc stay off the query path (start-up)
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable
    from typing import TypeVar

    from bilat.read.filters import Filters

    T = TypeVar("T")


def read_with(run: Run, query: Callable[[sqlite3.Connection], T]) -> T:
    """`query` on a fresh read-only connection, closed afterwards."""
    conn = run.connect()
    try:
        return query(conn)
    finally:
        conn.close()


def filters_of(conn: sqlite3.Connection, values: Values) -> Filters:
    from bilat.cli_spec import FILTER_NAMES
    from bilat.read.filters import Filters

    return Filters.parse(conn, {name: values.get(name) for name in FILTER_NAMES})


_SQLITE_MAX_INT = 2**63 - 1


def bounded(limit: int | None) -> int | None:
    """--limit as SQLite takes it: any larger number means every row (SQLite integers stop at 2**63 - 1)."""
    return None if limit is None or limit >= _SQLITE_MAX_INT else limit


def plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def of_total(shown: int, total: int, word: str) -> str:
    """`2 of 38 agreements (--limit 38 for all)` when a result was cut, else `38 agreements`."""
    if total <= shown:
        return plural(shown, word)
    return f"{shown:,} of {plural(total, word)} (--limit {total} for all)"
