"""`bilat diff` below the CLI: shortening (bilat.diff_text), one record (bilat.record_diff), a whole dataset
(bilat.dataset_diff), and its Markdown (bilat.diff_render); hypothesis properties on free text and datasets."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilat import dataset_diff
from bilat.dataset_diff import Record, Side, diff_datasets, renames
from bilat.diff_render import change_line, markdown, md_escape
from bilat.diff_text import LIMIT, one_line, shorten, shorten_pair
from bilat.record_diff import FieldChange, evidence_changes, quote_likeness, record_changes

EXAMPLES = int(os.environ.get("BILAT_HYPOTHESIS_EXAMPLES", "150"))
PROPERTY = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))


def quote(source: str, text: str) -> dict[str, str]:
    return {"source": source, "quote": text}


def step(status: str, event: str | None = "ev", date: str | None = None, *quotes: dict[str, str]) -> dict[str, Any]:
    return {
        "status": status,
        "date": date,
        "event": event,
        "note": None,
        "evidence": list(quotes) or [quote("s", "q1")],
    }


def agreement(rid: str = "a", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": rid,
        "title": "Readmission Agreement between the interior ministries",
        "kind": "agreement",
        "quantity": None,
        "parties": ["PK", "BY"],
        "institutions": [],
        "sectors": ["migration"],
        "summary": "Signed between the interior ministries.",
        "figures": [],
        "status_history": [step("agreed")],
        "evidence": [quote("s", "Readmission Agreement between the interior ministries")],
    }
    return {**base, **fields}


# ---------------------------------------------------------------- shortening


def test_a_short_text_is_kept_and_a_long_one_cut_to_the_limit() -> None:
    assert shorten("a  short\ntitle") == "a short title"
    long = "word " * 60
    cut = shorten(long)
    assert len(cut) == LIMIT and cut.endswith("…") and long.startswith(cut[:-1])


def test_a_long_pair_shows_the_passage_where_it_differs() -> None:
    head, tail = "The two countries agreed " * 5, " and more words follow here." * 5
    old, new = shorten_pair(head + "on 12 April" + tail, head + "on 14 April" + tail)
    assert "12 April" in old and "14 April" in new
    assert old.startswith("…") and old.endswith("…") and len(old) <= LIMIT + 2


def test_a_change_in_whitespace_alone_is_spelled_out() -> None:
    assert shorten_pair("a b", "a\nb") == ("a b", "a\\nb")


@PROPERTY
@given(st.text(max_size=300), st.text(max_size=300), st.integers(min_value=4, max_value=120))
def test_two_different_texts_never_look_the_same(old: str, new: str, limit: int) -> None:
    a, b = shorten_pair(old, new, limit)
    assert (a == b) == (old == new)
    for shown, text in ((a, old), (b, new)):
        assert "\n" not in shown
        whole = (one_line(text), json.dumps(text, ensure_ascii=False)[1:-1])  # in full when windows would not do
        assert len(shown) <= limit + 2 or shown in whole  # else a window and its two ellipses


@PROPERTY
@given(st.text(alphabet="ab \n", max_size=200), st.text(alphabet="ab \n", max_size=200))
def test_texts_that_differ_only_in_spacing_still_differ(old: str, new: str) -> None:
    a, b = shorten_pair(old, new, 20)
    assert (a == b) == (old == new)


# ---------------------------------------------------------------- one record


def test_plain_values_changed_added_and_removed() -> None:
    old = agreement(quantity="several", title="Old title")
    new = agreement(quantity=None, title="New title", summary="Another summary.")
    changes = record_changes("agreements", old, new)
    assert [(c.field, c.change, c.old, c.new) for c in changes] == [
        ("title", "changed", "Old title", "New title"),
        ("quantity", "removed", "several", None),
        ("summary", "changed", "Signed between the interior ministries.", "Another summary."),
    ]
    assert record_changes("agreements", old, old) == []


def test_a_list_of_values_says_what_came_and_went_or_that_only_the_order_changed() -> None:
    changes = record_changes("agreements", agreement(parties=["PK", "BE"]), agreement(parties=["PK", "BY"]))
    assert [(c.change, c.old, c.new) for c in changes] == [("removed", "BE", None), ("added", None, "BY")]
    reordered = record_changes("agreements", agreement(parties=["PK", "BY"]), agreement(parties=["BY", "PK"]))
    assert [(c.field, c.change) for c in reordered] == [("parties", "reordered")]


def test_quotes_are_kept_changed_removed_and_added() -> None:
    old = [quote("s", "signed a Readmission Agreement"), quote("s", "kept as it is"), quote("t", "dropped entirely")]
    new = [quote("s", "kept as it is"), quote("s", "signed a Readmission Agreement today"), quote("u", "brand new")]
    changes = evidence_changes(old, new, "evidence")
    assert [(c.change, c.old, c.new) for c in changes] == [
        ("changed", old[0], new[1]),
        ("removed", old[2], None),
        ("added", None, new[2]),
    ]


def test_an_unrelated_quote_of_the_same_source_is_not_a_change_of_the_old_one() -> None:
    changes = evidence_changes([quote("s", "aaaa bbbb cccc")], [quote("s", "xyzw vuts rqpo")], "evidence")
    assert [c.change for c in changes] == ["removed", "added"]
    assert quote_likeness("abcd", "xx abcd yy") == 1.0
    assert quote_likeness("abcdef", "uvwxyz") == quote_likeness("uvwxyz", "abcdef") < 0.5


def test_status_steps_added_changed_and_the_current_status() -> None:
    old = agreement(status_history=[step("agreed")])
    new = agreement(status_history=[step("agreed", date="2025-04"), step("signed", event="later")])
    changes = record_changes("agreements", old, new)
    assert changes[0] == FieldChange("status", "changed", "agreed", "signed")
    assert (changes[1].item, changes[1].part, changes[1].change, changes[1].new) == (
        "agreed 2025-04 at ev",
        "date",
        "added",
        "2025-04",
    )
    assert (changes[2].item, changes[2].change, changes[2].part) == ("signed at later", "added", None)
    assert change_line(changes[2]) == "status steps: added signed at later (1 quote)"


def test_a_step_whose_status_alone_was_corrected_is_one_change() -> None:
    changes = record_changes(
        "agreements", agreement(status_history=[step("agreed")]), agreement(status_history=[step("signed")])
    )
    assert [(c.field, c.part, c.old, c.new) for c in changes] == [
        ("status", None, "agreed", "signed"),
        ("status_history", "status", "agreed", "signed"),
    ]


def test_a_quote_of_a_step_and_an_outcome_are_parts() -> None:
    old = {"id": "f", "outcome": {"note": "Not yet.", "evidence": [quote("s", "nothing yet")]}}
    new = {"id": "f", "outcome": {"note": "Done.", "evidence": [quote("s", "nothing yet"), quote("t", "done now")]}}
    changes = record_changes("follow_ups", old, new)
    assert [(c.field, c.part, c.change) for c in changes] == [
        ("outcome", "note", "changed"),
        ("outcome", "evidence", "added"),
    ]
    assert change_line(changes[0]) == "outcome: note: “Not yet.” -> “Done.”"
    added = record_changes("follow_ups", {"id": "f", "outcome": None}, new)
    assert change_line(added[0]) == "outcome: added “Done.” (2 quotes)"


def test_readings_figures_roles_and_participants_are_known_by_their_label() -> None:
    old = {"id": "d", "readings": [{"value": "De Moor", "source": "s", "quote": "Nicole De Moor"}]}
    new = {"id": "d", "readings": [{"value": "de Moor", "source": "s", "quote": "Nicole de Moor"}]}
    changes = record_changes("discrepancies", old, new)
    assert {(c.item, c.part) for c in changes} == {("de Moor [s]", "value"), ("de Moor [s]", "quote")}
    figures = record_changes(
        "agreements",
        agreement(figures=[{"value": 150, "unit": "workers", "evidence": [quote("s", "150 workers")]}]),
        agreement(figures=[{"value": 160, "unit": "workers", "evidence": [quote("s", "150 workers")]}]),
    )
    assert [(c.item, c.part, c.old, c.new) for c in figures] == [("160 workers", "value", 150, 160)]


# ---------------------------------------------------------------- a dataset


def side(label: str, *records: dict[str, Any], section: str = "agreements", **extra: Any) -> Side:
    return Side(label, {section: {r["id"]: Record(r, f"{label}.yaml:{i + 1}") for i, r in enumerate(records)}}, **extra)


def test_records_added_removed_and_changed() -> None:
    found = diff_datasets(
        side("old", agreement("kept"), agreement("gone", title="Something else entirely, not like the others")),
        side("new", agreement("kept", summary="Now different."), agreement("came", title="A new one, unlike any")),
    )
    section = found.sections[dataset_diff.SECTIONS.index("agreements")]
    assert [e.id for e in section.added] == ["came"] and [e.id for e in section.removed] == ["gone"]
    assert [(e.id, e.at, [c.field for c in e.changes]) for e in section.changed] == [
        ("kept", "new.yaml:1", ["summary"])
    ]
    assert found.count() == 3 and not section.renamed


def test_a_record_under_a_new_id_is_renamed_with_what_else_changed() -> None:
    same = diff_datasets(side("old", agreement("old-id")), side("new", agreement("new-id")))
    assert [(e.old_id, e.id, e.changes) for e in same.sections[4].renamed] == [("old-id", "new-id", ())]
    nearly = diff_datasets(
        side("old", agreement("x")), side("new", agreement("y", summary="Signed between the ministries."))
    )
    entry = nearly.sections[4].renamed[0]
    assert (entry.old_id, entry.id, [c.field for c in entry.changes]) == ("x", "y", ["summary"])
    assert "- Renamed `x` -> `y`: Readmission Agreement between the interior ministries" in markdown(nearly)


def test_a_different_record_is_not_a_rename() -> None:
    other = agreement("b", title="Roadmap", summary="Quite another thing.", evidence=[quote("t", "the roadmap")])
    found = diff_datasets(side("old", agreement("a")), side("new", other))
    assert not found.sections[4].renamed
    assert [e.id for e in found.sections[4].removed] == ["a"] and [e.id for e in found.sections[4].added] == ["b"]


def test_past_max_pairs_only_exact_renames_are_looked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    gone = [Record(agreement(f"old-{i}", summary=f"Summary number {i}.")) for i in range(3)]
    came = [Record(agreement(f"new-{i}", summary=f"Summary number {i}!")) for i in range(3)]
    assert len(renames(gone, came)) == 3
    monkeypatch.setattr(dataset_diff, "MAX_PAIRS", 8)
    assert renames(gone, came) == []
    assert renames(gone, [Record({**gone[0].data, "id": "exact"})]) == [("old-0", "exact")]


def test_a_source_text_changed_and_a_record_moved_to_another_file() -> None:
    source = {"id": "s", "outlet": None, "published": "2025", "kind": "news-report", "file": "s.txt"}
    old = Side("old", {"sources": {"s": Record(source, "a.yaml:1", "a.yaml")}}, {"s": "He said yes."}, folder=True)
    new = Side("new", {"sources": {"s": Record(source, "b.yaml:1", "b.yaml")}}, {"s": "He said no."}, folder=True)
    changes = diff_datasets(old, new).sections[0].changed[0].changes
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("text", "He said yes.", "He said no."),
        ("file", "a.yaml", "b.yaml"),
    ]


def test_the_json_has_every_section_and_list_always() -> None:
    found = diff_datasets(side("old", agreement("a")), side("new", agreement("a")))
    data = found.to_json()
    assert list(data) == ["old", "new", "counts", "sections"]
    assert data["counts"] == {"added": 0, "removed": 0, "renamed": 0, "changed": 0}
    assert list(data["sections"]) == list(dataset_diff.SECTIONS)
    for lists in data["sections"].values():
        assert lists == {"added": [], "removed": [], "renamed": [], "changed": []}
    assert markdown(found) == "No changes.\n"


def test_the_sections_are_the_models() -> None:
    from bilat.model import SECTIONS

    assert dataset_diff.SECTIONS == SECTIONS


def test_markdown_escapes_the_data() -> None:
    assert md_escape("*bold* `code` <b> [x](http://e) _u_ snake_case") == (
        "\\*bold\\* \\`code\\` \\<b> [x\\](http://e) \\_u\\_ snake_case"
    )
    found = diff_datasets(side("old", agreement("a")), side("new", agreement("a", title="New\x1b]0;owned\x07 title")))
    text = markdown(found)
    assert "\x1b" not in text and "\\x1b" in text


# ---------------------------------------------------------------- properties

IDS = st.sampled_from(["a", "b", "c", "d", "e"])
WORDS = st.text(alphabet="ab c", min_size=1, max_size=12)
STEPS = st.lists(
    st.builds(
        lambda status, event, text: step(status, event, None, quote("s", text)),
        st.sampled_from(["agreed", "signed"]),
        st.sampled_from(["e1", "e2", None]),
        WORDS,
    ),
    min_size=1,
    max_size=3,
)
AGREEMENTS = st.builds(
    lambda rid, title, parties, steps: agreement(rid, title=title, parties=parties, status_history=steps),
    IDS,
    WORDS,
    st.lists(st.sampled_from(["PK", "BY", "BE"]), min_size=1, max_size=3),
    STEPS,
)
SIDES = st.lists(AGREEMENTS, max_size=5).map(lambda records: side("x", *{r["id"]: r for r in records}.values()))


@PROPERTY
@given(SIDES)
def test_a_dataset_against_itself_has_no_changes(one: Side) -> None:
    assert diff_datasets(one, one).count() == 0


@PROPERTY
@given(SIDES, SIDES)
def test_the_diff_backwards_is_the_diff_forwards_turned_round(a: Side, b: Side) -> None:
    forwards, backwards = diff_datasets(a, b).sections[4], diff_datasets(b, a).sections[4]
    assert {e.id for e in forwards.added} == {e.id for e in backwards.removed}
    assert {e.id for e in forwards.removed} == {e.id for e in backwards.added}
    assert {(e.old_id, e.id) for e in forwards.renamed} == {(e.id, e.old_id) for e in backwards.renamed}
    assert {e.id for e in forwards.changed} == {e.id for e in backwards.changed}
    for entry in (*forwards.changed, *forwards.renamed):
        for change in entry.changes:
            assert change_line(change)  # every change can be said


def test_a_source_texts_passages_are_shown_as_they_are() -> None:
    change = FieldChange("text", "changed", "…the customs arrangement.", "…the customs arrangement. extra")
    assert change_line(change) == "text: “…the customs arrangement.” -> “…the customs arrangement. extra”"
