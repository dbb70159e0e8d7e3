"""One record in full, with every piece of evidence and its numbered source (for `show` and `brief`).

Standard library only (query path).
"""

from __future__ import annotations

import json

from bilat.dates import step_precision
from bilat.read.names import record_type

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from bilat.read.filters import Filters


class SourceNumbers:
    """Numbers sources in the order they are first cited: [1], [2]..."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.order: list[str] = []
        self._numbers: dict[str, int] = {}

    def cite(self, source_id: str) -> int:
        number = self._numbers.get(source_id)
        if number is None:
            self.order.append(source_id)
            number = self._numbers[source_id] = len(self.order)
        return number

    def listing(self) -> list[dict[str, Any]]:
        out = []
        for n, sid in enumerate(self.order, 1):
            row = self.conn.execute("select * from sources where id = ?", (sid,)).fetchone()
            out.append(
                {
                    "n": n,
                    "id": sid,
                    "outlet": row["outlet"],
                    "published": row["published"],
                    "dateline": row["dateline"],
                    "kind": row["kind"],
                    "reference": row["file"],
                    "title": row["title"],
                    "url": row["url"],
                }
            )
        return out


def evidence_of(
    conn: sqlite3.Connection, numbers: SourceNumbers, record_id: str, part: str | None = None
) -> list[dict[str, Any]]:
    sql = "select part, source_id, quote from evidence where record_id = ?"
    params: list[Any] = [record_id]
    if part is not None:
        sql += " and part = ?"
        params.append(part)
    return [
        {
            "part": r["part"] or None,
            "source": numbers.cite(r["source_id"]),
            "source_id": r["source_id"],
            "quote": r["quote"],
        }
        for r in conn.execute(sql + " order by rowid", params)
    ]


def country_names(conn: sqlite3.Connection, codes: list[str]) -> list[dict[str, str]]:
    marks = ", ".join("?" * len(codes))
    names = {r[0]: r[1] for r in conn.execute(f"select code, name from countries where code in ({marks})", codes)}
    return [{"code": c, "name": names.get(c, c)} for c in codes]


def person(conn: sqlite3.Connection, numbers: SourceNumbers, person_id: str) -> dict[str, Any]:
    row = conn.execute("select * from people where id = ?", (person_id,)).fetchone()
    roles = [
        {
            "title": r["title"],
            "organisation": r["organisation_id"],
            "as_of": r["as_of"],
            "evidence": evidence_of(conn, numbers, person_id, f"roles[{r['seq']}]"),
        }
        for r in conn.execute("select * from person_roles where person_id = ? order by seq", (person_id,))
    ]
    return {
        "id": row["id"],
        "name": row["name"],
        "aliases": json.loads(row["aliases"]),
        "country": row["country"],
        "roles": roles,
    }


def event(conn: sqlite3.Connection, numbers: SourceNumbers, event_id: str) -> dict[str, Any]:
    row = conn.execute("select * from events where id = ?", (event_id,)).fetchone()
    participants = []
    for p in conn.execute("select * from event_participants where event_id = ? order by seq", (event_id,)):
        who = person(conn, numbers, p["person_id"])
        participants.append(
            {
                "person": who["id"],
                "name": who["name"],
                "country": who["country"],
                "role": p["role"],
                "titles": [r["title"] for r in who["roles"]],
            }
        )
    organisations = [
        {"id": r[0], "name": r[1]}
        for r in conn.execute(
            "select o.id, o.name from event_organisations eo join organisations o on o.id = eo.organisation_id "
            "where eo.event_id = ? order by eo.rowid",
            (event_id,),
        )
    ]
    return {
        "type": "event",
        "id": row["id"],
        "title": row["title"],
        "kind": row["kind"],
        "date": row["date"],
        "date_precision": row["date_precision"],
        "date_derivation": row["date_derivation"],
        "place": row["place"],
        "countries": country_names(conn, json.loads(row["countries"])),
        "summary": row["summary"],
        "part_of": row["part_of"],
        "participants": participants,
        "organisations": organisations,
        "evidence": evidence_of(conn, numbers, event_id),
    }


def _status_history(
    conn: sqlite3.Connection, numbers: SourceNumbers, agreement_id: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """An agreement's status steps in order, each with its evidence, and the engagements they were taken at."""
    steps = []
    event_ids: list[str] = []
    for s in conn.execute(
        "select s.*, e.title as event_title, e.date as event_date, e.date_precision as event_precision "
        "from status_steps s left join events e "
        "on e.id = s.event_id where s.agreement_id = ? order by s.seq",
        (agreement_id,),
    ):
        steps.append(
            {
                "status": s["status"],
                "date": s["date"],
                "date_precision": step_precision(s["date"], s["event_date"], s["event_precision"]),
                "event": s["event_id"],
                "event_title": s["event_title"],
                "note": s["note"],
                "evidence": evidence_of(conn, numbers, agreement_id, f"status_history[{s['seq']}]"),
            }
        )
        if s["event_id"] and s["event_id"] not in event_ids:
            event_ids.append(s["event_id"])
    return steps, event_ids


def agreement(conn: sqlite3.Connection, numbers: SourceNumbers, agreement_id: str) -> dict[str, Any]:
    row = conn.execute("select * from agreements where id = ?", (agreement_id,)).fetchone()
    steps, event_ids = _status_history(conn, numbers, agreement_id)
    figures = [
        {
            "value": f["value"],
            "unit": f["unit"],
            "evidence": evidence_of(conn, numbers, agreement_id, f"figures[{f['seq']}]"),
        }
        for f in conn.execute("select * from figures where agreement_id = ? order by seq", (agreement_id,))
    ]
    institutions = [
        {"id": r[0], "name": r[1], "country": r[2]}
        for r in conn.execute(
            "select o.id, o.name, o.country from agreement_institutions i join organisations o "
            "on o.id = i.organisation_id where i.agreement_id = ? order by i.rowid",
            (agreement_id,),
        )
    ]
    follow_ups = [
        follow_up(conn, numbers, r[0])
        for r in conn.execute(
            "select follow_up_id from follow_up_agreements where agreement_id = ? order by rowid", (agreement_id,)
        )
    ]
    events = [event(conn, numbers, e) for e in event_ids]
    people: dict[str, dict[str, Any]] = {}
    for ev in events:
        for p in ev["participants"]:
            people.setdefault(p["person"], p)
    return {
        "type": "agreement",
        "id": row["id"],
        "title": row["title"],
        "kind": row["kind"],
        "quantity": row["quantity"],
        "status": row["status"],
        "date": row["date"],
        "date_precision": next(
            (s["date_precision"] for s in reversed(steps) if s["date"] == row["date"] and s["date"]), None
        ),
        "first_date": row["first_date"],
        "parties": country_names(conn, json.loads(row["parties"])),
        "institutions": institutions,
        "sectors": json.loads(row["sectors"]),
        "summary": row["summary"],
        "figures": figures,
        "status_history": steps,
        "events": events,
        "people": list(people.values()),
        "follow_ups": follow_ups,
        "discrepancies": discrepancies_about(conn, numbers, [agreement_id, *event_ids, *people]),
        "evidence": evidence_of(conn, numbers, agreement_id, ""),
    }


def follow_up(conn: sqlite3.Connection, numbers: SourceNumbers, follow_up_id: str) -> dict[str, Any]:
    row = conn.execute("select * from follow_ups where id = ?", (follow_up_id,)).fetchone()
    return {
        "type": "follow_up",
        "id": row["id"],
        "description": row["description"],
        "due": row["due"],
        "place": row["place"],
        "event": row["event_id"],
        "status": row["status"],
        "outcome": row["outcome"],
        "agreements": json.loads(row["agreements"]),
        "evidence": evidence_of(conn, numbers, follow_up_id, ""),
        "outcome_evidence": evidence_of(conn, numbers, follow_up_id, "outcome"),
    }


def discrepancies_about(conn: sqlite3.Connection, numbers: SourceNumbers, ids: list[str]) -> list[dict[str, Any]]:
    """Discrepancies whose subject names one of `ids` (as `id` or `type:id`)."""
    out = []
    wanted = set(ids)
    for row in conn.execute("select * from discrepancies order by id"):
        subject = row["subject"].split(":", 1)[-1].strip()
        if subject in wanted or row["subject"] in wanted:
            out.append(discrepancy(conn, numbers, row))
    return out


FIELD_LABELS = {"name": "Name", "roles.title": "Title", "title": "Title", "date": "Date", "place": "Place"}
_SUBJECT_TABLES = {
    "person": ("people", "name"),
    "organisation": ("organisations", "name"),
    "agreement": ("agreements", "title"),
    "event": ("events", "title"),
}


def subject_name(conn: sqlite3.Connection, subject: str) -> str:
    """A discrepancy's subject (`person:nicole-de-moor`, or a bare id) as a reader names it."""
    kind, _, subject_id = subject.partition(":")
    if not subject_id:
        kind, subject_id = "", kind
    kind, subject_id = kind.strip(), subject_id.strip()
    for k, (table, column) in _SUBJECT_TABLES.items():
        if kind and kind != k:
            continue
        row = conn.execute(f"select {column} from {table} where id = ?", (subject_id,)).fetchone()
        if row:
            return str(row[0])
    return subject_id


def discrepancy_label(conn: sqlite3.Connection, subject: str, field: str) -> str:
    """E.g. "Title of Nicole De Moor" for field roles.title of person:nicole-de-moor."""
    label = FIELD_LABELS.get(field, field.replace(".", " ").replace("_", " ").capitalize())
    return f"{label} of {subject_name(conn, subject)}"


def discrepancy(conn: sqlite3.Connection, numbers: SourceNumbers, row: sqlite3.Row) -> dict[str, Any]:
    readings = [
        {"value": r["value"], "source": numbers.cite(r["source_id"]), "source_id": r["source_id"], "quote": r["quote"]}
        for r in conn.execute("select * from readings where discrepancy_id = ? order by seq", (row["id"],))
    ]
    return {
        "id": row["id"],
        "subject": row["subject"],
        "field": row["field"],
        "label": discrepancy_label(conn, row["subject"], row["field"]),
        "note": row["note"],
        "readings": readings,
    }


def _event_in_full(conn: sqlite3.Connection, numbers: SourceNumbers, record_id: str) -> dict[str, Any]:
    out = event(conn, numbers, record_id)
    out["agreements"] = [
        {"id": r[0], "title": r[1], "status": r[2]}
        for r in conn.execute(
            "select distinct a.id, a.title, s.status from status_steps s join agreements a on a.id = s.agreement_id "
            "where s.event_id = ? order by a.id",
            (record_id,),
        )
    ]
    out["follow_ups"] = [
        follow_up(conn, numbers, r[0])
        for r in conn.execute("select id from follow_ups where event_id = ? order by rowid", (record_id,))
    ]
    out["discrepancies"] = discrepancies_about(conn, numbers, [record_id])
    return out


def _person_in_full(conn: sqlite3.Connection, numbers: SourceNumbers, record_id: str) -> dict[str, Any]:
    return {
        "type": "person",
        **person(conn, numbers, record_id),
        "events": [
            {"id": r[0], "title": r[1], "date": r[2], "role": r[3]}
            for r in conn.execute(
                "select e.id, e.title, e.date, p.role from event_participants p join events e on e.id = p.event_id "
                "where p.person_id = ? order by e.date_start",
                (record_id,),
            )
        ],
        "discrepancies": discrepancies_about(conn, numbers, [record_id]),
        "evidence": evidence_of(conn, numbers, record_id, ""),
    }


def _organisation(conn: sqlite3.Connection, numbers: SourceNumbers, record_id: str) -> dict[str, Any]:
    row = conn.execute("select * from organisations where id = ?", (record_id,)).fetchone()
    return {
        "type": "organisation",
        "id": row["id"],
        "name": row["name"],
        "aliases": json.loads(row["aliases"]),
        "country": row["country"],
        "evidence": evidence_of(conn, numbers, record_id, ""),
    }


def _source(conn: sqlite3.Connection, numbers: SourceNumbers, record_id: str) -> dict[str, Any]:
    row = conn.execute("select * from sources where id = ?", (record_id,)).fetchone()
    numbers.cite(record_id)
    return {
        "type": "source",
        "id": row["id"],
        "outlet": row["outlet"],
        "published": row["published"],
        "dateline": row["dateline"],
        "kind": row["kind"],
        "reference": row["file"],
        "notes": row["notes"],
        "text": row["text"],
    }


def _discrepancy(conn: sqlite3.Connection, numbers: SourceNumbers, record_id: str) -> dict[str, Any]:
    row = conn.execute("select * from discrepancies where id = ?", (record_id,)).fetchone()
    return {"type": "discrepancy", **discrepancy(conn, numbers, row)}


_IN_FULL = {
    "agreement": agreement,
    "event": _event_in_full,
    "follow_up": follow_up,
    "person": _person_in_full,
    "organisation": _organisation,
    "source": _source,
    "discrepancy": _discrepancy,
}
"""How `show` reads each type of record (`bilat.read.names` says which type an id is)."""


def show(conn: sqlite3.Connection, record_id: str, filters: Filters | None = None) -> dict[str, Any]:
    """Any record in full, with `sources`: the numbered list its evidence points into.

    Ids are lower case (the schema says so), so `PK-BE-LABOUR-MOU` is `pk-be-labour-mou`.  With a clock
    (--as-of, --known-on in `filters`), the record as it stood then (`bilat.read.as_it_stood`).
    """
    record_id = record_id.strip().lower() if record_id.strip().lower() != record_id else record_id
    kind = record_type(conn, record_id)
    if filters is not None and filters.clocked:
        from bilat.read.as_it_stood import check_reached

        check_reached(conn, kind, record_id, filters)
    numbers = SourceNumbers(conn)
    out = _IN_FULL[kind](conn, numbers, record_id)
    if filters is not None and filters.clocked and kind == "agreement":
        from bilat.read.as_it_stood import as_it_stood

        as_it_stood(conn, out, filters)
    out["sources"] = numbers.listing()
    return out
