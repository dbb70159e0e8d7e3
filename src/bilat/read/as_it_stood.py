"""`show --as-of/--known-on`: a record as it stood on a past day, or why it was not there yet.

A record first reported after `--known-on`, or that had not happened by `--as-of`, is not found (exit 1, as an
unknown id), and the message says when it was reported or happened.  An agreement found keeps only the
status steps reached by then; its status and date are those of the latest of them.
"""

from __future__ import annotations

from bilat.problems import NotFoundError

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from bilat.read.filters import Filters

_DATED = {"agreement": "agreements", "event": "events", "follow_up": "follow_ups", "discrepancy": "discrepancies"}


def check_reached(conn: sqlite3.Connection, kind: str, record_id: str, filters: Filters) -> None:
    """NotFoundError when the record was not yet reported by --known-on, or had not happened by --as-of."""
    table = _DATED.get(kind)
    if kind == "source":
        row = conn.execute(
            "select published as first_reported, null as date_start from sources where id = ?", (record_id,)
        )
    elif table in ("agreements", "events"):
        row = conn.execute(f"select first_reported, date_start from {table} where id = ?", (record_id,))
    elif table:
        row = conn.execute(f"select first_reported, null as date_start from {table} where id = ?", (record_id,))
    else:
        return  # people and organisations have no date of their own
    reported, happened = row.fetchone()
    known_on, as_of = filters.day("known_on"), filters.day("as_of")
    if known_on and reported and reported > known_on:
        raise NotFoundError(f"{record_id} was not yet reported on {known_on} (first reported {reported})")
    if as_of and (happened or reported) and (happened or reported) > as_of:
        when = f"from {happened}" if happened else f"first reported {reported}"
        raise NotFoundError(f"{record_id} had not happened by {as_of} ({when})")


def as_it_stood(conn: sqlite3.Connection, record: dict[str, Any], filters: Filters) -> None:
    """An agreement's status history cut to the steps reached at the clocks; status and date follow."""
    reached, params = filters.step_condition("s", "a")
    seqs = {
        r[0]
        for r in conn.execute(
            f"select s.seq from status_steps s join agreements a on a.id = s.agreement_id "
            f"where s.agreement_id = ? and {reached}",
            [record["id"], *params],
        )
    }
    steps = [step for i, step in enumerate(record["status_history"]) if i in seqs]
    record["status_history"] = steps
    if steps:
        record["status"] = steps[-1]["status"]
        dated = [s for s in steps if s["date"]]
        record["date"] = dated[-1]["date"] if dated else None
        record["date_precision"] = dated[-1]["date_precision"] if dated else None
    record["as_of"], record["known_on"] = filters.day("as_of"), filters.day("known_on")
