"""The note's body: each outcome with its details, each engagement, and who took part."""

from __future__ import annotations

from bilat.brief.wording import kind_label, kind_noun, merge, statement, status_label, when, where
from bilat.read.brief_facts import clean

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    from typing import Any

    from bilat.brief.scope import Scope
    from bilat.read.brief_facts import Facts


def org_label(facts: Facts, org: dict[str, Any]) -> str:
    """An organisation's name, with its country unless the name already says it."""
    country = facts.country(org["country"])
    return f"{org['name']} ({country})" if country and country not in org["name"] else org["name"]


def outcome(facts: Facts, agreement_id: str, step: dict[str, Any]) -> dict[str, Any]:
    """One status step reported as an outcome: kind and status, then figures, institutions, what came later."""
    a = facts.agreement(agreement_id)
    details: list[dict[str, Any]] = []
    for f in a["figures"]:
        details.append(statement(f"Key figure: {f['value']:,} {f['unit']}", f["sources"] or a["sources"]))
    if a["institutions"]:
        names = [org_label(facts, o) for o in a["institutions"]]
        text = f"Between {names[0]} and {names[1]}" if len(names) == 2 else "Institutions: " + "; ".join(names)
        details.append(statement(text, merge(*(o["sources"] for o in a["institutions"]))))
    if step["note"]:
        details.append(statement(step["note"], step["sources"] or a["sources"]))
    if not step["date"] and not step["event"] and not step["note"]:
        details.append(statement("Date and occasion not stated.", step["sources"] or a["sources"]))
    for s in (s for s in a["steps"] if s["seq"] > step["seq"]):
        at = f" at {facts.ev(s['event'])['title']}" if s["event"] else ""
        details.append(
            statement(
                f"Later: {status_label(s['status'])}, {s['date'] or 'date not stated'}{at}",
                s["sources"] or a["sources"],
            )
        )
    details.append(statement(a["summary"], a["sources"]))
    text = f"{a['title']}: {kind_label(a['kind'], a['quantity'])}, {status_label(step['status'])}"
    return {
        **statement(text, step["sources"] or a["sources"]),
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


def engagement(facts: Facts, scope: Scope, event_id: str) -> dict[str, Any]:
    ev = facts.ev(event_id)
    parent = ev["part_of"]
    text = f"{ev['title']} ({kind_noun(ev['kind'])}): {when(ev)}; {where(ev)}"
    if parent:
        text += f"; part of {facts.ev(parent)['title']}"
    details = [statement(ev["summary"], ev["sources"])]
    if ev["date_derivation"]:
        details.append(statement(f"Date: {clean(ev['date_derivation'])}", ev["sources"]))
    return {
        **statement(text, ev["sources"]),
        "id": ev["id"],
        "title": clean(ev["title"]),
        "kind": ev["kind"],
        "date": ev["date"],
        "date_precision": ev["date_precision"],
        "when": when(ev),
        "place": ev["place"],
        "part_of": parent,
        "focus": event_id in scope.focal,
        "details": details,
    }


def participants(facts: Facts, scope: Scope) -> list[dict[str, Any]]:
    """People at each engagement (role, country), then the organisations named for any of them, once each."""
    people: list[dict[str, Any]] = []
    orgs: dict[str, dict[str, Any]] = {}
    for event_id in scope.shown:
        ev = facts.ev(event_id)
        people += [_person(facts, ev, p) for p in ev["participants"]]
        for o in ev["organisations"]:
            org = facts.org(o["id"])
            own = [s for s in org["sources"] if s in ev["sources"]] or org["sources"]
            if org["id"] in orgs:
                orgs[org["id"]]["events"].append(event_id)
                orgs[org["id"]]["sources"] = merge(orgs[org["id"]]["sources"], own)
                continue
            orgs[org["id"]] = {
                **statement(f"Organisation: {org_label(facts, org)}", own),
                "type": "organisation",
                "id": org["id"],
                "name": org["name"],
                "role": None,
                "country": facts.country(org["country"]),
                "country_code": org["country"],
                "event": None,
                "events": [event_id],
            }
    return people + list(orgs.values())


def _person(facts: Facts, ev: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
    """A participant of `ev`, cited by the sources of that engagement where they name them."""
    every = facts.person_sources(p["person"])
    own = [s for s in every if s in ev["sources"]] or every
    role = clean(p["role"]) or "; ".join(p["titles"]) or "role not stated"
    country = facts.country(p["country"])
    name = clean(p["name"])
    return {
        **statement(f"{name} ({country or 'country not stated'}): {role}", own),
        "type": "person",
        "id": p["person"],
        "name": name,
        "role": role,
        "country": country,
        "country_code": p["country"],
        "event": ev["id"],
        "events": [ev["id"]],
    }
