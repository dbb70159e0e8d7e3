"""The compiled database's schema, declared once: tables and their columns, indexes, views and the search index.

Every table is one `Table`: its columns in insert order, its key, and (for the
tables of records, which carry `data_file`: the YAML file a record comes from,
relative to the data folder) the child tables whose rows belong to its records.
The rows are built by column name from these declarations (bilat.build.rows);
the DDL, the insert statements and what an incremental build deletes are
derived from them too.

DB_SCHEMA_VERSION is bumped whenever the compiled tables change: a database of
another version is rebuilt, never read.

Standard library only: the query path imports this module (the version, and the
columns of the search index).
"""

from __future__ import annotations

import re
import sqlite3

DB_SCHEMA_VERSION = "13"  # bump when the compiled tables change: older databases are rebuilt


class Table:
    """One table: columns in insert order (TEXT unless the declaration says otherwise), key, child tables."""

    __slots__ = ("children", "columns", "key", "name", "record_type")

    def __init__(
        self,
        name: str,
        columns: str,
        *,
        key: str | None = None,
        children: tuple[tuple[str, str], ...] = (),
        record_type: str | None = None,
    ) -> None:
        self.name = name
        self.columns = tuple(_column(declared) for declared in columns.split(","))
        self.key = key  # the primary key: the table's first column
        self.children = children  # (child table, the column naming this table's record), for the tables of records
        self.record_type = record_type  # what evidence and search call one of its records
        if key is not None and self.columns[0][0] != key:
            raise ValueError(f"{name}: the key {key!r} must be the first column")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _type in self.columns)


def _column(declared: str) -> tuple[str, str]:
    name, _, kind = declared.strip().partition(" ")
    return name, kind or "TEXT"


_PERSON = ("person_aliases", "person_id"), ("person_roles", "person_id"), ("evidence", "record_id")
_EVENT = (
    ("event_countries", "event_id"),
    ("event_participants", "event_id"),
    ("event_organisations", "event_id"),
    ("evidence", "record_id"),
)
_AGREEMENT = (
    ("agreement_parties", "agreement_id"),
    ("agreement_sectors", "agreement_id"),
    ("agreement_institutions", "agreement_id"),
    ("figures", "agreement_id"),
    ("status_steps", "agreement_id"),
    ("evidence", "record_id"),
)
_STAMP = "name, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER"  # a file as bilat.layout.Snapshot saw it

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("sources", "id, outlet, published, dateline, kind, file, notes, text, data_file, title, url", key="id"),
        # search_names: the name and every alias, as search finds them (also for organisations)
        Table(
            "people",
            "id, name, country, aliases, data_file, search_names",
            key="id",
            children=_PERSON,
            record_type="person",
        ),
        Table("person_aliases", "person_id, alias"),
        Table("person_roles", "person_id, seq INTEGER, title, organisation_id, as_of"),
        Table(
            "organisations",
            "id, name, country, aliases, data_file, search_names",
            key="id",
            children=(("evidence", "record_id"),),
            record_type="organisation",
        ),
        Table(
            "events",
            "id, title, kind, date, date_precision, date_start, date_end, date_derivation, place, summary, part_of, "
            "countries, data_file, first_reported",
            key="id",
            children=_EVENT,
            record_type="event",
        ),
        Table("event_countries", "event_id, country, date_start"),
        Table("event_participants", "event_id, seq INTEGER, person_id, role"),
        Table("event_organisations", "event_id, organisation_id"),
        # status, date, date_start, date_end, first_date and year are derived from the status steps (bilat.build.derive);
        # first_reported (here and in the other record tables): the publication date of the first source that
        # states it, the clock of --known-on and `bilat changes`
        Table(
            "agreements",
            "id, title, kind, quantity, summary, status, date, date_start, date_end, first_date, parties, sectors, "
            "institutions, figures, data_file, first_reported, year INTEGER",
            key="id",
            children=_AGREEMENT,
            record_type="agreement",
        ),
        Table("agreement_parties", "agreement_id, country"),
        Table("agreement_sectors", "agreement_id, sector"),
        Table("agreement_institutions", "agreement_id, organisation_id"),
        Table("figures", "agreement_id, seq INTEGER, value INTEGER, unit"),
        Table(
            "status_steps",
            "agreement_id, seq INTEGER, status, date, event_id, note, date_start, dated_by_event INTEGER, "
            "first_reported",
        ),
        Table(
            "follow_ups",
            "id, description, due, place, event_id, status, outcome, agreements, data_file, first_reported, "
            "outcome_reported",
            key="id",
            children=(("follow_up_agreements", "follow_up_id"), ("evidence", "record_id")),
            record_type="follow_up",
        ),
        Table("follow_up_agreements", "follow_up_id, agreement_id"),
        Table(
            "discrepancies",
            "id, subject, field, note, data_file, first_reported",
            key="id",
            children=(("readings", "discrepancy_id"),),
        ),
        Table("readings", "discrepancy_id, seq INTEGER, value, source_id, quote"),
        Table("evidence", "record_type, record_id, part, seq INTEGER, source_id, quote"),
        Table("countries", "code, alpha3, name, official_name, demonym", key="code"),
        # One row per searchable record (in date order); the text it is found by is the view search_text.
        Table("search_index", "record_type, record_id, date_start, title"),
        Table("_meta", "key, value", key="key"),
        # What the database was built from: for the incremental rebuild.
        Table("_data_files", _STAMP, key="name"),
        Table("_source_files", _STAMP, key="name"),
    )
}

# Foreign keys, declared so that SQLite tools see them (`pragma foreign_key_check`, Datasette's links); the
# build does not need them enforced (validation refuses a dangling reference before any row is written).
# `evidence.record_id` points into several tables and has none.
_TO = {
    "a": ("agreements", "id"),
    "e": ("events", "id"),
    "p": ("people", "id"),
    "o": ("organisations", "id"),
    "c": ("countries", "code"),
    "s": ("sources", "id"),
    "f": ("follow_ups", "id"),
    "d": ("discrepancies", "id"),
}
FOREIGN_KEYS: dict[tuple[str, str], tuple[str, str]] = {
    (table, column): _TO[to]
    for table, column, to in (
        ("people", "country", "c"),
        ("person_aliases", "person_id", "p"),
        ("person_roles", "person_id", "p"),
        ("person_roles", "organisation_id", "o"),
        ("organisations", "country", "c"),
        ("events", "part_of", "e"),
        ("event_countries", "event_id", "e"),
        ("event_countries", "country", "c"),
        ("event_participants", "event_id", "e"),
        ("event_participants", "person_id", "p"),
        ("event_organisations", "event_id", "e"),
        ("event_organisations", "organisation_id", "o"),
        ("agreement_parties", "agreement_id", "a"),
        ("agreement_parties", "country", "c"),
        ("agreement_sectors", "agreement_id", "a"),
        ("agreement_institutions", "agreement_id", "a"),
        ("agreement_institutions", "organisation_id", "o"),
        ("figures", "agreement_id", "a"),
        ("status_steps", "agreement_id", "a"),
        ("status_steps", "event_id", "e"),
        ("follow_ups", "event_id", "e"),
        ("follow_up_agreements", "follow_up_id", "f"),
        ("follow_up_agreements", "agreement_id", "a"),
        ("readings", "discrepancy_id", "d"),
        ("readings", "source_id", "s"),
        ("evidence", "source_id", "s"),
    )
}

# The tables of records (their rows carry data_file), in the order of the dataset's sections.
RECORD_TABLES = tuple(name for name, t in TABLES.items() if "data_file" in t.column_names)
# record type (as evidence names it) -> its table
TABLE_OF_TYPE = {t.record_type: name for name, t in TABLES.items() if t.record_type}

# In this order: SQLite's planner can break a tie between two indexes by the order they were made in.
INDEXES: list[tuple[str, list[str]]] = [
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
    # The orders of `bilat list`: the first rows of an unfiltered list without sorting them all.
    ("agreements", ["date_start is null", "date_start", "id"]),
    ("agreements", ["date_end is null", "date_end desc", "id"]),
    ("status_steps", ["agreement_id", "seq"]),
    ("status_steps", ["first_reported"]),
    ("agreements", ["first_reported"]),
    ("events", ["first_reported"]),
    ("follow_ups", ["first_reported"]),
    ("discrepancies", ["first_reported"]),
    ("evidence", ["record_id", "part", "source_id"]),
    ("status_steps", ["event_id", "date"]),  # also the steps at no event, by date (a brief's unlinked steps)
    ("events", ["date_start"]),
    ("events", ["part_of"]),
    ("event_countries", ["country", "date_start", "event_id"]),
    ("event_countries", ["event_id"]),
    ("event_participants", ["event_id"]),
    ("event_participants", ["person_id"]),
    ("event_organisations", ["event_id"]),
    ("event_organisations", ["organisation_id"]),
    ("person_aliases", ["person_id"]),
    ("person_roles", ["person_id"]),
    ("person_roles", ["organisation_id"]),
    ("figures", ["agreement_id"]),
    ("follow_ups", ["event_id"]),
    ("follow_up_agreements", ["agreement_id"]),
    ("follow_up_agreements", ["follow_up_id"]),
    ("readings", ["discrepancy_id"]),
    ("readings", ["source_id"]),
    ("evidence", ["record_id"]),
    ("evidence", ["source_id"]),
    ("search_index", ["record_id"]),
    *((table, ["data_file"]) for table in RECORD_TABLES),
]


# ---------------------------------------------------------------- the search index

# The columns of the full-text index, in order: the query path ranks and snippets by them.
FTS_COLUMNS = ("title", "summary", "evidence", "names", "places")
# The agreements' own full-text index (title and summary, external content): what Datasette's ?_search= and
# `sqlite-utils search` look for (an FTS table whose content is the table).  bilat's own search reads
# search_index_fts, which also covers quotes, names and places of every kind of record.
_TOKENIZE = "porter unicode61 remove_diacritics 2"
AGREEMENTS_FTS_COLUMNS = ("title", "summary")  # agreements_fts, for Datasette's ?_search= and sqlite-utils search
REINDEX_AGREEMENTS = "insert into agreements_fts(agreements_fts) values ('rebuild')"
_FTS_DDL = (
    f"create virtual table search_index_fts using fts5 ({', '.join(FTS_COLUMNS)}, "
    f"tokenize='{_TOKENIZE}', content='search_text', content_rowid='key')"
)


def _words(*parts: str) -> str:
    """SQL for the non-empty `parts` joined with spaces (NULL when all are empty)."""
    return "nullif(trim(" + " || ' ' || ".join(f"coalesce({p}, '')" for p in parts) + "), '')"


_COUNTRY_NAMES = "c.name || ' ' || c.code || ' ' || coalesce(c.alpha3, '') || ' ' || coalesce(c.demonym, '')"
_EVIDENCE_OF = "(select group_concat(quote, ' ') from evidence e where e.record_id = {id})"
# An agreement is found by its institutions and parties, not by everyone present where it was signed: a name
# search finds the person (a record of its own) and the engagements they took part in, not every outcome.
_AGREEMENT_NAMES = _words(
    """(select group_concat(o.search_names, ' ') from agreement_institutions i
         join organisations o on o.id = i.organisation_id where i.agreement_id = a.id)""",
    f"""(select group_concat({_COUNTRY_NAMES}, ' ') from agreement_parties x join countries c on c.code = x.country
         where x.agreement_id = a.id)""",
)
_EVENT_NAMES = _words(
    """(select group_concat(p.search_names, ' ') from event_participants x join people p on p.id = x.person_id
         where x.event_id = ev.id)""",
    """(select group_concat(o.search_names, ' ') from event_organisations x join organisations o
         on o.id = x.organisation_id where x.event_id = ev.id)""",
    f"""(select group_concat({_COUNTRY_NAMES}, ' ') from event_countries x join countries c on c.code = x.country
         where x.event_id = ev.id)""",
)
# What each kind of searchable record is found by: its own words, and the names and places it involves.
_SEARCH_TEXT: dict[str, tuple[str, str, tuple[str, str, str, str]]] = {
    # record_type -> (table, alias, (summary, evidence, names, places))
    "agreement": (
        "agreements a",
        "a",
        (
            "a.summary",
            _EVIDENCE_OF.format(id="a.id"),
            _AGREEMENT_NAMES,
            """(select group_concat(ev.place, ' ') from status_steps st join events ev on ev.id = st.event_id
                where st.agreement_id = a.id)""",
        ),
    ),
    "event": ("events ev", "ev", ("ev.summary", _EVIDENCE_OF.format(id="ev.id"), _EVENT_NAMES, "ev.place")),
    "follow_up": ("follow_ups f", "f", ("f.outcome", _EVIDENCE_OF.format(id="f.id"), "null", "f.place")),
    # A person: every spelling and role in the summary, so a hit's snippet says who they are.
    "person": (
        "people p",
        "p",
        (
            _words(
                "p.name",
                "(select '(also ' || group_concat(alias, '; ') || ')' from person_aliases x where x.person_id = p.id)",
                "(select group_concat(title, '; ') from person_roles r where r.person_id = p.id)",
            ),
            _EVIDENCE_OF.format(id="p.id"),
            "null",
            "null",
        ),
    ),
    # Where the sources disagree: found by each reading and its quote.
    "discrepancy": (
        "discrepancies d",
        "d",
        (
            _words(
                "'The sources disagree (a discrepancy):'",
                "d.note",
                "(select group_concat(value, '; ') from readings r where r.discrepancy_id = d.id)",
            ),
            "(select group_concat(quote, ' ') from readings r where r.discrepancy_id = d.id)",
            "null",
            "null",
        ),
    ),
}


SEARCH_RECORD_TYPES = tuple(_SEARCH_TEXT)  # the kinds of record search finds, one arm of search_text each


def search_text(*, by_record: bool, after: str = "", only: str = "") -> str:
    """SQL for (key, record_type, record_id, title, summary, evidence, names, places) of every searchable record.

    by_record=False drives from search_index (a lookup by key: the view FTS5 reads for snippets), for the
    records whose ids the SQL `only` gives if given; by_record=True from the records' tables, for the keys
    above `after` (a full pass: their rows in storage order, far fewer page reads).
    """
    arms = []
    for kind, (table, alias, text) in _SEARCH_TEXT.items():
        named = ", ".join(f"{expr} as {name}" for expr, name in zip(text, FTS_COLUMNS[1:], strict=True))
        columns = f"s.rowid as key, s.record_type, s.record_id, s.title, {named}"
        if by_record:
            source = f"{table} cross join search_index s on s.record_id = {alias}.id and s.record_type = '{kind}'"
            arms.append(f"select {columns} from {source} where s.rowid > {after}")
        else:
            where = f"s.record_type = '{kind}'" + (f" and s.record_id in ({only})" if only else "")
            arms.append(f"select {columns} from search_index s join {table} on {alias}.id = s.record_id where {where}")
    return " union all ".join(arms)


# ---------------------------------------------------------------- views

VIEWS = {
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
    # The text FTS5 indexes (external content: it is not stored twice) and shows in snippets.
    "search_text": search_text(by_record=False),
}


# ---------------------------------------------------------------- DDL


def create_schema(conn: sqlite3.Connection) -> None:
    """The tables, the full-text indexes and the views (the indexes come after the rows: bilat.build.full).

    sqlite-utils creates the tables (with their primary and foreign keys), the agreements' full-text index and
    the views, as SQLite tools and Datasette expect to find them; it is imported here, on the build path only.
    `search_index_fts` is written by hand: its content is a view keyed by `key`, which `enable_fts` cannot say.
    """
    from sqlite_utils import Database

    db = Database(conn)
    for table in _referenced_first():
        db.create_table(
            table.name,
            {name: int if kind == "INTEGER" else str for name, kind in table.columns},
            pk=table.key,
            foreign_keys=[
                (name, *FOREIGN_KEYS[table.name, name])
                for name in table.column_names
                if (table.name, name) in FOREIGN_KEYS
            ],
        )
    conn.execute(_FTS_DDL)
    db.table("agreements").enable_fts(AGREEMENTS_FTS_COLUMNS, tokenize=_TOKENIZE)
    # The words the index holds, one row each: search offers the nearest when a word matches nothing.
    conn.execute("create virtual table search_vocab using fts5vocab(search_index_fts, 'row')")
    for name, sql in VIEWS.items():
        db.create_view(name, sql)


def _referenced_first() -> list[Table]:
    """The tables in an order where each comes after those its foreign keys point at (sqlite-utils checks)."""
    from graphlib import TopologicalSorter

    after = {
        name: {to for (source, _c), (to, _t) in FOREIGN_KEYS.items() if source == name and to != name}
        for name in TABLES
    }
    return [TABLES[name] for name in TopologicalSorter(after).static_order()]


def create_indexes(conn: sqlite3.Connection) -> None:
    for table, columns in INDEXES:
        words = "_".join(re.sub(r"\W+", "_", c) for c in columns)
        name = f"idx_{table}_{words}"
        conn.execute(f"create index if not exists {name} on [{table}] ({', '.join(columns)})")


def insert_sql(table: str, verb: str = "insert") -> str:
    """The statement inserting one row of `table` (all its columns, in order)."""
    return f"{verb} into [{table}] values ({', '.join('?' * len(TABLES[table].columns))})"
