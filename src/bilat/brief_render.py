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
    """One statement: its text (with `bold` in bold where it occurs) and its source numbers."""
    text = _paragraph(statement["text"])
    if bold:
        lead = _escape(bold)
        at = text.find(lead)
        if at >= 0:
            text = f"{text[:at]}**{lead}**{text[at + len(lead) :]}"
    return text + _cite(statement)


def _details(statement: dict[str, Any], lines: list[str], indent: str = "  ") -> None:
    for detail in statement.get("details", []):
        lines.append(f"{indent}- {_line(detail)}")


def _grouped(
    lines: list[str],
    title: str,
    items: list[dict[str, Any]],
    headings: dict[str | None, str],
    no_heading: str,
    name_key: str,
    *,
    details: bool,
) -> None:
    """A section whose items are grouped under the engagement they belong to (headings only when there are several)."""
    if not items:
        return
    lines += [f"## {title}", ""]
    groups = _groups(items, headings)
    for event_id, group in groups:
        if len(groups) > 1:
            lines += [f"### {_escape(headings.get(event_id, no_heading))}", ""]
        for item in group:
            lines.append(f"- {_line(item, item[name_key])}")
            if details:
                _details(item, lines)
        lines.append("")


def _groups(
    items: list[dict[str, Any]], headings: dict[str | None, str]
) -> list[tuple[str | None, list[dict[str, Any]]]]:
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(item.get("event"), []).append(item)
    order = list(headings)
    return sorted(groups.items(), key=lambda g: order.index(g[0]) if g[0] in order else len(order))


def markdown(note: dict[str, Any]) -> str:
    """The note as clean Markdown: headings, lists, one statement a line, each with its [n] sources."""
    lines: list[str] = [f"# {_line(note['title'])}", ""]
    lines += ["## Summary", ""]
    for statement in note["summary"]:
        lines += [_line(statement), ""]

    headings: dict[str | None, str] = {
        e["id"]: f"{e['title']} ({e['date']}{', reported' if e['date_precision'] == 'reported' else ''})"
        for e in note["engagements"]
    }
    if note["engagements"]:
        lines += ["## Engagements", ""]
        for e in note["engagements"]:
            lines.append(f"- {_line(e, e['title'])}")
            _details(e, lines)
        lines.append("")

    _grouped(lines, "Outcomes", note["outcomes"], headings, "Engagement not stated", "title", details=True)
    _grouped(lines, "Participants", note["participants"], headings, "Organisations", "name", details=False)

    if note["background"]:
        lines += ["## Background", ""]
        for b in note["background"]:
            lines.append(f"- {_line(b, b['title'])}")
            for p in b["produced"]:
                lines.append(f"  - {_line(p)}")
        lines.append("")

    if note["open_items"]:
        lines += ["## Open items (importance noted, under discussion, exploring, talks agreed or planned)", ""]
        for item in note["open_items"]:
            lines.append(f"- {_line(item, item['title'])}")
            _details(item, lines)
        lines.append("")

    if note["follow_ups"]:
        lines += ["## Follow-ups (promised, not yet seen done in a later source)", ""]
        for f in note["follow_ups"]:
            lines.append(f"- {_line(f, f['text'].split(':', 1)[0])}")
            _details(f, lines)
        lines.append("")

    if note["discrepancies"]:
        lines += ["## Discrepancies between sources", ""]
        for d in note["discrepancies"]:
            readings = "; ".join(f"“{_escape(r['value'])}”{_cite(r)}" for r in d["readings"])
            comment = f" {_escape(d['note'])}" if d.get("note") else ""
            lines.append(f"- **{_escape(d['text'])}**: {readings}.{comment}")
        lines.append("")

    lines += ["## Sources", ""]
    for s in note["sources"]:
        outlet = s["outlet"] or "outlet not named"
        dateline = f"dateline {s['dateline']}" if s["dateline"] else "no dateline"
        kind = (s.get("kind") or "report").replace("-", " ")
        lines.append(
            f"{s['n']}. {_escape(outlet)}, {s['published']}, {_escape(dateline)}, {kind}: {_escape(s['reference'])}"
        )
    return visible("\n".join(lines).rstrip() + "\n")


def to_json(note: dict[str, Any], out: IO[str] | None = None) -> str:
    """The note as JSON for `out` (None: a UTF-8 file): exact data, ASCII when `out` cannot write UTF-8."""
    from bilat.render import json_text

    return json_text(note, out, indent=2) + "\n"


# ---------------------------------------------------------------- writing


def write_note(
    note: dict[str, Any], fmt: str, output: str | None = None, out: IO[str] | None = None, *, color: bool = True
) -> None:
    """Write `note` as `fmt` (table: Rich on a terminal, md, json) to stdout, or atomically to `output`."""
    if fmt not in (*FORMATS, "plain"):
        raise UsageError(f"--format: unknown format {fmt!r} (one of: {', '.join(FORMATS)})")
    if output:
        from bilat.output_file import write_output

        write_output(output, to_json(note) if fmt == "json" else markdown(note))
        return
    stream = out or sys.stdout
    if fmt == "json":
        stream.write(to_json(note, stream))
    elif fmt == "table":
        from bilat.show_render import print_markdown

        print_markdown(markdown(note), stream, color=color)
    else:
        stream.write(markdown(note))
