"""Records -> a new SQLite database, written to a temporary file and swapped in atomically.

A full build reads the YAML files in worker processes (one file at a time, a
few files in flight, so memory stays flat), inserts their rows in one
transaction on the temporary file, then checks what needs the whole dataset in
SQL (duplicate ids, references, quotes whose source lives in another file),
derives dates and statuses, and fills the search index.

An incremental build starts from a copy of the last good database and
replaces only the rows of the YAML files whose size, mtime or ctime changed, then
re-checks, re-derives and re-indexes the records those rows touch.  It is
chosen when few files changed and no source text was edited or removed.

Both end the same way: any problem and the temporary file is removed, the
last good database untouched.  Problems are then located exactly (file, line,
column) by running the validator over the offending files only, seeded with
the ids of every other file from the database, so an error costs no more than
the files it is in.
"""

from __future__ import annotations

import calendar
import json
import multiprocessing
import os
import re
import shutil
import sqlite3
import stat
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bilat import __version__
from bilat.build.schema import (
    DB_SCHEMA_VERSION,
    FTS_COLUMNS,
    RECORD_TABLES,
    TABLE_OF_TYPE,
    TABLES,
    create_indexes,
    create_schema,
    insert_sql,
    search_text,
)
from bilat.layout import Snapshot, connect_readonly, data_file_path, fingerprint, sources_folder
from bilat.load import display_name, read_documents
from bilat.model import Dataset, Evidence
from bilat.ownership import APPLICATION_ID
from bilat.problems import InvalidDataError, Problem
from bilat.source_files import SourceFileError, read_source
from bilat.validate import SECTIONS, Checker, check_dataset, normalise

Progress = Callable[[str], None]
Row = tuple[Any, ...]

# Rebuild incrementally when at most this share of the YAML files changed (and no source text changed).
INCREMENTAL_SHARE = 0.25
# Read files in worker processes when the dataset is at least this big (bytes of YAML).
PARALLEL_BYTES = 4_000_000


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


def date_range(value: str | None) -> tuple[str | None, str | None]:
    """The first and last day covered by a date of day, month or year precision."""
    if not value:
        return None, None
    parts = value.split("-")
    if len(parts) == 3:
        return value, value
    if len(parts) == 2:
        year, month = int(parts[0]), int(parts[1])
        return f"{value}-01", f"{value}-{calendar.monthrange(year, month)[1]:02d}"
    return f"{value}-01-01", f"{value}-12-31"


# The same in SQL (no Python callback per row): {d} is the column.
_SQL_START = "case length({d}) when 4 then {d} || '-01-01' when 7 then {d} || '-01' else {d} end"
_SQL_END = (
    "case length({d}) when 4 then {d} || '-12-31' when 7 then date({d} || '-01', '+1 month', '-1 day') else {d} end"
)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------- reading (in worker processes)


class _NotPlain(Exception):
    """The YAML uses something the fast reader leaves to the exact one (tags, aliases, duplicates, errors)."""


class _OwnProblem(Exception):
    """The file has a problem of its own: the validator will say where and why."""


_STR, _NULL, _INT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null", "tag:yaml.org,2002:int"
_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _plain(node: yaml.Node, seen: set[int]) -> Any:
    """A node as plain Python, when it is what bilat.load would make of it without any problem."""
    kind = type(node)
    if kind is yaml.ScalarNode:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _NULL:
            return None
        if tag == _INT and _DECIMAL.match(node.value):
            try:
                return int(node.value)
            except ValueError:  # more digits than Python converts (4,300): the exact loader says what it is
                raise _NotPlain from None
        raise _NotPlain  # booleans, dates, odd numbers: the exact loader explains them
    if id(node) in seen:
        raise _NotPlain  # an alias
    seen.add(id(node))
    if kind is yaml.MappingNode:
        out: dict[str, Any] = {}
        for key, value in node.value:
            if type(key) is not yaml.ScalarNode or key.value in out:
                raise _NotPlain
            out[key.value] = _plain(value, seen)
        return out
    if kind is yaml.SequenceNode:
        return [_plain(item, seen) for item in node.value]
    raise _NotPlain


def _plain_documents(path: Path) -> Iterator[Any]:
    """The documents of a YAML file as plain Python (no line marks: ~2x faster than bilat.load)."""
    try:
        with path.open("rb") as stream:
            loader = _Loader(stream)
            try:
                while loader.check_node():
                    yield _plain(loader.get_node(), set())
            finally:
                loader.dispose()
    except (OSError, yaml.YAMLError, UnicodeDecodeError, RecursionError):
        raise _NotPlain from None


@dataclass
class _FileRows:
    """The rows of one YAML file, ready to insert (tuples in column order)."""

    name: str
    ok: bool = True
    rows: dict[str, list[Row]] = field(default_factory=dict)
    pending_quotes: list[tuple[str, str]] = field(default_factory=list)  # (source id, quote) of other files' sources
    records: int = 0
    seconds: float = 0.0


class _Rows:
    """Turns validated records into rows of the database."""

    def __init__(self, name: str, sources: Path) -> None:
        self.out = _FileRows(name)
        self.sources = sources
        self.texts: dict[str, str] = {}  # source id -> normalised text, for this file's sources
        self.quotes: list[tuple[str, str]] = []

    def add(self, table: str, row: Row) -> None:
        self.out.rows.setdefault(table, []).append(row)

    def evidence(self, record_type: str, record_id: str, part: str, items: Iterable[Evidence]) -> None:
        rows = self.out.rows.setdefault("evidence", [])
        for i, e in enumerate(items):
            rows.append((record_type, record_id, part, i, e.source, e.quote))
            self.quotes.append((e.source, e.quote))

    def dataset(self, ds: Dataset) -> None:
        name = self.out.name
        add = self.add
        for s in ds.sources:
            try:
                text: str | None = read_source(self.sources, s.file)
            except SourceFileError:
                text = None
                self.out.ok = False  # "source text ... is missing or unreadable"
            add("sources", (s.id, s.outlet, s.published, s.dateline, s.kind, s.file, s.notes, text, name))
            if text is not None:
                self.texts[s.id] = normalise(text)
        for p in ds.people:
            add("people", (p.id, p.name, p.country, _json(p.aliases), name, " ".join([p.name, *p.aliases])))
            for alias in p.aliases:
                add("person_aliases", (p.id, alias))
            for i, r in enumerate(p.roles):
                add("person_roles", (p.id, i, r.title, r.organisation, r.as_of))
                self.evidence("person", p.id, f"roles[{i}]", r.evidence)
            self.evidence("person", p.id, "", p.evidence)
        for o in ds.organisations:
            add("organisations", (o.id, o.name, o.country, _json(o.aliases), name, " ".join([o.name, *o.aliases])))
            self.evidence("organisation", o.id, "", o.evidence)
        for e in ds.events:
            start, end = date_range(e.date)
            add(
                "events",
                (
                    e.id,
                    e.title,
                    e.kind,
                    e.date,
                    e.date_precision,
                    start,
                    end,
                    e.date_derivation,
                    e.place,
                    e.summary,
                    e.part_of,
                    _json(e.countries),
                    name,
                ),
            )
            for c in e.countries:
                add("event_countries", (e.id, c, start))
            for i, part in enumerate(e.participants):
                add("event_participants", (e.id, i, part.person, part.role))
            for org in e.organisations:
                add("event_organisations", (e.id, org))
            self.evidence("event", e.id, "", e.evidence)
        for a in ds.agreements:
            figures = _json([f.model_dump(exclude={"evidence"}) for f in a.figures])
            add(
                "agreements",
                (
                    a.id,
                    a.title,
                    a.kind,
                    a.quantity,
                    a.summary,
                    None,
                    None,
                    None,
                    None,
                    None,
                    _json(a.parties),
                    _json(a.sectors),
                    _json(a.institutions),
                    figures,
                    name,
                ),
            )
            for c in a.parties:
                add("agreement_parties", (a.id, c))
            for s in a.sectors:
                add("agreement_sectors", (a.id, s))
            for org in a.institutions:
                add("agreement_institutions", (a.id, org))
            for i, f in enumerate(a.figures):
                add("figures", (a.id, i, f.value, f.unit))
                self.evidence("agreement", a.id, f"figures[{i}]", f.evidence)
            for i, step in enumerate(a.status_history):
                add("status_steps", (a.id, i, step.status, step.date, step.event, step.note, None, 0))
                self.evidence("agreement", a.id, f"status_history[{i}]", step.evidence)
            self.evidence("agreement", a.id, "", a.evidence)
        for fu in ds.follow_ups:
            add(
                "follow_ups",
                (
                    fu.id,
                    fu.description,
                    fu.due,
                    fu.place,
                    fu.event,
                    fu.status,
                    fu.outcome.note if fu.outcome else None,
                    _json(fu.agreements),
                    name,
                ),
            )
            for agreement in fu.agreements:
                add("follow_up_agreements", (fu.id, agreement))
            self.evidence("follow_up", fu.id, "", fu.evidence)
            if fu.outcome:
                self.evidence("follow_up", fu.id, "outcome", fu.outcome.evidence)
        for d in ds.discrepancies:
            add("discrepancies", (d.id, d.subject, d.field, d.note, name))
            for i, reading in enumerate(d.readings):
                add("readings", (d.id, i, reading.value, reading.source, reading.quote))
                self.quotes.append((reading.source, reading.quote))
        self.out.records += sum(
            len(x)
            for x in (
                ds.sources,
                ds.people,
                ds.organisations,
                ds.events,
                ds.agreements,
                ds.follow_ups,
                ds.discrepancies,
            )
        )

    def finish(self) -> _FileRows:
        """Check the quotes whose source is in this file; leave the others to the main process."""
        for source, quote in self.quotes:
            text = self.texts.get(source)
            if text is None:
                self.out.pending_quotes.append((source, quote))
            elif normalise(quote) not in text:
                self.out.ok = False
        self.quotes.clear()
        if not self.out.ok:
            self.out.rows.clear()
            self.out.pending_quotes.clear()
        return self.out


def _read_file(task: tuple[Path, Path, str]) -> _FileRows:
    """Read, check and turn into rows one YAML file; ok=False when it has any problem of its own.

    The fast reader first; when it meets anything unusual (a tag, an alias, a hex number, a syntax
    error...), the exact loader of `bilat validate` reads the file again and has the last word.
    """
    started = time.perf_counter()
    data, path, name = task
    try:
        out = _rows_of(data, name, _plain_documents(path))
    except _NotPlain:
        out = _rows_of(data, name, _exact_documents(path))
    out.seconds = time.perf_counter() - started
    return out


def _rows_of(data: Path, name: str, documents: Iterator[Any]) -> _FileRows:
    rows = _Rows(name, sources_folder(data))
    try:
        for doc in documents:
            if doc is None:
                continue
            if not isinstance(doc, dict):
                raise _OwnProblem
            rows.dataset(Dataset.model_validate(doc))
    except (_OwnProblem, ValidationError):
        rows.out.ok = False
    return rows.finish()


def _exact_documents(path: Path) -> Iterator[Any]:
    for doc in read_documents(path):
        if doc.problems:
            raise _OwnProblem
        yield doc.data


def _read_files(data: Path, names: list[str], paths: list[Path]) -> Iterator[_FileRows]:
    """Every file's rows, in order; in worker processes for a big dataset (a few files in flight at a time)."""
    tasks = [(data, path, name) for path, name in zip(paths, names, strict=True)]
    size = sum(_size(p) for p in paths)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = min(cpus, len(tasks), 8)
    if workers < 2 or size < PARALLEL_BYTES:
        yield from map(_read_file, tasks)
        return
    # fork where it is safe (Linux: the workers start at once, with everything imported); spawn elsewhere.
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    pool = context.Pool(workers, initializer=_worker_signals)
    try:
        pending: deque[Any] = deque()
        queue = iter(tasks)
        for task in queue:
            pending.append(pool.apply_async(_read_file, (task,)))
            if len(pending) >= 2 * workers:
                break
        while pending:
            result = pending.popleft().get()
            for task in queue:
                pending.append(pool.apply_async(_read_file, (task,)))
                break
            yield result
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _worker_signals() -> None:
    """Workers leave signals to the main process: it ends them (pool.terminate) and cleans up.

    Forked workers would otherwise inherit the build's SIGTERM handler (and
    Ctrl-C), print tracebacks, and could leave the pool's shutdown waiting.
    """
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


# ---------------------------------------------------------------- build


class _Reporter:
    """Progress on stderr for builds that last: nothing in the first second, then at most one line a second."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, message: str, *, phase: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if now - self.started < 1 or (not phase and now - self.last < 1):
            return
        self.last = now
        self.progress(f"bilat: {message}")


ATTEMPTS = 3  # builds tried when the data keeps changing under them


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
        except _DataChanged:
            continue
    raise InvalidDataError([], f"{display_name(data)}: the data kept changing while it was compiled; run it again")


def _build_once(data: Path, db_path: Path, progress: Progress | None, guard: Callable[[], None] | None) -> BuildReport:
    started = time.perf_counter()
    snapshot = Snapshot.take(data)  # taken before reading, so an edit during the build leaves the result stale
    fp = snapshot.fingerprint()
    report = _Reporter(progress)
    if not data.exists() or not snapshot.yaml:
        raise InvalidDataError(check_dataset(data))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        plan = _incremental_plan(data, db_path, snapshot)
        if plan is not None:
            shutil.copyfile(db_path, tmp)
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            _pragmas(conn)
            conn.execute("begin")
            if plan is None:
                counts, files_read = _full(conn, data, snapshot, report, fp), len(snapshot.yaml)
            else:
                counts, files_read = _incremental(conn, data, plan, report, fp), len(plan.changed)
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
    mode = "full" if plan is None else "incremental"
    return BuildReport(db_path, time.perf_counter() - started, counts, mode, files_read)


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


def _full(conn: sqlite3.Connection, data: Path, snapshot: Snapshot, report: _Reporter, fp: str) -> dict[str, int]:
    create_schema(conn)
    names = list(snapshot.yaml)
    offending: set[str] = set()
    pending: list[tuple[str, str, str]] = []
    records = rows = 0
    report(f"reading {len(names)} file{'s' * (len(names) != 1)}", phase=True)
    for n, result in enumerate(_read_files(data, names, [data_file_path(data, name) for name in names]), 1):
        rows += _insert(conn, result, offending)
        records += result.records
        pending += [(source, quote, result.name) for source, quote in result.pending_quotes]
        report(f"{records:,} records read, {rows:,} rows written ({n}/{len(names)} files)")
    report(f"{records:,} records read, {rows:,} rows written; indexing", phase=True)
    create_indexes(conn)
    report("checking references and quotes", phase=True)
    offending |= _check(conn, pending)
    if offending:
        raise InvalidDataError(_problems(conn, data, offending, fp))
    _update_countries(conn)
    report("deriving dates and statuses", phase=True)
    _derive(conn, None)
    report(f"building the search index ({records:,} records)", phase=True)
    _index_search(conn, None)
    return _counts(conn)


def _insert(conn: sqlite3.Connection, result: _FileRows, offending: set[str]) -> int:
    """Insert one file's rows; a duplicate id makes its file (and the other one) offending."""
    if not result.ok:
        offending.add(result.name)
        return 0
    written = 0
    for table, rows in result.rows.items():
        if TABLES[table].key is None:
            conn.executemany(insert_sql(table), rows)
        else:
            inserted = conn.executemany(insert_sql(table, "insert or ignore"), rows).rowcount
            if inserted != len(rows):  # the same id twice: find every file that has it
                offending.add(result.name)
                for row in rows:
                    found = conn.execute(f"select data_file from [{table}] where id = ?", (row[0],)).fetchone()
                    if found:
                        offending.add(found[0])
        written += len(rows)
    return written


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = ("sources", "people", "organisations", "events", "agreements", "follow_ups", "discrepancies", "evidence")
    return {t: conn.execute(f"select count(*) from [{t}]").fetchone()[0] for t in tables}


def _finish(conn: sqlite3.Connection, data: Path, snapshot: Snapshot, fp: str) -> None:
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


# ---------------------------------------------------------------- checks that need the whole dataset

# SQL giving the data_file of every record with a reference to an id that does not exist.
_DANGLING = [
    """select p.data_file from person_roles r join people p on p.id = r.person_id
       where r.organisation_id is not null and r.organisation_id not in (select id from organisations)""",
    """select e.data_file from event_participants x join events e on e.id = x.event_id
       where x.person_id not in (select id from people)""",
    """select e.data_file from event_organisations x join events e on e.id = x.event_id
       where x.organisation_id not in (select id from organisations)""",
    "select data_file from events where part_of is not null and part_of not in (select id from events)",
    """select a.data_file from agreement_institutions x join agreements a on a.id = x.agreement_id
       where x.organisation_id not in (select id from organisations)""",
    """select a.data_file from status_steps x join agreements a on a.id = x.agreement_id
       where x.event_id is not null and x.event_id not in (select id from events)""",
    "select data_file from follow_ups where event_id not in (select id from events)",
    """select f.data_file from follow_up_agreements x join follow_ups f on f.id = x.follow_up_id
       where x.agreement_id not in (select id from agreements)""",
    """select d.data_file from readings x join discrepancies d on d.id = x.discrepancy_id
       where x.source_id not in (select id from sources)""",
    *(
        f"""select r.data_file from evidence x join {table} r on r.id = x.record_id
            where x.record_type = '{kind}' and x.source_id not in (select id from sources)"""
        for kind, table in TABLE_OF_TYPE.items()
    ),
]
_ALL_IDS = " union all ".join(f"select id, data_file from {t}" for t in RECORD_TABLES)


def _check(conn: sqlite3.Connection, pending: list[tuple[str, str, str]]) -> set[str]:
    """The data files with a dangling reference, an id used twice, or a quote not found in its source."""
    offending: set[str] = set()
    for sql in _DANGLING:
        offending.update(r[0] for r in conn.execute(sql))
    duplicated = f"select id from ({_ALL_IDS}) group by id having count(*) > 1"
    offending.update(r[0] for r in conn.execute(f"select data_file from ({_ALL_IDS}) where id in ({duplicated})"))
    offending |= _check_quotes(conn, pending)
    return offending


def _check_quotes(conn: sqlite3.Connection, pending: Iterable[tuple[str, str, str]]) -> set[str]:
    """Quotes whose source is in another file: checked against that source's text, one source at a time."""
    offending: set[str] = set()
    texts: dict[str, str | None] = {}
    for source, quote, name in sorted(pending):
        if source not in texts:
            texts.clear()  # sorted by source: one text in memory at a time
            row = conn.execute("select text from sources where id = ?", (source,)).fetchone()
            texts[source] = normalise(row[0]) if row and row[0] is not None else None
        text = texts[source]
        if text is not None and normalise(quote) not in text:
            offending.add(name)
    return offending


def _problems(conn: sqlite3.Connection, data: Path, offending: set[str], fp: str) -> list[Problem]:
    """Every problem of the offending files, located exactly, as `bilat validate` reports them.

    The validator reads only those files; every other file's ids come from the database.
    """
    problems: list[Problem] = []
    try:
        checker = Checker(data)
        for section in SECTIONS:
            extra = ", file" if section == "sources" else ""
            for row in conn.execute(f"select id, data_file{extra} from [{section}]"):
                if row[1] in offending:
                    continue
                checker.ids[row[0]] = (section, display_name(data_file_path(data, row[1])))
                checker.by_section[section].add(row[0])
                if section == "sources":
                    checker.source_files[row[0]] = row[2]
        for path in sorted(data_file_path(data, name) for name in offending):
            for doc in read_documents(path):
                checker.add(doc)
        problems = checker.finish()
    except Exception:  # pragma: no cover - the validator changed shape: fall back to the whole check
        problems = []
    problems = problems or check_dataset(data)
    if not problems:
        if fingerprint(data) != fp:
            raise _DataChanged  # fixed while the build ran: what was read is gone, build what is there now
        # pragma: no cover - the build and the validator disagree on unchanged data: a bug, not bad data
        raise RuntimeError(f"the build rejected {', '.join(sorted(offending))} but bilat validate finds no problem")
    return problems


class _DataChanged(Exception):
    """The data changed while a build was reading it, so the problems it found can no longer be shown."""


def _update_countries(conn: sqlite3.Connection) -> None:
    """One row per country the dataset uses (pycountry names), and no other."""
    from bilat.countries import country_rows

    used = {
        r[0]
        for r in conn.execute(
            """select country from agreement_parties union select country from event_countries
               union select country from people where country is not null
               union select country from organisations where country is not null"""
        )
    }
    have = {r[0] for r in conn.execute("select code from countries")}
    conn.executemany("delete from countries where code = ?", [(c,) for c in sorted(have - used)])
    rows = country_rows(sorted(used - have))
    conn.executemany(
        insert_sql("countries"),
        [(r["code"], r["alpha3"], r["name"], r["official_name"], r["demonym"]) for r in rows],
    )


# ---------------------------------------------------------------- derived columns and the search index


def _derive(conn: sqlite3.Connection, agreements: str | None) -> None:
    """Step dates from their events, each agreement's status and dates (for the agreements selected by SQL)."""
    only = f"and agreement_id in ({agreements})" if agreements else ""
    where_a = f"where id in ({agreements})" if agreements else ""
    conn.execute(f"""update status_steps set date = (select date from events where id = status_steps.event_id),
                     dated_by_event = 1
                     where (date is null or dated_by_event = 1) and event_id is not null {only}""")
    conn.execute(f"update status_steps set date_start = {_SQL_START.format(d='date')} where 1 {only}")
    conn.execute(f"""
        update agreements set
          status = (select status from status_steps s where s.agreement_id = agreements.id order by seq desc limit 1),
          date = (select date from status_steps s where s.agreement_id = agreements.id and date is not null
                  order by seq desc limit 1),
          first_date = (select date from status_steps s where s.agreement_id = agreements.id and date is not null
                        order by seq limit 1)
        {where_a}""")
    conn.execute(
        f"update agreements set date_start = {_SQL_START.format(d='first_date')}, "
        f"date_end = {_SQL_END.format(d='date')} {where_a}"
    )


_SEARCH_ROWS = """
    select 'agreement' as record_type, a.id as record_id, a.date_start, a.title from agreements a {only_a}
    union all
    select 'event', ev.id, ev.date_start, ev.title from events ev {only_e}
    union all
    select 'follow_up', f.id, (select date_start from events where id = f.event_id), f.description
    from follow_ups f {only_f}"""


def _index_search(conn: sqlite3.Connection, selected: str | None) -> None:
    """Index every record for search, or the records whose ids `selected` gives (SQL).

    Rows go in date order, so rowid order is date order (a full build's; rows rewritten by an incremental
    rebuild go last): search ranks only the most recent matches of a very common word.
    """
    first = conn.execute("select coalesce(max(rowid), 0) from search_index").fetchone()[0]
    rows = _SEARCH_ROWS.format(
        only_a=f"where a.id in ({selected})" if selected else "",
        only_e=f"where ev.id in ({selected})" if selected else "",
        only_f=f"where f.id in ({selected})" if selected else "",
    )
    conn.execute(
        "insert into search_index (record_type, record_id, date_start, title) "
        f"select * from ({rows}) order by date_start, record_type, record_id"  # undated first: the oldest
    )
    # The same text as the view search_text, gathered record table by record table, then indexed in key order.
    cols = ", ".join(FTS_COLUMNS)
    conn.execute(f"create temp table search_rows (key integer primary key, {cols})")
    conn.execute(
        f"insert into temp.search_rows select key, {cols} from ({search_text(by_record=True, after='?')})",
        (first, first, first),
    )
    conn.execute(f"insert into search_index_fts (rowid, {cols}) select key, {cols} from temp.search_rows order by key")
    conn.execute("drop table temp.search_rows")


def _unindex_search(conn: sqlite3.Connection, selected: str) -> None:
    """Take the records whose ids `selected` gives out of the search index: before any of their rows change,
    since FTS5 forgets a text only when told exactly what it was."""
    cols = ", ".join(FTS_COLUMNS)
    conn.execute(
        f"insert into search_index_fts (search_index_fts, rowid, {cols}) "
        f"select 'delete', key, {cols} from ({search_text(by_record=False, only=selected)})"
    )
    conn.execute(f"delete from search_index where record_id in ({selected})")


# ---------------------------------------------------------------- incremental rebuild


@dataclass
class _Plan:
    changed: list[str]  # data files added or modified, in data_files order
    removed: list[str]


def _incremental_plan(data: Path, db_path: Path, snapshot: Snapshot) -> _Plan | None:
    """What to redo from the last good database, or None when a full build is due."""
    try:
        conn = connect_readonly(db_path)  # quotes the path: a '#' or '?' in it must not end the file name
    except sqlite3.Error:
        return None
    try:
        meta = dict(conn.execute("select key, value from _meta").fetchall())
        if (meta.get("schema_version"), meta.get("bilat_version"), meta.get("data")) != (
            DB_SCHEMA_VERSION,
            __version__,
            str(data.resolve()),
        ):
            return None
        stamp = "select name, size, mtime_ns, ctime_ns from"
        old_yaml = {r[0]: (r[1], r[2], r[3]) for r in conn.execute(f"{stamp} _data_files")}
        old_sources = {r[0]: (r[1], r[2], r[3]) for r in conn.execute(f"{stamp} _source_files")}
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    if any(snapshot.sources.get(name) != st for name, st in old_sources.items()):
        return None  # a source text was edited or removed: every quote citing it must be checked again
    changed = [name for name, st in snapshot.yaml.items() if old_yaml.get(name) != st]
    removed = [name for name in old_yaml if name not in snapshot.yaml]
    if len(changed) + len(removed) > INCREMENTAL_SHARE * max(len(old_yaml), 1):
        return None
    return _Plan(changed, removed)


def _incremental(conn: sqlite3.Connection, data: Path, plan: _Plan, report: _Reporter, fp: str) -> dict[str, int]:
    """Replace the rows of the changed files in the copied database, then check, derive and re-index."""
    touched = [*plan.changed, *plan.removed]
    conn.execute("create temp table touched_files (name text primary key)")
    conn.executemany("insert into touched_files values (?)", [(n,) for n in touched])
    # The ids the touched files held before: records elsewhere that point at them must be looked at again.
    conn.execute("create temp table touched_ids (id text primary key)")
    for table in RECORD_TABLES:
        conn.execute(
            f"insert or ignore into touched_ids select id from [{table}] "
            "where data_file in (select name from touched_files)"
        )
    # Every record whose derived columns or search text may change: out of the search index first, while
    # search_text still gives the text it was indexed with.
    conn.execute("create temp table affected (id text primary key)")
    conn.execute(f"insert or ignore into affected {_affected_sql()}")
    _unindex_search(conn, "select id from temp.affected")
    # Out with the old rows.
    for table in RECORD_TABLES:
        children = TABLES[table].children
        old = f"select id from [{table}] where data_file in (select name from touched_files)"
        for child, key in children:
            conn.execute(f"delete from [{child}] where {key} in ({old})")
        conn.execute(f"delete from [{table}] where data_file in (select name from touched_files)")
    # In with the new, one file at a time.
    offending: set[str] = set()
    pending: list[tuple[str, str, str]] = []
    report(f"reading {len(plan.changed)} changed file{'s' * (len(plan.changed) != 1)}", phase=True)
    for result in _read_files(data, plan.changed, [data_file_path(data, name) for name in plan.changed]):
        _insert(conn, result, offending)
        pending += [(source, quote, result.name) for source, quote in result.pending_quotes]
        for table in RECORD_TABLES:
            rows = result.rows.get(table, ())
            conn.executemany("insert or ignore into touched_ids values (?)", [(r[0],) for r in rows])
    # The new records too.  Nothing else can depend on a new id: it would have dangled in the last good build,
    # or be a duplicate (the checks below refuse that).
    conn.execute(f"insert or ignore into affected {_affected_sql()}")
    report("checking references and quotes", phase=True)
    offending |= _check(conn, pending)
    if offending:
        raise InvalidDataError(_problems(conn, data, offending, fp))
    _update_countries(conn)
    _derive(conn, "select id from temp.affected")
    report("updating the search index", phase=True)
    if conn.execute("select 1 from search_index where record_id in (select id from temp.affected)").fetchone():
        raise RuntimeError("a record to index again is still in the search index")  # pragma: no cover - a bug
    _index_search(conn, "select id from temp.affected")
    for name in ("touched_files", "touched_ids", "affected"):
        conn.execute(f"drop table temp.{name}")
    return _counts(conn)


def _affected_sql() -> str:
    """The agreements, events and follow-ups whose derived columns or search text depend on a touched id."""
    t = "(select id from temp.touched_ids)"
    return f"""
        select id from temp.touched_ids
        union select agreement_id from agreement_institutions where organisation_id in {t}
        union select agreement_id from status_steps where event_id in {t}
        union select s.agreement_id from status_steps s join event_participants p on p.event_id = s.event_id
              where p.person_id in {t}
        union select event_id from event_participants where person_id in {t}
        union select event_id from event_organisations where organisation_id in {t}
        union select id from follow_ups where event_id in {t}"""
