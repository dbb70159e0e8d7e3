"""The bodies of the commands that read a dataset through time: `changes`, `followups`, `discrepancies`.

Shared with `bilat.commands` (which keeps the error funnel and the other bodies) through `bilat.command_kit`.
"""

from __future__ import annotations

from bilat.cli_spec import Values
from bilat.command_kit import filters_of, plural, read_with
from bilat.problems import UsageError
from bilat.run_context import Run

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable
    from typing import Any

    Render = Callable[[], None]


def changes(values: Values, run: Run) -> Render:
    from bilat.read.changes import CLOCKS, FIELDS
    from bilat.read.changes import changes as changes_in
    from bilat.read.filters import Filters
    from bilat.render import Column, choose_format, write_records

    out_format = choose_format(values.text("fmt"))
    since = _window(values.text("since"))
    until = _window(values.text("until"), end=True) if values.text("until") else None
    by = (values.text("by") or "reported").strip().lower()
    if by not in CLOCKS:
        raise UsageError(f"--by: unknown clock {by!r} (one of: {', '.join(CLOCKS)})")

    def read(conn: sqlite3.Connection) -> list[dict[str, Any]]:
        from bilat.cli_spec import FILTER_NAMES

        names = [n for n in FILTER_NAMES if n not in ("since", "until")]  # here they bound the changes
        filters = Filters.parse(conn, {name: values.get(name) for name in names})
        from bilat import dates

        return changes_in(conn, filters, since, until, by=by, today=dates.today())

    entries = read_with(run, read)
    if out_format not in ("json", "jsonl"):  # one cell each: from -> to, quotes with their sources
        entries = [
            {
                **e,
                "to": f"{e['from']} -> {e['to']}" if e["from"] else e["to"],
                "evidence": [f"“{x['quote']}” ({x['source']})" for x in e["evidence"]],
            }
            for e in entries
        ]
    columns = [
        Column("date", "date", no_wrap=True),
        Column("change", "change", no_wrap=True),
        Column("id", "id", no_wrap=True),
        Column("to", "status", optional=True),
        Column("title", "title", 60, min_width=20),
    ]
    return lambda: write_records(
        entries, out_format, columns, title=plural(len(entries), "change"), fields=FIELDS, color=run.color
    )


def _window(text: str | None, *, end: bool = False) -> str:
    """The first (or `end`: last) day of a --since/--until DATE; --since is required."""
    from bilat import dates

    if not text:
        raise UsageError("changes: --since DATE is required (what changed since when?)")
    try:
        return dates.span(text)[1 if end else 0]
    except dates.NotADate as exc:
        raise UsageError(exc.explain("--until" if end else "--since")) from None


def discrepancies(values: Values, run: Run) -> Render:
    from bilat.read.discrepancies import FIELDS, list_discrepancies
    from bilat.render import Column, choose_format, write_records

    out_format = choose_format(values.text("fmt"))
    records = read_with(run, lambda conn: list_discrepancies(conn, filters_of(conn, values)))
    if out_format not in ("json", "jsonl"):  # one cell: each reading with its source
        records = [{**r, "readings": [f"“{x['value']}” ({x['source']})" for x in r["readings"]]} for r in records]
    columns = [Column("id", "id", no_wrap=True), Column("label", "about", 40), Column("readings", "readings", 80)]
    return lambda: write_records(
        records,
        out_format,
        columns,
        title=plural(len(records), "discrepancy", "discrepancies"),
        fields=FIELDS,
        color=run.color,
    )


def followups(values: Values, run: Run) -> Render:
    from bilat import dates
    from bilat.read.followups import FIELDS
    from bilat.read.followups import followups as followups_of
    from bilat.render import Column, choose_format, write_records

    out_format = choose_format(values.text("fmt"))
    today = dates.today()
    found = read_with(run, lambda conn: followups_of(conn, filters_of(conn, values), today=today))
    if values.flag("overdue"):
        found = [f for f in found if f["state"] == "overdue"]
    if values.flag("open"):
        found = [f for f in found if f["state"] != "kept"]
    columns = [
        Column("id", "id", no_wrap=True),
        Column("state", "state", no_wrap=True),
        Column("due", "due", no_wrap=True, optional=True),
        Column("description", "promise", 70, min_width=20),
    ]
    return lambda: write_records(
        found, out_format, columns, title=plural(len(found), "follow-up"), fields=FIELDS, color=run.color
    )
