"""What surrounds the engagements of a note: earlier engagements, open items, follow-ups, discrepancies."""

from __future__ import annotations

from bilat import dates
from bilat.brief.wording import (
    FOLLOW_UP_LABELS,
    OPEN_FOLLOW_UPS,
    OPEN_STATUSES,
    STATUS_RANK,
    kind_label,
    merge,
    short_when,
    statement,
    status_label,
)
from bilat.read.brief_facts import clean, source_ids

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    from typing import Any

    from bilat.brief.scope import Scope
    from bilat.read.brief_facts import Facts


def _produced(facts: Facts, event_id: str) -> list[tuple[str, dict[str, Any]]]:
    """What an engagement produced, strongest status first."""
    pairs = [(aid, st) for aid, seq in facts.produced(event_id) if (st := facts.step(aid, seq)) is not None]
    return sorted(pairs, key=lambda p: (STATUS_RANK.get(p[1]["status"], 99), facts.agreement(p[0])["rid"]))


def background(facts: Facts, scope: Scope) -> list[dict[str, Any]]:
    entries = [_earlier(facts, e) for e in scope.background] + [_undated(facts, a) for a in scope.undated]
    if scope.more_earlier:
        entries.insert(0, _not_listed(facts, scope))
    return entries


def _not_listed(facts: Facts, scope: Scope) -> dict[str, Any]:
    """The line that says earlier engagements are left out, and how to see them all."""
    first = facts.ev(scope.background[0])
    partners = {frozenset(c["code"] for c in facts.ev(e)["countries"]) for e in scope.shown}
    where = ""
    if len(partners) == 1:  # one relationship: the timeline of its rarest country
        rarest = min(next(iter(partners)), key=lambda c: (facts.weight(c), c))
        where = f"--country {rarest} "
    text = (
        f"Only the {len(scope.background)} most recent earlier engagements are listed; the rest: "
        f"bilat timeline {where}--until {first['date']}"
    )
    return {
        **statement(text, []),
        "type": "omitted",
        "id": None,
        "title": f"Only the {len(scope.background)} most recent earlier engagements are listed",
        "date": None,
        "date_precision": None,
        "part_of": None,
        "produced": [],
    }


def _earlier(facts: Facts, event_id: str) -> dict[str, Any]:
    ev = facts.ev(event_id)
    text = f"{short_when(ev)}: {ev['title']}" + (f" ({clean(ev['place'])})" if ev["place"] else "")
    details = []
    for aid, step in _produced(facts, event_id):
        a = facts.agreement(aid)
        details.append(
            {
                **statement(
                    f"{a['title']}: {kind_label(a['kind'], a['quantity'])}, {status_label(step['status'])}",
                    step["sources"] or a["sources"],
                ),
                "id": aid,
                "title": a["title"],
                "status": step["status"],
            }
        )
    return {
        **statement(text, ev["sources"]),
        "type": "event",
        "id": event_id,
        "title": clean(ev["title"]),
        "date": ev["date"],
        "date_precision": ev["date_precision"],
        "part_of": ev["part_of"],
        "produced": details,
    }


def _undated(facts: Facts, agreement_id: str) -> dict[str, Any]:
    a = facts.agreement(agreement_id)
    step = a["steps"][-1]
    produced = [statement(step["note"], step["sources"] or a["sources"])] if step["note"] else []
    text = f"Date and occasion not stated: {a['title']}: {kind_label(a['kind'], a['quantity'])}, "
    text += status_label(a["status"])
    return {
        **statement(text, step["sources"] or a["sources"]),
        "type": "agreement",
        "id": agreement_id,
        "title": a["title"],
        "date": None,
        "date_precision": None,
        "part_of": None,
        "produced": produced,
    }


def open_items(facts: Facts, scope: Scope) -> list[dict[str, Any]]:
    """What is not yet agreed among the outcomes and the background, oldest first."""
    candidates = [aid for aid, _ in scope.steps]
    if scope.target.kind != "agreement":
        for e in scope.background:
            candidates += [aid for aid, _ in _produced(facts, e)]
        candidates += scope.undated
    items = []
    for aid in dict.fromkeys(candidates):
        a = facts.agreement(aid)
        if a["status"] not in OPEN_STATUSES:
            continue
        step = a["steps"][-1]
        if step["event"]:
            ev = facts.ev(step["event"])
            at = f"{ev['title']}, {short_when(ev)}"
        else:
            at = step["date"] or "date and occasion not stated"
        details = [statement(step["note"], step["sources"] or a["sources"])] if step["note"] else []
        item = {
            **statement(f"{a['title']}: {status_label(a['status'])}", step["sources"] or a["sources"]),
            "id": aid,
            "at": at,
            "title": a["title"],
            "status": a["status"],
            "date": step["date"],
            "event": step["event"],
            "details": details,
        }
        items.append(((step["date"] or "9999", STATUS_RANK.get(a["status"], 99), a["rid"]), item))
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]


def follow_ups(facts: Facts, scope: Scope, today: str) -> list[dict[str, Any]]:
    """Promises not yet seen done (open or unclear), overdue ones (their period ended before `today`) first,
    then in the order of the engagements that raised them."""
    events = scope.shown if scope.target.kind == "agreement" else [*scope.shown, *scope.background]
    out = []
    for fid in facts.follow_ups_of(events, scope.outcome_ids):
        f = facts.follow_up(fid)
        if f["status"] not in OPEN_FOLLOW_UPS:
            continue
        sources = source_ids(f["evidence"])
        ev = facts.ev(f["event"])
        details = []  # where it was raised is the heading it is listed under (`at`)
        if f["outcome"]:
            details.append(statement(f"What became of it: {clean(f['outcome'])}", source_ids(f["outcome_evidence"])))
        overdue = bool(f["due"]) and dates.span(f["due"])[1] < today
        label = "Overdue" if overdue else FOLLOW_UP_LABELS.get(f["status"], f["status"])
        item = {
            **statement(f"{label}: {clean(f['description'])}", sources),
            "id": fid,
            "state": "overdue" if overdue else f["status"],
            "at": f"{ev['title']}, {short_when(ev)}",
            "status": f["status"],
            "due": f["due"],
            "place": f["place"],
            "event": f["event"],
            "agreements": f["agreements"],
            "outcome": clean(f["outcome"]) or None,
            "details": details,
        }
        row = facts.row(f["event"])
        out.append(((not overdue, row["date_start"] or "", row["rid"]), item))
    return [item for _, item in sorted(out, key=lambda pair: pair[0])]


def discrepancies(facts: Facts, scope: Scope) -> list[dict[str, Any]]:
    """Where the sources disagree about an engagement, an outcome, or someone or something named in them."""
    agreements = [aid for aid, _ in scope.steps]
    ids: list[str] = [*scope.shown, *agreements]
    for e in scope.shown:
        ev = facts.ev(e)
        ids += [p["person"] for p in ev["participants"]] + [o["id"] for o in ev["organisations"]]
    for aid in agreements:
        ids += [o["id"] for o in facts.agreement(aid)["institutions"]]
    out = []
    for d in facts.discrepancies_about(list(dict.fromkeys(ids))):
        readings = [{"value": clean(r["value"]), "sources": [r["source_id"]]} for r in d["readings"]]
        out.append(
            {
                **statement(clean(d["label"]), merge(*(r["sources"] for r in readings))),
                "id": d["id"],
                "subject": d["subject"],
                "field": d["field"],
                "readings": readings,
                "note": clean(d["note"]) or None,
            }
        )
    return out
