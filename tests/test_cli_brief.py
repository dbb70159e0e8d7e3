"""bilat brief TARGET: a briefing note for a date, a month, a country, an agreement or an event.

Golden files
------------
The Markdown, JSON and terminal (Rich) renderings of a few notes on the real
dataset are pinned in tests/golden/brief/ (fixed COLUMNS=100 and NO_COLOR=1, set
by the `isolated` fixture in conftest.py).  After a deliberate change to the
note or to data/agreements.yaml, regenerate them and review the diff:

    BILAT_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_cli_brief.py
    git diff tests/golden/brief/

Beyond the goldens, the tests walk the JSON of every note: each statement (any
object with a `text`) must cite at least one source, and only sources the note
lists; and each line of the Markdown that states something must carry [n].
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import cli, matches_golden, shell


@pytest.fixture
def real(real_readonly: Path) -> Path:
    """This module only reads the real dataset: the session's database serves every test, built once."""
    return real_readonly


GOLDEN = Path(__file__).resolve().parent / "golden" / "brief"
ACCEPTED = "a day (2025-04-12, 12 April 2025, 2025/04/12, 20250412), a month (2025-04, April 2025), a year (2025)"
# The targets the issue names, and a few more shapes (an event id, a month, an undated instrument, the home side).
TARGETS = [
    "2025-04-12",
    "2023-06-12",
    "2025-02-10",
    "2024-11-26",
    "2025-04",
    "belarus",
    "belgium",
    "pk-be-labour-mou",
    "sharif-lukashenko-meeting-reported-2025-04-12",
    "navttc-ripo-mou",
    "pakistan",
    "2024-11-27",
]
SECTIONS = ["title", "summary", "open_items", "follow_ups", "outcomes", "participants", "background", "discrepancies"]


# ---------------------------------------------------------------- helpers


def note_json(*args: str) -> dict[str, Any]:
    result = cli("brief", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    note: dict[str, Any] = json.loads(result.stdout)
    return note


def note_md(*args: str) -> str:
    result = cli("brief", *args, "--format", "md")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def check_golden(name: str, text: str) -> None:
    matches_golden(GOLDEN / name, text)


def statements(value: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object with a `text` (a statement) in a note, with where it is."""
    if isinstance(value, dict):
        if "text" in value:
            yield path, value
        for key, item in value.items():
            if key != "sources" or path:  # the top-level `sources` is the list of sources, not statements
                yield from statements(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from statements(item, f"{path}[{i}]")


def cited_numbers(value: Any, top: bool = True) -> Iterator[int]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "sources" and not top:
                yield from item
            elif key != "sources":
                yield from cited_numbers(item, False)
    elif isinstance(value, list):
        for item in value:
            yield from cited_numbers(item, False)


def keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys(item)


def _one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in stderr
    return lines[0]


# ---------------------------------------------------------------- golden files


@pytest.mark.parametrize("target", ["2025-04-12", "2023-06-12", "2024-11-26", "pk-be-labour-mou", "belgium"])
def test_markdown_matches_its_golden_file(real: Path, target: str) -> None:
    check_golden(f"{target}.md", note_md(target))


@pytest.mark.parametrize("target", ["2025-04-12", "2023-06-12", "pk-be-labour-mou"])
def test_json_matches_its_golden_file(real: Path, target: str) -> None:
    result = cli("brief", target, "--format", "json")
    assert result.exit_code == 0, result.stderr
    check_golden(f"{target}.json", result.stdout)


def test_terminal_rendering_matches_its_golden_file(real: Path) -> None:
    result = cli("brief", "2025-04-12", "--format", "table")
    assert result.exit_code == 0, result.stderr
    assert "\x1b[" not in result.stdout  # NO_COLOR
    check_golden("2025-04-12.rich.txt", result.stdout)


# ---------------------------------------------------------------- every statement cites its sources


@pytest.mark.parametrize("target", TARGETS)
def test_every_statement_in_the_json_cites_a_listed_source(real: Path, target: str) -> None:
    note = note_json(target)
    assert [k for k in note if k in SECTIONS] == SECTIONS
    numbers = [s["n"] for s in note["sources"]]
    assert numbers == list(range(1, len(numbers) + 1))
    found = list(statements(note))
    assert found, target
    for where, statement in found:
        assert statement["sources"], f"{target}: {where} cites no source: {statement['text']!r}"
        assert set(statement["sources"]) <= set(numbers), f"{target}: {where} cites a source not listed"
        assert statement["sources"] == sorted(set(statement["sources"]))
    for d in note["discrepancies"]:
        for reading in d["readings"]:
            assert reading["sources"] and set(reading["sources"]) <= set(numbers)
    # Every source listed is cited somewhere, and numbered in the order the note first cites them.
    order = list(dict.fromkeys(cited_numbers(note)))
    assert order == numbers
    for s in note["sources"]:
        assert s["published"] and s["reference"].endswith(".txt")
        assert "outlet" in s and "dateline" in s


@pytest.mark.parametrize("target", TARGETS)
def test_every_markdown_line_that_states_something_cites_a_source(real: Path, target: str) -> None:
    md = note_md(target)
    assert "\x1b" not in md
    body, _, listing = md.partition("\n## Sources\n")
    assert listing.strip().startswith("1. ")
    for line in body.splitlines():
        if not line.strip() or line.startswith("## ") or line.startswith("### "):
            continue
        assert re.search(r"\[\d+\]", line), f"{target}: no source on: {line!r}"
    # No hard wraps: every line is a heading, a list item or a whole one-paragraph statement ending in [n].
    for line in body.splitlines():
        if line and not line.startswith(("#", "- ", "  - ")):
            assert re.search(r"\[\d+\]$", line), f"{target}: a wrapped or stray line: {line!r}"


def test_json_keys_are_stable_snake_case(real: Path) -> None:
    note = note_json("2025-04-12")
    assert list(note) == ["target", *SECTIONS[:5], "engagements", *SECTIONS[5:], "sources"]
    for key in keys(note):
        assert re.fullmatch(r"[a-z][a-z0-9_]*", key), key
    assert 2 <= len(note["summary"]) <= 6 and note["summary"][0]["text"].startswith("When: ")
    outcome = note["outcomes"][0]
    assert {"text", "sources", "id", "title", "kind", "status", "figures", "details"} <= set(outcome)


# ---------------------------------------------------------------- what the notes say


def test_2025_04_12_has_every_outcome_participant_and_follow_up(real: Path) -> None:
    note = note_json("2025-04-12")
    assert note["title"]["text"].startswith("Pakistan and Belarus, reported 2025-04-12: ")
    assert {o["id"] for o in note["outcomes"]} == {
        "pk-by-150000-skilled-workers",
        "pk-by-sharif-lukashenko-agriculture-food-security-defence",
        "pk-by-joint-ventures",
        "pk-by-mining-equipment-manufacturing",
        "pk-by-joint-manufacturing-electric-buses-agricultural-machinery",
        "pk-by-visit-mous",
        "pk-by-military-technical-and-trade-development-agreements",
        "pk-by-readmission-agreement",
    }
    workers = next(o for o in note["outcomes"] if o["id"] == "pk-by-150000-skilled-workers")
    assert (workers["kind"], workers["status"]) == ("agreement", "agreed")
    assert workers["figures"][0]["value"] == 150000
    assert "150,000 skilled Pakistani workers" in note["summary"][1]["text"]
    people = {p["id"]: p for p in note["participants"] if p["type"] == "person"}
    assert set(people) == {"shehbaz-sharif", "aleksandr-lukashenko"}
    assert (people["shehbaz-sharif"]["country"], people["aleksandr-lukashenko"]["country"]) == ("Pakistan", "Belarus")
    # Promises from the earlier engagements with Belarus, still open or unclear.
    assert {f["id"] for f in note["follow_ups"]} == {
        "sharif-visit-to-belarus",
        "mous-2024-formalized-into-agreements",
        "action-plan-roadmap-signing",
        "ndma-visit",
        "navttc-delegation-visit-to-belarus",
        "republican-competition-of-professional-skills-2025",
        "jmc-9-islamabad-2026",
    }
    assert all(f["status"] in ("open", "unclear") for f in note["follow_ups"])
    assert any(f["outcome"] for f in note["follow_ups"])
    assert [b["id"] for b in note["background"]] == [
        "2024-11-lukashenko-visit-pakistan",
        "2024-11-26-lukashenko-sharif-talks",
        "2025-02-10-jmc-8",
        "jmc-8-sideline-discussions",
    ]
    assert {i["id"] for i in note["open_items"]} >= {"pk-by-joint-ventures", "pk-by-mining-equipment-manufacturing"}
    assert all(
        i["status"] in ("importance-noted", "under-discussion", "exploring", "talks-agreed", "planned")
        for i in note["open_items"]
    )
    assert [d["id"] for d in note["discrepancies"]] == ["shehbaz-sharif-name-spelling"]
    # Nothing from Belgium.
    assert "Belgium" not in json.dumps(note)


def test_a_reported_date_says_the_meeting_date_is_not_stated(real: Path) -> None:
    md = note_md("2025-04-12")
    assert "reported 2025-04-12; the meeting date is not stated" in md
    assert "reported 2025-04-12; the visit date is not stated" in md
    cleas = note_md("khar-cleas-meeting-reported-2023-06-12")
    assert "reported 2023-06-12; the meeting date is not stated" in cleas


def test_a_date_covers_the_visit_it_falls_in_and_its_meetings(real: Path) -> None:
    note = note_json("2023-06-12")
    assert [e["id"] for e in note["engagements"]] == [
        "khar-visit-belgium-reported-2023-06-12",
        "2023-06-12-khar-de-moor",
        "khar-cleas-meeting-reported-2023-06-12",
    ]
    assert [o["id"] for o in note["outcomes"]] == [
        "pk-be-labour-mou",
        "pk-be-trade-investment-cooperation",
        "pk-be-parliamentary-cooperation",
    ]
    # discussed (the MoU), explored (trade and investment), emphasised (parliamentary cooperation): nothing agreed
    assert {o["id"]: o["status"] for o in note["outcomes"]} == {
        "pk-be-labour-mou": "under-discussion",
        "pk-be-trade-investment-cooperation": "exploring",
        "pk-be-parliamentary-cooperation": "importance-noted",
    }
    people = {p["name"] for p in note["participants"] if p["type"] == "person"}
    assert people == {"Hina Rabbani Khar", "Nicole De Moor", "Allessia Cleas"}
    cleas = next(p for p in note["participants"] if p["id"] == "allessia-cleas")
    assert cleas["country"] is None and "country not stated" in cleas["text"]
    assert [f["id"] for f in note["follow_ups"]] == ["belgian-parliamentarians-invited-to-pakistan"]
    assert [b["id"] for b in note["background"]] == ["2022-02-pk-be-military-relations"]
    assert {d["id"] for d in note["discrepancies"]} >= {"nicole-de-moor-name-spelling", "pk-be-labour-mou-title"}
    # A day inside a visit dated only to its month: the note is about the whole visit (its meetings and what
    # they produced come with it), dated as the sources date it.
    inside_visit = note_json("2024-11-27")
    assert [e["id"] for e in inside_visit["engagements"]] == [
        "2024-11-lukashenko-visit-pakistan",
        "2024-11-26-lukashenko-sharif-talks",
    ]
    assert inside_visit["title"]["text"].startswith("Pakistan and Belarus, 2024-11: ")
    assert "pk-by-roadmap-2025-2027" in [o["id"] for o in inside_visit["outcomes"]]
    # A visit known only as reported on a day covers no other day: the sources do not say how long it lasted.
    later = cli("brief", "2023-06-20")
    assert later.exit_code == 1
    assert "nearest before: reported 2023-06-12, its own date not stated, Hina Rabbani Khar's" in later.stderr


def test_2024_11_26_and_2025_02_10(real: Path) -> None:
    talks = note_json("2024-11-26")
    assert [e["id"] for e in talks["engagements"]] == [
        "2024-11-lukashenko-visit-pakistan",
        "2024-11-26-lukashenko-sharif-talks",
    ]
    assert {o["id"] for o in talks["outcomes"]} == {
        "pk-by-2024-agreements-and-mous",
        "pk-by-roadmap-2025-2027",
        "pk-by-2024-political-dialogue-commitment",
        "pk-by-2024-regular-high-level-engagement",
        "pk-by-2024-legal-frameworks",
    }
    assert talks["background"] == [] and talks["open_items"] == []
    assert {f["id"] for f in talks["follow_ups"]} == {"sharif-visit-to-belarus", "mous-2024-formalized-into-agreements"}
    jmc = note_json("2025-02-10")
    assert len(jmc["outcomes"]) == 20
    assert {p["id"] for p in jmc["participants"] if p["type"] == "person"} == {
        "aleksey-kushnarenko",
        "jam-kamal-khan",
        "muhammad-humair-karim",
        "anatoly-linevich",
        "sergey-lukashevich",
    }
    # The NAVTTC-RIPO MoU has no date or engagement: the JMC report mentions it as already signed.
    undated = [b for b in jmc["background"] if b["type"] == "agreement"]
    assert [b["id"] for b in undated] == ["navttc-ripo-mou"]


def test_a_month_and_a_country(real: Path) -> None:
    april = note_json("2025-04")
    assert april["target"] == {"kind": "month", "value": "2025-04"}
    assert len(april["outcomes"]) == 8  # the plural "agreements on military-technical cooperation and trade
    # development" is one record: the report does not say how many there are
    belarus = note_json("belarus")
    listed = json.loads(cli("list", "--country", "belarus", "--format", "json").stdout)
    assert {o["id"] for o in belarus["outcomes"]} == {a["id"] for a in listed}
    assert len({f["id"] for f in belarus["follow_ups"]}) == 7
    for spelling in ("BY", "blr", "Belarusian", "BELARUS"):
        assert note_json(spelling)["outcomes"] == belarus["outcomes"], spelling
    belgium = note_json("belgium")
    assert {o["id"] for o in belgium["outcomes"]} == {
        "pk-be-military-relations-2022",
        "pk-be-labour-mou",
        "pk-be-parliamentary-cooperation",
        "pk-be-trade-investment-cooperation",
    }
    assert "Belarus" not in json.dumps(belgium)


def test_an_agreement_and_an_event_id(real: Path) -> None:
    mou = note_json("pk-be-labour-mou")
    assert mou["target"] == {"kind": "agreement", "value": "pk-be-labour-mou"}
    assert [o["id"] for o in mou["outcomes"]] == ["pk-be-labour-mou"]
    assert {p["id"] for p in mou["participants"] if p["type"] == "person"} == {"hina-rabbani-khar", "nicole-de-moor"}
    assert mou["summary"][1]["text"].startswith("Status: under discussion (2023-06-12")
    assert [i["id"] for i in mou["open_items"]] == ["pk-be-labour-mou"]
    meeting = note_json("sharif-lukashenko-meeting-reported-2025-04-12")
    assert meeting["target"]["kind"] == "event"
    assert ", during Pakistan-Belarus visit reported on 2025-04-12" in meeting["title"]["text"]
    assert len(meeting["outcomes"]) == 5  # the meeting's own; the MoUs were signed "during the visit"


# ---------------------------------------------------------------- exit codes


@pytest.mark.parametrize(
    ("target", "before", "after"),
    [
        (
            "2024-01-01",
            "reported 2023-06-12, its own date not stated, Hina Rabbani Khar's official visit to Belgium",
            "2024-11 President Aleksandr",
        ),
        ("2024-12", "2024-11 President Aleksandr", "2025-02-10 8th session"),
        ("2021-01-01", "none", "2022-02 Pakistan and Belgium agree"),
        ("2030-05-05", "reported 2025-04-12, its own date not stated, Pakistan-Belarus visit", "none"),
    ],
)
def test_a_date_with_no_engagement_exits_1_naming_the_nearest(real: Path, target: str, before: str, after: str) -> None:
    result = cli("brief", target)
    assert result.exit_code == 1
    assert result.stdout == ""
    line = _one_error_line(result.stderr)
    assert f"no engagement {'on' if len(target) == 10 else 'in'} {target}" in line
    assert f"nearest before: {before}" in line
    assert f"nearest after: {after}" in line


def test_a_country_the_data_does_not_cover_exits_1(real: Path) -> None:
    result = cli("brief", "france")
    assert result.exit_code == 1
    assert "France" in _one_error_line(result.stderr)


@pytest.mark.parametrize("target", ["2025-13-45", "2025-02-30", "2025-13", "xyz", "April", "", "  ", "20251345"])
def test_a_bad_target_exits_2_saying_what_is_accepted(real: Path, target: str) -> None:
    result = cli("brief", target)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert ACCEPTED in _one_error_line(result.stderr)


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("12 April 2025", "2025-04-12"),
        ("2025/04/12", "2025-04-12"),
        ("20250412", "2025-04-12"),
        ("April 12, 2025", "2025-04-12"),
        ("2025-04-12T10:00", "2025-04-12"),
        ("April 2025", "2025-04"),
    ],
)
def test_a_date_as_people_type_it_gives_the_same_note(real: Path, typed: str, iso: str) -> None:
    assert note_json(typed)["title"] == note_json(iso)["title"]


def test_a_year_gets_a_note_of_its_engagements(real: Path) -> None:
    note = note_json("2025")
    assert note["target"] == {"kind": "year", "value": "2025"}
    assert {e["id"] for e in note["engagements"]} >= {"2025-02-10-jmc-8", "pk-by-visit-reported-2025-04-12"}
    assert all(e["date"].startswith("2025") for e in note["engagements"])


def test_a_date_that_reads_two_ways_is_refused_with_both_readings(real: Path) -> None:
    result = cli("brief", "12/04/2025")
    assert result.exit_code == 2
    assert "'12/04/2025' could be 2025-04-12 or 2025-12-04" in _one_error_line(result.stderr)


def test_a_misspelt_target_gets_a_suggestion(real: Path) -> None:
    assert "did you mean 'belarus'?" in cli("brief", "belarsu").stderr
    assert "did you mean 'pk-be-labour-mou'?" in cli("brief", "pk-be-labour-mo").stderr


def test_a_bad_format_exits_2(real: Path) -> None:
    result = cli("brief", "2025-04-12", "--format", "csv")
    assert result.exit_code == 2
    _one_error_line(result.stderr)


# ---------------------------------------------------------------- --output


def test_output_is_written_atomically_in_the_same_folder(
    real: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    target = folder / "note.md"
    target.write_text("old note\n", encoding="utf-8")
    target.chmod(0o640)
    replaced: list[tuple[Path, Path]] = []
    real_replace = os.replace

    def spy(src: Any, dst: Any) -> None:
        if Path(dst) != target:  # the database being built
            return real_replace(src, dst)
        assert Path(dst).read_text(encoding="utf-8") == "old note\n"  # the old note is whole until the swap
        assert Path(src).read_text(encoding="utf-8").startswith("# ")  # the new one is complete before it
        replaced.append((Path(src), Path(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    result = cli("brief", "2025-04-12", "--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert len(replaced) == 1
    src, dst = replaced[0]
    assert src.parent == dst.parent == folder and dst == target
    assert target.read_text(encoding="utf-8") == note_md("2025-04-12")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # an existing file keeps its permissions
    assert sorted(p.name for p in folder.iterdir()) == ["note.md"]  # no temporary file left


def test_output_json_and_table_format(real: Path, tmp_path: Path) -> None:
    out = tmp_path / "note.json"
    assert cli("brief", "belgium", "--format", "json", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == note_json("belgium")
    md = tmp_path / "note.md"
    assert cli("brief", "belgium", "--format", "table", "-o", str(md)).exit_code == 0
    assert md.read_text(encoding="utf-8") == note_md("belgium")  # a file gets Markdown, never Rich


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    real: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "note.md"
    target.write_text("old note\n", encoding="utf-8")

    real_replace = os.replace

    def refuse(src: Any, dst: Any) -> None:
        if Path(dst) != target:  # the database being built
            return real_replace(src, dst)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    result = cli("brief", "2025-04-12", "--output", str(target))
    assert result.exit_code == 2
    assert "cannot write" in _one_error_line(result.stderr)
    assert target.read_text(encoding="utf-8") == "old note\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".note")) == []


def test_no_note_means_the_output_file_is_not_touched(real: Path, tmp_path: Path) -> None:
    target = tmp_path / "note.md"
    target.write_text("old note\n", encoding="utf-8")
    assert cli("brief", "2024-01-01", "-o", str(target)).exit_code == 1
    assert target.read_text(encoding="utf-8") == "old note\n"
    missing = tmp_path / "nowhere" / "note.md"
    result = cli("brief", "2025-04-12", "-o", str(missing))
    assert result.exit_code == 2
    _one_error_line(result.stderr)
    assert not missing.parent.exists()


# ---------------------------------------------------------------- the installed script, piped


def test_piped_through_head_is_markdown_without_a_traceback(real: Path) -> None:
    result = shell("bilat brief 2025-04-12 | head -n 3")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("# Pakistan and Belarus, reported 2025-04-12: ")
    assert lines[1] == "" and lines[2] == "## At a glance"
    assert "\x1b" not in result.stdout


def test_piped_without_format_is_the_markdown(real: Path) -> None:
    result = shell("bilat brief belarus | cat")
    assert result.returncode == 0, result.stderr
    assert result.stdout == note_md("belarus")


def test_on_a_terminal_rich_draws_the_same_note(real: Path) -> None:
    from contract_data import on_terminal

    code, out, err = on_terminal(["brief", "2025-04-12"], {"NO_COLOR": "", "TERM": "xterm-256color"}, columns=100)
    assert code == 0 and err == ""
    assert "\x1b[" in out  # styled by Rich
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert "## " not in plain and "• " in plain
    assert "150,000 skilled Pakistani workers" in plain and "[1]" in plain


def test_the_mini_dataset_and_hostile_text(mini: Path) -> None:
    note = note_json("2025-04-12")
    assert {o["id"] for o in note["outcomes"]} == {"pk-by-skilled-workers", "pk-by-readmission"}
    assert "reported 2025-04-12; the meeting date is not stated" in note_md("2025-04-12")
    text = mini.read_text(encoding="utf-8").replace(
        "title: Readmission Agreement\n", 'title: "Readmission [bold]x[/bold] *pact*\\twith tab\\nand newline"\n'
    )
    mini.write_text(text, encoding="utf-8")
    md = note_md("2025-04-12")
    assert "Readmission [bold]x[/bold] \\*pact\\* with tab and newline" in md
    rich = cli("brief", "2025-04-12", "--format", "table").stdout
    assert "Readmission [bold]x[/bold] *pact* with tab and newline" in " ".join(rich.split())


# ---------------------------------------------------------------- the shape a desk officer reads


def test_the_note_starts_with_what_a_reader_needs_first(real: Path) -> None:
    md = note_md("belarus")
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings[:4] == [
        "## At a glance",
        "## Open items: not yet agreed",
        "## Promises not yet seen kept",
        "## Outcomes",
    ]
    assert headings[-1] == "## Sources"
    glance = md.split("## At a glance\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert 3 <= len(glance) <= 6 and all(line.startswith("- ") for line in glance)
    assert [line.split(":", 1)[0] for line in glance] == [
        "- When",
        "- Outcomes",
        "- Open",
        "- Who",
        "- Sources disagree on",
    ]


def test_an_engagement_is_named_once_per_section(real: Path) -> None:
    jmc = "8th session of the Pakistan-Belarus Joint Ministerial Commission on trade and economic cooperation"
    md = note_md("belarus")
    open_items = md.split("## Open items: not yet agreed", 1)[1].split("\n## ", 1)[0]
    assert open_items.count(jmc) == 1
    outcomes = md.split("## Outcomes", 1)[1].split("\n## ", 1)[0]
    said_once = "The report gives no signing date; the signing is known only as reported on 2025-04-12."
    assert outcomes.count(said_once) == 1  # shared by three outcomes, said under their heading


def test_signed_counts_say_when_a_record_stands_for_several_instruments(real: Path) -> None:
    summary = " ".join(s["text"] for s in note_json("2025-04-12")["summary"])
    assert "3 signed (2 of these stand for several instruments or an unstated number)" in summary


def test_the_sources_list_gives_the_id_to_show(real: Path) -> None:
    md = note_md("2025-04-12")
    sources = md.split("## Sources\n\n", 1)[1].splitlines()
    assert sources[0].startswith("1. ") and "`bilat show report-2025-04-12`" in sources[0]
    assert cli("show", "report-2025-04-12").exit_code == 0


def test_the_short_note_is_about_one_screen_with_its_citations(real: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    short = note_md("belarus", "--short")
    full = note_md("belarus")
    assert len(short.splitlines()) < 50 < len(full.splitlines())
    headings = [line for line in short.splitlines() if line.startswith("## ")]
    assert headings == ["## At a glance", "## Signed", "## Open items", "## Promises not yet seen kept", "## Sources"]
    for line in short.splitlines():
        if line.startswith("- ") and "more (the full note" not in line:
            assert re.search(r"\[\d+\]$", line), line
    assert "Islamabad" in short  # a promise with a date (the next session) comes first
    monkeypatch.setenv("COLUMNS", "80")
    terminal = cli("brief", "belarus", "--short", "--format", "table").stdout
    assert len(terminal.splitlines()) <= 75
    assert note_json("belarus", "--short") == note_json("belarus")  # JSON is always the whole note


def test_the_short_note_matches_its_golden_file(real: Path) -> None:
    check_golden("belarus-short.md", note_md("belarus", "--short"))


def test_since_marks_what_is_new_and_counts_it_first(real: Path) -> None:
    note = note_json("belarus", "--since", "2025-02-11")
    assert note["summary"][0]["text"].startswith("Since 2025-02-11: 8 outcomes and 2 open items first reported")
    new = {o["id"] for o in note["outcomes"] if o.get("new")}
    assert "pk-by-readmission-agreement" in new and "pk-by-jmc-8-protocols" not in new
    md = note_md("belarus", "--since", "2025-02-11")
    assert "- *new* **Readmission Agreement between the interior ministries" in md
    assert "*new*" not in note_md("belarus", "--since", "2026")
    assert cli("brief", "belarus", "--since", "2025-13").exit_code == 2


def test_a_note_as_it_could_have_been_written_on_a_past_day(real: Path) -> None:
    then = note_json("belarus", "--known-on", "2025-01-01")
    assert then["title"]["text"].startswith(
        "Pakistan and Belarus, 2024-11: 1 engagement on record, with 1 meeting within it"
    )
    assert {o["id"] for o in then["outcomes"]} == {
        "pk-by-2024-agreements-and-mous",
        "pk-by-roadmap-2025-2027",
        "pk-by-2024-political-dialogue-commitment",
        "pk-by-2024-regular-high-level-engagement",
        "pk-by-2024-legal-frameworks",
    }
    assert [f["state"] for f in then["follow_ups"]] == ["open", "open"]  # what became of them came later
    assert all(f["outcome"] is None for f in then["follow_ups"])
    march = note_json("belarus", "--known-on", "2025-03-01")
    assert not any(f["state"] == "overdue" for f in march["follow_ups"])  # 2025 was not over then
    assert cli("brief", "2025-04-12", "--known-on", "2025-03-01").exit_code == 1
    assert (
        note_json("belarus", "--as-of", "2025-02-10")["outcomes"]
        == note_json("belarus", "--known-on", "2025-02-10")["outcomes"]
    )
