"""`bilat sources add|list` and the checksum `bilat validate` checks: through the CLI and below it."""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat.source_add import slug
from bilat.source_text import SourceTextError, markdown_text, stored_text
from conftest import cli, shell

REPORT = "ISLAMABAD: Pakistan and Belarus signed a memorandum on skilled workers on Monday.\n"


def _sources(data: Path) -> list[dict[str, object]]:
    return list(yaml.safe_load(data.read_text(encoding="utf-8"))["sources"])


# ---------------------------------------------------------------- the stored text


def test_plain_text_is_stored_utf8_with_newlines_and_no_bom() -> None:
    raw = "\ufeffFirst line  \r\nSecond – line\rThird\n\n\n".encode()
    assert stored_text(raw, ".txt") == "First line\nSecond – line\nThird\n"


def test_markdown_is_stored_as_the_words_a_reader_sees() -> None:
    md = (
        "# Pakistan, Belarus sign **150,000** workers deal #\n\nSub\n===\n\n"
        "> The PM said the *skilled* workforce [would be](https://x.example/a) well_trained and \\*certified\\*.\n"
        "* one\n+ two\n\n---\n```\ncode **kept**\n```\n![photo](a.png) See <https://example.com>, `code`, __b__, _em_.\n"
        "[ref]: https://example.com/ref\n"
    )
    assert stored_text(md.encode(), ".md") == (
        "Pakistan, Belarus sign 150,000 workers deal\n\nSub\n\n"
        "The PM said the skilled workforce would be well_trained and *certified*.\n- one\n- two\n\n\n"
        "code **kept**\nSee https://example.com, code, b, em.\n"
    )


@pytest.mark.parametrize(
    ("raw", "suffix", "says"),
    [
        (b"caf\xe9 au lait", ".txt", "is not UTF-8 text (byte 0xe9 at line 1, column 4)"),
        ("text".encode("utf-16"), ".txt", "is UTF-16 text"),
        (b"a\x1b]0;title\x07b", ".txt", "control character \\x1b"),
        (b" \n\t\n", ".txt", "holds no text"),
        (b"<html><p>x</p></html>", ".html", "is HTML"),
        (b"%PDF-1.7", ".pdf", "is PDF"),
    ],
)
def test_what_is_not_a_text_is_refused_with_what_to_do(raw: bytes, suffix: str, says: str) -> None:
    with pytest.raises(SourceTextError) as caught:
        stored_text(raw, suffix)
    assert says in str(caught.value)


_PLAIN = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co")), max_size=200)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(text=_PLAIN)
def test_markdown_keeps_every_word_of_a_text_without_markup(text: str) -> None:
    """Text free of Markdown's marks comes through as it was; and no conversion invents a letter."""
    plain = re.sub(r"[\\`*_\[\]()<>!#>+=~|-]", "", text)
    assert markdown_text(plain) == plain
    converted = markdown_text(text)
    assert not Counter(c for c in converted if c.isalnum()) - Counter(c for c in text if c.isalnum())


@settings(max_examples=200, deadline=None, derandomize=True)
@given(text=st.text(max_size=200))
def test_any_text_is_stored_or_refused_in_words(text: str) -> None:
    try:
        stored = stored_text(text.encode("utf-8", "surrogatepass"), ".txt")
    except SourceTextError as exc:
        assert "\n" not in str(exc) and str(exc)
        return
    assert stored.endswith("\n") and "\r" not in stored and not stored.startswith("\ufeff")
    assert stored_text(stored.encode(), ".txt") == stored  # storing is idempotent


def test_slug() -> None:
    assert slug("UrduPoint / Pakistan Point News") == "urdupoint-pakistan-point-news"
    assert slug("Dépêche d'Islamabad") == "depeche-d-islamabad"
    assert slug("ڈان") == ""


# ---------------------------------------------------------------- bilat sources add, in-process


def test_add_stores_registers_and_prints_the_id(real: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    report.write_bytes(("# Headline\r\n\r\n" + REPORT.replace("signed", "**signed**")).encode())
    before = real.read_text(encoding="utf-8")
    result = cli(
        "sources", "add", str(report), "--outlet", "Dawn News", "--published", "14 April 2025",
        "--dateline", "Islamabad", "--title", "Pakistan, Belarus sign MoU", "--url", "https://dawn.example/a",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "dawn-news-2025-04-14\n"
    text = "Headline\n\n" + REPORT
    digest = hashlib.sha256(text.encode()).hexdigest()
    stored = real.parent / "sources" / f"005_{digest[:16]}.txt"
    assert stored.read_bytes() == text.encode()
    assert _sources(real)[-1] == {
        "id": "dawn-news-2025-04-14",
        "outlet": "Dawn News",
        "published": "2025-04-14",
        "dateline": "Islamabad",
        "kind": "news-report",
        "file": stored.name,
        "sha256": digest,
        "title": "Pakistan, Belarus sign MoU",
        "url": "https://dawn.example/a",
    }
    after = real.read_text(encoding="utf-8")
    assert after.startswith(before[: before.index("# People:")]) and after.endswith(before[before.index("# People:") :])
    assert re.search(rf"{re.escape(str(real))}:\d+: added source dawn-news-2025-04-14", result.stderr)
    assert cli("validate").exit_code == 0  # registered as valid data, checksum included


def test_the_same_text_twice_is_refused_naming_the_source(real: Path, tmp_path: Path) -> None:
    shipped = real.parent / "sources" / "002_61e52291b34f4409.txt"
    again = tmp_path / "again.txt"
    again.write_text(shipped.read_text(encoding="utf-8").replace(" ", "  ") + "\r\n", encoding="utf-8")
    before = (real.read_bytes(), sorted(os.listdir(real.parent / "sources")))
    result = cli("sources", "add", str(again), "--outlet", "", "--published", "2025-04-12")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        f"error: {again}: this text is already in the dataset as source 'report-2025-04-12' "
        "(sources/002_61e52291b34f4409.txt)\n"
    )
    assert (real.read_bytes(), sorted(os.listdir(real.parent / "sources"))) == before


def test_ids_are_free_and_a_report_naming_no_outlet_is_a_report(real: Path, tmp_path: Path) -> None:
    ids = []
    for n in range(3):
        path = tmp_path / f"r{n}.txt"
        path.write_text(f"{REPORT} Number {n}.\n", encoding="utf-8")
        result = cli("sources", "add", str(path), "--outlet", "", "--published", "2025-04-12")
        assert result.exit_code == 0, result.stderr
        ids.append(result.stdout.strip())
    assert ids == ["report-2025-04-12-2", "report-2025-04-12-3", "report-2025-04-12-4"]
    assert [s["outlet"] for s in _sources(real)[-3:]] == [None, None, None]
    assert sorted(os.listdir(real.parent / "sources"))[-3:][0].startswith("005_")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["--published", "2025-04-12"],
            "error: sources add: --outlet is required (--outlet '' for a report naming none)",
        ),
        (["--outlet", "x"], "error: sources add: --published is required"),
        (["--outlet", "x", "--published", "2025-13-01"], "error: --published: '2025-13-01' is not a real date"),
        (["--outlet", "x", "--published", "04/05/2025"], "error: --published '04/05/2025' reads two ways: write"),
        (["--outlet", "x", "--published", "2025-04-12", "--kind", "blog"], "error: --kind: unknown value 'blog'"),
        (["--outlet", "x", "--published", "2025-04-12", "--url", "ftp://x"], "error: --url: expected a web address"),
        (
            ["--outlet", "x", "--published", "2025-04-12", "--title", "a\x1bb"],
            "error: --title: control character \\x1b",
        ),
    ],
)
def test_wrong_options_are_usage_errors_naming_the_option(
    real: Path, tmp_path: Path, args: list[str], says: str
) -> None:
    report = tmp_path / "r.txt"
    report.write_text(REPORT, encoding="utf-8")
    before = real.read_bytes()
    result = cli("sources", "add", str(report), *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(says) and result.stderr.count("\n") == 1
    assert real.read_bytes() == before and len(os.listdir(real.parent / "sources")) == 5


def test_a_file_that_is_not_utf8_is_one_line_exit_2(real: Path, tmp_path: Path) -> None:
    report = tmp_path / "latin1.txt"
    report.write_bytes("Café de Paris\n".encode("latin-1"))
    result = cli("sources", "add", str(report), "--outlet", "x", "--published", "2025-04-12")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: {report} is not UTF-8 text (byte 0xe9 at line 1, column 4): convert it first, "
        "e.g. iconv -f WINDOWS-1252 -t UTF-8\n"
    )


def test_never_writes_through_a_link_out_of_the_data_folder(real: Path, tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text(REPORT, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    sources = real.parent / "sources"
    for name in os.listdir(sources):
        (outside / name).write_bytes((sources / name).read_bytes())
    os.rename(sources, tmp_path / "kept")
    sources.symlink_to(outside)
    result = cli("sources", "add", str(report), "--outlet", "x", "--published", "2025-04-12")
    assert result.exit_code == 2 and "is not a folder inside the data folder" in result.stderr
    assert len(os.listdir(outside)) == 5
    linked = tmp_path / "linked.yaml"
    linked.symlink_to(real)
    result = cli("--data", str(linked), "new", "event", "--source", "report-2025-04-12", "--write")
    assert result.exit_code == 2 and "is a symbolic link" in result.stderr


def test_an_unknown_action_and_list_options(real: Path) -> None:
    result = cli("sources", "lst")
    assert (result.exit_code, result.stderr) == (
        2,
        "error: sources: unknown action 'lst': add or list (did you mean 'list'?)\n",
    )
    assert "are for sources add" in cli("sources", "list", "--outlet", "x").stderr


# ---------------------------------------------------------------- bilat sources list, and validate's checksum


def test_list_says_each_texts_state(real: Path) -> None:
    shipped = cli("sources", "list", "--format", "tsv").stdout.splitlines()[1:]
    assert len(shipped) == 5 and all(line.endswith("\tchecked") for line in shipped)
    (real.parent / "sources" / "001_cf49baaa536129cf.txt").write_text("edited\n", encoding="utf-8")
    data = real.read_text(encoding="utf-8")
    real.write_text(re.sub(r'\n    sha256: "8230[0-9a-f]+"', "", data), encoding="utf-8")  # report-2023-06-12's
    (real.parent / "sources" / "002_61e52291b34f4409.txt").write_text("edited\n", encoding="utf-8")
    rows = [line.split("\t") for line in cli("sources", "list", "--format", "tsv").stdout.splitlines()]
    assert rows[0] == ["id", "published", "outlet", "kind", "file", "sha256", "title", "url", "text"]
    assert [(r[0], r[-1]) for r in rows[1:4]] == [
        ("tdi-2023-06-13", "checked"),
        ("report-2023-06-12", "unchecked"),
        ("report-2025-04-12", "changed"),
    ]


def test_validate_reports_a_text_edited_since_it_was_registered_at_its_checksum(real: Path) -> None:
    source = real.parent / "sources" / "004_61ef2a6b099915ef.txt"
    source.write_text(source.read_text(encoding="utf-8") + " A sentence added later.", encoding="utf-8")
    lines = real.read_text(encoding="utf-8").splitlines()
    line = next(i for i, x in enumerate(lines, 1) if x.startswith('    sha256: "0392c6cd'))
    new = hashlib.sha256(source.read_bytes()).hexdigest()
    result = cli("validate", str(real))
    assert result.exit_code == 3
    assert result.stdout == (
        f"{real}:{line}:13: sources[4].sha256: the source text sources/004_61ef2a6b099915ef.txt has changed since it "
        f"was registered (its SHA-256 is now {new[:12]}…, not the 0392c6cd0092… recorded): a quote that still "
        "matches could now mean something else. Read this source's quotes again in the new text, then record "
        f'sha256: "{new}"\n'
    )
    real.write_text(real.read_text(encoding="utf-8").replace(lines[line - 1].split('"')[1], new), encoding="utf-8")
    assert cli("validate", str(real)).exit_code == 0


def test_a_checksum_of_the_wrong_form_is_said_in_words(real: Path) -> None:
    real.write_text(real.read_text(encoding="utf-8").replace('sha256: "0392c6cd', 'sha256: "XYZ', 1), encoding="utf-8")
    out = cli("validate", str(real)).stdout
    assert "sources[4].sha256: expected the SHA-256 of the source text (64 hexadecimal digits" in out


# ---------------------------------------------------------------- the installed script


def test_the_installed_bilat_adds_a_source_from_stdin_piped(real: Path, tmp_path: Path) -> None:
    proc = shell(
        f"printf 'A report read from a pipe.\\r\\n' | bilat --data {real} sources add - --outlet 'The Nation' "
        "--published 2025-05-01 | cat"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "the-nation-2025-05-01\n"
    assert "added source the-nation-2025-05-01" in proc.stderr
    listed = shell(f"bilat --data {real} sources list | tail -n 1")
    assert listed.stdout.split("\t")[0] == "the-nation-2025-05-01" and listed.stdout.rstrip().endswith("checked")
    again = shell(
        f"printf 'A report read from a pipe.\\n' | bilat --data {real} sources add - --outlet x --published 2025"
    )
    assert again.returncode == 2 and "already in the dataset as source 'the-nation-2025-05-01'" in again.stderr


def test_html_is_told_by_what_the_file_holds_and_markdown_reads_as_a_reader_sees_it() -> None:
    from bilat.source_text import SourceTextError, stored_text

    for raw in (b"<html><body><p>Pakistan and Belarus met in Minsk.</p></body></html>", b"One.</p>\n<p>Two.</p>\n"):
        with pytest.raises(SourceTextError, match="holds HTML"):
            stored_text(raw, ".txt")
    with pytest.raises(SourceTextError, match="holds HTML"):
        stored_text(b"<!DOCTYPE html>\n<p>x</p>\n", ".md")
    markdown = b"Second &amp; last item<br>agreed to ~~maybe~~ expand trade ![photo](p.png) <span>too</span>\n"
    assert stored_text(markdown, ".md") == "Second & last item\nagreed to maybe expand trade too\n"
