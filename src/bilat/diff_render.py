"""Writing what `bilat.dataset_diff` found: Markdown for a pull request, the same Markdown through Rich on a
terminal, JSON for tools.

The Markdown reads as a review: a heading naming the two versions, one line
counting what changed in each section, then per section the records added,
removed, renamed and changed, each changed record with one line per
difference (`title: “old” -> “new”`, `parties: added BY`, `quotes: changed
[src] “…” -> “…”`, `status steps: added signed 2025-04-12 at EVENT (1
quote)`).  Long values are cut around the place where they differ
(`bilat.diff_text`).  Data text is escaped for Markdown and passed through
`bilat.visible` whole: a control character in the data is shown, never
obeyed.  JSON is `DatasetDiff.to_json`, exact.
"""

from __future__ import annotations

import re
from typing import IO, Any

from bilat.dataset_diff import DatasetDiff, Entry, SectionDiff
from bilat.diff_text import shorten, shorten_pair
from bilat.record_diff import FieldChange, item_label
from bilat.visible import visible

NO_CHANGES = "No changes.\n"
TITLES = {
    "sources": "Sources",
    "people": "People",
    "organisations": "Organisations",
    "events": "Events",
    "agreements": "Agreements",
    "follow_ups": "Follow-ups",
    "discrepancies": "Discrepancies",
}
# How a field is named in a change line: a list of records by its items, evidence as quotes.
FIELD_WORDS = {
    "status_history": ("status steps", "status step"),
    "figures": ("figures", "figure"),
    "roles": ("roles", "role"),
    "participants": ("participants", "participant"),
    "readings": ("readings", "reading"),
    "evidence": ("quotes", "quote"),
}
KINDS = ("added", "removed", "renamed", "changed")
# Fields whose values are codes, dates or ids, shown bare; every other text is shown in quotation marks.
CODES = {
    *("status", "kind", "date", "date_precision", "due", "published", "as_of", "country", "parties", "countries"),
    *("sectors", "institutions", "organisations", "organisation", "agreements", "event", "part_of", "person"),
    *("source", "file", "url", "id", "subject", "field", "value"),
}


def md_escape(text: str) -> str:
    """Data text as Markdown that renders as itself, on one line."""
    text = " ".join(text.split())
    text = text.replace("\\", "\\\\").replace("`", "\\`").replace("*", "\\*").replace("<", "\\<")
    text = text.replace("](", "\\](").replace("][", "\\][")  # never a link: `[a](b)`, `[a][b]`
    return re.sub(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])", r"\\_", text)


def _code(text: str) -> str:
    """An id or a label of a side, as code when it can be."""
    return f"`{text}`" if "`" not in text and text.strip() == text and text else md_escape(text)


def markdown(diff: DatasetDiff) -> str:
    """The whole diff as Markdown; `No changes.` when there are none."""
    if not diff.count():
        return NO_CHANGES
    lines = [f"## Dataset changes: {_code(diff.old)} -> {_code(diff.new)}", "", _counts(diff)]
    for section in diff.sections:
        if section.count():
            lines += ["", f"### {TITLES[section.section]}", "", *_section(section)]
    return visible("\n".join(lines) + "\n")


def _counts(diff: DatasetDiff) -> str:
    parts = []
    for section in diff.sections:
        said = [f"{len(getattr(section, kind)):,} {kind}" for kind in KINDS if getattr(section, kind)]
        if said:
            parts.append(f"{TITLES[section.section]}: {', '.join(said)}")
    return "; ".join(parts) + "."


def _section(section: SectionDiff) -> list[str]:
    lines = [f"- Added {_code(e.id)}: {md_escape(shorten(e.label))}" for e in section.added]
    lines += [f"- Removed {_code(e.id)}: {md_escape(shorten(e.label))}" for e in section.removed]
    for entry in section.renamed:
        lines.append(f"- Renamed {_code(entry.old_id or '')} -> {_code(entry.id)}: {md_escape(shorten(entry.label))}")
        lines += _changes(entry)
    for entry in section.changed:
        lines.append(f"- Changed {_code(entry.id)}: {md_escape(shorten(entry.label))}")
        lines += _changes(entry)
    return lines


def _changes(entry: Entry) -> list[str]:
    return [f"  - {change_line(c)}" for c in entry.changes]


def change_line(change: FieldChange) -> str:
    """One difference in words: where (field, item, part), then what (`added X`, `old -> new`...)."""
    plural, single = FIELD_WORDS.get(change.field, (change.field.replace("_", " "), change.field.replace("_", " ")))
    if change.item is None:
        where = plural if change.part is None else f"{plural}: {_part(change.part)}"
    elif change.part is None:
        where = plural  # an item added or removed whole: `status steps: added signed at EVENT`
    else:
        where = f"{single} {md_escape(shorten(change.item))}: {_part(change.part)}"
    return f"{where}: {_what(change)}"


def _part(part: str) -> str:
    return FIELD_WORDS.get(part, (part.replace("_", " "),))[0]


def _what(change: FieldChange) -> str:
    field = change.field if change.item is None or change.part is None else change.part
    if change.change == "reordered":
        return f"reordered: {_value(field, change.old)} -> {_value(field, change.new)}"
    if change.change == "added":
        return f"added {_value(field, change.new)}"
    if change.change == "removed":
        return f"removed {_value(field, change.old)}"
    return _pair(field, change.old, change.new)


def _pair(field: str, old: Any, new: Any) -> str:
    """A changed value, `old -> new`; two texts cut around where they differ."""
    if _is_quote(old) and _is_quote(new):
        a, b = shorten_pair(old["quote"], new["quote"])
        after = "" if old["source"] == new["source"] else f"[{md_escape(new['source'])}] "
        return f"[{md_escape(old['source'])}] “{md_escape(a)}” -> {after}“{md_escape(b)}”"
    if field == "text" and isinstance(old, str) and isinstance(new, str):  # already the passages that differ
        return f"“{md_escape(old)}” -> “{md_escape(new)}”"
    if isinstance(old, str) and isinstance(new, str):
        a, b = shorten_pair(old, new)
        return f"{_text(a, field)} -> {_text(b, field)}"
    return f"{_value(field, old)} -> {_value(field, new)}"


def _is_quote(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"source", "quote"}


def _text(text: str, field: str) -> str:
    """A text value: bare when the field holds a code (a status, a date, an id), else in quotation marks."""
    shown = md_escape(text)
    return shown if field in CODES and text and " " not in text else f"“{shown}”"


def _value(field: str, value: Any) -> str:
    """A value added or removed, in a few words."""
    if value is None:
        return "none"
    if isinstance(value, str):
        return _text(shorten(value), field)
    if isinstance(value, list):
        return ", ".join(_value(field, v) for v in value) or "none"
    if _is_quote(value):
        return f"[{md_escape(value['source'])}] “{md_escape(shorten(value['quote']))}”"
    if isinstance(value, dict):
        quotes = len(value.get("evidence") or [])
        count = f" ({quotes} quote{'s' * (quotes != 1)})" if quotes else ""
        if "note" in value and len(value) == 2:  # an outcome: its note
            return f"{_text(shorten(str(value['note'])), 'note')}{count}"
        return f"{md_escape(shorten(item_label(field, value)))}{count}"  # an item: by its label
    return md_escape(str(value))


def write_diff(diff: DatasetDiff, fmt: str, out: IO[str], *, color: bool = True, pager: bool = False) -> None:
    """`diff` as `fmt`: md, json, or table (the Markdown through Rich, paged when taller than the terminal)."""
    if fmt == "json":
        from bilat.render import json_text

        out.write(json_text(diff.to_json(), out, indent=2) + "\n")
    elif fmt == "table":
        from bilat.show_render import print_markdown

        print_markdown(markdown(diff), out, color=color, pager=pager)
    else:
        out.write(markdown(diff))
