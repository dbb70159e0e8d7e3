"""What a note is about, decided once: its engagements, the steps it reports, its background.

`Scope.of` selects everything before a word is written, so the sections that follow read a frozen
scope instead of state set halfway through (the old `_Note` class depended on that order).
"""

from __future__ import annotations

from bilat.brief.wording import STATUS_RANK, merge

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from bilat.brief.target import Target
    from bilat.read.brief_facts import Facts

    Step = tuple[str, dict[str, Any]]  # (agreement id, status step)

BACKGROUND_AT_MOST = 5
"""Earlier engagements listed as background, the most recent; the note says how many more there are."""


class Scope:
    """The selection a note is written from (every list in date order, each id once)."""

    __slots__ = ("background", "focal", "more_earlier", "shown", "steps", "target", "undated")

    def __init__(
        self,
        target: Target,
        focal: list[str],
        shown: list[str],
        steps: list[Step],
        background: list[str],
        more_earlier: bool,
        undated: list[str],
    ) -> None:
        self.target = target
        self.focal = focal  # the engagements asked for (and their parts)
        self.shown = shown  # those and the engagements they are part of
        self.steps = steps  # the status steps reported as outcomes
        self.background = background  # earlier engagements with the same partners (the latest few)
        self.more_earlier = more_earlier  # there are earlier ones than those
        self.undated = undated  # instruments with neither date nor engagement its sources mention

    @property
    def outcome_ids(self) -> list[str]:
        return list(dict.fromkeys(aid for aid, _ in self.steps))

    @classmethod
    def of(cls, facts: Facts, target: Target) -> Scope:
        focal = ordered(facts, select_events(facts, target))
        context = [a for e in focal for a in ancestors(facts, e) if a not in focal]
        shown = ordered(facts, [*focal, *context])
        steps = outcome_steps(facts, target, focal)
        earlier = background_events(facts, target, shown, focal)
        background = ordered(facts, earlier[-BACKGROUND_AT_MOST:])  # the most recent
        undated = undated_mentions(facts, target, focal, [a for a, _ in steps])
        return cls(target, focal, shown, steps, background, len(earlier) > BACKGROUND_AT_MOST, undated)


# ---------------------------------------------------------------- events as a tree


def ancestors(facts: Facts, event_id: str) -> list[str]:
    out: list[str] = []
    parent = facts.parent(event_id)
    while parent and parent not in out and parent != event_id:
        out.append(parent)
        parent = facts.parent(parent)
    return out


def descendants(facts: Facts, event_id: str) -> list[str]:
    out: list[str] = []
    todo = [event_id]
    while todo:
        for child in facts.children(todo.pop(0)):
            if child not in out and child != event_id:
                out.append(child)
                todo.append(child)
    return out


def ordered(facts: Facts, ids: Iterable[str]) -> list[str]:
    """Events as a tree in date order: each root, then its parts (in date order) under it."""
    wanted = list(dict.fromkeys(ids))
    inside = set(wanted)

    def key(event_id: str) -> tuple[str, int]:
        row = facts.row(event_id)
        return (row["date_start"] or "", row["rid"])

    children: dict[str, list[str]] = {}
    roots: list[str] = []
    for event_id in wanted:
        parent = next((a for a in ancestors(facts, event_id) if a in inside), None)
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


def roots(facts: Facts, ids: list[str]) -> list[str]:
    inside = set(ids)
    return [e for e in ids if not any(a in inside for a in ancestors(facts, e))]


# ---------------------------------------------------------------- selection


def select_events(facts: Facts, target: Target) -> list[str]:
    if target.kind in ("date", "month", "year"):
        assert target.start and target.end
        matched = facts.events_between(target.start, target.end)
        # An engagement dated more coarsely than the target (a visit known only by its month) may or may not
        # have been on that day: it stands for the whole engagement, so its parts and outcomes come with it.
        coarse = {"date": ("month", "year"), "month": ("year",), "year": ()}[target.kind]
        out = [event_id for event_id, _ in matched]
        for event_id, precision in matched:
            if precision in coarse:
                out += descendants(facts, event_id)
        return list(dict.fromkeys(out))
    if target.kind == "event":
        return [target.value, *descendants(facts, target.value)]
    if target.kind == "agreement":
        return facts.events_of_agreement(target.value)
    return facts.events_with_country(target.value)


def outcome_steps(facts: Facts, target: Target, focal: list[str]) -> list[Step]:
    """(agreement id, status step) pairs the note reports as outcomes, grouped by engagement."""
    if target.kind == "agreement":
        pairs = facts.steps_of(target.value)
    else:
        pairs = facts.steps_at(focal)
        if target.kind in ("date", "month", "year"):
            assert target.start and target.end
            pairs += facts.unlinked_steps_between(target.start, target.end)
        elif target.kind == "country":
            pairs += facts.unlinked_steps_with(target.value)
    position = {e: i for i, e in enumerate(focal)}
    out = [(aid, step) for aid, seq in dict.fromkeys(pairs) if (step := facts.step(aid, seq)) is not None]

    def key(item: Step) -> tuple[int, str, int, int, int]:
        aid, step = item
        group = position.get(step["event"], len(position)) if target.kind != "agreement" else 0
        return (
            group,
            step["date"] or "9999",
            STATUS_RANK.get(step["status"], 99),
            facts.agreement(aid)["rid"],
            step["seq"],
        )

    return sorted(out, key=key)


def background_events(facts: Facts, target: Target, shown: list[str], focal: list[str]) -> list[str]:
    """Earlier engagements with the same partner(s): events whose countries include those of one in the note.

    The latest few (one more than the note lists, to know whether there are more), in date order (not as a
    tree: `ordered` nests those the note lists).
    """
    if target.kind == "country":
        return []
    sets = {frozenset(c["code"] for c in facts.ev(e)["countries"]) for e in shown}
    if target.kind == "agreement" and not sets:
        sets = {frozenset(facts.agreement(target.value)["parties"])}
    inclusive = False
    if target.kind in ("date", "month", "year"):
        assert target.start
        ref = target.start
    elif shown:
        ref = min(facts.row(e)["date_start"] for e in (focal or shown))
    else:  # an agreement linked to no engagement: what happened up to the first report of it
        ref = facts.first_published(facts.agreement(target.value)["sources"]) or ""
        inclusive = True
    found: dict[str, tuple[str, int]] = {}
    excluded = set(shown)
    for countries in sets:
        if countries:
            latest = facts.earlier_events(countries, ref, inclusive=inclusive, at_most=BACKGROUND_AT_MOST + 1)
            for event_id, first_day, position in latest:
                if event_id not in excluded:
                    found[event_id] = (first_day or "", position)
    return sorted(found, key=found.__getitem__)


def undated_mentions(facts: Facts, target: Target, focal: list[str], outcomes: list[str]) -> list[str]:
    """Instruments with neither date nor engagement that the sources of this note's engagements mention."""
    if target.kind in ("country", "agreement") or not focal:
        return []
    sources = merge(*(facts.ev(e)["sources"] for e in focal))
    sets = [frozenset(c["code"] for c in facts.ev(e)["countries"]) for e in focal]
    found: list[str] = []
    for aid in facts.undated_cited_by(sources):
        parties = set(facts.agreement(aid)["parties"])
        if aid not in outcomes and aid not in found and any(c <= parties for c in sets):
            found.append(aid)
    return found
