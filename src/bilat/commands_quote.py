"""The body of `bilat quote TEXT`: where a phrase is in the source texts, so that a curator pastes a quote that validates.

The search is `bilat.quote_finder` (exact occurrences under validate's rule, then near misses); the sources
are those the dataset declares, read from its sources folder (`bilat.quote_sources`).  Everything heavy
(YAML, pydantic, rapidfuzz) is imported inside the body: this module is on the query path's imports.
"""

from __future__ import annotations

from bilat.cli_spec import Values
from bilat.command_kit import bounded, plural
from bilat.problems import InvalidDataError, NotFoundError, UsageError
from bilat.run_context import Run

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

    from bilat.quote_finder import Findings, Found
    from bilat.quote_near import Difference
    from bilat.quote_sources import SourceText

    Render = Callable[[], None]

FIELDS = ("match", "source", "file", "line", "score", "paste", "differences", "sentence")
_DIFFERENCES_SHOWN = 10  # of one near miss, in a table, plain lines, CSV or Markdown
_SHOWN_CHARACTERS = 80  # of the text, in the message that nothing matched exactly


def quote(values: Values, run: Run) -> Render:
    from bilat.model import MIN_QUOTE_CHARS, normalise
    from bilat.quote_finder import find
    from bilat.render import Column, choose_format, write_records

    typed = values.text("text") or ""
    if not typed.strip():
        raise UsageError('quote: the text to find is empty (bilat quote "skilled workers")')
    out_format = choose_format(values.text("fmt"))
    only = values.text("source")
    texts = _sources(values, run)
    findings = find(typed, texts, bounded(values.number("limit")))
    machine = out_format in ("json", "jsonl")
    records = [_record(f, machine, short=out_format == "table") for f in (*findings.exact, *findings.near)]
    if out_format == "table":  # one difference a line in a cell (plain lines, CSV and Markdown join them with `;`)
        records = [{**r, "differences": "\n".join(r["differences"])} for r in records]
    columns = [
        Column("match", "match", no_wrap=True),
        Column("source", "source", no_wrap=True),
        Column("line", "line", no_wrap=True),
        Column("score", "score", no_wrap=True, optional=True),
        Column("paste", "paste", 50, min_width=20),
        Column("differences", "differences", 50, optional=True),
        Column("sentence", "sentence", 70, optional=True),
    ]
    phrase = normalise(typed)
    title = _title(findings)

    def render() -> None:
        if not run.quiet:
            if len(phrase) < MIN_QUOTE_CHARS or not any(c.isalnum() for c in phrase):
                run.warn(f"note: a quote needs at least {MIN_QUOTE_CHARS} characters with a letter or digit")
            if out_format != "table" and len(records) < findings.exact_total + (findings.near_total or 0):
                run.warn(f"note: {title}")
        write_records(records, out_format, columns, title=title, fields=FIELDS, color=run.color)
        if not findings.exact_total:
            raise NotFoundError(_nothing_exact(phrase, findings, only, len(texts)))

    return render


def _sources(values: Values, run: Run) -> list[SourceText]:
    """The source texts to search: every one the dataset declares, or the one --source names.

    One that cannot be read is left out with a note, unless it is the one asked for (then it is an error).
    """
    from bilat.quote_sources import SourceFileError, chosen, declared, load
    from bilat.store import resolve

    data: Path = resolve(run.data, run.db).data
    if not data.exists():
        raise UsageError(f"{data}: data file not found (set --data or BILAT_DATA)")
    only = values.text("source")
    texts: list[SourceText] = []
    for source_id, name in chosen(declared(data), only).items():
        try:
            texts.append(load(data, source_id, name))
        except SourceFileError as exc:
            if only is not None:
                raise InvalidDataError([], f"source {source_id!r}: {exc}") from None
            if not run.quiet:
                run.warn(f"note: source {source_id!r} left out: {exc}")
    return texts


def _briefly(d: Difference) -> str:
    """A difference in a table's few columns: `’ U+2019 for ' U+0027, at 8` (the words are in plain lines)."""

    def shown(text: str) -> str:
        if len(text) == 1 and not text.isalnum():
            return f"{text} U+{ord(text):04X}" if not text.isspace() else f"a space U+{ord(text):04X}"
        return repr(text)

    if d.source and d.typed:
        return f"{shown(d.source)} for {shown(d.typed)}, at {d.at}"
    if d.typed:
        return f"{shown(d.typed)} not in the source, at {d.at}"
    return f"{shown(d.source)} left out, at {d.at}"


def _record(found: Found, machine: bool, *, short: bool = False) -> dict[str, Any]:
    """One finding as a record: JSON keeps each difference whole, the other formats say it in words.

    The passage is marked in the sentence for people (bold in a table, `**` in plain lines); JSON has the
    sentence as the source has it.
    """
    from bilat.cells import unmark

    differences: list[Any] = [
        {"at": d.at, "source": d.source, "typed": d.typed, "says": d.says}
        if machine
        else (_briefly(d) if short else d.says)
        for d in found.differences
    ]
    if not machine and len(differences) > _DIFFERENCES_SHOWN:  # a long text far from its passage: JSON has all
        more = len(differences) - _DIFFERENCES_SHOWN
        differences = [*differences[:_DIFFERENCES_SHOWN], f"and {plural(more, 'more difference')}"]
    return {
        "match": "exact" if found.exact else "near",
        "source": found.source,
        "file": found.path,
        "line": found.line,
        "score": found.score,
        "paste": found.paste,
        "differences": differences,
        "sentence": unmark(found.sentence) if machine else found.sentence,
    }


def _title(findings: Findings) -> str:
    """`2 exact matches, 1 near miss`; `10 of 214 exact matches (--limit 214 for all)` when cut."""
    exact = _count(len(findings.exact), findings.exact_total, "exact match", "exact matches")
    if findings.near_total is None:  # the exact matches filled the limit: near misses were not looked for
        return exact + (
            f" (--limit {findings.exact_total} for all)" if len(findings.exact) < findings.exact_total else ""
        )
    near = _count(len(findings.near), findings.near_total, "near miss", "near misses")
    total = findings.exact_total + findings.near_total
    return f"{exact}, {near}" + (f" (--limit {total} for all)" if len(findings.near) < findings.near_total else "")


def _count(shown: int, total: int, one: str, many: str) -> str:
    return plural(total, one, many) if shown >= total else f"{shown:,} of {plural(total, one, many)}"


def _nothing_exact(phrase: str, findings: Findings, only: str | None, searched: int) -> str:
    shown = phrase if len(phrase) <= _SHOWN_CHARACTERS else phrase[: _SHOWN_CHARACTERS - 1] + "…"
    where = f"source {only!r}" if only is not None else plural(searched, "source")
    if not findings.near_total:  # 0, or None: no room was left (not when nothing matched exactly)
        return f"no exact match for {shown!r} in {where}, and nothing close"
    misses = plural(findings.near_total, "near miss", "near misses")
    return f"no exact match for {shown!r} in {where}; {misses}: paste the text of one to quote its source exactly"
