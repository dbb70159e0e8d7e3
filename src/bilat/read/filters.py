"""The filters of the query commands, each declared once with its SQL, applied by every reader.

A filter is named like its option in `bilat.cli_spec.FILTERS` (which gives its flags, help and, for a
vocabulary, its allowed values); here it says how its values are read and which rows it keeps, on the
agreements table and on the events table.  Adding a filter to every query command is one `Opt` there and
one `Filter` in `REGISTRY` here; `list`, `search`, `summary`, `timeline` (and what comes next) pick it up.
"""

from __future__ import annotations

from bilat import dates
from bilat.cli_spec import FILTERS as _OPTIONS
from bilat.problems import UsageError

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Mapping

    Value = list[str] | str
    Reader = Callable[[sqlite3.Connection, object, str], Value]

_FLAG = {opt.dest: opt.flags[0] for opt in _OPTIONS}
_CHOICES = {opt.dest: opt.complete for opt in _OPTIONS if isinstance(opt.complete, tuple)}


def _texts(raw: object) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    return [v for v in raw if isinstance(v, str)] if isinstance(raw, (list, tuple)) else []


def _countries(conn: sqlite3.Connection, raw: object, option: str) -> Value:
    """Each country named; `belarus,belgium` is two when it is not one name ("Korea, Republic of" is one)."""
    from bilat.countries import resolve_country

    out = []
    for text in _texts(raw):
        try:
            out.append(resolve_country(conn, text))
        except UsageError:
            parts = [p for p in text.split(",") if p.strip()]
            if len(parts) < 2:
                raise
            out += [resolve_country(conn, p) for p in parts]
    return out


def _choice(conn: sqlite3.Connection, raw: object, option: str) -> Value:
    allowed = _CHOICES[option]
    out = []
    for value in (part for text in _texts(raw) for part in text.split(",")):  # `agreed,signed`: either
        v = value.strip().lower().replace("_", "-").replace(" ", "-")
        if v not in allowed:
            from bilat.suggest import did_you_mean_value

            hint = did_you_mean_value(v, allowed) or f" (one of: {', '.join(allowed)})"
            raise UsageError(f"{_FLAG[option]}: unknown value {value!r}{hint}")
        out.append(v)
    return out


def _first_day(conn: sqlite3.Connection, raw: object, option: str) -> Value:
    return _day(raw, option, 0)


def _last_day(conn: sqlite3.Connection, raw: object, option: str) -> Value:
    return _day(raw, option, 1)


def _day(raw: object, option: str, end: int) -> Value:
    try:
        return dates.span(str(raw))[end]
    except dates.NotADate as exc:
        raise UsageError(exc.explain(_FLAG[option])) from None


_HAPPENED = "coalesce({r}.date_start, {r}.first_reported) <= ?"


class Filter:
    """One filter: how its values are read, and the rows it keeps as SQL.

    `agreements` and `events` are conditions on those tables, `{a}` standing for the table's alias and
    `{marks}` for one placeholder per value (a single-valued filter has one `?`).  A filter with no
    condition on events (`events=None`) narrows a reader to agreements: events are then left out.
    `window`: a date bound, which a status step answers by its own date (the timeline) rather than its record's.
    """

    __slots__ = ("agreements", "events", "name", "read", "window")

    def __init__(self, name: str, read: Reader, agreements: str, events: str | None, *, window: bool = False) -> None:
        self.name, self.read, self.agreements, self.events, self.window = name, read, agreements, events, window

    def sql(self, template: str, alias: str, value: Value) -> tuple[str, list[str]]:
        params = value if isinstance(value, list) else [value]
        return template.format(a=alias, marks=", ".join("?" * len(params))), list(params)


REGISTRY = {
    f.name: f
    for f in (
        Filter(
            "country",
            _countries,
            "{a}.id in (select agreement_id from agreement_parties where country in ({marks}))",
            "{a}.id in (select event_id from event_countries where country in ({marks}))",
        ),
        Filter("status", _choice, "{a}.status in ({marks})", None),
        Filter("kind", _choice, "{a}.kind in ({marks})", None),
        Filter(
            "sector", _choice, "{a}.id in (select agreement_id from agreement_sectors where sector in ({marks}))", None
        ),
        # A record matches when the span its date covers (at its own precision) overlaps the window.
        Filter("since", _first_day, "{a}.date_end >= ?", "{a}.date_end >= ?", window=True),
        Filter("until", _last_day, "{a}.date_start <= ?", "{a}.date_start <= ?", window=True),
        # The two clocks.  A record is there as of a day when it had happened by then (an undated one: when it
        # was first reported), and known on a day when a source published by then states it.  Which status an
        # agreement had then is the read layer's `agreements_table` (its latest step on that clock).
        Filter("as_of", _last_day, _HAPPENED.format(r="{a}"), _HAPPENED.format(r="{a}")),
        Filter("known_on", _last_day, "{a}.first_reported <= ?", "{a}.first_reported <= ?"),
    )
}
"""Every filter, by the name of its option (a test checks that each option of `FILTERS` has one, and no more)."""


class Filters:
    """The filters one command line asked for, read and checked; every one combines with AND."""

    __slots__ = ("values",)

    def __init__(self, values: Mapping[str, Value] | None = None) -> None:
        self.values: dict[str, Value] = {k: v for k, v in (values or {}).items() if v}

    @classmethod
    def parse(cls, conn: sqlite3.Connection, raw: Mapping[str, object]) -> Filters:
        """Check and normalise what the user typed, by option name (bad values are usage errors)."""
        values = {name: REGISTRY[name].read(conn, given, name) for name, given in raw.items() if given is not None}
        filters = cls(values)
        if filters.since and filters.until and filters.since > filters.until:
            raise UsageError(f"--since {raw['since']} is after --until {raw['until']}")
        return filters

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Filters) and self.values == other.values

    def __hash__(self) -> int:
        return hash(tuple(sorted((k, str(v)) for k, v in self.values.items())))

    def __repr__(self) -> str:
        return f"Filters({self.values!r})"

    @property
    def empty(self) -> bool:
        return not self.values

    def texts(self, name: str) -> list[str]:
        value = self.values.get(name)
        return value if isinstance(value, list) else []

    def day(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if isinstance(value, str) else None

    @property
    def since(self) -> str | None:
        """The first day of the window, inclusive."""
        return self.day("since")

    @property
    def until(self) -> str | None:
        """The last day of the window, inclusive."""
        return self.day("until")

    @property
    def agreements_only(self) -> bool:
        """A filter that only agreements have (status, kind, sector) is given: events are left out."""
        return any(REGISTRY[name].events is None for name in self.values)

    def agreement_clause(self, alias: str = "a", *, dates: bool = True) -> tuple[str, list[str]]:
        """SQL conditions on the agreements table (as `alias`) and their parameters (`dates`: apply the window)."""
        return self._clause(alias, "agreements", dates)

    def agreements_from(self, alias: str = "a", *, dates: bool = True) -> tuple[str, list[str]]:
        """`TABLE alias where CONDITIONS` for a query's from clause: the agreements at the clocks, filtered."""
        table, table_params = self.agreements_table()
        where, params = self.agreement_clause(alias, dates=dates)
        return f"{table} {alias} where {where}", [*table_params, *params]

    def event_clause(self, alias: str = "e") -> tuple[str, list[str]]:
        """SQL conditions on the events table (as `alias`); a filter events do not have leaves them all out."""
        if self.agreements_only:
            return "0", []
        return self._clause(alias, "events", True)

    @property
    def clocked(self) -> bool:
        """--as-of or --known-on was given: records are read as they stood on a past day."""
        return bool(self.values.get("as_of") or self.values.get("known_on"))

    def step_condition(self, step: str = "s", agreement: str = "a") -> tuple[str, list[str]]:
        """SQL keeping the status steps reached by the clocks (a step with no date of its own counts from its
        first report; one with no evidence of its own, from its agreement's)."""
        where: list[str] = []
        params: list[str] = []
        if as_of := self.day("as_of"):
            where.append(f"coalesce({step}.date_start, {step}.first_reported, {agreement}.first_reported) <= ?")
            params.append(as_of)
        if known_on := self.day("known_on"):
            where.append(f"coalesce({step}.first_reported, {agreement}.first_reported) <= ?")
            params.append(known_on)
        return " and ".join(where) or "1", params

    def agreements_table(self) -> tuple[str, list[str]]:
        """The agreements as they stood at the clocks: `agreements` itself when no clock is given, else a
        derived table with the same columns whose status and dates are those of the latest step reached."""
        if not self.clocked:
            return "agreements", []
        from bilat.build.schema import TABLES

        reached, params = self.step_condition("s", "x")
        steps = f"from status_steps s where s.agreement_id = x.id and {reached}"
        latest = f"(select s.status {steps} order by s.seq desc limit 1)"
        dated = f"(select s.date {steps} and s.date is not null order by s.seq desc limit 1)"
        kept = [c for c in TABLES["agreements"].column_names if c not in ("status", "date", "date_end")]
        end = "case length(date) when 4 then date || '-12-31' when 7 then date(date || '-01', '+1 month', '-1 day') "
        end += "else date end"
        sql = f"""(select *, {end} as date_end from (
                     select {", ".join(f"x.{c}" for c in kept)}, {latest} as status, {dated} as date
                     from agreements x) where status is not null)"""
        return sql, [*params, *params]

    def _clause(self, alias: str, table: str, window: bool) -> tuple[str, list[str]]:
        where: list[str] = []
        params: list[str] = []
        for name, f in REGISTRY.items():  # the registry's order: the same SQL whatever the order typed
            value = self.values.get(name)
            template = f.agreements if table == "agreements" else f.events
            if value and template and (window or not f.window):
                sql, more = f.sql(template, alias, value)
                where.append(sql)
                params += more
        return " and ".join(where) or "1", params
