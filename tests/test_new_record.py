"""`bilat new KIND --source ID [--write]`: the skeleton, where --write puts it, what validate says of it after."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from bilat import model
from bilat.skeletons import KINDS, free_id, skeleton
from bilat.vocab import AGREEMENT_KINDS, SECTORS, STATUSES
from conftest import REPO, cli, shell

MODELS: dict[str, tuple[type[BaseModel], ...]] = {
    "agreement": (model.Agreement, model.StatusStep, model.Figure, model.Evidence),
    "event": (model.Event, model.Participant, model.Evidence),
    "person": (model.Person, model.Role, model.Evidence),
    "follow-up": (model.FollowUp, model.Outcome, model.Evidence),
}


@pytest.mark.parametrize("kind", KINDS)
def test_the_skeleton_has_every_field_of_the_model_required_ones_to_fill(kind: str) -> None:
    record_id, block = skeleton(kind, "report-2025-04-12", "2025-04-12", {f"{kind}-from-report-2025-04-12"})
    assert record_id == f"{kind}-from-report-2025-04-12-2"
    written = set(re.findall(r"^\s*(?:- )?(\w+):", block, re.M))  # fields written out
    commented = set(re.findall(r"^\s*#\s+(?:- )?(\w+):", block, re.M))  # fields as comments
    for record_model in MODELS[kind]:
        assert set(record_model.model_fields) <= written | commented, record_model.__name__
    top = MODELS[kind][0]
    required = {name for name, field in top.model_fields.items() if field.is_required()}
    assert required <= written
    (record,) = yaml.safe_load(block)
    assert set(record) == required  # optional fields are comments only
    assert record["id"] == record_id
    assert record["evidence"] == [{"source": "report-2025-04-12", "quote": ""}]
    empty = {k for k, v in record.items() if v in ("", [])}
    assert empty == required - {"id", "evidence", "status_history"}


def test_the_vocabularies_are_listed_in_comments() -> None:
    block = skeleton("agreement", "s", None, set())[1]
    comments = " ".join(line.split("#", 1)[1] for line in block.splitlines() if "#" in line)
    for word in (*AGREEMENT_KINDS, *SECTORS, *STATUSES):
        assert re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", comments), word
    assert all(len(line) <= 110 for line in block.splitlines())


def test_free_id() -> None:
    assert free_id("a", set()) == "a"
    assert free_id("a", {"a", "a-2"}) == "a-3"
    long = "x" * 130
    assert len(free_id(long, {long[:120]})) == 120 and free_id(long, {long[:120]}).endswith("-2")


# ---------------------------------------------------------------- through the CLI


def test_new_prints_the_skeleton_indented_for_its_section_and_writes_nothing(real: Path) -> None:
    before = real.read_bytes()
    result = cli("new", "event", "--source", "report-2025-04-12")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith('  - id: event-from-report-2025-04-12\n    title: ""')
    assert yaml.safe_load(result.stdout)[0]["evidence"] == [{"source": "report-2025-04-12", "quote": ""}]
    assert real.read_bytes() == before and result.stderr == ""


def _fill(text: str, record_id: str, values: dict[str, str]) -> str:
    """The record `record_id` in `text` with its empty values filled (key -> YAML value), first match each."""
    start = text.index(f"- id: {record_id}\n")
    head, record = text[:start], text[start:]
    for key, value in values.items():
        record = re.sub(rf'^(\s*(?:- )?{key}): (""|\[\])', rf"\1: {value}", record, count=1, flags=re.M)
    return head + record


def test_write_keeps_every_other_line_and_validate_says_what_to_fill(real: Path) -> None:
    before = real.read_text(encoding="utf-8").splitlines(keepends=True)
    result = cli("new", "event", "--source", "report-2025-04-12", "--write")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "event-from-report-2025-04-12\n"
    line = int(re.match(rf"{re.escape(str(real))}:(\d+): added event event-from-report-2025-04-12", result.stderr)[1])
    after = real.read_text(encoding="utf-8").splitlines(keepends=True)
    assert after[line - 1] == "  - id: event-from-report-2025-04-12\n"
    block_end = next(i for i in range(line, len(after)) if not after[i].startswith("    "))
    inserted = after[line - 2 : block_end] if after[line - 2] == "\n" else after[line - 1 : block_end]
    first = after.index(inserted[0], line - 2)
    assert after[:first] + after[first + len(inserted) :] == before  # every line outside the block identical

    checked = cli("validate", str(real))
    assert checked.exit_code == 3
    where = {m[1]: m[2] for m in re.finditer(r":(\d+):\d+: events\[\d+\]\.([\w\[\]\.]+): ", checked.stdout)}
    assert set(where.values()) == {
        "title", "kind", "date", "date_precision", "countries", "summary", "evidence[0].quote",
    }  # fmt: skip
    for n, field in where.items():
        key = field.split(".")[-1].split("[")[0]
        assert re.match(rf"\s*(- )?{key}:", after[int(n) - 1]), (n, field)
    messages = checked.stdout
    assert "events[10].kind: empty: write one of: meeting, talks, visit, commission-session, engagement" in messages
    assert 'events[10].countries: empty list: write at least one country code, quoted: ["PK", "BY"]' in messages
    assert 'events[10].date: empty: write a date as YYYY, YYYY-MM or YYYY-MM-DD (e.g. "2025-04-12")' in messages
    assert (
        "events[10].evidence[0].quote: empty quote: copy here, verbatim, the words of source 'report-2025-04-12' "
        "that support this"
    ) in messages
    assert "String should have" not in messages and "unknown event id" not in messages


def test_a_filled_skeleton_is_valid(real: Path) -> None:
    assert cli("new", "event", "--source", "report-2025-04-12", "--write").exit_code == 0
    text = _fill(
        real.read_text(encoding="utf-8"),
        "event-from-report-2025-04-12",
        {
            "title": '"Pakistan-Belarus engagement on skilled workers"',
            "kind": "engagement",
            "date": '"2025-04-12"',
            "date_precision": "reported",
            "countries": '["PK", "BY"]',
            "summary": '"The sides agreed to send skilled workers."',
            "quote": '"send 150,000 skilled Pakistani workers to Belarus"',
        },
    )
    real.write_text(text, encoding="utf-8")
    result = cli("validate", str(real))
    assert result.exit_code == 0, result.stdout
    assert cli("show", "event-from-report-2025-04-12").exit_code == 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["new", "agreemnt", "--source", "report-2025-04-12"], "unknown kind of record 'agreemnt' (did you mean 'agreement'?)"),
        (["new", "event", "--source", "report-2025-04-1"], "unknown source id 'report-2025-04-1' (did you mean"),
        (["new", "event"], "new: --source ID is required"),
    ],
)  # fmt: skip
def test_wrong_kinds_and_sources_are_usage_errors(real: Path, args: list[str], says: str) -> None:
    before = real.read_bytes()
    result = cli(*args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert says in result.stderr and result.stderr.count("\n") == 1
    assert real.read_bytes() == before


def test_each_kind_goes_in_its_section(real: Path) -> None:
    for kind, section in KINDS.items():
        result = cli("new", kind, "--source", "tdi-2023-06-13", "--write")
        assert result.exit_code == 0, result.stderr
        data: dict[str, Any] = yaml.safe_load(real.read_text(encoding="utf-8"))
        assert data[section][-1]["id"] == result.stdout.strip() == f"{kind}-from-tdi-2023-06-13"
    again = cli("new", "person", "--source", "tdi-2023-06-13", "--write")
    assert again.stdout == "person-from-tdi-2023-06-13-2\n"


def test_the_installed_bilat_writes_and_validate_then_fails(real: Path) -> None:
    proc = shell(f"bilat --data {real} new follow-up --source urdupoint-2025-02-10 --write | cat")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "follow-up-from-urdupoint-2025-02-10\n"
    checked = shell(f"bilat validate {real} | grep -c 'follow_ups\\[8\\]'")
    assert checked.stdout.strip() == "4"  # description, event, status, the quote
    assert shell(f"bilat validate {real} > /dev/null").returncode == 3


# ---------------------------------------------------------------- the pre-commit hook


def test_the_pre_commit_hook_runs_validate_on_data_and_sources_changes() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["language"]) == ("bilat-validate", "python")
    assert hook["entry"].split()[:2] == ["bilat", "validate"] and hook["pass_filenames"] is False
    assert hook["args"] == ["data/agreements.yaml"]  # never bilat's own shipped copy, which an argless run checks
    files = re.compile(hook["files"])
    for path in ("data/agreements.yaml", "agreements.yml", "data/sources/005_ab.txt", "sources/x.md"):
        assert files.search(path), path
    for path in ("src/bilat/cli.py", "README.md", "resources/x.txt"):
        assert not files.search(path), path


def test_the_hooks_command_line_validates_a_dataset(real: Path) -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    folder = real.parent  # named data/, as the hook's default argument expects
    folder.rename(folder.parent / "data")
    folder = folder.parent / "data"
    command = f"cd {folder.parent} && {hook['entry']} {' '.join(hook['args'])}"
    ok = shell(command)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (folder / "sources" / "000_08f90ab55339d316.txt").write_text("edited\n", encoding="utf-8")
    failed = shell(command)
    assert failed.returncode == 3 and "has changed since it was registered" in failed.stdout


def test_the_datas_own_text_never_drives_the_terminal(real: Path) -> None:
    """A published date written with an escape sequence in a (hostile) data file stays out of the skeleton."""
    text = real.read_text(encoding="utf-8").replace('published: "2025-04-12"', 'published: "\\e]0;owned\\a2025"')
    real.write_text(text, encoding="utf-8")
    result = cli("new", "person", "--source", "report-2025-04-12")
    assert result.exit_code == 0 and "\x1b" not in result.stdout and "owned" not in result.stdout
    assert 'as_of: "YYYY-MM-DD"' in result.stdout
    bad = cli("new", "person", "--source", "x\n- evil: 1")
    assert bad.exit_code == 2 and "is not an id" in bad.stderr


def test_writing_a_second_skeleton_from_a_source_notes_the_first_still_unfilled(real: Path) -> None:
    first = cli("new", "event", "--source", "tdi-2023-06-13", "--write")
    assert first.exit_code == 0 and "note:" not in first.stderr
    second = cli("new", "event", "--source", "tdi-2023-06-13", "--write")
    assert second.exit_code == 0 and second.stdout.strip() == "event-from-tdi-2023-06-13-2"
    assert "note: event-from-tdi-2023-06-13 is there from an earlier bilat new" in second.stderr
