"""What a briefing note needs from the database: events, agreements, organisations and the links between them.

The brief (`bilat.brief`) composes a note from what `Facts` returns and runs no SQL of its own.  Each record
is read once and kept (a note cites the same engagement many times); source ids are kept as ids, and the
note numbers them at the end.  Standard library only (the query path).
"""

from __future__ import annotations

import json

from bilat.read.records import SourceNumbers, discrepancies_about, event, evidence_of, follow_up

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable, Iterator
    from typing import Any

    from bilat.read.filters import Filters

_CHUNK = 500  # ids per "in (...)" list


def clean(text: str | None) -> str:
    """Text on one line, spaces collapsed (curated text may hold line breaks)."""
    return " ".join((text or "").split())


def source_ids(evidence: Iterable[dict[str, Any]]) -> list[str]:
    """The source ids of some evidence, in order, once each."""
    return list(dict.fromkeys(e["source_id"] for e in evidence))


def _chunks(values: list[str]) -> Iterator[tuple[list[str], str]]:
    """`values` in slices small enough for one `in (...)`, each with its placeholders."""
    for i in range(0, len(values), _CHUNK):
        chunk = values[i : i + _CHUNK]
        yield chunk, ", ".join("?" * len(chunk))


class Facts:
    """The records of one note, read on demand and kept; every query the brief needs is a method here."""

    def __init__(self, conn: sqlite3.Connection, clocks: Filters | None = None) -> None:
        self.conn = conn
        # --as-of / --known-on: every event, step, follow-up and discrepancy the note reads is one reached then
        self.as_of = clocks.day("as_of") if clocks else None
        self.known_on = clocks.day("known_on") if clocks else None
        self.scratch = SourceNumbers(conn)  # records.* number as they go; the note renumbers at the end
        self._rows: dict[str, sqlite3.Row] = {}
        self._events: dict[str, dict[str, Any]] = {}
        self._agreements: dict[str, dict[str, Any]] = {}
        self._orgs: dict[str, dict[str, Any]] = {}
        self._weights: dict[str, int] = {}
        self.country_names = {str(r[0]): str(r[1]) for r in conn.execute("select code, name from countries")}

    @property
    def clocked(self) -> bool:
        return bool(self.as_of or self.known_on)

    def _reached(self, happened: str | None, reported: str | None) -> bool:
        """Whether a fact dated `happened` (first day), first reported on `reported`, is there at the clocks."""
        if self.known_on and (reported or "") > self.known_on:
            return False
        return not (self.as_of and (happened or reported or "") > self.as_of)

    def event_reached(self, event_id: str) -> bool:
        row = self.row(event_id)
        return not self.clocked or self._reached(row["date_start"], row["first_reported"])

    def _reached_events(self, ids: list[str]) -> list[str]:
        return [e for e in ids if self.event_reached(e)] if self.clocked else ids

    def step(self, agreement_id: str, seq: int) -> dict[str, Any] | None:
        """A status step by its number, if it is reached at the clocks."""
        return next((st for st in self.agreement(agreement_id)["steps"] if st["seq"] == seq), None)

    def _steps(self, pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
        return [(a, seq) for a, seq in pairs if self.step(a, seq) is not None] if self.clocked else pairs

    def numbering(self) -> SourceNumbers:
        """A fresh numbering of sources, in the order the note cites them."""
        return SourceNumbers(self.conn)

    # ------------------------------------------------------------ one record

    def row(self, event_id: str) -> sqlite3.Row:
        """An event's own columns (with `rid`, its position in the dataset)."""
        if event_id not in self._rows:
            self._rows[event_id] = self.conn.execute(
                "select rowid as rid, * from events where id = ?", (event_id,)
            ).fetchone()
        return self._rows[event_id]

    def ev(self, event_id: str) -> dict[str, Any]:
        """An event in full (as `show` has it), with its source ids and its first day."""
        if event_id not in self._events:
            data = event(self.conn, self.scratch, event_id)
            data["sources"] = source_ids(data["evidence"])
            data["date_start"] = self.row(event_id)["date_start"]
            self._events[event_id] = data
        return self._events[event_id]

    def agreement(self, agreement_id: str) -> dict[str, Any]:
        """An agreement with the sources of each part (lighter than `show`'s: no events or discrepancies)."""
        if agreement_id not in self._agreements:
            self._agreements[agreement_id] = self._read_agreement(agreement_id)
        return self._agreements[agreement_id]

    def _read_agreement(self, agreement_id: str) -> dict[str, Any]:
        conn = self.conn
        row = conn.execute("select rowid as rid, * from agreements where id = ?", (agreement_id,)).fetchone()
        steps = [
            {
                "seq": s["seq"],
                "status": s["status"],
                "date": s["date"],
                "event": s["event_id"],
                "note": s["note"],
                "reported": s["first_reported"],
                "start": s["date_start"],
                "sources": self._sources(agreement_id, f"status_history[{s['seq']}]"),
            }
            for s in conn.execute("select * from status_steps where agreement_id = ? order by seq", (agreement_id,))
        ]
        if self.clocked:
            steps = [st for st in steps if self._reached(st["start"], st["reported"] or row["first_reported"])]
        figures = [
            {"value": f["value"], "unit": f["unit"], "sources": self._sources(agreement_id, f"figures[{f['seq']}]")}
            for f in conn.execute("select * from figures where agreement_id = ? order by seq", (agreement_id,))
        ]
        institutions = [
            self.org(r[0])
            for r in conn.execute(
                "select organisation_id from agreement_institutions where agreement_id = ? order by rowid",
                (agreement_id,),
            )
        ]
        return {
            "id": row["id"],
            "rid": row["rid"],
            "title": clean(row["title"]),
            "kind": row["kind"],
            "quantity": row["quantity"],
            "status": steps[-1]["status"] if steps else row["status"],
            "parties": json.loads(row["parties"]),
            "summary": clean(row["summary"]),
            "steps": steps,
            "figures": figures,
            "institutions": institutions,
            "sources": self._sources(agreement_id, ""),
        }

    def _sources(self, record_id: str, part: str | None = None) -> list[str]:
        return source_ids(evidence_of(self.conn, self.scratch, record_id, part))

    def org(self, org_id: str) -> dict[str, Any]:
        if org_id not in self._orgs:
            row = self.conn.execute("select * from organisations where id = ?", (org_id,)).fetchone()
            self._orgs[org_id] = {
                "id": org_id,
                "name": clean(row["name"]),
                "country": row["country"],
                "sources": self._sources(org_id),
            }
        return self._orgs[org_id]

    def person_sources(self, person_id: str) -> list[str]:
        return self._sources(person_id)

    def reported(self, record_id: str) -> str | None:
        """When a source first stated an engagement, agreement or follow-up (its first report's date)."""
        for table in ("events", "agreements", "follow_ups"):
            row = self.conn.execute(f"select first_reported from {table} where id = ?", (record_id,)).fetchone()
            if row:
                return str(row[0]) if row[0] else None
        return None

    def follow_up(self, follow_up_id: str) -> dict[str, Any]:
        """A follow-up; at the clocks, what became of it only once a source had said so."""
        data = follow_up(self.conn, self.scratch, follow_up_id)
        row = self.conn.execute(
            "select first_reported, outcome_reported from follow_ups where id = ?", (follow_up_id,)
        ).fetchone()
        data["reported"] = row[0]
        if self.clocked and data["outcome"] and not self._reached(None, row[1]):
            data.update(outcome=None, outcome_evidence=[], status="open")
        return data

    def discrepancies_about(self, ids: list[str]) -> list[dict[str, Any]]:
        found = discrepancies_about(self.conn, self.scratch, ids)
        if not self.known_on:
            return found
        known = self.known_on  # a disagreement exists once both readings are published
        return [d for d in found if all(self._published(r["source_id"]) <= known for r in d["readings"])]

    def _published(self, source_id: str) -> str:
        row = self.conn.execute("select published from sources where id = ?", (source_id,)).fetchone()
        return str(row[0]) if row and row[0] else ""

    def country(self, code: str | None) -> str | None:
        return self.country_names.get(code, code) if code else None

    def kind_of(self, record_id: str) -> str | None:
        """agreement or event, when `record_id` is one (a brief's target), else None."""
        for table, kind in (("agreements", "agreement"), ("events", "event")):
            if self.conn.execute(f"select 1 from {table} where id = ?", (record_id,)).fetchone():
                return kind
        return None

    def ids_containing(self, text: str, at_most: int = 5000) -> list[str]:
        """Agreement and event ids that contain `text` (candidates for a did-you-mean)."""
        ids: list[str] = []
        for table in ("agreements", "events"):
            ids += [r[0] for r in self.conn.execute(f"select id from {table} where id like ? limit ?", (text, at_most))]
        return ids

    # ------------------------------------------------------------ links between events

    def parent(self, event_id: str) -> str | None:
        parent: str | None = self.row(event_id)["part_of"]
        return parent

    def children(self, event_id: str) -> list[str]:
        return [r[0] for r in self.conn.execute("select id from events where part_of = ? order by rowid", (event_id,))]

    def weight(self, code: str) -> int:
        """How many engagements a country has (the rarest of a set finds its engagements fastest)."""
        if code not in self._weights:
            row = self.conn.execute("select count(*) from event_countries where country = ?", (code,)).fetchone()
            self._weights[code] = int(row[0])
        return self._weights[code]

    # ------------------------------------------------------------ which events and steps

    def events_between(self, start: str, end: str) -> list[tuple[str, str]]:
        """(id, date precision) of the events whose span shares a day with start..end, in date order."""
        # An event's date names at most a year: one that ends on or after `start` began at most a year before it
        # (a bound the date_start index can use; without it every earlier event is read).
        year_before = f"{int(start[:4]) - 1:04d}{start[4:]}"
        sql = (
            "select id, date_precision from events where date_start <= ? and date_start >= ? and date_end >= ? "
            "order by date_start, rowid"
        )
        found = [(r[0], r[1]) for r in self.conn.execute(sql, (end, year_before, start))]
        return [(e, p) for e, p in found if self.event_reached(e)] if self.clocked else found

    def events_with_country(self, code: str) -> list[str]:
        sql = (
            "select ec.event_id from event_countries ec join events e on e.id = ec.event_id "
            "where ec.country = ? order by e.date_start, e.rowid"
        )
        return self._reached_events([r[0] for r in self.conn.execute(sql, (code,))])

    def events_of_agreement(self, agreement_id: str) -> list[str]:
        sql = "select event_id from status_steps where agreement_id = ? and event_id is not null order by seq"
        return self._reached_events(list(dict.fromkeys(r[0] for r in self.conn.execute(sql, (agreement_id,)))))

    def steps_at(self, event_ids: list[str]) -> list[tuple[str, int]]:
        """(agreement id, step) of the status steps taken at these events."""
        out: list[tuple[str, int]] = []
        for chunk, marks in _chunks(event_ids):
            sql = f"select agreement_id, seq from status_steps where event_id in ({marks})"
            out += [(r[0], r[1]) for r in self.conn.execute(sql, chunk)]
        return self._steps(out)

    def unlinked_steps_between(self, start: str, end: str) -> list[tuple[str, int]]:
        """Steps at no event whose own date (at its precision) shares a day with start..end."""
        sql = (
            "select agreement_id, seq from status_steps where event_id is null and date is not null "
            "and date between ? and ? and date >= substr(?, 1, length(date))"  # first day <= end, last >= start
        )
        return self._steps([(r[0], r[1]) for r in self.conn.execute(sql, (start[:4], end, start))])

    def unlinked_steps_with(self, code: str) -> list[tuple[str, int]]:
        """Steps at no event of the agreements `code` is a party to."""
        sql = (
            "select s.agreement_id, s.seq from status_steps s join agreement_parties p "
            "on p.agreement_id = s.agreement_id where p.country = ? and s.event_id is null"
        )
        return self._steps([(r[0], r[1]) for r in self.conn.execute(sql, (code,))])

    def steps_of(self, agreement_id: str) -> list[tuple[str, int]]:
        sql = "select seq from status_steps where agreement_id = ? order by seq"
        return self._steps([(agreement_id, r[0]) for r in self.conn.execute(sql, (agreement_id,))])

    def produced(self, event_id: str) -> list[tuple[str, int]]:
        """(agreement id, step) of what an event produced, in dataset order."""
        sql = (
            "select s.agreement_id, s.seq from status_steps s join agreements a on a.id = s.agreement_id "
            "where s.event_id = ? order by a.rowid, s.seq"
        )
        return self._steps([(r[0], r[1]) for r in self.conn.execute(sql, (event_id,))])

    def nearest(self, start: str, end: str) -> tuple[str | None, str | None]:
        """The event that ends last before `start` and the one that starts first after `end` (ids)."""
        before = self.conn.execute(
            "select id from events where date_end < ? order by date_end desc, part_of is not null, rowid limit 1",
            (start,),
        ).fetchone()
        after = self.conn.execute(
            "select id from events where date_start > ? order by date_start, part_of is not null, rowid limit 1",
            (end,),
        ).fetchone()
        return (before[0] if before else None), (after[0] if after else None)

    def first_published(self, sources: list[str]) -> str | None:
        marks = ", ".join("?" * len(sources))
        row = self.conn.execute(f"select min(published) from sources where id in ({marks})", sources).fetchone()
        return row[0] if row else None

    def earlier_events(
        self, countries: frozenset[str], ref: str, *, inclusive: bool, at_most: int
    ) -> list[tuple[str, str, int]]:
        """(id, first day, position) of the latest `at_most` events with all of `countries` before `ref`.

        Before: ending before `ref`, or (`inclusive`) starting on or before it.  Latest first; the index is read
        backwards from `ref` and stops there, however long the relationship.
        """
        rarest = min(countries, key=lambda c: (self.weight(c), c))
        others = sorted(countries - {rarest})
        op, column = ("<=", "date_start") if inclusive else ("<", "date_end")
        # The other countries are looked for in the event's own list (JSON of quoted alpha-2 codes: '"CN"' can
        # match nothing else), on the row already read, rather than by one more index search per event.
        every_other = "".join(" and instr(e.countries, ?) > 0" for _ in others)
        sql = (  # an event starts no later than it ends: its first day bounds the (country, date) index range
            "select e.id, e.date_start, e.rowid from event_countries ec join events e on e.id = ec.event_id "
            f"where ec.country = ? and ec.date_start {op} ? and e.{column} {op} ?{every_other} "
            "order by ec.date_start desc, ec.event_id desc limit ?"  # the index order: no sort
        )
        quoted = [f'"{c}"' for c in others]
        found = [(r[0], r[1], r[2]) for r in self.conn.execute(sql, (rarest, ref, ref, *quoted, at_most))]
        return [f for f in found if self.event_reached(f[0])] if self.clocked else found

    def undated_cited_by(self, sources: list[str]) -> list[str]:
        """Agreements with neither a dated step nor an engagement that these sources give evidence for."""
        found: list[str] = []
        for chunk, marks in _chunks(sources):
            found += [
                r[0]
                for r in self.conn.execute(
                    f"""select distinct a.id from agreements a join evidence ev on ev.record_id = a.id
                        where ev.record_type = 'agreement' and ev.source_id in ({marks})
                          and not exists (select 1 from status_steps s where s.agreement_id = a.id
                                          and (s.event_id is not null or s.date is not null))
                        order by a.rowid""",
                    chunk,
                )
            ]
        return found

    def follow_ups_of(self, event_ids: list[str], agreement_ids: list[str]) -> list[str]:
        """Follow-ups raised at these events, then those about these agreements (ids, once each)."""
        ids: list[str] = []
        for chunk, marks in _chunks(event_ids):
            ids += [r[0] for r in self.conn.execute(f"select id from follow_ups where event_id in ({marks})", chunk)]
        for chunk, marks in _chunks(list(dict.fromkeys(agreement_ids))):
            sql = f"select follow_up_id from follow_up_agreements where agreement_id in ({marks})"
            ids += [r[0] for r in self.conn.execute(sql, chunk)]
        ids = list(dict.fromkeys(ids))
        if self.clocked:
            ids = [
                f
                for f in ids
                if self._reached(None, self.follow_up(f).get("reported"))
                and self.event_reached(self.follow_up(f)["event"])
            ]
        return ids
