"""The note's "At a glance": what a reader needs before a meeting, in at most six cited lines.

When and what (the engagements, named once), what came of them (counted by status, saying when a record
bundles several instruments, with the key figures), what is still open, who was there, and where the sources
disagree.  Everything here is drawn from the sections the note lists in full below it.
"""

from __future__ import annotations

from bilat.brief.headline import agreement_summary, outcome_line
from bilat.brief.scope import roots
from bilat.brief.wording import STATUS_RANK, join, merge, short_when, statement, status_label, where

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    from typing import Any

    from bilat.brief.scope import Scope
    from bilat.read.brief_facts import Facts

OCCASIONS_AT_MOST = 4  # engagements named one by one; more are counted, the latest named
PEOPLE_AT_MOST = 4


def at_a_glance(
    facts: Facts, scope: Scope, parts: dict[str, list[dict[str, Any]]], *, since: str | None = None
) -> list[dict[str, Any]]:
    """The summary lines, from the note's `parts` (outcomes, open_items, follow_ups, participants, discrepancies);
    with `since`, first what the sources added since then."""
    if since:
        return [new_since(parts, since), *at_a_glance(facts, scope, parts)][:7]
    if scope.target.kind == "agreement":
        lines = agreement_summary(facts, scope.target.value)
    else:
        lines = [occasions(facts, scope), outcome_line(facts, scope, parts["outcomes"])]
    for line in (
        still_open(parts["open_items"], parts["follow_ups"], set(scope.shown)),
        who(parts["participants"]),
        disagreements(parts["discrepancies"]),
    ):
        if line:
            lines.append(line)
    return lines


def new_since(parts: dict[str, list[dict[str, Any]]], since: str) -> dict[str, Any]:
    """`Since 2025-01-01: 25 outcomes, 3 open items and 4 promises first reported (marked new below).`"""
    counted = []
    sources: list[str] = []
    for kind, noun in (("outcomes", "outcome"), ("open_items", "open item"), ("follow_ups", "promise")):
        new = [i for i in parts[kind] if i.get("new")]
        if new:
            counted.append(_counted(new, noun))
            sources = merge(sources, *(i["sources"] for i in new))
    if not counted:
        return statement(f"Since {since}: nothing new in the sources about this.", sources)
    return statement(f"Since {since}: {join(counted)} first reported (marked new below).", sources)


def occasions(facts: Facts, scope: Scope) -> dict[str, Any]:
    """`When: 2024-11 Lukashenko's visit to Pakistan (Pakistan); 2025-02-10 8th JMC (Minsk, Belarus)`."""
    tops = roots(facts, scope.focal or scope.shown)
    evs = [facts.ev(e) for e in tops]
    if len(evs) > OCCASIONS_AT_MOST:
        latest = evs[-1]
        text = (
            f"When: {len(evs)} engagements from {short_when(evs[0])} to {short_when(latest)}; the latest, "
            f"{short_when(latest)}, {latest['title']} ({where(latest)})."
        )
        return statement(text, merge(evs[0]["sources"], latest["sources"]))
    named = [f"{short_when(ev)}, {ev['title']}" + (f" ({ev['place']})" if ev["place"] else "") for ev in evs]
    inside = len(scope.shown) - len(roots(facts, scope.shown))
    extra = f", and {inside} meeting{'s' * (inside != 1)} within {'them' if len(evs) > 1 else 'it'}" if inside else ""
    return statement("When: " + "; ".join(named) + extra + ".", merge(*(ev["sources"] for ev in evs)))


def still_open(
    open_items: list[dict[str, Any]], follow_ups: list[dict[str, Any]], here: set[str]
) -> dict[str, Any] | None:
    """`Open: 11 items not yet agreed (3 planned, ...), 2 of them from these engagements; 7 promises ...`."""
    if not open_items and not follow_ups:
        return None
    parts = []
    for items, noun, state in ((open_items, "item", "not yet agreed"), (follow_ups, "promise", "not yet seen kept")):
        if items:
            raised_here = sum(1 for i in items if i.get("event") in here)
            text = f"{_counted(items, noun)} {state} ({_by_status(items)})"
            if raised_here == 0:
                text += ", all from earlier engagements"
            elif raised_here < len(items):
                text += f", {raised_here} of them from this note's engagements, the rest from earlier ones"
            parts.append(text)
    sources = merge(*(i["sources"] for i in [*open_items, *follow_ups]))
    return statement("Open: " + "; ".join(parts) + ".", sources)


def who(participants: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The people met, each named once with the first role the note gives them."""
    people: dict[str, dict[str, Any]] = {}
    for p in participants:
        if p.get("type") == "person":
            people.setdefault(p["id"], p)
    if not people:
        return None
    named = [f"{p['name']}, {p['role']}" if p.get("role") else p["name"] for p in people.values()]
    more = len(named) - PEOPLE_AT_MOST
    text = "Who: " + "; ".join(named[:PEOPLE_AT_MOST]) + (f"; and {more} more" if more > 0 else "")
    shown = list(people.values())[:PEOPLE_AT_MOST]
    return statement(text + ".", merge(*(p["sources"] for p in shown)))


def disagreements(discrepancies: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not discrepancies:
        return None
    subjects = join([d["text"][0].lower() + d["text"][1:] for d in discrepancies])
    return statement(f"Sources disagree on: {subjects}.", merge(*(d["sources"] for d in discrepancies)))


def _counted(items: list[dict[str, Any]], noun: str) -> str:
    return f"{len(items)} {noun}{'s' * (len(items) != 1)}"


def _by_status(items: list[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for item in items:
        state = item.get("state") or item["status"]  # a promise past its period: overdue
        counts[state] = counts.get(state, 0) + 1
    ordered = sorted(counts, key=lambda s: (STATUS_RANK.get(s, 99), s))
    return ", ".join(f"{counts[s]} {status_label(s)}" for s in ordered)
