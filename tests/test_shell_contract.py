"""The shell contract: data on stdout, messages on stderr; Rich only on a terminal; hostile data intact in every format."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from conftest import cli, shell
from contract_data import HOSTILE_ID, HOSTILE_SUMMARY, HOSTILE_TITLE, hostile_dataset, on_terminal

ESC = "\x1b"
BOX = re.compile("[\u2500-\u257f]")  # box drawing
# An SGR sequence that sets a colour (30-37, 39, 40-47, 49, 90-97, 100-107, 38;5/38;2 ...), not bold or italic.
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")
FORCING = {"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1", "CLICOLOR_FORCE": "1"}


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = hostile_dataset(tmp_path / "hostile")
    monkeypatch.setenv("BILAT_DATA", str(path))
    return path


def _hostile_record(records: list[dict[str, str]]) -> dict[str, str]:
    (record,) = [r for r in records if r["id"] == HOSTILE_ID]
    return record


# ---------------------------------------------------------------- hostile data in every format


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_and_tsv_read_back_equal_to_the_input(hostile: Path, fmt: str) -> None:
    result = cli("list", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout), dialect="excel" if fmt == "csv" else "excel-tab"))
    record = _hostile_record(rows)
    assert record["title"] == HOSTILE_TITLE
    assert record["summary"] == HOSTILE_SUMMARY
    assert len(rows) == 3


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_and_jsonl_carry_the_text_unchanged(hostile: Path, fmt: str) -> None:
    result = cli("list", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout) if fmt == "json" else [json.loads(line) for line in result.stdout.splitlines()]
    record = _hostile_record(records)
    assert (record["title"], record["summary"]) == (HOSTILE_TITLE, HOSTILE_SUMMARY)


def test_show_json_carries_the_text_unchanged(hostile: Path) -> None:
    result = cli("show", HOSTILE_ID, "--format", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert (record["title"], record["summary"]) == (HOSTILE_TITLE, HOSTILE_SUMMARY)


def test_search_csv_keeps_the_title_and_marks_the_match(hostile: Path) -> None:
    result = cli("search", "energy", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == [HOSTILE_ID]
    assert rows[0]["title"] == HOSTILE_TITLE
    assert "[**energy**]" in rows[0]["snippet"]


def test_piped_plain_output_is_one_record_per_line(hostile: Path) -> None:
    result = cli("list")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    (line,) = [x for x in lines if x.startswith(HOSTILE_ID + "\t")]
    title = line.split("\t")[-1]
    assert title == " ".join(HOSTILE_TITLE.split())  # the tab and the newline became spaces, nothing else changed
    assert not BOX.search(result.stdout) and ESC not in result.stdout


def test_markdown_table_escapes_pipes_and_stays_one_row_per_record(hostile: Path) -> None:
    result = cli("list", "--format", "md")
    assert result.exit_code == 0, result.stderr
    rows = result.stdout.splitlines()
    assert len(rows) == 2 + 3
    (row,) = [r for r in rows if HOSTILE_ID in r]
    assert "semi \\| pipe [bold]x[/bold]" in row
    assert row.count(" | ") == 5  # six cells: the pipe in the data did not make a seventh


# ---------------------------------------------------------------- pipes: no colour, no boxes, whatever the environment


@pytest.mark.parametrize(
    "command",
    [
        "list --format json",
        "list --format jsonl",
        "list --format csv",
        "list --format tsv",
        "list",
        "search energy --format json",
        "search energy --format tsv",
        "search energy",
        "timeline --format csv",
        "timeline",
        "summary --format json",
        "summary",
        f"show {HOSTILE_ID} --format json",
        f"show {HOSTILE_ID}",
        "schema",
    ],
)
def test_forced_colour_never_leaks_into_a_pipe(hostile: Path, command: str) -> None:
    proc = shell(f"bilat {command} | cat", env={**FORCING, "NO_COLOR": ""})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout
    assert ESC not in proc.stdout
    assert not BOX.search(proc.stdout)
    if "json" in command or command == "schema":
        lines = proc.stdout.splitlines() if "jsonl" in command else [proc.stdout]
        for line in lines:
            json.loads(line)


def test_piped_tsv_of_the_installed_script_reads_back(hostile: Path) -> None:
    proc = shell("bilat list --format tsv | cat", env=FORCING)
    assert proc.returncode == 0, proc.stderr
    record = _hostile_record(list(csv.DictReader(io.StringIO(proc.stdout), dialect="excel-tab")))
    assert record["title"] == HOSTILE_TITLE


def test_data_on_stdout_notes_on_stderr(hostile: Path) -> None:
    # The first run builds the database and the query is reinterpreted: neither may touch stdout.
    proc = shell("bilat search '\"US-UK' --format json")  # an unbalanced quote: searched as words, with a note
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)
    assert [h["id"] for h in hits] == [HOSTILE_ID]
    assert proc.stderr.startswith("note: ")
    assert proc.stderr.count("\n") == 1


def test_build_and_validate_write_messages_to_stderr_only(hostile: Path) -> None:
    built = cli("build")
    assert built.exit_code == 0 and built.stdout == "" and built.stderr.startswith("built ")
    valid = cli("validate")
    assert valid.exit_code == 0 and valid.stdout == "" and valid.stderr.endswith(": valid\n")


# ---------------------------------------------------------------- terminals


def test_table_on_a_terminal_shows_brackets_and_colour(hostile: Path) -> None:
    code, out, err = on_terminal(["list"], {"NO_COLOR": "", "TERM": "xterm-256color"})
    assert code == 0, err
    assert "[energy]" in out and "[bold]x[/bold]" in out
    assert BOX.search(out)  # a Rich table
    assert ESC in out
    code, out, err = on_terminal(["search", "energy"], {"NO_COLOR": "", "TERM": "xterm-256color"})
    assert code == 0, err
    assert COLOUR.search(out)  # the highlight: so the NO_COLOR tests below can fail


def test_search_table_on_a_terminal_keeps_brackets_around_the_highlight(hostile: Path) -> None:
    code, out, err = on_terminal(["search", "energy"], {"NO_COLOR": "1", "TERM": "xterm"})
    assert code == 0, err
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert "[energy] pact" in plain  # in the title cell and in the snippet, the highlight did not eat the brackets
    assert plain.count("[energy]") == 2


def test_show_on_a_terminal_shows_brackets(hostile: Path) -> None:
    code, out, err = on_terminal(["show", HOSTILE_ID], {"NO_COLOR": "1", "TERM": "xterm"})
    assert code == 0, err
    assert "[energy]" in re.sub(r"\x1b\[[0-9;]*m", "", out)


@pytest.mark.parametrize(
    "env, args",
    [
        ({"NO_COLOR": "1", "TERM": "xterm-256color"}, ["search", "energy"]),
        ({"NO_COLOR": "1", "TERM": "xterm-256color", **FORCING}, ["summary"]),
        ({"NO_COLOR": "", "TERM": "xterm-256color"}, ["--no-color", "search", "energy"]),
        ({"NO_COLOR": "", "TERM": "xterm-256color"}, ["--no-color", "show", HOSTILE_ID]),
    ],
)
def test_no_color_on_a_terminal_means_no_colour(hostile: Path, env: dict[str, str], args: list[str]) -> None:
    # Each of these commands draws in colour on a terminal otherwise (search highlights, show headings, summary bars).
    code, out, err = on_terminal(args, env)
    assert code == 0, err
    assert not COLOUR.search(out), repr(COLOUR.search(out))
    assert "[energy]" in re.sub(r"\x1b\[[0-9;]*m", "", out) or args[-1] == "summary"


@pytest.mark.parametrize("args", [["list"], ["search", "energy"], ["show", HOSTILE_ID], ["summary"]])
def test_term_dumb_gets_no_escape_sequences(hostile: Path, args: list[str]) -> None:
    code, out, err = on_terminal(args, {"NO_COLOR": "", "TERM": "dumb"})
    assert code == 0, err
    assert ESC not in out
    assert out.strip()


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_machine_formats_on_a_terminal_are_not_drawn_by_rich(hostile: Path, fmt: str) -> None:
    code, out, err = on_terminal(["list", "--format", fmt], {**FORCING, "NO_COLOR": "", "TERM": "xterm-256color"})
    assert code == 0, err
    assert ESC not in out
    if fmt == "json":
        assert _hostile_record(json.loads(out))["title"] == HOSTILE_TITLE
    elif fmt == "tsv":
        assert _hostile_record(list(csv.DictReader(io.StringIO(out), dialect="excel-tab")))["title"] == HOSTILE_TITLE


@pytest.mark.parametrize(
    "args",
    [["show", HOSTILE_ID, "--format", "md"], ["brief", "2025-04-12", "--format", "md"], ["brief", HOSTILE_ID]],
)
def test_markdown_keeps_a_title_with_a_tab_and_a_newline_on_one_line(hostile: Path, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    one_line = " ".join(HOSTILE_TITLE.split())
    assert any(one_line in line for line in result.stdout.splitlines()), result.stdout


@pytest.mark.parametrize("args", [["brief", "2025-04-12"], ["brief", HOSTILE_ID]])
def test_brief_on_a_terminal_shows_brackets(hostile: Path, args: list[str]) -> None:
    code, out, err = on_terminal(args, {"NO_COLOR": "1", "TERM": "xterm"})
    assert code == 0, err
    assert "[energy]" in re.sub(r"\x1b\[[0-9;]*m", "", out)
