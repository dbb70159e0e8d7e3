"""What an id names, the closest ids to one that names nothing, and the words shell completion offers.

Standard library only (the query path).
"""

from __future__ import annotations

from bilat.problems import NotFoundError

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    import sqlite3

_TABLES = (
    ("agreements", "agreement"),
    ("events", "event"),
    ("follow_ups", "follow_up"),
    ("people", "person"),
    ("organisations", "organisation"),
    ("sources", "source"),
    ("discrepancies", "discrepancy"),
)
"""Every table a record id may be in, with the record type it names, in the order an id is looked up."""


def record_type(conn: sqlite3.Connection, record_id: str) -> str:
    """Which kind of record `record_id` is; NotFoundError naming the closest ids otherwise."""
    for table, kind in _TABLES:
        if conn.execute(f"select 1 from {table} where id = ?", (record_id,)).fetchone():
            return kind
    raise NotFoundError(f"no record with id {record_id!r}{closest_ids(conn, record_id)}")


def closest_ids(conn: sqlite3.Connection, record_id: str) -> str:
    candidates: list[str] = []
    head = record_id[:3].replace("%", "").replace("_", "")
    for table, _ in _TABLES[:-1]:
        sql = f"select id from {table} where id like ? limit 5000"
        candidates += [r[0] for r in conn.execute(sql, (f"%{head}%",))]
    if len(candidates) < 50:
        for table in ("agreements", "events"):
            candidates += [r[0] for r in conn.execute(f"select id from {table} limit 5000")]
    from bilat.suggest import closest

    close = closest(record_id, sorted(set(candidates)), n=3, cutoff=0.5)
    return f" (closest: {', '.join(close)})" if close else ""


# ---------------------------------------------------------------- shell completion


def country_names_starting(conn: sqlite3.Connection, incomplete: str) -> list[str]:
    """Country names (lower case, as typed on a command line) that start with `incomplete`, any case."""
    rows = conn.execute("select name from countries order by name").fetchall()
    return [name.lower() for (name,) in rows if name.lower().startswith(incomplete.lower())]


def ids_starting(conn: sqlite3.Connection, incomplete: str, limit: int = 200) -> list[str]:
    """Agreement and event ids that start with `incomplete` (for `show` and `brief`)."""
    pattern = incomplete + "%"
    sql = "select id from agreements where id like ? union select id from events where id like ? limit ?"
    return [record_id for (record_id,) in conn.execute(sql, (pattern, pattern, limit))]
