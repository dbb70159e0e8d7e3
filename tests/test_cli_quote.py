"""`bilat quote TEXT`: through the Typer door in-process and through the installed script, piped.

What a curator relies on: the exit code says whether the text is in a source exactly (0) or not (1, near misses
still printed), 2 for a usage error; what it offers to paste is what `bilat validate` then accepts; sources are
read from the dataset's sources folder only; nothing the data or the typed text holds drives the terminal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bilat.model import normalise
from conftest import cli, shell

STRAIGHT = "Belarus's offer"
CURLY = "Belarus’s offer"


def _lines(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines()]


def test_straight_for_curly_is_a_near_miss_with_its_characters_to_paste(real_readonly: Path) -> None:
    result = cli("quote", STRAIGHT)
    assert result.exit_code == 1
    rows = _lines(result.stdout)
    assert rows[0][:5] == ["near", "report-2025-04-12", "3", "93.3", CURLY]
    assert "'’' (a curly apostrophe or closing single quotation mark, U+2019)" in rows[0][5]
    assert '"\'" (a straight apostrophe, U+0027) (character 8)' in rows[0][5]
    assert f"for **{CURLY}**, calling it" in rows[0][6]
    assert all(row[0] == "near" for row in rows)
    assert result.stderr == (
        f'error: no exact match for "{STRAIGHT}" in 5 sources; {len(rows)} near misses: '
        "paste the text of one to quote its source exactly\n"
    )


def test_an_exact_match_exits_0_with_the_line_of_the_file(real_readonly: Path) -> None:
    result = cli("quote", "skilled  workforce", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    records = json.loads(result.stdout)
    exact = [r for r in records if r["match"] == "exact"]
    assert len(exact) == 3 and records[:3] == exact and all(r["score"] == 100.0 for r in exact)
    assert [r["paste"] for r in records[3:]] == ["skilled workers"]  # and a near miss, in the room left
    for record in exact:
        assert record["paste"] == "skilled workforce" and record["differences"] == []
        path = Path(record["file"])
        assert path.parent == real_readonly.parent / "sources"
        assert "skilled workforce" in normalise(path.read_text(encoding="utf-8").splitlines()[record["line"] - 1])
        assert "skilled workforce" in record["sentence"] and "\x02" not in record["sentence"]
        assert "**" not in record["sentence"]


def test_source_limits_the_search_to_one_source(real_readonly: Path) -> None:
    every = json.loads(cli("quote", "bilateral", "-f", "json", "-n", "100").stdout)
    one = cli("quote", "bilateral", "--source", "report-2024-11-26", "--format", "json")
    assert one.exit_code == 0
    records = json.loads(one.stdout)
    assert records == [r for r in every if r["source"] == "report-2024-11-26"] and len(records) == 4
    assert len({r["source"] for r in every}) > 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["quote", "labour", "--source", "report-2023"], "error: --source: unknown source id 'report-2023' "),
        (["quote", ""], "error: quote: the text to find is empty"),
        (["quote", " \t\n "], "error: quote: the text to find is empty"),
        (["quote", "labour", "--format", "xml"], "error: --format: unknown format 'xml'"),
    ],
)
def test_usage_errors_exit_2_on_one_line(real_readonly: Path, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    if "--source" in args:
        assert result.stderr.endswith("(did you mean 'report-2023-06-12'?)\n")


def test_nothing_close_exits_1_and_prints_no_records(real_readonly: Path) -> None:
    result = cli("quote", "zeolite quarry in Antarctica")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "error: no exact match for 'zeolite quarry in Antarctica' in 5 sources, and nothing close\n"


def test_the_limit_keeps_exact_matches_first_and_says_what_it_left_out(real_readonly: Path) -> None:
    result = cli("quote", "bilateral", "-n", "2")
    assert result.exit_code == 0
    assert [row[0] for row in _lines(result.stdout)] == ["exact", "exact"]
    assert result.stderr == "note: 2 of 8 exact matches (--limit 8 for all)\n"
    quiet = cli("-q", "quote", "bilateral", "-n", "2")
    assert quiet.stdout == result.stdout and quiet.stderr == ""


def test_a_table_on_request(real_readonly: Path) -> None:
    result = cli("quote", STRAIGHT, "--format", "table")
    assert result.exit_code == 1
    assert "0 exact matches, 2 near misses" in result.stdout
    assert CURLY in result.stdout and "U+2019" in result.stdout and "**" not in result.stdout
    assert "\x1b" not in result.stdout
    assert "’ U+2019 for '" in result.stdout and "(a curly" not in result.stdout  # a difference in a few columns


def test_the_text_typed_cannot_drive_the_terminal(real_readonly: Path) -> None:
    result = cli("quote", "\x1b]0;owned\x07Belarus\u202e offer")
    assert result.exit_code == 1
    for stream in (result.stdout, result.stderr):
        assert not any(c in stream for c in "\x1b\x07\u202e")
    assert "\\x1b]0;owned\\x07" in result.stderr


def test_a_near_miss_pasted_validates(real: Path) -> None:
    """The curator's loop: validate fails on a straight apostrophe, quote offers the source's text, validate passes."""
    right = (
        "Prime Minister Sharif expressed gratitude for Belarus’s offer, calling it a “gift” for the people of Pakistan"
    )
    wrong = right.replace("’", "'")
    yaml_text = real.read_text(encoding="utf-8")
    assert yaml_text.count(f'"{right}"') == 1
    real.write_text(yaml_text.replace(f'"{right}"', f'"{wrong}"'), encoding="utf-8")
    assert cli("validate").exit_code == 3
    found = cli("quote", wrong, "--format", "json")  # works while the dataset does not validate
    assert found.exit_code == 1
    best = json.loads(found.stdout)[0]
    assert (best["match"], best["paste"]) == ("near", right)
    assert [(d["source"], d["typed"], d["at"]) for d in best["differences"]] == [("’", "'", 54)]
    real.write_text(yaml_text.replace(f'"{right}"', json.dumps(best["paste"], ensure_ascii=False)), encoding="utf-8")
    assert cli("validate").exit_code == 0


def test_sources_outside_the_folder_are_never_read(mini: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the launch codes are here\n", encoding="utf-8")
    alpha = mini.parent / "sources" / "alpha.txt"
    alpha.unlink()
    alpha.symlink_to(secret)
    result = cli("quote", "launch codes")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        "note: source 'alpha' left out: source text sources/alpha.txt is a link to a file outside the sources folder"
    )
    assert "launch codes are here" not in result.stderr
    one = cli("quote", "launch codes", "--source", "alpha")
    assert (one.exit_code, one.stdout) == (3, "")
    assert one.stderr == (
        "error: source 'alpha': source text sources/alpha.txt is a link to a file outside the sources folder\n"
    )


def test_a_dataset_that_cannot_be_read_or_found(mini: Path, tmp_path: Path) -> None:
    missing = cli("--data", str(tmp_path / "nope.yaml"), "quote", "labour")
    assert missing.exit_code == 2 and "data file not found" in missing.stderr
    mini.write_text("sources: [\n", encoding="utf-8")
    broken = cli("quote", "labour")
    assert broken.exit_code == 3 and broken.stdout == ""
    assert broken.stderr.startswith("error: ") and "YAML syntax" in broken.stderr


def test_quote_never_builds_the_database(mini: Path, tmp_path: Path) -> None:
    db = Path(os.environ["BILAT_DB"])
    assert cli("quote", "skilled Pakistani workers").exit_code == 0
    assert not db.exists() and not (tmp_path / "cache").exists()


# ---------------------------------------------------------------- the installed script, piped


def test_piped_through_the_installed_script(real_readonly: Path) -> None:
    proc = shell(f'bilat quote "{STRAIGHT}" | cat')
    assert proc.returncode == 1  # pipefail: bilat's own code
    assert proc.stdout.splitlines()[0].startswith(f"near\treport-2025-04-12\t3\t93.3\t{CURLY}\t")
    assert proc.stderr.startswith("error: no exact match")
    as_json = shell(
        "bilat quote 'labour mobility' --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'"
    )
    assert as_json.returncode == 0 and int(as_json.stdout) >= 2


def test_both_doors_answer_alike(real_readonly: Path) -> None:
    for args in (f'quote "{STRAIGHT}" -n 3', "quote bilateral --source report-2024-11-26 -f json", "quote ''"):
        fast = shell(f"bilat {args}")
        typer = shell(f"bilat {args}", env={"BILAT_NO_FASTPATH": "1"})
        assert (fast.returncode, fast.stdout, fast.stderr) == (typer.returncode, typer.stdout, typer.stderr), args


_RUNNER = """
import atexit, sys
out_file = sys.argv.pop(1)
sys.argv[0] = "bilat"
atexit.register(lambda: open(out_file, "w").write("\\n".join(sorted(sys.modules))))
from bilat.__main__ import main
main()
"""


def test_queries_import_nothing_of_quote(real_readonly: Path, tmp_path: Path) -> None:
    """The command's body is imported by every query (one line in BODIES); what it needs is not."""
    modules = tmp_path / "modules.txt"
    for args, expected in ((["list", "--format", "json"], 0), (["quote", "labour mobility", "-f", "json"], 0)):
        proc = subprocess.run(
            [sys.executable, "-c", _RUNNER, str(modules), *args], capture_output=True, text=True, timeout=120
        )
        assert proc.returncode == expected, proc.stderr
        loaded = set(modules.read_text().split())
        heavy = {m for m in loaded if m.split(".")[0] == "rapidfuzz" or m.startswith("bilat.quote_")}
        assert bool(heavy) == (args[0] == "quote"), heavy


def test_a_text_too_short_to_prove_anything_is_searched_with_a_note(real_readonly: Path) -> None:
    result = cli("quote", "FO", "-f", "json", "-n", "1")
    assert result.exit_code == 0
    assert [r["paste"] for r in json.loads(result.stdout)] == ["FO"]
    assert result.stderr.splitlines()[0] == "note: a quote needs at least 4 characters with a letter or digit"
    assert cli("quote", "Khar", "-n", "1").stderr.startswith("note: 1 of ")  # four characters: no such note
