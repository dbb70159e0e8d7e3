"""The curator's loop, end to end, through the installed `bilat` as a curator runs it: a sixth report is added,
three quotes are found in it, an event and an agreement are written from skeletons and filled in by editing the
YAML, and then `validate` passes, `diff` lists exactly what was added, and `brief` and `search` show the new
facts. Outside the inserted records, the dataset file is byte for byte what it was."""

from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REAL_DATA, REPO, shell

REPORT = REPO / "tests" / "fixtures" / "reports" / "vocational-training.txt"  # written for the tests

EVENT_ID = "pk-by-vocational-training-mou-signing"
AGREEMENT_ID = "pk-by-vocational-training-mou"


def _run(command: str, folder: Path) -> subprocess.CompletedProcess[str]:
    return shell(f"cd '{folder}' && {command}")


def _ok(command: str, folder: Path) -> str:
    done = _run(command, folder)
    assert done.returncode == 0, (command, done.stdout, done.stderr)
    return done.stdout


def _block(text: str, record_id: str) -> str:
    """The lines of the record `record_id` in the YAML text: from its `- id:` line to the next record or section."""
    match = re.search(rf"^  - id: {re.escape(record_id)}\n(?:(?:    .*|\s*)\n)*", text, re.MULTILINE)
    assert match, record_id
    return match.group(0).rstrip("\n") + "\n"


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A curator's git repository holding a copy of the real dataset, committed."""
    folder = tmp_path / "repo"
    shutil.copytree(REAL_DATA, folder / "data", ignore=shutil.ignore_patterns("*.json"))
    monkeypatch.setenv("BILAT_DATA", str(folder / "data" / "agreements.yaml"))
    for step in (
        "git init -q",
        "git -c user.name=curator -c user.email=c@example.org add -A",
        "git -c user.name=curator -c user.email=c@example.org commit -qm dataset",
    ):
        assert _run(step, folder).returncode == 0
    return folder


def test_a_report_becomes_reviewed_data(repository: Path) -> None:
    data = repository / "data" / "agreements.yaml"
    before = data.read_text(encoding="utf-8")
    shutil.copy(REPORT, repository / "report.txt")

    # 1. The text goes in, normalised, under a free id; the id is all stdout says.
    source = _ok(
        "bilat sources add report.txt --outlet 'Test Gazette' --published 2025-05-21 --dateline Islamabad", repository
    ).strip()
    assert source == "test-gazette-2025-05-21"

    # 2. Three quotes, found exactly (the second typed with a straight apostrophe: the source's curly one is pasted).
    pasted = []
    for phrase in (
        "signed a Memorandum of Understanding on cooperation in vocational training",
        "signed in Islamabad by the two sides' education ministers",
        "train 500 Pakistani instructors over three years",
    ):
        found = _run(f'bilat quote "{phrase}" --source {source} --format json | cat', repository)
        best = json.loads(found.stdout)[0]
        assert best["source"] == source and best["paste"].replace("\u2019", "'") == phrase
        pasted.append(best["paste"])
    assert "\u2019" in pasted[1]

    # 3. Skeletons written into the file; validate points at what is still to fill.
    event_skeleton = _ok(f"bilat new event --source {source} --write", repository).strip()
    agreement_skeleton = _ok(f"bilat new agreement --source {source} --write", repository).strip()
    unfilled = _run("bilat validate", repository)
    assert unfilled.returncode == 3
    to_fill = [line for line in unfilled.stdout.splitlines() if ": empty" in line]
    assert any(".title: empty" in line and line.split(": ")[1].startswith("events[") for line in to_fill)
    assert any(line.split(": ")[1].startswith("agreements[") for line in to_fill)

    # 4. The curator fills them in, in the YAML.
    text = data.read_text(encoding="utf-8")
    text = text.replace(
        _block(text, event_skeleton),
        f"""  - id: {EVENT_ID}
    title: Signing of the Pakistan-Belarus MoU on vocational training
    kind: engagement
    date: "2025-05-20"
    date_precision: day
    date_derivation: the dateline (May 20, 2025), a Tuesday, and "on Tuesday"
    place: Islamabad
    countries: ["PK", "BY"]
    summary: The two sides' education ministers signed an MoU on vocational training in Islamabad.
    evidence:
      - source: {source}
        quote: "{pasted[1]}"
""",
    )
    text = text.replace(
        _block(text, agreement_skeleton),
        f"""  - id: {AGREEMENT_ID}
    title: MoU on cooperation in vocational training
    kind: mou
    parties: ["PK", "BY"]
    sectors: [education]
    summary: An MoU under which Belarusian institutes will train 500 Pakistani instructors over three years.
    figures:
      - value: 500
        unit: Pakistani instructors
        evidence:
          - source: {source}
            quote: "{pasted[2]}"
    status_history:
      - status: signed
        event: {EVENT_ID}
        evidence:
          - source: {source}
            quote: "{pasted[0]}"
    evidence:
      - source: {source}
        quote: "{pasted[0]}"
""",
    )
    data.write_text(text, encoding="utf-8")

    # 5. Valid, with no warning about the new records.
    checked = _run("bilat validate", repository)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert EVENT_ID not in checked.stdout and AGREEMENT_ID not in checked.stdout

    # 6. The review: exactly the source, the event and the agreement added; nothing else changed.
    review = json.loads(_ok("bilat diff --format json", repository))
    changes = {
        (section, kind, entry.get("id") or entry.get("to"))
        for section, lists in review["sections"].items()
        for kind, entries in lists.items()
        for entry in entries
    }
    assert changes == {
        ("sources", "added", source),
        ("events", "added", EVENT_ID),
        ("agreements", "added", AGREEMENT_ID),
    }

    # 7. Outside what was inserted, the file is byte for byte what it was.
    after = data.read_text(encoding="utf-8")
    blocks = difflib.SequenceMatcher(None, before.splitlines(True), after.splitlines(True), autojunk=False)
    assert {tag for tag, *_ in blocks.get_opcodes()} <= {"equal", "insert"}
    inserted = "".join(
        "".join(after.splitlines(True)[j1:j2]) for tag, _i1, _i2, j1, j2 in blocks.get_opcodes() if tag == "insert"
    )
    assert {m for m in re.findall(r"^  - id: (\S+)", inserted, re.MULTILINE)} == {source, EVENT_ID, AGREEMENT_ID}

    # 8. The new facts are read like any other.
    brief = _ok("bilat brief 2025-05-20 --format md", repository)
    assert "vocational training" in brief and "500" in brief and source in brief
    hits = json.loads(_ok("bilat search 'vocational training' --format json", repository))
    assert AGREEMENT_ID in {hit["id"] for hit in hits}
