"""The Typer app, built from the declarations in `bilat.cli_spec`: help, completion, usage errors.

Thin on purpose: no SQL, no YAML and no command logic here.  Each command is
a function made from its `Cmd` (a signature of Typer options, derived once)
that hands the values to `bilat.commands.execute`, the body and error funnel
the fast path uses too.  Click's own errors (usage, bad values) become one
line on stderr with a pointer to `--help`.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from bilat import __version__
from bilat.cli_spec import ALIASES, BY_NAME, COMMANDS, FLAG, GLOBAL, INT, MANY, Arg, Cmd, Opt, Values
from bilat.problems import BilatError, UsageError, debugging, one_line, say
from bilat.run_context import Run
from bilat.visible import visible


def _is_click_error(exc: BaseException) -> bool:
    """A usage or value error Click raised: it carries an exit code and words its own message."""
    return isinstance(getattr(exc, "exit_code", None), int) and callable(getattr(exc, "format_message", None))


class BilatGroup(TyperGroup):
    """Turns every usage error into one line on stderr and its exit code (BILAT_DEBUG=1 or --debug re-raise)."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        with _one_line_errors(debugging):
            for arg in args:
                try:
                    arg.encode("utf-8")
                except UnicodeEncodeError:  # invalid UTF-8 in argv arrives as surrogate escapes
                    shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                    raise UsageError(f"argument '{shown}' is not valid UTF-8 text") from None
            if not args and not extra.get("resilient_parsing"):  # plain `bilat`: the help on stderr, exit 2
                ctx = super().make_context(info_name, args, parent=parent, resilient_parsing=True, **extra)
                sys.stderr.write(ctx.get_help() + "\n")
                raise typer.Exit(2)
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with _one_line_errors(lambda: debugging() or (isinstance(ctx.obj, dict) and ctx.obj.get("debug") is True)):
            return super().invoke(ctx)


@contextmanager
def _one_line_errors(debug: Callable[[], bool]) -> Iterator[None]:
    try:
        yield
    except BilatError as exc:
        if debug():
            raise
        say(f"error: {one_line(exc.message)}")
        if exc.hint:
            say(exc.hint)
        raise typer.Exit(int(exc.code)) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if not _is_click_error(exc) or debug():
            raise
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None and ctx.command_path else ""
        say(f"error: {exc.format_message()}{hint}")  # type: ignore[attr-defined]
        raise typer.Exit(int(exc.exit_code)) from None  # type: ignore[attr-defined]


# ---------------------------------------------------------------- completion (names in the spec, answers here)


def _run_of(ctx: Any) -> Run:
    """The run settings as far as completion has parsed them (the group's callback has not run)."""
    params = ctx.find_root().params if ctx is not None else {}
    return Run(data=params.get("data"), db=params.get("db"), quiet=True)


def _complete_countries(incomplete: str, ctx: Any = None) -> list[str]:
    try:
        from bilat.read.names import country_names_starting

        with closing(_run_of(ctx).connect(silent=True)) as conn:
            names = country_names_starting(conn, incomplete)
    except Exception:  # completion must never fail loudly
        return []
    return [visible(name) for name in names]


def _complete_ids(incomplete: str, ctx: Any = None) -> list[str]:
    try:
        from bilat.read.names import ids_starting

        with closing(_run_of(ctx).connect(silent=True)) as conn:
            ids = ids_starting(conn, incomplete)
    except Exception:
        return []
    return [visible(i) for i in ids]  # the shell shows candidates on the terminal


_COMPLETERS: dict[str, Callable[..., list[str]]] = {"countries": _complete_countries, "ids": _complete_ids}


def _completer(complete: str | tuple[str, ...] | None) -> Callable[..., list[str]] | None:
    if complete is None:
        return None
    if isinstance(complete, str):
        return _COMPLETERS[complete]
    choices = complete
    return lambda incomplete: [v for v in choices if v.startswith(incomplete)]


# ---------------------------------------------------------------- the spec, as Typer parameters


def _option(opt: Opt) -> inspect.Parameter:
    kind: Any = {MANY: list[str] | None, INT: int | None, FLAG: bool}.get(opt.kind, str | None)
    if opt.kind == INT and opt.default is not None:
        kind = int
    elif opt.kind not in (MANY, INT, FLAG) and opt.default is not None:
        kind = str
    info = typer.Option(
        *opt.flags,
        metavar=None if opt.kind == FLAG else opt.metavar,
        help=opt.help,
        min=opt.minimum,
        autocompletion=_completer(opt.complete),
    )
    return inspect.Parameter(
        opt.dest, inspect.Parameter.KEYWORD_ONLY, default=opt.default, annotation=Annotated[kind, info]
    )


def _argument(arg: Arg) -> inspect.Parameter:
    info = typer.Argument(metavar=arg.metavar, help=arg.help, autocompletion=_completer(arg.complete))
    kind: Any = str if arg.required else str | None
    default = inspect.Parameter.empty if arg.required else None
    return inspect.Parameter(
        arg.dest, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=Annotated[kind, info]
    )


def _with_signature(
    function: Callable[..., None], parameters: list[inspect.Parameter], doc: str
) -> Callable[..., None]:
    """`function(**values)` with the signature Typer reads its options from."""
    function.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    function.__annotations__ = {p.name: p.annotation for p in parameters}
    function.__doc__ = doc
    return function


def _command(cmd: Cmd) -> Callable[..., None]:
    """The Typer command for `cmd`: its values go to `bilat.commands.execute` with the run of the group's callback."""

    def command(ctx: typer.Context, **values: Any) -> None:
        from bilat.commands import execute

        code = execute(cmd.name, Values(values), Run.of(_with_globals(ctx.obj, Values(values))))
        if code:
            raise typer.Exit(code)

    context = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
    parameters = [context, *map(_argument, cmd.args), *map(_option, cmd.opts), *map(_option, GLOBAL)]
    command.__name__ = f"{cmd.name}_command"
    return _with_signature(command, parameters, cmd.help)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"bilat {__version__}\n")
        raise typer.Exit()


def _global_options(ctx: typer.Context, **values: Any) -> None:
    ctx.obj = Values(values)  # the command merges its own (`bilat list -q`): see _with_globals


def _with_globals(before: object, after: Values) -> Values:
    """The global options given before the command, overridden by those given after it (`bilat list -q`)."""
    merged = Values(before if isinstance(before, Values) else {})
    for opt in GLOBAL:
        value = after.get(opt.dest)
        if value is not None and value != opt.default:
            merged[opt.dest] = value
    return merged


_VERSION = inspect.Parameter(
    "version",
    inspect.Parameter.KEYWORD_ONLY,
    default=False,
    annotation=Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ],
)


def build_app(named: frozenset[str] | None = None) -> typer.Typer:
    """The Typer app of every command in `bilat.cli_spec`.

    With `named` (the words of a command line), only the commands named there are built with their options;
    the others are listed by name and help alone, which is all `bilat --help` shows of them: building every
    command's options is most of the help's start-up. A command is only ever run when its name is in argv.
    """
    app = typer.Typer(
        cls=BilatGroup,
        name="bilat",
        help="A reference tool for bilateral agreements: every fact with its source.\n\n"
        "Examples:\n\n  bilat list --country belarus\n\n  bilat search '150,000'\n\n  bilat brief 2025-04-12",
        add_completion=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    app.callback()(
        _with_signature(
            _global_options,
            [
                inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
                *map(_option, GLOBAL),
                _VERSION,
            ],
            "",
        )
    )

    def built(name: str, cmd: Cmd) -> Callable[..., None]:
        return _command(cmd) if named is None or name in named else _listed(cmd)

    for cmd in COMMANDS:  # the first line of its help, whole, in `bilat --help` (Click would cut it at 45 characters)
        app.command(cmd.name, short_help=cmd.help.split("\n", 1)[0].rstrip("."))(built(cmd.name, cmd))
    for alias, name in ALIASES.items():  # e.g. `summarise`: hidden from the list, explained by its own --help
        app.command(alias, hidden=True)(built(alias, BY_NAME[name]))
    return app


def _listed(cmd: Cmd) -> Callable[..., None]:
    """A command as `bilat --help` lists it: its name and help, no options (never run: see build_app)."""

    def listed() -> None:
        raise AssertionError(f"{cmd.name} was built without its options")  # pragma: no cover

    return _with_signature(listed, [], cmd.help)


def __getattr__(name: str) -> typer.Typer:
    """`bilat.cli.app`: the whole app, built on first use (the script builds only what its argv names)."""
    if name == "app":
        global _APP
        if _APP is None:
            _APP = build_app()
        return _APP
    raise AttributeError(name)


_APP: typer.Typer | None = None


def run(args: list[str] | None = None) -> int:
    """Run the app as the `bilat` script does and return its exit code."""
    from bilat.completion_script import show_completion

    shown = show_completion(sys.argv[1:] if args is None else args)
    if shown is not None:
        return shown
    argv = sys.argv[1:] if args is None else args
    whole = "_BILAT_COMPLETE" in os.environ  # completion reads every command's options
    app = build_app(None if whole else frozenset(argv))
    try:
        app(args=args, prog_name="bilat")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


__all__ = ["UsageError", "build_app", "run"]  # and `app`, built on first use (__getattr__)
