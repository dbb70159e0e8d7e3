"""The fact-checker's rules as validate warnings (bilat.curation_checks): each fires on a small fixture, none on the
shipped dataset, and a warning never makes the data invalid."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.curation_checks import named_dates, quoted_phrases
from bilat.validate import check_dataset
from conftest import REAL_DATA

SOURCE = """ date 2025-04-12 The two leaders met and signed a “Readmission Agreement” during the visit.
On Monday the ministers agreed to explore cooperation."""

HEAD = """sources:
  - id: report-2025-04-12
    outlet: null
    published: "2025-04-12"
    kind: news-report
    file: report.txt
events:
  - id: {event_id}
    title: {event_title}
    kind: meeting
    date: "{event_date}"
    date_precision: {precision}
    {derivation}
    countries: ["PK", "BY"]
    summary: {event_summary}
    evidence:
      - source: report-2025-04-12
        quote: "The two leaders met"
agreements:
  - id: {agreement_id}
    title: {agreement_title}
    kind: agreement
    parties: ["PK", "BY"]
    sectors: [migration]
    summary: {agreement_summary}
    status_history:
      - status: signed
        date: {step_date}
        event: {event_id}
        evidence:
          - source: report-2025-04-12
            quote: "signed a “Readmission Agreement”"
    evidence:
      - source: report-2025-04-12
        quote: "signed a “Readmission Agreement”"
"""
CLEAN = {
    "event_id": "leaders-meeting-reported-2025-04-12",
    "event_title": "Meeting of the two leaders",
    "event_date": "2025-04-12",
    "precision": "reported",
    "derivation": "date_derivation: Not stated; the report's date.",
    "event_summary": 'The two leaders met "during the visit".',
    "agreement_id": "readmission-agreement",
    "agreement_title": "Readmission Agreement",
    "agreement_summary": "A Readmission Agreement, signed during the visit.",
    "step_date": "null",
}


def dataset(tmp_path: Path, **changes: str) -> Path:
    (tmp_path / "sources").mkdir(exist_ok=True)
    (tmp_path / "sources" / "report.txt").write_text(SOURCE)
    path = tmp_path / "agreements.yaml"
    path.write_text(HEAD.format(**{**CLEAN, **changes}))
    return path


def warnings_of(path: Path) -> list[str]:
    problems = check_dataset(path)
    assert problems == [], [str(p) for p in problems]  # a warning is never a problem
    return [str(w) for w in problems.warnings]


def test_the_clean_fixture_and_the_shipped_dataset_have_no_warning(tmp_path: Path) -> None:
    assert warnings_of(dataset(tmp_path)) == []
    assert warnings_of(REAL_DATA / "agreements.yaml") == []


# ---------------------------------------------------------------- 1. a month or day the record does not have


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("agreement_title", "Readmission Agreement (April 2025)", "April 2025"),
        ("agreement_id", "pk-by-2025-04-readmission", "2025-04"),
        ("event_title", "Meeting of 11 April 2025", "11 April 2025"),
        ("event_id", "2025-04-12-leaders-meeting", "2025-04-12"),  # known only as reported: no day of its own
    ],
)
def test_a_title_or_id_naming_a_date_the_record_lacks_is_a_warning(
    tmp_path: Path, field: str, value: str, said: str
) -> None:
    changes = {field: value}
    if field == "event_id":
        changes["event_id"] = value
    warnings = warnings_of(dataset(tmp_path, **changes))
    assert len(warnings) == 1, warnings
    path = ("agreements[0]." if field.startswith("agreement") else "events[0].") + field.split("_")[1]
    assert f": {path}: warning: the {field.split('_')[1]} names {said!r}" in warnings[0]
    assert warnings[0].startswith(f"{tmp_path / 'agreements.yaml'}:")
    assert "reported 2025-04-12" in warnings[0]  # the dates the record does have


def test_a_date_said_as_reported_or_held_by_the_record_is_no_warning(tmp_path: Path) -> None:
    assert warnings_of(dataset(tmp_path, agreement_title="Readmission Agreement reported on 2025-04-12")) == []
    day = {
        "precision": "day",
        "derivation": 'date_derivation: The report says "On Monday".',
        "event_date": "2025-04-07",
        "event_id": "leaders-meeting",
    }
    assert warnings_of(dataset(tmp_path, agreement_title="Readmission Agreement (April 2025)", **day)) == []
    assert warnings_of(dataset(tmp_path, agreement_id="readmission-2025-2027")) == []  # years only: no month


def test_named_dates_reads_iso_and_words() -> None:
    assert [(d, r) for _, d, r in named_dates("visit of April 2025, 12 April 2025, Feb 10, 2025")] == [
        ("2025-04", False),
        ("2025-04-12", False),
        ("2025-02-10", False),
    ]
    assert [d for _, d, _ in named_dates("2025-04-pk-by-visit roadmap-2025-2027")] == ["2025-04"]
    assert [r for _, _, r in named_dates("visit-reported-2025-04-12")] == [True]


# ---------------------------------------------------------------- 2. a report's date passed off as the day


def test_a_step_dated_its_reports_day_with_nothing_saying_how_is_a_warning(tmp_path: Path) -> None:
    warnings = warnings_of(dataset(tmp_path, step_date='"2025-04-12"'))
    assert len(warnings) == 1, warnings
    assert (
        ": agreements[0].status_history[0].date: warning: the date 2025-04-12 is the publication date of"
        in (warnings[0])
    )
    assert "write date: null" in warnings[0]


def test_a_step_whose_event_says_how_its_day_is_known_is_no_warning(tmp_path: Path) -> None:
    day = {"precision": "day", "derivation": 'date_derivation: The report says "On Monday".'}
    assert warnings_of(dataset(tmp_path, step_date='"2025-04-12"', **day)) == []


def test_an_event_dated_its_reports_day_without_a_derivation_is_a_warning(tmp_path: Path) -> None:
    warnings = warnings_of(dataset(tmp_path, precision="day", derivation=""))
    assert len(warnings) == 1, warnings
    assert (
        ": events[0].date: warning: the date 2025-04-12 is the publication date of 'report-2025-04-12'" in (warnings[0])
    )


# ---------------------------------------------------------------- 3. a quotation in no source


@pytest.mark.parametrize(
    ("field", "summary"),
    [
        ("agreement_summary", 'A Readmission Agreement, "signed in Minsk".'),
        ("event_summary", "The leaders met “in Islamabad”."),
    ],
)
def test_a_quoted_phrase_in_no_source_is_a_warning(tmp_path: Path, field: str, summary: str) -> None:
    warnings = warnings_of(dataset(tmp_path, **{field: summary}))
    assert len(warnings) == 1, warnings
    where = "agreements[0].summary" if field.startswith("agreement") else "events[0].summary"
    assert f": {where}: warning: the quoted phrase" in warnings[0]
    assert "is in no source text" in warnings[0]


def test_a_quoted_phrase_in_a_source_is_no_warning_whatever_its_quotes_and_apostrophes(tmp_path: Path) -> None:
    ok = 'Signed "during the visit"; the ministers "agreed to explore … cooperation"; a “Readmission Agreement”.'
    assert warnings_of(dataset(tmp_path, agreement_summary=ok)) == []


def test_quoted_phrases_splits_elisions() -> None:
    assert list(quoted_phrases('said "a … b" and “c”')) == ["a", "b", "c"]


def test_a_dataset_with_errors_gets_its_errors_not_warnings(tmp_path: Path) -> None:
    path = dataset(tmp_path, agreement_title="Readmission Agreement (April 2025)", agreement_summary="")
    problems = check_dataset(path)
    assert problems and problems.warnings == []


@pytest.mark.parametrize(
    ("event_date", "precision", "step_date", "dated"),
    [
        ("2025-04-10", "day", "2025-04-09", "is dated 2025-04-10"),  # a day before its event's day
        ("2025-04-10", "day", "2025-04-11", "is dated 2025-04-10"),
        ("2025-04-10", "day", "2025-05", "is dated 2025-04-10"),  # a month that does not hold the event's day
        ("2025-04", "month", "2025-05-02", "is dated 2025-04"),
        ("2025-04-12", "reported", "2025-04-13", "was reported on 2025-04-12"),  # after the report of its event
    ],
)
def test_a_step_dated_apart_from_its_event_is_a_warning_at_the_steps_date(
    tmp_path: Path, event_date: str, precision: str, step_date: str, dated: str
) -> None:
    path = dataset(tmp_path, event_date=event_date, precision=precision, step_date=f'"{step_date}"')
    step_line = path.read_text().splitlines().index(f'        date: "{step_date}"') + 1
    event_line = path.read_text().splitlines().index(f'    date: "{event_date}"') + 1
    assert [w for w in warnings_of(path) if "its event" in w] == [
        f"{path}:{step_line}:15: agreements[0].status_history[0].date: warning: the step is dated {step_date} but its "
        f"event 'leaders-meeting-reported-2025-04-12' ({path}:{event_line}) {dated}: one of the two is wrong, or the "
        "step belongs to another event"
    ]


@pytest.mark.parametrize(
    ("event_date", "precision", "step_date"),
    [
        ("2025-04-10", "day", "2025-04-10"),
        ("2025-04-10", "day", "2025-04"),  # compared at the step's precision: April holds the 10th
        ("2025-04-10", "day", "2025"),
        ("2025-04", "month", "2025-04-30"),
        ("2025-04-12", "reported", "2025-04-09"),  # known only as reported by the 12th: any day up to it
        ("2025-04-12", "reported", "2025-03"),
    ],
)
def test_a_step_that_can_be_on_its_events_date_is_no_warning(
    tmp_path: Path, event_date: str, precision: str, step_date: str
) -> None:
    path = dataset(tmp_path, event_date=event_date, precision=precision, step_date=f'"{step_date}"')
    assert [w for w in warnings_of(path) if "its event" in w] == []
