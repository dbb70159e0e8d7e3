"""The compiler and the store: tables, views, FTS, automatic rebuilds, and the last good database kept."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path

from bilat.store import is_fresh, resolve
from conftest import cli, shell


def test_build_reports_what_it_compiled(real: Path, isolated: Path) -> None:
    result = cli("build")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert re.match(r"built .*bilat\.sqlite in \d+\.\d+s: 5 sources, \d+ people, .* \d+ agreements", result.stderr)


def test_database_opens_in_plain_sqlite3(mini: Path, isolated: Path) -> None:
    assert cli("build").exit_code == 0
    conn = sqlite3.connect(isolated / "bilat.sqlite")
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'view')")}
    for name in (
        "agreements",
        "agreement_parties",
        "agreement_sectors",
        "events",
        "event_participants",
        "people",
        "organisations",
        "sources",
        "evidence",
        "status_steps",
        "follow_ups",
        "discrepancies",
        "readings",
        "countries",
        "search_index_fts",
        "agreement_overview",
        "timeline",
        "evidence_with_source",
    ):
        assert name in tables, name
    rows = conn.execute("select id, status, parties from agreement_overview order by id").fetchall()
    assert ("pk-by-readmission", "signed", "PK;BY") in rows
    hits = conn.execute("select rowid from search_index_fts where search_index_fts match 'readmission'").fetchall()
    assert hits
    assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"


def test_status_step_date_comes_from_its_event(mini: Path) -> None:
    assert cli("build").exit_code == 0
    result = cli("list", "--format", "jsonl")
    assert '"id": "pk-be-labour-mou"' in result.stdout
    assert '"date": "2023-06-12"' in result.stdout  # the step has no date of its own: its event's


def test_stale_database_is_rebuilt_automatically(mini: Path) -> None:
    assert cli("list", "--format", "csv").exit_code == 0
    store = resolve()
    assert is_fresh(store)
    text = mini.read_text().replace("title: Readmission Agreement", "title: Readmission Accord")
    mini.write_text(text)
    os.utime(mini, ns=(1, 1))  # an mtime unlike the last build's, whatever the clock's resolution
    assert not is_fresh(store)
    result = cli("list", "--format", "csv")
    assert "Readmission Accord" in result.stdout
    assert is_fresh(store)


def test_failed_rebuild_keeps_the_last_good_database(mini: Path, isolated: Path) -> None:
    assert cli("list").exit_code == 0
    db = isolated / "bilat.sqlite"
    before = db.read_bytes()
    mini.write_text(mini.read_text().replace("    kind: mou", "    kind: [mou"))
    result = cli("build")
    assert result.exit_code == 3
    assert re.match(r"error: .*agreements\.yaml:\d+:\d+: YAML syntax", result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1
    result = cli("list")  # a reader is served the last good database, with one warning
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 3
    assert re.match(r"warning: the data is invalid: .*agreements\.yaml:\d+:\d+: YAML syntax", result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1
    assert db.read_bytes() == before
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert conn.execute("select count(*) from agreements").fetchone()[0] == 3
    assert not [p for p in db.parent.iterdir() if p.name.endswith(".tmp")]


def test_invalid_data_message_counts_the_other_problems(mini: Path) -> None:
    text = mini.read_text().replace("    kind: mou", "    kind: treaty").replace('country: "PK"', "country: NO")
    mini.write_text(text)
    result = cli("list")
    assert result.exit_code == 3
    assert "(and 1 more problem: bilat validate " in result.stderr and "agreements.yaml)" in result.stderr


def test_data_and_db_options(mini: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("BILAT_DATA")
    db = tmp_path / "elsewhere" / "x.sqlite"
    db.parent.mkdir()  # a chosen --db's folder must exist (a typo must not make folders: test_file_safety)
    result = cli("--data", str(mini), "--db", str(db), "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert db.exists()
    assert '"pk-by-readmission"' in result.stdout


def test_default_database_lives_in_the_cache_folder(mini: Path, isolated: Path, monkeypatch) -> None:
    monkeypatch.delenv("BILAT_DB")
    assert cli("list").exit_code == 0
    built = list((isolated / "cache" / "bilat").glob("agreements-*.sqlite"))
    assert len(built) == 1


def test_missing_data_file_is_a_clear_error(tmp_path: Path) -> None:
    result = cli("--data", str(tmp_path / "none.yaml"), "list")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "none.yaml: data file not found" in result.stderr


def test_fallback_folder_must_be_private(mini: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    shared = tmp_path / "tmp"
    env = {"XDG_CACHE_HOME": str(blocker), "TMPDIR": str(shared), "BILAT_DB": ""}
    shared.mkdir()
    planted = shared / f"bilat-{os.getuid()}"
    planted.mkdir(mode=0o777)
    planted.chmod(0o777)  # as if another user had made it for us
    proc = shell("bilat list --format json", env=env)
    assert proc.returncode == 3
    assert "not safe to use as a database folder" in proc.stderr
    planted.chmod(0o700)
    proc = shell("bilat list --format json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "warning: cannot write" in proc.stderr
    forced = shell("bilat build", env=env)
    assert forced.returncode == 0 and "built " in forced.stderr  # a forced build rebuilds, even in the fallback


def test_every_column_is_described_once_and_the_readme_says_the_same() -> None:
    from bilat.build import descriptions, schema

    declared = {name: table.column_names for name, table in schema.TABLES.items() if name not in descriptions.INTERNAL}
    described = {name: list(columns) for name, (_, columns) in descriptions.TABLES.items()}
    assert {n: sorted(c) for n, c in declared.items()} == {n: sorted(c) for n, c in described.items()}
    assert set(descriptions.VIEWS) == set(schema.VIEWS)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- database:start -->\n", 1)[1].split("<!-- database:end -->", 1)[0]
    assert block == descriptions.database_markdown()


def test_foreign_keys_are_declared_and_hold(real: Path, isolated: Path) -> None:
    from bilat.build.schema import FOREIGN_KEYS

    db = Path(cli("db").stdout.strip())
    conn = sqlite3.connect(db)
    declared = {
        (table, row[3]): (row[2], row[4])
        for (table,) in conn.execute("select name from sqlite_master where type = 'table'")
        for row in conn.execute(f"pragma foreign_key_list([{table}])")
    }
    assert declared == FOREIGN_KEYS
    assert conn.execute("pragma foreign_key_check").fetchall() == []  # every reference resolves


def test_sqlite_tools_find_the_agreements_full_text_index(real: Path, isolated: Path) -> None:
    db = Path(cli("db").stdout.strip())
    conn = sqlite3.connect(db)
    # What Datasette and sqlite-utils look for: an FTS table whose content is the table.
    found = conn.execute(
        """select name from sqlite_master where rootpage = 0
           and sql like '%VIRTUAL TABLE%USING FTS%content="agreements"%'"""
    ).fetchall()
    assert found == [("agreements_fts",)]
    proc = shell(f"sqlite-utils search '{db}' agreements readmission -c id")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [{"id": "pk-by-readmission-agreement"}]
