"""A briefing note for a date, a month, an engagement, an agreement or a country, composed as plain data.

Standard library only (query path): no Typer, no Rich, and no SQL: every fact comes from the read layer
(`bilat.read.brief_facts`); nothing is guessed or summarised freely.  Every statement is a dict with `text`
and `sources` (source numbers, in the order the note first cites them), so the Markdown, the terminal and
the JSON renderings (`bilat.brief_render`) say the same thing.

How a note is made: `target` reads what was asked for; `scope` selects, once, the engagements, outcomes
and background; `headline`, `glance`, `sections` and `context` write one part each; `wording` holds the
words.

The note, in order (the keys of the dict `compose` returns):

- `target`: what was asked for (`kind`: date, month, year, event, agreement, country);
- `title`: parties, date and occasion;
- `summary`: at a glance, at most six statements: when and what, what it produced, what is open, who, and
  where the sources disagree (`bilat.brief.glance`);
- `open_items`: what is not yet agreed (importance noted, under discussion, exploring), talks agreed or planned;
- `follow_ups`: promises not yet seen done in a later source (open or unclear), with what became of them;
- `outcomes`: each instrument or commitment, with kind, status and key figures;
- `engagements`: the events the note is about (and the visit they are part of);
- `participants`: people (role, country) and organisations, per engagement;
- `background`: earlier engagements with the same partner (the latest few), each with what it produced;
- `discrepancies`: where sources disagree about something in the note;
- `sources`: the numbered sources.
"""

from __future__ import annotations

from bilat.brief import context, glance, headline, sections
from bilat.brief.scope import Scope
from bilat.brief.target import parse_target
from bilat.brief.wording import join
from bilat.problems import NotFoundError
from bilat.read.brief_facts import Facts, clean

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from bilat.brief.target import Target
    from bilat.read.filters import Filters
    from bilat.read.records import SourceNumbers


def compose(
    conn: sqlite3.Connection, target: str, *, since: str | None = None, clocks: Filters | None = None
) -> dict[str, Any]:
    """The briefing note for `target`, as plain data (see the module docstring for its keys).

    `since` (a first day): what a source first reported on or after it is marked `new`, and the summary
    starts by counting it.  Overdue promises are judged on `bilat.dates.today()`, or the clocks' day.
    `clocks` (--as-of, --known-on): the note a desk officer could have written then.
    """
    from bilat import dates

    facts = Facts(conn, clocks)
    scope = Scope.of(facts, parse_target(facts, target))
    if not scope.shown and not scope.steps:
        raise NotFoundError(nothing_message(facts, scope.target))
    parts = {
        "outcomes": [sections.outcome(facts, aid, step) for aid, step in scope.steps],
        "participants": sections.participants(facts, scope),
        "open_items": context.open_items(facts, scope),
        "follow_ups": context.follow_ups(facts, scope, facts.known_on or facts.as_of or dates.today()),
        "discrepancies": context.discrepancies(facts, scope),
    }
    if since:
        _mark_new(facts, parts, since)
    note: dict[str, Any] = {
        "target": _target_data(facts, scope.target),
        "title": headline.title(facts, scope),
        "summary": glance.at_a_glance(facts, scope, parts, since=since),
        "open_items": parts["open_items"],
        "follow_ups": parts["follow_ups"],
        "outcomes": parts["outcomes"],
        "engagements": [sections.engagement(facts, scope, e) for e in scope.shown],
        "participants": parts["participants"],
        "background": context.background(facts, scope),
        "discrepancies": parts["discrepancies"],
    }
    numbers = facts.numbering()
    numbered: dict[str, Any] = _number(note, numbers)
    numbered["sources"] = numbers.listing()
    return numbered


def _mark_new(facts: Facts, parts: dict[str, list[dict[str, Any]]], since: str) -> None:
    """`new`: first reported on or after `since` (an outcome by its step, the others by their record)."""
    for o in parts["outcomes"]:
        step = next(
            (s for s in facts.agreement(o["id"])["steps"] if s["status"] == o["status"] and s["date"] == o["date"]),
            None,
        )
        o["new"] = ((step or {}).get("reported") or facts.reported(o["id"]) or "") >= since
    for kind in ("open_items", "follow_ups"):
        for item in parts[kind]:
            item["new"] = (facts.reported(item["id"]) or "") >= since


def _target_data(facts: Facts, target: Target) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": target.kind, "value": target.value}
    if target.kind == "country":
        data["name"] = facts.country(target.value)
    return data


def nothing_message(facts: Facts, target: Target) -> str:
    """Why there is no note: the country has no record, or the nearest engagements before and after the date."""
    if target.kind == "country":
        covered = join(sorted(facts.country_names.values())) or "no country"
        country_name = facts.country_names.get(target.value)
        if country_name is None:  # a real country the data does not cover (its name costs pycountry)
            from bilat.countries import country_rows

            country_name = str(country_rows([target.value])[0]["name"] or target.value)
        return f"no engagement or agreement with {country_name} is recorded (the data covers {covered})"
    assert target.start and target.end
    before, after = facts.nearest(target.start, target.end)

    def label(event_id: str | None) -> str:
        if event_id is None:
            return "none"
        r = facts.row(event_id)
        if r["date_precision"] == "reported":  # only the report's date is known: it may have been earlier
            return f"reported {r['date']}, its own date not stated, {clean(r['title'])} ({r['id']})"
        return f"{r['date']} {clean(r['title'])} ({r['id']})"

    where = f"on {target.value}" if target.kind == "date" else f"in {target.value}"
    return f"no engagement {where}; nearest before: {label(before)}; nearest after: {label(after)}"


def _number(value: Any, numbers: SourceNumbers) -> Any:
    """Replace every `sources` list of source ids by their numbers, numbering in the order the note cites them."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key == "sources" and isinstance(item, list):
                out[key] = sorted({numbers.cite(s) for s in item})
            else:
                out[key] = _number(item, numbers)
        return out
    if isinstance(value, list):
        return [_number(v, numbers) for v in value]
    return value
