"""The search index: one row per searchable record in search_index, its text in the FTS5 table.

What each record is found by is declared with the schema (bilat.build.schema.search_text,
also the view FTS5 reads its snippets from); this module fills and empties the index.
"""

from __future__ import annotations

import sqlite3

from bilat.build.schema import FTS_COLUMNS, SEARCH_RECORD_TYPES, search_text

_SEARCH_ROWS = """
    select 'agreement' as record_type, a.id as record_id, a.date_start, a.title from agreements a {only_a}
    union all
    select 'event', ev.id, ev.date_start, ev.title from events ev {only_e}
    union all
    select 'follow_up', f.id, (select date_start from events where id = f.event_id), f.description
    from follow_ups f {only_f}
    union all
    select 'person', p.id, null, p.name from people p {only_p}
    union all
    select 'discrepancy', d.id, null, d.id from discrepancies d {only_d}"""


def index_search(conn: sqlite3.Connection, selected: str | None) -> None:
    """Index every record for search, or the records whose ids `selected` gives (SQL).

    Rows go in date order, so rowid order is date order (a full build's; rows rewritten by an incremental
    rebuild go last): search ranks only the most recent matches of a very common word.
    """
    first = conn.execute("select coalesce(max(rowid), 0) from search_index").fetchone()[0]
    rows = _SEARCH_ROWS.format(
        only_a=f"where a.id in ({selected})" if selected else "",
        only_e=f"where ev.id in ({selected})" if selected else "",
        only_f=f"where f.id in ({selected})" if selected else "",
        only_p=f"where p.id in ({selected})" if selected else "",
        only_d=f"where d.id in ({selected})" if selected else "",
    )
    conn.execute(
        "insert into search_index (record_type, record_id, date_start, title) "
        f"select * from ({rows}) order by date_start, record_type, record_id"  # undated first: the oldest
    )
    # The same text as the view search_text, gathered record table by record table, then indexed in key order.
    cols = ", ".join(FTS_COLUMNS)
    conn.execute(f"create temp table search_rows (key integer primary key, {cols})")
    conn.execute(
        f"insert into temp.search_rows select key, {cols} from ({search_text(by_record=True, after='?')})",
        (first,) * len(SEARCH_RECORD_TYPES),
    )
    conn.execute(f"insert into search_index_fts (rowid, {cols}) select key, {cols} from temp.search_rows order by key")
    conn.execute("drop table temp.search_rows")


def unindex_search(conn: sqlite3.Connection, selected: str) -> None:
    """Take the records whose ids `selected` gives out of the search index: before any of their rows change,
    since FTS5 forgets a text only when told exactly what it was."""
    cols = ", ".join(FTS_COLUMNS)
    conn.execute(
        f"insert into search_index_fts (search_index_fts, rowid, {cols}) "
        f"select 'delete', key, {cols} from ({search_text(by_record=False, only=selected)})"
    )
    conn.execute(f"delete from search_index where record_id in ({selected})")
