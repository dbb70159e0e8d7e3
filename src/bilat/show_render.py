"""Rendering one full record (`show`) and the summary, as Markdown or on a terminal.

The Markdown is composed once; on a terminal Rich renders that same Markdown,
so the two can never say different things.  The Markdown is passed through
`bilat.visible` whole (and again at the terminal seam, `print_markdown`):
control characters in the data are shown, never obeyed by the terminal;
newlines and tabs, which lay the Markdown out, stay.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import IO, Any

from bilat.cells import capped, cell, color_allowed, console
from bilat.visible import visible, writes_utf8

LINE_LIMIT = 20_000  # characters of one Markdown line on a terminal (md and json carry everything)


def _cite(evidence: list[dict[str, Any]]) -> str:
    numbers = sorted({e["source"] for e in evidence})
    return " " + "".join(f"[{n}]" for n in numbers) if numbers else ""


def _quotes(lines: list[str], evidence: list[dict[str, Any]], indent: str = "  ") -> None:
    for e in evidence:
        lines.append(f"{indent}- [{e['source']}] “{' '.join(e['quote'].split())}”")


def _line(text: str) -> str:
    """A heading stays one line: a tab or newline in the data would end it halfway."""
    return " ".join(text.split())


def _reported(date: str, precision: str | None) -> str:
    """A date as shown: `reported 2025-04-12` when only the report's date is known."""
    return f"reported {date} (its own date not stated)" if precision == "reported" else date


def _countries(items: list[dict[str, str]]) -> str:
    return ", ".join(f"{c['name']} ({c['code']})" for c in items)


def markdown(record: dict[str, Any]) -> str:
    kind = record["type"]
    lines: list[str] = []
    if kind == "agreement":
        _agreement(record, lines)
    elif kind == "event":
        _event(record, lines, level="#")
    else:
        title = record.get("name") or record.get("label") or record.get("description") or record["id"]
        lines.append(f"# {_line(title)}")
        lines.append("")
        for key, value in record.items():
            if key in (
                "sources",
                "evidence",
                "readings",
                "outcome_evidence",
                "text",
                "roles",
                "events",
                "discrepancies",
            ) or value in (None, [], ""):
                continue
            lines.append(f"- **{key}**: {', '.join(map(str, value)) if isinstance(value, list) else value}")
        for role in record.get("roles", []):
            lines.append(
                f"- **role**: {role['title']}"
                + (f" (as of {role['as_of']})" if role["as_of"] else "")
                + _cite(role["evidence"])
            )
        for ev in record.get("events", []):
            lines.append(f"- **event**: {ev['date']} {ev['title']} ({ev['id']})")
        for r in record.get("readings", []):
            lines.append(f"- **reading**: {r['value']} [{r['source']}] “{r['quote']}”")
        if record.get("outcome"):
            lines += ["", "## Outcome", ""]
            _quotes(lines, record.get("outcome_evidence", []), "")
        if record.get("text"):
            lines += ["", "## Text", "", record["text"].strip()]
        _discrepancies(record.get("discrepancies", []), lines)
        if record.get("evidence"):
            lines += ["", "## Evidence", ""]
            _quotes(lines, record["evidence"], "")
    _sources(record["sources"], lines)
    text = "\n".join(lines).rstrip() + "\n"
    while "\n\n\n" in text:  # one blank line between blocks, however the sections ended
        text = text.replace("\n\n\n", "\n\n")
    return visible(text)


def _agreement(a: dict[str, Any], lines: list[str]) -> None:
    lines.append(f"# {_line(a['title'])}")
    lines.append("")
    lines.append(
        f"`{a['id']}` · {a['kind']}"
        + (f" ({a['quantity']})" if a["quantity"] else "")
        + f" · **{a['status']}**"
        + (f" · {_reported(a['date'], a.get('date_precision'))}" if a["date"] else " · date not stated")
    )
    lines.append("")
    lines.append(a["summary"] + _cite(a["evidence"]))
    lines.append("")
    lines.append(f"- **Parties**: {_countries(a['parties'])}")
    if a["institutions"]:
        lines.append("- **Institutions**: " + "; ".join(i["name"] for i in a["institutions"]))
    lines.append("- **Sectors**: " + ", ".join(a["sectors"]))
    for f in a["figures"]:
        lines.append(f"- **Figure**: {f['value']:,} {f['unit']}{_cite(f['evidence'])}")
    lines += ["", "## Status history", ""]
    for s in a["status_history"]:
        when = _reported(s["date"], s.get("date_precision")) if s["date"] else "date not stated"
        at = f" at {s['event_title']} (`{s['event']}`)" if s["event"] else ""
        note = f": {s['note']}" if s["note"] else ""
        lines.append(f"- {when}: **{s['status']}**{at}{note}{_cite(s['evidence'])}")
        _quotes(lines, s["evidence"], "  ")
    if a["events"]:
        lines += ["", "## Events", ""]
        for ev in a["events"]:
            _event(ev, lines, level="###")
    if a["people"]:
        lines += ["", "## People", ""]
        for p in a["people"]:
            titles = "; ".join(dict.fromkeys(p["titles"])) or "role not stated"
            lines.append(f"- {p['name']} ({p['country'] or 'country not stated'}): {titles}")
    if a["follow_ups"]:
        lines += ["", "## Follow-ups", ""]
        for f in a["follow_ups"]:
            due = f" (due {f['due']})" if f["due"] else ""
            lines.append(f"- **{f['status']}**: {f['description']}{due}{_cite(f['evidence'])}")
            if f["outcome"]:
                lines.append(f"  - outcome: {f['outcome']}{_cite(f['outcome_evidence'])}")
    _discrepancies(a["discrepancies"], lines)
    lines += ["", "## Evidence", ""]
    _quotes(lines, a["evidence"], "")


def _event(ev: dict[str, Any], lines: list[str], level: str) -> None:
    lines.append(f"{level} {_line(ev['title'])}")
    lines.append("")
    precision = ev["date_precision"]
    when = f"{ev['date']} ({precision})" if precision != "day" else ev["date"]
    lines.append(f"`{ev['id']}` · {ev['kind']} · {when} · {ev['place'] or 'place not stated'}")
    if ev["date_derivation"]:
        lines += ["", f"Date: {ev['date_derivation']}"]
    lines.append("")
    lines.append(ev["summary"] + _cite(ev["evidence"]))
    lines.append("")
    lines.append(f"- **Countries**: {_countries(ev['countries'])}")
    for p in ev["participants"]:
        role = f", {p['role']}" if p["role"] else ""
        role_text = (p["role"] or "").lower()
        titles = "; ".join(dict.fromkeys(t for t in p["titles"] if t.lower() not in role_text))  # said once
        lines.append(f"- **Participant**: {p['name']}{role}" + (f" ({titles})" if titles else ""))
    for o in ev["organisations"]:
        lines.append(f"- **Organisation**: {o['name']}")
    for a in ev.get("agreements", []):
        lines.append(f"- **Outcome**: {a['title']} (`{a['id']}`): {a['status']}")
    for f in ev.get("follow_ups", []):
        lines.append(f"- **Follow-up** ({f['status']}): {f['description']}{_cite(f['evidence'])}")
    _discrepancies(ev.get("discrepancies", []), lines)
    if level == "#":
        lines += ["", "## Evidence", ""]
        _quotes(lines, ev["evidence"], "")
    lines.append("")


def _discrepancies(items: list[dict[str, Any]], lines: list[str]) -> None:
    if not items:
        return
    lines += ["", "## Discrepancies between sources", ""]
    for d in items:
        readings = "; ".join(f"“{r['value']}” [{r['source']}]" for r in d["readings"])
        lines.append(f"- {d['label']}: {readings}" + (f" ({d['note']})" if d["note"] else ""))


def _sources(sources: list[dict[str, Any]], lines: list[str]) -> None:
    lines += ["", "## Sources", ""]
    for s in sources:
        outlet = s["outlet"] or "outlet not named"
        where = f", {s['dateline']}" if s.get("dateline") else ""
        title = f"“{s['title']}”, " if s.get("title") else ""
        url = f" {s['url']}" if s.get("url") else ""
        lines.append(f"{s['n']}. {title}{outlet}, {s['published']}{where}: `{s['id']}` ({s['reference']}){url}")


MEASURE = 100  # the widest a note or record is set on a terminal, in columns


def write_markdown(record: dict[str, Any], out: IO[str]) -> None:
    out.write(markdown(record))


def write_rich(record: dict[str, Any], out: IO[str], *, color: bool = True, pager: bool = False) -> None:
    print_markdown(markdown(record), out, color=color, pager=pager)


def print_markdown(text: str, out: IO[str], *, color: bool = True, pager: bool = False) -> None:
    """Markdown on a terminal, through Rich (never as markup: brackets in the data stay).

    The terminal seam for `show` and `brief`: whatever composed `text`, no control character reaches the
    terminal, and no line is so long that Rich takes minutes to wrap it.  With `pager`, text taller than the
    terminal goes through the user's pager (`bilat.pager`).
    """
    from rich.markdown import Markdown

    con = console(out, color=color)
    con.width = min(con.width, MEASURE)  # lines of prose longer than this tire the eye on a wide terminal
    rendered = Markdown(_terminal_lines(visible(text)), hyperlinks=False)
    if not (pager and out.isatty()):
        con.print(rendered)
        return
    with con.capture() as captured:
        con.print(rendered)
    screen = captured.get()
    from bilat.pager import page

    if not page(screen, out, con.height):
        out.write(screen)


def _terminal_lines(text: str) -> str:
    """`text` with every line cut to LINE_LIMIT characters (ending `…`)."""
    if len(text) <= LINE_LIMIT:
        return text
    lines = text.split("\n")
    return "\n".join(capped(line, LINE_LIMIT) for line in lines)


def write_summary(counts: Mapping[str, Sequence[Mapping[str, Any]]], out: IO[str], *, color: bool = True) -> None:
    """Counts with small bar charts, for a terminal."""
    from rich.table import Table
    from rich.text import Text

    con = console(out, color=color)
    total = counts["total"][0]["count"]
    con.print(Text(f"{total} agreements and commitments", style="bold"))
    bar = "█" if color_allowed(out, color) and writes_utf8(out) else "#"
    for dim in ("country", "status", "sector", "kind", "year"):
        rows = counts[dim]
        table = Table(title=f"by {dim}", title_justify="left", show_header=False, box=None, pad_edge=False)
        table.add_column("key")
        table.add_column("count", justify="right")
        table.add_column("bar")
        top = max((r["count"] for r in rows), default=1)
        for r in rows:
            width = max(1, round(20 * r["count"] / top))
            table.add_row(Text(cell(r["label"])), Text(str(r["count"])), Text(bar * width, style="cyan"))
        con.print(table)
        con.print()
