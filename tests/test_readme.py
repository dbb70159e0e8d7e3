"""The README's examples are real output: they fail here when the code or the data drift from them."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from conftest import REPO, cli

README = (REPO / "README.md").read_text()


def test_readme_brief_note_is_the_real_output(real: Path) -> None:
    block = README.split("````markdown\n", 1)[1].split("````", 1)[0]
    assert block == cli("brief", "2025-04-12").stdout


def _console_examples() -> list[tuple[str, str]]:
    """(command, expected output) for each `$ bilat ...` line in ```console blocks, unless piped or truncated."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            if "|" in command or "..." in output:
                continue
            examples.append((command, output.rstrip("\n") + "\n"))
    return examples


@pytest.mark.parametrize(("command", "expected"), _console_examples())
def test_readme_console_examples_are_real_output(
    real: Path, command: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)  # the paths an example names (`bilat diff tests/fixtures/...`) are from the top folder
    args = shlex.split(command)
    assert args[0] == "bilat"
    assert cli(*args[1:]).stdout == expected


def test_readme_has_the_two_setup_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    assert blocks[0].strip().endswith(".venv/bin/bilat brief 2025-04-12")
    assert blocks[1].strip() == "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/pytest -q"
    ci = (REPO / ".ci" / "run").read_text()
    assert blocks[1].strip() in ci


def test_the_notice_names_every_source_text_and_its_date() -> None:
    import yaml

    notice = (REPO / "NOTICE").read_text(encoding="utf-8")
    assert "MIT" in (REPO / "LICENSE").read_text(encoding="utf-8") and "NOT" in notice
    data = yaml.safe_load((REPO / "data" / "agreements.yaml").read_text(encoding="utf-8"))
    for source in data["sources"]:
        line = next(x for x in notice.splitlines() if source["file"] in x)
        assert source["published"] in line or source["published"] in notice.split(source["file"], 1)[1][:200]
    assert "cff-version" in (REPO / "CITATION.cff").read_text(encoding="utf-8")
