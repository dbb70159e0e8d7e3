"""Every command and option of `bilat`, declared once, as plain data.

Both front doors are derived from this table: `bilat.fast` parses a command
line with it (no Typer import, for start-up speed) and `bilat.cli` builds the
Typer app from it (help, completion, usage errors).  A new option is one `Opt`
here; a new filter for every query command is one `Opt` in `FILTERS` plus its
SQL in the read layer's filter registry.

Stdlib only and cheap: it is imported on every query.  Completion is named by
a key (`"countries"`, `"ids"`) or given as a tuple of choices; `bilat.cli`
resolves the keys, so nothing here touches the database.
"""

from __future__ import annotations

from bilat.cli_parts import (  # the words of the declarations, re-exported for the doors
    FLAG,
    INT,
    MANY,
    NO_PAGER,
    NOTE_FORMAT,
    ONE,
    TABLE_FORMAT,
    TABULAR_FORMATS,
    Arg,
    Cmd,
    Opt,
    limit_opt,
)
from bilat.cli_spec_curation import CURATION
from bilat.cli_spec_open import OPEN_DATA
from bilat.vocab import AGREEMENT_KINDS, SECTORS, STATUSES

# ---------------------------------------------------------------- options shared by several commands

GLOBAL = (
    Opt("data", ("--data",), ONE, "The dataset: a YAML file or a folder [env: BILAT_DATA]", metavar="PATH"),
    Opt(
        "db",
        ("--db",),
        ONE,
        "The compiled database [env: BILAT_DB; default: the cache folder]",
        metavar="PATH",
    ),
    Opt("quiet", ("--quiet", "-q"), FLAG, "No progress or notes on stderr.", default=False),
    Opt("no_color", ("--no-color",), FLAG, "No colour, even on a terminal (also NO_COLOR).", default=False),
    Opt("debug", ("--debug",), FLAG, "Show tracebacks (also BILAT_DEBUG=1).", default=False),
)
"""Options before the command name (`bilat --data FILE list`); `--version` and completion are Typer's."""

CLOCKS = (
    Opt(
        "as_of", ("--as-of",), ONE, "As things stood on DATE (what had happened by then, as known now).", metavar="DATE"
    ),
    Opt("known_on", ("--known-on",), ONE, "As the sources published by DATE told it.", metavar="DATE"),
)
"""The two clocks: part of the filters, and on their own for `show`."""

FILTERS = (
    Opt(
        "country",
        ("--country", "-c"),
        MANY,
        "Name, alpha-2/3 code or demonym, any case; repeat for either.",
        metavar="COUNTRY",
        complete="countries",
    ),
    Opt("status", ("--status", "-s"), MANY, "Current status; repeatable.", metavar="STATUS", complete=STATUSES),
    Opt(
        "kind",
        ("--kind", "-k"),
        MANY,
        "mou, agreement, roadmap...; repeatable.",
        metavar="KIND",
        complete=AGREEMENT_KINDS,
    ),
    Opt("sector", ("--sector",), MANY, "e.g. labour-mobility; repeatable.", metavar="SECTOR", complete=SECTORS),
    Opt("since", ("--since",), ONE, "From YYYY, YYYY-MM or YYYY-MM-DD.", metavar="DATE"),
    Opt("until", ("--until",), ONE, "Up to YYYY, YYYY-MM or YYYY-MM-DD.", metavar="DATE"),
    *CLOCKS,
)
"""The filters every query command takes; each is applied in SQL by the read layer's filter of the same name."""

FILTER_NAMES = tuple(opt.dest for opt in FILTERS)


# ---------------------------------------------------------------- the commands

COMMANDS = (
    Cmd(
        "list",
        """List agreements and commitments, filtered.

    \b
    Examples:
      bilat list --country belarus
      bilat list --status signed --since 2025 --format csv > signed.csv
      bilat list --sector labour-mobility --format json | jq '.[].title'
    """,
        (
            *FILTERS,
            Opt("sort", ("--sort",), ONE, "date, -date, title, status, kind or id.", metavar="ORDER", default="date"),
            limit_opt("At most this many records."),
            TABLE_FORMAT,
        ),
    ),
    Cmd(
        "search",
        """Full-text search over titles, summaries, quotes, names and places, best match first.

    A query that is not valid search syntax is searched as plain words (a note
    says so on stderr). An empty result is not an error (exit 0).

    \b
    Examples:
      bilat search labour
      bilat search '"skilled workers"' --country belarus
      bilat search 'readmission OR roadmap' --format json
      bilat search 'de Moor'
    """,
        (*FILTERS, limit_opt("At most this many hits.", 20), TABLE_FORMAT),
        (Arg("query", 'Words, "phrases", prefix*, OR, NOT, title:word.'),),
    ),
    Cmd(
        "show",
        """Show one record in full: parties, status history, events, people, figures, and every quote with its source.

    \b
    Examples:
      bilat show pk-be-labour-mou
      bilat show pk-be-labour-mou --format json | jq '.status_history'
    """,
        (Opt("fmt", ("--format", "-f"), ONE, "table, json or md.", metavar="FORMAT"), NO_PAGER, *CLOCKS),
        (Arg("record_id", "An agreement, event, person... id.", metavar="ID", complete="ids"),),
    ),
    Cmd(
        "summary",
        """Count agreements by country, status, sector, kind and year.

    \b
    Examples:
      bilat summary
      bilat summary --country belarus --format json
    """,
        (*FILTERS, TABLE_FORMAT),
    ),
    Cmd(
        "timeline",
        """Engagements and status changes in date order, filtered like list.

    \b
    Examples:
      bilat timeline --country belarus
      bilat timeline --since 2025 --format csv
    """,
        (*FILTERS, limit_opt("At most this many records."), TABLE_FORMAT),
    ),
    Cmd(
        "changes",
        """What changed from --since to --until: new instruments and engagements, status steps (from -> to),
    promises and what became of them, promises that fell due, disagreements; each with its evidence.

    By default a change is dated by the first source that reports it (what the sources added since your last
    look); --by happened dates it by when it happened.  Nothing changed: an empty result, exit 0.

    \b
    Examples:
      bilat changes --since 2025-01-01 --country belarus
      bilat changes --since 2025-02 --until 2025-03 --format json
    """,
        (
            *FILTERS,
            Opt(
                "by",
                ("--by",),
                ONE,
                "reported (the first source's date, default) or happened (the event's or step's date).",
                metavar="CLOCK",
                complete=("reported", "happened"),
            ),
            TABLE_FORMAT,
        ),
    ),
    Cmd(
        "followups",
        """Promises and their state: kept, overdue (due date or period passed, nothing shows it kept), open, unclear.

    The state is on today, or on --as-of DATE; --known-on DATE reads only what sources had said by then.

    \b
    Examples:
      bilat followups --country belarus
      bilat followups --overdue --as-of 2027-01-01
    """,
        (
            *FILTERS,
            Opt("overdue", ("--overdue",), FLAG, "Only those overdue.", default=False),
            Opt("open", ("--open",), FLAG, "Only those not kept (open, unclear or overdue).", default=False),
            TABLE_FORMAT,
        ),
    ),
    Cmd(
        "discrepancies",
        """Where the sources disagree (a name, a title, a date), each reading with its source, filtered like list.

    \b
    Examples:
      bilat discrepancies
      bilat discrepancies --country belgium --format json
    """,
        (*FILTERS, TABLE_FORMAT),
    ),
    Cmd(
        "brief",
        """Write a briefing note for a date, a month, a country or an agreement: every line cites its source.

    \b
    Examples:
      bilat brief 2025-04-12
      bilat brief belarus --format md > belarus.md
      bilat brief pk-be-labour-mou --format json
      bilat brief belarus --short
    """,
        (
            Opt("short", ("--short",), FLAG, "About one screen: at a glance, signed, open, promised.", default=False),
            Opt(
                "since",
                ("--since",),
                ONE,
                "Mark what sources first reported from DATE on, and count it first.",
                metavar="DATE",
            ),
            *CLOCKS,
            NO_PAGER,
            NOTE_FORMAT,
            Opt(
                "output",
                ("--output", "-o"),
                ONE,
                "Write the note to FILE (atomically) instead of stdout.",
                metavar="FILE",
            ),
        ),
        (
            Arg(
                "target",
                "A day (2025-04-12, 12 April 2025, 20250412), a month (2025-04, April 2025), a year (2025), "
                "a country, or an agreement or engagement id.",
                metavar="TARGET",
                complete="ids",
            ),
        ),
    ),
    *OPEN_DATA,
    *CURATION,
)

__all__ = [
    "ALIASES",
    "BY_NAME",
    "CLOCKS",
    "COMMANDS",
    "FILTERS",
    "FILTER_NAMES",
    "FLAG",
    "GLOBAL",
    "INT",
    "MANY",
    "NO_PAGER",
    "ONE",
    "TABLE_FORMAT",
    "TABULAR_FORMATS",
    "Arg",
    "Cmd",
    "Opt",
    "Values",
    "command",
    "defaults",
    "limit_opt",
]

ALIASES = {"summarise": "summary"}
"""Other names of a command, hidden from the command list (`bilat summarise --help` still explains it)."""

BY_NAME = {cmd.name: cmd for cmd in COMMANDS}


def command(name: str) -> Cmd | None:
    """The command called `name` (or an alias of it), or None."""
    return BY_NAME.get(ALIASES.get(name, name))


class Values(dict[str, object]):
    """What one command line said, by option name (`dest`), with typed access for the command bodies."""

    def text(self, name: str) -> str | None:
        value = self.get(name)
        return value if isinstance(value, str) else None

    def texts(self, name: str) -> list[str] | None:
        value = self.get(name)
        return [v for v in value if isinstance(v, str)] if isinstance(value, (list, tuple)) else None

    def number(self, name: str) -> int | None:
        value = self.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def flag(self, name: str) -> bool:
        return self.get(name) is True


def defaults(cmd: Cmd) -> Values:
    """The values of a command line that gives none of `cmd`'s options (or the global ones)."""
    return Values({opt.dest: opt.default for opt in (*GLOBAL, *cmd.opts)})
