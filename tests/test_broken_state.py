"""Broken state: damaged, old or unwritable databases and caches, missing or broken data, concurrent first runs.

Each is recovered (rebuilt, or built elsewhere with a warning) or refused with one clear line; nothing is lost
and no reader ever sees a half-built database.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import bilat_script, cli
from contract_data import checksum

OK, USAGE, INVALID = 0, 2, 3
MINI_IDS = ["pk-be-labour-mou", "pk-by-readmission", "pk-by-skilled-workers"]


def _ids(result_stdout: str) -> list[str]:
    return sorted(r["id"] for r in json.loads(result_stdout))


def _db() -> Path:
    return Path(os.environ["BILAT_DB"])


def _one_line(stderr: str, prefix: str = "error: ") -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(prefix), stderr
    assert "Traceback" not in stderr
    return lines[0]


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".tmp") or "-journal" in p.name or p.name.endswith("-wal")]


def _healthy(db: Path) -> bool:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def _built(mini: Path) -> Path:
    result = cli("build")
    assert result.exit_code == OK, result.stderr
    return _db()


# ---------------------------------------------------------------- damaged database files


def _page_of(db: Path, table: str) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        size = conn.execute("pragma page_size").fetchone()[0]
        root = conn.execute("select rootpage from sqlite_master where name = ?", (table,)).fetchone()[0]
    finally:
        conn.close()
    return (root - 1) * size, size


def _random_bytes(db: Path) -> None:
    db.write_bytes(os.urandom(8192))


def _empty(db: Path) -> None:
    db.write_bytes(b"")


def _truncated_to_the_header(db: Path) -> None:
    with open(db, "r+b") as f:
        f.truncate(4096)


def _truncated_to_half(db: Path) -> None:
    with open(db, "r+b") as f:
        f.truncate(db.stat().st_size // 2)


def _text_file(db: Path) -> None:
    db.write_text("not a database\n")


def _agreements_page_overwritten(db: Path) -> None:
    offset, size = _page_of(db, "agreements")
    with open(db, "r+b") as f:
        f.seek(offset)
        f.write(b"\xff" * size)


def _search_index_page_overwritten(db: Path) -> None:
    offset, size = _page_of(db, "search_index_fts_data")
    with open(db, "r+b") as f:
        f.seek(offset)
        f.write(b"\x00" * size)


def _table_dropped(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("drop view agreement_overview")
    conn.execute("drop table agreement_parties")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("damage", [_truncated_to_the_header, _truncated_to_half], ids=lambda f: f.__name__.strip("_"))
def test_a_damaged_database_is_rebuilt_transparently(mini: Path, damage) -> None:
    # The header survives, with bilat's application_id: the file is provably bilat's, so it may be replaced.
    db = _built(mini)
    damage(db)
    result = cli("list", "--format", "json")
    assert result.exit_code == OK, result.stderr
    assert _ids(result.stdout) == MINI_IDS
    assert _healthy(db)
    assert not _leftovers(db.parent)


UNPROVABLE = [_random_bytes, _empty, _text_file]


@pytest.mark.parametrize("damage", UNPROVABLE, ids=lambda f: f.__name__.strip("_"))
def test_a_chosen_database_that_cannot_be_proven_bilats_is_refused_and_untouched(mini: Path, damage) -> None:
    db = _built(mini)
    damage(db)
    before = (db.read_bytes(), db.stat().st_mode)
    for args in (["list", "--format", "json"], ["build"], ["show", "khar"]):
        result = cli(*args)
        assert result.exit_code == USAGE, result.stderr
        line = _one_line(result.stderr)
        assert str(db) in line and "not read or replace" in line
    assert (db.read_bytes(), db.stat().st_mode) == before
    assert not db.with_name(db.name + ".failed").exists()


@pytest.mark.parametrize("damage", UNPROVABLE, ids=lambda f: f.__name__.strip("_"))
def test_damage_in_bilats_own_cache_folder_is_rebuilt(mini: Path, damage, monkeypatch: pytest.MonkeyPatch) -> None:
    # No --db: the cache folder and the names in it are bilat's own, so whatever is there may be replaced.
    monkeypatch.delenv("BILAT_DB")
    assert cli("build").exit_code == OK
    (db,) = Path(os.environ["XDG_CACHE_HOME"]).rglob("*.sqlite")
    damage(db)
    result = cli("list", "--format", "json")
    assert result.exit_code == OK, result.stderr
    assert _ids(result.stdout) == MINI_IDS
    assert _healthy(db)


@pytest.mark.parametrize(
    "damage, args",
    [
        (_agreements_page_overwritten, ["list", "--format", "json"]),
        (_agreements_page_overwritten, ["show", "pk-by-readmission", "--format", "json"]),
        (_search_index_page_overwritten, ["search", "labour", "--format", "json"]),
        (_table_dropped, ["list", "--country", "by", "--format", "json"]),
    ],
    ids=["agreements-page", "show", "search-index-page", "dropped-table"],
)
def test_damage_found_while_reading_is_one_line_and_healed(mini: Path, damage, args: list[str]) -> None:
    # The damage is behind an intact _meta table, so it is only found by the query itself.
    db = _built(mini)
    damage(db)
    first = cli(*args)
    if first.exit_code != OK:
        assert first.exit_code == INVALID, first.stderr
        line = _one_line(first.stderr)
        assert str(db) in line and "damaged" in line and "rebuilt" in line
        assert first.stdout == ""
    again = cli(*args)
    assert again.exit_code == OK, again.stderr
    json.loads(again.stdout)
    assert _healthy(db)


def test_an_older_schema_version_is_rebuilt(mini: Path) -> None:
    db = _built(mini)
    conn = sqlite3.connect(db)
    conn.execute("update _meta set value = '0' where key = 'schema_version'")
    conn.execute("drop view agreement_overview")
    conn.execute("drop table agreement_parties")  # what an older layout might lack
    conn.commit()
    conn.close()
    result = cli("list", "--country", "belarus", "--format", "json")
    assert result.exit_code == OK, result.stderr
    assert _ids(result.stdout) == ["pk-by-readmission", "pk-by-skilled-workers"]
    conn = sqlite3.connect(db)
    assert conn.execute("select value from _meta where key = 'schema_version'").fetchone()[0] != "0"
    conn.close()


def test_a_database_without_a_schema_version_is_rebuilt(mini: Path) -> None:
    db = _built(mini)
    conn = sqlite3.connect(db)
    conn.execute("delete from _meta where key = 'schema_version'")
    conn.commit()
    conn.close()
    before = checksum(db)
    result = cli("list", "--format", "json")
    assert result.exit_code == OK, result.stderr
    assert checksum(db) != before


def test_a_read_only_database_is_read_without_writing(mini: Path) -> None:
    db = _built(mini)
    db.chmod(0o444)
    before = checksum(db)
    for args in (["list", "--format", "json"], ["search", "labour"], ["show", "khar"], ["summary"], ["timeline"]):
        assert cli(*args).exit_code == OK, args
    assert checksum(db) == before
    assert not _leftovers(db.parent)


def test_a_database_that_cannot_be_replaced_is_refused_and_kept(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root ignores file modes, so a read-only folder is simulated where the build creates its temporary file.
    db = _built(mini)
    before = checksum(db)
    mini.write_text(mini.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # stale now

    def refuse(*_args: object, dir: str | None = None, **_kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied", str(Path(dir or ".") / "x.tmp"))

    monkeypatch.setattr("bilat.build.full.tempfile.mkstemp", refuse)
    result = cli("list", "--format", "json")  # the last good database is served, with one warning
    assert result.exit_code == OK
    assert _ids(result.stdout) == MINI_IDS
    line = _one_line(result.stderr, "warning: ")
    assert str(db) in line and "cannot write" in line and "last good database" in line
    assert checksum(db) == before
    result = cli("build")
    assert result.exit_code == INVALID
    line = _one_line(result.stderr)
    assert str(db) in line and "cannot write" in line


# ---------------------------------------------------------------- unwritable cache folders


@pytest.fixture
def no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No --db: the cache folder sits under a regular file, so it cannot be created (root or not)."""
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    monkeypatch.delenv("BILAT_DB")
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return temp


def test_an_unwritable_cache_builds_elsewhere_with_a_warning(mini: Path, no_cache: Path) -> None:
    for _ in range(2):  # the second run finds the database it built elsewhere
        result = cli("list", "--format", "json")
        assert result.exit_code == OK, result.stderr
        assert _ids(result.stdout) == MINI_IDS
        line = _one_line(result.stderr, "warning: ")
        assert "cannot write" in line and str(no_cache) in line
    (db,) = no_cache.rglob("*.sqlite")
    assert _healthy(db)


def test_an_unwritable_cache_through_the_installed_script(mini: Path, no_cache: Path) -> None:
    env = {**os.environ}
    proc = subprocess.run([bilat_script(), "list", "--format", "json"], capture_output=True, text=True, env=env)
    assert proc.returncode == OK, proc.stderr
    assert _ids(proc.stdout) == MINI_IDS
    assert _one_line(proc.stderr, "warning: ")


def test_a_chosen_database_under_a_file_is_refused(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "plain-file"
    blocker.write_text("")
    monkeypatch.setenv("BILAT_DB", str(blocker / "bilat.sqlite"))
    result = cli("list")
    assert result.exit_code == INVALID
    line = _one_line(result.stderr)
    assert str(blocker / "bilat.sqlite") in line and "cannot write" in line
    assert f"{blocker} is a file, not a folder" in line


# ---------------------------------------------------------------- missing and broken data


def test_a_missing_data_file_is_refused_and_the_database_kept(mini: Path) -> None:
    db = _built(mini)
    before = checksum(db)
    mini.unlink()
    result = cli("list")
    assert result.exit_code == USAGE
    assert "data file not found" in _one_line(result.stderr)
    assert checksum(db) == before


@pytest.mark.parametrize(
    "breakage, where",
    [
        (lambda t: t.replace("kind: mou\n", "kind: [unclosed\n"), r":\d+:\d+: "),
        (lambda t: t.replace("title: Readmission Agreement\n", "title: 12:30:45\n"), r":\d+:\d+: agreements\[2\]"),
        (lambda t: t.replace("agreements:\n", "agreements:\n  - id: Not An Id\n", 1), r":\d+:\d+: "),
        (lambda t: t + "\n\tbad: indentation\n", r":\d+:\d+: "),
        (lambda t: "agreements: [\n", r":\d+:\d+: "),
        (lambda t: t.replace('quote: "signed a Readmission', 'quote: "signed no Readmission'), r":\d+:\d+: "),
    ],
    ids=["flow-sequence", "sexagesimal", "bad-id", "tab", "truncated", "quote-not-in-source"],
)
def test_broken_yaml_is_located_and_the_last_good_database_is_kept_and_served(mini: Path, breakage, where: str) -> None:
    import re

    db = _built(mini)
    before = checksum(db)
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)  # a reader that was already running
    good = mini.read_text(encoding="utf-8")
    mini.write_text(breakage(good), encoding="utf-8")
    result = cli("build")
    assert result.exit_code == INVALID, result.stderr
    line = _one_line(result.stderr)
    assert re.search(re.escape(str(mini)) + where, line), line
    assert result.stdout == ""
    for args in (["list"], ["search", "labour"]):  # readers get the last good database and one warning
        result = cli(*args)
        assert result.exit_code == OK, (args, result.stderr)
        line = _one_line(result.stderr, "warning: the data is invalid: ")
        assert re.search(re.escape(str(mini)) + where, line), line
        assert "last good database" in line
        assert result.stdout
    assert checksum(db) == before
    assert reader.execute("select count(*) from agreements").fetchone()[0] == 3
    reader.close()
    assert not _leftovers(db.parent)
    mini.write_text(good.replace("Readmission Agreement\n", "Readmission Agreement, fixed\n"), encoding="utf-8")
    result = cli("show", "pk-by-readmission", "--format", "json")
    assert result.exit_code == OK and json.loads(result.stdout)["title"] == "Readmission Agreement, fixed"


def test_yaml_that_is_not_utf8_is_one_line(mini: Path) -> None:
    db = _built(mini)
    before = checksum(db)
    mini.write_bytes(mini.read_bytes().replace(b"Readmission Agreement\n", b"Readmission \xc3\x28greement\n", 1))
    result = cli("build")
    assert result.exit_code == INVALID
    assert str(mini) in _one_line(result.stderr)
    assert checksum(db) == before


@pytest.mark.parametrize("failure, code", [(RuntimeError("disk on fire"), 70), (KeyboardInterrupt(), 130)])
def test_a_build_that_fails_at_the_swap_leaves_the_old_database(
    mini: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException, code: int
) -> None:
    db = _built(mini)
    before = checksum(db)
    mini.write_text(mini.read_text(encoding="utf-8").replace("Readmission Agreement\n", "Readmission, v2\n"))

    def fail(*_args: object) -> None:
        raise failure

    monkeypatch.setattr("bilat.build.full.os.replace", fail)  # the new database is complete, and not swapped in
    result = cli("list")
    assert result.exit_code == code
    assert "Traceback" not in result.stderr and result.stderr.count("\n") <= 1
    assert checksum(db) == before
    assert not _leftovers(db.parent)


def test_open_readers_keep_their_data_while_a_rebuild_swaps_the_file(mini: Path) -> None:
    db = _built(mini)
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    reader.execute("begin")
    assert reader.execute("select title from agreements where id = 'pk-by-readmission'").fetchone()[0] == (
        "Readmission Agreement"
    )
    mini.write_text(mini.read_text(encoding="utf-8").replace("Readmission Agreement\n", "Readmission, v2\n"))
    result = cli("show", "pk-by-readmission", "--format", "json")
    assert result.exit_code == OK and json.loads(result.stdout)["title"] == "Readmission, v2"
    old = reader.execute("select title from agreements where id = 'pk-by-readmission'").fetchone()[0]
    assert old == "Readmission Agreement"
    assert reader.execute("select count(*) from search_index").fetchone()[0] > 0
    reader.close()


# ---------------------------------------------------------------- concurrent first runs


@pytest.mark.parametrize("runs", [2, 8])
def test_concurrent_first_runs_on_an_empty_cache(
    real: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runs: int
) -> None:
    cache = tmp_path / "empty-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv("BILAT_DB")
    env = {**os.environ}
    # Started together, before any of them has had time to build: every one finds the cache empty.
    procs = [
        subprocess.Popen(
            [bilat_script(), "search", "labour", "--format", "json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(runs)
    ]
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    for code, _out, err in results:
        assert code == OK, err
        assert "Traceback" not in err
    outputs = {out for _code, out, _err in results}
    assert len(outputs) == 1
    assert json.loads(outputs.pop())
    folder = cache / "bilat"
    databases = list(folder.glob("*.sqlite"))
    assert len(databases) == 1
    assert _healthy(databases[0])
    assert sorted(p.name for p in folder.iterdir()) == sorted([databases[0].name, databases[0].name + ".lock"])
