"""The query commands' bodies, shared by the Typer CLI (`bilat.cli`) and the fast path (`bilat.fast`).

Each body checks its options, runs the query, and returns a function that
prints the result: all errors happen before the first byte of output.  Knows
nothing of how the command line was parsed; `connect` opens a fresh database.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from contextlib import closing
from typing import Any

Render = Callable[[], None]
Connect = Callable[[], sqlite3.Connection]
Warn = Callable[[str], None]

LIST_FIELDS = (
    "id",
    "title",
    "kind",
    "status",
    "date",
    "date_precision",
    "first_date",
    "parties",
    "sectors",
    "institutions",
    "figures",
    "quantity",
    "summary",
    "sources",
)
SEARCH_FIELDS = ("type", "id", "title", "date", "date_precision", "status", "snippet", "score")
TIMELINE_FIELDS = ("date", "date_precision", "type", "id", "kind", "title", "status", "place", "countries", "event")
SUMMARY_FIELDS = ("dimension", "key", "label", "count")


def _filters(conn: sqlite3.Connection, f: dict[str, Any]) -> Any:
    from bilat.query import Filters

    return Filters.parse(
        conn,
        countries=f.get("country"),
        statuses=f.get("status"),
        kinds=f.get("kind"),
        sectors=f.get("sector"),
        since=f.get("since"),
        until=f.get("until"),
    )


_SQLITE_MAX_INT = 2**63 - 1


def _bounded(limit: int | None) -> int | None:
    """--limit as SQLite takes it: any larger number means every row (SQLite integers stop at 2**63 - 1)."""
    return None if limit is None or limit >= _SQLITE_MAX_INT else limit


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def list_agreements(
    connect: Connect, filters: dict[str, Any], *, sort: str = "date", limit: int | None = None, fmt: str | None = None
) -> Render:
    from bilat.query import list_agreements as query
    from bilat.render import Column, choose_format, write_records

    out_format = choose_format(fmt)
    with closing(connect()) as conn:
        records = query(conn, _filters(conn, filters), sort=sort, limit=_bounded(limit))
    columns = [
        Column("id", "id", no_wrap=True),
        Column("date", "date", no_wrap=True),
        Column("status", "status", no_wrap=True),
        Column("kind", "kind", optional=True),
        Column("parties", "parties", optional=True),
        Column("title", "title", 60, min_width=20),
    ]
    if out_format == "table" and any(r["figures"] for r in records):
        columns.append(Column("figures", "figures", 30, optional=True))
    return lambda: write_records(
        records, out_format, columns, title=_plural(len(records), "agreement"), fields=LIST_FIELDS
    )


def search(
    connect: Connect,
    query: str,
    filters: dict[str, Any],
    *,
    limit: int = 20,
    fmt: str | None = None,
    quiet: bool = False,
    warn: Warn,
) -> Render:
    from bilat.query import search as run_search
    from bilat.render import Column, choose_format, write_records

    out_format = choose_format(fmt)
    with closing(connect()) as conn:
        result = run_search(conn, query, _filters(conn, filters), limit=_bounded(limit))
    columns = [
        Column("type", "type", no_wrap=True),
        Column("id", "id", no_wrap=True),
        Column("date", "date", no_wrap=True, optional=True),
        Column("title", "title", 50, min_width=20),
        Column("snippet", "match", 70, min_width=20),
    ]

    def render() -> None:
        if result.reinterpreted and not quiet:
            words = result.query if len(result.query) <= 120 else result.query[:119] + "…"
            warn(f"note: {query[:80]!r} is not search syntax; searched for the words {words}")
        if result.ranked and not quiet:
            warn(
                f"note: {result.matches:,} records match; the {result.ranked:,} most recent were ranked "
                "(add a word or a filter to narrow the search)"
            )
        write_records(result.hits, out_format, columns, title=_plural(len(result.hits), "hit"), fields=SEARCH_FIELDS)

    return render


def show(connect: Connect, record_id: str, *, fmt: str | None = None) -> Render:
    from bilat.records import show as full_record
    from bilat.render import choose_format

    out_format = choose_format(fmt, ("table", "json", "md"))
    with closing(connect()) as conn:
        record = full_record(conn, record_id)

    def render() -> None:
        if out_format == "json":
            from bilat.render import write_json

            write_json(record, sys.stdout)
        elif out_format == "table":
            from bilat.show_render import write_rich

            write_rich(record, sys.stdout)
        else:
            from bilat.show_render import write_markdown

            write_markdown(record, sys.stdout)

    return render


def summary(connect: Connect, filters: dict[str, Any], *, fmt: str | None = None) -> Render:
    from bilat.query import summary as counts_of
    from bilat.render import Column, choose_format, write_json, write_records

    out_format = choose_format(fmt)
    with closing(connect()) as conn:
        counts = counts_of(conn, _filters(conn, filters))

    def render() -> None:
        if out_format == "json":
            write_json(counts, sys.stdout)
        elif out_format == "table":
            from bilat.show_render import write_summary

            write_summary(counts, sys.stdout)
        else:
            rows = [
                {"dimension": dim, "key": r["key"], "label": r["label"], "count": r["count"]}
                for dim, group in counts.items()
                for r in group
            ]
            columns = [Column("dimension", "by"), Column("key", "value"), Column("count", "count")]
            write_records(rows, out_format, columns, fields=SUMMARY_FIELDS)

    return render


def timeline(connect: Connect, filters: dict[str, Any], *, limit: int | None = None, fmt: str | None = None) -> Render:
    from bilat.query import timeline as entries_of
    from bilat.render import Column, choose_format, write_records

    out_format = choose_format(fmt)
    with closing(connect()) as conn:
        entries = entries_of(conn, _filters(conn, filters), limit=_bounded(limit))
    columns = [
        Column("date", "date", no_wrap=True),
        Column("date_precision", "precision", no_wrap=True, optional=True),
        Column("type", "type", no_wrap=True),
        Column("status", "status", no_wrap=True),
        Column("id", "id", no_wrap=True, optional=True),
        Column("title", "title", 70, min_width=20),
    ]
    return lambda: write_records(
        entries,
        out_format,
        columns,
        title=_plural(len(entries), "entry").replace("entrys", "entries"),
        fields=TIMELINE_FIELDS,
    )


def brief(connect: Connect, target: str, *, fmt: str | None = None, output: str | None = None) -> Render:
    from bilat.brief import compose
    from bilat.render import choose_format

    out_format = choose_format(fmt, ("table", "md", "json"))
    if output is not None and not output.strip():
        from bilat.problems import UsageError

        raise UsageError("--output: the file name is empty (leave --output out to write to stdout)")
    if out_format == "plain" or (output and out_format == "table"):
        out_format = "md"
    with closing(connect()) as conn:
        note = compose(conn, target)

    def render() -> None:
        from bilat.brief_render import write_note

        write_note(note, out_format, output)

    return render
