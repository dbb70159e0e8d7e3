"""Shared fixtures: every test gets its own cache and database; nothing touches the user's."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
REAL_DATA = REPO / "data"
MINI_DATA = Path(__file__).resolve().parent / "fixtures" / "mini"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the cache and the database at a temporary folder; no colour, fixed width, no pager."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("BILAT_DB", str(tmp_path / "bilat.sqlite"))
    monkeypatch.delenv("BILAT_DATA", raising=False)
    monkeypatch.delenv("BILAT_DEBUG", raising=False)
    for var in ("FORCE_COLOR", "GITHUB_ACTIONS", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("BILAT_TODAY", "2026-12-04")  # what is overdue does not change with the day the suite runs
    monkeypatch.setenv("BILAT_PAGER", "")  # tests on a pty read what bilat writes, not a pager (tests/test_pager.py)
    yield tmp_path


def copy_dataset(src: Path, dest: Path) -> Path:
    """A writable copy of a dataset folder (agreements.yaml + sources/); returns the YAML path."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("*.json"))
    return dest / "agreements.yaml"


@pytest.fixture
def mini(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small test dataset, copied and selected with BILAT_DATA."""
    path = copy_dataset(MINI_DATA, tmp_path / "mini")
    monkeypatch.setenv("BILAT_DATA", str(path))
    return path


@pytest.fixture
def real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real dataset from the repository, copied and selected with BILAT_DATA."""
    path = copy_dataset(REAL_DATA, tmp_path / "real")
    monkeypatch.setenv("BILAT_DATA", str(path))
    return path


@pytest.fixture(scope="session")
def shared_real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The real dataset copied once per session (per xdist worker) and its database, built once: (data, db)."""
    folder = tmp_path_factory.mktemp("shared-real")
    data, db = copy_dataset(REAL_DATA, folder / "real"), folder / "bilat.sqlite"
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("BILAT_DATA", str(data))
        monkeypatch.setenv("BILAT_DB", str(db))
        monkeypatch.setenv("XDG_CACHE_HOME", str(folder / "cache"))
        assert cli("build").exit_code == 0
    return data, db


@pytest.fixture
def real_readonly(shared_real: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The real dataset for a test that only reads it: the session's copy and database, no rebuild.

    A test that changed them would make every later test rebuild or fail, so the fingerprint of the data
    and the database's bytes are checked afterwards.
    """
    data, db = shared_real
    monkeypatch.setenv("BILAT_DATA", str(data))
    monkeypatch.setenv("BILAT_DB", str(db))
    before = (_stat_tree(data.parent), db.stat().st_mtime_ns)
    yield data
    assert (_stat_tree(data.parent), db.stat().st_mtime_ns) == before, "a read-only test changed the shared dataset"


def _stat_tree(folder: Path) -> list[tuple[str, int, int]]:
    return sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*"))


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def cli(*args: str) -> Result:
    """Run a bilat command in-process through Typer's CliRunner (stdout and stderr kept apart)."""
    from bilat.cli import app

    result = CliRunner().invoke(app, list(args), prog_name="bilat")
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout, result.stderr)


def bilat_script() -> str:
    """The installed `bilat` console script (beside this Python), else on PATH."""
    beside = Path(sys.executable).parent / "bilat"
    found = str(beside) if beside.exists() else shutil.which("bilat")
    if not found:
        pytest.fail("the bilat console script is not installed")
    return found


def shell(command: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run a shell pipeline with `bilat` pointing at the installed script, e.g. "bilat list | head -n 1"."""
    full_env = {**os.environ, **(env or {})}
    full_env["PATH"] = str(Path(bilat_script()).parent) + os.pathsep + full_env.get("PATH", "")
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, env=full_env, timeout=timeout
    )


def matches_golden(path: Path, text: str) -> None:
    """`text` equals the golden file at `path`; BILAT_UPDATE_GOLDEN=1 writes it instead (then review the diff)."""
    if os.environ.get("BILAT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path}: run with BILAT_UPDATE_GOLDEN=1 and review the diff"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True), text.splitlines(keepends=True), str(path), "actual", n=1
            )
        )
        pytest.fail(f"{path.name} differs from its golden file (BILAT_UPDATE_GOLDEN=1 to accept):\n{diff[:6000]}")


CLOCKS_DATA = Path(__file__).resolve().parent / "fixtures" / "clocks"


@pytest.fixture
def clocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small dataset made for the two clocks (tests/fixtures/clocks; see tests/test_clocks.py)."""
    folder = tmp_path / "clocks"
    shutil.copytree(CLOCKS_DATA, folder)
    monkeypatch.setenv("BILAT_DATA", str(folder / "agreements.yaml"))
    return folder
