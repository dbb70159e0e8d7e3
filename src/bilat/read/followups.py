"""What `followups` reads: each promise with its state on a day (today, or --as-of), filtered like list.

- `kept`: a later source shows it done (its outcome says fulfilled);
- `overdue`: its due date or period has ended by that day, and no source shows it kept;
- `open` or `unclear`: as the data records it (unclear: a later source may or may not show it kept).

Under --known-on, a promise counts only once a source published by then states it, and it is kept only if
the source that shows it was published by then.  A period is compared at its own precision: "2026" falls
due at the end of 2026.
"""

from __future__ import annotations

from bilat import dates

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from bilat.read.filters import Filters

STATES = ("overdue", "open", "unclear", "kept")
FIELDS = ("id", "state", "due", "description", "event", "event_title", "status", "outcome", "agreements", "sources")


def followups(conn: sqlite3.Connection, filters: Filters, *, today: str) -> list[dict[str, Any]]:
    """Every follow-up raised at an engagement that passes `filters`, overdue ones first."""
    where, params = filters.event_clause("e")
    on = filters.day("as_of") or today
    known_on = filters.day("known_on")
    rows = conn.execute(
        f"""select f.*, e.title as event_title, e.date_start as event_start from follow_ups f
            join events e on e.id = f.event_id where {where} order by e.date_start, f.id""",
        params,
    )
    out = []
    for r in rows:
        if known_on and (r["first_reported"] or "") > known_on:
            continue
        kept = r["status"] == "fulfilled" and (not known_on or (r["outcome_reported"] or "") <= known_on)
        kept = kept and (r["outcome_reported"] or "") <= on
        due_end = dates.span(r["due"])[1] if r["due"] else None
        if kept:
            state = "kept"
        elif due_end and due_end < on:
            state = "overdue"
        else:
            state = "unclear" if r["status"] == "unclear" else "open"
        sources = [
            s[0]
            for s in conn.execute(
                "select distinct source_id from evidence where record_id = ? order by source_id", (r["id"],)
            )
        ]
        out.append(
            {
                "id": r["id"],
                "state": state,
                "due": r["due"],
                "description": r["description"],
                "event": r["event_id"],
                "event_title": r["event_title"],
                "status": r["status"],
                "outcome": r["outcome"],
                "agreements": [
                    a[0]
                    for a in conn.execute(
                        "select agreement_id from follow_up_agreements where follow_up_id = ? order by rowid",
                        (r["id"],),
                    )
                ],
                "sources": sources,
            }
        )
    return sorted(out, key=lambda f: STATES.index(f["state"]))
