"""One declaration of every command and option (bilat.cli_spec), two doors derived from it, proven equal in-process.

The fast parser (bilat.fast) and the Typer app (bilat.cli) must read a command
line to the same command and the same values, or the fast parser must step
aside (None) and leave it to Typer.  Checked on hand-picked command lines and
on command lines hypothesis writes from the spec itself, with
`bilat.commands.execute` replaced by a recorder: no database, no subprocess.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bilat import cli_spec, commands, fast
from bilat.cli import app
from bilat.cli_spec import COMMANDS, FLAG, GLOBAL, INT, MANY, Cmd, Opt, Values
from bilat.run_context import Run

Seen = tuple[str, dict[str, Any], tuple[Any, ...]]


def _run_fields(run: Run) -> tuple[Any, ...]:
    return (run.data, run.db, run.quiet, run.color, run.debug)


def through_typer(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> Seen | None:
    """What the Typer door hands to `execute` for `argv`; None when it stops before (usage error, help)."""
    seen: list[Seen] = []

    def record(name: str, values: Values, run: Run) -> int:
        seen.append((name, {k: v for k, v in values.items() if k not in {o.dest for o in GLOBAL}}, _run_fields(run)))
        return 0

    monkeypatch.setattr(commands, "execute", record)
    CliRunner().invoke(app, argv, prog_name="bilat")
    return seen[0] if seen else None


def through_fast(argv: list[str]) -> Seen | None:
    parsed = fast.parse(argv)
    if parsed is None:
        return None
    cmd, values = parsed
    run = Run.of(values)
    return cmd.name, {k: v for k, v in values.items() if k not in {o.dest for o in GLOBAL}}, _run_fields(run)


def _same(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    quick = through_fast(argv)
    if quick is None:
        return  # the fast parser stepped aside: Typer alone reads it
    assert through_typer(argv, monkeypatch) == quick, argv


HAND_PICKED = [
    ["list", "--no-color", "-q", "--debug", "--format", "json"],
    ["--data", "a.yaml", "list", "--data", "b.yaml"],
    ["-q", "search", "labour", "--db", "x.sqlite"],
    ["list", "--format", "json"],
    ["list", "-c", "belarus", "-f", "csv"],
    ["list", "--country=BY", "--status", "signed", "-fjsonl"],
    ["list", "--since", "2025", "--until", "2025-06", "--sort", "-date", "--limit", "3", "--format", "md"],
    ["list", "--sector", "labour-mobility", "--kind", "mou", "-k", "agreement", "--format", "tsv"],
    ["list"],
    ["list", "--country", ""],
    ["search", "labour", "--format", "json"],
    ["search", "--format", "json", "de Moor"],
    ["search", ""],
    ["search", "readmission", "-n", "1", "--format", "jsonl"],
    ["show", "pk-be-labour-mou", "--format", "json"],
    ["summary", "-c", "belarus", "--format", "csv"],
    ["summarise"],
    ["timeline", "--since", "2025", "--limit", "5"],
    ["brief", "belarus", "--format", "md"],
    ["brief", "2025-04-12", "-o", "note.md"],
    ["validate"],
    ["validate", "data/agreements.yaml"],
    ["-q", "search", "US-UK"],
    ["--no-color", "list", "--format", "table"],
    ["--quiet", "--no-color", "--data", "x.yaml", "--db=y.sqlite", "timeline", "-f", "csv"],
    ["--debug", "list"],
    ["list", "--limit", "0"],
    ["list", "--bogus"],
    ["list", "-q"],
    ["search"],
    ["show", "a", "b"],
    ["list", "--help"],
    ["list", "--", "x"],
    ["list", "-n", "99999999999999999999999"],
]


@pytest.mark.parametrize("argv", HAND_PICKED, ids=" ".join)
def test_both_doors_read_a_command_line_alike(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _same(argv, monkeypatch)


def test_the_fast_parser_reads_the_usual_forms() -> None:
    parsed = fast.parse(["--data", "d.yaml", "list", "-cBY", "--country=belarus", "-n", "3", "--sort", "title"])
    assert parsed is not None
    cmd, values = parsed
    assert cmd.name == "list"
    assert values.texts("country") == ["BY", "belarus"]
    assert (values.number("limit"), values.text("sort"), values.text("data")) == (3, "title", "d.yaml")
    assert values.text("fmt") is None and values.flag("quiet") is False


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["list", "--help"],
        ["list", "--bogus"],
        ["list", "-n", "0"],
        ["list", "-n", "x"],
        ["list", "--country"],
        ["list", "--country", "--status"],
        ["show"],
        ["show", "a", "b"],
        ["nope"],
        ["list", "--"],
        ["--version"],
    ],
)
def test_the_fast_parser_steps_aside_when_typer_must_explain(argv: list[str]) -> None:
    assert fast.parse(argv) is None


# ---------------------------------------------------------------- command lines written from the spec


def _written(opt: Opt, value: str) -> st.SearchStrategy[list[str]]:
    """The ways a user writes `opt value`: --opt value, --opt=value, -o value, -ovalue."""
    forms: list[list[str]] = []
    for flag in opt.flags:
        if opt.kind == FLAG:
            forms.append([flag])
        elif flag.startswith("--"):
            forms += [[flag, value], [f"{flag}={value}"]]
        else:
            forms += [[flag, value], [flag + value]]
    return st.sampled_from(forms)


VALUES = st.sampled_from(["belarus", "BY", "", "2025", "2025-13", "0", "3", "-x", "x y", "=", "table", "json", "ü"])


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    cmd: Cmd = draw(st.sampled_from(COMMANDS))
    argv: list[str] = []
    for opt in draw(st.lists(st.sampled_from(GLOBAL), max_size=3)):
        argv += draw(_written(opt, draw(VALUES)))
    argv.append(draw(st.sampled_from([cmd.name, *(a for a, n in cli_spec.ALIASES.items() if n == cmd.name)])))
    parts: list[list[str]] = [[draw(VALUES)] for _ in range(draw(st.integers(0, len(cmd.args) + 1)))]
    for opt in draw(st.lists(st.sampled_from(GLOBAL), max_size=2)):  # global options after the command too
        parts.append(draw(_written(opt, draw(VALUES))))
    if cmd.opts:
        for opt in draw(st.lists(st.sampled_from(cmd.opts), max_size=5)):
            value = draw(st.one_of(VALUES, st.integers(-1, 30).map(str))) if opt.kind == INT else draw(VALUES)
            parts.append(draw(_written(opt, value)))
    for part in draw(st.permutations(parts)):
        argv += part
    return argv


@settings(max_examples=150, deadline=None)
@given(argv=command_lines())
def test_both_doors_agree_on_command_lines_written_from_the_spec(argv: list[str]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same(argv, monkeypatch)


# ---------------------------------------------------------------- the spec itself


def test_every_command_has_a_body_and_every_body_a_command() -> None:
    assert set(commands.BODIES) == {cmd.name for cmd in COMMANDS}


def test_each_flag_is_declared_once_per_command() -> None:
    for cmd in COMMANDS:
        flags = [flag for opt in (*GLOBAL, *cmd.opts) for flag in opt.flags]
        assert len(flags) == len(set(flags)), cmd.name
        dests = [opt.dest for opt in cmd.opts] + [arg.dest for arg in cmd.args]
        assert len(dests) == len(set(dests)), cmd.name


def test_the_query_commands_share_the_one_filter_group() -> None:
    for name in ("list", "search", "summary", "timeline"):
        cmd = cli_spec.BY_NAME[name]
        assert tuple(o for o in cmd.opts if o.dest in cli_spec.FILTER_NAMES) == cli_spec.FILTERS


def test_options_of_a_kind_take_what_their_kind_says() -> None:
    for cmd in COMMANDS:
        for opt in cmd.opts:
            assert opt.kind in (cli_spec.ONE, MANY, INT, FLAG)
            assert (opt.minimum is not None) <= (opt.kind == INT)
