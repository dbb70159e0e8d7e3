"""The controlled vocabularies of the dataset, defined once.

Plain tuples and dicts, cheap to import: the query path uses them to check
`--status`, `--kind` and `--sector` and to offer shell completion.
"""

from __future__ import annotations

import re

# Statuses, weakest first.  Each says what the source's verb says, no more: a step's note quotes the verb.
STATUS_MEANINGS: dict[str, str] = {
    "importance-noted": (
        "the sides acknowledged, emphasised or highlighted its importance or benefits; "
        "no discussion of it, or agreement on it, is reported"
    ),
    "under-discussion": "discussed (or the discussions focused on it); no agreement on it reported yet",
    "exploring": "the sides are exploring it, or agreed to explore it; nothing about it itself is agreed",
    "talks-agreed": "the sides agreed, or committed, to hold talks on it",
    "planned": "announced for later (to be signed, developed or held)",
    "agreed": "the sides agreed on it; no signing reported",
    "signed": "signed",
    "to-be-renewed": "an existing instrument the sides agreed to renew",
    "existing": "mentioned as already in place; its signing is not reported",
}
STATUSES: tuple[str, ...] = tuple(STATUS_MEANINGS)
STATUS_STRENGTH: tuple[str, ...] = (
    "signed",
    "agreed",
    "to-be-renewed",
    "existing",
    "planned",
    "talks-agreed",
    "exploring",
    "under-discussion",
    "importance-noted",
)
"""The statuses strongest first: the order a briefing note lists outcomes in (a test checks it has them all)."""
OPEN_STATUSES: tuple[str, ...] = ("importance-noted", "under-discussion", "exploring", "talks-agreed", "planned")
"""Statuses of something not yet agreed: a briefing note lists them as open items."""


def status_label(status: str) -> str:
    """A status in prose: `under-discussion` -> `under discussion`."""
    return status.replace("-", " ")


SECTOR_MEANINGS: dict[str, str] = {
    "labour-mobility": "labour migration, skilled workers, workers' rights",
    "migration": "asylum, readmission, return",
    "defence": "military relations, defence production, military-technical cooperation",
    "security": "intelligence sharing, financial intelligence",
    "trade": "trade, commerce, halal trade, trade development",
    "investment": "investment, joint ventures",
    "finance": "banking, correspondent banking, audit institutions",
    "industry": "industrial cooperation, joint manufacturing and assembly",
    "mining": "mining and mining equipment",
    "energy": "energy",
    "agriculture": "agriculture, livestock, seeds, fisheries, agricultural machinery",
    "food-security": "food security and trade in food",
    "health": "healthcare, medicines, medical devices, pharmaceuticals",
    "education": "education and vocational training",
    "science-technology": "science and technology, academies of sciences",
    "standards": "standardisation and certification",
    "environment": "environmental protection",
    "disaster-management": "disaster management, fire-fighting and rescue",
    "media": "television, radio, journalism",
    "tourism": "tourism",
    "sports": "sports",
    "parliamentary": "parliamentary cooperation",
    "political": "political dialogue, high-level engagement, legal frameworks",
    "people-to-people": "people-to-people contacts, public diplomacy",
    "transport": "transportation, electric buses",
    "not-stated": "the source does not say what it is about",
}
SECTORS: tuple[str, ...] = tuple(SECTOR_MEANINGS)

AGREEMENT_KIND_MEANINGS: dict[str, str] = {
    "mou": "memorandum of understanding",
    "memorandum-of-cooperation": "memorandum of cooperation",
    "agreement": "agreement (the source's word)",
    "protocol": "protocol",
    "roadmap": "roadmap",
    "action-plan": "action plan",
    "agreements-and-mous": "a group of agreements and MoUs the source does not list one by one",
    "commitment": (
        "not an instrument: something the sides agreed, committed or pledged to do, or said they will do, "
        "at an engagement"
    ),
    "area-of-cooperation": (
        "not an instrument and not a commitment: a matter the source reports only as discussed, explored, "
        "emphasised, highlighted or acknowledged (its status says which)"
    ),
}
AGREEMENT_KINDS: tuple[str, ...] = tuple(AGREEMENT_KIND_MEANINGS)
_KIND_WORDS = {"mou": "MoU", "agreements-and-mous": "agreements and MoUs"}


def kind_label(kind: str, quantity: str | None = None) -> str:
    """A kind in prose (`mou` -> `MoU`, `action-plan` -> `action plan`), with the source's count if it gives one."""
    label = _KIND_WORDS.get(kind, kind.replace("-", " "))
    return f"{label} ({quantity})" if quantity else label


EVENT_KINDS: tuple[str, ...] = ("meeting", "talks", "visit", "commission-session", "engagement")
SOURCE_KINDS: tuple[str, ...] = ("news-report", "press-release", "social-media-post")
DATE_PRECISIONS: tuple[str, ...] = ("day", "month", "year", "reported")
FOLLOW_UP_STATUSES: tuple[str, ...] = ("open", "fulfilled", "unclear")

MAX_ITEMS = 1_000  # items in a list inside a record: the real data has at most 7; a "problem bomb" has a million

# Characters the data may not hold, in a text value, a mapping key or a source text: C0 controls other than tab,
# newline and carriage return, DEL, C1 controls (U+009B is CSI on some terminals), the bidi embeddings, overrides
# and isolates ("Trojan Source", CVE-2021-42574).  They are invisible in a diff, so a reviewed dataset cannot be
# trusted to be free of them unless they are refused.  Written so that Python, Rust (pydantic) and JSON Schema
# (ECMA-262) regular expressions all read it the same way.
FORBIDDEN_CLASS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
FORBIDDEN = re.compile(f"[{FORBIDDEN_CLASS}\ud800-\udfff]")  # and lone surrogates: not text at all


def forbidden_character(text: str) -> str | None:
    """Why `text` cannot be data (the first forbidden character, escaped, and its 1-based position), or None.

    The message never holds the raw character: it would act on the terminal that shows it.
    """
    match = FORBIDDEN.search(text)
    if match is None:
        return None
    code = ord(match.group())
    shown = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return f"control character {shown} at position {match.start() + 1}: not allowed in the data"
