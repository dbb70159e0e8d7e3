"""A briefing note for a date, a month, an engagement, an agreement or a country, composed as plain data.

Standard library only (query path): no Typer, no Rich.  Everything in the note
comes from the database; nothing is guessed or summarised freely.  Every
statement is a dict with `text` and `sources` (source numbers, in the order the
note first cites them), so the Markdown, the terminal and the JSON renderings
(bilat.brief_render) say the same thing.

The note, in order (the keys of the dict `compose` returns):

- `target`: what was asked for (`kind`: date, month, event, agreement, country);
- `title`: parties, date and occasion;
- `summary`: two statements, what happened and what it produced;
- `engagements`: the events the note is about (and the visit they are part of);
- `outcomes`: each instrument or commitment, with kind, status and key figures;
- `participants`: people (role, country) and organisations, per engagement;
- `background`: earlier engagements with the same partner, each with what it produced;
- `open_items`: what is not yet agreed (importance noted, under discussion, exploring), talks agreed or planned;
- `follow_ups`: promises not yet seen done in a later source (open or unclear), with what became of them;
- `discrepancies`: where sources disagree about something in the note;
- `sources`: the numbered sources.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from bilat.dates import overlaps as _overlaps
from bilat.problems import NotFoundError, UsageError
from bilat.read.records import SourceNumbers, discrepancies_about, event, evidence_of, follow_up

ACCEPTED = "YYYY-MM-DD, YYYY-MM, a country, or an agreement id"
OPEN_STATUSES = ("importance-noted", "under-discussion", "exploring", "talks-agreed", "planned")
OPEN_FOLLOW_UPS = ("open", "unclear")
# Outcomes are listed strongest first.
STATUS_ORDER = (
    "signed",
    "agreed",
    "to-be-renewed",
    "existing",
    "planned",
    "talks-agreed",
    "exploring",
    "under-discussion",
    "importance-noted",
)
STATUS_LABELS = {
    "importance-noted": "importance noted",
    "under-discussion": "under discussion",
    "talks-agreed": "talks agreed",
    "to-be-renewed": "to be renewed",
}
KIND_LABELS = {
    "mou": "MoU",
    "memorandum-of-cooperation": "memorandum of cooperation",
    "agreements-and-mous": "agreements and MoUs",
    "action-plan": "action plan",
}
EVENT_NOUNS = {"commission-session": "session", "talks": "talks"}
FOLLOW_UP_LABELS = {"open": "Open", "unclear": "Unclear", "fulfilled": "Fulfilled"}
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
# Words a full stop does not end a sentence after ("Mr. Lukashenko").
_ABBREVIATIONS = frozenset(("mr", "mrs", "ms", "dr", "st", "no", "gen", "lt", "col", "jr", "sr", "prof", "vs"))
_CHUNK = 500  # ids per "in (...)" list


# ---------------------------------------------------------------- the target


@dataclass(frozen=True)
class Target:
    kind: str  # date, month, event, agreement, country
    value: str  # normalised: 2025-04-12, 2025-04, an id, an alpha-2 code
    start: str | None = None  # first day covered (date and month)
    end: str | None = None  # last day covered


def parse_target(conn: sqlite3.Connection, text: str) -> Target:
    """What TARGET names; a usage error (exit 2) when it is none of the accepted forms."""
    raw = text.strip()
    if not raw:
        raise UsageError(f"brief: the target is empty; give {ACCEPTED}")
    day = _DAY.match(raw)
    if day:
        try:
            value = dt.date(*(int(g) for g in day.groups())).isoformat()
        except ValueError:
            raise UsageError(f"brief: {raw!r} is not a real date; give {ACCEPTED}") from None
        return Target("date", value, value, value)
    month = _MONTH.match(raw)
    if month:
        year, number = (int(g) for g in month.groups())
        if not 1 <= number <= 12 or year < 1:
            raise UsageError(f"brief: {raw!r} is not a real month; give {ACCEPTED}")
        value = f"{year:04d}-{number:02d}"
        return Target("month", value, f"{value}-01", f"{value}-{calendar.monthrange(year, number)[1]:02d}")
    for candidate in dict.fromkeys((raw, raw.lower())):
        if conn.execute("select 1 from agreements where id = ?", (candidate,)).fetchone():
            return Target("agreement", candidate)
        if conn.execute("select 1 from events where id = ?", (candidate,)).fetchone():
            return Target("event", candidate)
    from bilat.countries import resolve_country

    try:
        return Target("country", resolve_country(conn, raw))
    except UsageError:
        pass
    if re.fullmatch(r"\d{4}", raw):
        raise UsageError(f"brief: {raw!r} is a year; give {ACCEPTED}")
    raise UsageError(f"brief: unknown target {raw!r}; give {ACCEPTED}{_hint(conn, raw)}")


def _hint(conn: sqlite3.Connection, raw: str) -> str:
    countries = {str(r[0]).lower(): str(r[0]).lower() for r in conn.execute("select name from countries")}
    head = raw[:3].lower().replace("%", "").replace("_", "")
    ids: dict[str, str] = {}
    for table in ("agreements", "events"):
        for (rid,) in conn.execute(f"select id from {table} where id like ? limit 5000", (f"%{head}%",)):
            ids[rid] = rid
    close = difflib.get_close_matches(raw.lower(), [*countries, *ids], n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


# ---------------------------------------------------------------- small helpers


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _ids(evidence: Iterable[dict[str, Any]]) -> list[str]:
    """The source ids of some evidence, in order, once each."""
    return list(dict.fromkeys(e["source_id"] for e in evidence))


def _merge(*lists: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(s for lst in lists for s in lst))


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def kind_label(kind: str, quantity: str | None = None) -> str:
    label = KIND_LABELS.get(kind, kind.replace("-", " "))
    return f"{label} ({quantity})" if quantity else label


def _noun(kind: str) -> str:
    return EVENT_NOUNS.get(kind, kind.replace("-", " "))


def when(ev: dict[str, Any]) -> str:
    """An event's date at its own precision, saying what is not known."""
    date, precision = ev["date"], ev["date_precision"]
    if precision == "reported":
        noun = _noun(ev["kind"])
        unknown = f"the date of the {noun} is not stated" if noun == "talks" else f"the {noun} date is not stated"
        return f"reported {date}; {unknown}"
    if precision == "month":
        return f"{date}, day not stated"
    if precision == "year":
        return f"{date}, month and day not stated"
    return str(date)


def short_when(ev: dict[str, Any]) -> str:
    return f"reported {ev['date']}" if ev["date_precision"] == "reported" else str(ev["date"])


def where(ev: dict[str, Any]) -> str:
    return _clean(ev["place"]) or "place not stated"


def first_sentence(text: str) -> str:
    """The first sentence of a curated summary (abbreviations and initials do not end it)."""
    text = _clean(text)
    for match in re.finditer(r"[.!?](?=\s+[A-Z“\"(])", text):
        word = text[: match.start()].rsplit(" ", 1)[-1].lower()
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            continue
        return text[: match.end()]
    return text


def _strip_period(text: str) -> str:
    return text[:-1] if text.endswith(".") else text


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _statement(text: str, sources: list[str], **fields: Any) -> dict[str, Any]:
    return {"text": _clean(text), "sources": sources, **fields}


# ---------------------------------------------------------------- the note


def compose(conn: sqlite3.Connection, target: str) -> dict[str, Any]:
    """The briefing note for `target`, as plain data (see the module docstring for its keys)."""
    return _Note(conn, parse_target(conn, target)).compose()


class _Note:
    def __init__(self, conn: sqlite3.Connection, target: Target) -> None:
        self.conn = conn
        self.target = target
        self.scratch = SourceNumbers(conn)  # records.* number as they go; the note renumbers at the end
        self._events: dict[str, dict[str, Any]] = {}
        self._rows: dict[str, sqlite3.Row] = {}
        self._agreements: dict[str, dict[str, Any]] = {}
        self._orgs: dict[str, dict[str, Any]] = {}
        self.country_names = {str(r[0]): str(r[1]) for r in conn.execute("select code, name from countries")}

    # ------------------------------------------------------------ loading

    def row(self, event_id: str) -> sqlite3.Row:
        if event_id not in self._rows:
            self._rows[event_id] = self.conn.execute(
                "select rowid as rid, * from events where id = ?", (event_id,)
            ).fetchone()
        return self._rows[event_id]

    def ev(self, event_id: str) -> dict[str, Any]:
        if event_id not in self._events:
            data = event(self.conn, self.scratch, event_id)
            data["sources"] = _ids(data["evidence"])
            data["date_start"] = self.row(event_id)["date_start"]
            self._events[event_id] = data
        return self._events[event_id]

    def agreement(self, agreement_id: str) -> dict[str, Any]:
        """An agreement with the evidence of each part (lighter than records.agreement: no events or discrepancies)."""
        if agreement_id in self._agreements:
            return self._agreements[agreement_id]
        row = self.conn.execute("select rowid as rid, * from agreements where id = ?", (agreement_id,)).fetchone()
        steps = [
            {
                "seq": s["seq"],
                "status": s["status"],
                "date": s["date"],
                "event": s["event_id"],
                "note": s["note"],
                "sources": _ids(evidence_of(self.conn, self.scratch, agreement_id, f"status_history[{s['seq']}]")),
            }
            for s in self.conn.execute(
                "select * from status_steps where agreement_id = ? order by seq", (agreement_id,)
            )
        ]
        figures = [
            {
                "value": f["value"],
                "unit": f["unit"],
                "sources": _ids(evidence_of(self.conn, self.scratch, agreement_id, f"figures[{f['seq']}]")),
            }
            for f in self.conn.execute("select * from figures where agreement_id = ? order by seq", (agreement_id,))
        ]
        institutions = [
            self.org(r[0])
            for r in self.conn.execute(
                "select organisation_id from agreement_institutions where agreement_id = ? order by rowid",
                (agreement_id,),
            )
        ]
        data = {
            "id": row["id"],
            "rid": row["rid"],
            "title": _clean(row["title"]),
            "kind": row["kind"],
            "quantity": row["quantity"],
            "status": row["status"],
            "parties": json.loads(row["parties"]),
            "summary": _clean(row["summary"]),
            "steps": steps,
            "figures": figures,
            "institutions": institutions,
            "sources": _ids(evidence_of(self.conn, self.scratch, agreement_id, "")),
        }
        self._agreements[agreement_id] = data
        return data

    def org(self, org_id: str) -> dict[str, Any]:
        if org_id not in self._orgs:
            row = self.conn.execute("select * from organisations where id = ?", (org_id,)).fetchone()
            self._orgs[org_id] = {
                "id": org_id,
                "name": _clean(row["name"]),
                "country": row["country"],
                "sources": _ids(evidence_of(self.conn, self.scratch, org_id)),
            }
        return self._orgs[org_id]

    def org_label(self, org: dict[str, Any]) -> str:
        """An organisation's name, with its country unless the name already says it."""
        country = self.country(org["country"])
        return f"{org['name']} ({country})" if country and country not in org["name"] else org["name"]

    def country(self, code: str | None) -> str | None:
        return self.country_names.get(code, code) if code else None

    # ------------------------------------------------------------ which events

    def ancestors(self, event_id: str) -> list[str]:
        out: list[str] = []
        parent = self.row(event_id)["part_of"]
        while parent and parent not in out and parent != event_id:
            out.append(parent)
            parent = self.row(parent)["part_of"]
        return out

    def descendants(self, event_id: str) -> list[str]:
        out: list[str] = []
        todo = [event_id]
        while todo:
            current = todo.pop(0)
            for (child,) in self.conn.execute("select id from events where part_of = ? order by rowid", (current,)):
                if child not in out and child != event_id:
                    out.append(child)
                    todo.append(child)
        return out

    def select_events(self) -> list[str]:
        conn, target = self.conn, self.target
        if target.kind in ("date", "month"):
            matched = [
                (r[0], r[1])
                for r in conn.execute(
                    "select id, date_precision from events where date_start <= ? and date_end >= ? "
                    "order by date_start, rowid",
                    (target.end, target.start),
                )
            ]
            # An engagement dated more coarsely than the target (a visit known only by its month) may or may not
            # have been on that day: it stands for the whole engagement, so its parts and outcomes come with it.
            coarse = {"date": ("month", "year"), "month": ("year",)}[target.kind]
            out = [event_id for event_id, _ in matched]
            for event_id, precision in matched:
                if precision in coarse:
                    out += self.descendants(event_id)
            return list(dict.fromkeys(out))
        if target.kind == "event":
            return [target.value, *self.descendants(target.value)]
        if target.kind == "agreement":
            return list(
                dict.fromkeys(
                    r[0]
                    for r in conn.execute(
                        "select event_id from status_steps where agreement_id = ? and event_id is not null order by seq",
                        (target.value,),
                    )
                )
            )
        return [
            r[0]
            for r in conn.execute(
                "select ec.event_id from event_countries ec join events e on e.id = ec.event_id "
                "where ec.country = ? order by e.date_start, e.rowid",
                (target.value,),
            )
        ]

    def ordered(self, ids: Iterable[str]) -> list[str]:
        """Events as a tree in date order: each root, then its parts (in date order) under it."""
        wanted = list(dict.fromkeys(ids))
        inside = set(wanted)

        def key(event_id: str) -> tuple[str, int]:
            row = self.row(event_id)
            return (row["date_start"] or "", row["rid"])

        children: dict[str, list[str]] = {}
        roots: list[str] = []
        for event_id in wanted:
            parent = next((a for a in self.ancestors(event_id) if a in inside), None)
            if parent is None:
                roots.append(event_id)
            else:
                children.setdefault(parent, []).append(event_id)
        out: list[str] = []

        def visit(event_id: str) -> None:
            out.append(event_id)
            for child in sorted(children.get(event_id, []), key=key):
                visit(child)

        for root in sorted(roots, key=key):
            visit(root)
        return out

    def roots(self, ids: list[str]) -> list[str]:
        inside = set(ids)
        return [e for e in ids if not any(a in inside for a in self.ancestors(e))]

    # ------------------------------------------------------------ composing

    def compose(self) -> dict[str, Any]:
        focal = self.ordered(self.select_events())
        context = [a for e in focal for a in self.ancestors(e) if a not in focal]
        shown = self.ordered([*focal, *context])
        steps = self.outcome_steps(focal)
        if not shown and not steps:
            raise NotFoundError(self.nothing_message())
        self.focal, self.shown = focal, shown
        outcomes = [self.outcome(aid, step) for aid, step in steps]
        background_ids = self.background_events(shown)
        undated = self.undated_mentions(focal, [a for a, _ in steps])
        note: dict[str, Any] = {
            "target": self.target_data(),
            "title": self.title(shown, focal),
            "summary": self.summary(shown, outcomes),
            "engagements": [self.engagement(e, shown) for e in shown],
            "outcomes": outcomes,
            "participants": self.participants(shown),
            "background": [self.background_entry(e) for e in background_ids] + [self.undated_entry(a) for a in undated],
            "open_items": self.open_items(steps, background_ids, undated),
            "follow_ups": self.follow_ups(shown, background_ids, [a for a, _ in steps]),
            "discrepancies": self.discrepancies(shown, [a for a, _ in steps]),
        }
        numbers = SourceNumbers(self.conn)
        numbered: dict[str, Any] = _number(note, numbers)
        numbered["sources"] = numbers.listing()
        return numbered

    def target_data(self) -> dict[str, Any]:
        t = self.target
        data: dict[str, Any] = {"kind": t.kind, "value": t.value}
        if t.kind == "country":
            data["name"] = self.country(t.value)
        return data

    def nothing_message(self) -> str:
        t = self.target
        if t.kind == "country":
            covered = _join(sorted(self.country_names.values())) or "no country"
            country_name = self.country_names.get(t.value)
            if country_name is None:  # a real country the data does not cover (its name costs pycountry)
                from bilat.countries import country_rows

                country_name = str(country_rows([t.value])[0]["name"] or t.value)
            return f"no engagement or agreement with {country_name} is recorded (the data covers {covered})"
        where_ = f"on {t.value}" if t.kind == "date" else f"in {t.value}"
        before = self.conn.execute(
            "select id from events where date_end < ? order by date_end desc, part_of is not null, rowid limit 1",
            (t.start,),
        ).fetchone()
        after = self.conn.execute(
            "select id from events where date_start > ? order by date_start, part_of is not null, rowid limit 1",
            (t.end,),
        ).fetchone()

        def label(row: sqlite3.Row | None) -> str:
            if row is None:
                return "none"
            r = self.row(row[0])
            if r["date_precision"] == "reported":  # only the report's date is known: it may have been earlier
                return f"reported {r['date']}, its own date not stated, {_clean(r['title'])} ({r['id']})"
            return f"{r['date']} {_clean(r['title'])} ({r['id']})"

        return f"no engagement {where_}; nearest before: {label(before)}; nearest after: {label(after)}"

    # ------------------------------------------------------------ outcomes

    def outcome_steps(self, focal: list[str]) -> list[tuple[str, dict[str, Any]]]:
        """(agreement id, status step) pairs the note reports as outcomes, grouped by engagement."""
        t = self.target
        pairs: list[tuple[str, int, int]] = []  # agreement id, seq, sort key
        if t.kind == "agreement":
            pairs = [
                (t.value, r[0], 0)
                for r in self.conn.execute(
                    "select seq from status_steps where agreement_id = ? order by seq", (t.value,)
                )
            ]
        else:
            for chunk in _chunks(focal):
                marks = ", ".join("?" * len(chunk))
                pairs += [
                    (r[0], r[1], 0)
                    for r in self.conn.execute(
                        f"select agreement_id, seq from status_steps where event_id in ({marks})", chunk
                    )
                ]
            if t.kind in ("date", "month"):
                pairs += [
                    (r[0], r[1], 0)
                    for r in self.conn.execute(
                        "select agreement_id, seq, date from status_steps where event_id is null and date is not null"
                    )
                    if _overlaps(r[2], t.start, t.end)
                ]
            elif t.kind == "country":
                pairs += [
                    (r[0], r[1], 0)
                    for r in self.conn.execute(
                        "select s.agreement_id, s.seq from status_steps s join agreement_parties p "
                        "on p.agreement_id = s.agreement_id where p.country = ? and s.event_id is null",
                        (t.value,),
                    )
                ]
        position = {e: i for i, e in enumerate(focal)}
        out = []
        for aid, seq, _ in dict.fromkeys(pairs):
            a = self.agreement(aid)
            step = a["steps"][seq]
            out.append((aid, step))
        rank = {s: i for i, s in enumerate(STATUS_ORDER)}

        def key(item: tuple[str, dict[str, Any]]) -> tuple[int, str, int, int, int]:
            aid, step = item
            group = position.get(step["event"], len(position)) if t.kind != "agreement" else 0
            return (
                group,
                step["date"] or "9999",
                rank.get(step["status"], 99),
                self.agreement(aid)["rid"],
                step["seq"],
            )

        return sorted(out, key=key)

    def outcome(self, agreement_id: str, step: dict[str, Any]) -> dict[str, Any]:
        a = self.agreement(agreement_id)
        details: list[dict[str, Any]] = []
        for f in a["figures"]:
            details.append(_statement(f"Key figure: {f['value']:,} {f['unit']}", f["sources"] or a["sources"]))
        if a["institutions"]:
            names = [self.org_label(o) for o in a["institutions"]]
            text = f"Between {names[0]} and {names[1]}" if len(names) == 2 else "Institutions: " + "; ".join(names)
            details.append(_statement(text, _merge(*(o["sources"] for o in a["institutions"]))))
        if step["note"]:
            details.append(_statement(step["note"], step["sources"] or a["sources"]))
        if not step["date"] and not step["event"] and not step["note"]:
            details.append(_statement("Date and occasion not stated.", step["sources"] or a["sources"]))
        later = [s for s in a["steps"] if s["seq"] > step["seq"]]
        for s in later:
            at = f" at {self.ev(s['event'])['title']}" if s["event"] else ""
            details.append(
                _statement(
                    f"Later: {status_label(s['status'])}, {s['date'] or 'date not stated'}{at}",
                    s["sources"] or a["sources"],
                )
            )
        details.append(_statement(a["summary"], a["sources"]))
        text = f"{a['title']}: {kind_label(a['kind'], a['quantity'])}, {status_label(step['status'])}"
        return {
            **_statement(text, step["sources"] or a["sources"]),
            "id": a["id"],
            "title": a["title"],
            "kind": a["kind"],
            "quantity": a["quantity"],
            "status": step["status"],
            "current_status": a["status"],
            "date": step["date"],
            "event": step["event"],
            "figures": [
                {"value": f["value"], "unit": f["unit"], "sources": f["sources"] or a["sources"]} for f in a["figures"]
            ],
            "institutions": [o["name"] for o in a["institutions"]],
            "details": details,
        }

    # ------------------------------------------------------------ title and summary

    def parties(self, shown: list[str]) -> list[str]:
        codes: list[str] = []
        if self.target.kind == "agreement":
            codes = self.agreement(self.target.value)["parties"]
        for e in shown:
            codes += [c["code"] for c in self.ev(e)["countries"]]
        if self.target.kind == "country":
            codes.append(self.target.value)
        weight = {
            str(r[0]): int(r[1])
            for r in self.conn.execute("select country, count(*) from event_countries group by country")
        }
        first_seen = {c: i for i, c in enumerate(dict.fromkeys(codes))}
        ranked = sorted(first_seen, key=lambda c: (-weight.get(c, 0), first_seen[c]))
        return [self.country(c) or c for c in ranked]

    def title(self, shown: list[str], focal: list[str]) -> dict[str, Any]:
        t = self.target
        names = self.parties(shown)
        common = self.common_country(shown)
        if len(names) > 2 and common and names[0] == self.country(common):
            parties = f"{names[0]} with {_join(names[1:])}"
        else:
            parties = _join(names)
        roots = self.roots(shown)
        root_titles = "; ".join(self.ev(r)["title"] for r in roots)
        sources = _merge(*(self.ev(r)["sources"] for r in roots))
        if t.kind == "date":
            on_day = [self.ev(e) for e in focal if self.ev(e)["date"] == t.value]
            if on_day:
                reported = all(e["date_precision"] == "reported" for e in on_day)
                date = f"reported {t.value}" if reported else t.value
            else:
                date = ", ".join(dict.fromkeys(self.ev(r)["date"] for r in roots))
            text = f"{parties}, {date}: {root_titles}"
        elif t.kind == "month":
            text = f"{parties}, {t.value}: {root_titles}"
        elif t.kind == "event":
            ev = self.ev(t.value)
            date = f"reported {ev['date']}" if ev["date_precision"] == "reported" else ev["date"]
            text = f"{parties}, {date}: {ev['title']}"
            if t.value not in roots:
                text += f", during {root_titles}"
            sources = _merge(ev["sources"], sources)
        elif t.kind == "agreement":
            a = self.agreement(t.value)
            dated = [s for s in a["steps"] if s["date"]]
            if dated:
                first = dated[0]
                reported = first["event"] and self.ev(first["event"])["date_precision"] == "reported"
                date = f"reported {first['date']}" if reported else first["date"]
            else:
                date = "date not stated"
            at = "; ".join(self.ev(e)["title"] for e in focal)
            text = f"{parties}, {date}: {a['title']}" + (f" ({at})" if at else "")
            sources = _merge(a["sources"], *(self.ev(e)["sources"] for e in focal))
        else:
            first, last = self.span(shown)
            span = first if first == last else f"{first} to {last}"
            text = f"{parties}, {span}: {_engagement_count(len(roots), len(shown))}"
            if not roots:
                agreements = {aid for aid, _ in self.outcome_steps([])}
                text = f"{parties}: {len(agreements)} agreement{'s' * (len(agreements) != 1)} on record"
                sources = _merge(*(self.agreement(a)["sources"] for a in sorted(agreements)))
        return _statement(text, sources)

    def common_country(self, shown: list[str]) -> str | None:
        """The country every engagement of the note has (the dataset's own side), if there is one."""
        sets = [{c["code"] for c in self.ev(e)["countries"]} for e in shown]
        common = set.intersection(*sets) if sets else set()
        return min(common) if len(common) == 1 else None

    def span(self, ids: list[str]) -> tuple[str, str]:
        evs = [self.ev(e) for e in ids]
        if not evs:
            return "", ""
        first = min(evs, key=lambda e: (self.row(e["id"])["date_start"], self.row(e["id"])["rid"]))
        last = max(evs, key=lambda e: (self.row(e["id"])["date_end"], -self.row(e["id"])["rid"]))
        return first["date"], last["date"]

    def summary(self, shown: list[str], outcomes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        t = self.target
        lines: list[dict[str, Any]] = []
        if t.kind == "agreement":
            a = self.agreement(t.value)
            lines.append(_statement(first_sentence(a["summary"]), a["sources"]))
            history = []
            for s in a["steps"]:
                at = f", at {self.ev(s['event'])['title']}" if s["event"] else ""
                date = s["date"] or "date not stated"
                if s["event"] and self.ev(s["event"])["date_precision"] == "reported":
                    date = f"reported {date}"
                history.append(f"{status_label(s['status'])} ({date}{at})")
            lines.append(
                _statement("Status: " + "; then ".join(history) + ".", _merge(*(s["sources"] for s in a["steps"])))
            )
            return lines
        roots = self.roots(self.focal)
        if t.kind == "country" and len(roots) > 3:
            first, last = self.span(shown)
            latest = self.ev(roots[-1])
            text = (
                f"{_engagement_count(len(roots), len(self.focal))}, {first} to {last}; the latest: "
                f"{_strip_period(first_sentence(latest['summary']))} ({when(latest)}; {where(latest)})."
            )
            lines.append(_statement(text, latest["sources"]))
        else:
            parts: list[str] = []
            sources: list[str] = []
            for r in roots:
                ev = self.ev(r)
                sentence = _strip_period(first_sentence(ev["summary"]))
                if sentence.startswith(("The ", "It ")):  # "The session, attended by...": say which session first
                    sentence = f"{ev['title']}: {sentence[0].lower()}{sentence[1:]}"
                parts.append(f"{sentence} ({when(ev)}; {where(ev)}).")
                sources = _merge(sources, ev["sources"])
                # Parts of this engagement dated more precisely than it (the day's meetings of a visit).
                by_date: dict[str, list[str]] = {}
                for d in shown:
                    if d == r or r not in self.ancestors(d):
                        continue
                    child = self.ev(d)
                    if child["date"] == ev["date"]:
                        continue
                    extra = "" if child["date_precision"] == "day" else f" ({when(child)})"
                    by_date.setdefault(child["date"], []).append(child["title"] + extra)
                    sources = _merge(sources, child["sources"])
                for date, titles in by_date.items():
                    parts.append(f"On {date}: " + "; ".join(titles) + ".")
            lines.append(_statement(" ".join(parts), sources))
        lines.append(self.outcome_line(shown, outcomes))
        return lines

    def outcome_line(self, shown: list[str], outcomes: list[dict[str, Any]]) -> dict[str, Any]:
        if not outcomes:
            sources = _merge(*(self.ev(e)["sources"] for e in self.focal or shown))
            return _statement("No instrument or commitment is recorded as an outcome.", sources)
        latest: dict[str, dict[str, Any]] = {}
        for o in outcomes:
            latest[o["id"]] = o  # the last step wins: outcomes are in date order within an agreement
        counts: dict[str, int] = {}
        for o in latest.values():
            counts[o["status"]] = counts.get(o["status"], 0) + 1
        if len(counts) == 1:
            status = status_label(next(iter(counts)))
            text = f"Outcomes: {len(latest)}, " + (f"all {status}" if len(latest) > 1 else status)
        else:
            by_status = ", ".join(
                f"{counts[s]} {status_label(s)}" for s in sorted(counts, key=lambda s: STATUS_ORDER.index(s))
            )
            text = f"Outcomes: {len(latest)} ({by_status})"
        figures = [(f, o) for o in latest.values() for f in o["figures"]]
        sources = _merge(*(o["sources"] for o in latest.values()))
        if figures:
            text += "; key figure" + ("s" if len(figures) > 1 else "") + ": "
            text += "; ".join(f"{f['value']:,} {f['unit']}" for f, _ in figures)
            sources = _merge(sources, *(f["sources"] for f, _ in figures))
        return _statement(text + ".", sources)

    # ------------------------------------------------------------ engagements and participants

    def engagement(self, event_id: str, shown: list[str]) -> dict[str, Any]:
        ev = self.ev(event_id)
        parent = ev["part_of"]
        text = f"{ev['title']} ({_noun_kind(ev['kind'])}): {when(ev)}; {where(ev)}"
        if parent:
            text += f"; part of {self.ev(parent)['title']}"
        details = [_statement(ev["summary"], ev["sources"])]
        if ev["date_derivation"]:
            details.append(_statement(f"Date: {_clean(ev['date_derivation'])}", ev["sources"]))
        return {
            **_statement(text, ev["sources"]),
            "id": ev["id"],
            "title": _clean(ev["title"]),
            "kind": ev["kind"],
            "date": ev["date"],
            "date_precision": ev["date_precision"],
            "when": when(ev),
            "place": ev["place"],
            "part_of": parent,
            "focus": event_id in self.focal,
            "details": details,
        }

    def participants(self, shown: list[str]) -> list[dict[str, Any]]:
        """People at each engagement (role, country), then the organisations named for any of them, once each."""
        out: list[dict[str, Any]] = []
        orgs: dict[str, dict[str, Any]] = {}
        for event_id in shown:
            ev = self.ev(event_id)
            for p in ev["participants"]:
                evidence = evidence_of(self.conn, self.scratch, p["person"])
                own = [e for e in evidence if e["source_id"] in ev["sources"]] or evidence
                role = _clean(p["role"]) or "; ".join(p["titles"]) or "role not stated"
                country = self.country(p["country"])
                name = _clean(p["name"])
                text = f"{name} ({country or 'country not stated'}): {role}"
                out.append(
                    {
                        **_statement(text, _ids(own)),
                        "type": "person",
                        "id": p["person"],
                        "name": name,
                        "role": role,
                        "country": country,
                        "country_code": p["country"],
                        "event": event_id,
                        "events": [event_id],
                    }
                )
            for o in ev["organisations"]:
                org = self.org(o["id"])
                own_ids = [s for s in org["sources"] if s in ev["sources"]] or org["sources"]
                if org["id"] in orgs:
                    orgs[org["id"]]["events"].append(event_id)
                    orgs[org["id"]]["sources"] = _merge(orgs[org["id"]]["sources"], own_ids)
                    continue
                orgs[org["id"]] = {
                    **_statement(f"Organisation: {self.org_label(org)}", own_ids),
                    "type": "organisation",
                    "id": org["id"],
                    "name": org["name"],
                    "role": None,
                    "country": self.country(org["country"]),
                    "country_code": org["country"],
                    "event": None,
                    "events": [event_id],
                }
        return out + list(orgs.values())

    # ------------------------------------------------------------ background

    def background_events(self, shown: list[str]) -> list[str]:
        """Earlier engagements with the same partner(s): events whose countries include those of one in the note."""
        t = self.target
        if t.kind == "country":
            return []
        sets = {frozenset(c["code"] for c in self.ev(e)["countries"]) for e in shown}
        if t.kind == "agreement" and not sets:
            sets = {frozenset(self.agreement(t.value)["parties"])}
        inclusive = False
        if t.kind in ("date", "month"):
            ref = t.start
        elif shown:
            ref = min(self.row(e)["date_start"] for e in (self.focal or shown))
        else:  # an agreement linked to no engagement: what happened up to the first report of it
            a = self.agreement(t.value)
            ref = self.conn.execute(
                f"select min(published) from sources where id in ({', '.join('?' * len(a['sources']))})", a["sources"]
            ).fetchone()[0]
            inclusive = True
        weight = {
            str(r[0]): int(r[1])
            for r in self.conn.execute("select country, count(*) from event_countries group by country")
        }
        found: list[str] = []
        excluded = set(shown)
        for countries in sets:
            if not countries:
                continue
            rarest = min(countries, key=lambda c: (weight.get(c, 0), c))
            op = "<=" if inclusive else "<"
            column = "date_start" if inclusive else "date_end"
            for r in self.conn.execute(
                f"select e.id, e.countries from event_countries ec join events e on e.id = ec.event_id "
                f"where ec.country = ? and e.{column} {op} ? order by e.date_start, e.rowid",
                (rarest, ref),
            ):
                if r[0] not in excluded and countries <= set(json.loads(r[1])):
                    found.append(r[0])
        return self.ordered(found)

    def produced(self, event_id: str) -> list[tuple[str, dict[str, Any]]]:
        rows = self.conn.execute(
            "select s.agreement_id, s.seq from status_steps s join agreements a on a.id = s.agreement_id "
            "where s.event_id = ? order by a.rowid, s.seq",
            (event_id,),
        ).fetchall()
        rank = {s: i for i, s in enumerate(STATUS_ORDER)}
        pairs = [(r[0], self.agreement(r[0])["steps"][r[1]]) for r in rows]
        return sorted(pairs, key=lambda p: (rank.get(p[1]["status"], 99), self.agreement(p[0])["rid"]))

    def undated_mentions(self, focal: list[str], outcomes: list[str]) -> list[str]:
        """Instruments with neither date nor engagement that the sources of this note's engagements mention."""
        if self.target.kind in ("country", "agreement") or not focal:
            return []
        sources = _merge(*(self.ev(e)["sources"] for e in focal))
        sets = [frozenset(c["code"] for c in self.ev(e)["countries"]) for e in focal]
        found: list[str] = []
        for chunk in _chunks(sources):
            marks = ", ".join("?" * len(chunk))
            for (aid,) in self.conn.execute(
                f"""select distinct a.id from agreements a join evidence ev on ev.record_id = a.id
                    where ev.record_type = 'agreement' and ev.source_id in ({marks})
                      and not exists (select 1 from status_steps s where s.agreement_id = a.id
                                      and (s.event_id is not null or s.date is not null))
                    order by a.rowid""",
                chunk,
            ):
                parties = set(self.agreement(aid)["parties"])
                if aid not in outcomes and aid not in found and any(c <= parties for c in sets):
                    found.append(aid)
        return found

    def undated_entry(self, agreement_id: str) -> dict[str, Any]:
        a = self.agreement(agreement_id)
        step = a["steps"][-1]
        produced = [_statement(step["note"], step["sources"] or a["sources"])] if step["note"] else []
        text = f"Date and occasion not stated: {a['title']}: {kind_label(a['kind'], a['quantity'])}, "
        text += status_label(a["status"])
        return {
            **_statement(text, step["sources"] or a["sources"]),
            "type": "agreement",
            "id": agreement_id,
            "title": a["title"],
            "date": None,
            "date_precision": None,
            "part_of": None,
            "produced": produced,
        }

    def background_entry(self, event_id: str) -> dict[str, Any]:
        ev = self.ev(event_id)
        text = f"{short_when(ev)}: {ev['title']}" + (f" ({_clean(ev['place'])})" if ev["place"] else "")
        details = []
        for aid, step in self.produced(event_id):
            a = self.agreement(aid)
            details.append(
                {
                    **_statement(
                        f"{a['title']}: {kind_label(a['kind'], a['quantity'])}, {status_label(step['status'])}",
                        step["sources"] or a["sources"],
                    ),
                    "id": aid,
                    "title": a["title"],
                    "status": step["status"],
                }
            )
        return {
            **_statement(text, ev["sources"]),
            "type": "event",
            "id": event_id,
            "title": _clean(ev["title"]),
            "date": ev["date"],
            "date_precision": ev["date_precision"],
            "part_of": ev["part_of"],
            "produced": details,
        }

    # ------------------------------------------------------------ open items, follow-ups, discrepancies

    def open_items(
        self, steps: list[tuple[str, dict[str, Any]]], background: list[str], undated: list[str]
    ) -> list[dict[str, Any]]:
        candidates = [aid for aid, _ in steps]
        if self.target.kind != "agreement":
            for e in background:
                candidates += [aid for aid, _ in self.produced(e)]
            candidates += undated
        rank = {s: i for i, s in enumerate(STATUS_ORDER)}
        items = []
        for aid in dict.fromkeys(candidates):
            a = self.agreement(aid)
            if a["status"] not in OPEN_STATUSES:
                continue
            step = a["steps"][-1]
            if step["event"]:
                ev = self.ev(step["event"])
                at = f"{ev['title']}, {short_when(ev)}"
            else:
                at = step["date"] or "date and occasion not stated"
            text = f"{a['title']}: {status_label(a['status'])} — {at}"
            details = [_statement(step["note"], step["sources"] or a["sources"])] if step["note"] else []
            items.append(
                {
                    **_statement(text, step["sources"] or a["sources"]),
                    "id": aid,
                    "title": a["title"],
                    "status": a["status"],
                    "date": step["date"],
                    "event": step["event"],
                    "details": details,
                    "_key": (step["date"] or "9999", rank.get(a["status"], 99), a["rid"]),
                }
            )
        items.sort(key=lambda i: i["_key"])
        for i in items:
            del i["_key"]
        return items

    def follow_ups(self, shown: list[str], background: list[str], agreements: list[str]) -> list[dict[str, Any]]:
        events = [*shown] if self.target.kind == "agreement" else [*shown, *background]
        ids: list[str] = []
        for chunk in _chunks(events):
            marks = ", ".join("?" * len(chunk))
            ids += [r[0] for r in self.conn.execute(f"select id from follow_ups where event_id in ({marks})", chunk)]
        for chunk in _chunks(list(dict.fromkeys(agreements))):
            marks = ", ".join("?" * len(chunk))
            ids += [
                r[0]
                for r in self.conn.execute(
                    f"select follow_up_id from follow_up_agreements where agreement_id in ({marks})", chunk
                )
            ]
        out = []
        for fid in dict.fromkeys(ids):
            f = follow_up(self.conn, self.scratch, fid)
            if f["status"] not in OPEN_FOLLOW_UPS:
                continue
            ev = self.ev(f["event"])
            sources = _ids(f["evidence"])
            details = [_statement(f"Raised at {ev['title']} ({short_when(ev)})", _merge(sources, ev["sources"]))]
            if f["outcome"]:
                details.append(_statement(f"What became of it: {_clean(f['outcome'])}", _ids(f["outcome_evidence"])))
            out.append(
                {
                    **_statement(
                        f"{FOLLOW_UP_LABELS.get(f['status'], f['status'])}: {_clean(f['description'])}", sources
                    ),
                    "id": fid,
                    "status": f["status"],
                    "due": f["due"],
                    "place": f["place"],
                    "event": f["event"],
                    "agreements": f["agreements"],
                    "outcome": _clean(f["outcome"]) or None,
                    "details": details,
                    "_key": (self.row(f["event"])["date_start"] or "", self.row(f["event"])["rid"]),
                }
            )
        out.sort(key=lambda i: i["_key"])
        for i in out:
            del i["_key"]
        return out

    def discrepancies(self, shown: list[str], agreements: list[str]) -> list[dict[str, Any]]:
        ids: list[str] = [*shown, *agreements]
        for e in shown:
            ev = self.ev(e)
            ids += [p["person"] for p in ev["participants"]] + [o["id"] for o in ev["organisations"]]
        for aid in agreements:
            ids += [o["id"] for o in self.agreement(aid)["institutions"]]
        out = []
        for d in discrepancies_about(self.conn, self.scratch, list(dict.fromkeys(ids))):
            label = _clean(d["label"])
            readings = [{"value": _clean(r["value"]), "sources": [r["source_id"]]} for r in d["readings"]]
            out.append(
                {
                    **_statement(label, _merge(*(r["sources"] for r in readings))),
                    "id": d["id"],
                    "subject": d["subject"],
                    "field": d["field"],
                    "readings": readings,
                    "note": _clean(d["note"]) or None,
                }
            )
        return out


def _engagement_count(top_level: int, listed: int) -> str:
    """ "3 engagements on record (6 with the meetings within them)": visits hold meetings, both are listed."""
    text = f"{top_level} engagement{'s' * (top_level != 1)} on record"
    return text + (f" ({listed} with the meetings within them)" if listed > top_level else "")


def _noun_kind(kind: str) -> str:
    return kind.replace("-", " ")


def _number(value: Any, numbers: SourceNumbers) -> Any:
    """Replace every `sources` list of source ids by their numbers, numbering in the order the note cites them."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key == "sources" and isinstance(item, list):
                cited = [numbers.cite(s) for s in item]
                out[key] = sorted(set(cited))
            else:
                out[key] = _number(item, numbers)
        return out
    if isinstance(value, list):
        return [_number(v, numbers) for v in value]
    return value
