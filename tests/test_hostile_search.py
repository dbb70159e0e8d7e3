"""Hostile search strings: each is searched sensibly or refused with exit 2, and the database is never touched."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import cli, shell
from contract_data import HOSTILE_ID, checksum, hostile_dataset

USAGE = 2

HOSTILE_QUERIES = [
    '"unbalanced',
    'unbalanced"',
    '"skilled workers',
    "AND",
    "OR",
    "NOT",
    "AND OR NOT",
    "labour AND",
    "NOT labour",
    "US-UK",
    "co-operation",
    "C++",
    "50%",
    "don't",
    "''",
    '""',
    "*",
    "labour*",
    "*labour",
    "NEAR(",
    "NEAR(labour",
    "NEAR(labour partnerships, 5)",
    "title:x",
    "title:readmission",
    "nosuchcolumn:x",
    "{title summary}:labour",
    "^labour",
    "labour OR",
    "(labour",
    "labour)",
    "x'; DROP TABLE agreements; --",
    "'; DELETE FROM search_index_fts; --",
    '" OR 1=1 --',
    'labour"); DROP TABLE agreements; --',
    "Беларусь",
    "پاکستان",
    "Élysée",
    "\\",
    "\\\\",
    "back\\slash",
    "C:\\Users\\x",
    "a" * 5000,
    "labour " * 700,
    "(" * 5000,
    "NOT " * 1250,
    '"' * 5000,
    "-",
    "+",
    "%",
    "_",
    ":",
    "labour:",
    "\t",
    "labour\nworkers",
    "🙂",
]


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = hostile_dataset(tmp_path / "hostile")
    monkeypatch.setenv("BILAT_DATA", str(path))
    assert cli("build").exit_code == 0
    return path


def _db() -> Path:
    import os

    return Path(os.environ["BILAT_DB"])


def _rows() -> dict[str, int]:
    conn = sqlite3.connect(f"file:{_db()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' order by name")]
        return {t: conn.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=lambda q: repr(q[:30]) + (f"x{len(q)}" if len(q) > 30 else ""))
def test_hostile_query_is_searched_or_refused_and_the_database_is_untouched(hostile: Path, query: str) -> None:
    before, rows = checksum(_db()), _rows()
    result = cli("search", query, "--format", "json")
    assert result.exit_code in (0, USAGE), (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) <= 1, result.stderr
    assert len(result.stderr) < 400, "a long query is not echoed whole"
    if result.exit_code == 0:
        hits = json.loads(result.stdout)
        assert isinstance(hits, list)
        assert not result.stderr or result.stderr.startswith("note: ")
    else:
        assert result.stdout == ""
        assert result.stderr.startswith("error: search: ")
    assert checksum(_db()) == before
    assert _rows() == rows


@pytest.mark.parametrize(
    "query",
    ["US-UK", "co-operation", "C++", "50%", "don't", "Беларусь", "پاکستان", "back\\slash", "[energy]", "energy]"],
)
def test_awkward_words_find_the_record_that_contains_them(hostile: Path, query: str) -> None:
    result = cli("search", query, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert HOSTILE_ID in [h["id"] for h in json.loads(result.stdout)]


@pytest.mark.parametrize("query", ["''", '""', "*", '"', "\\", "-", "()", "🙂", '"" ""', "   "])
def test_nothing_searchable_is_refused_with_exit_2(hostile: Path, query: str) -> None:
    result = cli("search", query)
    assert result.exit_code == USAGE, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: search: ")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "query, expected",
    [
        ("labour*", "pk-be-labour-mou"),
        ('"skilled Pakistani workers"', "pk-by-skilled-workers"),
        ("title:readmission", HOSTILE_ID),
        ("readmission NOT energy", "sharif-lukashenko-reported-2025-04-12"),
    ],
)
def test_the_documented_syntax_still_works_without_a_note(hostile: Path, query: str, expected: str) -> None:
    result = cli("search", query, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert expected in [h["id"] for h in json.loads(result.stdout)]


def test_sql_injection_is_only_words(hostile: Path) -> None:
    before = _rows()
    result = cli("search", "x'; DROP TABLE agreements; --", "--format", "json")
    assert result.exit_code == 2  # not search syntax, and its words match nothing: refused, nothing run
    assert result.stderr.startswith("error: search: ") and "is not valid search syntax" in result.stderr
    assert _rows() == before
    assert cli("list", "--format", "json").exit_code == 0


def test_a_long_query_gets_a_short_message(hostile: Path) -> None:
    result = cli("search", "NOT " * 1250 + "labour")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: search: ")
    assert result.stderr.count("\n") == 1 and len(result.stderr) < 400
    result = cli("search", '"' + "readmission " * 1000)  # unbalanced, long, and its words do match
    assert result.exit_code == 0
    assert result.stderr.startswith("note: ")
    assert result.stderr.count("\n") == 1 and len(result.stderr) < 400


def test_hostile_queries_through_the_installed_script(hostile: Path) -> None:
    before = checksum(_db())
    for query in ["US-UK", '"unbalanced', "C++", "Беларусь", "x'; DROP TABLE agreements; --", "*"]:
        proc = shell('bilat search "$Q" --format json | cat', env={"Q": query})
        assert proc.returncode in (0, USAGE), (query, proc.stderr)
        assert "Traceback" not in proc.stderr and proc.stderr.count("\n") <= 1
        if proc.returncode == 0:
            json.loads(proc.stdout)
    assert checksum(_db()) == before
