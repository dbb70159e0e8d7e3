"""What a brief is asked for: a day, a month, a year, an engagement, an agreement or a country."""

from __future__ import annotations

from bilat import dates
from bilat.problems import UsageError

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    from bilat.read.brief_facts import Facts

ACCEPTED = (
    "a day (2025-04-12, 12 April 2025, 2025/04/12, 20250412), a month (2025-04, April 2025), a year (2025), "
    "a country, or an agreement or engagement id"
)


class Target:
    """`kind` (date, month, year, event, agreement, country), its normalised `value`, and for a date its days."""

    __slots__ = ("end", "kind", "start", "value")

    def __init__(self, kind: str, value: str, start: str | None = None, end: str | None = None) -> None:
        self.kind = kind
        self.value = value  # 2025-04-12, 2025-04, 2025, an id, an alpha-2 code
        self.start = start  # first day covered (date, month and year)
        self.end = end  # last day covered

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Target) and (self.kind, self.value, self.start, self.end) == (
            other.kind,
            other.value,
            other.start,
            other.end,
        )

    def __hash__(self) -> int:
        return hash((self.kind, self.value))

    def __repr__(self) -> str:
        return f"Target({self.kind!r}, {self.value!r}, {self.start!r}, {self.end!r})"


def parse_target(facts: Facts, text: str) -> Target:
    """What TARGET names; a usage error (exit 2) when it is none of the accepted forms."""
    raw = text.strip()
    if not raw:
        raise UsageError(f"brief: the target is empty; give {ACCEPTED}")
    try:
        iso = dates.typed(raw)
    except dates.AmbiguousDate as exc:
        first, second = exc.readings
        raise UsageError(f"brief: {raw!r} could be {first} or {second}; write it as YYYY-MM-DD") from None
    if iso is not None:
        return _dated(iso, raw)
    for candidate in dict.fromkeys((raw, raw.lower())):
        record = facts.kind_of(candidate)
        if record:
            return Target(record, candidate)
    from bilat.countries import resolve_country

    try:
        return Target("country", resolve_country(facts.conn, raw))
    except UsageError:
        pass
    if dates.month_name(raw):
        raise UsageError(f"brief: {raw!r} needs a year ({raw.strip().capitalize()} 2025, say); give {ACCEPTED}")
    raise UsageError(f"brief: unknown target {raw!r}; give {ACCEPTED}{_hint(facts, raw)}")


def _dated(iso: str, raw: str) -> Target:
    """The target of a day, a month or a year; a usage error when it does not exist (2025-02-30)."""
    shape = dates.shape(iso)
    try:
        first, last = dates.span(iso)
    except dates.NotADate:
        noun = {"day": "date", "month": "month"}.get(shape or "", "year")
        raise UsageError(f"brief: {raw!r} is not a real {noun}; give {ACCEPTED}") from None
    if shape == "day":
        return Target("date", first, first, last)
    if shape == "month":
        return Target("month", first[:7], first, last)
    return Target("year", first[:4], first, last)


def _hint(facts: Facts, raw: str) -> str:
    from bilat.suggest import did_you_mean

    countries = [name.lower() for name in facts.country_names.values()]
    head = raw[:3].lower().replace("%", "").replace("_", "")
    return did_you_mean(raw.lower(), [*countries, *dict.fromkeys(facts.ids_containing(f"%{head}%"))])
