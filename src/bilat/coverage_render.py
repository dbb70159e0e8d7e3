"""`bilat coverage` written out: a table on a terminal, plain lines when piped, Markdown or JSON.

Two tables: one row per source (sentences, cited, marked not recorded, uncited, coverage) with a total row
when there are several, then the uncited sentences (source, LINE:COLUMN in its file, the sentence).  Piped,
each row is a line of tab-separated fields in the table's columns: six for a source, three for a sentence.
Plain data in, text out: never touches the database.
"""

from __future__ import annotations

import sys
from typing import IO, Any

from bilat.coverage import SourceCoverage, Totals, totals
from bilat.render import Column, write_json, write_records

TOTAL = "(total)"  # not a source id: ids are lowercase letters, digits and hyphens
SOURCE_FIELDS = ("source", "sentences", "cited", "marked", "uncited", "coverage")
SOURCE_COLUMNS = [
    Column("source", "source", no_wrap=True),
    Column("sentences", "sentences", no_wrap=True),
    Column("cited", "cited", no_wrap=True),
    Column("marked", "marked", no_wrap=True),
    Column("uncited", "uncited", no_wrap=True),
    Column("coverage", "coverage", no_wrap=True),
]
SENTENCE_COLUMNS = [
    Column("source", "source", no_wrap=True),
    Column("where", "line", no_wrap=True),
    Column("text", "uncited sentence", 100, min_width=20),
]


def _counts(counted: Totals) -> dict[str, Any]:
    return {
        "sentences": counted.sentences,
        "cited": counted.cited,
        "marked": counted.marked,
        "uncited": counted.uncited,
    }


def source_rows(coverages: list[SourceCoverage]) -> list[dict[str, Any]]:
    """One row per source, and a total row when there are several; coverage as a percentage."""
    rows = [{"source": c.source, **_counts(c.totals()), "coverage": c.totals().percent()} for c in coverages]
    if len(coverages) > 1:
        overall = totals(coverages)
        rows.append({"source": TOTAL, **_counts(overall), "coverage": overall.percent()})
    return rows


def sentence_rows(coverages: list[SourceCoverage]) -> list[dict[str, Any]]:
    return [
        {"source": c.source, "where": f"{s.line}:{s.column}", "text": s.text} for c in coverages for s in c.uncited()
    ]


def payload(coverages: list[SourceCoverage]) -> dict[str, Any]:
    """Everything as data (`--format json`): each source with its uncited sentences, and the total."""
    overall = totals(coverages)
    return {
        "sources": [
            {
                "source": c.source,
                "file": c.file,
                **_counts(c.totals()),
                "coverage": round(c.totals().ratio, 4),
                "uncited_sentences": [{"line": s.line, "column": s.column, "text": s.text} for s in c.uncited()],
            }
            for c in coverages
        ],
        "total": {**_counts(overall), "coverage": round(overall.ratio, 4)},
    }


def write_coverage(coverages: list[SourceCoverage], fmt: str, out: IO[str] | None = None, *, color: bool) -> None:
    """Write the coverage of `coverages` in `fmt`: table, plain, md or json."""
    out = out or sys.stdout
    if fmt == "json":
        write_json(payload(coverages), out)
        return
    sentences = sentence_rows(coverages)
    if fmt == "md":
        out.write("# Coverage\n\n")
    overall = totals(coverages)
    title = f"Coverage: {overall.words()}"
    write_records(source_rows(coverages), fmt, SOURCE_COLUMNS, out, title=title, fields=SOURCE_FIELDS, color=color)
    if not sentences:
        return
    if fmt == "md":
        out.write("\n## Uncited sentences\n\n")
    elif fmt == "table":
        out.write("\n")
    count = f"{len(sentences):,} uncited sentence{'s' * (len(sentences) != 1)}"
    write_records(sentences, fmt, SENTENCE_COLUMNS, out, title=count, color=color)
