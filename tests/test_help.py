"""Help, version and shell completion: every command explains itself with an example; completion really completes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from bilat import __version__
from bilat.cli import app
from conftest import cli, shell


def _commands() -> list[tuple[str, bool]]:
    """Every command of the Typer app, as (name, hidden), from the Click group Typer builds."""
    group = typer.main.get_command(app)
    return sorted((name, bool(cmd.hidden)) for name, cmd in group.commands.items())  # type: ignore[attr-defined]


COMMANDS = _commands()


def test_the_walk_finds_the_commands() -> None:
    names = {name for name, _hidden in COMMANDS}
    assert {"list", "search", "show", "summary", "summarise", "timeline", "validate", "build", "schema"} <= names


@pytest.mark.parametrize("name, hidden", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_has_a_description_and_an_example(name: str, hidden: bool) -> None:
    result = cli(name, "--help")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    text = result.stdout
    assert text.startswith(f"Usage: bilat {name} ")
    description = text.split("\n\n", 2)[1].strip()
    assert description and len(description.splitlines()[0]) <= 120
    examples = re.search(r"Examples?:\n((?:\s+bilat .+\n)+)", text)
    assert examples, f"bilat {name} --help has no example:\n{text}"
    for example in examples.group(1).splitlines():
        words = example.split()
        assert words[:2] == ["bilat", name] or (hidden and words[0] == "bilat"), example
    assert "\x1b" not in text


@pytest.mark.parametrize("name, hidden", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_hidden_commands_stay_out_of_the_command_list(name: str, hidden: bool) -> None:
    listing = cli("--help").stdout.split("Commands:", 1)[1]
    assert (re.search(rf"^\s+{name}\s", listing, re.M) is None) == hidden


def test_top_level_help_has_examples_and_h_works() -> None:
    long, short = cli("--help"), cli("-h")
    assert long.exit_code == short.exit_code == 0
    assert long.stdout == short.stdout
    assert "Examples:" in long.stdout and "bilat list" in long.stdout


def test_help_is_plain_even_when_colour_is_forced() -> None:
    proc = shell("bilat list --help | cat", env={"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "NO_COLOR": ""})
    assert proc.returncode == 0
    assert "\x1b" not in proc.stdout and "Examples:" in proc.stdout


def test_version() -> None:
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"bilat {__version__}\n"


# ---------------------------------------------------------------- completion


def test_show_completion_prints_a_bash_script() -> None:
    proc = shell("bilat --show-completion bash")
    assert proc.returncode == 0, proc.stderr
    assert "_BILAT_COMPLETE=complete_bash" in proc.stdout
    assert "complete " in proc.stdout and "bilat" in proc.stdout
    # The script is valid bash: sourcing it defines the function.
    check = shell('eval "$(bilat --show-completion bash)" && declare -F _bilat_completion')
    assert check.returncode == 0 and "_bilat_completion" in check.stdout


@pytest.mark.parametrize(
    ("shell_name", "mark"),
    [
        ("bash", "complete -o default -F _bilat_completion bilat"),
        ("zsh", "#compdef bilat"),
        ("fish", "complete --command bilat"),
        ("powershell", "Register-ArgumentCompleter -Native -CommandName bilat"),
    ],
)
def test_show_completion_prints_the_named_shells_script(shell_name: str, mark: str) -> None:
    proc = shell(f"bilat --show-completion {shell_name}")  # from bash: the name given wins
    assert proc.returncode == 0, proc.stderr
    assert mark in proc.stdout and f"complete_{shell_name}" in proc.stdout


def test_show_completion_with_no_shell_to_detect_asks_for_its_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bilat import completion_script
    from bilat.cli import run

    monkeypatch.setattr(completion_script, "detected_shell", lambda: None)
    assert run(["--show-completion"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "name the shell: bilat --show-completion bash|zsh|fish|powershell" in err
    assert run(["--show-completion", "tcsh"]) == 2
    monkeypatch.setattr(completion_script, "detected_shell", lambda: "zsh")
    assert run(["--show-completion"]) == 0
    assert "#compdef bilat" in capsys.readouterr().out


def _complete(words: str) -> list[str]:
    """What bash completion offers for the last word of `words` (the protocol the script above uses)."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    proc = shell("bilat", env={"_BILAT_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return proc.stdout.split()


def test_completes_countries_from_the_data(mini: Path) -> None:
    assert _complete("bilat list --country bel") == ["belarus", "belgium"]
    assert _complete("bilat search x -c pak") == ["pakistan"]


def test_completes_statuses_kinds_sectors_and_formats(mini: Path) -> None:
    assert _complete("bilat list --status si") == ["signed"]
    assert "under-discussion" in _complete("bilat list --status ")
    assert _complete("bilat list --kind mo") == ["mou"]
    assert _complete("bilat timeline --sector labour") == ["labour-mobility"]
    assert _complete("bilat list --format js") == ["json", "jsonl"]


def test_completes_ids_for_show_and_brief(mini: Path) -> None:
    assert _complete("bilat show pk-by") == ["pk-by-readmission", "pk-by-skilled-workers"]
    assert "sharif-lukashenko-reported-2025-04-12" in _complete("bilat brief sharif")


def test_completes_command_names() -> None:
    assert _complete("bilat sh") == ["show"]
    assert "summarise" not in _complete("bilat su")


def test_completion_with_broken_data_offers_nothing_and_prints_nothing(mini: Path) -> None:
    mini.write_text("agreements: [\n", encoding="utf-8")
    assert _complete("bilat list --country bel") == []
    assert _complete("bilat show pk") == []


def test_completion_callbacks_directly(mini: Path) -> None:
    from bilat.cli import _complete_countries, _complete_ids

    assert _complete_countries("BEL") == ["belarus", "belgium"]
    assert _complete_countries("zz") == []
    assert _complete_ids("pk-be") == ["pk-be-labour-mou"]


def test_the_command_list_gives_each_description_whole() -> None:
    text = cli("--help").stdout
    assert "..." not in text.split("Commands:", 1)[1]
    assert "best match first" in text


@pytest.mark.parametrize(
    "argv",
    [["--help"], [], ["lsit"], ["list", "--help"], ["summarise", "--help"], ["-q", "list", "--nope"], ["show"]],
)
def test_the_app_built_for_a_command_line_says_what_the_whole_app_says(argv: list[str]) -> None:
    """`bilat` builds only the commands its argv names (start-up); what it prints and its exit code are the same."""
    from typer.testing import CliRunner

    from bilat.cli import build_app

    whole = CliRunner().invoke(build_app(), argv, prog_name="bilat")
    lean = CliRunner().invoke(build_app(frozenset(argv)), argv, prog_name="bilat")
    assert (lean.exit_code, lean.stdout, lean.stderr) == (whole.exit_code, whole.stdout, whole.stderr)
    assert whole.stdout or whole.stderr
