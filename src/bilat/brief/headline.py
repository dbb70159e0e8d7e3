"""The note's title and summary: who, when, what happened and what it produced, in two or three lines."""

from __future__ import annotations

from bilat.brief.scope import roots
from bilat.brief.wording import (
    STATUS_RANK,
    engagement_count,
    first_sentence,
    join,
    merge,
    statement,
    status_label,
)

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    from typing import Any

    from bilat.brief.scope import Scope
    from bilat.read.brief_facts import Facts


def parties(facts: Facts, scope: Scope) -> list[str]:
    """The countries of the note, those with the most engagements first."""
    target = scope.target
    codes: list[str] = []
    if target.kind == "agreement":
        codes = list(facts.agreement(target.value)["parties"])
    for e in scope.shown:
        codes += [c["code"] for c in facts.ev(e)["countries"]]
    if target.kind == "country":
        codes.append(target.value)
    first_seen = {c: i for i, c in enumerate(dict.fromkeys(codes))}
    ranked = sorted(first_seen, key=lambda c: (-facts.weight(c), first_seen[c]))
    return [facts.country(c) or c for c in ranked]


def common_country(facts: Facts, shown: list[str]) -> str | None:
    """The country every engagement of the note has (the dataset's own side), if there is one."""
    sets = [{c["code"] for c in facts.ev(e)["countries"]} for e in shown]
    common = set.intersection(*sets) if sets else set()
    return min(common) if len(common) == 1 else None


def span(facts: Facts, ids: list[str]) -> tuple[str, str]:
    evs = [facts.ev(e) for e in ids]
    if not evs:
        return "", ""
    first = min(evs, key=lambda e: (facts.row(e["id"])["date_start"], facts.row(e["id"])["rid"]))
    last = max(evs, key=lambda e: (facts.row(e["id"])["date_end"], -facts.row(e["id"])["rid"]))
    return first["date"], last["date"]


def _reported(facts: Facts, event_id: str | None, date: str) -> str:
    """`date`, said as reported when it is only the date of the report of `event_id`."""
    reported = event_id and facts.ev(event_id)["date_precision"] == "reported"
    return f"reported {date}" if reported else date


def title(facts: Facts, scope: Scope) -> dict[str, Any]:
    target, shown, focal = scope.target, scope.shown, scope.focal
    names = parties(facts, scope)
    common = common_country(facts, shown)
    if len(names) > 2 and common and names[0] == facts.country(common):
        who = f"{names[0]} with {join(names[1:])}"
    else:
        who = join(names)
    tops = roots(facts, shown)
    root_titles = "; ".join(facts.ev(r)["title"] for r in tops)
    sources = merge(*(facts.ev(r)["sources"] for r in tops))
    if target.kind == "date":
        on_day = [facts.ev(e) for e in focal if facts.ev(e)["date"] == target.value]
        if on_day:
            reported = all(e["date_precision"] == "reported" for e in on_day)
            date = f"reported {target.value}" if reported else target.value
        else:
            date = ", ".join(dict.fromkeys(facts.ev(r)["date"] for r in tops))
        text = f"{who}, {date}: {root_titles}"
    elif target.kind in ("month", "year"):
        text = f"{who}, {target.value}: {root_titles}"
    elif target.kind == "event":
        ev = facts.ev(target.value)
        text = f"{who}, {_reported(facts, target.value, ev['date'])}: {ev['title']}"
        if target.value not in tops:
            text += f", during {root_titles}"
        sources = merge(ev["sources"], sources)
    elif target.kind == "agreement":
        a = facts.agreement(target.value)
        dated = [s for s in a["steps"] if s["date"]]
        date = _reported(facts, dated[0]["event"], dated[0]["date"]) if dated else "date not stated"
        at = "; ".join(facts.ev(e)["title"] for e in focal)
        text = f"{who}, {date}: {a['title']}" + (f" ({at})" if at else "")
        sources = merge(a["sources"], *(facts.ev(e)["sources"] for e in focal))
    else:
        first, last = span(facts, shown)
        text = f"{who}, {first if first == last else f'{first} to {last}'}: {engagement_count(len(tops), len(shown))}"
        if not tops:
            agreements = sorted(scope.outcome_ids)
            text = f"{who}: {len(agreements)} agreement{'s' * (len(agreements) != 1)} on record"
            sources = merge(*(facts.agreement(a)["sources"] for a in agreements))
    return statement(text, sources)


def agreement_summary(facts: Facts, agreement_id: str) -> list[dict[str, Any]]:
    a = facts.agreement(agreement_id)
    history = []
    for s in a["steps"]:
        at = f", at {facts.ev(s['event'])['title']}" if s["event"] else ""
        date = _reported(facts, s["event"], s["date"] or "date not stated")
        history.append(f"{status_label(s['status'])} ({date}{at})")
    """What the agreement is and each status it reached, when and where."""
    return [
        statement(first_sentence(a["summary"]), a["sources"]),
        statement("Status: " + "; then ".join(history) + ".", merge(*(s["sources"] for s in a["steps"]))),
    ]


def outcome_line(facts: Facts, scope: Scope, outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """How many outcomes, by status, with the key figures."""
    if not outcomes:
        sources = merge(*(facts.ev(e)["sources"] for e in scope.focal or scope.shown))
        return statement("No instrument or commitment is recorded as an outcome.", sources)
    latest: dict[str, dict[str, Any]] = {}
    for o in outcomes:
        latest[o["id"]] = o  # the last step wins: outcomes are in date order within an agreement
    counts: dict[str, int] = {}
    bundles: dict[str, int] = {}
    for o in latest.values():
        counts[o["status"]] = counts.get(o["status"], 0) + 1
        if o["quantity"]:  # "several", "number not stated": one record, more than one instrument
            bundles[o["status"]] = bundles.get(o["status"], 0) + 1

    def counted(s: str) -> str:
        bundled = bundles.get(s, 0)
        if not bundled:
            return f"{counts[s]} {status_label(s)}"
        which = "it stands" if counts[s] == 1 else f"{bundled} of these {'stands' if bundled == 1 else 'stand'}"
        return f"{counts[s]} {status_label(s)} ({which} for several instruments or an unstated number)"

    noun = f"{len(latest)} record{'s' * (len(latest) != 1)}"
    if len(counts) == 1:
        only = next(iter(counts))
        text = f"Outcomes: {noun}, " + ("all " if len(latest) > 1 else "") + counted(only).split(" ", 1)[1]
    else:
        by_status = ", ".join(counted(s) for s in sorted(counts, key=lambda s: STATUS_RANK[s]))
        text = f"Outcomes: {noun}: {by_status}"
    figures = [f for o in latest.values() for f in o["figures"]]
    sources = merge(*(o["sources"] for o in latest.values()))
    if figures:
        text += "; key figure" + ("s" if len(figures) > 1 else "") + ": "
        text += "; ".join(f"{f['value']:,} {f['unit']}" for f in figures)
        sources = merge(sources, *(f["sources"] for f in figures))
    return statement(text + ".", sources)
