"""What the build works out from the rows: step dates from their events, agreements' status and dates, countries.

Done in SQL over the whole table (a full build) or over the agreements an
incremental build touched; no Python callback per row.
"""

from __future__ import annotations

import sqlite3

from bilat.build.schema import insert_sql

# The first and last day covered by a date of day, month or year precision ({d} is the column):
# bilat.build.rows.date_range in SQL.
_SQL_START = "case length({d}) when 4 then {d} || '-01-01' when 7 then {d} || '-01' else {d} end"
_SQL_END = (
    "case length({d}) when 4 then {d} || '-12-31' when 7 then date({d} || '-01', '+1 month', '-1 day') else {d} end"
)


def derive(conn: sqlite3.Connection, agreements: str | None) -> None:
    """Step dates from their events, each agreement's status and dates (for the agreements selected by SQL)."""
    only = f"and agreement_id in ({agreements})" if agreements else ""
    where_a = f"where id in ({agreements})" if agreements else ""
    conn.execute(f"""update status_steps set date = (select date from events where id = status_steps.event_id),
                     dated_by_event = 1
                     where (date is null or dated_by_event = 1) and event_id is not null {only}""")
    conn.execute(f"update status_steps set date_start = {_SQL_START.format(d='date')} where 1 {only}")
    conn.execute(f"""
        update agreements set
          status = (select status from status_steps s where s.agreement_id = agreements.id order by seq desc limit 1),
          date = (select date from status_steps s where s.agreement_id = agreements.id and date is not null
                  order by seq desc limit 1),
          first_date = (select date from status_steps s where s.agreement_id = agreements.id and date is not null
                        order by seq limit 1)
        {where_a}""")
    conn.execute(
        f"update agreements set date_start = {_SQL_START.format(d='first_date')}, "
        f"date_end = {_SQL_END.format(d='date')}, year = cast(substr(date, 1, 4) as integer) {where_a}"
    )


# The publication date of the first source cited by a record's evidence ({where} picks the rows).
_FIRST = "(select min(src.published) from evidence ev join sources src on src.id = ev.source_id where {where})"


def derive_reported(conn: sqlite3.Connection, records: str | None) -> None:
    """When each fact was first reported: a record, each status step, a follow-up and what became of it, a
    discrepancy (for the records whose ids `records` selects in SQL, or all)."""
    only = f"and id in ({records})" if records else ""
    only_steps = f"and agreement_id in ({records})" if records else ""
    step = "ev.record_id = status_steps.agreement_id and ev.part = 'status_history[' || status_steps.seq || ']'"
    conn.execute(f"update status_steps set first_reported = {_FIRST.format(where=step)} where 1 {only_steps}")
    for table, record_type in (("agreements", "agreement"), ("events", "event")):
        where = f"ev.record_id = {table}.id and ev.record_type = '{record_type}'"
        conn.execute(f"update {table} set first_reported = {_FIRST.format(where=where)} where 1 {only}")
    said = "ev.record_id = follow_ups.id and ev.record_type = 'follow_up' and ev.part = "
    promised, kept = _FIRST.format(where=said + "''"), _FIRST.format(where=said + "'outcome'")
    conn.execute(f"update follow_ups set first_reported = {promised}, outcome_reported = {kept} where 1 {only}")
    conn.execute(f"""update discrepancies set first_reported = (
        select min(src.published) from readings r join sources src on src.id = r.source_id
        where r.discrepancy_id = discrepancies.id) where 1 {only}""")


def update_countries(conn: sqlite3.Connection) -> None:
    """One row per country the dataset uses (pycountry names), and no other."""
    from bilat.countries import country_rows

    used = {
        r[0]
        for r in conn.execute(
            """select country from agreement_parties union select country from event_countries
               union select country from people where country is not null
               union select country from organisations where country is not null"""
        )
    }
    have = {r[0] for r in conn.execute("select code from countries")}
    conn.executemany("delete from countries where code = ?", [(c,) for c in sorted(have - used)])
    rows = country_rows(sorted(used - have))
    conn.executemany(
        insert_sql("countries"),
        [(r["code"], r["alpha3"], r["name"], r["official_name"], r["demonym"]) for r in rows],
    )
