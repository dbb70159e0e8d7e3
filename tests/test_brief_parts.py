"""The brief below the CLI: its target, its scope, each section and its words, on the real dataset."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bilat.brief import compose, context, headline, scope, sections, wording
from bilat.brief.scope import Scope
from bilat.brief.target import Target, parse_target
from bilat.problems import NotFoundError, UsageError
from bilat.read.brief_facts import Facts
from bilat.vocab import OPEN_STATUSES, STATUS_STRENGTH, STATUSES


@pytest.fixture(scope="module")
def conn(shared_real: tuple[Path, Path]) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{shared_real[1]}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


@pytest.fixture
def facts(conn: sqlite3.Connection) -> Facts:
    return Facts(conn)


# ---------------------------------------------------------------- words


def test_the_vocabulary_orders_every_status_once() -> None:
    assert sorted(STATUS_STRENGTH) == sorted(STATUSES)
    assert set(OPEN_STATUSES) < set(STATUSES)


def test_a_date_is_said_at_its_own_precision() -> None:
    ev = {"kind": "visit", "date": "2025-04-12", "date_precision": "reported", "place": None}
    assert wording.when(ev) == "reported 2025-04-12; the visit date is not stated"
    assert wording.when({**ev, "kind": "talks"}) == "reported 2025-04-12; the date of the talks is not stated"
    assert wording.when({**ev, "date": "2024-11", "date_precision": "month"}) == "2024-11, day not stated"
    assert wording.when({**ev, "date": "2024", "date_precision": "year"}) == "2024, month and day not stated"
    assert wording.short_when(ev) == "reported 2025-04-12" and wording.where(ev) == "place not stated"


def test_the_first_sentence_is_not_cut_at_a_title_or_an_initial() -> None:
    text = "Mr. Lukashenko met A. Khan in Minsk. They agreed."
    assert wording.first_sentence(text) == "Mr. Lukashenko met A. Khan in Minsk."
    assert wording.join(["a", "b", "c"]) == "a, b and c" and wording.join(["a", "b"]) == "a and b"


# ---------------------------------------------------------------- the target


def test_the_target_is_read_in_every_accepted_form(facts: Facts) -> None:
    assert parse_target(facts, " 2025-4-2 ") == Target("date", "2025-04-02", "2025-04-02", "2025-04-02")
    assert parse_target(facts, "2024-02") == Target("month", "2024-02", "2024-02-01", "2024-02-29")
    assert parse_target(facts, "Belarus") == Target("country", "BY")
    assert parse_target(facts, "2025") == Target("year", "2025", "2025-01-01", "2025-12-31")
    assert parse_target(facts, "12 apr 2025") == parse_target(facts, "2025-04-12")
    assert parse_target(facts, "2025-02-10-jmc-8").kind == "event"
    for text, message in (
        ("2025-02-30", "is not a real date"),
        ("2025-13", "is not a real month"),
        ("april", "needs a year"),
        ("04/05/2025", "could be 2025-05-04 or 2025-04-05"),
        ("belarusx", "did you mean 'belarus'"),
        ("  ", "the target is empty"),
    ):
        with pytest.raises(UsageError, match=message):
            parse_target(facts, text)


# ---------------------------------------------------------------- the scope, decided once


def test_the_scope_of_a_day(facts: Facts) -> None:
    s = Scope.of(facts, parse_target(facts, "2025-04-12"))
    assert s.focal == ["pk-by-visit-reported-2025-04-12", "sharif-lukashenko-meeting-reported-2025-04-12"]
    assert s.shown == s.focal  # neither is part of another engagement
    assert s.background[0] == "2024-11-lukashenko-visit-pakistan" and not s.more_earlier
    assert all(facts.row(e)["date_end"] < "2025-04-12" for e in s.background)
    assert s.outcome_ids and len(set(s.outcome_ids)) == len(s.outcome_ids)


def test_only_the_most_recent_earlier_engagements_are_listed(facts: Facts, monkeypatch: pytest.MonkeyPatch) -> None:
    every = Scope.of(facts, parse_target(facts, "2025-04-12")).background
    monkeypatch.setattr(scope, "BACKGROUND_AT_MOST", 2)
    s = Scope.of(facts, parse_target(facts, "2025-04-12"))
    assert s.more_earlier and set(s.background) <= set(every) and len(s.background) <= 3  # a part comes with it
    assert "2024-11-lukashenko-visit-pakistan" not in s.background  # the oldest is left out
    entries = context.background(facts, s)
    assert entries[0]["type"] == "omitted"
    assert entries[0]["text"].endswith(f"bilat timeline --country BY --until {facts.ev(s.background[0])['date']}")


def test_an_engagement_brings_its_parts_and_the_visit_it_is_part_of(facts: Facts) -> None:
    s = Scope.of(facts, parse_target(facts, "2024-11-lukashenko-visit-pakistan"))
    assert s.focal[0] == "2024-11-lukashenko-visit-pakistan" and "2024-11-26-lukashenko-sharif-talks" in s.focal
    part = Scope.of(facts, parse_target(facts, "2024-11-26-lukashenko-sharif-talks"))
    assert "2024-11-lukashenko-visit-pakistan" in part.shown and part.focal == ["2024-11-26-lukashenko-sharif-talks"]


# ---------------------------------------------------------------- the sections


def test_the_title_says_the_date_is_only_the_report_s(facts: Facts) -> None:
    s = Scope.of(facts, parse_target(facts, "2025-04-12"))
    assert headline.title(facts, s)["text"].startswith("Pakistan and Belarus, reported 2025-04-12: ")


def test_each_outcome_is_one_step_with_its_sources(facts: Facts) -> None:
    s = Scope.of(facts, parse_target(facts, "2025-04-12"))
    for aid, step in s.steps:
        o = sections.outcome(facts, aid, step)
        assert o["status"] == step["status"] and o["sources"]
        assert o["text"].startswith(facts.agreement(aid)["title"] + ": ")
    line = headline.outcome_line(facts, s, [sections.outcome(facts, a, st) for a, st in s.steps])
    assert line["text"].startswith(f"Outcomes: {len(s.outcome_ids)}")


def test_participants_name_each_organisation_once(facts: Facts) -> None:
    s = Scope.of(facts, parse_target(facts, "belarus"))
    people = sections.participants(facts, s)
    orgs = [p["id"] for p in people if p["type"] == "organisation"]
    assert len(orgs) == len(set(orgs)) and all(p["sources"] for p in people)


def test_open_items_and_follow_ups_are_only_what_is_still_open(facts: Facts) -> None:
    s = Scope.of(facts, parse_target(facts, "belarus"))
    items = context.open_items(facts, s)
    assert items and all(i["status"] in OPEN_STATUSES for i in items)
    assert [i["date"] or "9999" for i in items] == sorted(i["date"] or "9999" for i in items)
    assert all(f["status"] in wording.OPEN_FOLLOW_UPS for f in context.follow_ups(facts, s, "2026-12-04"))


def test_a_promise_past_its_period_is_overdue_and_first(facts: Facts) -> None:
    s = Scope.of(facts, parse_target(facts, "belarus"))
    in_2026 = context.follow_ups(facts, s, "2026-12-04")
    assert [f["id"] for f in in_2026 if f["state"] == "overdue"] == [
        "republican-competition-of-professional-skills-2025"
    ]
    assert in_2026[0]["state"] == "overdue" and in_2026[0]["text"].startswith("Overdue: ")
    in_2027 = context.follow_ups(facts, s, "2027-01-01")
    assert {f["id"] for f in in_2027[:2]} == {
        "republican-competition-of-professional-skills-2025",
        "jmc-9-islamabad-2026",
    }


def test_sources_are_numbered_in_the_order_the_note_first_cites_them(conn: sqlite3.Connection) -> None:
    note = compose(conn, "2025-04-12")
    assert [s["n"] for s in note["sources"]] == list(range(1, len(note["sources"]) + 1))
    assert note["title"]["sources"] == [1]


def test_a_day_with_nothing_names_the_nearest_engagements(conn: sqlite3.Connection) -> None:
    with pytest.raises(NotFoundError, match=r"no engagement on 2020-01-01; nearest before: none; nearest after: "):
        compose(conn, "2020-01-01")
