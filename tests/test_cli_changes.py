"""`bilat changes` (what the sources added, or what happened, in a window) and `bilat followups` (promises and
their state), on the real dataset and on the small clocks fixture."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bilat.read import changes as changes_module
from conftest import cli


def listed(*args: str) -> list[dict[str, object]]:
    result = cli(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    entries: list[dict[str, object]] = json.loads(result.stdout)
    return entries


def test_what_the_sources_added_since_2025_about_belarus(real_readonly: Path) -> None:
    entries = listed("changes", "--since", "2025-01-01", "--country", "belarus")
    ids = {e["id"] for e in entries}
    assert {"pk-by-jmc-8-protocols", "pk-by-agriculture-food-security-2025-02", "2025-02-10-jmc-8"} <= ids  # 8th JMC
    signed_2025 = {
        "pk-by-visit-mous",
        "pk-by-readmission-agreement",
        "pk-by-military-technical-and-trade-development-agreements",
    }
    assert signed_2025 <= {e["id"] for e in entries if e["to"] == "signed"}
    for entry in entries:
        assert entry["change"] == "fell due" or entry["evidence"], entry
        assert entry["date"] >= "2025-01-01"  # type: ignore[operator]
    assert [e["date"] for e in entries] == sorted(e["date"] for e in entries)  # type: ignore[type-var]
    assert "pk-by-roadmap-2025-2027" not in ids  # reported in 2024


def test_nothing_changed_is_an_empty_result_and_exit_0(real_readonly: Path) -> None:
    assert listed("changes", "--since", "2026-01-01") == []
    result = cli("changes", "--since", "2026-01-01", "--format", "csv")
    assert result.exit_code == 0 and result.stdout.splitlines() == [",".join(changes_module.FIELDS)]


def test_changes_needs_a_since(real_readonly: Path) -> None:
    result = cli("changes")
    assert result.exit_code == 2 and "--since DATE is required" in result.stderr
    assert cli("changes", "--since", "2025", "--by", "sometime").exit_code == 2


def test_a_later_step_is_a_status_change_from_the_one_before(clocks: Path) -> None:
    entries = listed("changes", "--since", "2025-01-10", "--until", "2025-01-10")
    assert [(e["change"], e["id"], e["from"], e["to"]) for e in entries] == [("status", "roadmap", "agreed", "signed")]
    assert set(entries[0]["sources"]) == {"s2", "s3"}  # type: ignore[arg-type]
    assert listed("changes", "--since", "2025-01-11", "--until", "2025-01-31") == []  # an empty window
    happened = listed("changes", "--since", "2024-12", "--until", "2024-12", "--by", "happened")
    assert [(e["change"], e["to"]) for e in happened] == [("status", "signed")]  # by when it happened: December


def test_flat_formats_show_from_and_to_and_the_quotes(clocks: Path) -> None:
    result = cli("changes", "--since", "2025-01-10", "--until", "2025-01-10", "--format", "csv")
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert row["to"] == "agreed -> signed"
    assert "“The roadmap was signed in December” (s2)" in row["evidence"]


@pytest.mark.parametrize(("as_of", "overdue"), [("2027-01-01", True), ("2026-06-30", False), ("2026-12-31", False)])
def test_a_promise_for_2026_is_overdue_once_2026_is_over(real_readonly: Path, as_of: str, overdue: bool) -> None:
    found = {f["id"] for f in listed("followups", "--overdue", "--as-of", as_of)}
    assert ("jmc-9-islamabad-2026" in found) == overdue


def test_followups_say_their_state(real_readonly: Path) -> None:
    found = {f["id"]: f["state"] for f in listed("followups")}
    assert found["republican-competition-of-professional-skills-2025"] == "overdue"  # 2025 is over
    assert found["sharif-visit-to-belarus"] == "unclear"
    assert set(found.values()) <= {"overdue", "open", "unclear", "kept"}
    assert "kept" not in {f["state"] for f in listed("followups", "--open")}
    assert listed("followups", "--known-on", "2024-11-01", "--country", "belarus") == []
