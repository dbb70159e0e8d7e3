"""Rendering a briefing note (bilat.brief): Markdown, Rich on a terminal (from that same Markdown), JSON.

The Markdown is composed once from the note; a terminal gets it through Rich,
so the two cannot say different things.  Every statement keeps its source
numbers ([1][3]) and sits on one line: no hard wraps inside sentences.
The Markdown is passed through `bilat.visible` whole: a control character in
the data is shown (`\\x1b`), never obeyed by a terminal; JSON stays exact.
`--output FILE` is written atomically (a temporary file in the same folder,
then os.replace), so a reader never sees half a note and a failed run leaves
the old file as it was.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import IO, Any

from bilat.problems import UsageError
from bilat.visible import visible

FORMATS = ("table", "md", "json")


# ---------------------------------------------------------------- Markdown


def _escape(text: str) -> str:
    """Data text as Markdown that renders as itself (emphasis, code and HTML characters escaped)."""
    text = text.replace("\\", "\\\\").replace("`", "\\`").replace("*", "\\*").replace("<", "\\<")
    # An underscore inside a word (@Nicole_demoor, file_names) is never emphasis; elsewhere it could be.
    return re.sub(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])", r"\\_", text)


def _paragraph(text: str) -> str:
    """Escaped text that cannot start a heading, list or quote when it begins a line."""
    out = _escape(text)
    if re.match(r"^(#|>|[-+] |\d+[.)] )", out):
        out = "\\" + out if not out[0].isdigit() else re.sub(r"^(\d+)([.)])", r"\1\\\2", out)
    return out


def _cite(statement: dict[str, Any]) -> str:
    numbers = statement.get("sources") or []
    return (" " + "".join(f"[{n}]" for n in numbers)) if numbers else ""


def _line(statement: dict[str, Any], bold: str | None = None) -> str:
    """One statement: its text (with `bold` in bold where it occurs) and its source numbers; *new* before
    what was first reported since the note's --since day."""
    text = _paragraph(statement["text"])
    if statement.get("new"):
        text = "*new* " + text
    if bold:
        lead = _escape(bold)
        at = text.find(lead)
        if at >= 0:
            text = f"{text[:at]}**{lead}**{text[at + len(lead) :]}"
    return text + _cite(statement)


def _details(
    statement: dict[str, Any], lines: list[str], indent: str = "  ", skip: list[dict[str, Any]] | None = None
) -> None:
    said = {d["text"] for d in skip or []}
    for detail in statement.get("details", []):
        if detail["text"] not in said:
            lines.append(f"{indent}- {_line(detail)}")


def _grouped(
    lines: list[str],
    title: str,
    items: list[dict[str, Any]],
    heading_of: Callable[[dict[str, Any]], str],
    name_key: str,
    *,
    details: bool,
) -> None:
    """A section whose items are grouped under the engagement they belong to, each engagement named once.

    A detail every item of a group shares (the report gives no date for any of them) is said once, under the
    group's heading, not under each item.
    """
    if not items:
        return
    lines += [f"## {title}", ""]
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(heading_of(item), []).append(item)
    for heading, group in groups.items():
        if len(groups) > 1 or heading != _NO_OCCASION:
            lines += [f"### {_escape(heading)}", ""]
        shared = _shared_details(group) if details else []
        for detail in shared:
            lines += [f"*{_paragraph(detail['text'])}*{_cite(detail)}", ""]
        for item in group:
            lines.append(f"- {_line(item, item[name_key])}")
            if details:
                _details(item, lines, skip=shared)
        lines.append("")


def _shared_details(group: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The details (by text) every item of a group of two or more has."""
    if len(group) < 2:
        return []
    texts = [{d["text"] for d in item.get("details", [])} for item in group]
    common = set.intersection(*texts)
    return [d for d in group[0].get("details", []) if d["text"] in common]


_NO_OCCASION = "Date and occasion not stated"
SHORT_AT_MOST = 3  # open items and promises listed one by one in a short note


def _heading(engagement: dict[str, Any]) -> str:
    reported = "reported " if engagement["date_precision"] == "reported" else ""
    return f"{engagement['title']}, {reported}{engagement['date']}"


def markdown(note: dict[str, Any], *, short: bool = False) -> str:
    """The note as clean Markdown: headings, lists, one statement a line, each with its [n] sources.

    The order is a reader's before a meeting: at a glance, what is open, what was signed or agreed, then the
    detail (engagements, people, background, disagreements) and the sources.  `short`: about one screen, the
    essentials with their citations.
    """
    lines: list[str] = [f"# {_line(note['title'])}", "", "## At a glance", ""]
    lines += [f"- {_line(statement)}" for statement in note["summary"]]
    lines.append("")
    headings = {e["id"]: _heading(e) for e in note["engagements"]}

    def by_event(item: dict[str, Any]) -> str:
        return headings.get(item.get("event") or "", item.get("at") or _NO_OCCASION)

    def by_at(item: dict[str, Any]) -> str:
        return str(item.get("at") or _NO_OCCASION)

    if short:
        _short(lines, note)
    else:
        _grouped(lines, "Open items: not yet agreed", note["open_items"], by_at, "title", details=True)
        _follow_ups(lines, note["follow_ups"], by_at)
        _grouped(lines, "Outcomes", note["outcomes"], by_event, "title", details=True)
        _engagements(lines, note["engagements"])
        people = [p for p in note["participants"] if p.get("type") == "person"]
        _grouped(lines, "People", people, by_event, "name", details=False)
        _organisations(lines, [p for p in note["participants"] if p.get("type") != "person"])
        _background(lines, note["background"])
        _discrepancies(lines, note["discrepancies"])
    _sources(lines, note["sources"])
    return visible("\n".join(lines).rstrip() + "\n")


def _short(lines: list[str], note: dict[str, Any]) -> None:
    """The essentials, one line each: what was signed, what is open, what was promised."""
    signed = [o for o in note["outcomes"] if o["status"] == "signed"]
    if signed:
        lines += ["## Signed", ""]
        lines += [f"- {_line(o, o['title'])}" for o in signed]
        lines.append("")
    # Promises with a due date first (the next meeting), then open ones, then those whose fate is unclear.
    promises = sorted(note["follow_ups"], key=lambda f: (f.get("due") is None, f["status"] != "open"))
    for title, items in (("Open items", note["open_items"]), ("Promises not yet seen kept", promises)):
        if not items:
            continue
        lines += [f"## {title}", ""]
        for item in items[:SHORT_AT_MOST]:
            text = {**item, "text": first_sentence_of(item["text"])}
            lines.append(f"- {_line(text, item.get('title'))}")
        if len(items) > SHORT_AT_MOST:
            lines.append(f"- … and {len(items) - SHORT_AT_MOST} more (the full note, without --short, lists them)")
        lines.append("")


def first_sentence_of(text: str) -> str:
    from bilat.brief.wording import first_sentence

    return first_sentence(text)


def _follow_ups(lines: list[str], follow_ups: list[dict[str, Any]], by_at: Callable[[dict[str, Any]], str]) -> None:
    if not follow_ups:
        return
    lines += ["## Promises not yet seen kept", ""]
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in follow_ups:
        groups.setdefault(by_at(f), []).append(f)
    for heading, group in groups.items():
        lines += [f"### Raised at {_escape(heading)}", ""]
        for f in group:
            lines.append(f"- {_line(f, f['text'].split(':', 1)[0])}")
            _details(f, lines)
        lines.append("")


def _engagements(lines: list[str], engagements: list[dict[str, Any]]) -> None:
    if not engagements:
        return
    lines += ["## Engagements", ""]
    for e in engagements:
        lines.append(f"- {_line(e, e['title'])}")
        _details(e, lines)
    lines.append("")


def _organisations(lines: list[str], organisations: list[dict[str, Any]]) -> None:
    if not organisations:
        return
    lines += ["## Organisations", ""]
    seen: set[str] = set()
    for o in organisations:
        if o["id"] not in seen:
            seen.add(o["id"])
            lines.append(f"- {_line({**o, 'text': o['text'].removeprefix('Organisation: ')}, o['name'])}")
    lines.append("")


def _background(lines: list[str], background: list[dict[str, Any]]) -> None:
    if not background:
        return
    lines += ["## Background: earlier engagements", ""]
    for b in background:
        lines.append(f"- {_line(b, b['title'])}")
        for p in b["produced"]:
            lines.append(f"  - {_line(p)}")
    lines.append("")


def _discrepancies(lines: list[str], discrepancies: list[dict[str, Any]]) -> None:
    if not discrepancies:
        return
    lines += ["## Where the sources disagree", ""]
    for d in discrepancies:
        readings = "; ".join(f"“{_escape(r['value'])}”{_cite(r)}" for r in d["readings"])
        comment = f" {_escape(d['note'])}" if d.get("note") else ""
        lines.append(f"- **{_escape(d['text'])}**: {readings}.{comment}")
    lines.append("")


def _sources(lines: list[str], sources: list[dict[str, Any]]) -> None:
    """Each source with its id, so a reader goes from [2] to `bilat show ID` and the text."""
    lines += ["## Sources", ""]
    for s in sources:
        outlet = s["outlet"] or "outlet not named"
        dateline = f"dateline {s['dateline']}" if s["dateline"] else "no dateline"
        kind = (s.get("kind") or "report").replace("-", " ")
        title = f"“{_escape(s['title'])}”, " if s.get("title") else ""
        url = f" {s['url']}" if s.get("url") else ""
        lines.append(
            f"{s['n']}. {title}{_escape(outlet)}, {s['published']}, {_escape(dateline)}, {kind}: "
            f"`bilat show {s['id']}` ({_escape(s['reference'])}){url}"
        )


def to_json(note: dict[str, Any], out: IO[str] | None = None) -> str:
    """The note as JSON for `out` (None: a UTF-8 file): exact data, ASCII when `out` cannot write UTF-8."""
    from bilat.render import json_text

    return json_text(note, out, indent=2) + "\n"


# ---------------------------------------------------------------- writing


def write_note(
    note: dict[str, Any],
    fmt: str,
    output: str | None = None,
    out: IO[str] | None = None,
    *,
    color: bool = True,
    short: bool = False,
    pager: bool = False,
) -> None:
    """Write `note` as `fmt` (table: Rich on a terminal, md, json) to stdout, or atomically to `output`.

    `short` gives the one-screen Markdown (JSON is always the whole note); `pager` lets a long note on a
    terminal go through the user's pager.
    """
    if fmt not in (*FORMATS, "plain"):
        raise UsageError(f"--format: unknown format {fmt!r} (one of: {', '.join(FORMATS)})")
    if output:
        from bilat.output_file import write_output

        write_output(output, to_json(note) if fmt == "json" else markdown(note, short=short))
        return
    stream = out or sys.stdout
    if fmt == "json":
        stream.write(to_json(note, stream))
    elif fmt == "table":
        from bilat.show_render import print_markdown

        print_markdown(markdown(note, short=short), stream, color=color, pager=pager)
    else:
        stream.write(markdown(note, short=short))
