"""bilat.sentences: a source text cut into sentences, and the lines that state nothing, by the README's rules.

Small texts for each rule, the real reports' hard cases (a truncated "H.E.", a sentence the copy broke across
two paragraphs, a tweet's credit, a headline without a full stop), and a property: whatever the text, the
segments partition it (joined back they give the text), none is empty, and the splitter never crashes.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bilat.sentences import BLANK, CREDIT, HEADER, HEADLINE, KINDS, LINK, SENTENCE, split
from conftest import REAL_DATA


def pieces(text: str) -> list[tuple[str, str]]:
    """(kind, text without its surrounding whitespace) of each segment."""
    return [(s.kind, text[s.start : s.end].strip()) for s in split(text)]


def sentences(text: str) -> list[str]:
    return [t for kind, t in pieces(text) if kind == SENTENCE]


def test_sentences_end_at_a_full_stop_question_or_exclamation_mark() -> None:
    assert sentences("One is here. Two? Three! Four.") == ["One is here.", "Two?", "Three!", "Four."]


def test_a_closing_quote_or_bracket_stays_with_its_sentence() -> None:
    text = "He said “we agree.” The talks ended. (It rained.) Then “Why?” she asked."
    assert sentences(text) == ["He said “we agree.”", "The talks ended.", "(It rained.)", "Then “Why?” she asked."]


def test_a_small_letter_after_the_stop_continues_the_sentence() -> None:
    assert sentences("Talks at 10 a.m. today went well. Next.") == ["Talks at 10 a.m. today went well.", "Next."]


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Aleksandr Lukashenko met Dr. Khan.",
        "H.E. Mr. Aleksandr Lukashenko arrived.",
        ".E. Mr. Aleksandr Lukashenko arrived.",  # the real report lost the H of H.E.
        "Aleksandr G. Lukashenko arrived.",
        "The U.S. Secretary arrived.",
        "On Feb. 10 the session ended.",
    ],
)
def test_abbreviations_and_initials_do_not_end_a_sentence(text: str) -> None:
    assert sentences(text) == [text]


def test_an_abbreviation_is_a_word_not_the_end_of_one() -> None:
    # "Mr" ends "Summr"? No: only the whole word before the stop is compared.
    assert sentences("It was a hot Summr. The talks ended.") == ["It was a hot Summr.", "The talks ended."]


def test_a_single_line_break_is_a_space_and_a_blank_line_ends_a_paragraph() -> None:
    text = "The talks\nended well.\n\nBoth sides agreed."
    assert sentences(text) == ["The talks\nended well.", "Both sides agreed."]


def test_the_date_line_is_the_header() -> None:
    assert pieces(" date 2025-04-12 Pakistan and Belarus agreed.") == [
        (HEADER, "date 2025-04-12"),
        (SENTENCE, "Pakistan and Belarus agreed."),
    ]
    assert pieces("date 2025-04-12x agreed.")[0][0] == SENTENCE  # not a date line


def test_the_first_paragraph_without_a_full_stop_is_the_headline() -> None:
    text = "date 2025-02-10 Pakistan, Belarus agreed on collaboration\n\nISLAMABAD: Pakistan, Belarus agreed."
    assert pieces(text) == [
        (HEADER, "date 2025-02-10"),
        (HEADLINE, "Pakistan, Belarus agreed on collaboration"),
        (SENTENCE, "ISLAMABAD: Pakistan, Belarus agreed."),
    ]


def test_a_lone_paragraph_without_a_full_stop_is_a_sentence_not_a_headline() -> None:
    assert pieces("Pakistan and Belarus agreed") == [(SENTENCE, "Pakistan and Belarus agreed")]


def test_a_first_paragraph_that_ends_a_sentence_is_not_a_headline() -> None:
    assert pieces("They met.\n\nThey agreed.") == [(SENTENCE, "They met."), (SENTENCE, "They agreed.")]


@pytest.mark.parametrize(
    "line", ["Also Read:\xa0Parliamentary Cooperation between Pakistan-Belgium", "ALSO READ Pakistan", "Read more: x"]
)
def test_an_also_read_line_is_a_link(line: str) -> None:
    assert pieces(f"They met.\n\n{line}\n\nThey agreed.") == [
        (SENTENCE, "They met."),
        (LINK, line),
        (SENTENCE, "They agreed."),
    ]


def test_a_sentence_that_begins_with_read_is_a_sentence() -> None:
    assert pieces("They met.\n\nRead more of the report. They agreed.")[1] == (SENTENCE, "Read more of the report.")


def test_a_tweet_credit_is_not_a_sentence() -> None:
    text = (
        "MOS @HinaRKhar met Senator @allessiaclaes. Emphasized cooperation. 🇵🇰🤝🇧🇪 pic.twitter.com/K2bLUzyQsf — "
        "Spokesperson 🇵🇰 MoFA (@ForeignOfficePk) June 12, 2023\n\nKhar invited them."
    )
    assert pieces(text) == [
        (SENTENCE, "MOS @HinaRKhar met Senator @allessiaclaes."),
        (SENTENCE, "Emphasized cooperation."),
        (CREDIT, "🇵🇰🤝🇧🇪 pic.twitter.com/K2bLUzyQsf — Spokesperson 🇵🇰 MoFA (@ForeignOfficePk) June 12, 2023"),
        (SENTENCE, "Khar invited them."),
    ]


def test_a_paragraph_broken_mid_sentence_runs_on_into_the_next() -> None:
    text = "They met.\n\nBoth sides focused on the partnership between Heavy\n\nIndustries Taxila (HIT) and MTW. Done."
    assert sentences(text) == [
        "They met.",
        "Both sides focused on the partnership between Heavy\n\nIndustries Taxila (HIT) and MTW.",
        "Done.",
    ]


def test_a_broken_paragraph_does_not_run_into_a_link() -> None:
    assert [k for k, _ in pieces("They met.\n\nBoth sides agreed\n\nAlso Read: X\n\nDone.")] == [
        SENTENCE,
        SENTENCE,
        LINK,
        SENTENCE,
    ]


@pytest.mark.parametrize("text", ["   \n\n  ", "... !!! ???", "— — —"])
def test_text_without_a_letter_or_digit_states_nothing(text: str) -> None:
    assert all(s.kind in (BLANK, HEADER) for s in split(text))


def test_empty_text_has_no_segment() -> None:
    assert split("") == []


def test_the_real_reports_split_as_a_reader_reads_them() -> None:
    """The hard cases of the shipped reports, each checked where it is."""
    text = (REAL_DATA / "sources" / "004_61ef2a6b099915ef.txt").read_text(encoding="utf-8")
    first = sentences(text)[0]
    assert first.startswith(".E. Mr. Aleksandr Lukashenko, President") and first.endswith(
        "at the Prime Minister’s House today."
    )
    urdupoint = (REAL_DATA / "sources" / "003_b09fe44ee6783136.txt").read_text(encoding="utf-8")
    kinds = pieces(urdupoint)
    assert kinds[:2] == [(HEADER, "date 2025-02-10"), (HEADLINE, kinds[1][1])] and kinds[1][1].endswith("meeting")
    joined = [t for k, t in kinds if "Heavy" in t]
    assert len(joined) == 1 and "Industries Taxila (HIT)" in joined[0] and joined[0].endswith("industrial equipment.")
    tdi = pieces((REAL_DATA / "sources" / "000_08f90ab55339d316.txt").read_text(encoding="utf-8"))
    assert [t for k, t in tdi if k == LINK] == ["Also Read:\xa0Parliamentary Cooperation between Pakistan-Belgium"]
    tweets = pieces((REAL_DATA / "sources" / "001_cf49baaa536129cf.txt").read_text(encoding="utf-8"))
    assert [k for k, t in tweets].count(CREDIT) == 2
    assert all(t.endswith((".", "”", "?", "!")) for k, t in tweets if k == SENTENCE)


# ---------------------------------------------------------------- properties

_EXTRA = int(os.environ.get("BILAT_HYPOTHESIS_EXAMPLES", "0") or 0)
_BUDGET = settings(max_examples=_EXTRA or 300, deadline=None, derandomize=not _EXTRA, database=None)
_PIECES = st.sampled_from(
    [
        " ",
        "\n",
        "\n\n",
        "\r\n",
        ". ",
        "? ",
        "!",
        "”",
        ")",
        "Mr. ",
        "U.S. ",
        "a",
        "B",
        "date 2025-04-12 ",
        "Also Read: ",
        "pic.twitter.com/x ",
        "🇵🇰",
        "\xa0",
        "\t",
        "— ",
        "e.g. ",
        "1",
        "\u2029",
        "\x0b",
    ]
)
_TEXTS = st.one_of(st.text(), st.lists(_PIECES, max_size=40).map("".join))


def _check_partition(text: str) -> None:
    segments = split(text)
    assert "".join(text[s.start : s.end] for s in segments) == text
    assert all(s.end > s.start for s in segments)
    assert all(a.end == b.start for a, b in itertools.pairwise(segments))
    assert all(s.kind in KINDS for s in segments)
    for s in segments:  # a sentence says something: it has a letter or digit
        assert s.kind != SENTENCE or any(c.isalnum() for c in text[s.start : s.end])


@_BUDGET
@given(_TEXTS)
@example("date 2025-04-12")
@example(" date 2025-04-12 \n\n")
@example("x\n\n\n\ny")
@example("Also Read:\n\nb")
@example("pic.twitter.com/\n\nx.")
@example("a\n\nb\n\nc")
def test_the_segments_partition_any_text(text: str) -> None:
    _check_partition(text)


@pytest.mark.parametrize("path", sorted((REAL_DATA / "sources").glob("*.txt")), ids=lambda p: p.name)
def test_the_segments_partition_the_real_reports(path: Path) -> None:
    _check_partition(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "text",
    [
        "a\n\n" * 50_000,  # paragraphs that each run on into the next
        "Mr. " * 50_000,  # abbreviations that never end a sentence
        "!" * 200_000 + " A.",  # a run of stops
        "a" + " )" * 100_000 + "\n\nb",  # closers and spaces at a paragraph's end
        "One. " * 40_000,
        "Agreed:\n" + "- 1. item\n" * 40_000,
    ],
    ids=["run-on", "abbreviations", "stops", "closers", "sentences", "list"],
)
def test_long_pathological_texts_are_split_whole(text: str) -> None:
    """Each of these took minutes while a step rescanned what came before (now well under a second each: a
    return of that would show as a suite that stalls; speed itself is measured in bench/, not here)."""
    _check_partition(text)


def test_each_item_of_a_list_is_a_sentence() -> None:
    text = "The sides agreed on:\n- trade\n• energy and\n  mining\n1. tourism\n2) sports\n\nThe talks ended."
    assert sentences(text) == [
        "The sides agreed on:",
        "- trade",
        "• energy and\n  mining",
        "1. tourism",
        "2) sports",
        "The talks ended.",  # the list's last item does not run on into the next paragraph
    ]


def test_a_numbered_list_in_a_paragraph_of_its_own() -> None:
    assert sentences("They met.\n\n1. The first point. Agreed.\n2. The second.") == [
        "They met.",
        "1. The first point.",
        "Agreed.",
        "2. The second.",
    ]


def test_a_number_ending_a_sentence_still_ends_it() -> None:
    assert sentences("The session was the 8th of 2025. It ended.") == ["The session was the 8th of 2025.", "It ended."]
