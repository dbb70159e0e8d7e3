"""bilat show: one record in full, with every piece of evidence and its numbered source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import cli


@pytest.fixture
def real(real_readonly: Path) -> Path:
    """This module only reads the real dataset: the session's database serves every test, built once."""
    return real_readonly


def test_show_agreement_json_has_everything(real: Path) -> None:
    result = cli("show", "pk-by-150000-skilled-workers", "--format", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["type"] == "agreement"
    assert record["status"] == "agreed"
    assert [p["code"] for p in record["parties"]] == ["PK", "BY"]
    assert record["figures"][0]["value"] == 150000
    assert record["status_history"][0]["event"]
    assert {p["name"] for p in record["people"]} >= {"Aleksandr Lukashenko"}
    numbers = {s["n"] for s in record["sources"]}
    cited = {e["source"] for e in record["evidence"]}
    cited |= {e["source"] for step in record["status_history"] for e in step["evidence"]}
    assert cited <= numbers
    assert record["sources"][0]["reference"].endswith(".txt")


def test_show_labour_mou_reads_under_discussion(real: Path) -> None:
    out = cli("show", "pk-be-labour-mou", "--format", "md").stdout
    assert "**under-discussion**" in out
    assert "signed" not in out.split("## Evidence")[0].replace("No signing", "")
    assert "## Sources\n\n1. TDI, 2023-06-13, Brussels: `tdi-2023-06-13` (000_08f90ab55339d316.txt)" in out


def test_show_event_person_source_and_discrepancy(real: Path) -> None:
    event = json.loads(cli("show", "2025-02-10-jmc-8", "--format", "json").stdout)
    assert event["type"] == "event" and event["place"]
    assert any(a["id"] == "pk-by-jmc-8-protocols" for a in event["agreements"])
    people = json.loads(cli("list", "--format", "json").stdout)
    assert people
    source = json.loads(cli("show", "tdi-2023-06-13", "--format", "json").stdout)
    assert source["outlet"] == "TDI" and "Hina Rabbani Khar" in source["text"]


def test_piped_show_is_markdown(real: Path) -> None:
    out = cli("show", "pk-by-readmission-agreement").stdout
    assert out.startswith("# Readmission Agreement")
    assert "\x1b[" not in out


def test_unknown_id_exits_1_and_names_the_closest(real: Path) -> None:
    result = cli("show", "pk-by-readmision-agreement")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no record with id 'pk-by-readmision-agreement' (closest: ")
    assert "pk-by-readmission-agreement" in result.stderr
    assert result.stdout == ""


def test_a_role_is_said_once_and_a_discrepancy_is_titled_by_its_label(real_readonly: Path) -> None:
    event = cli("show", "2025-02-10-jmc-8", "--format", "md").stdout
    assert "- **Participant**: Aleksey Kushnarenko, co-chair (Belarusian Minister for Energy)\n" in event
    assert event.count("Belarusian Minister for Energy") == 1
    assert "\n\n\n" not in event
    discrepancy = cli("show", "shehbaz-sharif-name-spelling", "--format", "md").stdout
    assert discrepancy.startswith("# Name of Shehbaz Sharif\n")
