"""`bilat coverage` and what it counts (bilat.coverage): each sentence of a source cited, marked not recorded or
uncited; `not_recorded` in the data, checked like any quote; the note `bilat validate` prints; and the shipped
dataset's coverage, which must stay whole (every sentence cited or marked, with a reason)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bilat.coverage import CITED, MARKED, UNCITED, Totals, cover, normalised_positions, quotes_by_source, totals
from bilat.model import Dataset, normalise
from bilat.validate import check_dataset
from conftest import REAL_DATA, cli, shell
from contract_data import on_terminal

# A report with a date line, a headline, four sentences, an "Also Read" link and a post's credit.
REPORT = (
    "date 2025-04-12 Pakistan and Belarus sign a Readmission Agreement\n"
    "\n"
    "ISLAMABAD: Pakistan and Belarus signed a Readmission Agreement. Mr. Khan welcomed\n"
    "the agreement. The weather was fine.\n"
    "\n"
    "Also Read: Pakistan and Belarus sign a Readmission Agreement\n"
    "\n"
    "Analysts expect more visits. Great day 🇵🇰 pic.twitter.com/abc — Spokesperson (@pk) April 12, 2025\n"
)
OTHER = "The talks went on. Nothing was signed.\n"
DATA = """sources:
  - id: report
    outlet: null
    published: "2025-04-12"
    kind: news-report
    file: report.txt
    not_recorded:
      - quote: "The weather was fine."
        reason: colour, not an agreement or engagement
  - id: other
    outlet: null
    published: "2025-04-13"
    kind: news-report
    file: other.txt
events:
  - id: talks
    title: Talks reported on 2025-04-12
    kind: meeting
    date: "2025-04-12"
    date_precision: reported
    countries: ["PK", "BY"]
    summary: The talks.
    evidence:
      - source: report
        quote: "Pakistan and Belarus signed a Readmission Agreement"
      - source: report
        quote: "Mr. Khan welcomed the agreement"
      - source: other
        quote: "The talks went on."
"""


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "small"
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "report.txt").write_text(REPORT, encoding="utf-8")
    (folder / "sources" / "other.txt").write_text(OTHER, encoding="utf-8")
    data = folder / "agreements.yaml"
    data.write_text(DATA, encoding="utf-8")
    monkeypatch.setenv("BILAT_DATA", str(data))
    return data


def states(raw: str, quotes: list[str], marks: list[str] = []) -> list[tuple[str, str]]:  # noqa: B006
    return [(s.state, s.text) for s in cover(raw, quotes, marks)]


# ---------------------------------------------------------------- what counts as cited


def test_a_quote_inside_a_sentence_cites_that_sentence_only() -> None:
    raw = "One is here. Two is there. Three."
    assert states(raw, ["is there"]) == [(UNCITED, "One is here."), (CITED, "Two is there."), (UNCITED, "Three.")]


def test_a_quote_across_two_sentences_cites_both() -> None:
    raw = "One is here. Two is there. Three."
    assert [s for s, _ in states(raw, ["here. Two"])] == [CITED, CITED, UNCITED]


def test_a_quote_that_reaches_a_sentence_by_its_full_stop_only_does_not_cite_it() -> None:
    raw = "One is here. Two is there."
    assert [s for s, _ in states(raw, ["is here."])] == [CITED, UNCITED]
    assert [s for s, _ in states(raw, [". Two"])] == [UNCITED, CITED]  # the stop and the space belong to One


def test_a_quote_counts_at_every_place_it_occurs() -> None:
    raw = "The sides agreed. Rain fell. The sides agreed again."
    assert [s for s, _ in states(raw, ["sides agreed"])] == [CITED, UNCITED, CITED]


def test_quotes_are_compared_on_the_normalised_text() -> None:
    raw = "They met. One is\n  here.\n\nTwo is there."
    assert [s for s, _ in states(raw, ["One is here"])] == [UNCITED, CITED, UNCITED]
    assert states("A long\nsentence here.", ["long sentence"]) == [(CITED, "A long sentence here.")]


def test_a_mark_counts_when_no_quote_cites_and_a_citation_wins() -> None:
    raw = "Pakistan signed. The outlet says it is great. Both agreed."
    found = states(raw, ["Pakistan signed", "Both agreed"], ["it is great", "Both agreed."])
    assert [s for s, _ in found] == [CITED, MARKED, CITED]


def test_headlines_links_and_credits_are_not_counted() -> None:
    found = cover(REPORT, [], [])
    assert [s.text for s in found] == [
        "ISLAMABAD: Pakistan and Belarus signed a Readmission Agreement.",
        "Mr. Khan welcomed the agreement.",
        "The weather was fine.",
        "Analysts expect more visits.",
        "Great day",
    ]


def test_each_sentence_says_where_it_begins_in_the_file() -> None:
    found = cover(REPORT, [], [])
    assert [(s.line, s.column) for s in found] == [(3, 1), (3, 65), (4, 16), (8, 1), (8, 30)]
    lines = REPORT.splitlines()
    for s in found:
        assert lines[s.line - 1][s.column - 1 :].startswith(s.text.split()[0])


def test_totals_in_words_round_down_and_name_the_uncited() -> None:
    assert Totals(150, 142, 8).words() == "142 of 150 sentences cited, 8 marked not recorded (100%)"
    assert Totals(150, 141, 8).words() == "141 of 150 sentences cited, 8 marked not recorded, 1 uncited (99%)"
    assert Totals(1, 0, 0).words() == "0 of 1 sentence cited, 0 marked not recorded, 1 uncited (0%)"
    assert Totals(0, 0, 0).percent() == "100%" and Totals(0, 0, 0).ratio == 1.0


_EXTRA = int(os.environ.get("BILAT_HYPOTHESIS_EXAMPLES", "0") or 0)


@settings(max_examples=_EXTRA or 300, deadline=None, derandomize=not _EXTRA, database=None)
@given(st.text(alphabet=st.sampled_from("ab .\n\t\xa0\u2029"), max_size=40), st.data())
@example("  a  b  ", None)
def test_positions_map_any_slice_to_its_normalised_text(raw: str, data: st.DataObject | None) -> None:
    cuts = [0, len(raw)] if data is None else sorted(data.draw(st.lists(st.integers(0, len(raw)), max_size=6)))
    positions = normalised_positions(raw, cuts)
    text = normalise(raw)
    assert len(positions) == len(cuts) and all(0 <= p <= len(text) for p in positions)
    for i, a in enumerate(cuts):
        for j in range(i, len(cuts)):
            assert text[positions[i] : positions[j]].strip() == normalise(raw[a : cuts[j]])


def _naive_states(raw: str, quotes: list[str], marks: list[str]) -> list[str]:
    """The rule read literally, character by character: the reference `cover` must agree with."""
    from bilat.sentences import split

    where: list[int] = []  # for each character of raw, its index in the normalised text (-1: a space or dropped)
    text = ""
    for ch in raw:
        if ch.isspace():
            if text and not text.endswith(" "):
                text += " "
            where.append(-1)
        else:
            where.append(len(text))
            text += ch
    text = text.rstrip(" ")  # normalise drops a trailing run
    covered = {name: set() for name in ("cited", "marked")}
    for name, found in (("cited", quotes), ("marked", marks)):
        for quote in {normalise(q) for q in found if normalise(q)}:
            covered[name] |= {
                i for at in range(len(text)) if text.startswith(quote, at) for i in range(at, at + len(quote))
            }
    out = []
    for segment in split(raw):
        if segment.states():
            mine = {where[i] for i in range(segment.start, segment.end) if where[i] >= 0 and raw[i].isalnum()}
            out.append(CITED if mine & covered["cited"] else MARKED if mine & covered["marked"] else UNCITED)
    return out


_SOURCE_PIECES = st.sampled_from(["One", "two", " ", "  ", "\n", "\n\n", ". ", "! ", "Mr. ", "x", "Also Read: ", "9"])


@settings(max_examples=_EXTRA or 200, deadline=None, derandomize=not _EXTRA, database=None)
@given(st.lists(_SOURCE_PIECES, max_size=30).map("".join), st.data())
def test_cover_agrees_with_the_rule_read_literally(raw: str, data: st.DataObject) -> None:
    text = normalise(raw)
    pieces = st.tuples(st.integers(0, len(text)), st.integers(0, 12)).map(lambda p: text[p[0] : p[0] + p[1]])
    quotes = data.draw(st.lists(pieces, max_size=4))
    marks = data.draw(st.lists(pieces, max_size=3))
    assert [s.state for s in cover(raw, quotes, marks)] == _naive_states(raw, quotes, marks)


def test_every_quote_of_the_dataset_is_collected_with_its_source() -> None:
    """Against an independent walk of the raw YAML: evidence at every depth and the readings of discrepancies."""
    raw = yaml.safe_load((REAL_DATA / "agreements.yaml").read_text(encoding="utf-8"))
    expected: set[tuple[str, str]] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("source"), str) and isinstance(node.get("quote"), str):
                expected.add((node["source"], node["quote"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(raw)
    found = set(quotes_by_source(Dataset.model_validate(raw)))
    assert found == expected and len(found) > 100


# ---------------------------------------------------------------- the command


def test_piped_lines_count_each_source_then_list_the_uncited(small: Path) -> None:
    result = cli("coverage")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "report\t5\t2\t1\t2\t60%",
        "other\t2\t1\t0\t1\t50%",
        "(total)\t7\t3\t1\t3\t57%",
        "report\t8:1\tAnalysts expect more visits.",
        "report\t8:30\tGreat day",
        "other\t1:20\tNothing was signed.",
    ]


def test_one_source(small: Path) -> None:
    result = cli("coverage", "other")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["other\t2\t1\t0\t1\t50%", "other\t1:20\tNothing was signed."]


def test_json_has_every_count_and_each_uncited_sentence(small: Path) -> None:
    result = cli("coverage", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    report, other = data["sources"]
    assert (report["source"], report["file"], report["sentences"], report["cited"]) == ("report", "report.txt", 5, 2)
    assert (report["marked"], report["uncited"], report["coverage"]) == (1, 2, 0.6)
    assert report["uncited_sentences"] == [
        {"line": 8, "column": 1, "text": "Analysts expect more visits."},
        {"line": 8, "column": 30, "text": "Great day"},
    ]
    assert other["uncited_sentences"] == [{"line": 1, "column": 20, "text": "Nothing was signed."}]
    assert data["total"] == {"sentences": 7, "cited": 3, "marked": 1, "uncited": 3, "coverage": round(4 / 7, 4)}


def test_markdown_has_both_tables(small: Path) -> None:
    out = cli("coverage", "--format", "md").stdout
    assert out.startswith("# Coverage\n\n| source | sentences | cited | marked | uncited | coverage |\n")
    assert "| (total) | 7 | 3 | 1 | 3 | 57% |" in out
    assert "\n## Uncited sentences\n\n| source | line | uncited sentence |\n" in out
    assert "| other | 1:20 | Nothing was signed. |" in out


def test_all_covered_lists_no_sentence(small: Path) -> None:
    text = small.read_text(encoding="utf-8").replace(
        '        quote: "The talks went on."',
        '        quote: "The talks went on. Nothing was signed."\n'
        '      - source: report\n        quote: "Analysts expect more visits. Great day"',
    )
    small.write_text(text, encoding="utf-8")
    result = cli("coverage", "-f", "md")
    assert (
        result.exit_code == 0
        and "Uncited" not in result.stdout
        and "| (total) | 7 | 6 | 1 | 0 | 100% |" in result.stdout
    )


def test_a_table_on_a_terminal(small: Path) -> None:
    code, out, err = on_terminal(["coverage"], {"NO_COLOR": "1", "TERM": "xterm"}, columns=100)
    assert code == 0, err
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert "Coverage: 3 of 7 sentences cited, 1 marked not recorded, 3 uncited (57%)" in plain
    assert re.search(r"report\s+5\s+2\s+1\s+2\s+60%", plain)
    assert "3 uncited sentences" in plain and "Nothing was signed." in plain
    assert "─" in plain  # drawn by Rich


def test_the_installed_script_piped(small: Path) -> None:
    proc = shell("bilat coverage --format json | cat")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total"]["uncited"] == 3
    proc = shell("bilat coverage report | cut -f1,2")
    assert proc.returncode == 0 and proc.stdout.splitlines() == ["report\t5", "report\t8:1", "report\t8:30"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("reprot", "error: unknown source 'reprot' (did you mean 'report'?)\n"),
        ("zzz", "error: unknown source 'zzz' (the sources: report, other)\n"),
    ],
)
def test_an_unknown_source_is_a_usage_error(small: Path, source: str, message: str) -> None:
    result = cli("coverage", source)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    proc = shell(f"bilat coverage {source}")
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", message)


def test_a_bad_format_is_a_usage_error(small: Path) -> None:
    result = cli("coverage", "--format", "csv")
    assert result.exit_code == 2 and "unknown format 'csv'" in result.stderr


def test_an_invalid_dataset_exits_3(small: Path) -> None:
    small.write_text(small.read_text(encoding="utf-8").replace("kind: meeting", "kind: picnic"), encoding="utf-8")
    result = cli("coverage")
    assert result.exit_code == 3 and result.stdout == ""
    assert re.match(rf"error: {re.escape(str(small))}:\d+:\d+: events\[0\]\.kind: ", result.stderr)


# ---------------------------------------------------------------- not_recorded in the data, and validate's note


def test_validate_notes_the_coverage_and_still_exits_0(small: Path) -> None:
    result = cli("validate")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "note: coverage: 3 of 7 sentences cited, 1 marked not recorded, 3 uncited (57%): bilat coverage lists them",
        f"{small}: valid",
    ]
    assert cli("-q", "validate").stderr == ""


def test_a_mark_whose_quote_is_not_in_its_source_is_located(small: Path) -> None:
    small.write_text(small.read_text(encoding="utf-8").replace("The weather was fine.", "The weather was fne."))
    result = cli("validate")
    assert result.exit_code == 3
    assert result.stdout.startswith(
        f"{small}:8:16: sources[0].not_recorded[0].quote: quote not found in source 'report': 'The weather was fne.'"
    )


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (None, "{data}:8:9: sources[0].not_recorded[0].reason: required field is missing"),
        ('"  "', "{data}:9:17: sources[0].not_recorded[0].reason: blank text"),
    ],
)
def test_a_mark_needs_a_reason(small: Path, reason: str | None, message: str) -> None:
    line = "        reason: colour, not an agreement or engagement\n"
    small.write_text(small.read_text(encoding="utf-8").replace(line, f"        reason: {reason}\n" if reason else ""))
    result = cli("validate")
    assert result.exit_code == 3
    assert result.stdout.startswith(message.format(data=small)), result.stdout


# ---------------------------------------------------------------- the shipped dataset


def test_every_sentence_of_the_shipped_reports_is_cited_or_marked_with_a_reason() -> None:
    problems = check_dataset(REAL_DATA / "agreements.yaml")
    assert not problems and not problems.warnings
    assert problems.coverage is not None and len(problems.coverage) == 5
    uncited = [(c.source, s.line, s.text) for c in problems.coverage for s in c.uncited()]
    assert uncited == [], "cite these sentences or mark them not_recorded with a reason (bilat coverage)"
    counted = totals(problems.coverage)
    assert counted.sentences > 80 and counted.cited > counted.marked > 0


@pytest.mark.parametrize("fmt", ["json", "md", None])
def test_both_doors_write_the_shipped_coverage_alike(real: Path, fmt: str | None) -> None:
    """The Typer app in-process and the installed script (the fast path), piped: the same bytes, exit 0."""
    args = ["coverage"] + (["--format", fmt] if fmt else [])
    inside = cli(*args)
    proc = shell("bilat " + " ".join(args) + " | cat")
    assert inside.exit_code == proc.returncode == 0, proc.stderr
    assert inside.stdout == proc.stdout and proc.stderr == ""
    if fmt == "json":
        assert json.loads(proc.stdout)["total"]["uncited"] == 0


def test_a_closed_pipe_ends_quietly(real: Path) -> None:
    proc = shell("bilat coverage | head -n 1")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.startswith("tdi-2023-06-13\t")


def test_a_source_with_a_control_character_is_refused_not_shown(small: Path) -> None:
    source = small.parent / "sources" / "other.txt"
    source.write_text("The talks went on.\x1b]0;owned\x07 Nothing was signed.\n", encoding="utf-8")
    result = cli("coverage")
    assert result.exit_code == 3 and result.stdout == ""
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "sources[1].file" in result.stderr
