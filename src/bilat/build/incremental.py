"""The incremental build: from a copy of the last good database, redo only the rows of the files that changed.

Chosen when at most INCREMENTAL_SHARE of the data files changed (by the
snapshot bilat.layout takes: size, mtime and ctime) and no source text was
edited or removed; otherwise a full build is cheaper, or needed.  The rows of
the changed and removed files are replaced, then every record whose derived
columns or search text depend on a touched id is checked, derived and indexed
again.  tests/test_incremental.py proves the result equal to a full build.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bilat import __version__
from bilat.build.checks import PendingQuote, check, locate_problems
from bilat.build.derive import derive, derive_reported, update_countries
from bilat.build.progress import Reporter
from bilat.build.read import read_files
from bilat.build.rows import insert
from bilat.build.schema import DB_SCHEMA_VERSION, RECORD_TABLES, REINDEX_AGREEMENTS, TABLES
from bilat.build.search_index import index_search, unindex_search
from bilat.layout import Snapshot, connect_readonly, data_file_path
from bilat.problems import InvalidDataError

# Rebuild incrementally when at most this share of the YAML files changed (and no source text changed).
INCREMENTAL_SHARE = 0.25


@dataclass
class Plan:
    changed: list[str]  # data files added or modified, in data_files order
    removed: list[str]


def plan(data: Path, db_path: Path, snapshot: Snapshot) -> Plan | None:
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
    return Plan(changed, removed)


def apply(conn: sqlite3.Connection, data: Path, plan: Plan, report: Reporter, fp: str) -> None:
    """Replace the rows of the changed files in the copied database, then check, derive and re-index."""
    _take_out(conn, [*plan.changed, *plan.removed])
    # In with the new, one file at a time.
    offending: set[str] = set()
    pending: list[PendingQuote] = []
    report(f"reading {len(plan.changed)} changed file{'s' * (len(plan.changed) != 1)}", phase=True)
    for result in read_files(data, plan.changed, [data_file_path(data, name) for name in plan.changed]):
        insert(conn, result, offending)
        pending += [(source, quote, result.name) for source, quote in result.pending_quotes]
        for table in RECORD_TABLES:
            rows = result.rows.get(table, ())
            conn.executemany("insert or ignore into touched_ids values (?)", [(r[0],) for r in rows])
    # The new records too.  Nothing else can depend on a new id: it would have dangled in the last good build,
    # or be a duplicate (the checks below refuse that).
    conn.execute(f"insert or ignore into affected {_affected_sql()}")
    report("checking references and quotes", phase=True)
    offending |= check(conn, pending)
    if offending:
        raise InvalidDataError(locate_problems(conn, data, offending, fp))
    update_countries(conn)
    derive(conn, "select id from temp.affected")
    derive_reported(conn, "select id from temp.affected")
    report("updating the search index", phase=True)
    if conn.execute("select 1 from search_index where record_id in (select id from temp.affected)").fetchone():
        raise RuntimeError("a record to index again is still in the search index")  # pragma: no cover - a bug
    index_search(conn, "select id from temp.affected")
    conn.execute(REINDEX_AGREEMENTS)  # whole: rows of touched files come back with new rowids
    for name in ("touched_files", "touched_ids", "affected"):
        conn.execute(f"drop table temp.{name}")


def _take_out(conn: sqlite3.Connection, touched: list[str]) -> None:
    """The rows of the touched files out of the database, and what depends on them out of the search index.

    Leaves temp tables: touched_files, touched_ids (the ids those files held: records elsewhere that point at
    them must be looked at again) and affected (the records to derive and index again).
    """
    conn.execute("create temp table touched_files (name text primary key)")
    conn.executemany("insert into touched_files values (?)", [(n,) for n in touched])
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
    unindex_search(conn, "select id from temp.affected")
    # Out with the old rows.
    for table in RECORD_TABLES:
        old = f"select id from [{table}] where data_file in (select name from touched_files)"
        for child, key in TABLES[table].children:
            conn.execute(f"delete from [{child}] where {key} in ({old})")
        conn.execute(f"delete from [{table}] where data_file in (select name from touched_files)")


def _affected_sql() -> str:
    """The records whose derived columns or search text depend on a touched id (a source's date included)."""
    t = "(select id from temp.touched_ids)"
    return f"""
        select id from temp.touched_ids
        union select agreement_id from agreement_institutions where organisation_id in {t}
        union select agreement_id from status_steps where event_id in {t}
        union select s.agreement_id from status_steps s join event_participants p on p.event_id = s.event_id
              where p.person_id in {t}
        union select event_id from event_participants where person_id in {t}
        union select event_id from event_organisations where organisation_id in {t}
        union select id from follow_ups where event_id in {t}
        union select record_id from evidence where source_id in {t}
        union select discrepancy_id from readings where source_id in {t}"""
