"""The query commands without Typer: parsed here, answered with the same library calls as `bilat.cli`.

Importing Typer (its vendored Click, inspect, subprocess...) costs ~35 ms here,
more than answering the query, so `bilat list|search|show|summary|summarise|
timeline|brief` with the options they document, written the usual ways
(`--opt value`, `--opt=value`, `-o value`, `-ovalue`), are run from this module.
Anything else returns None and goes to Typer, which then does all the work
and reports every usage error in its own words: `--help`, `--version`,
completion, an unknown, repeated-in-a-new-way or malformed option, a value
that looks like an option, a limit that is not a positive number, `--`,
`--debug`/`BILAT_DEBUG`, `--output`, and every other command.

An unexpected failure before any output (a damaged database, say) also goes
to Typer, which runs the command again and handles it (it heals a damaged
database).  `BILAT_NO_FASTPATH=1` turns this module off.  The command bodies
mirror those in `bilat.cli` line for line; tests/test_startup.py runs a matrix
of commands both ways and compares stdout, stderr and exit codes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

_ONE, _MANY, _INT, _FLAG = "one", "many", "int", "flag"
Spec = dict[str, tuple[str, str]]  # option as typed -> (name, kind)

_GLOBAL: Spec = {
    "--data": ("data", _ONE),
    "--db": ("db", _ONE),
    "--quiet": ("quiet", _FLAG),
    "-q": ("quiet", _FLAG),
    "--no-color": ("no_color", _FLAG),
}
_FILTERS: Spec = {
    "--country": ("country", _MANY),
    "-c": ("country", _MANY),
    "--status": ("status", _MANY),
    "-s": ("status", _MANY),
    "--kind": ("kind", _MANY),
    "-k": ("kind", _MANY),
    "--sector": ("sector", _MANY),
    "--since": ("since", _ONE),
    "--until": ("until", _ONE),
}
_FORMAT: Spec = {"--format": ("fmt", _ONE), "-f": ("fmt", _ONE)}
_LIMIT: Spec = {"--limit": ("limit", _INT), "-n": ("limit", _INT)}

Render = Callable[[], None]


class _Options:
    """What one command line said: global options, then the command's."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.positional: list[str] = []

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


def _parse(args: list[str], spec: Spec, opts: _Options, *, stop_at_positional: bool) -> int | None:
    """Read `args` into `opts` as Click would; the index where parsing stopped, or None when unsure."""
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("-") or arg == "-":
            if stop_at_positional:
                return i
            opts.positional.append(arg)
            i += 1
            continue
        i += 1
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            attached = bool(eq)
        else:
            name, value = arg[:2], arg[2:]
            attached = bool(value)
        if name not in spec:
            return None  # --help, --, unknown options: Typer
        dest, kind = spec[name]
        if kind == _FLAG:
            if attached:
                return None
            opts.values[dest] = True
            continue
        if not attached:
            if i >= len(args) or args[i].startswith("-"):
                return None  # missing value, or one Click might read differently
            value = args[i]
            i += 1
        if kind == _INT:
            if not (value.isascii() and value.isdigit()) or int(value) < 1:
                return None  # Click explains the range
            opts.values[dest] = int(value)
        elif kind == _MANY:
            opts.values.setdefault(dest, []).append(value)
        else:
            opts.values[dest] = value
    return len(args)


def run(argv: list[str]) -> int | None:
    """Run `bilat ARGV` if it is a query this module answers; its exit code, or None to let Typer run it."""
    env = os.environ
    if env.get("BILAT_NO_FASTPATH") or env.get("BILAT_DEBUG") or "_BILAT_COMPLETE" in env:
        return None
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return None
    opts = _Options()
    at = _parse(argv, _GLOBAL, opts, stop_at_positional=True)
    if at is None or at >= len(argv) or argv[at] not in _COMMANDS:
        return None
    body, spec, positional = _COMMANDS[argv[at]]
    if _parse(argv[at + 1 :], spec, opts, stop_at_positional=False) is None:
        return None
    if len(opts.positional) != len(positional):
        return None
    opts.values.update(zip(positional, opts.positional, strict=True))
    if opts.get("no_color"):
        env["NO_COLOR"] = "1"

    from bilat.problems import BilatError

    try:
        render = body(opts)
    except BilatError as exc:
        return _error(exc)
    except Exception:
        return None  # nothing written yet: Typer runs it again and deals with it (heals a damaged database)
    try:
        render()
    except BilatError as exc:
        return _error(exc)
    except Exception as exc:
        if type(exc).__name__ == "PipeClosed" or isinstance(exc, BrokenPipeError):
            raise
        _err(
            f"error: internal error: {type(exc).__name__}: {_one_line(str(exc))} (rerun with --debug for the traceback)"
        )
        return 70
    return 0


def _error(exc: Any) -> int:
    _err(f"error: {_one_line(exc.message)}")
    if exc.hint:
        _err(exc.hint)
    return int(exc.code)


def _err(message: str) -> None:
    sys.stderr.write(message.rstrip("\n") + "\n")


def _one_line(message: str) -> str:
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


def _connect(opts: _Options) -> Any:
    from bilat.store import open_fresh, resolve

    return open_fresh(resolve(opts.get("data"), opts.get("db")), _err, quiet=bool(opts.get("quiet")))


def _filters(conn: Any, opts: _Options) -> Any:
    from bilat.query import Filters

    return Filters.parse(
        conn,
        countries=opts.get("country"),
        statuses=opts.get("status"),
        kinds=opts.get("kind"),
        sectors=opts.get("sector"),
        since=opts.get("since"),
        until=opts.get("until"),
    )


# ---------------------------------------------------------------- the commands, as in bilat.cli
# Each computes what it will print, and returns a function that prints it.


def _list(opts: _Options) -> Render:
    from bilat.query import list_agreements
    from bilat.render import Column, choose_format, write_records

    out_format = choose_format(opts.get("fmt"))
    conn = _connect(opts)
    filters = _filters(conn, opts)
    records = list_agreements(conn, filters, sort=opts.get("sort", "date"), limit=opts.get("limit"))
    columns = [
        Column("id", "id"),
        Column("date", "date"),
        Column("status", "status"),
        Column("kind", "kind"),
        Column("parties", "parties"),
        Column("title", "title", 60),
    ]
    if out_format == "table":
        columns.append(Column("figures", "figures", 30))
    title = f"{len(records)} agreement{'s' * (len(records) != 1)}"
    return lambda: write_records(records, out_format, columns, title=title)


def _search(opts: _Options) -> Render:
    from bilat.query import search
    from bilat.render import Column, choose_format, write_records

    query = opts.get("query")
    out_format = choose_format(opts.get("fmt"))
    conn = _connect(opts)
    filters = _filters(conn, opts)
    result = search(conn, query, filters, limit=opts.get("limit", 20))
    columns = [
        Column("type", "type"),
        Column("id", "id"),
        Column("date", "date"),
        Column("title", "title", 50),
        Column("snippet", "match", 70),
    ]

    def render() -> None:
        if result.reinterpreted and not opts.get("quiet"):
            words = result.query if len(result.query) <= 120 else result.query[:119] + "…"
            _err(f"note: {query[:80]!r} is not search syntax; searched for the words {words}")
        title = f"{len(result.hits)} hit{'s' * (len(result.hits) != 1)}"
        write_records(result.hits, out_format, columns, title=title)

    return render


def _show(opts: _Options) -> Render:
    from bilat.records import show
    from bilat.render import choose_format

    out_format = choose_format(opts.get("fmt"), ("table", "json", "md"))
    record = show(_connect(opts), opts.get("record_id"))

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


def _summary(opts: _Options) -> Render:
    from bilat.query import summary
    from bilat.render import Column, choose_format, write_json, write_records

    out_format = choose_format(opts.get("fmt"))
    conn = _connect(opts)
    counts = summary(conn, _filters(conn, opts))

    def render() -> None:
        if out_format == "json":
            write_json(counts, sys.stdout)
            return
        rows = [
            {"dimension": dim, "key": r["key"], "label": r["label"], "count": r["count"]}
            for dim, group in counts.items()
            for r in group
        ]
        if out_format == "table":
            from bilat.show_render import write_summary

            write_summary(counts, sys.stdout)
            return
        write_records(rows, out_format, [Column("dimension", "by"), Column("key", "value"), Column("count", "count")])

    return render


def _timeline(opts: _Options) -> Render:
    from bilat.query import timeline
    from bilat.render import Column, choose_format, write_records

    out_format = choose_format(opts.get("fmt"))
    conn = _connect(opts)
    entries = timeline(conn, _filters(conn, opts), limit=opts.get("limit"))
    columns = [
        Column("date", "date"),
        Column("type", "type"),
        Column("status", "status"),
        Column("id", "id"),
        Column("title", "title", 70),
    ]
    return lambda: write_records(entries, out_format, columns, title=f"{len(entries)} entries")


def _brief(opts: _Options) -> Render:
    from bilat.brief import compose
    from bilat.render import choose_format

    out_format = choose_format(opts.get("fmt"), ("table", "md", "json"))
    if out_format == "plain":
        out_format = "md"
    note = compose(_connect(opts), opts.get("target"))

    def render() -> None:
        from bilat.brief_render import write_note

        write_note(note, out_format, None)

    return render


_COMMANDS: dict[str, tuple[Callable[[_Options], Render], Spec, tuple[str, ...]]] = {
    "list": (_list, {**_FILTERS, "--sort": ("sort", _ONE), **_LIMIT, **_FORMAT}, ()),
    "search": (_search, {**_FILTERS, **_LIMIT, **_FORMAT}, ("query",)),
    "show": (_show, _FORMAT, ("record_id",)),
    "summary": (_summary, {**_FILTERS, **_FORMAT}, ()),
    "summarise": (_summary, {**_FILTERS, **_FORMAT}, ()),
    "timeline": (_timeline, {**_FILTERS, **_LIMIT, **_FORMAT}, ()),
    "brief": (_brief, _FORMAT, ("target",)),
}
