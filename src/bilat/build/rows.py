"""Records -> rows of the database, by column name; and one file's rows into the database.

A row is written by column name (`_ROW["people"](id=..., name=...)`): a column
left out is NULL (the derived ones, filled in SQL later: bilat.build.derive),
and a name the schema does not declare is a TypeError.  What comes out is a
plain tuple in the schema's column order, so a row costs what a bare tuple
does, pickles as small from a worker process and inserts as fast.

Runs in the worker processes (one file at a time), apart from `insert`.
"""

from __future__ import annotations

import calendar
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bilat.build.schema import TABLES, Table, insert_sql
from bilat.model import (
    Agreement,
    Dataset,
    Discrepancy,
    Event,
    Evidence,
    FollowUp,
    Organisation,
    Person,
    Source,
    normalise,
)
from bilat.source_files import SourceFileError, read_source

Row = tuple[Any, ...]


def _row_maker(table: Table) -> Callable[..., Row]:
    """A function taking a row of `table` by column name (keywords only, NULL when left out) and giving its tuple.

    Generated from the schema, as collections.namedtuple generates its constructor: a keyword call costs
    about what writing the tuple by hand does (a closure over **kwargs costs 3-4x, on millions of rows).
    """
    names = table.column_names
    source = f"def row(*, {', '.join(f'{n}=None' for n in names)}):\n    return ({', '.join(names)},)\n"
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # the names are the schema's own identifiers, never data
    maker: Callable[..., Row] = namespace["row"]
    maker.__qualname__ = maker.__name__ = f"{table.name}_row"
    return maker


_ROW = {name: _row_maker(table) for name, table in TABLES.items()}


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


@dataclass
class FileRows:
    """The rows of one YAML file, ready to insert (tuples in column order), or ok=False when it has a problem."""

    name: str
    ok: bool = True
    rows: dict[str, list[Row]] = field(default_factory=dict)
    pending_quotes: list[tuple[str, str]] = field(default_factory=list)  # (source id, quote) of other files' sources
    records: int = 0
    seconds: float = 0.0


class Rows:
    """Turns one file's validated records into rows, section by section, and checks the quotes it can."""

    def __init__(self, name: str, sources: Path) -> None:
        self.out = FileRows(name)
        self.sources = sources
        self.texts: dict[str, str] = {}  # source id -> normalised text, for this file's sources
        self.quotes: list[tuple[str, str]] = []

    def table(self, name: str) -> list[Row]:
        return self.out.rows.setdefault(name, [])

    def evidence(self, record_type: str, record_id: str, part: str, items: Iterable[Evidence]) -> None:
        rows, row = self.table("evidence"), _ROW["evidence"]
        for seq, e in enumerate(items):
            rows.append(
                row(record_type=record_type, record_id=record_id, part=part, seq=seq, source_id=e.source, quote=e.quote)
            )
            self.quotes.append((e.source, e.quote))

    def dataset(self, ds: Dataset) -> None:
        """Every record of one document, section by section (rows in the order of the records)."""
        self._sources(ds.sources)
        self._people(ds.people)
        self._organisations(ds.organisations)
        self._events(ds.events)
        self._agreements(ds.agreements)
        self._follow_ups(ds.follow_ups)
        self._discrepancies(ds.discrepancies)
        sections = (ds.sources, ds.people, ds.organisations, ds.events, ds.agreements, ds.follow_ups, ds.discrepancies)
        self.out.records += sum(len(records) for records in sections)

    def _sources(self, sources: list[Source]) -> None:
        for s in sources:
            try:
                text: str | None = read_source(self.sources, s.file)
            except SourceFileError:
                text = None
                self.out.ok = False  # "source text ... is missing or unreadable"
            self.table("sources").append(
                _ROW["sources"](
                    id=s.id,
                    outlet=s.outlet,
                    published=s.published,
                    dateline=s.dateline,
                    kind=s.kind,
                    file=s.file,
                    notes=s.notes,
                    text=text,
                    data_file=self.out.name,
                    title=s.title,
                    url=s.url,
                )
            )
            if text is not None:
                self.texts[s.id] = normalise(text)

    def _people(self, people: list[Person]) -> None:
        name = self.out.name
        for p in people:
            self.table("people").append(
                _ROW["people"](
                    id=p.id,
                    name=p.name,
                    country=p.country,
                    aliases=_json(p.aliases),
                    data_file=name,
                    search_names=" ".join([p.name, *p.aliases]),
                )
            )
            for alias in p.aliases:
                self.table("person_aliases").append(_ROW["person_aliases"](person_id=p.id, alias=alias))
            for seq, role in enumerate(p.roles):
                self.table("person_roles").append(
                    _ROW["person_roles"](
                        person_id=p.id, seq=seq, title=role.title, organisation_id=role.organisation, as_of=role.as_of
                    )
                )
                self.evidence("person", p.id, f"roles[{seq}]", role.evidence)
            self.evidence("person", p.id, "", p.evidence)

    def _organisations(self, organisations: list[Organisation]) -> None:
        for o in organisations:
            self.table("organisations").append(
                _ROW["organisations"](
                    id=o.id,
                    name=o.name,
                    country=o.country,
                    aliases=_json(o.aliases),
                    data_file=self.out.name,
                    search_names=" ".join([o.name, *o.aliases]),
                )
            )
            self.evidence("organisation", o.id, "", o.evidence)

    def _events(self, events: list[Event]) -> None:
        for e in events:
            start, end = date_range(e.date)
            self.table("events").append(
                _ROW["events"](
                    id=e.id,
                    title=e.title,
                    kind=e.kind,
                    date=e.date,
                    date_precision=e.date_precision,
                    date_start=start,
                    date_end=end,
                    date_derivation=e.date_derivation,
                    place=e.place,
                    summary=e.summary,
                    part_of=e.part_of,
                    countries=_json(e.countries),
                    data_file=self.out.name,
                )
            )
            for country in e.countries:
                self.table("event_countries").append(
                    _ROW["event_countries"](event_id=e.id, country=country, date_start=start)
                )
            for seq, part in enumerate(e.participants):
                self.table("event_participants").append(
                    _ROW["event_participants"](event_id=e.id, seq=seq, person_id=part.person, role=part.role)
                )
            for org in e.organisations:
                self.table("event_organisations").append(
                    _ROW["event_organisations"](event_id=e.id, organisation_id=org)
                )
            self.evidence("event", e.id, "", e.evidence)

    def _agreements(self, agreements: list[Agreement]) -> None:
        """The agreements; status, date, date_start, date_end, first_date and year are derived later, from the steps."""
        for a in agreements:
            self.table("agreements").append(
                _ROW["agreements"](
                    id=a.id,
                    title=a.title,
                    kind=a.kind,
                    quantity=a.quantity,
                    summary=a.summary,
                    parties=_json(a.parties),
                    sectors=_json(a.sectors),
                    institutions=_json(a.institutions),
                    figures=_json([figure.model_dump(exclude={"evidence"}) for figure in a.figures]),
                    data_file=self.out.name,
                )
            )
            for country in a.parties:
                self.table("agreement_parties").append(_ROW["agreement_parties"](agreement_id=a.id, country=country))
            for sector in a.sectors:
                self.table("agreement_sectors").append(_ROW["agreement_sectors"](agreement_id=a.id, sector=sector))
            for org in a.institutions:
                self.table("agreement_institutions").append(
                    _ROW["agreement_institutions"](agreement_id=a.id, organisation_id=org)
                )
            for seq, figure in enumerate(a.figures):
                self.table("figures").append(
                    _ROW["figures"](agreement_id=a.id, seq=seq, value=figure.value, unit=figure.unit)
                )
                self.evidence("agreement", a.id, f"figures[{seq}]", figure.evidence)
            for seq, step in enumerate(a.status_history):
                self.table("status_steps").append(
                    _ROW["status_steps"](
                        agreement_id=a.id,
                        seq=seq,
                        status=step.status,
                        date=step.date,
                        event_id=step.event,
                        note=step.note,
                        dated_by_event=0,  # date_start (and a date from the event) are derived
                    )
                )
                self.evidence("agreement", a.id, f"status_history[{seq}]", step.evidence)
            self.evidence("agreement", a.id, "", a.evidence)

    def _follow_ups(self, follow_ups: list[FollowUp]) -> None:
        for fu in follow_ups:
            self.table("follow_ups").append(
                _ROW["follow_ups"](
                    id=fu.id,
                    description=fu.description,
                    due=fu.due,
                    place=fu.place,
                    event_id=fu.event,
                    status=fu.status,
                    outcome=fu.outcome.note if fu.outcome else None,
                    agreements=_json(fu.agreements),
                    data_file=self.out.name,
                )
            )
            for agreement in fu.agreements:
                self.table("follow_up_agreements").append(
                    _ROW["follow_up_agreements"](follow_up_id=fu.id, agreement_id=agreement)
                )
            self.evidence("follow_up", fu.id, "", fu.evidence)
            if fu.outcome:
                self.evidence("follow_up", fu.id, "outcome", fu.outcome.evidence)

    def _discrepancies(self, discrepancies: list[Discrepancy]) -> None:
        for d in discrepancies:
            self.table("discrepancies").append(
                _ROW["discrepancies"](id=d.id, subject=d.subject, field=d.field, note=d.note, data_file=self.out.name)
            )
            for seq, reading in enumerate(d.readings):
                self.table("readings").append(
                    _ROW["readings"](
                        discrepancy_id=d.id, seq=seq, value=reading.value, source_id=reading.source, quote=reading.quote
                    )
                )
                self.quotes.append((reading.source, reading.quote))

    def finish(self) -> FileRows:
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


def insert(conn: sqlite3.Connection, result: FileRows, offending: set[str]) -> int:
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
                for row in rows:  # the key is the first column
                    found = conn.execute(f"select data_file from [{table}] where id = ?", (row[0],)).fetchone()
                    if found:
                        offending.add(found[0])
        written += len(rows)
    return written
