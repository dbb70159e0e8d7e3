"""Records -> a new SQLite database, written to a temporary file and swapped in atomically.

The dataset is streamed document by document: each document is checked and its
rows inserted at once, inside one transaction on the temporary file.  Links
that need the whole dataset (dates of status steps taken from their events,
the search index) are computed in SQL at the end.  If any problem was found,
the temporary file is removed and the last good database is left untouched.
"""

from __future__ import annotations

import calendar
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from bilat import __version__
from bilat.countries import country_rows
from bilat.model import Dataset, Evidence
from bilat.problems import InvalidDataError
from bilat.store import DB_SCHEMA_VERSION, fingerprint, sources_folder
from bilat.validate import Checker, iter_checked

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    db: Path
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        return f"built {self.db} in {self.seconds:.2f}s: {parts}"


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


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class _Writer:
    """Turns validated records into rows of the new database."""

    def __init__(self, db: sqlite_utils.Database, data: Path) -> None:
        self.db = db
        self.data = data
        self.rows: dict[str, list[dict[str, Any]]] = {}

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows.setdefault(table, []).append(row)

    def evidence(self, record_type: str, record_id: str, part: str, items: Iterable[Evidence]) -> None:
        for i, e in enumerate(items):
            self.add(
                "evidence",
                {
                    "record_type": record_type,
                    "record_id": record_id,
                    "part": part,
                    "seq": i,
                    "source_id": e.source,
                    "quote": e.quote,
                },
            )

    def dataset(self, ds: Dataset) -> None:
        folder = sources_folder(self.data)
        for s in ds.sources:
            try:
                text = (folder / s.file).read_text(encoding="utf-8")
            except OSError:
                text = None
            self.add("sources", {**s.model_dump(), "text": text})
        for p in ds.people:
            self.add("people", {"id": p.id, "name": p.name, "country": p.country, "aliases": _json(p.aliases)})
            for alias in p.aliases:
                self.add("person_aliases", {"person_id": p.id, "alias": alias})
            for i, r in enumerate(p.roles):
                self.add(
                    "person_roles",
                    {
                        "person_id": p.id,
                        "seq": i,
                        "title": r.title,
                        "organisation_id": r.organisation,
                        "as_of": r.as_of,
                    },
                )
                self.evidence("person", p.id, f"roles[{i}]", r.evidence)
            self.evidence("person", p.id, "", p.evidence)
        for o in ds.organisations:
            self.add("organisations", {"id": o.id, "name": o.name, "country": o.country, "aliases": _json(o.aliases)})
            self.evidence("organisation", o.id, "", o.evidence)
        for e in ds.events:
            start, end = date_range(e.date)
            self.add(
                "events",
                {
                    "id": e.id,
                    "title": e.title,
                    "kind": e.kind,
                    "date": e.date,
                    "date_precision": e.date_precision,
                    "date_start": start,
                    "date_end": end,
                    "date_derivation": e.date_derivation,
                    "place": e.place,
                    "summary": e.summary,
                    "part_of": e.part_of,
                    "countries": _json(e.countries),
                },
            )
            for c in e.countries:
                self.add("event_countries", {"event_id": e.id, "country": c, "date_start": start})
            for i, part in enumerate(e.participants):
                self.add(
                    "event_participants", {"event_id": e.id, "seq": i, "person_id": part.person, "role": part.role}
                )
            for org in e.organisations:
                self.add("event_organisations", {"event_id": e.id, "organisation_id": org})
            self.evidence("event", e.id, "", e.evidence)
        for a in ds.agreements:
            self.add(
                "agreements",
                {
                    "id": a.id,
                    "title": a.title,
                    "kind": a.kind,
                    "quantity": a.quantity,
                    "summary": a.summary,
                    "parties": _json(a.parties),
                    "sectors": _json(a.sectors),
                    "institutions": _json(a.institutions),
                    "figures": _json([f.model_dump(exclude={"evidence"}) for f in a.figures]),
                },
            )
            for c in a.parties:
                self.add("agreement_parties", {"agreement_id": a.id, "country": c})
            for s in a.sectors:
                self.add("agreement_sectors", {"agreement_id": a.id, "sector": s})
            for org in a.institutions:
                self.add("agreement_institutions", {"agreement_id": a.id, "organisation_id": org})
            for i, f in enumerate(a.figures):
                self.add("figures", {"agreement_id": a.id, "seq": i, "value": f.value, "unit": f.unit})
                self.evidence("agreement", a.id, f"figures[{i}]", f.evidence)
            for i, step in enumerate(a.status_history):
                self.add(
                    "status_steps",
                    {
                        "agreement_id": a.id,
                        "seq": i,
                        "status": step.status,
                        "date": step.date,
                        "event_id": step.event,
                        "note": step.note,
                    },
                )
                self.evidence("agreement", a.id, f"status_history[{i}]", step.evidence)
            self.evidence("agreement", a.id, "", a.evidence)
        for f in ds.follow_ups:
            self.add(
                "follow_ups",
                {
                    "id": f.id,
                    "description": f.description,
                    "due": f.due,
                    "place": f.place,
                    "event_id": f.event,
                    "status": f.status,
                    "outcome": f.outcome.note if f.outcome else None,
                    "agreements": _json(f.agreements),
                },
            )
            for agreement in f.agreements:
                self.add("follow_up_agreements", {"follow_up_id": f.id, "agreement_id": agreement})
            self.evidence("follow_up", f.id, "", f.evidence)
            if f.outcome:
                self.evidence("follow_up", f.id, "outcome", f.outcome.evidence)
        for d in ds.discrepancies:
            self.add("discrepancies", {"id": d.id, "subject": d.subject, "field": d.field, "note": d.note})
            for i, r in enumerate(d.readings):
                self.add(
                    "readings",
                    {"discrepancy_id": d.id, "seq": i, "value": r.value, "source_id": r.source, "quote": r.quote},
                )

    def flush(self) -> None:
        for table, rows in self.rows.items():
            self.db[table].insert_all(rows, batch_size=1000)
        self.rows.clear()


# Tables are created up front so that an empty dataset still has every table, with its types.
_TABLES: dict[str, tuple[dict[str, type], str | None]] = {
    "sources": (
        {
            "id": str,
            "outlet": str,
            "published": str,
            "dateline": str,
            "kind": str,
            "file": str,
            "notes": str,
            "text": str,
        },
        "id",
    ),
    "people": ({"id": str, "name": str, "country": str, "aliases": str}, "id"),
    "person_aliases": ({"person_id": str, "alias": str}, None),
    "person_roles": ({"person_id": str, "seq": int, "title": str, "organisation_id": str, "as_of": str}, None),
    "organisations": ({"id": str, "name": str, "country": str, "aliases": str}, "id"),
    "events": (
        {
            "id": str,
            "title": str,
            "kind": str,
            "date": str,
            "date_precision": str,
            "date_start": str,
            "date_end": str,
            "date_derivation": str,
            "place": str,
            "summary": str,
            "part_of": str,
            "countries": str,
        },
        "id",
    ),
    "event_countries": ({"event_id": str, "country": str, "date_start": str}, None),
    "event_participants": ({"event_id": str, "seq": int, "person_id": str, "role": str}, None),
    "event_organisations": ({"event_id": str, "organisation_id": str}, None),
    "agreements": (
        {
            "id": str,
            "title": str,
            "kind": str,
            "quantity": str,
            "summary": str,
            "status": str,
            "date": str,
            "date_start": str,
            "date_end": str,
            "first_date": str,
            "parties": str,
            "sectors": str,
            "institutions": str,
            "figures": str,
        },
        "id",
    ),
    "agreement_parties": ({"agreement_id": str, "country": str}, None),
    "agreement_sectors": ({"agreement_id": str, "sector": str}, None),
    "agreement_institutions": ({"agreement_id": str, "organisation_id": str}, None),
    "figures": ({"agreement_id": str, "seq": int, "value": int, "unit": str}, None),
    "status_steps": (
        {"agreement_id": str, "seq": int, "status": str, "date": str, "event_id": str, "note": str, "date_start": str},
        None,
    ),
    "follow_ups": (
        {
            "id": str,
            "description": str,
            "due": str,
            "place": str,
            "event_id": str,
            "status": str,
            "outcome": str,
            "agreements": str,
        },
        "id",
    ),
    "follow_up_agreements": ({"follow_up_id": str, "agreement_id": str}, None),
    "discrepancies": ({"id": str, "subject": str, "field": str, "note": str}, "id"),
    "readings": ({"discrepancy_id": str, "seq": int, "value": str, "source_id": str, "quote": str}, None),
    "evidence": ({"record_type": str, "record_id": str, "part": str, "seq": int, "source_id": str, "quote": str}, None),
    "countries": ({"code": str, "alpha3": str, "name": str, "official_name": str, "demonym": str}, "code"),
    "search_index": (
        {
            "record_type": str,
            "record_id": str,
            "date_start": str,
            "title": str,
            "summary": str,
            "evidence": str,
            "names": str,
            "places": str,
        },
        None,
    ),
}

_INDEXES: list[tuple[str, list[str]]] = [
    ("agreement_parties", ["country", "agreement_id"]),
    ("agreement_parties", ["agreement_id"]),
    ("agreement_sectors", ["sector", "agreement_id"]),
    ("agreement_sectors", ["agreement_id"]),
    ("agreement_institutions", ["agreement_id"]),
    ("agreement_institutions", ["organisation_id"]),
    ("agreements", ["status"]),
    ("agreements", ["kind"]),
    ("agreements", ["date_start"]),
    ("agreements", ["date_end"]),
    ("status_steps", ["agreement_id", "seq"]),
    ("status_steps", ["event_id"]),
    ("events", ["date_start"]),
    ("event_countries", ["country", "date_start", "event_id"]),
    ("event_countries", ["event_id"]),
    ("event_participants", ["event_id"]),
    ("event_participants", ["person_id"]),
    ("event_organisations", ["event_id"]),
    ("person_aliases", ["person_id"]),
    ("person_roles", ["person_id"]),
    ("figures", ["agreement_id"]),
    ("follow_ups", ["event_id"]),
    ("follow_up_agreements", ["agreement_id"]),
    ("readings", ["discrepancy_id"]),
    ("evidence", ["record_id"]),
    ("evidence", ["source_id"]),
]

_VIEWS = {
    # One row per agreement with its parties, sectors and current status: the table to start ad-hoc SQL from.
    "agreement_overview": """
        select a.id, a.title, a.kind, a.status, a.date, a.first_date,
               (select group_concat(country, ';') from agreement_parties p where p.agreement_id = a.id) as parties,
               (select group_concat(sector, ';') from agreement_sectors s where s.agreement_id = a.id) as sectors,
               (select group_concat(value || ' ' || unit, ';') from figures f where f.agreement_id = a.id)
                 as figures,
               (select count(distinct source_id) from evidence e where e.record_id = a.id) as sources,
               a.summary
        from agreements a""",
    # Engagements and status changes in date order.
    "timeline": """
        select e.date_start as sort_date, e.date, e.date_precision, 'event' as entry_type, e.id as record_id,
               e.kind, e.title, e.place, e.countries, null as status
        from events e
        union all
        select s.date_start, s.date, null, 'status', s.agreement_id, a.kind, a.title, null, a.parties, s.status
        from status_steps s join agreements a on a.id = s.agreement_id
        where s.date is not null""",
    # Every quote with the source it comes from.
    "evidence_with_source": """
        select e.record_type, e.record_id, e.part, e.quote, s.id as source_id, s.outlet, s.published, s.file
        from evidence e join sources s on s.id = e.source_id""",
}


def build(data: Path, db_path: Path, progress: Progress | None = None) -> BuildReport:
    """Check and compile the dataset at `data` into `db_path`, atomically; raise InvalidDataError on any problem."""
    started = time.perf_counter()
    fp = fingerprint(data)  # taken before reading, so an edit during the build leaves the result stale
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            counts = _fill(conn, data, fp, progress)
        finally:
            conn.close()
        os.replace(tmp, db_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BuildReport(db_path, time.perf_counter() - started, counts)


def _fill(conn: sqlite3.Connection, data: Path, fp: str, progress: Progress | None) -> dict[str, int]:
    conn.execute("pragma journal_mode = off")
    conn.execute("pragma synchronous = off")
    db = sqlite_utils.Database(conn)
    conn.execute("begin")
    for table, (columns, pk) in _TABLES.items():
        db[table].create(columns, pk=pk) if pk else db[table].create(columns)
    db["_meta"].create({"key": str, "value": str}, pk="key")
    checker = Checker(data)
    writer = _Writer(db, data)
    countries: set[str] = set()
    last = time.monotonic()
    for n, (_doc, ds) in enumerate(iter_checked(data, checker), 1):
        writer.dataset(ds)
        countries.update(c for e in ds.events for c in e.countries)
        countries.update(c for a in ds.agreements for c in a.parties)
        countries.update(p.country for p in ds.people if p.country)
        countries.update(o.country for o in ds.organisations if o.country)
        if sum(len(r) for r in writer.rows.values()) > 20000:
            writer.flush()
        if progress and time.monotonic() - last > 1:
            progress(f"  {n} documents read")
            last = time.monotonic()
    writer.flush()
    problems = checker.finish()
    if problems:
        raise InvalidDataError(problems)
    if progress:
        progress("  linking, indexing and building the search index")
    db["countries"].insert_all(country_rows(sorted(countries)))
    for table, columns in _INDEXES:
        db[table].create_index(columns, find_unique_name=True)
    _derive(conn)
    db["search_index"].enable_fts(
        ["title", "summary", "evidence", "names", "places"],
        tokenize="porter unicode61 remove_diacritics 2",
        create_triggers=False,
    )
    db["search_index"].populate_fts(["title", "summary", "evidence", "names", "places"])
    for name, sql in _VIEWS.items():
        db.create_view(name, sql)
    meta = {
        "schema_version": DB_SCHEMA_VERSION,
        "bilat_version": __version__,
        "fingerprint": fp,
        "data": str(data.resolve()),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    db["_meta"].insert_all([{"key": k, "value": v} for k, v in meta.items()])
    conn.execute("commit")
    conn.execute("pragma journal_mode = delete")
    return {
        t: db[t].count
        for t in (
            "sources",
            "people",
            "organisations",
            "events",
            "agreements",
            "follow_ups",
            "discrepancies",
            "evidence",
        )
    }


def _derive(conn: sqlite3.Connection) -> None:
    """Fill what needs the whole dataset: step dates from their events, each agreement's status and dates."""
    conn.execute("""update status_steps set date = (select date from events where id = status_steps.event_id)
                    where date is null and event_id is not null""")
    conn.create_function("range_start", 1, lambda d: date_range(d)[0], deterministic=True)
    conn.create_function("range_end", 1, lambda d: date_range(d)[1], deterministic=True)
    conn.execute("update status_steps set date_start = range_start(date)")
    conn.execute("""
        update agreements set
          status = (select status from status_steps s where s.agreement_id = agreements.id order by seq desc limit 1),
          date = (select date from status_steps s where s.agreement_id = agreements.id and date is not null
                  order by seq desc limit 1),
          first_date = (select date from status_steps s where s.agreement_id = agreements.id and date is not null
                        order by seq limit 1)""")
    conn.execute("update agreements set date_start = range_start(first_date), date_end = range_end(date)")
    _fill_search_index(conn)


def _fill_search_index(conn: sqlite3.Connection) -> None:
    conn.create_function("words", -1, lambda *parts: " ".join(p for p in parts if p), deterministic=True)
    conn.execute(
        "create temp table names_of as select id, name || ' ' || "
        "coalesce((select group_concat(value, ' ') from json_each(aliases)), '') as names "
        "from (select id, name, aliases from people union all select id, name, aliases from organisations)"
    )
    conn.execute("create index temp.names_of_id on names_of(id)")
    conn.execute(
        "create temp table country_names as select code, name || ' ' || code || ' ' || "
        "coalesce(alpha3, '') || ' ' || coalesce(demonym, '') as names from countries"
    )
    conn.execute("""
        insert into search_index (record_type, record_id, date_start, title, summary, evidence, names, places)
        select 'agreement', a.id, a.date_start, a.title, a.summary,
          (select group_concat(quote, ' ') from evidence e where e.record_id = a.id),
          words(
            (select group_concat(n.names, ' ') from agreement_institutions i join names_of n
               on n.id = i.organisation_id where i.agreement_id = a.id),
            (select group_concat(n.names, ' ') from status_steps s join event_participants p on p.event_id = s.event_id
               join names_of n on n.id = p.person_id where s.agreement_id = a.id),
            (select group_concat(c.names, ' ') from agreement_parties p join country_names c on c.code = p.country
               where p.agreement_id = a.id)),
          (select group_concat(e.place, ' ') from status_steps s join events e on e.id = s.event_id
             where s.agreement_id = a.id)
        from agreements a""")
    conn.execute("""
        insert into search_index (record_type, record_id, date_start, title, summary, evidence, names, places)
        select 'event', ev.id, ev.date_start, ev.title, ev.summary,
          (select group_concat(quote, ' ') from evidence e where e.record_id = ev.id),
          words(
            (select group_concat(n.names, ' ') from event_participants p join names_of n on n.id = p.person_id
               where p.event_id = ev.id),
            (select group_concat(n.names, ' ') from event_organisations o join names_of n
               on n.id = o.organisation_id where o.event_id = ev.id),
            (select group_concat(c.names, ' ') from event_countries ec join country_names c on c.code = ec.country
               where ec.event_id = ev.id)),
          ev.place
        from events ev""")
    conn.execute("""
        insert into search_index (record_type, record_id, date_start, title, summary, evidence, names, places)
        select 'follow_up', f.id, (select date_start from events where id = f.event_id), f.description,
          f.outcome, (select group_concat(quote, ' ') from evidence e where e.record_id = f.id), null, f.place
        from follow_ups f""")
    conn.execute("drop table temp.names_of")
    conn.execute("drop table temp.country_names")
