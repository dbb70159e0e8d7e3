"""`bilat discrepancies`: where the sources disagree, each reading with its source, filtered like list."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import yaml

from conftest import REAL_DATA, cli


def listed(*args: str) -> list[dict[str, object]]:
    result = cli("discrepancies", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    records: list[dict[str, object]] = json.loads(result.stdout)
    return records


def test_every_discrepancy_in_the_data_is_listed_with_its_readings(real_readonly: Path) -> None:
    data = yaml.safe_load((REAL_DATA / "agreements.yaml").read_text(encoding="utf-8"))
    expected = {d["id"]: [(r["value"], r["source"]) for r in d["readings"]] for d in data["discrepancies"]}
    got = {d["id"]: [(r["value"], r["source"]) for r in d["readings"]] for d in listed()}  # type: ignore[union-attr]
    assert got == expected
    shown = listed()[0]
    assert set(shown) == {"id", "label", "subject", "field", "readings", "sources", "note"}


def test_the_filters_of_list_apply(real_readonly: Path) -> None:
    everything = {d["id"] for d in listed()}
    belgium = {d["id"] for d in listed("--country", "belgium")}
    belarus = {d["id"] for d in listed("--country", "belarus")}
    assert belarus == {"shehbaz-sharif-name-spelling"}
    assert "nicole-de-moor-name-spelling" in belgium and belarus.isdisjoint(belgium - belarus)
    assert belgium | belarus == everything
    # a filter only agreements have keeps the discrepancies about agreements, not people
    assert {d["id"] for d in listed("--status", "under-discussion")} == {"pk-be-labour-mou-title"}
    assert listed("--since", "2030") == []


def test_flat_formats_give_each_reading_with_its_source(real_readonly: Path) -> None:
    result = cli("discrepancies", "--country", "belarus", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == ["shehbaz-sharif-name-spelling"]
    assert "“Shahbaz Sharif” (report-2024-11-26)" in rows[0]["readings"]
    assert rows[0]["sources"] == "report-2024-11-26;report-2025-04-12"
    plain = cli("discrepancies", "--country", "belarus").stdout
    assert plain.startswith("shehbaz-sharif-name-spelling\tName of Shehbaz Sharif\t“Muhammad Shehbaz Sharif”")
