"""What `changes` reads: what the sources added in a window (or, `by="happened"`, what happened in it).

One entry per change, in date order, each with its evidence:

- `new`: an agreement's first status step (a new instrument or commitment), or a new engagement;
- `status`: a later status step, `from` the one before `to` this one;
- `promise`: a follow-up first reported; `outcome`: what became of it (kept, or unclear);
- `fell due`: a follow-up whose due date or period ended in the window with nothing showing it kept;
- `discrepancy`: sources that disagree, first seen.

By publication (the default), a change is dated by the first source that states it (`first_reported`); by
happening, by the date of the event or step at its own precision (a month is in a window it overlaps).  The
other filters (country, status, kind, sector, the clocks) narrow the records as they do for `list`.
"""

from __future__ import annotations

from bilat import dates

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from bilat.read.filters import Filters

CLOCKS = ("reported", "happened")
FIELDS = ("date", "change", "type", "id", "title", "from", "to", "event", "sources", "evidence")
_ORDER = {"new": 0, "status": 1, "promise": 2, "outcome": 3, "fell due": 4, "discrepancy": 5}


def changes(
    conn: sqlite3.Connection, filters: Filters, since: str, until: str | None, *, by: str = "reported", today: str
) -> list[dict[str, Any]]:
    """Every change dated from `since` to `until` (first and last day, inclusive; no later than `today`) on the
    clock `by`: a promise has not fallen due before its period has ended."""
    window = (since, min(until or today, today))
    entries = [
        *_steps(conn, filters, window, by),
        *_engagements(conn, filters, window, by),
        *_follow_ups(conn, filters, window, by),
        *_discrepancies(conn, filters, window, by),
    ]
    return sorted(entries, key=lambda e: (e["date"], _ORDER[e["change"]], e["id"]))


def _in(window: tuple[str, str], date: str | None, by: str) -> bool:
    if not date:
        return False
    if by == "reported":  # a publication date is a day
        return window[0] <= date <= window[1]
    return dates.overlaps(date, *window)


def _evidence(conn: sqlite3.Connection, record_id: str, part: str) -> list[dict[str, str]]:
    return _evidence_of(conn, [record_id]).get((record_id, part), [])


def _entry(change: str, date: str, kind: str, rid: str, title: str, **more: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"date": date, "change": change, "type": kind, "id": rid, "title": title}
    entry.update({"from": None, "to": None, "event": None, "evidence": []})
    entry.update(more)
    entry["sources"] = list(dict.fromkeys(e["source"] for e in entry["evidence"]))
    return {field: entry[field] for field in FIELDS}


def _window_sql(column: str, start: str, by: str) -> str:
    """SQL keeping the rows whose `column` (a publication day, or a date at its precision) is in the window."""
    if by == "reported":
        return f"{column} between ? and ?"
    return f"{column} is not null and {start} <= ? and {column} >= substr(?, 1, length({column}))"


def _window_params(window: tuple[str, str], by: str) -> list[str]:
    return list(window) if by == "reported" else [window[1], window[0]]


def _steps(conn: sqlite3.Connection, filters: Filters, window: tuple[str, str], by: str) -> list[dict[str, Any]]:
    source, params = filters.agreements_from("a", dates=False)
    column = "s.first_reported" if by == "reported" else "s.date"
    rows = conn.execute(
        f"""select s.agreement_id, s.seq, s.status, s.date, s.first_reported, s.event_id, a.title,
                   (select p.status from status_steps p where p.agreement_id = s.agreement_id and p.seq = s.seq - 1)
                     as previous
            from status_steps s join (select a.* from {source}) a on a.id = s.agreement_id
            where {_window_sql(column, "s.date_start", by)}""",
        [*params, *_window_params(window, by)],
    ).fetchall()
    quotes = _evidence_of(conn, [r["agreement_id"] for r in rows])
    return [
        _entry(
            "new" if r["seq"] == 0 else "status",
            r["first_reported"] if by == "reported" else r["date"],
            "agreement",
            r["agreement_id"],
            r["title"],
            **{"from": r["previous"], "to": r["status"], "event": r["event_id"]},
            evidence=quotes.get((r["agreement_id"], f"status_history[{r['seq']}]"), []),
        )
        for r in rows
    ]


def _evidence_of(conn: sqlite3.Connection, ids: list[str]) -> dict[tuple[str, str], list[dict[str, str]]]:
    """The evidence of many records at once, by (record id, part)."""
    out: dict[tuple[str, str], list[dict[str, str]]] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        rows = conn.execute(
            f"select record_id, part, source_id, quote from evidence where record_id in ({', '.join('?' * len(chunk))}) "
            "order by record_id, part, seq",
            chunk,
        )
        for rid, part, source, quote in rows:
            out.setdefault((rid, part), []).append({"source": source, "quote": quote})
    return out


def _engagements(conn: sqlite3.Connection, filters: Filters, window: tuple[str, str], by: str) -> list[dict[str, Any]]:
    where, params = filters.event_clause("e")
    column = "e.first_reported" if by == "reported" else "e.date"
    rows = conn.execute(
        f"select id, title, date, first_reported from events e where {where} "
        f"and {_window_sql(column, 'e.date_start', by)}",
        [*params, *_window_params(window, by)],
    ).fetchall()
    quotes = _evidence_of(conn, [r["id"] for r in rows])
    return [
        _entry(
            "new",
            r["first_reported"] if by == "reported" else r["date"],
            "event",
            r["id"],
            r["title"],
            evidence=quotes.get((r["id"], ""), []),
        )
        for r in rows
    ]


def _follow_ups(conn: sqlite3.Connection, filters: Filters, window: tuple[str, str], by: str) -> list[dict[str, Any]]:
    where, params = filters.event_clause("e")
    said = "f.first_reported" if by == "reported" else "e.date"
    rows = conn.execute(
        f"""select f.*, e.date as event_date from follow_ups f join events e on e.id = f.event_id where {where}
            and (({_window_sql(said, "e.date_start", by)}) or f.outcome_reported between ? and ?
                 or (f.due is not null and f.status != 'fulfilled' and f.due <= ?
                     and f.due >= substr(?, 1, length(f.due))))""",
        [*params, *_window_params(window, by), *window, window[1], window[0]],
    ).fetchall()
    quotes = _evidence_of(conn, [r["id"] for r in rows])
    out = []
    for r in rows:
        date = r["first_reported"] if by == "reported" else r["event_date"]
        common = {"event": r["event_id"]}
        if _in(window, date, by):
            evidence = quotes.get((r["id"], ""), [])
            out.append(_entry("promise", date, "follow_up", r["id"], r["description"], **common, evidence=evidence))
        if r["outcome_reported"] and _in(window, r["outcome_reported"], "reported"):
            evidence = quotes.get((r["id"], "outcome"), [])
            outcome = {"to": r["status"], **common, "evidence": evidence}
            out.append(_entry("outcome", r["outcome_reported"], "follow_up", r["id"], r["description"], **outcome))
        if r["due"] and r["status"] != "fulfilled":
            due_end = dates.span(r["due"])[1]
            if window[0] <= due_end <= window[1]:
                out.append(
                    _entry("fell due", due_end, "follow_up", r["id"], r["description"], to=r["status"], **common)
                )
    return out


def _discrepancies(
    conn: sqlite3.Connection, filters: Filters, window: tuple[str, str], by: str
) -> list[dict[str, Any]]:
    if by != "reported":
        return []  # a disagreement between sources has no date of its own but theirs
    from bilat.read.discrepancies import matching
    from bilat.read.records import discrepancy_label

    ids, params = matching(filters)
    out = []
    rows = conn.execute(
        f"select * from discrepancies where id in ({ids}) and first_reported between ? and ?", [*params, *window]
    )
    for r in rows:
        if _in(window, r["first_reported"], by):
            readings = conn.execute(
                "select source_id, quote from readings where discrepancy_id = ? order by seq", (r["id"],)
            )
            evidence = [{"source": x[0], "quote": x[1]} for x in readings]
            label = discrepancy_label(conn, r["subject"], r["field"])
            out.append(_entry("discrepancy", r["first_reported"], "discrepancy", r["id"], label, evidence=evidence))
    return out
