"""What `discrepancies` reads: where the sources disagree, each reading with its source, filtered like list.

A discrepancy is about one record (its `subject`: an agreement, an engagement, a person or an organisation).
It passes the filters when that record does: an agreement by the agreement filters, an engagement by the
engagement filters, a person or an organisation when an engagement they took part in passes them (so a
filter only agreements have, such as --status, leaves people out, as it does in `search`).
"""

from __future__ import annotations

from bilat.read.records import discrepancy_label

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from bilat.read.filters import Filters

FIELDS = ("id", "label", "subject", "field", "readings", "sources", "note")


def matching(filters: Filters) -> tuple[str, list[str]]:
    """SQL selecting the ids of the discrepancies that pass `filters`, and its parameters (search uses it too)."""
    if filters.empty:
        return "select d.id from discrepancies d", []
    a_source, a_params = filters.agreements_from("a")
    e_where, e_params = filters.event_clause("e")
    subject_id = "trim(substr(d.subject, instr(d.subject, ':') + 1))"
    sql = f"""
        select d.id from discrepancies d
        where {subject_id} in (select a.id from {a_source})
           or {subject_id} in (select e.id from events e where {e_where})
           or {subject_id} in (select p.person_id from event_participants p
                               where p.event_id in (select e.id from events e where {e_where}))
           or {subject_id} in (select o.organisation_id from event_organisations o
                               where o.event_id in (select e.id from events e where {e_where}))"""
    return sql, [*a_params, *e_params, *e_params, *e_params]


def list_discrepancies(conn: sqlite3.Connection, filters: Filters) -> list[dict[str, Any]]:
    """Each discrepancy as a flat record: `readings` are "value [source id]" (JSON keeps them as objects)."""
    ids, params = matching(filters)
    rows = conn.execute(f"select * from discrepancies where id in ({ids}) order by id", params).fetchall()
    return [_record(conn, row) for row in rows]


def _record(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    readings = [
        {"value": r["value"], "source": r["source_id"], "quote": r["quote"]}
        for r in conn.execute("select * from readings where discrepancy_id = ? order by seq", (row["id"],))
    ]
    return {
        "id": row["id"],
        "label": discrepancy_label(conn, row["subject"], row["field"]),
        "subject": row["subject"],
        "field": row["field"],
        "readings": readings,
        "sources": list(dict.fromkeys(r["source"] for r in readings)),
        "note": row["note"],
    }
