"""The build's entry point: check and compile a dataset into a new database, swapped in atomically.

`build` writes a temporary file beside the database, fills it by a full build
(below) or an incremental one (bilat.build.incremental), and replaces the
database with it only when complete and valid; on any problem, or Ctrl-C, the
temporary file is removed and the last good database is left untouched.
bilat.store calls it, under its lock; nothing here calls bilat.store.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from bilat import __version__
from bilat.build import incremental
from bilat.build.checks import DataChanged, PendingQuote, check, locate_problems
from bilat.build.derive import derive, derive_reported, update_countries
from bilat.build.progress import Progress, Reporter
from bilat.build.read import read_files
from bilat.build.rows import insert
from bilat.build.schema import DB_SCHEMA_VERSION, RECORD_TABLES, REINDEX_AGREEMENTS, create_indexes, create_schema
from bilat.build.search_index import index_search
from bilat.layout import Snapshot, data_file_path
from bilat.load import display_name
from bilat.ownership import APPLICATION_ID
from bilat.problems import InvalidDataError
from bilat.validate import check_dataset

ATTEMPTS = 3  # builds tried when the data keeps changing under them
_COUNTED = (*RECORD_TABLES, "evidence")  # what a build reports it compiled


@dataclass
class BuildReport:
    db: Path
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    mode: str = "full"  # or "incremental"
    files_read: int = 0

    def summary(self) -> str:
        parts = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        how = f" (incremental: {self.files_read} changed file{'s' * (self.files_read != 1)})" * (
            self.mode == "incremental"
        )
        return f"built {self.db} in {self.seconds:.2f}s{how}: {parts}"


def build(
    data: Path, db_path: Path, progress: Progress | None = None, guard: Callable[[], None] | None = None
) -> BuildReport:
    """Check and compile the dataset at `data` into `db_path`, atomically; raise InvalidDataError on any problem.

    `progress` (when given) receives a line now and then while a long build runs.
    When the data changes while it is read (an editor saving, a sync), so that
    the problems found can no longer be shown, the build starts again on what is
    there now, up to ATTEMPTS times.  `guard` is called just before the new file
    replaces `db_path`: it raises when whatever is there may not be replaced.
    """
    for _attempt in range(ATTEMPTS):
        try:
            return _build_once(data, db_path, progress, guard)
        except DataChanged:
            continue
    raise InvalidDataError([], f"{display_name(data)}: the data kept changing while it was compiled; run it again")


def _build_once(data: Path, db_path: Path, progress: Progress | None, guard: Callable[[], None] | None) -> BuildReport:
    started = time.perf_counter()
    snapshot = Snapshot.take(data)  # taken before reading, so an edit during the build leaves the result stale
    fp = snapshot.fingerprint()
    report = Reporter(progress)
    if not data.exists() or not snapshot.yaml:
        raise InvalidDataError(check_dataset(data))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        plan = incremental.plan(data, db_path, snapshot)
        if plan is not None:
            shutil.copyfile(db_path, tmp)
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            _pragmas(conn)
            conn.execute("begin")
            if plan is None:
                _full(conn, data, snapshot, report, fp)
            else:
                incremental.apply(conn, data, plan, report, fp)
            counts = _counts(conn)
            _refuse_empty(data, counts)
            _finish(conn, data, snapshot, fp)
            conn.execute("commit")
            conn.execute("pragma journal_mode = delete")
        finally:
            conn.close()
        if guard is not None:
            guard()
        _keep_mode(db_path, tmp)
        os.replace(tmp, db_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if plan is None:
        return BuildReport(db_path, time.perf_counter() - started, counts, "full", len(snapshot.yaml))
    return BuildReport(db_path, time.perf_counter() - started, counts, "incremental", len(plan.changed))


def _keep_mode(db_path: Path, tmp: Path) -> None:
    """The new database keeps the old one's permissions (a database shared read-only stays readable)."""
    with suppress(OSError):  # no old database: mkstemp's 0600
        os.chmod(tmp, stat.S_IMODE(os.stat(db_path).st_mode))


def _refuse_empty(data: Path, counts: dict[str, int]) -> None:
    """A dataset with no records is almost always an empty or truncated file: the validator decides.

    It is accepted only when the data says it is empty on purpose (the validator
    knows how); otherwise the last good database is kept.
    """
    if any(counts.values()):
        return
    problems = check_dataset(data)
    if problems:
        raise InvalidDataError(problems)


def _pragmas(conn: sqlite3.Connection) -> None:
    # The temporary file is swapped in only when complete: no journal, no syncs while it is written.
    conn.execute("pragma journal_mode = off")
    conn.execute("pragma synchronous = off")
    conn.execute("pragma cache_size = -131072")  # 128 MiB of page cache: index builds stay in memory
    conn.execute("pragma temp_store = file")  # the search text is gathered in a temp table: on disk, not in RAM


def _full(conn: sqlite3.Connection, data: Path, snapshot: Snapshot, report: Reporter, fp: str) -> None:
    create_schema(conn)
    names = list(snapshot.yaml)
    offending: set[str] = set()
    pending: list[PendingQuote] = []
    records = rows = 0
    report(f"reading {len(names)} file{'s' * (len(names) != 1)}", phase=True)
    for n, result in enumerate(read_files(data, names, [data_file_path(data, name) for name in names]), 1):
        rows += insert(conn, result, offending)
        records += result.records
        pending += [(source, quote, result.name) for source, quote in result.pending_quotes]
        report(f"{records:,} records read, {rows:,} rows written ({n}/{len(names)} files)")
    report(f"{records:,} records read, {rows:,} rows written; indexing", phase=True)
    create_indexes(conn)
    report("checking references and quotes", phase=True)
    offending |= check(conn, pending)
    if offending:
        raise InvalidDataError(locate_problems(conn, data, offending, fp))
    update_countries(conn)
    report("deriving dates and statuses", phase=True)
    derive(conn, None)
    derive_reported(conn, None)
    report(f"building the search index ({records:,} records)", phase=True)
    index_search(conn, None)
    conn.execute(REINDEX_AGREEMENTS)  # ~1 s at 125,000 agreements


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f"select count(*) from [{t}]").fetchone()[0] for t in _COUNTED}


def _finish(conn: sqlite3.Connection, data: Path, snapshot: Snapshot, fp: str) -> None:
    """What the database was built from (for the next incremental build and the freshness check), and bilat's mark."""
    conn.execute("delete from _data_files")
    conn.executemany("insert into _data_files values (?, ?, ?, ?)", [(n, *st) for n, st in snapshot.yaml.items()])
    conn.execute("delete from _source_files")
    conn.executemany("insert into _source_files values (?, ?, ?, ?)", [(n, *st) for n, st in snapshot.sources.items()])
    conn.execute(f"pragma application_id = {APPLICATION_ID}")  # the mark bilat.ownership looks for
    meta = {
        "schema_version": DB_SCHEMA_VERSION,
        "bilat_version": __version__,
        "fingerprint": fp,
        "data": str(data.resolve()),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    conn.executemany("insert or replace into _meta values (?, ?)", list(meta.items()))
