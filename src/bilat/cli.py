"""The command line: parse, call the library, render, map errors to exit codes.

Thin on purpose: no SQL and no YAML here.  Heavy modules (Rich, the compiler)
are imported inside the commands that need them.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from bilat import __version__
from bilat.problems import ExitCode, UsageError, debugging, io_failure, say
from bilat.problems import one_line as _one_line
from bilat.visible import visible
from bilat.vocab import AGREEMENT_KINDS, SECTORS, STATUSES


class BilatGroup(TyperGroup):
    """Turns every expected error into one line on stderr and its exit code (BILAT_DEBUG=1 re-raises)."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        with _one_line_errors():
            for arg in args:
                try:
                    arg.encode("utf-8")
                except UnicodeEncodeError:  # invalid UTF-8 in argv arrives as surrogate escapes
                    shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                    raise UsageError(f"argument '{shown}' is not valid UTF-8 text") from None
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with _one_line_errors():
            return super().invoke(ctx)


@contextmanager
def _one_line_errors() -> Iterator[None]:

    from typer._click.exceptions import ClickException, NoArgsIsHelpError

    from bilat.problems import BilatError

    try:
        yield
    except BilatError as exc:
        if debugging():
            raise
        err(f"error: {_one_line(exc.message)}")
        if exc.hint:
            err(exc.hint)
        raise typer.Exit(int(exc.code)) from None
    except NoArgsIsHelpError as exc:  # plain `bilat`: the help, as Click prints it (stderr, exit 2), not an error line
        exc.show()
        raise typer.Exit(int(exc.exit_code)) from None
    except ClickException as exc:
        if debugging():
            raise
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None and ctx.command_path else ""
        err(f"error: {exc.format_message()}{hint}")
        raise typer.Exit(int(exc.exit_code)) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if debugging() or type(exc).__name__ == "PipeClosed" or isinstance(exc, BrokenPipeError):
            raise
        from bilat.store import heal, is_damaged

        healed = heal(exc, err, quiet=state.quiet) if is_damaged(exc) else None
        if healed:
            err(f"error: {_one_line(healed)}")
            raise typer.Exit(int(ExitCode.INVALID_DATA)) from None
        if failure := io_failure(exc):
            err(f"error: {_one_line(failure.message)}")
            raise typer.Exit(int(failure.code)) from None
        err(
            f"error: internal error: {type(exc).__name__}: {_one_line(str(exc))} (rerun with --debug for the traceback)"
        )
        raise typer.Exit(int(ExitCode.INTERNAL)) from None


app = typer.Typer(
    cls=BilatGroup,
    name="bilat",
    help="A reference tool for bilateral agreements: every fact with its source.\n\n"
    "Examples:\n\n  bilat list --country belarus\n\n  bilat search '150,000'\n\n  bilat brief 2025-04-12",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


class State:
    """Global options, shared by every command."""

    data: str | None = None
    db: str | None = None
    quiet: bool = False


state = State()


err = say  # messages for the user go to stderr


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"bilat {__version__}\n")
        raise typer.Exit()


@app.callback()
def main_options(
    data: Annotated[
        str | None,
        typer.Option("--data", metavar="PATH", help="The dataset: a YAML file or a folder [env: BILAT_DATA]"),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option("--db", metavar="PATH", help="The compiled database [env: BILAT_DB; default: the cache folder]"),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or notes on stderr.")] = False,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colour, even on a terminal (also NO_COLOR).")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks (also BILAT_DEBUG=1).")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    import os

    state.data, state.db, state.quiet = data, db, quiet
    if no_color:
        os.environ["NO_COLOR"] = "1"
    if debug:
        os.environ["BILAT_DEBUG"] = "1"


def connect(*, silent: bool = False) -> Any:
    """A read-only connection to a fresh database (compiled first when the data changed).

    `silent` (for shell completion) keeps warnings off the terminal in the middle of a TAB.
    """
    from bilat.store import open_fresh, resolve

    warn = (lambda _message: None) if silent else err
    return open_fresh(resolve(state.data, state.db), warn, quiet=state.quiet or silent)


# ---------------------------------------------------------------- shared options


def _complete_countries(incomplete: str) -> list[str]:
    try:
        with closing(connect(silent=True)) as conn:
            rows = conn.execute("select name from countries order by name").fetchall()
    except Exception:  # completion must never fail loudly
        return []
    return [visible(r[0].lower()) for r in rows if r[0].lower().startswith(incomplete.lower())]


def _complete_ids(incomplete: str) -> list[str]:
    try:
        with closing(connect(silent=True)) as conn:
            rows = conn.execute(
                "select id from agreements where id like ? union select id from events where id like ? limit 200",
                (incomplete + "%", incomplete + "%"),
            ).fetchall()
    except Exception:
        return []
    return [visible(r[0]) for r in rows]  # the shell shows candidates on the terminal


def _starting(values: tuple[str, ...]) -> Any:
    return lambda incomplete: [v for v in values if v.startswith(incomplete)]


CountryOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--country",
        "-c",
        metavar="COUNTRY",
        help="Name, alpha-2/3 code or demonym, any case; repeat for either.",
        autocompletion=_complete_countries,
    ),
]
StatusOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--status", "-s", metavar="STATUS", help="Current status; repeatable.", autocompletion=_starting(STATUSES)
    ),
]
KindOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        "-k",
        metavar="KIND",
        help="mou, agreement, roadmap...; repeatable.",
        autocompletion=_starting(AGREEMENT_KINDS),
    ),
]
SectorOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--sector", metavar="SECTOR", help="e.g. labour-mobility; repeatable.", autocompletion=_starting(SECTORS)
    ),
]
SinceOpt = Annotated[str | None, typer.Option("--since", metavar="DATE", help="From YYYY, YYYY-MM or YYYY-MM-DD.")]
UntilOpt = Annotated[str | None, typer.Option("--until", metavar="DATE", help="Up to YYYY, YYYY-MM or YYYY-MM-DD.")]
LimitOpt = Annotated[int | None, typer.Option("--limit", "-n", min=1, metavar="N", help="At most this many records.")]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, json, jsonl, csv, tsv or md [default: table on a terminal, plain lines when piped]",
        autocompletion=_starting(("table", "json", "jsonl", "csv", "tsv", "md")),
    ),
]


# ---------------------------------------------------------------- list


@app.command("list")
def list_command(
    country: CountryOpt = None,
    status: StatusOpt = None,
    kind: KindOpt = None,
    sector: SectorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    sort: Annotated[
        str, typer.Option("--sort", metavar="ORDER", help="date, -date, title, status, kind or id.")
    ] = "date",
    limit: LimitOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """List agreements and commitments, filtered.

    \b
    Examples:
      bilat list --country belarus
      bilat list --status signed --since 2025 --format csv > signed.csv
      bilat list --sector labour-mobility --format json | jq '.[].title'
    """
    from bilat import commands

    commands.list_agreements(
        connect,
        dict(country=country, status=status, kind=kind, sector=sector, since=since, until=until),
        sort=sort,
        limit=limit,
        fmt=fmt,
    )()


# ---------------------------------------------------------------- search


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help='Words, "phrases", prefix*, OR, NOT, title:word.')],
    country: CountryOpt = None,
    status: StatusOpt = None,
    kind: KindOpt = None,
    sector: SectorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, metavar="N", help="At most this many hits.")] = 20,
    fmt: FormatOpt = None,
) -> None:
    """Full-text search over titles, summaries, quotes, names and places, best match first.

    A query that is not valid search syntax is searched as plain words (a note
    says so on stderr). An empty result is not an error (exit 0).

    \b
    Examples:
      bilat search labour
      bilat search '"skilled workers"' --country belarus
      bilat search 'readmission OR roadmap' --format json
      bilat search 'de Moor'
    """
    from bilat import commands

    commands.search(
        connect,
        query,
        dict(country=country, status=status, kind=kind, sector=sector, since=since, until=until),
        limit=limit,
        fmt=fmt,
        quiet=state.quiet,
        warn=err,
    )()


# ---------------------------------------------------------------- show


@app.command("show")
def show_command(
    record_id: Annotated[
        str, typer.Argument(metavar="ID", help="An agreement, event, person... id.", autocompletion=_complete_ids)
    ],
    fmt: Annotated[str | None, typer.Option("--format", "-f", metavar="FORMAT", help="table, json or md.")] = None,
) -> None:
    """Show one record in full: parties, status history, events, people, figures, and every quote with its source.

    \b
    Examples:
      bilat show pk-be-labour-mou
      bilat show pk-be-labour-mou --format json | jq '.status_history'
    """
    from bilat import commands

    commands.show(connect, record_id, fmt=fmt)()


# ---------------------------------------------------------------- summary


@app.command("summary")
def summary_command(
    country: CountryOpt = None,
    status: StatusOpt = None,
    kind: KindOpt = None,
    sector: SectorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Count agreements by country, status, sector, kind and year.

    \b
    Examples:
      bilat summary
      bilat summary --country belarus --format json
    """
    from bilat import commands

    commands.summary(
        connect, dict(country=country, status=status, kind=kind, sector=sector, since=since, until=until), fmt=fmt
    )()


# `summarise` is the same command under its British name (hidden from the list, shown by `bilat summarise --help`).
app.command("summarise", hidden=True)(summary_command)


# ---------------------------------------------------------------- timeline


@app.command("timeline")
def timeline_command(
    country: CountryOpt = None,
    status: StatusOpt = None,
    kind: KindOpt = None,
    sector: SectorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Engagements and status changes in date order, filtered like list.

    \b
    Examples:
      bilat timeline --country belarus
      bilat timeline --since 2025 --format csv
    """
    from bilat import commands

    commands.timeline(
        connect,
        dict(country=country, status=status, kind=kind, sector=sector, since=since, until=until),
        limit=limit,
        fmt=fmt,
    )()


# ---------------------------------------------------------------- brief


@app.command("brief")
def brief_command(
    target: Annotated[
        str,
        typer.Argument(
            metavar="TARGET",
            help="YYYY-MM-DD, YYYY-MM, a country, or an agreement or event id.",
            autocompletion=_complete_ids,
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="table (Rich), md or json [default: table on a terminal, md when piped]",
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the note to FILE (atomically) instead of stdout."),
    ] = None,
) -> None:
    """Write a briefing note for a date, a month, a country or an agreement: every line cites its source.

    \b
    Examples:
      bilat brief 2025-04-12
      bilat brief belarus --format md > belarus.md
      bilat brief pk-be-labour-mou --format json
    """
    from bilat import commands

    commands.brief(connect, target, fmt=fmt, output=output)()


# ---------------------------------------------------------------- validate, build, schema


@app.command("validate")
def validate_command(
    file: Annotated[
        str | None, typer.Argument(metavar="[FILE]", help="A data file or folder [default: --data].")
    ] = None,
) -> None:
    """Check the dataset: schema, ids, references, and every quote against its source.

    Prints every problem as FILE:LINE:COLUMN: path: message, then every warning (a date, quotation or
    reading the sources may not support). Exit 0 when valid (warnings alone exit 0), 3 when not.

    \b
    Examples:
      bilat validate
      bilat validate data/agreements.yaml
    """
    from pathlib import Path

    from bilat.store import resolve
    from bilat.validate import check_dataset

    data = Path(file) if file else resolve(state.data, state.db).data
    problems = check_dataset(data)
    for problem in problems:
        sys.stdout.write(_one_line(str(problem)) + "\n")  # one problem per line, whatever YAML said
    for warning in problems.warnings:
        sys.stdout.write(_one_line(str(warning)) + "\n")  # FILE:LINE:COLUMN: path: warning: message
    if summary := problems.summary():
        sys.stdout.write(summary + "\n")
    if problems:
        total = len(problems) + problems.omitted
        err(f"{total:,} problem{'s' * (total != 1)} in {data}")
        raise typer.Exit(ExitCode.INVALID_DATA)
    if not state.quiet:
        err(f"{data}: valid")


@app.command("build")
def build_command() -> None:
    """Rebuild the database now (it is rebuilt automatically when the data changes).

    \b
    Example:
      bilat build
    """
    from bilat.store import rebuild, resolve

    started = time.perf_counter()
    store, report = rebuild(resolve(state.data, state.db), err, quiet=state.quiet)
    if report and not state.quiet:
        err(report.summary())
    elif not state.quiet:
        err(f"{store.db} was built by another process in {time.perf_counter() - started:.2f}s")


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the data file (for editors and check-jsonschema).

    \b
    Example:
      bilat schema > agreements.schema.json
    """
    from bilat.model import json_schema
    from bilat.render import json_text

    sys.stdout.write(json_text(json_schema(), sys.stdout, indent=2) + "\n")


def run(args: list[str] | None = None) -> int:
    """Run the app as the `bilat` script does and return its exit code."""
    try:
        app(args=args, prog_name="bilat")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


__all__ = ["UsageError", "app", "run"]
