"""bilat search: ranking, snippets, syntax, fallbacks, filters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import cli


@pytest.fixture
def real(real_readonly: Path) -> Path:
    """This module only reads the real dataset: the session's database serves every test, built once."""
    return real_readonly


def _hits(*args: str) -> list[dict]:
    result = cli("search", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_figure_finds_the_skilled_workers_agreement_first(real: Path) -> None:
    hits = _hits("150,000")
    assert hits[0]["id"] == "pk-by-150000-skilled-workers"
    assert hits[0]["type"] == "agreement" and hits[0]["status"] == "agreed"
    assert "**150,000**" in hits[0]["snippet"] or "**150**" in hits[0]["snippet"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("de Moor", "pk-be-labour-mou"),
        ("Lukashenko", "2024-11-26-lukashenko-sharif-talks"),
        ("NAVTTC", "navttc-ripo-mou"),
        ("readmission", "pk-by-readmission-agreement"),
        ('"skilled workers"', "pk-by-150000-skilled-workers"),
        ("roadm*", "pk-by-roadmap-2025-2027"),
        ("title:roadmap", "pk-by-roadmap-2025-2027"),
        ("readmission OR roadmap", "pk-by-roadmap-2025-2027"),
        ("Minsk", "2025-02-10-jmc-8"),
    ],
)
def test_people_institutions_phrases_prefixes_and_operators(real: Path, query: str, expected: str) -> None:
    assert expected in [h["id"] for h in _hits(query, "--limit", "50")]


def test_title_matches_rank_above_mentions(real: Path) -> None:
    hits = _hits("readmission")
    assert hits[0]["id"] == "pk-by-readmission-agreement"


def test_not_excludes(real: Path) -> None:
    with_not = {h["id"] for h in _hits("labour NOT belgium", "--limit", "100")}
    assert "pk-be-labour-mou" not in with_not
    assert "pk-be-labour-mou" in {h["id"] for h in _hits("labour", "--limit", "100")}


def test_filters_apply_to_search(real: Path) -> None:
    hits = _hits("labour", "--country", "belgium", "--limit", "100")
    assert hits and all(h["id"] != "pk-by-labour-mobility-talks" for h in hits)
    signed = _hits("agreement", "--status", "signed", "--limit", "100")
    assert signed and all(h["type"] == "agreement" and h["status"] == "signed" for h in signed)


def test_unparseable_query_is_searched_as_words_with_a_note(real: Path) -> None:
    result = cli("search", '"readmission', "--format", "json")
    assert result.exit_code == 0
    assert result.stderr.startswith("note: ")
    assert "pk-by-readmission-agreement" in [h["id"] for h in json.loads(result.stdout)]


def test_unparseable_query_whose_words_match_nothing_is_a_usage_error(real: Path) -> None:
    result = cli("search", '"unbalanced labour', "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: search: '\"unbalanced labour' is not valid search syntax (unterminated string) and its words match "
        'nothing; quote a phrase whole ("...") or drop the special characters\n'
    )


def test_nothing_searchable_is_a_usage_error(real: Path) -> None:
    result = cli("search", "*")
    assert result.exit_code == 2
    assert result.stderr == "error: search: nothing searchable in '*' (no words in it)\n"


def test_empty_result_is_success(real: Path) -> None:
    result = cli("search", "zebra", "--format", "json")
    assert result.exit_code == 0
    assert result.stdout.strip() == "[]"


def test_table_and_plain_output(real: Path) -> None:
    out = cli("search", "readmission").stdout
    first = out.splitlines()[0].split("\t")
    assert first[:2] == ["agreement", "pk-by-readmission-agreement"]
    assert "**Readmission**" in out


@pytest.mark.parametrize(("typed", "other"), [("defence", "defense"), ("labour", "labor"), ("150000", "150,000")])
def test_british_and_american_spellings_and_numbers_find_the_same_records(real: Path, typed: str, other: str) -> None:
    ids = {h["id"] for h in _hits(typed, "--limit", "100")}
    assert ids and ids == {h["id"] for h in _hits(other, "--limit", "100")}


def test_plain_words_become_variant_queries() -> None:
    from bilat.read.search import plain_words_query

    assert plain_words_query("labour mobility") == '("labour" OR "labor") "mobility"'
    assert plain_words_query("150,000") == '"150 000"'
    assert plain_words_query("150000") == '("150000" OR "150 000")'
    for syntax in ('"skilled workers"', "roadm*", "a OR b", "title:roadmap", "NOT x"):
        assert plain_words_query(syntax) is None


@pytest.mark.parametrize("query", ["²", "①", "²abc", "1" * 5000])
def test_odd_digits_and_huge_numbers_are_plain_words(real: Path, query: str) -> None:
    result = cli("search", query, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == []


# ---------------------------------------------------------------- names, people and disagreements


def test_a_name_finds_the_person_with_who_they_are_not_every_outcome(real: Path) -> None:
    hits = _hits("Linevich")
    types = {(h["type"], h["id"]) for h in hits}
    assert ("person", "anatoly-linevich") in types
    assert ("event", "jmc-8-sideline-discussions") in types
    assert not any(h["type"] == "agreement" for h in hits)  # present where things were agreed is not the thing
    person = next(h for h in hits if h["type"] == "person")
    assert "Minister for Agriculture" in person["snippet"]


def test_an_alias_the_data_records_finds_the_person(real: Path) -> None:
    hits = _hits("Shahbaz")
    person = next(h for h in hits if h["type"] == "person")
    assert person["id"] == "shehbaz-sharif" and "Prime Minister" in person["snippet"]


def test_discrepancies_are_found_by_search(real: Path) -> None:
    assert {h["type"] for h in _hits("disagree")} == {"discrepancy"}
    spelling = next(h for h in _hits("Nicole_demoor") if h["type"] == "discrepancy")
    assert spelling["title"] == "Name of Nicole De Moor"
    assert not [h for h in _hits("disagree", "--status", "signed") if h["id"].startswith("nicole")]


def test_a_near_spelling_finds_the_name_and_says_so(real: Path) -> None:
    result = cli("search", "Lukashenka", "--format", "json")
    assert result.exit_code == 0
    assert (
        "note: no hits for 'lukashenka'; showing hits for the nearest word in the data, 'Lukashenko'" in result.stderr
    )
    assert any(h["id"] == "aleksandr-lukashenko" for h in json.loads(result.stdout))
    quiet = cli("-q", "search", "Lukashenka", "--format", "json")
    assert quiet.stderr == "" and quiet.stdout == result.stdout
    nothing = cli("search", "Zxqvbnm", "--format", "json")
    assert nothing.exit_code == 0 and json.loads(nothing.stdout) == [] and nothing.stderr == ""
