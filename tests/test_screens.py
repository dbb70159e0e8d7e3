"""What a person sees in a terminal: the tables of list, search and timeline at 60, 80, 120 and 200 columns.

The golden screens in tests/golden/screens/ are the review's widths (NO_COLOR, so they are plain text); after a
deliberate change, `BILAT_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_screens.py` rewrites them and
`git diff tests/golden/screens/` is the review.  Beyond the goldens, at every width from 40 to 220 columns:
no line is wider than the terminal except an id alone on its line, every id is printed whole on one line, and a
key figure is never cut.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import cli, matches_golden

SCREENS = Path(__file__).resolve().parent / "golden" / "screens"
WIDTHS = (60, 80, 120, 200)
COMMANDS = {
    "list-belarus": ("list", "--country", "belarus"),
    "list-belgium": ("list", "--country", "belgium"),
    "list-limit": ("list", "-n", "3"),
    "search-minsk": ("search", "minsk", "-n", "5"),
    "timeline-belgium": ("timeline", "--country", "belgium"),
}


def screen(args: tuple[str, ...], width: int, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("NO_COLOR", "1")
    result = cli(*args, "--format", "table")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def ids_of(args: tuple[str, ...]) -> list[str]:
    result = cli(*args, "--format", "json")
    return [record["id"] for record in json.loads(result.stdout)]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_golden_screen(name: str, width: int, real_readonly: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    matches_golden(SCREENS / f"{name}-{width}.txt", screen(COMMANDS[name], width, monkeypatch))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_no_id_split_no_line_too_wide(name: str, real_readonly: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = COMMANDS[name]
    ids = ids_of(args)
    titles = [record["title"] for record in json.loads(cli(*args, "--format", "json").stdout)]
    assert ids
    for width in range(40, 221, 7):
        lines = screen(args, width, monkeypatch).splitlines()
        words = {word for line in lines for word in line.split()}
        for record_id in ids:
            assert record_id in words, f"{record_id} is not whole on one line at {width} columns"
        for line in lines:
            assert len(line) <= width or line.strip() in ids, f"a line wider than {width} columns: {line!r}"
        for title in titles:  # wrapped at word boundaries, never cropped
            assert set(title.split()) <= words, f"{title!r} is cut at {width} columns"


def test_a_key_figure_is_never_cut(real_readonly: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for width in range(40, 221, 11):
        text = screen(("list", "--country", "belarus"), width, monkeypatch)
        if "figures (a wider terminal" in text:  # left out, and the table says so
            continue
        figure_lines = [line for line in text.splitlines() if "150,000" in line]
        assert figure_lines and all(len(line) <= width for line in figure_lines), width
        assert {"150,000", "skilled", "Pakistani"} <= set(text.split()), width


def test_the_table_says_what_it_left_out(real_readonly: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = screen(("list", "--country", "belgium"), 100, monkeypatch)
    assert "left out at 100 columns: kind, parties" in text
    assert "left out" not in screen(("list", "--country", "belgium"), 200, monkeypatch)


def test_narrow_terminals_get_one_block_per_record(real_readonly: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = screen(("list", "--country", "belarus"), 60, monkeypatch).splitlines()
    assert "one per block" in lines[0]
    assert "pk-by-joint-manufacturing-electric-buses-agricultural-machinery" in lines
    assert "  reported 2025-04-12 · agreed · commitment · PK; BY" in lines


def test_a_cut_result_says_of_how_many(real_readonly: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    total = len(ids_of(("list",)))
    assert screen(("list", "-n", "2"), 120, monkeypatch).startswith(
        f"2 of {total} agreements (--limit {total} for all)"
    )
    hits = cli("search", "minsk", "-n", "1000", "--format", "json")
    found = len(json.loads(hits.stdout))
    assert found > 5
    assert screen(("search", "minsk", "-n", "5"), 120, monkeypatch).startswith(f"5 of {found} hits")
    piped = cli("search", "minsk", "-n", "5", "--format", "json")
    assert f"note: 5 of {found} hits (--limit {found} for all)" in piped.stderr
    assert len(json.loads(piped.stdout)) == 5
    assert "of" not in cli("search", "minsk", "-n", str(found), "--format", "json").stderr
