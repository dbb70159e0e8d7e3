"""The YAML skeleton of a new record (`bilat new agreement|event|person|follow-up --source ID`).

Every required field is there with an empty value to fill (`""`, `[]`), so that `bilat validate` fails,
at that field, until it is filled; every optional field is there as a comment, with what it holds; each
vocabulary's allowed values (from bilat.vocab) are listed in comments; the id is one no record has; the
record's evidence names the source with an empty quote.  The block is written at column 0 as one list
item: bilat.yaml_insert indents it as the section's items are.

Standard library only (and bilat.vocab, bilat.yaml_text).
"""

from __future__ import annotations

import textwrap
from collections.abc import Collection

from bilat.vocab import AGREEMENT_KINDS, DATE_PRECISIONS, EVENT_KINDS, FOLLOW_UP_STATUSES, SECTORS, STATUS_MEANINGS
from bilat.yaml_text import scalar

KINDS = {"agreement": "agreements", "event": "events", "person": "people", "follow-up": "follow_ups"}
"""Each kind of record `bilat new` writes, and the section of the data file it goes in."""

MAX_ID = 120  # the model's longest id
COMMENT_WIDTH = 100


def free_id(base: str, taken: Collection[str]) -> str:
    """`base` (cut to fit), or `base-2`, `base-3`... : the first that no record has."""
    base = base[:MAX_ID].rstrip("-") or "record"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: MAX_ID - len(suffix)].rstrip("-") + suffix
    return candidate


def skeleton(kind: str, source: str, published: str | None, taken: Collection[str]) -> tuple[str, str]:
    """(the new record's id, its YAML block) for a record of `kind` drawn from `source` (published on `published`)."""
    record_id = free_id(f"{kind}-from-{source}", taken)
    body = _BODIES[kind](source, published or "")
    return record_id, f"- id: {scalar(record_id)}\n" + textwrap.indent(body, "  ")


def _choices(words: tuple[str, ...], lead: str, indent: str = "") -> str:
    """`# lead a, b, c` wrapped into comment lines (continuations under `# `)."""
    lines = textwrap.wrap(f"{lead} {', '.join(words)}", COMMENT_WIDTH - len(indent) - 2, break_on_hyphens=False)
    return "".join(f"{indent}# {line}\n" for line in lines)


def _evidence(source: str, what: str, indent: str = "") -> str:
    """An evidence list naming `source` with an empty quote; `indent` may start with `# ` (a commented one)."""
    return (
        f"{indent}evidence:\n"
        f"{indent}  - source: {scalar(source)}\n"
        f'{indent}    quote: ""  # verbatim from {source}: {what}\n'
    )


def _agreement(source: str, published: str) -> str:
    statuses = "".join(
        "".join(
            f"    #   {line}\n"
            for line in textwrap.wrap(f"{name}: {meaning}", COMMENT_WIDTH - 8, subsequent_indent="  ")
        )
        for name, meaning in STATUS_MEANINGS.items()
    )
    return (
        'title: ""  # the instrument\'s title as the source gives it, else a short description\n'
        + _choices(AGREEMENT_KINDS, "kind, one of:")
        + 'kind: ""\n'
        + '# quantity: "several"  # for a group of instruments the source does not list one by one\n'
        + 'parties: []  # ISO 3166 alpha-2 codes, quoted: ["PK", "BY"]\n'
        + "# institutions: []  # ids of organisations (organisations:) that are party to it\n"
        + _choices(SECTORS, "sectors, one or more of:")
        + "sectors: []\n"
        + 'summary: ""  # what the sources say of it, in your words\n'
        + "# figures:  # a number the source gives (a count or an amount)\n"
        + "#   - value: 150000  # decimal digits\n"
        + '#     unit: "skilled workers"\n'
        + _evidence(source, "the number as it stands", "#     ")
        + "status_history:  # each status a source reports, oldest first\n"
        + '  - status: ""  # one of these, saying what the source\'s verb says:\n'
        + statuses
        + f'    # date: "{published or "YYYY-MM-DD"}"  # when, if the source says (YYYY, YYYY-MM or YYYY-MM-DD)\n'
        + '    # event: ""  # the id of the event (events:) where it happened\n'
        + '    # note: ""  # how the source words it, when that matters\n'
        + _evidence(source, "the words that give this status", "    ")
        + _evidence(source, "the passage this record rests on")
    )


def _event(source: str, published: str) -> str:
    return (
        'title: ""  # e.g. "Meeting between Prime Minister X and President Y"\n'
        + _choices(EVENT_KINDS, "kind, one of:")
        + 'kind: ""\n'
        + "# date: quoted, YYYY-MM-DD, YYYY-MM or YYYY; when the text gives no date, the report's own\n"
        + f"# ({published or 'its published date'}) with date_precision: reported\n"
        + 'date: ""\n'
        + _choices(DATE_PRECISIONS, "date_precision, one of:")
        + 'date_precision: ""\n'
        + '# date_derivation: ""  # how the date was derived when the text gives it indirectly ("yesterday")\n'
        + '# place: ""  # where it took place; leave it out when no source states it\n'
        + 'countries: []  # ISO 3166 alpha-2 codes of the countries taking part, quoted: ["PK", "BY"]\n'
        + "# participants:  # people (people:) who took part\n"
        + '#   - person: ""  # a person id\n'
        + '#     role: ""  # the part played, e.g. co-chair\n'
        + "# organisations: []  # ids of organisations (organisations:) taking part\n"
        + 'summary: ""  # what happened, as the sources tell it, in your words\n'
        + '# part_of: ""  # the id of a larger event (a visit) this one belongs to\n'
        + _evidence(source, "the passage this event rests on")
    )


def _person(source: str, published: str) -> str:
    return (
        'name: ""  # the canonical spelling\n'
        + "# aliases: []  # every other spelling or handle seen, quoted\n"
        + '# country: ""  # ISO 3166 alpha-2 code, quoted: "PK"\n'
        + "# roles:\n"
        + '#   - title: ""  # e.g. Minister of State for Foreign Affairs\n'
        + '#     organisation: ""  # an organisation id (organisations:)\n'
        + f'#     as_of: "{published or "YYYY-MM-DD"}"  # when a source shows the person in this role\n'
        + _evidence(source, "the words that give the role", "#     ")
        + _evidence(source, "the passage that names the person")
    )


def _follow_up(source: str, published: str) -> str:
    return (
        'description: ""  # what was promised for later, in your words\n'
        + '# due: ""  # when it is due, if the source says (YYYY, YYYY-MM or YYYY-MM-DD)\n'
        + '# place: ""  # where it is to happen, if the source says\n'
        + 'event: ""  # the id of the event (events:) where it was promised\n'
        + "# agreements: []  # ids of the agreements (agreements:) it concerns\n"
        + _choices(FOLLOW_UP_STATUSES, "status, one of:")
        + 'status: ""\n'
        + "# outcome:  # what became of it, where a later source shows it\n"
        + '#   note: ""\n'
        + _evidence(source, "the words that show it", "#   ")
        + _evidence(source, "the promise as the source gives it")
    )


_BODIES = {"agreement": _agreement, "event": _event, "person": _person, "follow-up": _follow_up}
