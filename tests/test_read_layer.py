"""The read layer below the CLI: the filter registry, the filters' SQL, and each reader on the real dataset."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat import dates
from bilat.cli_spec import FILTER_NAMES, FILTERS
from bilat.problems import UsageError
from bilat.read import listing
from bilat.read.filters import REGISTRY, Filters
from bilat.vocab import AGREEMENT_KINDS, SECTORS, STATUSES


@pytest.fixture(scope="module")
def conn(shared_real: tuple[Path, Path]) -> Iterator[sqlite3.Connection]:
    db = shared_real[1]
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


def test_every_filter_option_has_one_filter_and_no_more() -> None:
    assert tuple(REGISTRY) == FILTER_NAMES


def test_a_vocabulary_filter_takes_its_choices_from_the_option() -> None:
    choices = {opt.dest: opt.complete for opt in FILTERS}
    assert choices["status"] == STATUSES and choices["kind"] == AGREEMENT_KINDS and choices["sector"] == SECTORS


def test_values_are_normalised_and_checked(conn: sqlite3.Connection) -> None:
    f = Filters.parse(conn, {"country": ["belarus"], "status": ["Under Discussion"], "since": "2024", "until": None})
    assert f.values == {"country": ["BY"], "status": ["under-discussion"], "since": "2024-01-01"}
    assert f.agreements_only and f.event_clause() == ("0", [])
    with pytest.raises(UsageError, match=r"--status: unknown value 'signd' \(did you mean 'signed'\?\)"):
        Filters.parse(conn, {"status": ["signd"]})
    with pytest.raises(UsageError, match="--since 2025 is after --until 2024"):
        Filters.parse(conn, {"since": "2025", "until": "2024"})
    with pytest.raises(UsageError, match=r"--until: '2024-02-30' is not a real date"):
        Filters.parse(conn, {"until": "2024-02-30"})


def test_the_sql_is_the_same_whatever_order_the_filters_were_typed_in(conn: sqlite3.Connection) -> None:
    a = Filters.parse(conn, {"since": "2023", "country": ["BE"], "kind": ["mou"]})
    b = Filters.parse(conn, {"kind": ["mou"], "country": ["BE"], "since": "2023"})
    assert a == b and a.agreement_clause() == b.agreement_clause()
    assert a.agreement_clause(dates=False)[0].count("?") == 2  # the window left out


def _every(conn: sqlite3.Connection) -> list[dict[str, object]]:
    return listing.list_agreements(conn, Filters())


@settings(max_examples=60, deadline=None)
@given(
    countries=st.lists(st.sampled_from(["BE", "BY", "PK", "FR"]), max_size=2),
    statuses=st.lists(st.sampled_from(STATUSES), max_size=2),
    kinds=st.lists(st.sampled_from(AGREEMENT_KINDS), max_size=2),
    since=st.none() | st.sampled_from(["2015", "2023-06", "2025-04-12"]),
)
def test_a_filtered_list_is_the_full_list_filtered_in_python(
    conn: sqlite3.Connection, countries: list[str], statuses: list[str], kinds: list[str], since: str | None
) -> None:
    filters = Filters.parse(conn, {"country": countries, "status": statuses, "kind": kinds, "since": since})
    got = [r["id"] for r in listing.list_agreements(conn, filters)]
    last_day = {r[0]: r[1] for r in conn.execute("select id, date_end from agreements")}
    expected = [
        r["id"]
        for r in _every(conn)
        if (not countries or set(countries) & set(r["parties"]))  # type: ignore[arg-type]
        and (not statuses or r["status"] in statuses)
        and (not kinds or r["kind"] in kinds)
        and (since is None or (last_day[r["id"]] or "") >= filters.since)  # type: ignore[operator]
    ]
    assert got == expected


def test_summary_counts_agree_with_the_list(conn: sqlite3.Connection) -> None:
    for raw in ({}, {"country": ["belarus"]}, {"status": ["signed", "agreed"]}):
        filters = Filters.parse(conn, raw)
        records = listing.list_agreements(conn, filters)
        counts = listing.summary(conn, filters)
        assert counts["total"][0]["count"] == len(records)
        by_country = {r["key"]: r["count"] for r in counts["country"]}
        expected: dict[str, int] = {}
        for r in records:
            for code in r["parties"]:
                expected[code] = expected.get(code, 0) + 1
        assert by_country == expected
        assert sum(r["count"] for r in counts["status"]) == len(records)


@pytest.mark.parametrize("since", ["2023", "2023-06-12", "2024-11", "2025-04"])
def test_the_timeline_since_keeps_what_reaches_into_the_window(conn: sqlite3.Connection, since: str) -> None:
    from bilat import dates

    first = dates.span(since)[0]
    event_end = {r[0]: r[1] for r in conn.execute("select id, date_end from events")}
    every = listing.timeline(conn, Filters())
    expected = [e for e in every if (event_end[e["id"]] if e["type"] == "event" else dates.span(e["date"])[1]) >= first]
    assert listing.timeline(conn, Filters.parse(conn, {"since": since})) == expected
    assert 0 < len(expected) < len(every)  # the window cuts the timeline somewhere


def test_the_machine_formats_carry_the_fields_the_payloads_declare(conn: sqlite3.Connection) -> None:
    from bilat import commands
    from bilat.payloads import ListRecord, SearchHit, TimelineEntry
    from bilat.read.search import search

    assert tuple(ListRecord.__annotations__) == commands.LIST_FIELDS
    assert tuple(SearchHit.__annotations__) == commands.SEARCH_FIELDS
    assert tuple(TimelineEntry.__annotations__) == commands.TIMELINE_FIELDS
    assert tuple(listing.list_agreements(conn, Filters())[0]) == commands.LIST_FIELDS
    assert tuple(search(conn, "workers", Filters()).hits[0]) == commands.SEARCH_FIELDS
    assert tuple(listing.timeline(conn, Filters())[0]) == commands.TIMELINE_FIELDS


# ---------------------------------------------------------------- dates as people type them


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2025-04-12", "2025-04-12"),
        ("12 April 2025", "2025-04-12"),
        ("12th april 2025", "2025-04-12"),
        ("April 12, 2025", "2025-04-12"),
        ("Apr 2025", "2025-04"),
        ("Sept. 2024", "2024-09"),
        ("2025/04/12", "2025-04-12"),
        ("2025.04", "2025-04"),
        ("20250412", "2025-04-12"),
        ("2025-04-12T10:00", "2025-04-12"),
        ("25/04/2025", "2025-04-25"),
        ("04/25/2025", "2025-04-25"),
        ("4/4/2025", "2025-04-04"),
        ("2025", "2025"),
        ("belarus", None),
        ("april", None),
        ("12 Foo 2025", None),
    ],
)
def test_dates_are_read_as_people_type_them(text: str, iso: str | None) -> None:
    assert dates.typed(text) == iso


def test_a_date_that_reads_two_ways_is_ambiguous() -> None:
    with pytest.raises(dates.AmbiguousDate) as caught:
        dates.typed("04/05/2025")
    assert caught.value.readings == ("2025-05-04", "2025-04-05")


def test_near_spellings_are_close_words_the_index_has(conn: sqlite3.Connection) -> None:
    from bilat.read.search import near_spellings

    assert near_spellings(conn, "Lukashenka talks") == {"lukashenka": "lukashenko"}  # talks is there
    assert near_spellings(conn, "Khra") == {"khra": "khar"}  # two letters swapped
    assert near_spellings(conn, "Zxqvbnm") == {}
    assert near_spellings(conn, "abc") == {}  # too short to guess at
