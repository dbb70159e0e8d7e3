"""`bilat quote` below the CLI: exact occurrences under validate's rule, near misses, sentences, the sources read.

The claims: an exact finding is exactly what `bilat validate` accepts (`normalise(quote) in normalise(text)`) at
the line the file has on disk; a near miss gives the source's own characters (pasted, they validate) and names
every difference as validate does (curly and straight quotes with their code points, dashes, a word whole).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat.highlight import END, START
from bilat.model import normalise
from bilat.problems import InvalidDataError, UsageError
from bilat.quote_diff import line_breaks
from bilat.quote_finder import find, occurrences, sentence_around
from bilat.quote_near import differences, fitted, fold, near_misses, windows
from bilat.quote_sources import SourceFileError, SourceText, chosen, declared, load
from conftest import REAL_DATA

_EXTRA = int(os.environ.get("BILAT_HYPOTHESIS_EXAMPLES", "0") or 0)  # hunt harder, as in tests/test_properties.py
REPEATABLE = settings(max_examples=_EXTRA or 200, deadline=None, derandomize=not _EXTRA, database=None)


def source(raw: str, source_id: str = "s") -> SourceText:
    return SourceText(source_id, f"{source_id}.txt", normalise(raw), line_breaks(raw))


def validates(quote: str, src: SourceText) -> bool:
    """The rule of bilat.validate, written out here: the quote, normalised, is in the source's normalised text."""
    return normalise(quote) in src.text


def real_sources() -> list[SourceText]:
    data = REAL_DATA / "agreements.yaml"
    return [load(data, source_id, name) for source_id, name in declared(data).items()]


# ---------------------------------------------------------------- the acceptance criterion: straight for curly


def test_straight_quotes_typed_for_curly_ones_are_a_near_miss_that_names_the_characters() -> None:
    src = source("Intro line.\n\nPrime Minister Sharif expressed gratitude for Belarus’s offer, calling it a “gift”.\n")
    typed = 'Belarus\'s offer, calling it a "gift"'
    assert not validates(typed, src)
    findings = find(typed, [src])
    assert (findings.exact, findings.exact_total) == ([], 0)
    [near] = findings.near
    assert near.paste == "Belarus’s offer, calling it a “gift”" and validates(near.paste, src)
    assert near.line == 3 and not near.exact and 80 < near.score < 100
    said = [d.says for d in near.differences]
    assert said == [
        "the source has '’' (a curly apostrophe or closing single quotation mark, U+2019) where the text has "
        '"\'" (a straight apostrophe, U+0027) (character 8)',
        "the source has '“' (a curly opening double quotation mark, U+201C) where the text has '\"' "
        "(a straight double quotation mark, U+0022) (character 31)",
        "the source has '”' (a curly closing double quotation mark, U+201D) where the text has '\"' "
        "(a straight double quotation mark, U+0022) (character 36)",
    ]
    assert [(d.at, d.source, d.typed) for d in near.differences] == [(8, "’", "'"), (31, "“", '"'), (36, "”", '"')]
    assert near.sentence == (
        f"Prime Minister Sharif expressed gratitude for {START}Belarus’s offer, calling it a “gift”{END}."
    )


def test_the_real_source_with_a_curly_apostrophe() -> None:
    findings = find("Belarus's offer", real_sources())
    assert findings.exact_total == 0
    best = findings.near[0]
    assert (best.source, best.paste) == ("report-2025-04-12", "Belarus’s offer")
    raw = (REAL_DATA / "sources" / "002_61e52291b34f4409.txt").read_text(encoding="utf-8")
    assert "Belarus’s offer" in raw.splitlines()[best.line - 1]
    assert "U+2019" in best.differences[0].says and "U+0027" in best.differences[0].says


@pytest.mark.parametrize(
    ("raw", "typed", "paste", "source_has", "typed_has"),
    [
        ("the Roadmap for 2025–2027 was signed.", "Roadmap for 2025-2027", "Roadmap for 2025–2027", "–", "-"),
        ("a first — and not the last step.", "a first - and not the last", "a first — and not the last", "—", "-"),
        (
            "agreed to further enhance military relations, especially in defense production.",
            "agreed to further improve military relations, especially in defence production",
            "agreed to further enhance military relations, especially in defense production",
            "enhance",
            "improve",
        ),
        (
            "Sharif, at the Prime Minister’s House today.",
            "Sharif at the Prime Minister’s House today",
            "Sharif, at the Prime Minister’s House today",
            ",",
            "",
        ),
    ],
)
def test_dashes_words_and_punctuation_are_named(
    raw: str, typed: str, paste: str, source_has: str, typed_has: str
) -> None:
    src = source(raw)
    [near] = find(typed, [src]).near
    assert near.paste == paste and validates(near.paste, src)
    first = near.differences[0]
    assert (first.source, first.typed) == (source_has, typed_has)
    assert typed[first.at - 1 :].startswith(typed_has) or not typed_has


def test_a_reworded_word_is_named_whole() -> None:
    said = differences("further enhance military relations", "further improve military relations")
    assert [(d.source, d.typed, d.at) for d in said] == [("enhance", "improve", 9)]


@pytest.mark.parametrize(
    "typed", ["skilled  workers", "skilled\u00a0workers", "skilled\nworkers", "  skilled workers "]
)
def test_doubled_and_non_breaking_spaces_are_exact_as_validate_sees_them(typed: str) -> None:
    src = source("first line\nsend 150,000 skilled\n   workers to Belarus.\n")
    assert validates(typed, src)
    findings = find(typed, [src])
    [hit] = findings.exact
    assert (hit.paste, hit.line, hit.score, hit.differences) == ("skilled workers", 2, 100.0, ())
    assert findings.near == []


# ---------------------------------------------------------------- exact occurrences and their lines


def test_every_exact_occurrence_in_source_order_with_its_line() -> None:
    first = source("abc labour mobility\r\n\r\nlabour\tmobility and labour mobility.\n")
    second = source("\n\n  nothing here\nbut labour mobility\n", "t")
    findings = find("labour mobility", [first, second])
    assert [(f.source, f.line) for f in findings.exact] == [("s", 1), ("s", 3), ("s", 3), ("t", 4)]
    assert findings.exact_total == 4 and all(f.exact and f.paste == "labour mobility" for f in findings.exact)


def test_occurrences_overlap_and_an_empty_phrase_has_none() -> None:
    assert occurrences("aa", "aaaa") == [0, 1, 2]
    assert occurrences("", "abc") == []


def test_the_limit_puts_exact_occurrences_first_and_near_misses_in_the_room_left() -> None:
    src = source("labour mobility. labour mobility. labour mobilty. Labour mobility.")
    full = find("labour mobility", [src])
    assert full.exact_total == 2 and full.near_total == 2
    assert [(f.paste, f.score) for f in full.near] == [("labour mobilty", 96.6), ("Labour mobility", 93.3)]
    cut = find("labour mobility", [src], limit=1)
    assert (len(cut.exact), cut.exact_total, cut.near, cut.near_total) == (1, 2, [], None)
    three = find("labour mobility", [src], limit=3)
    assert len(three.exact) == 2 and len(three.near) == 1 and three.near_total == 2
    assert three.near == full.near[:1]


def test_a_near_miss_never_overlaps_an_exact_occurrence_or_another_near_miss() -> None:
    src = source("They signed the roadmap for 2025–2027. Later the roadmap for 2025-2027 was begun.")
    findings = find("roadmap for 2025-2027", [src])
    assert findings.exact_total == 1
    [near] = findings.near
    assert near.paste == "roadmap for 2025–2027"
    spans = [(f.start, f.end) for f in (*findings.exact, *findings.near)]
    assert all(a_end <= b_start or b_end <= a_start for (a_start, a_end), (b_start, b_end) in _pairs(spans))


def _pairs(spans: list[tuple[int, int]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    return [(a, b) for i, a in enumerate(spans) for b in spans[i + 1 :]]


def test_nothing_close_is_nothing() -> None:
    findings = find("zeolite quarry", real_sources())
    assert (findings.exact, findings.near, findings.exact_total, findings.near_total) == ([], [], 0, 0)


# ---------------------------------------------------------------- the sentence around


def test_the_sentence_is_cut_at_full_stops_and_lines_not_at_mr() -> None:
    src = source("Headline without stop\nH.E. Mr. Lukashenko met Mr. Sharif today. They talked. Then left.\nNext.\n")
    at = src.text.index("met Mr")
    assert sentence_around(src, at, at + 3) == f"H.E. Mr. Lukashenko {START}met{END} Mr. Sharif today."
    at = src.text.index("talked")
    assert sentence_around(src, at, at + 6) == f"They {START}talked{END}."
    at = src.text.index("without")
    assert sentence_around(src, at, at + 7) == f"Headline {START}without{END} stop"


def test_a_long_sentence_is_cut_around_the_passage() -> None:
    words = " ".join(f"word{i}" for i in range(200))
    src = source(f"{words} target here {words}.")
    at = src.text.index("target")
    shown = sentence_around(src, at, at + 6)
    assert shown.startswith("…") and shown.endswith("…") and len(shown) < 200
    assert f"{START}target{END} here" in shown
    assert re.fullmatch(r"…(word\d+ )+\x02target\x03 here( word\d+)+…", shown)


# ---------------------------------------------------------------- fitting a passage, long sources


def test_a_phrase_that_left_a_word_out_gets_the_whole_passage() -> None:
    text = normalise("The sides agreed to hold the 9th session of the Joint Commission in Islamabad in 2026.")
    phrase = "agreed to hold the 9th session of the Commission in Islamabad"
    [near] = near_misses(phrase, text)
    assert text[near.start : near.end] == "agreed to hold the 9th session of the Joint Commission in Islamabad"
    assert [(d.source, d.typed) for d in near.differences] == [("Joint ", "")]


def test_fitted_passages_are_whole_words() -> None:
    text = "alpha bravo charlie delta echo"
    assert fitted("ravo charli", text, 7, 18) == (6, 19)


def test_folding_keeps_every_offset() -> None:
    text = "“a” ‘b’ c–d—e−f ‐ ‑"
    assert len(fold(text)) == len(text) and fold(text) == "\"a\" 'b' c-d-e-f - -"


def test_in_a_long_source_a_long_phrase_is_aligned_where_its_pieces_are() -> None:
    filler = " ".join(f"filler{i} text" for i in range(5000))
    target = "the 8th session of the Pakistan–Belarus Joint Ministerial Commission on trade was concluded"
    text = normalise(f"{filler} {target} {filler}")
    typed = target.replace("–", "-").replace("concluded", "completed")
    assert len(text) > 8 * 2000
    starts = windows(fold(typed), fold(text), 2000)
    assert starts and len(starts) <= 64
    [near] = near_misses(typed, text)
    assert text[near.start : near.end] == target
    assert [(d.source, d.typed) for d in near.differences] == [("–", "-"), ("concluded", "completed")]


# ---------------------------------------------------------------- the sources a dataset declares


def test_declared_sources_of_a_folder_dataset_first_id_wins(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("sources:\n  - {id: one, file: one.txt}\n  - {id: two, file: two.txt}\n")
    (tmp_path / "b.yaml").write_text("sources:\n  - {id: one, file: other.txt}\n  - {id: 3, file: x.txt}\n")
    assert declared(tmp_path) == {"one": "one.txt", "two": "two.txt"}


def test_a_dataset_without_sources_or_unreadable_is_invalid(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: [\n")
    with pytest.raises(InvalidDataError) as error:
        declared(bad)
    assert "YAML syntax" in error.value.message and error.value.code == 3
    empty = tmp_path / "empty.yaml"
    empty.write_text("agreements: []\n")
    with pytest.raises(InvalidDataError, match="declares no sources"):
        declared(empty)


def test_an_unknown_source_is_a_usage_error_with_a_suggestion() -> None:
    files = {"report-2025-04-12": "a.txt", "tdi-2023-06-13": "b.txt"}
    assert chosen(files, None) == files
    assert chosen(files, "tdi-2023-06-13") == {"tdi-2023-06-13": "b.txt"}
    with pytest.raises(
        UsageError, match=r"unknown source id 'report-2025-04-21' \(did you mean 'report-2025-04-12'\?\)"
    ):
        chosen(files, "report-2025-04-21")


def test_a_source_is_read_from_the_sources_folder_only(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "secret.txt").write_text("the secret words\n")
    (tmp_path / "sources" / "link.txt").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "sources" / "ok.txt").write_text("line one\n\nthe  words\n")
    data = tmp_path / "agreements.yaml"
    for name in ("../secret.txt", "link.txt", "/etc/hostname"):
        with pytest.raises(SourceFileError):
            load(data, "x", name)
    ok = load(data, "ok", "ok.txt")
    assert (ok.text, ok.line(ok.text.index("words"))) == ("line one the words", 3)


# ---------------------------------------------------------------- properties


@st.composite
def raw_sources(draw: st.DrawFn) -> tuple[str, list[tuple[int, str]]]:
    """A source file as lines of words with any whitespace between them, and (line, word) for each word in order."""
    word = st.text(st.sampled_from("abcxyz’“”–-.,'\"é"), min_size=1, max_size=6)
    gap = st.text(st.sampled_from(" \t\u00a0\u2009"), min_size=1, max_size=3)
    newline = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\n \t\n"])
    lines = draw(st.lists(st.lists(word, max_size=6), min_size=1, max_size=8))
    raw = draw(st.sampled_from(["", " ", "\n", "\t\n "]))
    for number, line in enumerate(lines):
        if number:
            raw += draw(newline)
        raw += draw(st.sampled_from(["", " ", "\t"]))
        for i, w in enumerate(line):
            raw += (draw(gap) if i else "") + w
        raw += draw(st.sampled_from(["", " ", "\t"]))
    raw += draw(st.sampled_from(["", "\n", "  \n\n"]))
    line_of, number = [], 1
    for piece in re.split(r"(\r\n|\r|\n)", raw):
        if piece in ("\r\n", "\r", "\n"):
            number += 1
        else:
            line_of.extend((number, w) for w in piece.split())
    return raw, line_of


@REPEATABLE
@given(raw_sources(), st.data())
def test_any_piece_of_a_normalised_source_is_found_exactly_at_its_line(
    drawn: tuple[str, list[tuple[int, str]]], data: st.DataObject
) -> None:
    raw, words = drawn
    src = source(raw)
    if not words:
        return
    # The normalised text is the words joined by one space: the oracle knows the line of every character.
    line_at: list[int] = []
    for i, (line, word) in enumerate(words):
        line_at.extend([line] * len(word) + ([line] if i < len(words) - 1 else []))
    assert src.text == " ".join(w for _line, w in words)
    start = data.draw(st.integers(0, len(src.text) - 1))
    end = data.draw(st.integers(start + 1, len(src.text)))
    piece = src.text[start:end]
    if not piece.strip():
        return
    typed = piece.replace(" ", data.draw(st.sampled_from([" ", "  ", "\n", "\u00a0"])))
    findings = find(typed, [src])
    phrase = normalise(piece)
    expected = [i for i in range(len(src.text)) if src.text.startswith(phrase, i)]
    assert [f.start for f in findings.exact] == expected and findings.exact_total == len(expected)
    for hit in findings.exact:
        assert hit.paste == phrase and hit.line == line_at[hit.start] and validates(hit.paste, src)
        assert f"{START}{phrase}{END}" in hit.sentence


@REPEATABLE
@given(st.text(max_size=60), st.text(max_size=300))
def test_whatever_is_typed_every_finding_is_source_text_that_validates(typed: str, raw: str) -> None:
    src = source(raw.replace("\x02", "").replace("\x03", ""))
    if not normalise(typed):
        return
    findings = find(typed, [src])
    for hit in (*findings.exact, *findings.near):
        assert hit.paste == src.text[hit.start : hit.end] and hit.paste and validates(hit.paste, src)
        assert 1 <= hit.line <= raw.count("\n") + raw.count("\r") + 1
        assert hit.exact == (hit.paste == normalise(typed)) == (not hit.differences)
        assert all(d.says for d in hit.differences)
    assert findings.exact_total == len(occurrences(normalise(typed), src.text))


def test_a_long_text_is_compared_in_c_and_its_differences_named_alike() -> None:
    """Past 400 x 400 characters difflib takes seconds: rapidfuzz's alignment must give the same differences."""
    src = next(s for s in real_sources() if s.id == "urdupoint-2025-02-10")
    start = src.text.index("The 8th session")
    piece = src.text[start : src.text.index(" ", start + 1300)]
    assert "workers’ rights" in piece and " key areas" in piece and len(piece) > 1200
    typed = piece.replace("workers’ rights", "workers' rights").replace(" key areas", " main areas", 1)
    [near] = find(typed, [src]).near
    assert near.paste == piece and validates(near.paste, src)
    assert [(d.source, d.typed) for d in near.differences] == [("key", "main"), ("’", "'")]
    assert [typed[d.at - 1 :].startswith(d.typed) for d in near.differences] == [True, True]
