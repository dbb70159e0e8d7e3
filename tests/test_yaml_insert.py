"""bilat.yaml_insert: a record appended to its section, every other byte of the file as it was.

The property test writes small YAML files the way people do (comments at every level, blank lines or
none between records, plain, quoted and block scalars, keep-chomped ones whose trailing blank lines are
their value, CRLF, no final newline, several documents, sections missing) and checks that the new file
is the old one with one piece of text inserted, and reads as the old data plus the record.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat.yaml_insert import InsertError, append_record
from conftest import REAL_DATA

BLOCK = '- id: new-record\n  title: "A title: with a colon"  # a comment\n  # optional: a commented field\n'
RECORD = {"id": "new-record", "title": "A title: with a colon"}
SECTIONS = ("sources", "people", "events", "agreements")


def _without_insertion(old: str, new: str, at: int, added: str) -> None:
    """`new` is `old` with `added` inserted at `at` (a last line without a line break may have gained one)."""
    assert new[at : at + len(added)] == added
    rest = new[:at] + new[at + len(added) :]
    assert rest in (old, old + "\n", old + "\r\n"), "bytes outside the inserted block changed"


def _load_all(text: str) -> list[Any]:
    return list(yaml.safe_load_all(text))


# ---------------------------------------------------------------- the real data file


@pytest.mark.parametrize("section", ["sources", "people", "organisations", "events", "agreements", "follow_ups"])
def test_each_section_of_the_real_file_takes_a_record_and_keeps_every_other_line(section: str) -> None:
    old = (REAL_DATA / "agreements.yaml").read_text(encoding="utf-8")
    result = append_record(old, section, BLOCK)
    _without_insertion(old, result.text, result.at, result.added)
    old_lines, new_lines = old.splitlines(), result.text.splitlines()
    inserted = result.added.count("\n")
    first = result.text.count("\n", 0, result.at)  # the index of the first inserted line
    assert new_lines[:first] + new_lines[first + inserted :] == old_lines
    assert new_lines[result.line - 1] == "  - id: new-record"  # indented as the section's items are
    before, after = _load_all(old)[0], _load_all(result.text)[0]
    assert after[section] == [*before[section], RECORD]
    assert {k: v for k, v in after.items() if k != section} == {k: v for k, v in before.items() if k != section}
    # Records there are spaced by a blank line: so is this one, and the next section's comment stays above it.
    assert result.added.startswith("\n  - id: new-record\n")
    next_line = new_lines[first + inserted] if first + inserted < len(new_lines) else ""
    assert not next_line.startswith("  "), "inserted inside the next section"


def test_a_missing_section_is_added_at_the_end_of_the_document() -> None:
    old = "# My data\nsources:\n  - id: a\n    file: a.txt\n"
    result = append_record(old, "agreements", BLOCK)
    assert result.text == old + "\nagreements:\n  - id: new-record\n" + BLOCK.split("\n", 1)[1].replace(
        "\n  ", "\n    "
    ).replace("  title", "    title", 1)
    assert _load_all(result.text)[0]["agreements"] == [RECORD]


def test_an_empty_file_gets_the_section() -> None:
    result = append_record("", "people", BLOCK)
    assert _load_all(result.text) == [{"people": [RECORD]}] and result.line == 2


def test_a_bare_section_key_gets_its_first_item() -> None:
    old = "people:\n# nothing yet\nevents:\n  - id: e\n"
    result = append_record(old, "people", BLOCK)
    _without_insertion(old, result.text, result.at, result.added)
    assert _load_all(result.text)[0] == {"people": [RECORD], "events": [{"id": "e"}]}


def test_the_records_own_indentation_is_followed() -> None:
    old = "people:\n- id: a\n- id: b\nevents: []\n"
    result = append_record(old, "people", BLOCK)
    assert result.text.startswith("people:\n- id: a\n- id: b\n- id: new-record\n  title:")


def test_crlf_files_stay_crlf_and_a_file_without_a_final_newline_gets_one() -> None:
    old = "people:\r\n  - id: a\r\n"
    result = append_record(old, "people", BLOCK)
    assert "\n" not in result.text.replace("\r\n", "")
    bare = append_record("people:\n  - id: a", "people", BLOCK)
    assert bare.text.startswith("people:\n  - id: a\n  - id: new-record\n")


def test_a_block_scalar_on_a_last_line_without_a_line_break_is_not_changed() -> None:
    with pytest.raises(InsertError, match="last line has no line break"):
        append_record("people:\n  - id: a\n    notes: |\n      last", "people", BLOCK)


def test_a_keep_chomped_scalar_keeps_its_trailing_blank_lines() -> None:
    old = "people:\n  - id: a\n    notes: |+\n      kept\n\n\n# Events\nevents: []\n"
    result = append_record(old, "people", BLOCK)
    assert _load_all(result.text)[0]["people"][0]["notes"] == "kept\n\n\n"
    _without_insertion(old, result.text, result.at, result.added)


def test_the_first_document_with_the_section_takes_the_record() -> None:
    old = "sources:\n  - id: s\n---\npeople:\n  - id: p\n...\n"
    result = append_record(old, "people", BLOCK)
    assert _load_all(result.text) == [{"sources": [{"id": "s"}]}, {"people": [{"id": "p"}, RECORD]}]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("people: []\n", "flow style"),
        ("people: [{id: a}]\n", "flow style"),
        ("people: ~\n", "null"),
        ("people: {a: 1}\n", "not a list"),
        ("people:\n  - id: a\n  bad: [\n", "not valid YAML (line"),
        ("- a\n- b\n", "not a block mapping"),
        ("---\n---\n", "only empty documents"),
    ],
)
def test_what_cannot_take_a_record_is_refused_with_what_to_do(text: str, says: str) -> None:
    with pytest.raises(InsertError, match=says.replace("(", r"\(").replace("[", r"\[")):
        append_record(text, "people", BLOCK)


# ---------------------------------------------------------------- the property


_WORD = st.text(alphabet="abcdefghij klm:#-'\"é", min_size=1, max_size=12).filter(lambda s: s.strip())


@st.composite
def scalar_lines(draw: st.DrawFn, key: str, indent: int) -> list[str]:
    """`key: value` in one of the ways people write values, as lines (block scalars span several)."""
    pad = " " * indent
    words = draw(_WORD)
    style = draw(st.sampled_from(["plain", "single", "double", "literal", "folded", "keep", "number"]))
    if style == "plain":
        return [f"{pad}{key}: word{abs(hash(words)) % 100}"]
    if style == "single":
        return [pad + f"{key}: '" + words.replace("'", "''") + "'"]
    if style == "double":
        return [pad + f'{key}: "' + words.replace("\\", "\\\\").replace('"', '\\"') + '"']
    if style == "number":
        return [f"{pad}{key}: {draw(st.integers(0, 10**6))}"]
    header = {"literal": "|", "folded": ">-", "keep": "|+"}[style]
    body = [f"{pad}  {draw(_WORD).strip() or 'x'}" for _ in range(draw(st.integers(1, 3)))]
    trailing = [""] * draw(st.integers(0, 2)) if style == "keep" else []
    return [f"{pad}{key}: {header}", *body, *trailing]


@st.composite
def comments(draw: st.DrawFn, indents: list[int]) -> list[str]:
    return [" " * draw(st.sampled_from(indents)) + "# " + draw(_WORD) for _ in range(draw(st.integers(0, 2)))]


@st.composite
def section_lines(draw: st.DrawFn, name: str) -> list[str]:
    dash = draw(st.sampled_from([0, 2, 4]))
    spaced = draw(st.booleans())
    lines = [*draw(comments([0])), f"{name}:"]
    for i in range(draw(st.integers(1, 3))):
        if spaced and i:
            lines.append("")
        lines += draw(comments([dash, dash + 2]))
        lines.append(" " * dash + f"- id: {name}-{i}")
        for field in draw(st.lists(st.sampled_from(["title", "notes", "n"]), unique=True, max_size=3)):
            lines += draw(scalar_lines(field, dash + 2))
            lines += draw(comments([dash + 2]))
    return lines + [""] * draw(st.integers(0, 2))


@st.composite
def data_files(draw: st.DrawFn) -> str:
    documents = []
    count = draw(st.integers(1, 2))
    for _ in range(count):  # with two documents, each has a section (only empty ones are refused: tested above)
        names = draw(st.lists(st.sampled_from(SECTIONS), unique=True, min_size=count - 1, max_size=3))
        lines = [*draw(comments([0]))]
        for name in names:
            lines += draw(section_lines(name))
        lines += draw(comments([0]))
        documents.append(lines)
    lines = [line for i, doc in enumerate(documents) for line in ([] if i == 0 else ["---"]) + doc]
    text = "".join(line + "\n" for line in lines)
    if draw(st.booleans()):
        text = text.rstrip("\n")
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text


@settings(max_examples=int(os.environ.get("BILAT_HYPOTHESIS_EXAMPLES", "150")), deadline=None, derandomize=True)
@given(text=data_files(), section=st.sampled_from(SECTIONS))
def test_inserting_a_record_leaves_every_other_byte_unchanged(text: str, section: str) -> None:
    before = _load_all(text)
    try:
        result = append_record(text, section, BLOCK)
    except InsertError as exc:  # only a last value a line break would change: the file must end in one first
        assert not text.endswith("\n") and "last line has no line break" in str(exc)
        text = text + ("\r\n" if "\r\n" in text else "\n")
        assert _load_all(text) != before  # it did change: a block scalar at the end of the file
        before = _load_all(text)
        result = append_record(text, section, BLOCK)
    _without_insertion(text, result.text, result.at, result.added)
    after = _load_all(result.text)
    assert len(after) == max(len(before), 1)
    doc = next((i for i, d in enumerate(before) if isinstance(d, dict) and section in d), 0)
    expected = dict(before[doc] or {}) if before else {}
    expected[section] = [*(expected.get(section) or []), RECORD]
    assert after[doc] == expected
    assert [d for i, d in enumerate(after) if i != doc] == [d for i, d in enumerate(before) if i != doc]
    assert result.text.splitlines()[result.line - 1].lstrip(" ") == "- id: new-record"


def test_the_real_file_written_to_disk_keeps_every_line(tmp_path: Path) -> None:
    """The same through the file system, as `bilat new --write` will do it: bytes in, bytes out."""
    path = tmp_path / "agreements.yaml"
    path.write_bytes((REAL_DATA / "agreements.yaml").read_bytes())
    old = path.read_bytes().decode("utf-8")
    result = append_record(old, "events", BLOCK)
    path.write_bytes(result.text.encode("utf-8"))
    _without_insertion(old, path.read_bytes().decode("utf-8"), result.at, result.added)
