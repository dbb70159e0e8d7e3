"""A quote not found in its source says where the source has nearly that text and what differs first, in words
(bilat.quote_diff): curly and straight quotes, dashes, a full stop, a reworded word; with the line of the source,
on the one line `FILE:LINE:COLUMN: path: message` of the quote."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bilat.model import normalise
from bilat.quote_diff import FAR, line_breaks, nearest_difference
from conftest import cli

REPORT = (
    "date 2024-11-26\n"
    "President Lukashenko held delegation level talks with Prime Minister Muhammad Shehbaz Sharif, at the Prime "
    "Minister’s House today.\n"
    "The two sides signed a “Roadmap for Comprehensive Cooperation” for 2025–2027 — a first.\n"
    "\n"
    "Both leaders agreed to further enhance military relations, especially in defense production.\n"
)
DATA = """sources:
  - id: report
    outlet: null
    published: "2024-11-26"
    kind: news-report
    file: report.txt
  - id: other
    outlet: null
    published: "2024-11-27"
    kind: news-report
    file: other.txt
events:
  - id: talks
    title: Talks
    kind: meeting
    date: "2024-11-26"
    date_precision: day
    date_derivation: '"today" in a report of 26 November 2024'
    countries: ["PK", "BY"]
    summary: The talks.
    evidence:
      - source: report
        quote: {quote}
"""


def _validate(tmp_path: Path, quote: str, report: str = REPORT) -> str:
    (tmp_path / "sources").mkdir(exist_ok=True)
    (tmp_path / "sources" / "report.txt").write_text(report, encoding="utf-8")
    (tmp_path / "sources" / "other.txt").write_text(
        "Other report: the talks were held at the Prime Minister’s House.\n"
    )
    data = tmp_path / "agreements.yaml"
    data.write_text(DATA.format(quote=quote), encoding="utf-8")
    result = cli("validate", str(data))
    assert result.exit_code == 3
    prefix = f"{data}:23:16: events[0].evidence[0].quote: quote not found in source 'report': "
    assert result.stdout.startswith(prefix) and result.stdout.count("\n") == 1, result.stdout
    return result.stdout[len(prefix) : -1]


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        (
            '"at the Prime Minister\'s House today"',
            "\"at the Prime Minister's House today\"; the source has '’' (a curly apostrophe or closing single "
            'quotation mark, U+2019) where the quote has "\'" (a straight apostrophe, U+0027) at character 22 of '
            "the quote; the source, line 2: “…Sharif, at the Prime Minister’s House today. The two sides…”",
        ),
        (
            '"further enhance military relations."',
            "'further enhance military relations.'; the source has ',' (a comma, U+002C) where the quote has '.' "
            "(a full stop, U+002E) at character 35 of the quote; the source, line 5: “…enhance military relations, "
            "especially in defense…”",
        ),
        (
            '"talks with Prime Minister Muhammad Shehbaz Sharif at the"',
            "'talks with Prime Minister Muhammad Shehbaz Sharif at the'; the source has ',' (a comma, U+002C), "
            "which the quote leaves out, at character 50 of the quote; the source, line 2: “…Minister Muhammad "
            "Shehbaz Sharif, at the Prime Minister’s House…”",
        ),
        (
            '"Cooperation” for 2025-2027"',
            "'Cooperation” for 2025-2027'; the source has '–' (an en dash, U+2013) where the quote has '-' "
            "(a hyphen, U+002D) at character 22 of the quote; the source, line 3: “…Cooperation” for 2025–2027 — "
            "a first. Both leaders…”",
        ),
        (
            '"for 2025–2027 - a first"',
            "'for 2025–2027 - a first'; the source has '—' (an em dash, U+2014) where the quote has '-' "
            "(a hyphen, U+002D) at character 15 of the quote; the source, line 3: “…Cooperation” for 2025–2027 — "
            "a first. Both leaders agreed to…”",
        ),
        (
            '"agreed to further improve military relations, especially in defence production"',
            "'agreed to further improve military relations, especially in defence production'; the source has "
            "'enhance' where the quote has 'improve' at character 19 of the quote (and 1 more difference); the "
            "source, line 5: “…Both leaders agreed to further enhance military relations, especially…”",
        ),
        (
            '"“delegation level talks”"',
            "'“delegation level talks”'; the source has these words without the quotation marks “…”: drop them",
        ),
        (
            '"the talks were held at the Prime Minister’s House"',
            "'the talks were held at the Prime Minister’s House'; it is in source 'other': is that the source meant?",
        ),
        ('"nothing like this at all here"', "'nothing like this at all here'" + FAR),
    ],
)
def test_a_quote_not_found_says_what_differs_from_the_nearest_passage(tmp_path: Path, quote: str, message: str) -> None:
    assert _validate(tmp_path, quote) == message


def test_a_quote_with_a_word_too_many_at_its_end(tmp_path: Path) -> None:
    message = _validate(tmp_path, '"Prime Minister Muhammad Shehbaz Sharifs"')
    assert "the source has 'Sharif' where the quote has 'Sharifs' at character 33 of the quote" in message


def test_control_characters_of_a_quote_are_shown_not_sent(tmp_path: Path) -> None:
    """A source with a control character is refused whole (bilat.source_files); a quote with one is refused by the
    schema and still compared with its source: its message shows the character, as every message does."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "report.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "sources" / "other.txt").write_text("Other report.\n")
    data = tmp_path / "agreements.yaml"
    data.write_text(DATA.format(quote='"at the Prime\\e]0;owned\\a Minister’s House"'), encoding="utf-8")
    out = cli("validate", str(data)).stdout
    assert "\x1b" not in out and "\x07" not in out
    assert "the quote has '\\x1b]0;owned\\x07 ' (an unnamed character" not in out
    assert f"{data}:23:16: events[0].evidence[0].quote: quote not found in source 'report': 'at the Prime\\x1b" in out


def test_line_breaks_map_the_normalised_text_back_to_the_file() -> None:
    raw = "  one two\r\n\n three\nfour  \n"
    text = normalise(raw)
    breaks = line_breaks(raw)
    assert [text[b:].split()[0] for b in breaks[1:3]] == ["three", "four"]
    assert breaks == [8, 8, 14, 19]  # line 2 is empty: it begins where line 3 does


def test_a_100_kb_source_is_searched_in_milliseconds() -> None:
    words = REPORT.split()
    raw = "\n".join(" ".join(words[(i * 7 + k) % len(words)] for k in range(15)) for i in range(1_500))
    text = normalise(raw)
    assert len(text) > 100_000
    quote = text[60_000:60_200]
    quote = quote[:100] + "X" + quote[101:]
    started = time.perf_counter()
    for _ in range(10):
        found = nearest_difference(quote, text, line_breaks(raw))
    assert time.perf_counter() - started < 2.0
    assert "where the quote has" in found and "at character" in found
