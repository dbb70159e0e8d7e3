"""What `bilat sql` runs: one read-only statement against the compiled database, refused by construction if it
could change anything or reach outside it.

Three walls, each enough alone for what it stops: the connection is opened read-only (`mode=ro`) with
`query_only`; the statement must be a query (`SELECT`, `WITH`, `VALUES`, `EXPLAIN`), one only; and an
authorizer lets SQLite do nothing but read tables and call ordinary functions, so `ATTACH` (which would create
a file), `VACUUM INTO`, a `PRAGMA`, `load_extension()` and any write are refused before they run.
"""

from __future__ import annotations

import re
import sqlite3

from bilat.problems import UsageError

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    from typing import Any

_QUERY = re.compile(r"^\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*(select|with|values|explain)\b", re.IGNORECASE | re.DOTALL)
_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
_FUNCTIONS_REFUSED = {"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"}


def _authorize(action: int, arg1: str | None, arg2: str | None, database: str | None, trigger: str | None) -> int:
    if action not in _ALLOWED:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _FUNCTIONS_REFUSED:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def run_query(
    conn: sqlite3.Connection, statement: str, *, limit: int | None = None
) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and rows of `statement`; a UsageError (exit 2) naming the problem for anything else."""
    if not _QUERY.match(statement):
        raise UsageError(
            f"sql: {_not_a_query(statement)}only a query runs (SELECT, WITH, VALUES or EXPLAIN): it is read-only"
        )
    conn.execute("pragma query_only = on")
    conn.set_authorizer(_authorize)
    # SQLite runs a query without returning to Python, so Ctrl-C would wait for it to end (never, for a
    # runaway recursive query): a progress handler lets Python see the signal; SQLite then stops, "interrupted".
    conn.set_progress_handler(lambda: 0, 10_000)
    try:
        cursor = conn.execute(statement)
        columns = [d[0] for d in cursor.description or []]
        rows = cursor.fetchmany(limit) if limit is not None else cursor.fetchall()
    except sqlite3.Warning as exc:  # "You can only execute one statement at a time."
        raise UsageError(f"sql: {exc}") from None
    except sqlite3.DatabaseError as exc:
        message = str(exc)
        if message == "interrupted":
            raise KeyboardInterrupt from None  # exit 130, quietly, like any command stopped by Ctrl-C
        if message.startswith(("no such table: ", "no such column: ")):
            message += _nearest_name(conn, message.split(": ", 1)[1])
        if "not authorized" in message or "prohibited" in message:
            message += " (bilat sql only reads the compiled tables)"
        raise UsageError(f"sql: {message}") from None
    finally:
        conn.set_authorizer(None)
        conn.set_progress_handler(None, 0)
    unique = _unique(columns)
    return unique, [dict(zip(unique, tuple(row), strict=True)) for row in rows]


def _not_a_query(statement: str) -> str:
    """What the statement begins with, and the query word it was perhaps meant to be (`selct`)."""
    from bilat.suggest import did_you_mean

    first = statement.split(None, 1)[0] if statement.split() else ""
    if not first:
        return "the statement is empty; "
    return f"{first!r} does not begin a query{did_you_mean(first.lower(), ('select', 'with', 'values', 'explain'))}; "


def _nearest_name(conn: sqlite3.Connection, name: str) -> str:
    """` (did you mean 'agreements'?)` for a table, view or column name one typo away; "" when none is."""
    from bilat.suggest import did_you_mean

    conn.set_authorizer(None)  # bilat's own look at the names, after the user's statement has failed
    tables = [row[0] for row in conn.execute("select name from sqlite_master where type in ('table', 'view')")]
    columns = {row[0] for table in tables for row in conn.execute("select name from pragma_table_info(?)", (table,))}
    return did_you_mean(name.split(".")[-1], [*tables, *columns])


def _unique(columns: list[str]) -> list[str]:
    """Column names as record fields: a repeated name gets a suffix (`id`, `id_2`)."""
    seen: dict[str, int] = {}
    out = []
    for name in columns:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out
