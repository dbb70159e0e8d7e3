"""`bilat sql` (one read-only query, any format) and `bilat db` (the database's path): nothing can be changed,
attached, written or loaded, by construction."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from pathlib import Path

import pytest

from bilat.read import sql as sql_module
from conftest import cli, shell


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_db_prints_the_fresh_database_and_sql_reads_it(real_readonly: Path) -> None:
    result = cli("db")
    assert result.exit_code == 0
    db = Path(result.stdout.strip())
    assert db.is_file()
    count = sqlite3.connect(db).execute("select count(*) from agreements").fetchone()[0]
    rows = json.loads(cli("sql", "select count(*) as n from agreements", "--format", "json").stdout)
    assert rows == [{"n": count}] and count == len(json.loads(cli("list", "--format", "json").stdout))


def test_every_format_and_a_limit(real_readonly: Path) -> None:
    query = "select id, status from agreements order by id"
    table = list(csv.DictReader(io.StringIO(cli("sql", query, "--format", "csv").stdout)))
    assert table and set(table[0]) == {"id", "status"}
    assert len(json.loads(cli("sql", query, "-n", "2", "--format", "json").stdout)) == 2
    assert cli("sql", query, "--format", "tsv").stdout.splitlines()[0] == "id\tstatus"


@pytest.mark.parametrize(
    "statement",
    [
        "DROP TABLE agreements",
        "UPDATE agreements SET status = 'signed'",
        "INSERT INTO agreements (id) VALUES ('x')",
        "ATTACH '{folder}/new.sqlite' AS other",
        "PRAGMA writable_schema=1",
        "VACUUM INTO '{folder}/copy.sqlite'",
        "SELECT load_extension('{folder}/evil')",
        "SELECT 1; DROP TABLE agreements",
        "WITH x AS (SELECT 1) SELECT * FROM x; ATTACH '{folder}/new.sqlite' AS other",
    ],
)
def test_nothing_but_a_query_runs(real_readonly: Path, tmp_path: Path, statement: str) -> None:
    db = Path(cli("db").stdout.strip())
    before, files = _digest(db), sorted(p.name for p in db.parent.iterdir())
    result = cli("sql", statement.format(folder=tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: sql: ") and result.stderr.count("\n") == 1
    assert _digest(db) == before and sorted(p.name for p in db.parent.iterdir()) == files
    assert list(tmp_path.iterdir()) == [] or all(
        p.name not in ("new.sqlite", "copy.sqlite") for p in tmp_path.iterdir()
    )


def test_the_authorizer_alone_refuses_what_would_create_a_file(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite"
    sqlite3.connect(db).execute("create table t (a)").connection.commit()
    conn = sqlite3.connect(db)
    conn.set_authorizer(sql_module._authorize)  # the third wall, without the other two
    for statement in (f"attach '{tmp_path}/new.sqlite' as other", "pragma writable_schema = 1", "delete from t"):
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute(statement)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.sqlite"]


def test_a_bad_query_is_one_line_and_exit_2(real_readonly: Path) -> None:
    result = cli("sql", "select nonsense from nowhere")
    assert result.exit_code == 2 and result.stderr == "error: sql: no such table: nowhere\n"


def test_piped_like_a_shell_user(real_readonly: Path) -> None:
    proc = shell("bilat sql 'select id from agreements order by id' --format tsv | head -2")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "id" and len(proc.stdout.splitlines()) == 2
    path = (
        shell('sqlite3 "$(bilat db)" "select count(*) from sources"')
        if shell("command -v sqlite3").returncode == 0
        else None
    )
    assert path is None or path.stdout.strip() == "5"


def test_ctrl_c_stops_a_runaway_query_with_exit_130(real_readonly: Path) -> None:
    """SQLite runs a query without returning to Python: a progress handler lets Ctrl-C through."""
    import signal
    import subprocess
    import time

    from conftest import bilat_script

    runaway = "with recursive c(x) as (values(1) union all select x + 1 from c) select count(*) from c"
    process = subprocess.Popen([bilat_script(), "sql", runaway], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.0)  # started and counting (the database is already built)
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 130


@pytest.mark.parametrize(
    ("statement", "said"),
    [
        ("selct * from agreements", "'selct' does not begin a query (did you mean 'select'?)"),
        ("select * from agreemnts", "no such table: agreemnts (did you mean 'agreements'?)"),
        ("select titel from agreements", "no such column: titel (did you mean 'title'?)"),
        ("", "the statement is empty"),
    ],
)
def test_a_mistyped_statement_is_one_line_naming_the_nearest_word(
    real_readonly: Path, statement: str, said: str
) -> None:
    result = cli("sql", statement)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and said in result.stderr
