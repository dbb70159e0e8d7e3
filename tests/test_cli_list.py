"""bilat list: filters, sorting, formats, and the scripting paths through the installed script."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from conftest import REAL_DATA, cli, shell


@pytest.fixture
def real(real_readonly: Path) -> Path:
    """This module only reads the real dataset: the session's database serves every test, built once."""
    return real_readonly


def _ids(*args: str) -> list[str]:
    result = cli("list", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [r["id"] for r in json.loads(result.stdout)]


def _yaml_agreements() -> list[dict]:
    return yaml.safe_load((REAL_DATA / "agreements.yaml").read_text())["agreements"]


def test_country_belarus_lists_every_belarus_instrument_and_no_belgium_one(real: Path) -> None:
    expected = sorted(a["id"] for a in _yaml_agreements() if "BY" in a["parties"])
    belgian = {a["id"] for a in _yaml_agreements() if "BE" in a["parties"]}
    got = _ids("--country", "belarus")
    assert sorted(got) == expected
    assert not belgian & set(got)


@pytest.mark.parametrize("spelling", ["BY", "by", "BLR", "Belarus", "belarus", "BELARUS", "Belarusian"])
def test_country_spellings_give_the_same_rows(real: Path, spelling: str) -> None:
    assert _ids("--country", spelling) == _ids("--country", "belarus")


def test_repeated_country_means_either(real: Path) -> None:
    both = set(_ids("--country", "belarus", "--country", "BE"))
    assert both == set(_ids("--country", "belarus")) | set(_ids("--country", "belgium"))
    assert len(both) == len(_yaml_agreements())


def test_since_drops_the_2024_roadmap_and_keeps_readmission(real: Path) -> None:
    got = _ids("--since", "2025-01-01")
    assert "pk-by-roadmap-2025-2027" not in got
    assert "pk-by-readmission-agreement" in got
    assert "pk-by-roadmap-2025-2027" in _ids("--until", "2024")


def test_dates_compare_at_the_record_precision(real: Path) -> None:
    # The February 2022 military commitment has month precision: any day of that month matches it.
    assert "pk-be-military-relations-2022" in _ids("--since", "2022-02-20", "--until", "2022-02-21")
    assert "pk-be-military-relations-2022" not in _ids("--since", "2022-03")


def test_belgium_labour_mou_is_under_discussion_not_signed(real: Path) -> None:
    result = cli("list", "--country", "belgium", "--sector", "labour-mobility", "--format", "json")
    records = json.loads(result.stdout)
    mou = next(r for r in records if r["id"] == "pk-be-labour-mou")
    assert mou["status"] == "under-discussion"
    assert mou["kind"] == "mou"


def test_status_kind_sector_filters_combine(real: Path) -> None:
    records = json.loads(cli("list", "--status", "signed", "--kind", "agreement", "--format", "json").stdout)
    assert records and all(r["status"] == "signed" and r["kind"] == "agreement" for r in records)
    labour = json.loads(cli("list", "--sector", "labour-mobility", "--format", "json").stdout)
    assert labour and all("labour-mobility" in r["sectors"] for r in labour)
    figure = {"value": 150000, "unit": "skilled Pakistani workers", "text": "150,000 skilled Pakistani workers"}
    assert any(r["figures"] == [figure] for r in labour)  # JSON keeps the structure; CSV writes the text


def test_sort_and_limit(real: Path) -> None:
    newest = _ids("--sort", "-date", "--limit", "3")
    oldest = _ids("--sort", "date")
    assert len(newest) == 3
    assert oldest[0] == "pk-be-military-relations-2022"
    titles = [r["title"].lower() for r in json.loads(cli("list", "--sort", "title", "--format", "json").stdout)]
    assert titles == sorted(titles)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--country", "belrus"], "error: --country: unknown country 'belrus' (did you mean 'Belarus'?)"),
        (["--country", "Narnia"], "error: --country: unknown country 'Narnia'"),
        (["--since", "2025-13-45"], "error: --since: '2025-13-45' is not a real date"),
        (["--since", "yesterday"], "error: --since: 'yesterday' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"),
        (["--status", "sined"], "error: --status: unknown value 'sined' (did you mean 'signed'?)"),
        (["--format", "xml"], "error: --format: unknown format 'xml' (one of: table, json, jsonl, csv, tsv, md)"),
        (["--sort", "colour"], "error: --sort: unknown order 'colour'"),
        (["--since", "2025", "--until", "2024"], "error: --since 2025 is after --until 2024"),
    ],
)
def test_usage_errors_exit_2_with_one_line(real: Path, args: list[str], message: str) -> None:
    result = cli("list", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_a_real_country_without_data_is_an_empty_result(real: Path) -> None:
    result = cli("list", "--country", "Norway", "--format", "json")
    assert result.exit_code == 0
    assert result.stdout.strip() == "[]"


def test_every_format_carries_the_same_records(real: Path) -> None:
    as_json = json.loads(cli("list", "--country", "belgium", "--format", "json").stdout)
    as_jsonl = [
        json.loads(line) for line in cli("list", "--country", "belgium", "--format", "jsonl").stdout.splitlines()
    ]
    as_csv = list(csv.DictReader(io.StringIO(cli("list", "--country", "belgium", "--format", "csv").stdout)))
    as_tsv = list(
        csv.DictReader(io.StringIO(cli("list", "--country", "belgium", "--format", "tsv").stdout), dialect="excel-tab")
    )
    assert as_json == as_jsonl
    assert [r["id"] for r in as_csv] == [r["id"] for r in as_json] == [r["id"] for r in as_tsv]
    for row, record in zip(as_csv, as_json, strict=True):
        assert row["parties"] == ";".join(record["parties"])
        assert row["title"] == record["title"]
    md = cli("list", "--country", "belgium", "--format", "md").stdout
    assert md.startswith("| id | date | status | kind | parties | title |\n| --- |")


def test_piped_default_is_one_record_per_line(real: Path) -> None:
    out = cli("list", "--country", "belgium").stdout  # CliRunner's stdout is not a terminal
    lines = out.splitlines()
    assert len(lines) == len(_ids("--country", "belgium"))
    assert all(len(line.split("\t")) == 6 for line in lines)
    assert "\x1b[" not in out and "─" not in out


def test_installed_script_json_pipes_into_json_tool(real: Path) -> None:
    proc = shell("bilat list --country belarus --format json | python3 -m json.tool > /dev/null && echo ok")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_installed_script_csv_to_a_file_reads_back(real: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    proc = shell(f"bilat list --format csv > {out}")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(out.open(newline="")))
    assert len(rows) == len(_yaml_agreements())
    assert {"id", "title", "kind", "status", "date", "parties", "sectors", "figures", "sources"} <= set(rows[0])


def test_installed_script_head_has_no_traceback(real: Path) -> None:
    proc = shell("bilat list | head -n 1")
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 1
    assert proc.stderr == ""


def test_date_precision_says_when_only_the_report_date_is_known(real: Path) -> None:
    records = {r["id"]: r for r in json.loads(cli("list", "--format", "json").stdout)}
    assert records["pk-by-readmission-agreement"]["date_precision"] == "reported"
    assert records["pk-by-roadmap-2025-2027"]["date_precision"] == "day"
    assert records["pk-be-military-relations-2022"]["date_precision"] == "month"
    assert records["navttc-ripo-mou"]["date"] is None and records["navttc-ripo-mou"]["date_precision"] is None


def test_empty_csv_keeps_the_full_header(real: Path) -> None:
    empty = cli("list", "--country", "belgium", "--status", "signed", "--format", "csv").stdout
    full = cli("list", "--format", "csv").stdout
    assert empty == full.splitlines()[0] + "\n"


@pytest.mark.parametrize("columns", ["80", "100", "160"])
def test_table_fits_the_terminal_and_loses_no_text(real: Path, monkeypatch: pytest.MonkeyPatch, columns: str) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    out = cli("list", "--country", "belarus", "--format", "table").stdout
    assert all(len(line) <= int(columns) for line in out.splitlines())
    words = set(out.split())
    for record in json.loads(cli("list", "--country", "belarus", "--format", "json").stdout):
        assert set(record["title"].split()) <= words, record["title"]
