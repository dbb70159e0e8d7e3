"""Filters and search over the compiled database -> plain dicts.

Standard library only (this is the query path).  Knows nothing of Typer or Rich:
errors are raised as `UsageError` / `NotFoundError` and the CLI maps them.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from bilat.problems import NotFoundError, UsageError
from bilat.vocab import AGREEMENT_KINDS, SECTORS, STATUSES

HIGHLIGHT_START, HIGHLIGHT_END = "\x02", "\x03"  # snippet markers; renderers turn them into bold or **…**
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
SORTS = ("date", "-date", "title", "status", "kind", "id")


def date_bounds(text: str, option: str) -> tuple[str, str]:
    """The first and last day of YYYY, YYYY-MM or YYYY-MM-DD; a usage error otherwise."""
    match = _DATE.match(text.strip())
    if not match:
        raise UsageError(f"{option}: {text!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(g) if g else None for g in match.groups())
    if not year:
        raise UsageError(f"{option}: {text!r} is not a real date (there is no year 0)")
    import calendar  # here, not at the top: each of these costs a query ~1-2 ms of start-up

    try:
        if day is not None:
            import datetime as dt

            d = dt.date(year, month, day)  # type: ignore[arg-type]
            return d.isoformat(), d.isoformat()
        if month is not None:
            last = calendar.monthrange(year, month)[1]  # type: ignore[arg-type]
            return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
    except (ValueError, calendar.IllegalMonthError):
        raise UsageError(f"{option}: {text!r} is not a real date") from None
    return f"{year:04d}-01-01", f"{year:04d}-12-31"


def _check_choice(values: list[str], allowed: tuple[str, ...], option: str) -> list[str]:
    out = []
    for value in values:
        v = value.strip().lower().replace("_", "-").replace(" ", "-")
        if v not in allowed:
            import difflib

            close = difflib.get_close_matches(v, allowed, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (one of: {', '.join(allowed)})"
            raise UsageError(f"{option}: unknown value {value!r}{hint}")
        out.append(v)
    return out


@dataclass
class Filters:
    """What `list`, `search`, `timeline` and `summary` filter on; every field combines with AND."""

    countries: list[str] = field(default_factory=list)  # alpha-2 codes, any of them
    statuses: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    since: str | None = None  # first day, inclusive
    until: str | None = None  # last day, inclusive

    @classmethod
    def parse(
        cls,
        conn: sqlite3.Connection,
        *,
        countries: list[str] | None = None,
        statuses: list[str] | None = None,
        kinds: list[str] | None = None,
        sectors: list[str] | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Filters:
        """Check and normalise what the user typed (bad values are usage errors)."""
        codes: list[str] = []
        if countries:
            from bilat.countries import resolve_country

            codes = [resolve_country(conn, c) for c in countries]
        since_day = date_bounds(since, "--since")[0] if since is not None else None
        until_day = date_bounds(until, "--until")[1] if until is not None else None
        if since_day and until_day and since_day > until_day:
            raise UsageError(f"--since {since} is after --until {until}")
        return cls(
            countries=codes,
            statuses=_check_choice(statuses or [], STATUSES, "--status"),
            kinds=_check_choice(kinds or [], AGREEMENT_KINDS, "--kind"),
            sectors=_check_choice(sectors or [], SECTORS, "--sector"),
            since=since_day,
            until=until_day,
        )

    @property
    def agreements_only(self) -> bool:
        return bool(self.statuses or self.kinds or self.sectors)

    def agreement_clause(self, alias: str = "a", *, dates: bool = True) -> tuple[str, list[Any]]:
        """SQL conditions on the agreements table (as `alias`) and their parameters (`dates`: apply since/until)."""
        where: list[str] = []
        params: list[Any] = []
        _any_of(
            where,
            params,
            f"{alias}.id in (select agreement_id from agreement_parties where country in ({{}}))",
            self.countries,
        )
        _any_of(where, params, f"{alias}.status in ({{}})", self.statuses)
        _any_of(where, params, f"{alias}.kind in ({{}})", self.kinds)
        _any_of(
            where,
            params,
            f"{alias}.id in (select agreement_id from agreement_sectors where sector in ({{}}))",
            self.sectors,
        )
        if dates:
            self._dates(where, params, alias)
        return " and ".join(where) or "1", params

    def event_clause(self, alias: str = "e") -> tuple[str, list[Any]]:
        """SQL conditions on the events table (as `alias`); status/kind/sector do not apply to events."""
        if self.agreements_only:
            return "0", []
        where: list[str] = []
        params: list[Any] = []
        _any_of(
            where,
            params,
            f"{alias}.id in (select event_id from event_countries where country in ({{}}))",
            self.countries,
        )
        self._dates(where, params, alias)
        return " and ".join(where) or "1", params

    def _dates(self, where: list[str], params: list[Any], alias: str) -> None:
        # A record matches when the span its date covers (at its own precision) overlaps the window.
        if self.since:
            where.append(f"{alias}.date_end >= ?")
            params.append(self.since)
        if self.until:
            where.append(f"{alias}.date_start <= ?")
            params.append(self.until)


def _any_of(where: list[str], params: list[Any], sql: str, values: list[str]) -> None:
    """Add `sql` (its `{}` filled with one placeholder per value) when there are values to match."""
    if values:
        where.append(sql.format(_marks(values)))
        params += values


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
) -> list[dict[str, Any]]:
    """Agreements and commitments matching `filters`, as records with stable field names."""
    where, params = filters.agreement_clause("a")
    if sort == "status":
        order = "case a.status " + " ".join(f"when '{s}' then {i}" for i, s in enumerate(STATUSES)) + " end, a.id"
    elif sort in _ORDER:
        order = _ORDER[sort]
    else:
        raise UsageError(f"--sort: unknown order {sort!r} (one of: {', '.join(SORTS)})")
    sql = f"select a.* from agreements a where {where} order by {order}"
    if limit is not None:
        sql += " limit ?"
        params = [*params, limit]
    rows = conn.execute(sql, params).fetchall()
    return _agreement_records(conn, rows)


def _agreement_records(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    """Rows of `agreements` as list records; their sources, institutions and date precision in a few queries."""
    sources: dict[str, list[str]] = {}
    institutions: dict[str, list[str]] = {}
    last_step: dict[str, tuple[str, str, str]] = {}
    ids = [row["id"] for row in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
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
            "date_precision": _date_precision(row["date"], last_step.get(row["id"])),
            "first_date": row["first_date"],
            "parties": _list(row["parties"]),
            "sectors": _list(row["sectors"]),
            "institutions": institutions.get(row["id"], []),
            "figures": [f"{f['value']:,} {f['unit']}" for f in _list(row["figures"])],
            "quantity": row["quantity"],
            "summary": row["summary"],
            "sources": sources.get(row["id"], []),
        }
        for row in rows
    ]


def _date_precision(date: str | None, last_step: tuple[str, str, str] | None) -> str | None:
    """day, month or year; `reported` when the date is only that of the report of its event."""
    if not date:
        return None
    if last_step and last_step[0] == date:
        return step_precision(date, last_step[1], last_step[2])
    return _precision(date)


def step_precision(date: str | None, event_date: str | None, event_precision: str | None) -> str | None:
    """A status step's date precision: `reported` when its date is its event's and that is only the report's date.

    A step the source gives no date for (`date: null` in the data) takes its event's date at build time; when the
    event itself is known only by its report's date, so is the step, and every output says `reported`.
    """
    if not date:
        return None
    if event_date == date and event_precision == "reported":
        return "reported"
    return _precision(date)


# ---------------------------------------------------------------- search

FTS_COLUMNS = ("title", "summary", "evidence", "names", "places")


# Ranking costs ~1 us per matching record (bm25, the join, the filters): a word found in most records would take
# seconds at treaty-database scale.  An unfiltered search ranks at most this many matches, the most recent ones.
RANKED_AT_MOST = 20_000


@dataclass
class SearchResult:
    hits: list[dict[str, Any]]
    query: str  # the FTS5 query actually run
    reinterpreted: bool  # the user's text was not FTS5 syntax and was searched as plain words
    matches: int | None = None  # how many records match, when that is more than were ranked
    ranked: int | None = None  # how many of the most recent matches were ranked (None: every match)


def fts_words(text: str) -> str:
    """Every word of `text` as a quoted FTS5 term (so nothing in it is syntax), joined with AND."""
    words = re.findall(r"[\w][\w'’.,%+&-]*", text, flags=re.UNICODE)
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


# British and American spellings the sources mix ("labour"/"labor", "defence"/"defense"): a plain word finds both.
_SPELLINGS = dict(
    pair
    for uk, us in (
        ("labour", "labor"),
        ("defence", "defense"),
        ("organisation", "organization"),
        ("programme", "program"),
        ("centre", "center"),
        ("favour", "favor"),
        ("honour", "honor"),
        ("licence", "license"),
        ("harmonisation", "harmonization"),
        ("modernisation", "modernization"),
        ("standardisation", "standardization"),
        ("cooperation", "co-operation"),
    )
    for pair in ((uk, us), (us, uk))
)
_PLAIN_WORD = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|[^\W\d_][\w'’-]*|\d+)$")
_OPERATORS = frozenset(("AND", "OR", "NOT", "NEAR"))


def plain_words_query(text: str) -> str | None:
    """A query of plain words, as FTS5 syntax that also finds the other spelling and the other way to write a number.

    `labour` -> ("labour" OR "labor"); `150,000` and `150000` -> ("150 000" OR "150000").  None when the text uses
    search syntax (quotes, *, operators, column:word) or anything else: it is then searched as the user wrote it.
    """
    words = text.split()
    if not words or any(w in _OPERATORS or not _PLAIN_WORD.match(w) for w in words):
        return None
    terms = []
    for word in words:
        variants = [word]
        digits = word.replace(",", "")
        if digits.isascii() and digits.isdecimal() and len(digits) <= 30:  # "150,000" is indexed as 150 000
            grouped = f"{int(digits):,}".replace(",", " ")
            variants = [grouped] if "," in word else ([digits, grouped] if grouped != digits else [digits])
        elif word.lower() in _SPELLINGS:
            variants.append(_SPELLINGS[word.lower()])
        quoted = ['"' + v.replace('"', '""') + '"' for v in variants]
        terms.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
    return " ".join(terms)


def search(conn: sqlite3.Connection, text: str, filters: Filters, *, limit: int | None = 20) -> SearchResult:
    """Full-text search, ranked by bm25 (titles first); a query FTS5 cannot parse is retried as plain words."""
    if not text.strip():
        raise UsageError("search: the query is empty")
    if not re.search(r"\w", text):  # '""', '*', '🙂': FTS5 accepts some of these but they can never match
        raise UsageError(f"search: nothing searchable in {text[:80]!r} (no words in it)")
    query = plain_words_query(text) or text
    try:
        hits, matches, ranked = _run_search(conn, query, filters, limit)
        return SearchResult(hits, query, False, matches, ranked)
    except sqlite3.OperationalError as exc:
        if str(exc).startswith("no such table"):
            raise  # a damaged database, not the query: the CLI rebuilds it
        # Not FTS5 syntax ("unterminated string", "no such column: UK", "syntax error near ..."): plain words.
        problem = str(exc).removeprefix("fts5: ")
    fallback = fts_words(text)
    if not fallback:
        raise UsageError(f"search: nothing searchable in {text[:80]!r} (no words in it)")
    try:
        hits, matches, ranked = _run_search(conn, fallback, filters, limit)
    except sqlite3.OperationalError as exc:
        if str(exc).startswith("no such table"):
            raise
        raise UsageError(f"search: cannot search for {text[:80]!r}: {exc}") from None
    if not hits:  # neither as written nor as plain words: the query itself is the problem
        raise UsageError(
            f"search: {text[:80]!r} is not valid search syntax ({problem}) and its words match nothing; "
            'quote a phrase whole ("...") or drop the special characters'
        )
    return SearchResult(hits, fallback, True, matches, ranked)


def _run_search(
    conn: sqlite3.Connection, query: str, filters: Filters, limit: int | None
) -> tuple[list[dict[str, Any]], int | None, int | None]:
    """The hits, and (when capped) how many records matched and how many were ranked."""
    matches = ranked = None
    newest: list[Any] = []
    if filters == Filters():  # a filter narrows the candidates anyway; without one, cap them
        found = conn.execute("select count(*) from search_index_fts where search_index_fts match ?", (query,))
        count = found.fetchone()[0]
        if count > RANKED_AT_MOST:  # rowid order is date order: rank the most recent matches
            newest = conn.execute(
                "select rowid from search_index_fts where search_index_fts match ? order by rowid desc limit 1 offset ?",
                (query, RANKED_AT_MOST - 1),
            ).fetchone()[:1]
            matches, ranked = count, RANKED_AT_MOST
    a_where, a_params = filters.agreement_clause("a")
    e_where, e_params = filters.event_clause("e")
    f_clause = "0" if filters.agreements_only else f"f.event_id in (select e.id from events e where {e_where})"
    sql = f"""
        select s.record_type, s.record_id, s.title,
               snippet(search_index_fts, -1, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}', '…', 16) as snippet,
               bm25(search_index_fts, 10.0, 3.0, 1.0, 4.0, 2.0) as score
        from search_index_fts join search_index s on s.rowid = search_index_fts.rowid
        where search_index_fts match ? {"and search_index_fts.rowid >= ?" if newest else ""}
          and case s.record_type
                when 'agreement' then s.record_id in (select a.id from agreements a where {a_where})
                when 'event' then s.record_id in (select e.id from events e where {e_where})
                else s.record_id in (select f.id from follow_ups f where {f_clause})
              end
        order by score, s.record_id"""
    params: list[Any] = [query, *newest, *a_params, *e_params, *(e_params if not filters.agreements_only else [])]
    if limit is not None:
        sql += " limit ?"
        params.append(limit)
    hits = []
    for row in conn.execute(sql, params):
        hit = {
            "type": row["record_type"],
            "id": row["record_id"],
            "title": row["title"],
            "date": None,
            "date_precision": None,
            "status": None,
            "snippet": row["snippet"],
            "score": round(row["score"], 4),
        }
        if row["record_type"] == "agreement":
            a = conn.execute("select date, status from agreements where id = ?", (row["record_id"],)).fetchone()
            hit["date"], hit["status"] = a["date"], a["status"]
            step = conn.execute(
                "select s.date, e.date, e.date_precision from status_steps s left join events e on e.id = s.event_id "
                "where s.agreement_id = ? and s.date is not null order by s.seq desc limit 1",
                (row["record_id"],),
            ).fetchone()
            hit["date_precision"] = _date_precision(a["date"], tuple(step) if step else None)
        elif row["record_type"] == "event":
            e = conn.execute("select date, date_precision from events where id = ?", (row["record_id"],)).fetchone()
            hit["date"], hit["date_precision"] = e["date"], e["date_precision"]
        else:
            f = conn.execute("select due, status from follow_ups where id = ?", (row["record_id"],)).fetchone()
            hit["date"], hit["status"] = f["due"], f["status"]
            hit["date_precision"] = _precision(f["due"]) if f["due"] else None
        hits.append(hit)
    return hits, matches, ranked


# ---------------------------------------------------------------- summary


def summary(conn: sqlite3.Connection, filters: Filters) -> dict[str, list[dict[str, Any]]]:
    """Counts of the matching agreements by country, status, sector, kind and year."""
    where, params = filters.agreement_clause("a")
    base = f"(select a.* from agreements a where {where})"
    queries = {
        "country": f"""select p.country as key, c.name as label, count(*) as count from {base} a
                       join agreement_parties p on p.agreement_id = a.id left join countries c on c.code = p.country
                       group by p.country order by count desc, p.country""",
        "status": f"select a.status as key, null as label, count(*) as count from {base} a group by a.status "
        "order by case a.status " + " ".join(f"when '{s}' then {i}" for i, s in enumerate(STATUSES)) + " end",
        "sector": f"""select s.sector as key, null as label, count(*) as count from {base} a
                      join agreement_sectors s on s.agreement_id = a.id group by s.sector order by count desc, s.sector""",
        "kind": f"select a.kind as key, null as label, count(*) as count from {base} a group by a.kind "
        "order by count desc, a.kind",
        "year": f"""select coalesce(substr(a.date, 1, 4), 'undated') as key, null as label, count(*) as count
                    from {base} a group by 1 order by 1""",
    }
    out: dict[str, list[dict[str, Any]]] = {}
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


def timeline(conn: sqlite3.Connection, filters: Filters, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Engagements and status changes in date order."""
    a_where, a_params = filters.agreement_clause("a", dates=False)  # a status change is dated by its own date
    e_where, e_params = filters.event_clause("e")
    step_dates = []
    step_params: list[Any] = []
    if filters.since:  # a status change dated 2022-02 may have been on any day of that month
        conn.create_function("span_end", 1, lambda d: date_bounds(d, "date")[1] if d else None, deterministic=True)
        step_dates.append("span_end(s.date) >= ?")
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
          from status_steps s join agreements a on a.id = s.agreement_id left join events ev on ev.id = s.event_id
          where s.date is not null and {a_where}
                {"and " + " and ".join(step_dates) if step_dates else ""}
        ) order by sort_date, sort_kind, record_id"""
    params = [*e_params, *a_params, *step_params]
    if limit is not None:
        sql += " limit ?"
        params.append(limit)
    return [
        {
            "date": r["date"],
            "date_precision": r["date_precision"] or _precision(r["date"]),
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


def _precision(date: str | None) -> str | None:
    if not date:
        return None
    return {1: "year", 2: "month", 3: "day"}[len(date.split("-"))]


# ---------------------------------------------------------------- show


def record_type(conn: sqlite3.Connection, record_id: str) -> str:
    """Which kind of record `record_id` is; NotFoundError naming the closest ids otherwise."""
    for table, kind in (
        ("agreements", "agreement"),
        ("events", "event"),
        ("follow_ups", "follow_up"),
        ("people", "person"),
        ("organisations", "organisation"),
        ("sources", "source"),
        ("discrepancies", "discrepancy"),
    ):
        if conn.execute(f"select 1 from {table} where id = ?", (record_id,)).fetchone():
            return kind
    raise NotFoundError(f"no record with id {record_id!r}{_closest(conn, record_id)}")


def _closest(conn: sqlite3.Connection, record_id: str) -> str:
    candidates: list[str] = []
    head = record_id[:3].replace("%", "").replace("_", "")
    for table in ("agreements", "events", "follow_ups", "people", "organisations", "sources"):
        sql = f"select id from {table} where id like ? limit 5000"
        candidates += [r[0] for r in conn.execute(sql, (f"%{head}%",))]
    if len(candidates) < 50:
        for table in ("agreements", "events"):
            candidates += [r[0] for r in conn.execute(f"select id from {table} limit 5000")]
    import difflib

    close = difflib.get_close_matches(record_id, sorted(set(candidates)), n=3, cutoff=0.5)
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
