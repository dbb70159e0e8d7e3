"""What changed in one record, field by field: the `changes` of `bilat diff`.

A record is compared as the model reads it (every field, defaults filled in),
so writing out a default (`aliases: []`) is no change.  Each difference is a
`FieldChange`:

- a plain value (`title`, `date`, `place`...): `changed` old -> new, `added` (was none), `removed` (now none);
- a list of plain values (`parties`, `sectors`, `aliases`...): each value `added` or `removed`, or the
  list `reordered` when only the order changed;
- evidence (`[{source, quote}]`, at any level): each quote `added`, `removed`, or `changed` (a quote of the
  same source replaced by one like it: most of its characters in common, or one inside the other);
- a list of records (`status_history`, `figures`, `roles`, `participants`, `readings`): each item is known by
  its label (`signed 2025-04-12 at EVENT`); an item `added` or `removed` whole, or, paired with one of the same
  status (unit, title, person, source), or else with one that differs in a single field, its parts changed
  one by one (`part`: `status`, `date`, `note`, `evidence`...);
- `outcome` (a record inside a record): its parts, as for an item.

An agreement whose last status step says another status also gets a `status` change first (its current
status, derived from `status_history`).

Standard library only; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, TypeGuard

QUOTE_LIKENESS = 0.5  # a removed and an added quote of one source this alike (difflib's ratio) are one changed quote


@dataclass(frozen=True)
class FieldChange:
    """One difference in a record: where (field, the list item's label, the part of the item) and what."""

    field: str
    change: str  # changed, added, removed, reordered
    old: Any = None
    new: Any = None
    item: str | None = None
    part: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "item": self.item,
            "part": self.part,
            "change": self.change,
            "old": self.old,
            "new": self.new,
        }


def _step(item: dict[str, Any]) -> str:
    return " ".join(
        filter(None, [str(item.get("status")), item.get("date"), f"at {item['event']}" if item.get("event") else ""])
    )


def _figure(item: dict[str, Any]) -> str:
    return f"{item.get('value')} {item.get('unit')}"


def _role(item: dict[str, Any]) -> str:
    where = f" ({item['organisation']})" if item.get("organisation") else ""
    return f"{item.get('title')}{where}" + (f" as of {item['as_of']}" if item.get("as_of") else "")


def _participant(item: dict[str, Any]) -> str:
    return str(item.get("person")) + (f" ({item['role']})" if item.get("role") else "")


def _reading(item: dict[str, Any]) -> str:
    return f"{item.get('value')} [{item.get('source')}]"


# A list of records: the field its items are paired by when they differ, and how an item is named.
ITEM_LISTS = {
    "status_history": ("status", _step),
    "figures": ("unit", _figure),
    "roles": ("title", _role),
    "participants": ("person", _participant),
    "readings": ("source", _reading),
}


def item_label(field: str, item: dict[str, Any]) -> str:
    """How an item of the list `field` is named in a change (`signed 2025-04-12 at EVENT`)."""
    return ITEM_LISTS[field][1](item) if field in ITEM_LISTS else str(item)


def record_changes(section: str, old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """Every difference between two versions of a record (their ids aside), in the order of the fields."""
    changes: list[FieldChange] = []
    if section == "agreements":
        before, after = _current_status(old), _current_status(new)
        if before != after:
            changes.append(FieldChange("status", "changed", before, after))
    for field in [*new, *(k for k in old if k not in new)]:
        if field == "id" or old.get(field) == new.get(field):
            continue
        changes += _field(field, old.get(field), new.get(field))
    return changes


def _current_status(record: dict[str, Any]) -> Any:
    steps = record.get("status_history") or []
    return steps[-1].get("status") if steps and isinstance(steps[-1], dict) else None


def _field(field: str, old: Any, new: Any) -> list[FieldChange]:
    if _is_evidence(old) and _is_evidence(new):
        return evidence_changes(old, new, field)
    if field in ITEM_LISTS and isinstance(old, list) and isinstance(new, list):
        return _item_changes(field, old, new)
    if isinstance(old, list) and isinstance(new, list):
        return _value_changes(field, old, new)
    if isinstance(old, dict) and isinstance(new, dict):
        return _part_changes(field, None, old, new)
    return [_plain(field, old, new)]


def _plain(field: str, old: Any, new: Any, item: str | None = None, part: str | None = None) -> FieldChange:
    change = "added" if old is None else "removed" if new is None else "changed"
    return FieldChange(field, change, old, new, item, part)


def _is_evidence(value: Any) -> TypeGuard[list[dict[str, str]]]:
    return isinstance(value, list) and all(isinstance(e, dict) and set(e) == {"source", "quote"} for e in value)


def _value_changes(field: str, old: list[Any], new: list[Any]) -> list[FieldChange]:
    """A list of plain values: each value removed or added; `reordered` when only the order differs."""
    left = list(new)
    gone = []
    for value in old:
        if value in left:
            left.remove(value)
        else:
            gone.append(value)
    if not gone and not left:
        return [FieldChange(field, "reordered", old, new)]
    return [FieldChange(field, "removed", old=v) for v in gone] + [FieldChange(field, "added", new=v) for v in left]


def _item_changes(field: str, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[FieldChange]:
    """A list of records: equal items are kept; the others paired by their key field, or added or removed."""
    key = ITEM_LISTS[field][0]
    left = list(new)
    unmatched = []
    for item in old:
        if item in left:
            left.remove(item)
        else:
            unmatched.append(item)
    if not unmatched and not left:
        return [FieldChange(field, "reordered", old, new)]
    changes: list[FieldChange] = []
    for item in unmatched:
        same = [n for n in left if isinstance(n, dict) and isinstance(item, dict) and n.get(key) == item.get(key)]
        same = same or [n for n in left if _differences(item, n) == 1]  # a step whose status alone was corrected
        if not same:
            changes.append(FieldChange(field, "removed", old=item, item=item_label(field, item)))
            continue
        partner = max(same, key=lambda n: sum(n.get(k) == v for k, v in item.items()))  # the first most alike
        left.remove(partner)
        changes += _part_changes(field, item_label(field, partner), item, partner)
    changes += [FieldChange(field, "added", new=n, item=item_label(field, n)) for n in left]
    return changes


def _differences(a: Any, b: Any) -> int:
    """In how many fields two items differ (any number when they are not both records)."""
    if not isinstance(a, dict) or not isinstance(b, dict):
        return -1
    return sum(a.get(k) != b.get(k) for k in {*a, *b})


def _part_changes(field: str, item: str | None, old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """Two versions of a record inside a record (a status step, an outcome): each part that differs."""
    changes: list[FieldChange] = []
    for part in [*new, *(k for k in old if k not in new)]:
        a, b = old.get(part), new.get(part)
        if a == b:
            continue
        if _is_evidence(a) and _is_evidence(b):
            changes += evidence_changes(a, b, field, item, part)
        else:
            changes.append(_plain(field, a, b, item, part))
    return changes


def evidence_changes(
    old: list[dict[str, str]], new: list[dict[str, str]], field: str, item: str | None = None, part: str | None = None
) -> list[FieldChange]:
    """Quotes removed, changed (same source, a quote like the old one) and added, in that order."""
    left = list(new)
    gone = []
    for quote in old:
        if quote in left:
            left.remove(quote)
        else:
            gone.append(quote)
    changes: list[FieldChange] = []
    for quote in gone:
        same = [n for n in left if n["source"] == quote["source"]]
        best = max(same, key=lambda n: quote_likeness(quote["quote"], n["quote"]), default=None)
        if best is not None and quote_likeness(quote["quote"], best["quote"]) >= QUOTE_LIKENESS:
            left.remove(best)
            changes.append(FieldChange(field, "changed", quote, best, item, part))
        else:
            changes.append(FieldChange(field, "removed", old=quote, item=item, part=part))
    return changes + [FieldChange(field, "added", new=n, item=item, part=part) for n in left]


def quote_likeness(a: str, b: str) -> float:
    """How alike two quotes are, 0 to 1 (the same either way round); 1 when one is inside the other."""
    a, b = " ".join(a.split()), " ".join(b.split())
    if a in b or b in a:
        return 1.0
    first, second = sorted((a, b))
    return SequenceMatcher(None, first, second, autojunk=False).ratio()
