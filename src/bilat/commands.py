"""The commands' bodies, shared by both front doors (`bilat.fast` and `bilat.cli`), and the one error funnel.

Each body takes what the command line said (`Values`, by the option names of
`bilat.cli_spec`) and the run's settings (`Run`), checks its options, runs
the query, and returns a function that prints the result: all errors happen
before the first byte of output.  `execute` runs a body and turns every
failure into one line on stderr and its exit code, the same for both doors.
Knows nothing of how the command line was parsed.
"""

from __future__ import annotations

import sys

from bilat.cli_spec import Values
from bilat.command_kit import bounded, filters_of, of_total, plural, read_with
from bilat.commands_coverage import coverage
from bilat.commands_curate import new, sources
from bilat.commands_data import db, export, serve, sql
from bilat.commands_diff import diff
from bilat.commands_quote import quote
from bilat.commands_time import changes, discrepancies, followups
from bilat.problems import BilatError, ExitCode, Finished, PipeClosed, UsageError, io_failure, one_line
from bilat.run_context import Run

TYPE_CHECKING = False  # typing and collections.abc stay off the query path (start-up)
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable
    from typing import Any, TypeVar

    from bilat.payloads import ListRecord

    Render = Callable[[], None]
    Body = Callable[[Values, Run], Render]
    T = TypeVar("T")


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


# ---------------------------------------------------------------- the query commands


def list_agreements(values: Values, run: Run) -> Render:
    from bilat.read.listing import count_agreements
    from bilat.read.listing import list_agreements as query
    from bilat.render import Column, choose_format, write_records

    out_format = choose_format(values.text("fmt"))
    limit = bounded(values.number("limit"))

    def read(conn: sqlite3.Connection) -> tuple[list[ListRecord], int]:
        filters = filters_of(conn, values)
        records = query(conn, filters, sort=values.text("sort") or "date", limit=limit)
        cut = out_format == "table" and limit is not None and len(records) >= limit
        return records, count_agreements(conn, filters) if cut else len(records)

    records, total = read_with(run, read)
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
        records,
        out_format,
        columns,
        title=of_total(len(records), total, "agreement"),
        fields=LIST_FIELDS,
        color=run.color,
    )


def search(values: Values, run: Run) -> Render:
    from bilat.read.search import search as run_search
    from bilat.render import Column, choose_format, write_records

    query = values.text("query") or ""
    out_format = choose_format(values.text("fmt"))
    result = read_with(
        run, lambda conn: run_search(conn, query, filters_of(conn, values), limit=bounded(values.number("limit")))
    )
    columns = [
        Column("type", "type", no_wrap=True),
        Column("id", "id", no_wrap=True),
        Column("date", "date", no_wrap=True, optional=True),
        Column("title", "title", 50, min_width=20),
        Column("snippet", "match", 70, min_width=20),
    ]

    def render() -> None:
        if result.reinterpreted and not run.quiet:
            words = result.query if len(result.query) <= 120 else result.query[:119] + "…"
            run.warn(f"note: {query[:80]!r} is not search syntax; searched for the words {words}")
        if result.respelled and not run.quiet:
            said = ", ".join(f"{w!r}" for w in result.respelled)
            meant = ", ".join(f"{w!r}" for w in result.respelled.values())
            run.warn(f"note: no hits for {said}; showing hits for the nearest word in the data, {meant}")
        cut = result.total > len(result.hits)
        if cut and out_format != "table" and not run.quiet:
            run.warn(f"note: {of_total(len(result.hits), result.total, 'hit')}")
        if result.ranked and not run.quiet:
            run.warn(
                f"note: {result.matches:,} records match; the {result.ranked:,} most recent were ranked "
                "(add a word or a filter to narrow the search)"
            )
        write_records(
            result.hits,
            out_format,
            columns,
            title=of_total(len(result.hits), result.total, "hit"),
            fields=SEARCH_FIELDS,
            color=run.color,
        )

    return render


def show(values: Values, run: Run) -> Render:
    from bilat.read.records import show as full_record
    from bilat.render import choose_format

    out_format = choose_format(values.text("fmt"), ("table", "json", "md"))

    def read(conn: sqlite3.Connection) -> dict[str, Any]:
        from bilat.read.filters import Filters

        clocks = Filters.parse(conn, {"as_of": values.get("as_of"), "known_on": values.get("known_on")})
        return full_record(conn, values.text("record_id") or "", clocks)

    record = read_with(run, read)

    def render() -> None:
        if out_format == "json":
            from bilat.render import write_json

            write_json(record, sys.stdout)
        elif out_format == "table":
            from bilat.show_render import write_rich

            write_rich(record, sys.stdout, color=run.color, pager=not values.flag("no_pager"))
        else:
            from bilat.show_render import write_markdown

            write_markdown(record, sys.stdout)

    return render


def summary(values: Values, run: Run) -> Render:
    from bilat.read.listing import summary as counts_of
    from bilat.render import Column, choose_format, write_json, write_records

    out_format = choose_format(values.text("fmt"))
    counts = read_with(run, lambda conn: counts_of(conn, filters_of(conn, values)))

    def render() -> None:
        if out_format == "json":
            write_json(counts, sys.stdout)
        elif out_format == "table":
            from bilat.show_render import write_summary

            write_summary(counts, sys.stdout, color=run.color)
        else:
            rows = [
                {"dimension": dim, "key": r["key"], "label": r["label"], "count": r["count"]}
                for dim, group in counts.items()
                for r in group
            ]
            columns = [Column("dimension", "by"), Column("key", "value"), Column("count", "count")]
            write_records(rows, out_format, columns, fields=SUMMARY_FIELDS)

    return render


def timeline(values: Values, run: Run) -> Render:
    from bilat.read.listing import timeline as entries_of
    from bilat.render import Column, choose_format, write_records

    out_format = choose_format(values.text("fmt"))
    entries = read_with(
        run, lambda conn: entries_of(conn, filters_of(conn, values), limit=bounded(values.number("limit")))
    )
    columns = [
        Column("date", "date", no_wrap=True),
        Column("date_precision", "precision", no_wrap=True),
        Column("type", "type", no_wrap=True),
        Column("status", "status", no_wrap=True),
        Column("id", "id", no_wrap=True),
        Column("title", "title", 70, min_width=20),
    ]
    if out_format == "table":  # a person reads `reported 2025-04-12` in the date; the id is what they copy
        columns = [c for c in columns if c.field != "date_precision"]
    return lambda: write_records(
        entries,
        out_format,
        columns,
        title=plural(len(entries), "entry", "entries"),
        fields=TIMELINE_FIELDS,
        color=run.color,
    )


def brief(values: Values, run: Run) -> Render:
    from bilat.brief import compose
    from bilat.render import choose_format

    out_format = choose_format(values.text("fmt"), ("table", "md", "json"))
    output = values.text("output")
    if output is not None and not output.strip():
        raise UsageError("--output: the file name is empty (leave --output out to write to stdout)")
    if output and values.text("fmt") is None and output.lower().endswith(".json"):
        out_format = "json"  # -o note.json: the file's name says what it holds
    elif out_format == "plain" or (output and out_format == "table"):
        out_format = "md"
    since = values.text("since")
    if since is not None:
        from bilat import dates

        try:
            since = dates.span(since)[0]
        except dates.NotADate as exc:
            raise UsageError(exc.explain("--since")) from None

    def read(conn: sqlite3.Connection) -> dict[str, Any]:
        from bilat.read.filters import Filters

        clocks = Filters.parse(conn, {"as_of": values.get("as_of"), "known_on": values.get("known_on")})
        return compose(conn, values.text("target") or "", since=since, clocks=clocks)

    note = read_with(run, read)

    def render() -> None:
        from bilat.brief_render import write_note

        write_note(
            note, out_format, output, color=run.color, short=values.flag("short"), pager=not values.flag("no_pager")
        )

    return render


# ---------------------------------------------------------------- the dataset commands


def validate(values: Values, run: Run) -> Render:
    from pathlib import Path

    from bilat.store import resolve
    from bilat.validate import check_dataset

    file = values.text("file")
    if file and not Path(file).exists():  # a name mistyped on the command line: usage, not invalid data
        raise UsageError(f"validate: no such file or folder {file!r}")
    data = Path(file) if file else resolve(run.data, run.db).data
    if not file and not data.exists() and not data.is_symlink():  # --data or BILAT_DATA names nothing: usage
        raise UsageError(f"{data}: data file not found (set --data or BILAT_DATA)")
    problems = check_dataset(data)

    def render() -> None:
        for problem in problems:
            sys.stdout.write(one_line(str(problem)) + "\n")  # one problem per line, whatever YAML said
        for warning in problems.warnings:
            sys.stdout.write(one_line(str(warning)) + "\n")  # FILE:LINE:COLUMN: path: warning: message
        if summary := problems.summary():
            sys.stdout.write(summary + "\n")
        if problems:
            total = len(problems) + problems.omitted
            raise _Failed(f"{total:,} problem{'s' * (total != 1)} in {data}", ExitCode.INVALID_DATA)
        if problems.coverage and not run.quiet:
            from bilat.coverage import totals

            counts = totals(problems.coverage)
            run.warn(f"note: coverage: {counts.words()}" + (": bilat coverage lists them" if counts.uncited else ""))
        if not run.quiet:
            run.warn(f"{data}: valid")

    return render


def build(values: Values, run: Run) -> Render:
    import time

    from bilat.store import rebuild, resolve

    started = time.perf_counter()
    store, report = rebuild(resolve(run.data, run.db), run.warn, quiet=run.quiet)

    def render() -> None:
        if report and not run.quiet:
            run.warn(report.summary())
        elif not run.quiet:
            run.warn(f"{store.db} was built by another process in {time.perf_counter() - started:.2f}s")

    return render


def schema(values: Values, run: Run) -> Render:
    from bilat.model import json_schema
    from bilat.render import json_text

    def render() -> None:
        sys.stdout.write(json_text(json_schema(), sys.stdout, indent=2) + "\n")

    return render


BODIES: dict[str, Body] = {
    "list": list_agreements,
    "search": search,
    "show": show,
    "summary": summary,
    "timeline": timeline,
    "brief": brief,
    "changes": changes,
    "sql": sql,
    "db": db,
    "export": export,
    "serve": serve,
    "followups": followups,
    "discrepancies": discrepancies,
    "validate": validate,
    "build": build,
    "schema": schema,
    "quote": quote,
    "diff": diff,
    "sources": sources,
    "new": new,
    "coverage": coverage,
}
"""The body of each command of `bilat.cli_spec.COMMANDS`, by name (a test checks that every command has one)."""


# ---------------------------------------------------------------- the one error funnel


class _Failed(Exception):
    """A command that printed what it had to say and failed: this line on stderr, this exit code."""

    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def execute(name: str, values: Values, run: Run) -> int:
    """Run command `name` and return its exit code; every failure is one line on stderr (a traceback under --debug).

    A closed pipe and Ctrl-C pass through to `bilat.__main__`, which ends them quietly.
    """
    try:
        BODIES[name](values, run)()
    except (PipeClosed, BrokenPipeError, KeyboardInterrupt):
        raise
    except _Failed as exc:
        run.warn(exc.message)
        return int(exc.code)
    except Finished as exc:
        return exc.code
    except Exception as exc:
        if run.debug:
            raise
        return report(exc, run)
    return 0


def report(exc: BaseException, run: Run) -> int:
    """`exc` as one line (and a hint) on stderr; its exit code."""
    if isinstance(exc, BilatError):
        run.warn(f"error: {one_line(exc.message)}")
        if exc.hint:
            run.warn(exc.hint)
        return int(exc.code)
    from bilat.store import heal, is_damaged

    if is_damaged(exc) and (healed := heal(run.store, exc, run.warn, quiet=run.quiet)):
        run.warn(f"error: {one_line(healed)}")
        return int(ExitCode.INVALID_DATA)
    if failure := io_failure(exc):
        run.warn(f"error: {one_line(failure.message)}")
        return int(failure.code)
    run.warn(
        f"error: internal error: {type(exc).__name__}: {one_line(str(exc))} (rerun with --debug for the traceback)"
    )
    return int(ExitCode.INTERNAL)
