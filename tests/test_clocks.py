"""The two clocks (--as-of: what had happened by a day; --known-on: what the sources published by a day said),
at their boundaries, on a small dataset made for them (tests/fixtures/clocks):

- `roadmap`: agreed in 2024-11 (a month; reported 2024-11-26), signed on 2024-12-15, a step two sources report,
  the earlier on 2025-01-10 and the later on 2025-02-01 (the source published after what it reports);
- `trade`: exploring in 2025 (a year), first reported 2025-02-01.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import cli


def statuses(*args: str) -> dict[str, str]:
    result = cli("list", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {r["id"]: r["status"] for r in json.loads(result.stdout)}


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2024-10-31", {}),  # before the month the roadmap was agreed in
        ("2024-11-01", {"roadmap": "agreed"}),  # a month holds its first day
        ("2024-11", {"roadmap": "agreed"}),
        ("2024-12-14", {"roadmap": "agreed"}),
        ("2024-12-15", {"roadmap": "signed"}),  # a step exactly on the day
        ("2024-12", {"roadmap": "signed"}),  # a month as the clock: its last day
        ("2025-01-01", {"roadmap": "signed", "trade": "exploring"}),  # a year holds its first day
        ("2024", {"roadmap": "signed"}),
    ],
)
def test_as_of_reads_what_had_happened_by_then(clocks: Path, as_of: str, expected: dict[str, str]) -> None:
    assert statuses("--as-of", as_of) == expected


@pytest.mark.parametrize(
    ("known_on", "expected"),
    [
        ("2024-11-25", {}),
        ("2024-11-26", {"roadmap": "agreed"}),  # published that day: known that day
        ("2025-01-09", {"roadmap": "agreed"}),  # the signing happened, but no source had said so
        ("2025-01-10", {"roadmap": "signed"}),  # the earlier of the two sources counts
        ("2025-01", {"roadmap": "signed"}),
        ("2025-02-01", {"roadmap": "signed", "trade": "exploring"}),
        ("2025", {"roadmap": "signed", "trade": "exploring"}),
    ],
)
def test_known_on_reads_what_the_sources_had_said(clocks: Path, known_on: str, expected: dict[str, str]) -> None:
    assert statuses("--known-on", known_on) == expected


def test_the_clocks_combine_with_each_other_and_the_filters(clocks: Path) -> None:
    assert statuses("--as-of", "2025-01-05", "--known-on", "2025-01-20") == {"roadmap": "signed"}
    assert statuses("--as-of", "2025-06-30", "--known-on", "2025-01-09") == {"roadmap": "agreed"}
    assert statuses("--known-on", "2025-01-09", "--status", "signed") == {}  # the status at the clock is filtered
    assert statuses("--known-on", "2025", "--status", "exploring") == {"trade": "exploring"}
    summary = json.loads(cli("summary", "--known-on", "2025-01-09", "--format", "json").stdout)
    assert summary["status"] == [{"key": "agreed", "label": "agreed", "count": 1}]


def test_timeline_and_search_keep_only_what_was_reached(clocks: Path) -> None:
    entries = json.loads(cli("timeline", "--known-on", "2025-01-09", "--format", "json").stdout)
    assert [(e["type"], e["status"]) for e in entries] == [("status", "agreed"), ("event", None)]
    hits = json.loads(cli("search", "roadmap", "--known-on", "2025-01-09", "--format", "json").stdout)
    assert {(h["id"], h["status"]) for h in hits if h["type"] == "agreement"} == {("roadmap", "agreed")}


def test_show_says_a_record_was_not_yet_known(clocks: Path) -> None:
    early = cli("show", "trade", "--known-on", "2025-01-31")
    assert early.exit_code == 1
    assert early.stderr.strip() == "error: trade was not yet reported on 2025-01-31 (first reported 2025-02-01)"
    then = json.loads(cli("show", "roadmap", "--known-on", "2025-01-09", "--format", "json").stdout)
    assert then["status"] == "agreed" and [s["status"] for s in then["status_history"]] == ["agreed"]
    assert then["known_on"] == "2025-01-09"
    assert cli("show", "roadmap", "--as-of", "2024-10").exit_code == 1


def test_a_bad_clock_is_a_usage_error(clocks: Path) -> None:
    result = cli("list", "--as-of", "2025-13")
    assert result.exit_code == 2 and "--as-of" in result.stderr


def test_the_real_dataset_on_new_years_eve_2024(real_readonly: Path) -> None:
    records = json.loads(cli("list", "--known-on", "2024-12-31", "--format", "json").stdout)
    assert records and all(not (r["date"] or "").startswith("2025") for r in records)
    roadmap = next(r for r in records if r["id"] == "pk-by-roadmap-2025-2027")
    assert roadmap["status"] == "signed"
    readmission = cli("show", "pk-by-readmission-agreement", "--known-on", "2025-01-01")
    assert readmission.exit_code == 1
    assert "not yet reported on 2025-01-01 (first reported 2025-04-12)" in readmission.stderr
