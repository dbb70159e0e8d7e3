"""bilat summary (alias summarise) and bilat timeline."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from conftest import REAL_DATA, cli


@pytest.fixture
def real(real_readonly: Path) -> Path:
    """This module only reads the real dataset: the session's database serves every test, built once."""
    return real_readonly


def test_summary_counts_match_the_data(real: Path) -> None:
    raw = yaml.safe_load((REAL_DATA / "agreements.yaml").read_text())["agreements"]
    counts = json.loads(cli("summary", "--format", "json").stdout)
    assert counts["total"][0]["count"] == len(raw)
    by_country = {r["key"]: r["count"] for r in counts["country"]}
    assert by_country["BY"] == sum("BY" in a["parties"] for a in raw)
    assert by_country["BE"] == sum("BE" in a["parties"] for a in raw)
    by_status = {r["key"]: r["count"] for r in counts["status"]}
    assert by_status["signed"] == sum(a["status_history"][-1]["status"] == "signed" for a in raw)
    assert sum(r["count"] for r in counts["kind"]) == len(raw)
    assert {r["key"] for r in counts["year"]} >= {"2022", "2023", "2024", "2025"}


def test_summarise_is_an_alias(real: Path) -> None:
    assert cli("summarise", "--format", "json").stdout == cli("summary", "--format", "json").stdout


def test_summary_filters_and_csv(real: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(cli("summary", "--country", "belgium", "--format", "csv").stdout)))
    total = next(r for r in rows if r["dimension"] == "total")
    assert int(total["count"]) == len(json.loads(cli("list", "--country", "belgium", "--format", "json").stdout))


def test_summary_table_has_bars(real: Path) -> None:
    result = cli("summary", "--format", "table")
    assert result.exit_code == 0
    assert "by status" in result.stdout and "#" in result.stdout


def test_timeline_is_in_date_order_with_events_and_status_changes(real: Path) -> None:
    entries = json.loads(cli("timeline", "--format", "json").stdout)
    dates = [e["date"] for e in entries]
    keys = [f"{d}-01-01" if len(d) == 4 else (f"{d}-01" if len(d) == 7 else d) for d in dates]
    assert keys == sorted(keys)
    assert {e["type"] for e in entries} == {"event", "status"}
    assert entries[0]["date"] == "2022-02"


def test_timeline_filters(real: Path) -> None:
    belgium = json.loads(cli("timeline", "--country", "belgium", "--format", "json").stdout)
    assert belgium and all("BE" in e["countries"] for e in belgium)
    recent = json.loads(cli("timeline", "--since", "2025-04", "--format", "json").stdout)
    assert recent and all(e["date"] >= "2025-04" for e in recent)
    signed = json.loads(cli("timeline", "--status", "signed", "--format", "json").stdout)
    assert signed and all(e["type"] == "status" and e["status"] == "signed" for e in signed)


def test_timeline_since_compares_status_changes_at_their_precision(real: Path) -> None:
    entries = json.loads(cli("timeline", "--since", "2022-02-20", "--until", "2022-12-31", "--format", "json").stdout)
    assert {(e["type"], e["id"]) for e in entries} >= {("status", "pk-be-military-relations-2022")}
    readmission = [
        e for e in json.loads(cli("timeline", "--format", "json").stdout) if e["id"] == "pk-by-readmission-agreement"
    ]
    assert readmission and readmission[0]["date_precision"] == "reported"
