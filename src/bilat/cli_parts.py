"""The words `bilat.cli_spec` declares commands in: `Opt`, `Arg`, `Cmd`, and the options several groups share.

Stdlib only and cheap: it is imported on every query.
"""

from __future__ import annotations

ONE, MANY, INT, FLAG = "one", "many", "int", "flag"  # what an option takes: a value, a repeatable value, N, nothing
TABULAR_FORMATS = ("table", "json", "jsonl", "csv", "tsv", "md")


class Opt:
    """One option: its flags (long first), where its value goes, and how it is explained."""

    __slots__ = ("complete", "default", "dest", "flags", "help", "kind", "metavar", "minimum")

    def __init__(
        self,
        dest: str,
        flags: tuple[str, ...],
        kind: str,
        help: str,
        *,
        metavar: str | None = None,
        default: object = None,
        minimum: int | None = None,
        complete: str | tuple[str, ...] | None = None,
    ) -> None:
        self.dest, self.flags, self.kind, self.help = dest, flags, kind, help
        self.metavar, self.default, self.minimum, self.complete = metavar, default, minimum, complete


class Arg:
    """One positional argument."""

    __slots__ = ("complete", "dest", "help", "metavar", "required")

    def __init__(
        self,
        dest: str,
        help: str,
        *,
        metavar: str | None = None,
        required: bool = True,
        complete: str | tuple[str, ...] | None = None,
    ) -> None:
        self.dest, self.help, self.metavar, self.required, self.complete = dest, help, metavar, required, complete


class Cmd:
    """One command: its name, its help (first line, then examples), its arguments and options."""

    __slots__ = ("args", "help", "hidden", "name", "opts")

    def __init__(
        self,
        name: str,
        help: str,
        opts: tuple[Opt, ...] = (),
        args: tuple[Arg, ...] = (),
        *,
        hidden: bool = False,
    ) -> None:
        self.name, self.help, self.opts, self.args, self.hidden = name, help, opts, args, hidden


TABLE_FORMAT = Opt(
    "fmt",
    ("--format", "-f"),
    ONE,
    "table, json, jsonl, csv, tsv or md [default: table on a terminal, plain lines when piped]",
    metavar="FORMAT",
    complete=TABULAR_FORMATS,
)


NOTE_FORMAT = Opt(
    "fmt",
    ("--format", "-f"),
    ONE,
    "table (Rich), md or json [default: table on a terminal, md when piped]",
    metavar="FORMAT",
    complete=("table", "md", "json"),
)
"""The format of a note (a brief, a diff): Rich on a terminal, Markdown when piped, JSON for tools."""


NO_PAGER = Opt(
    "no_pager", ("--no-pager",), FLAG, "Never page long output on a terminal (PAGER, else less).", default=False
)


def limit_opt(help: str, default: int | None = None) -> Opt:
    return Opt("limit", ("--limit", "-n"), INT, help, metavar="N", default=default, minimum=1)
