"""The incremental rebuild gives exactly the database a full build gives, and never damages the last good one.

Each scenario edits a folder dataset (made by bench/generate.py: several files
whose records point into each other), rebuilds from the last good database,
and compares every table, row for row, with a full build of the same data.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bilat.build import full as compiler
from bilat.build import incremental, read
from bilat.problems import InvalidDataError
from bilat.validate import check_dataset

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def always_incremental(monkeypatch: pytest.MonkeyPatch) -> None:
    """However many of these few files change (the share that makes a full build cheaper is tested apart)."""
    monkeypatch.setattr(incremental, "INCREMENTAL_SHARE", 1.0)


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four files of 120 records (the last one shorter), generated once."""
    out = tmp_path_factory.mktemp("gen") / "data"
    _generator().generate(420, out, per_file=120, docs=2, jobs=1)
    return out


@pytest.fixture
def data(pristine: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(pristine, folder)
    return folder


def _dump(db: Path) -> dict[str, list[tuple[str, ...]]]:
    """Every table's rows, sorted, without rowids or build times (the FTS index is checked by queries)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' order by name")]
    out = {}
    for table in tables:
        if table.startswith(("search_index_fts", "agreements_fts")) or table == "_meta":  # FTS: checked by queries
            continue
        out[table] = sorted(tuple(map(repr, row)) for row in conn.execute(f"select * from [{table}]"))
    conn.close()
    return out


def _search(db: Path, *terms: str) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(db)  # the integrity check is an "insert", though it writes nothing
    conn.execute("insert into search_index_fts(search_index_fts) values ('integrity-check')")
    out = {}
    for term in terms:
        sql = """select s.record_type, s.record_id, round(bm25(search_index_fts), 6) from search_index_fts
                 join search_index s on s.rowid = search_index_fts.rowid where search_index_fts match ?
                 order by 3, 2"""
        out[term] = conn.execute(sql, (term,)).fetchall()
    conn.close()
    return out


def _agreements_found(db: Path, *terms: str) -> dict[str, list[str]]:
    """What the agreements' own FTS index (Datasette's ?_search=) finds, by agreement id."""
    conn = sqlite3.connect(db)
    conn.execute("insert into agreements_fts(agreements_fts) values ('integrity-check')")
    sql = "select id from agreements where rowid in (select rowid from agreements_fts where agreements_fts match ?)"
    found = {term: sorted(r[0] for r in conn.execute(sql, (term,))) for term in terms}
    conn.close()
    return found


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # an mtime unlike the last build's, whatever the clock's resolution


def _rebuild_matches_full(data: Path, tmp_path: Path, mode: str = "incremental", terms: tuple[str, ...] = ()) -> Path:
    db = tmp_path / "bilat.sqlite"
    report = compiler.build(data, db)
    assert report.mode == mode
    full = tmp_path / "full.sqlite"
    compiler.build(data, full)
    assert _dump(db) == _dump(full)
    words = ("cooperation", "zeolite", "desalination", "talks", *terms)
    assert _search(db, *words) == _search(full, *words)
    assert _agreements_found(db, *words) == _agreements_found(full, *words)
    return db


def _value(db: Path, sql: str, *params: Any) -> Any:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute(sql, params).fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def _first_build(data: Path, tmp_path: Path) -> Path:
    db = tmp_path / "bilat.sqlite"
    assert compiler.build(data, db).mode == "full"
    return db


def test_unchanged_data_rebuilds_nothing_but_the_bookkeeping(data: Path, tmp_path: Path) -> None:
    _first_build(data, tmp_path)
    report = compiler.build(data, tmp_path / "bilat.sqlite")
    assert (report.mode, report.files_read) == ("incremental", 0)


def test_an_edited_title_is_visible_and_every_other_row_stays(data: Path, tmp_path: Path) -> None:
    _first_build(data, tmp_path)
    part = data / "part-00001.yaml"
    title = re.search(r'title: "(.*)"', part.read_text().split("agreements:")[1]).group(1)  # type: ignore[union-attr]
    _edit(part, f'title: "{title}"', 'title: "Treaty of Quillwort on kelp"')
    db = _rebuild_matches_full(data, tmp_path, terms=("quillwort",))
    assert _value(db, "select count(*) from agreements where title like '%Quillwort%'") == 1
    assert _search(db, "quillwort")["quillwort"]


def test_a_renamed_person_is_found_through_records_of_other_files(data: Path, tmp_path: Path) -> None:
    db = _first_build(data, tmp_path)
    # A person of file 1 who takes part in an event of file 2: the event's search text names them.
    person, name = next(
        (pid, pname)
        for pid, pname in sqlite3.connect(db).execute(
            """select p.id, p.name from people p join event_participants x on x.person_id = p.id
               join events e on e.id = x.event_id where p.data_file = 'part-00001.yaml'
               and e.data_file = 'part-00002.yaml' limit 1"""
        )
    )
    _edit(
        data / "part-00001.yaml",
        f'  - id: {person}\n    name: "{name}"',
        f'  - id: {person}\n    name: "Zanzibar Quince"',
    )
    db = _rebuild_matches_full(data, tmp_path, terms=("zanzibar",))
    hits = {r[1] for r in _search(db, "zanzibar")["zanzibar"]}
    assert any(_value(db, "select data_file from events where id = ?", h) == "part-00002.yaml" for h in hits)


def test_a_moved_event_date_moves_the_agreements_dated_by_it(data: Path, tmp_path: Path) -> None:
    db = _first_build(data, tmp_path)
    event, date, agreement = (
        sqlite3.connect(db)
        .execute(
            """select e.id, e.date, s.agreement_id from status_steps s join events e on e.id = s.event_id
           join agreements a on a.id = s.agreement_id
           where e.data_file = 'part-00001.yaml' and a.data_file = 'part-00002.yaml'
           and e.date_precision = 'day' limit 1"""
        )
        .fetchone()
    )
    text = (data / "part-00001.yaml").read_text()
    block = text[text.index(f"  - id: {event}\n") :]
    _edit(
        data / "part-00001.yaml",
        block[: block.index("date_precision")],
        block[: block.index("date_precision")].replace(f'date: "{date}"', 'date: "1901-01-01"'),
    )
    db = _rebuild_matches_full(data, tmp_path)
    steps = _value(db, "select count(*) from status_steps where agreement_id = ? and date = '1901-01-01'", agreement)
    assert steps >= 1


def test_added_and_removed_files(data: Path, tmp_path: Path) -> None:
    _first_build(data, tmp_path)
    last = data / "part-00003.yaml"  # nothing points into the last file
    moved = data / "extra" / "later.yaml"
    moved.parent.mkdir()
    last.rename(moved)
    db = _rebuild_matches_full(data, tmp_path)
    assert _value(db, "select count(*) from agreements where data_file = 'extra/later.yaml'") > 0
    moved.unlink()
    db = _rebuild_matches_full(data, tmp_path)
    assert _value(db, "select count(*) from agreements where data_file like '%later%'") == 0


def test_a_record_moved_to_another_file(data: Path, tmp_path: Path) -> None:
    _first_build(data, tmp_path)
    source, target = data / "part-00003.yaml", data / "part-00002.yaml"
    text = source.read_text()
    start = text.index("  - id: a-00003-0000\n")
    end = text.index("  - id: a-00003-0001\n")
    record = text[start:end]
    source.write_text(text[:start] + text[end:])
    # The record's sources stay in file 3: cross-file quotes are checked by the main process.
    with target.open("a") as handle:
        handle.write("---\nagreements:\n" + record)
    db = _rebuild_matches_full(data, tmp_path)
    assert _value(db, "select data_file from agreements where id = 'a-00003-0000'") == "part-00002.yaml"


def test_a_new_source_text_with_a_new_file(data: Path, tmp_path: Path) -> None:
    _first_build(data, tmp_path)
    (data / "sources" / "new-report.txt").write_text("A fresh report: the sides signed a kelp accord today.\n")
    (data / "new.yaml").write_text(
        'sources:\n  - id: new-report\n    outlet: null\n    published: "2025-01-02"\n    kind: news-report\n'
        "    file: new-report.txt\n"
        "organisations:\n  - id: kelp-board\n    name: Kelp Board\n    evidence:\n"
        '      - source: new-report\n        quote: "the sides signed a kelp accord"\n'
        '      - source: s-00000-0000\n        quote: "' + _some_quote(data) + '"\n'
    )
    _rebuild_matches_full(data, tmp_path)


def _some_quote(data: Path) -> str:
    text = (data / "sources" / "s-00000-0000.txt").read_text().split("\n")[2]
    return " ".join(text.split()[:6])


def test_an_edited_source_text_means_a_full_build(data: Path, tmp_path: Path) -> None:
    _first_build(data, tmp_path)
    with (data / "sources" / "s-00000-0000.txt").open("a") as handle:
        handle.write("A postscript.\n")
    _rebuild_matches_full(data, tmp_path, mode="full")


def _broken(data: Path, tmp_path: Path, break_it: Callable[[], None]) -> None:
    """Break the data: the rebuild fails with the validator's own problems and leaves the last good database."""
    db = _first_build(data, tmp_path)
    before = db.read_bytes()
    break_it()
    with pytest.raises(InvalidDataError) as failure:
        compiler.build(data, db)
    assert failure.value.problems == check_dataset(data)
    assert db.read_bytes() == before
    assert not [p for p in db.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_dangling_reference_into_an_unchanged_file(data: Path, tmp_path: Path) -> None:
    _broken(data, tmp_path, lambda: _edit(data / "part-00002.yaml", "event: e-00002-", "event: e-00002-9"))


def test_a_removed_record_others_point_at(data: Path, tmp_path: Path) -> None:
    # File 1's people are referenced from file 2, which does not change.
    def remove() -> None:
        text = (data / "part-00001.yaml").read_text()
        start = text.index("people:\n") + len("people:\n")
        end = text.index("  - id: p-00001-0001\n")
        _edit(data / "part-00001.yaml", text[start:end], "")

    _broken(data, tmp_path, remove)


def test_a_duplicate_id_across_files(data: Path, tmp_path: Path) -> None:
    _broken(data, tmp_path, lambda: _edit(data / "part-00002.yaml", "  - id: a-00002-0005\n", "  - id: a-00001-0005\n"))


def test_a_quote_not_in_its_source_and_a_schema_problem(data: Path, tmp_path: Path) -> None:
    def break_both() -> None:
        _edit(data / "part-00001.yaml", 'quote: "', 'quote: "not in any source ')
        _edit(data / "part-00002.yaml", "kind: mou", "kind: treaty")

    _broken(data, tmp_path, break_both)


def test_a_yaml_syntax_error(data: Path, tmp_path: Path) -> None:
    _broken(data, tmp_path, lambda: _edit(data / "part-00001.yaml", "    kind: ", "    kind: ["))


def test_many_changed_files_mean_a_full_build(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(incremental, "INCREMENTAL_SHARE", 0.25)
    _first_build(data, tmp_path)
    _edit(data / "part-00001.yaml", "kind: mou", "kind: agreement")
    assert compiler.build(data, tmp_path / "bilat.sqlite").mode == "incremental"  # 1 file of 4
    _edit(data / "part-00001.yaml", "kind: mou", "kind: agreement")
    _edit(data / "part-00002.yaml", "kind: mou", "kind: agreement")
    _rebuild_matches_full(data, tmp_path, mode="full")  # 2 of 4


def test_worker_processes_give_the_same_database(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    in_process = tmp_path / "one.sqlite"
    compiler.build(data, in_process)
    monkeypatch.setattr(read, "PARALLEL_BYTES", 0)
    workers = tmp_path / "workers.sqlite"
    compiler.build(data, workers)
    assert _dump(in_process) == _dump(workers)


def test_fixes_after_a_failure_rebuild_incrementally(data: Path, tmp_path: Path) -> None:
    db = _first_build(data, tmp_path)
    _edit(data / "part-00002.yaml", "kind: mou", "kind: treaty")
    with pytest.raises(InvalidDataError):
        compiler.build(data, db)
    _edit(data / "part-00002.yaml", "kind: treaty", "kind: agreement")
    _rebuild_matches_full(data, tmp_path)


def test_unusual_but_valid_yaml_goes_to_the_exact_loader(data: Path, tmp_path: Path) -> None:
    """A boolean (`empty: false`) and explicit tags are valid YAML the fast reader leaves to bilat.load: same rows.

    (Hex numbers were the example once; they are refused now: numbers are decimal.)
    """
    plain = tmp_path / "plain.sqlite"
    compiler.build(data, plain)
    part = data / "part-00001.yaml"
    _edit(part, "---\nsources:\n", "---\nempty: false\nsources:\n")
    _edit(part, 'title: "', 'title: !!str "')
    assert check_dataset(data) == []
    unusual = tmp_path / "unusual.sqlite"
    assert compiler.build(data, unusual).mode == "full"
    for table in ("agreements", "figures", "events"):
        assert _dump(unusual)[table] == _dump(plain)[table]


def test_an_alias_is_refused_as_the_validator_refuses_it(data: Path, tmp_path: Path) -> None:
    def alias() -> None:
        part = data / "part-00001.yaml"
        lines = part.read_text().splitlines(keepends=True)
        parties = [i for i, line in enumerate(lines) if line.startswith("    parties: [")]
        lines[parties[0]] = lines[parties[0]].replace("parties: [", "parties: &p [")
        lines[parties[1]] = "    parties: *p\n"
        part.write_text("".join(lines))
        os.utime(part, ns=(1, 1))

    _broken(data, tmp_path, alias)


def test_a_sources_new_date_moves_when_every_record_citing_it_was_first_reported(data: Path, tmp_path: Path) -> None:
    # The source moves to a file of its own, so the records citing it are in files the edit does not touch.
    part = data / "part-00001.yaml"
    text = part.read_text(encoding="utf-8")
    start = text.index("sources:\n  - id: s-00001-0000\n")
    block = text[start : text.index("people:\n")]
    part.write_text(text.replace(block, "", 1), encoding="utf-8")
    block = block.removeprefix("sources:\n")
    (data / "part-source-only.yaml").write_text("sources:\n" + block, encoding="utf-8")
    db = _first_build(data, tmp_path)
    published = _value(db, "select published from sources where id = 's-00001-0000'")
    assert _value(db, "select count(*) from evidence where source_id = 's-00001-0000'") >= 1
    _edit(data / "part-source-only.yaml", f'published: "{published}"', 'published: "1900-01-01"')
    db = _rebuild_matches_full(data, tmp_path)
    assert _value(db, "select count(*) from agreements where first_reported = '1900-01-01'") >= 1
