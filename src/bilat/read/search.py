"""What `search` reads: full-text search over the compiled index, ranked, filtered like every reader.

Standard library only (the query path).  A query FTS5 cannot parse is searched as plain words; plain words
also find the other spelling and the other way to write a number.
"""

from __future__ import annotations

import re
import sqlite3

from bilat import dates, highlight
from bilat.problems import UsageError
from bilat.read.discrepancies import matching as discrepancies_matching
from bilat.read.listing import date_precision
from bilat.read.records import discrepancy_label

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    from typing import Any

    from bilat.payloads import SearchHit
    from bilat.read.filters import Filters


# Ranking costs ~1 us per matching record (bm25, the join, the filters): a word found in most records would take
# seconds at treaty-database scale.  An unfiltered search ranks at most this many matches, the most recent ones.
RANKED_AT_MOST = 20_000


class SearchResult:
    """The hits, the FTS5 query actually run, and whether (and how far) the matches were cut before ranking."""

    __slots__ = ("hits", "matches", "query", "ranked", "reinterpreted", "respelled", "total")

    def __init__(
        self,
        hits: list[SearchHit],
        query: str,
        reinterpreted: bool,
        matches: int | None = None,
        ranked: int | None = None,
    ) -> None:
        self.hits = hits
        self.query = query
        self.reinterpreted = reinterpreted  # the user's text was not FTS5 syntax and was searched as plain words
        self.matches = matches  # how many records match, when that is more than were ranked
        self.ranked = ranked  # how many of the most recent matches were ranked (None: every match)
        self.total = len(hits)  # how many hits there were before --limit cut them (set by `search`)
        self.respelled: dict[str, str] = {}  # a word that matched nothing -> the nearest word searched instead


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
    """Full-text search, ranked by bm25 (titles first); a query FTS5 cannot parse is retried as plain words,
    and plain words that find nothing are retried with the nearest words the index has (Lukashenka)."""
    result = _search(conn, text, filters, limit)
    if result.hits or plain_words_query(text) is None:
        return result
    respelled = near_spellings(conn, text)
    if not respelled:
        return result
    words = " ".join(respelled.get(w.lower(), w) for w in text.split())
    retried = _search(conn, words, filters, limit)
    if not retried.hits:
        return result
    retried.respelled = {word: _as_written(retried.hits, stem) for word, stem in respelled.items()}
    return retried


def _as_written(hits: list[SearchHit], stem: str) -> str:
    """The word the data has for an index `stem` (belaru -> Belarus), as the hits' snippets highlight it."""
    for hit in hits:
        for found in re.findall(f"{highlight.START}(.*?){highlight.END}", hit["snippet"] or ""):
            if found.lower().startswith(stem[:3]):
                return str(found)
    return stem


def near_spellings(conn: sqlite3.Connection, text: str) -> dict[str, str]:
    """Each word of `text` (4 letters or more) the index lacks -> the closest word it has, when one is close:
    most letters alike in the same order, or the same letters swapped (Claes, Cleas)."""
    from difflib import SequenceMatcher  # only when a search found nothing

    out: dict[str, str] = {}
    for word in dict.fromkeys(re.findall(r"[^\W\d_]{4,}", text.lower())):
        quoted = '"' + word.replace('"', '""') + '"'
        if conn.execute("select 1 from search_index_fts where search_index_fts match ? limit 1", (quoted,)).fetchone():
            continue  # the word is there (perhaps as another form of it: talks, talk)
        low, high = word[:2], word[:1] + chr(ord(word[1]) + 1)
        candidates = conn.execute(
            "select term from search_vocab where term >= ? and term < ? and length(term) between ? and ?",
            (low, high, len(word) - 2, len(word) + 2),
        ).fetchall()
        scored = [(SequenceMatcher(None, word, term).ratio(), term) for (term,) in candidates]
        for score, term in sorted(scored, reverse=True)[:1]:
            if score >= 0.8 or sorted(word.removesuffix("s")) == sorted(term):
                out[word] = term
    return out


def _search(conn: sqlite3.Connection, text: str, filters: Filters, limit: int | None) -> SearchResult:
    if not text.strip():
        raise UsageError("search: the query is empty")
    if not re.search(r"\w", text):  # '""', '*', '🙂': FTS5 accepts some of these but they can never match
        raise UsageError(f"search: nothing searchable in {text[:80]!r} (no words in it)")
    query = plain_words_query(text) or text
    try:
        hits, matches, ranked = _run_search(conn, query, filters, limit)
        return _counted(conn, SearchResult(hits, query, False, matches, ranked), filters, limit)
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
    return _counted(conn, SearchResult(hits, fallback, True, matches, ranked), filters, limit)


def _counted(conn: sqlite3.Connection, result: SearchResult, filters: Filters, limit: int | None) -> SearchResult:
    """`result` with its total: counted again only when --limit may have cut it."""
    if limit is not None and len(result.hits) >= limit:
        result.total = count_hits(conn, result.query, filters)
    return result


def _run_search(
    conn: sqlite3.Connection, query: str, filters: Filters, limit: int | None
) -> tuple[list[SearchHit], int | None, int | None]:
    """The hits, and (when capped) how many records matched and how many were ranked."""
    matches = ranked = None
    newest: list[Any] = []
    if filters.empty:  # a filter narrows the candidates anyway; without one, cap them
        found = conn.execute("select count(*) from search_index_fts where search_index_fts match ?", (query,))
        count = found.fetchone()[0]
        if count > RANKED_AT_MOST:  # rowid order is date order: rank the most recent matches
            newest = conn.execute(
                "select rowid from search_index_fts where search_index_fts match ? order by rowid desc limit 1 offset ?",
                (query, RANKED_AT_MOST - 1),
            ).fetchone()[:1]
            matches, ranked = count, RANKED_AT_MOST
    where, params = _matching(query, filters, newest)
    sql = f"""
        select s.record_type, s.record_id, s.title,
               snippet(search_index_fts, -1, '{highlight.START}', '{highlight.END}', '…', 16) as snippet,
               bm25(search_index_fts, 10.0, 3.0, 1.0, 4.0, 2.0) as score
        from search_index_fts join search_index s on s.rowid = search_index_fts.rowid
        where {where}
        order by score, s.record_id"""
    if limit is not None:
        sql += " limit ?"
        params.append(limit)
    hits = [_dated(conn, row, filters) for row in conn.execute(sql, params)]
    return hits, matches, ranked


def count_hits(conn: sqlite3.Connection, query: str, filters: Filters) -> int:
    """How many records the FTS5 `query` finds through `filters` (of the most recent RANKED_AT_MOST, unfiltered)."""
    newest: list[Any] = []
    if filters.empty:
        row = conn.execute(
            "select rowid from search_index_fts where search_index_fts match ? order by rowid desc limit 1 offset ?",
            (query, RANKED_AT_MOST - 1),
        ).fetchone()
        newest = [row[0]] if row else []
    if filters.empty:  # every record passes: the index alone counts them
        window = " and rowid >= ?" if newest else ""
        sql = f"select count(*) from search_index_fts where search_index_fts match ?{window}"
        return int(conn.execute(sql, [query, *newest]).fetchone()[0])
    where, params = _matching(query, filters, newest)
    sql = f"select count(*) from search_index_fts join search_index s on s.rowid = search_index_fts.rowid where {where}"
    return int(conn.execute(sql, params).fetchone()[0])


def _matching(query: str, filters: Filters, newest: list[Any]) -> tuple[str, list[Any]]:
    """The where clause of a search: the FTS5 match, the ranked window, and every filter for each record type."""
    if filters.empty:  # no filter: no per-type test (its subqueries cost a search at 250k records ~20 ms)
        return f"search_index_fts match ? {'and search_index_fts.rowid >= ?' if newest else ''}", [query, *newest]
    a_source, a_params = filters.agreements_from("a")
    e_where, e_params = filters.event_clause("e")
    f_clause = "0" if filters.agreements_only else f"f.event_id in (select e.id from events e where {e_where})"
    d_ids, d_params = discrepancies_matching(filters)
    where = f"""search_index_fts match ? {"and search_index_fts.rowid >= ?" if newest else ""}
          and case s.record_type
                when 'agreement' then s.record_id in (select a.id from {a_source})
                when 'event' then s.record_id in (select e.id from events e where {e_where})
                when 'person' then s.record_id in (select x.person_id from event_participants x
                                                   where x.event_id in (select e.id from events e where {e_where}))
                when 'discrepancy' then s.record_id in ({d_ids})
                else s.record_id in (select f.id from follow_ups f where {f_clause})
              end"""
    f_params = e_params if not filters.agreements_only else []
    params: list[Any] = [query, *newest, *a_params, *e_params, *e_params, *d_params, *f_params]
    return where, params


def _dated(conn: sqlite3.Connection, row: sqlite3.Row, filters: Filters) -> SearchHit:
    """A hit with the date (at its precision) and status of the record it is."""
    hit: SearchHit = {
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
        table, at_clock = filters.agreements_table()  # its status then, under --as-of or --known-on
        a = conn.execute(f"select date, status from {table} a where a.id = ?", [*at_clock, row["record_id"]]).fetchone()
        hit["date"], hit["status"] = a["date"], a["status"]
        step = conn.execute(
            "select s.date, e.date, e.date_precision from status_steps s left join events e on e.id = s.event_id "
            "where s.agreement_id = ? and s.date is not null order by s.seq desc limit 1",
            (row["record_id"],),
        ).fetchone()
        hit["date_precision"] = date_precision(a["date"], tuple(step) if step else None)
    elif row["record_type"] == "event":
        e = conn.execute("select date, date_precision from events where id = ?", (row["record_id"],)).fetchone()
        hit["date"], hit["date_precision"] = e["date"], e["date_precision"]
    elif row["record_type"] == "discrepancy":
        d = conn.execute("select subject, field from discrepancies where id = ?", (row["record_id"],)).fetchone()
        hit["title"] = discrepancy_label(conn, d["subject"], d["field"])
    elif row["record_type"] == "follow_up":
        f = conn.execute("select due, status from follow_ups where id = ?", (row["record_id"],)).fetchone()
        hit["date"], hit["status"] = f["due"], f["status"]
        hit["date_precision"] = dates.precision(f["due"])
    return hit
