"""Hostile data (review 2026-12-03, "YAML attacks"): refused with a located problem, never a crash, at bounded cost.

Each case edits a copy of the mini fixture and runs `bilat validate` (and, where
the build could disagree, a query command, which builds the database).
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

import bilat.validate as validate_module
from bilat.load import Document
from bilat.model import Dataset, declared_empty
from bilat.problems import Problem
from bilat.validate import EMPTY_DATASET, Checker, check_dataset
from conftest import cli


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not found"
    path.write_text(text.replace(old, new, 1))


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _refused(mini: Path, needle: str, message: str) -> str:
    """Validate: exit 3, one problem on the line holding `needle` that says `message`; the build refuses too."""
    result = cli("validate", str(mini))
    assert result.exit_code == 3, result.stdout + result.stderr
    line = _line_of(mini, needle)
    assert re.search(rf"agreements\.yaml:{line}:\d+: \S+: .*{re.escape(message)}", result.stdout), result.stdout
    built = cli("list", "--format", "json")
    assert built.exit_code == 3, built.stdout + built.stderr  # not 0 (silently accepted), not 70 (a crash)
    return result.stdout


FIGURE = "      - value: 150000"


# 1. Numbers are decimal, as a person reads them.


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("017", "YAML 1.1 reads 017 as octal 15: write the number in decimal digits"),
        ("0x10", "YAML 1.1 reads 0x10 as hexadecimal 16"),
        ("2:30", "YAML 1.1 reads 2:30 as base 60, 150"),
        ("0b101", "YAML 1.1 reads 0b101 as binary 5"),
        ("150_000", "YAML 1.1 reads 150_000 as 150000 but other YAML readers as text"),
    ],
)
def test_a_yaml11_number_is_refused_with_a_hint(mini: Path, written: str, message: str) -> None:
    _edit(mini, FIGURE, f"      - value: {written}")
    out = _refused(mini, f"value: {written}", message)
    assert len(out.splitlines()) == 1  # the hint alone, not a second "valid integer" problem


def test_a_yaml11_number_in_a_text_field_says_quote_it(mini: Path) -> None:
    _edit(mini, "    title: Readmission Agreement", "    title: 017")
    _refused(mini, "title: 017", "or quote it if it is text")


@pytest.mark.parametrize("written", ["150000", "+150000", "0"])
def test_decimal_numbers_stay_valid(mini: Path, written: str) -> None:
    _edit(mini, FIGURE, f"      - value: {written}")
    assert cli("validate", str(mini)).exit_code == 0


# 2. Figures fit SQLite and are not negative.


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("100000000000000000000000", "less than or equal to 9223372036854775807"),
        ("9223372036854775808", "less than or equal to 9223372036854775807"),
        ("-150000", "greater than or equal to 0"),
    ],
)
def test_a_figure_out_of_range_is_refused(mini: Path, written: str, message: str) -> None:
    _edit(mini, FIGURE, f"      - value: {written}")
    _refused(mini, f"value: {written}", message)


def test_the_largest_figure_is_built(mini: Path) -> None:
    _edit(mini, FIGURE, "      - value: 9223372036854775807")
    assert cli("validate", str(mini)).exit_code == 0
    assert cli("list", "--format", "json").exit_code == 0


# 3. Text is not blank; a quote says something.


@pytest.mark.parametrize("blank", ['" "', '"\\t\\n"', "'   '"])
def test_blank_text_is_refused(mini: Path, blank: str) -> None:
    _edit(mini, "    title: Readmission Agreement", f"    title: {blank}")
    _refused(mini, f"title: {blank}", "blank text")


@pytest.mark.parametrize(
    ("quote", "message"),
    [('" "', "blank text"), ('"\\t\\n"', "blank text"), ('"Nic"', "proves nothing"), ('"- ,."', "proves nothing")],
)
def test_a_quote_without_content_is_not_evidence(mini: Path, quote: str, message: str) -> None:
    _edit(mini, 'quote: "Nicole De Moor"', f"quote: {quote}")
    _refused(mini, f"quote: {quote}", message)


def test_a_short_real_quote_is_evidence(mini: Path) -> None:
    _edit(mini, 'quote: "Nicole De Moor"', 'quote: "Nico"')
    assert cli("validate", str(mini)).exit_code == 0


# 4. Control characters: refused in values, keys and source texts, and never echoed raw.

_RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    ("escape", "shown"),
    [("\\e", "\\x1b"), ("\\x7f", "\\x7f"), ("\\x85", "\\x85"), ("\\u202e", "\\u202e"), ("\\u2066", "\\u2066")],
)
def test_a_control_character_in_a_value_is_refused(mini: Path, escape: str, shown: str) -> None:
    _edit(mini, "    title: Readmission Agreement", f'    title: "Re{escape}admission"')
    out = _refused(mini, 'title: "Re', f"control character {shown} at position 3: not allowed in the data")
    assert not _RAW.search(out)


def test_a_control_character_in_a_key_is_refused(mini: Path) -> None:
    _edit(mini, "    title: Readmission Agreement", '    "ti\\etle": Readmission Agreement')
    result = cli("validate", str(mini))
    assert result.exit_code == 3
    line = _line_of(mini, '"ti\\etle"')
    assert f"agreements.yaml:{line}:5: agreements[2]: a mapping key has a control character \\x1b" in result.stdout
    assert not _RAW.search(result.stdout + result.stderr)


def test_a_raw_escape_byte_in_the_file_is_located(mini: Path) -> None:
    _edit(mini, "    title: Readmission Agreement", "    title: Readmission\x1b Agreement")
    result = cli("validate", str(mini))
    assert result.exit_code == 3
    line = _line_of(mini, "title: Readmission\x1b")
    assert f"agreements.yaml:{line}:23: control character \\x1b: not allowed" in result.stdout
    assert not _RAW.search(result.stdout + result.stderr)


def test_a_control_character_in_a_source_text_is_refused(mini: Path) -> None:
    beta = mini.parent / "sources" / "beta.txt"
    beta.write_text(beta.read_text() + "\nsee \x1b]0;pwned\x07 here\n")
    result = cli("validate", str(mini))
    assert result.exit_code == 3
    line = _line_of(mini, "file: beta.txt")
    assert re.search(
        rf":{line}:11: sources\[1\]\.file: source text sources/beta\.txt, line \d+, column 5: "
        r"control character \\x1b",
        result.stdout,
    ), result.stdout
    assert not _RAW.search(result.stdout + result.stderr)


def test_tabs_and_newlines_are_text(mini: Path) -> None:
    _edit(mini, "    title: Readmission Agreement", '    title: "Readmission\\tAgreement\\r\\n(signed)"')
    assert cli("validate", str(mini)).exit_code == 0


# 5. Nesting that overflowed Python's recursion is a located problem.


@pytest.mark.parametrize("depth", [489, 600, 997])
def test_deep_nesting_is_a_located_problem(mini: Path, depth: int) -> None:
    _edit(mini, "    sectors: [migration]", "    sectors: " + "[" * depth + "migration" + "]" * depth)
    _refused(mini, "    sectors: [[", "unknown value a list: not one of the 26 allowed sectors")


# 6. The cost of a "problem bomb" is bounded.


def test_a_huge_list_inside_a_record_is_one_problem(mini: Path) -> None:
    _edit(mini, "    sectors: [migration]", "    sectors: [" + ", ".join(["x"] * 5000) + "]")
    out = _refused(mini, "    sectors: [x", "a list of 5,000 items: at most 1,000 here")
    assert len(out.splitlines()) == 1


def test_problems_are_capped_and_counted(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate_module, "MAX_PROBLEMS", 10)
    _edit(mini, "follow_ups:\n", "follow_ups:\n" + "  - x\n" * 95)
    problems = check_dataset(mini)
    assert len(problems) == 10
    assert problems.omitted == 85
    assert problems == sorted(problems) and problems[0].path == "follow_ups[0]"
    assert problems.summary() == "… and 85 more problems (only the first 10 are listed)"


def test_the_checker_keeps_the_first_problems_by_place(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(validate_module, "MAX_PROBLEMS", 3)
    checker = Checker(tmp_path)
    checker.report(Problem("f", line, 1, "", "x") for line in range(100, 0, -1))
    assert [p.line for p in checker.finish()] == [1, 2, 3]
    assert len(checker.problems) <= 3 and checker.omitted == 97


def test_a_thousand_bad_records_are_listed_and_more_are_counted(mini: Path) -> None:
    _edit(mini, "follow_ups:\n", "follow_ups:\n" + "  - x\n" * 1500)
    problems = check_dataset(mini)
    assert len(problems) == 1000 and problems.omitted == 500


# 7. Hints name what the field expects; undecodable bytes are located.


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (".inf", "expected a whole number, but YAML 1.1 reads unquoted .inf as a floating-point number"),
        ("yes", "expected a whole number, but YAML 1.1 reads unquoted yes as a boolean"),
    ],
)
def test_a_number_field_hint_asks_for_a_number(mini: Path, written: str, message: str) -> None:
    _edit(mini, FIGURE, f"      - value: {written}")
    out = _refused(mini, f"value: {written}", message)
    assert "expected text" not in out


def test_a_list_field_without_a_value_asks_for_a_list(mini: Path) -> None:
    _edit(mini, "    institutions: [interior-ministries]", "    institutions:")
    out = _refused(mini, "    institutions:", "expected a list, but an empty value is null in YAML")
    assert "expected text" not in out


def test_an_invalid_utf8_byte_is_located_at_its_line_and_column(mini: Path) -> None:
    raw = mini.read_bytes().replace(b"title: Readmission Agreement", b"title: Readmission \xff Agreement")
    mini.write_bytes(raw)
    result = cli("validate", str(mini))
    assert result.exit_code == 3
    line = raw[: raw.index(b"\xff")].count(b"\n") + 1
    assert f"agreements.yaml:{line}:24: not UTF-8 text: byte 0xff" in result.stdout
    assert "position" not in result.stdout


# 8. A dataset with no records is refused unless it says it is empty on purpose.


@pytest.mark.parametrize(
    "text",
    ["", "# nothing here\n", "~\n", "---\n---\n", "sources: []\nagreements: []\n", "sources:\n  []\n---\n"],
)
def test_a_dataset_with_no_records_is_a_problem(mini: Path, text: str) -> None:
    assert cli("list", "--format", "json").exit_code == 0  # a good database first
    mini.write_text(text)
    result = cli("validate", str(mini))
    assert result.exit_code == 3
    assert result.stdout.startswith(f"{mini}:1:1: the dataset has no records: an empty or truncated file?")
    listed = cli("list", "--format", "json")  # the good database is kept, not replaced by an empty one
    assert json.loads(listed.stdout) != [] and "the dataset has no records" in listed.stderr
    db = mini.parent.parent / "bilat.sqlite"  # BILAT_DB of the `isolated` fixture
    assert sqlite3.connect(db).execute("select count(*) from agreements").fetchone()[0] == 3


@pytest.mark.parametrize("text", ["empty: true\n", "empty: true\nsources: []\n", "---\nempty: true\n---\n"])
def test_a_dataset_empty_on_purpose_is_valid(mini: Path, text: str) -> None:
    mini.write_text(text)
    assert check_dataset(mini) == []
    assert cli("list", "--format", "json").stdout.strip() == "[]"


def test_empty_true_with_records_is_a_contradiction(mini: Path) -> None:
    _edit(mini, "sources:\n", "empty: true\nsources:\n")
    result = cli("validate", str(mini))
    assert result.exit_code == 3
    line = _line_of(mini, "empty: true")
    assert (
        f"agreements.yaml:{line}:8: empty: empty: true, but this document has 12 records: remove one or the other"
        in result.stdout
    )


def test_declared_empty_tells_the_build() -> None:
    assert declared_empty(Dataset.model_validate({"empty": True}))
    assert not declared_empty(Dataset.model_validate({}))


def test_the_empty_problem_is_not_added_to_other_problems(tmp_path: Path) -> None:
    checker = Checker(tmp_path / "agreements.yaml")
    checker.add(Document("agreements.yaml", None, problems=[Problem("agreements.yaml", 3, 1, "", "YAML syntax: x")]))
    assert [p.message for p in checker.finish()] == ["YAML syntax: x"]
    assert EMPTY_DATASET.startswith("the dataset has no records")
