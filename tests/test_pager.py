"""A long note or record on a terminal goes through the user's pager, as git and man do; never when piped.

The pager here is a shell command that copies what it is given to a file, so a test can see that it ran and
what it got.  (Every other test runs with BILAT_PAGER empty: see conftest.isolated.)
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bilat.pager import pager_command
from conftest import bilat_script
from contract_data import on_terminal


def _pager_to(path: Path) -> str:
    return f"cat > {path}"


def test_the_pager_is_bilat_pager_then_pager_then_less(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BILAT_PAGER", raising=False)
    monkeypatch.setenv("PAGER", "most -s")
    assert pager_command() == "most -s"
    monkeypatch.setenv("BILAT_PAGER", "less -R")
    assert pager_command() == "less -R"
    for off in ("", "cat", "  "):
        monkeypatch.setenv("BILAT_PAGER", off)
        assert pager_command() is None


def test_a_long_brief_on_a_terminal_is_paged(real: Path, tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    code, out, err = on_terminal(["brief", "belarus"], {"BILAT_PAGER": _pager_to(paged), "NO_COLOR": "1"})
    assert code == 0, err
    assert "At a glance" in paged.read_text(encoding="utf-8")
    assert "At a glance" not in out  # the pager had it, not the terminal


def test_no_pager_and_a_short_text_write_to_the_terminal(real: Path, tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    env = {"BILAT_PAGER": _pager_to(paged), "NO_COLOR": "1"}
    code, out, err = on_terminal(["brief", "belarus", "--no-pager"], env)
    assert code == 0, err
    assert "At a glance" in out and not paged.exists()
    code, out, err = on_terminal(["show", "khar-visit-belgium-reported-2023-06-12"], env)  # fits in 50 lines
    assert code == 0, err
    assert "Hina Rabbani Khar" in out and not paged.exists()


def test_a_pipe_is_never_paged(real: Path, tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    env_line = f"BILAT_PAGER='{_pager_to(paged)}'"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{env_line} {bilat_script()} brief belarus | head -3"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Pakistan and Belarus")
    assert not paged.exists()


def test_a_pager_that_cannot_run_leaves_the_text_on_the_terminal(real: Path) -> None:
    code, out, err = on_terminal(["brief", "belarus"], {"BILAT_PAGER": "no-such-pager-here", "NO_COLOR": "1"})
    assert code == 0, err
    assert "At a glance" in out
