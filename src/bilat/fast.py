"""The command line read without Typer, from the same declarations (`bilat.cli_spec`) the Typer app is built from.

Importing Typer (its vendored Click, inspect, subprocess...) costs ~35 ms,
more than answering a query, so a command line written the usual ways
(`--opt value`, `--opt=value`, `-o value`, `-ovalue`, options before or
after the arguments, global options before or after the command) is parsed here and run by `bilat.commands.execute`, the
same body and error funnel the Typer app uses.  Anything this parser is not
sure of returns None and goes to Typer, which then does all the work and words
every usage error itself: `--help`, `--version`, completion, an unknown option,
a flag given a value, a value that looks like an option, a limit that is not a
positive number, `--`, a missing or extra argument, an argument that is not
valid UTF-8.  `BILAT_NO_FASTPATH=1` turns this module off.

tests/test_cli_spec.py proves in-process that both doors read every command
line of a large sample to the same command and values.
"""

from __future__ import annotations

import os

from bilat.cli_spec import FLAG, GLOBAL, INT, MANY, Cmd, Opt, Values, command


def _table(opts: tuple[Opt, ...]) -> dict[str, Opt]:
    return {flag: opt for opt in opts for flag in opt.flags}


_GLOBAL = _table(GLOBAL)


def _parse(args: list[str], table: dict[str, Opt], values: Values, positional: list[str] | None) -> int | None:
    """Read `args` into `values` as Click would; the index where parsing stopped, or None when unsure.

    With `positional` None, parsing stops at the first argument (the command name); otherwise arguments are
    collected there.
    """
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("-") or arg == "-":
            if positional is None:
                return i
            positional.append(arg)
            i += 1
            continue
        i += 1
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            attached = bool(eq)
        else:
            name, value = arg[:2], arg[2:]
            attached = bool(value)
        opt = table.get(name)
        if opt is None:
            return None  # --help, --, unknown options: Typer
        if opt.kind == FLAG:
            if attached:
                return None
            values[opt.dest] = True
            continue
        if not attached:
            if i >= len(args) or args[i].startswith("-"):
                return None  # missing value, or one Click might read differently
            value = args[i]
            i += 1
        if not _store(opt, value, values):
            return None
    return len(args)


def _store(opt: Opt, value: str, values: Values) -> bool:
    """Keep one option's value; False when Click should explain it (a number that is not a positive integer)."""
    if opt.kind == INT:
        if not (value.isascii() and value.isdigit()):
            return False  # not a number, or a sign: Click explains
        try:
            number = int(value)
        except ValueError:  # more digits than Python converts: Click explains, as for any bad number
            return False
        if opt.minimum is not None and number < opt.minimum:
            return False  # Click explains the range
        values[opt.dest] = number
    elif opt.kind == MANY:
        previous = values.get(opt.dest)
        values[opt.dest] = [*previous, value] if isinstance(previous, list) else [value]
    else:
        values[opt.dest] = value
    return True


def parse(argv: list[str]) -> tuple[Cmd, Values] | None:
    """The command and its values, as the Typer app would read them; None when Typer should read `argv`."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:  # undecodable bytes: Typer's door words the error
            return None
    at = _parse(argv, _GLOBAL, values := Values(), None)
    if at is None or at >= len(argv) or (cmd := command(argv[at])) is None:
        return None
    values = Values({**{o.dest: o.default for o in (*GLOBAL, *cmd.opts)}, **values})
    positional: list[str] = []
    if _parse(argv[at + 1 :], _table((*cmd.opts, *GLOBAL)), values, positional) is None:  # `list -q` too
        return None
    required = sum(argument.required for argument in cmd.args)
    if not required <= len(positional) <= len(cmd.args):
        return None
    for argument, value in zip(cmd.args, positional, strict=False):
        values[argument.dest] = value
    for argument in cmd.args[len(positional) :]:
        values[argument.dest] = None
    return cmd, values


def run(argv: list[str]) -> int | None:
    """Run `bilat ARGV` if this parser is sure of it; its exit code, or None to let Typer run it."""
    if os.environ.get("BILAT_NO_FASTPATH") or "_BILAT_COMPLETE" in os.environ:
        return None
    parsed = parse(argv)
    if parsed is None:
        return None
    cmd, values = parsed
    from bilat.commands import execute
    from bilat.run_context import Run

    return execute(cmd.name, values, Run.of(values))
