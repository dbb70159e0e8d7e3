"""`bilat export DIR`: a Frictionless data package (validated with the frictionless library), the CSVs say what
the database says, a second export replaces the first whole, and nothing that is not bilat's is ever replaced."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from pathlib import Path

import pytest

from bilat.build.descriptions import TABLES as DESCRIBED
from bilat.build.schema import FOREIGN_KEYS
from bilat.publish import export_folder
from bilat.publish.datapackage import MARKER, exported_tables
from conftest import cli, shell


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _db() -> Path:
    return Path(cli("db").stdout.strip())


def test_the_package_is_valid_frictionless_and_its_csvs_are_the_database(real_readonly: Path, tmp_path: Path) -> None:
    import frictionless  # a test dependency (pyproject [test]); imported here, it is slow to import

    target = tmp_path / "package"
    result = cli("export", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{target}\n" and "exported 21 tables" in result.stderr

    report = frictionless.validate(str(target / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    conn = sqlite3.connect(_db())
    for table in exported_tables():
        with (target / f"{table}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0] == [d[1] for d in conn.execute(f"pragma table_info([{table}])")]
        assert len(rows) - 1 == conn.execute(f"select count(*) from [{table}]").fetchone()[0], table
    copy = sqlite3.connect(target / "agreements.sqlite")
    assert (
        copy.execute("select count(*) from agreements").fetchone()
        == conn.execute("select count(*) from agreements").fetchone()
    )
    tables = {row[0] for row in copy.execute("select name from sqlite_master where type = 'table'")}
    assert not tables & {"_meta", "_data_files", "_source_files"}  # no path of this machine is published
    assert (target / "agreements.csv").stat().st_mode & 0o777 == 0o644  # umask 022 in the test run, as usual


def test_the_descriptor_says_what_the_schema_and_descriptions_say(real_readonly: Path, tmp_path: Path) -> None:
    cli("export", str(tmp_path / "p"))
    package = json.loads((tmp_path / "p" / "datapackage.json").read_text())
    assert MARKER in package and package["profile"] == "tabular-data-package"
    resources = {r["title"]: r for r in package["resources"]}
    assert set(resources) == set(exported_tables())
    agreements = resources["agreements"]["schema"]
    assert agreements["primaryKey"] == ["id"]
    assert {f["name"]: f["description"] for f in agreements["fields"]} == DESCRIBED["agreements"][1]
    declared = {(t, c) for t, c in FOREIGN_KEYS}
    found = {(title, k["fields"][0]) for title, r in resources.items() for k in r["schema"].get("foreignKeys", [])}
    assert found == declared
    titles = [s["title"] for s in package["sources"]]
    assert len(titles) == 5 and any("UrduPoint" in t for t in titles)


def test_a_second_export_replaces_the_first_whole(real: Path, tmp_path: Path) -> None:
    target = tmp_path / "package"
    assert cli("export", str(target)).exit_code == 0
    first = target.stat().st_ino
    text = real.read_text().replace(
        "title: MoU on labor partnership between Pakistan and Belgium",
        "title: MoU on labour partnership between Pakistan and Belgium",
    )
    assert text != real.read_text()
    real.write_text(text)
    assert cli("export", str(target)).exit_code == 0
    assert target.stat().st_ino != first  # a new folder took its place
    assert "MoU on labour partnership" in (target / "agreements.csv").read_text()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no work folder left


def test_a_failed_export_leaves_the_earlier_package_as_it_was(
    real_readonly: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "package"
    cli("export", str(target))
    before = _tree(target)
    calls = []

    def failing(conn: sqlite3.Connection, table: str, path: Path) -> int:
        calls.append(table)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real_write(conn, table, path)

    real_write = export_folder._write_csv
    monkeypatch.setattr(export_folder, "_write_csv", failing)
    result = cli("export", str(target))
    assert result.exit_code == 74 and "No space left" in result.stderr
    assert _tree(target) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("kind", ["file", "foreign folder", "symlink", "extra file"])
def test_what_is_not_bilats_is_refused_and_untouched(real_readonly: Path, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "target"
    if kind == "file":
        target.write_text("my notes\n")
    elif kind == "foreign folder":
        target.mkdir()
        (target / "thesis.csv").write_text("a,b\n")
    elif kind == "symlink":
        (tmp_path / "elsewhere").mkdir()
        target.symlink_to(tmp_path / "elsewhere")
    else:  # an earlier export, with a file of the user's put in it
        cli("export", str(target))
        (target / "my-analysis.R").write_text("library(readr)\n")
    before = _tree(tmp_path)
    result = cli("export", str(target))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and str(target) in result.stderr
    assert _tree(tmp_path) == before
    assert os.path.lexists(target)
    if kind == "extra file":
        assert "holds my-analysis.R, not part of the package" in result.stderr


def test_an_empty_folder_is_filled_and_a_missing_parent_is_refused(real_readonly: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert cli("export", str(tmp_path / "empty")).exit_code == 0
    assert (tmp_path / "empty" / "datapackage.json").is_file()
    result = cli("export", str(tmp_path / "no" / "such" / "place"))
    assert result.exit_code == 2 and "is not a folder" in result.stderr
    assert not (tmp_path / "no").exists()


def test_the_installed_bilat_exports_through_a_pipe(real_readonly: Path, tmp_path: Path) -> None:
    done = shell(f"bilat export '{tmp_path / 'out'}' | cat")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{tmp_path / 'out'}\n"
    with (tmp_path / "out" / "agreements.csv").open(encoding="utf-8", newline="") as f:
        assert len(list(csv.DictReader(f))) == len(json.loads(cli("list", "--format", "json").stdout))


def test_the_current_folder_or_one_that_holds_it_is_refused(
    real_readonly: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Swapping a package in would move the folder the shell stands in; `.` even when empty is refused."""
    here = tmp_path / "empty"
    here.mkdir()
    monkeypatch.chdir(here)
    before = _tree(tmp_path)
    for folder in (".", "..", str(here)):
        result = cli("export", folder)
        assert result.exit_code == 2 and "is the current folder or holds it" in result.stderr
    assert _tree(tmp_path) == before and [p.name for p in tmp_path.iterdir()] == ["empty"]
    assert not any(here.iterdir())


def test_a_relative_folder_with_a_trailing_slash_is_the_folder(
    real_readonly: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("export", "out/").exit_code == 0 and (tmp_path / "out" / "datapackage.json").is_file()
    assert cli("export", "./out/.").exit_code == 0  # the same package, replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_invalid_data_is_not_exported_as_if_it_were_the_data(real: Path, tmp_path: Path) -> None:
    assert cli("build").exit_code == 0
    real.write_text(real.read_text() + "\nnot_a_section: 1\n")
    result = cli("export", str(tmp_path / "package"))
    assert result.exit_code == 3 and "the data is invalid" in result.stderr
    assert not (tmp_path / "package").exists()


def test_a_fifo_named_datapackage_json_is_never_opened(real_readonly: Path, tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.mkdir()
    os.mkfifo(target / "datapackage.json")
    result = cli("export", str(target))  # would block for ever if the FIFO were read
    assert result.exit_code == 2 and "holds no package bilat exported" in result.stderr
