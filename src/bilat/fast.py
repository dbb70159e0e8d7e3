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
are shared with `bilat.cli` (`bilat.commands`); tests/test_startup.py runs a
matrix of commands both ways and compares stdout, stderr and exit codes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from bilat.problems import debugging as _debugging
from bilat.problems import io_failure
from bilat.problems import one_line as _one_line
from bilat.problems import say as _err

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
            try:
                number = int(value) if value.isascii() and value.isdigit() else 0
            except ValueError:  # more digits than Python converts: Click explains, as for any bad number
                return None
            if number < 1:
                return None  # Click explains the range
            opts.values[dest] = number
        elif kind == _MANY:
            opts.values.setdefault(dest, []).append(value)
        else:
            opts.values[dest] = value
    return len(args)


def run(argv: list[str]) -> int | None:
    """Run `bilat ARGV` if it is a query this module answers; its exit code, or None to let Typer run it."""
    env = os.environ
    if env.get("BILAT_NO_FASTPATH") or _debugging() or "_BILAT_COMPLETE" in env:
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
    except Exception as exc:
        from bilat.store import is_damaged

        if is_damaged(exc):
            return None  # nothing written yet: Typer runs it again and heals the damaged database
        if failure := io_failure(exc):
            return _error(failure)
        _err(
            f"error: internal error: {type(exc).__name__}: {_one_line(str(exc))} (rerun with --debug for the traceback)"
        )
        return 70
    try:
        render()
    except BilatError as exc:
        return _error(exc)
    except Exception as exc:
        if type(exc).__name__ == "PipeClosed" or isinstance(exc, BrokenPipeError):
            raise
        if failure := io_failure(exc):
            return _error(failure)
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


def _connect(opts: _Options) -> Any:
    from bilat.store import open_fresh, resolve

    return open_fresh(resolve(opts.get("data"), opts.get("db")), _err, quiet=bool(opts.get("quiet")))


def _filter_values(opts: _Options) -> dict[str, Any]:
    return {name: opts.get(name) for name in ("country", "status", "kind", "sector", "since", "until")}


# ---------------------------------------------------------------- the commands: the same bodies as bilat.cli's


def _list(opts: _Options) -> Render:
    from bilat import commands

    return commands.list_agreements(
        lambda: _connect(opts),
        _filter_values(opts),
        sort=opts.get("sort", "date"),
        limit=opts.get("limit"),
        fmt=opts.get("fmt"),
    )


def _search(opts: _Options) -> Render:
    from bilat import commands

    return commands.search(
        lambda: _connect(opts),
        opts.get("query"),
        _filter_values(opts),
        limit=opts.get("limit", 20),
        fmt=opts.get("fmt"),
        quiet=bool(opts.get("quiet")),
        warn=_err,
    )


def _show(opts: _Options) -> Render:
    from bilat import commands

    return commands.show(lambda: _connect(opts), opts.get("record_id"), fmt=opts.get("fmt"))


def _summary(opts: _Options) -> Render:
    from bilat import commands

    return commands.summary(lambda: _connect(opts), _filter_values(opts), fmt=opts.get("fmt"))


def _timeline(opts: _Options) -> Render:
    from bilat import commands

    return commands.timeline(lambda: _connect(opts), _filter_values(opts), limit=opts.get("limit"), fmt=opts.get("fmt"))


def _brief(opts: _Options) -> Render:
    from bilat import commands

    return commands.brief(lambda: _connect(opts), opts.get("target"), fmt=opts.get("fmt"))


_COMMANDS: dict[str, tuple[Callable[[_Options], Render], Spec, tuple[str, ...]]] = {
    "list": (_list, {**_FILTERS, "--sort": ("sort", _ONE), **_LIMIT, **_FORMAT}, ()),
    "search": (_search, {**_FILTERS, **_LIMIT, **_FORMAT}, ("query",)),
    "show": (_show, _FORMAT, ("record_id",)),
    "summary": (_summary, {**_FILTERS, **_FORMAT}, ()),
    "summarise": (_summary, {**_FILTERS, **_FORMAT}, ()),
    "timeline": (_timeline, {**_FILTERS, **_LIMIT, **_FORMAT}, ()),
    "brief": (_brief, _FORMAT, ("target",)),
}
