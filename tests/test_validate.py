"""The loader and validator: every bad-input case gives its one-line located error and exit 3."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from bilat.model import json_schema
from bilat.validate import check_dataset, normalise
from conftest import REAL_DATA, cli


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not found"
    path.write_text(text.replace(old, new, count))


def _line_of(path: Path, needle: str, nth: int = 1) -> int:
    lines = [i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    return lines[nth - 1]


def test_real_dataset_is_valid() -> None:
    assert check_dataset(REAL_DATA / "agreements.yaml") == []


def test_every_quote_in_the_real_dataset_is_in_its_source() -> None:
    """Walk the raw YAML independently of the validator: every quote is in its source, character for character."""
    raw = yaml.safe_load((REAL_DATA / "agreements.yaml").read_text())
    texts = {s["id"]: normalise((REAL_DATA / "sources" / s["file"]).read_text()) for s in raw["sources"]}
    quotes = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "quote" in node and "source" in node:
                quotes.append((node["source"], node["quote"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(raw)
    assert len(quotes) > 100
    missing = [(s, q) for s, q in quotes if normalise(q) not in texts[s]]
    assert missing == []


def test_every_record_carries_evidence_from_each_of_the_five_sources() -> None:
    raw = yaml.safe_load((REAL_DATA / "agreements.yaml").read_text())
    cited = {e["source"] for section in ("events", "agreements") for r in raw[section] for e in r["evidence"]}
    assert cited == {s["id"] for s in raw["sources"]}
    assert len(raw["sources"]) == 5


def test_valid_file_exits_0(mini: Path) -> None:
    result = cli("validate", str(mini))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "valid" in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ('country: "PK"', "country: NO", "country: NO", "YAML 1.1 reads unquoted NO as a boolean"),
        ('published: "2023-06-13"', "published: 2023-06-13", "published: 2023-06-13", "unquoted 2023-06-13 as a date"),
        ('published: "2023-06-13"', 'published: "2023-13-45"', '"2023-13-45"', "not a real date"),
        ('published: "2023-06-13"', "published: 2001-13-45", "2001-13-45", "not a real date"),
        ('    outlet: "Alpha News"', "    outlet: on", "outlet: on", "unquoted on as a boolean"),
        ("    kind: mou", "    kind: treaty", "kind: treaty", "unknown value 'treaty' (one of: "),
        ("    kind: mou", "    kind: mu", "kind: mu", "unknown value 'mu' (did you mean 'mou'?)"),
        ("sectors: [labour-mobility]", "sectors: [labour]", "sectors: [labour]", "(did you mean 'labour-mobility'?)"),
        (
            "sectors: [migration]",
            "sectors: [refugees]",
            "sectors: [refugees]",
            "unknown value 'refugees': not one of the 26 allowed sectors (listed under Vocabularies in the "
            "README, and by `bilat schema`)",
        ),
        (
            "      - status: signed",
            "      - status: sined",
            "status: sined",
            "unknown value 'sined' (did you mean 'signed'?)",
        ),
        ("      - status: under-discussion", "      - status: under-discusion", "under-discusion", "(did you mean"),
        (
            'parties: ["PK", "BE"]',
            'parties: ["PK", "Belgium"]',
            '"Belgium"',
            "country code such as PK or BY, got 'Belgium' (write \"BE\" for Belgium)",
        ),
        (
            'published: "2023-06-13"',
            'published: "13 June 2023"',
            '"13 June 2023"',
            'expected a date as YYYY, YYYY-MM or YYYY-MM-DD (e.g. "2025-04-12"), got \'13 June 2023\' (write "2023-06-13")',
        ),
        (
            "  - id: pk-by-readmission",
            "  - id: PK_BY Readmission",
            "PK_BY Readmission",
            "expected an id: lower-case letters, digits and hyphens",
        ),
        ("      - value: 150000", '      - value: "lots"', '"lots"', "valid integer"),
        ("    title: Readmission Agreement", "    titel: Readmission Agreement", "titel:", "unknown field"),
    ],
)
def test_schema_problems_are_located(mini: Path, old: str, new: str, needle: str, message: str) -> None:
    _edit(mini, old, new)
    result = cli("validate", str(mini))
    assert result.exit_code == 3
    line = _line_of(mini, needle)
    lines = result.stdout.splitlines()
    assert any(re.match(rf".*agreements\.yaml:{line}:\d+: \S+: .*{re.escape(message)}", x) for x in lines), lines
    assert "Traceback" not in result.stdout + result.stderr


def test_missing_field_points_at_the_record(mini: Path) -> None:
    _edit(mini, "    summary: Signed between the interior ministries.\n", "")
    result = cli("validate", str(mini))
    assert result.exit_code == 3
    assert re.search(r"agreements\.yaml:\d+:\d+: agreements\[2\]\.summary: required field is missing", result.stdout)


def test_yaml_syntax_error_is_located(mini: Path) -> None:
    _edit(mini, "    kind: mou\n", "    kind: [mou\n")
    result = cli("validate", str(mini))
    assert result.exit_code == 3
    assert re.match(r".*agreements\.yaml:\d+:\d+: YAML syntax: ", result.stdout)


def test_duplicate_key_is_reported(mini: Path) -> None:
    _edit(mini, "    kind: mou\n", "    kind: mou\n    kind: agreement\n")
    result = cli("validate", str(mini))
    assert result.exit_code == 3
    line = _line_of(mini, "kind: agreement")
    assert f"agreements.yaml:{line}:5: agreements[0].kind: duplicate key (first at line {line - 1})" in result.stdout


def test_duplicate_id_is_reported(mini: Path) -> None:
    _edit(mini, "  - id: pk-by-readmission", "  - id: pk-by-skilled-workers")
    result = cli("validate", str(mini))
    assert result.exit_code == 3
    assert "duplicate id 'pk-by-skilled-workers' (first used at" in result.stdout


def test_anchors_and_aliases_are_rejected(mini: Path) -> None:
    _edit(mini, '    parties: ["PK", "BE"]', '    parties: &pair ["PK", "BE"]')
    _edit(mini, '    parties: ["PK", "BY"]', "    parties: *pair")
    result = cli("validate", str(mini))
    assert result.exit_code == 3
    assert "anchors and aliases are not allowed" in result.stdout


def test_unknown_reference_is_reported(mini: Path) -> None:
    _edit(mini, "      - person: de-moor", "      - person: de-mour")
    result = cli("validate", str(mini))
    assert result.exit_code == 3
    line = _line_of(mini, "person: de-mour")
    assert f"agreements.yaml:{line}:17: events[0].participants[1].person: unknown person id 'de-mour'" in result.stdout


def test_quote_not_in_source_is_reported(mini: Path) -> None:
    _edit(mini, 'quote: "send 150,000 skilled Pakistani workers"', 'quote: "send 160,000 skilled Pakistani workers"')
    result = cli("validate", str(mini))
    assert result.exit_code == 3
    line = _line_of(mini, "send 160,000")
    assert f":{line}:" in result.stdout
    assert "quote not found in source 'beta'" in result.stdout


def test_quote_may_differ_in_whitespace_only(mini: Path) -> None:
    _edit(
        mini, 'quote: "send 150,000 skilled Pakistani workers"', 'quote: "send   150,000\\n skilled Pakistani workers"'
    )
    assert cli("validate", str(mini)).exit_code == 0


def test_every_problem_is_reported_at_once(mini: Path) -> None:
    _edit(mini, 'country: "PK"', "country: NO")
    _edit(mini, "    kind: mou", "    kind: treaty")
    _edit(mini, "      - person: de-moor", "      - person: de-mour")
    result = cli("validate", str(mini))
    assert result.exit_code == 3
    assert len(result.stdout.splitlines()) >= 3
    assert result.stderr.startswith("3 problems") or "problems in" in result.stderr


def test_missing_source_text_is_reported(mini: Path) -> None:
    (mini.parent / "sources" / "beta.txt").unlink()
    result = cli("validate", str(mini))
    assert result.exit_code == 3
    assert "source text" in result.stdout and "missing" in result.stdout


def test_a_missing_file_named_on_the_command_line_is_a_usage_error(tmp_path: Path) -> None:
    result = cli("validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: validate: no such file or folder {str(tmp_path / 'nope.yaml')!r}"


def test_no_message_shows_a_regular_expression(mini: Path) -> None:
    _edit(mini, 'parties: ["PK", "BE"]', 'parties: ["PK", "Belgium"]')
    _edit(mini, 'published: "2023-06-13"', 'published: "13 June 2023"')
    _edit(mini, "  - id: pk-by-readmission", "  - id: PK_BY")
    out = cli("validate", str(mini)).stdout
    assert len(out.splitlines()) == 3
    assert "^" not in out and "$'" not in out and "\\d" not in out and "pattern" not in out


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("Belarus", '(write "BY" for Belarus)'),
        ("Belarusian", '(write "BY" for Belarus)'),  # a demonym, as --country reads it
        ("by", '(write "BY" for Belarus)'),
        ("BLR", '(write "BY" for Belarus)'),
        ("uk", '(write "GB" for United Kingdom)'),  # not "UK": that is no ISO 3166 code
        ("Belrus", "(did you mean 'Belarus'? write \"BY\")"),
    ],
)
def test_a_country_written_as_a_name_says_which_code_to_write(mini: Path, typed: str, hint: str) -> None:
    _edit(mini, 'parties: ["PK", "BY"]', f'parties: ["PK", "{typed}"]')
    line = _line_of(mini, f'"{typed}"')
    column = mini.read_text().splitlines()[line - 1].index(f'"{typed}"') + 1
    out = cli("validate", str(mini)).stdout
    assert out == (
        f"{mini}:{line}:{column}: agreements[1].parties[1]: expected a two-letter ISO 3166 country code such as PK "
        f"or BY, got {typed!r} {hint}\n"
    )


def test_every_pattern_the_model_checks_is_said_in_words() -> None:
    """Each `pattern=` of bilat.model (pydantic checks them) has its words in bilat.validate_messages."""
    from bilat.validate_messages import pattern_message

    source = (Path(__file__).parents[1] / "src" / "bilat" / "model.py").read_text()
    patterns = re.findall(r'Field\(\s*pattern=r"([^"]+)"', source)
    assert len(patterns) == 5, patterns  # ids, dates, countries, web addresses, checksums (TEXT_PATTERN: text_problem)
    for pattern in patterns:
        message = pattern_message(pattern, "x y")
        assert message and message.startswith("expected ") and pattern not in message, pattern


def test_an_unknown_id_one_letter_off_gets_a_suggestion(mini: Path) -> None:
    _edit(mini, "        event: 2023-06-12-khar-de-moor", "        event: 2023-06-12-khar-de-mor")
    out = cli("validate", str(mini)).stdout
    assert "unknown event id '2023-06-12-khar-de-mor' (did you mean '2023-06-12-khar-de-moor'?)" in out


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        (
            '"send 150,000 skilled Pakistani workers."',
            "the quote has '.' (a full stop, U+002E), which the source does not have there, at character 39 of the "
            "quote; the source, line 1: “…skilled Pakistani workers to Belarus. The two nations also…”",
        ),
        (
            '"“send 150,000 skilled Pakistani workers”"',
            "the source has these words without the quotation marks “…”: drop them",
        ),
        (
            '"send 150.000 skilled Pakistani workers"',
            "the source has ',' (a comma, U+002C) where the quote has '.' (a full stop, U+002E) at character 9 of "
            "the quote; the source, line 1: “…a major agreement to send 150,000 skilled Pakistani workers to…”",
        ),
    ],
)
def test_a_quote_not_found_says_where_the_source_differs(mini: Path, typed: str, says: str) -> None:
    _edit(mini, 'quote: "send 150,000 skilled Pakistani workers"', f"quote: {typed}")
    out = cli("validate", str(mini)).stdout
    line = _line_of(mini, f"quote: {typed}")
    assert out.startswith(f"{mini}:{line}:16: agreements[1].evidence[0].quote: quote not found in source 'beta': ")
    assert out.endswith(f"; {says}\n"), out


def test_shipped_json_schema_matches_the_model() -> None:
    shipped = json.loads((REAL_DATA / "agreements.schema.json").read_text())
    assert shipped == json_schema(), "regenerate it: bilat schema > data/agreements.schema.json"


def test_yaml_names_the_schema_for_editors() -> None:
    first = (REAL_DATA / "agreements.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=agreements.schema.json"


def test_each_problem_is_one_line_even_when_yaml_says_more(tmp_path: Path) -> None:
    bad = tmp_path / "bin.yaml"
    bad.write_bytes(b"\xff\xfe not text")
    result = cli("validate", str(bad))
    assert result.exit_code == 3
    assert len(result.stdout.splitlines()) == 1 and re.search(r"bin\.yaml:1:\d+: not UTF-16 text", result.stdout)


def test_a_source_url_must_be_a_web_address(mini: Path) -> None:
    _edit(mini, "    kind: news-report\n", '    kind: news-report\n    url: "ftp://example"\n    title: "A headline"\n')
    out = cli("validate", str(mini)).stdout
    assert "url: expected a web address starting with http:// or https://, got 'ftp://example'" in out
    _edit(mini, 'url: "ftp://example"', 'url: "https://example.org/report"')
    assert cli("validate", str(mini)).exit_code == 0
