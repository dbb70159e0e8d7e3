"""What `list`, `summary` and `timeline` read: agreements, counts and dated entries, filtered once.

Standard library only (the query path).  Every function takes a connection and `Filters` and returns plain
records with stable field names (`bilat.payloads` declares them).
"""

from __future__ import annotations

import json

from bilat import dates
from bilat.problems import UsageError
from bilat.vocab import STATUSES

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from bilat.payloads import Count, ListRecord, TimelineEntry
    from bilat.read.filters import Filters

SORTS = ("date", "-date", "title", "status", "kind", "id")
_CHUNK = 500  # ids per "in (...)" list


def _marks(values: list[Any]) -> str:
    return ", ".join("?" * len(values))


def _list(value: str | None) -> list[Any]:
    return json.loads(value) if value else []


# ---------------------------------------------------------------- list

_ORDER = {
    "date": "a.date_start is null, a.date_start, a.id",
    "-date": "a.date_end is null, a.date_end desc, a.id",
    "title": "a.title collate nocase, a.id",
    "kind": "a.kind, a.date_start, a.id",
    "id": "a.id",
}


def list_agreements(
    conn: sqlite3.Connection, filters: Filters, *, sort: str = "date", limit: int | None = None
) -> list[ListRecord]:
    """Agreements and commitments matching `filters`, as records with stable field names."""
    source, params = filters.agreements_from("a")
    if sort == "status":
        order = "case a.status " + " ".join(f"when '{s}' then {i}" for i, s in enumerate(STATUSES)) + " end, a.id"
    elif sort in _ORDER:
        order = _ORDER[sort]
    else:
        raise UsageError(f"--sort: unknown order {sort!r} (one of: {', '.join(SORTS)})")
    sql = f"select a.* from {source} order by {order}"
    bound: list[object] = [*params]
    if limit is not None:
        sql += " limit ?"
        bound.append(limit)
    rows = conn.execute(sql, bound).fetchall()
    return _agreement_records(conn, rows)


def count_agreements(conn: sqlite3.Connection, filters: Filters) -> int:
    """How many agreements match `filters`: what a cut list (`--limit`) says it was cut from."""
    source, params = filters.agreements_from("a")
    return int(conn.execute(f"select count(*) from {source}", params).fetchone()[0])


def _agreement_records(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[ListRecord]:
    """Rows of `agreements` as list records; their sources, institutions and date precision in a few queries."""
    sources: dict[str, list[str]] = {}
    institutions: dict[str, list[str]] = {}
    last_step: dict[str, tuple[str, str, str]] = {}
    ids = [row["id"] for row in rows]
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = _marks(chunk)
        for rid, source in conn.execute(
            f"select record_id, source_id from evidence where record_id in ({marks}) "
            "group by record_id, source_id order by record_id, min(rowid)",
            chunk,
        ):
            sources.setdefault(rid, []).append(source)
        for aid, name in conn.execute(
            "select i.agreement_id, o.name from agreement_institutions i join organisations o "
            f"on o.id = i.organisation_id where i.agreement_id in ({marks}) order by i.rowid",
            chunk,
        ):
            institutions.setdefault(aid, []).append(name)
        for aid, step_date, event_date, precision in conn.execute(
            "select s.agreement_id, s.date, e.date, e.date_precision from status_steps s join events e "
            f"on e.id = s.event_id where s.agreement_id in ({marks}) and s.date is not null order by s.seq",
            chunk,
        ):
            last_step[aid] = (step_date, event_date, precision)
    return [
        {
            "id": row["id"],
            "title": row["title"],
            "kind": row["kind"],
            "status": row["status"],
            "date": row["date"],
            "date_precision": date_precision(row["date"], last_step.get(row["id"])),
            "first_date": row["first_date"],
            "parties": _list(row["parties"]),
            "sectors": _list(row["sectors"]),
            "institutions": institutions.get(row["id"], []),
            "figures": [
                {"value": f["value"], "unit": f["unit"], "text": f"{f['value']:,} {f['unit']}"}
                for f in _list(row["figures"])
            ],
            "quantity": row["quantity"],
            "summary": row["summary"],
            "sources": sources.get(row["id"], []),
        }
        for row in rows
    ]


def date_precision(date: str | None, last_step: tuple[str, str, str] | None) -> str | None:
    """day, month or year; `reported` when the date is only that of the report of its event."""
    if not date:
        return None
    if last_step and last_step[0] == date:
        return dates.step_precision(date, last_step[1], last_step[2])
    return dates.precision(date)


# ---------------------------------------------------------------- summary


def summary(conn: sqlite3.Connection, filters: Filters) -> dict[str, list[Count]]:
    """Counts of the matching agreements by country, status, sector, kind and year."""
    source, params = filters.agreements_from("a")
    base = f"(select a.* from {source})"
    # Countries and sectors are counted on their link tables; with no filter every row counts, and the
    # table is read in one pass of its (country, agreement) index (joining 250k agreements took ~0.2 s).
    linked = "" if filters.empty else f"where link.agreement_id in (select a.id from {source})"
    queries = {
        "country": f"""select link.country as key, c.name as label, count(*) as count from agreement_parties link
                       left join countries c on c.code = link.country {linked}
                       group by link.country order by count desc, link.country""",
        "status": f"select a.status as key, null as label, count(*) as count from {base} a group by a.status "
        "order by case a.status " + " ".join(f"when '{s}' then {i}" for i, s in enumerate(STATUSES)) + " end",
        "sector": f"""select link.sector as key, null as label, count(*) as count from agreement_sectors link
                      {linked} group by link.sector order by count desc, link.sector""",
        "kind": f"select a.kind as key, null as label, count(*) as count from {base} a group by a.kind "
        "order by count desc, a.kind",
        "year": f"""select coalesce(substr(a.date, 1, 4), 'undated') as key, null as label, count(*) as count
                    from {base} a group by 1 order by 1""",
    }
    out: dict[str, list[Count]] = {}
    for name, sql in queries.items():
        out[name] = [
            {"key": r["key"], "label": r["label"] or r["key"], "count": r["count"]} for r in conn.execute(sql, params)
        ]
    out["total"] = [
        {
            "key": "agreements",
            "label": "agreements and commitments",
            "count": conn.execute(f"select count(*) from {base} a", params).fetchone()[0],
        }
    ]
    return out


# ---------------------------------------------------------------- timeline


def timeline(conn: sqlite3.Connection, filters: Filters, *, limit: int | None = None) -> list[TimelineEntry]:
    """Engagements and status changes in date order."""
    a_source, a_params = filters.agreements_from("a", dates=False)  # a status change is dated by its own date
    e_where, e_params = filters.event_clause("e")
    reached, step_params = filters.step_condition("s", "a")  # the steps reached by the clocks, if any
    step_dates = [reached]
    if filters.since:  # a status change dated 2022-02 may have been on any day of that month: its span's end
        step_dates.append("s.date >= substr(?, 1, length(s.date))")
        step_params.append(filters.since)
    if filters.until:
        step_dates.append("s.date_start <= ?")
        step_params.append(filters.until)
    sql = f"""
        select * from (
          select e.date_start as sort_date, 0 as sort_kind, e.date, e.date_precision, 'event' as entry_type,
                 e.id as record_id, e.kind, e.title, null as status, e.place, e.countries as countries, null as event_id
          from events e where {e_where}
          union all
          select s.date_start, 1, s.date,
                 case when s.date = ev.date and ev.date_precision = 'reported' then 'reported' end,
                 'status', s.agreement_id, a.kind, a.title, s.status, null, a.parties, s.event_id
          from status_steps s join (select a.* from {a_source}) a on a.id = s.agreement_id
               left join events ev on ev.id = s.event_id
          where s.date is not null and {" and ".join(step_dates)}
        ) order by sort_date, sort_kind, record_id"""
    params: list[Any] = [*e_params, *a_params, *step_params]
    if limit is not None:
        sql += " limit ?"
        params.append(limit)
    return [
        {
            "date": r["date"],
            "date_precision": r["date_precision"] or dates.precision(r["date"]),
            "type": r["entry_type"],
            "id": r["record_id"],
            "kind": r["kind"],
            "title": r["title"],
            "status": r["status"],
            "place": r["place"],
            "countries": _list(r["countries"]),
            "event": r["event_id"],
        }
        for r in conn.execute(sql, params)
    ]
