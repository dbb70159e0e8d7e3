"""What keeps bilat fast: a fresh query imports nothing heavy and rebuilds nothing; a changed file is picked up.

Not timed (timings belong to bench/run.py); each test checks a cause of slowness instead.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bilat.cli_spec import Values
from bilat.layout import cache_folder
from bilat.run_context import Run

REPO = Path(__file__).resolve().parents[1]
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"

# Imported by a command on a fresh database: none of these (the build path, validation, Rich for machine formats).
HEAVY = (
    "yaml",
    "pydantic",
    "pydantic_core",
    "sqlite_utils",
    "pycountry",
    "platformdirs",
    "bilat.build.full",
    "bilat.build.incremental",
    "bilat.build.read",
    "bilat.build.rows",
    "bilat.build.checks",
    "bilat.build.derive",
    "bilat.build.search_index",
    "bilat.load",
    "bilat.validate",
    "bilat.model",
)
NOT_FOR_MACHINE_FORMATS = ("rich",)

_RUNNER = """
import atexit, sys
out_file = sys.argv.pop(1)
sys.argv[0] = "bilat"
atexit.register(lambda: open(out_file, "w").write("\\n".join(sorted(sys.modules))))
from bilat.__main__ import main
main()
"""


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILAT_")}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), NO_COLOR="1", **extra)
    return env


def _run(args: list[str], env: dict[str, str], modules: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`bilat ARGS` in a fresh interpreter; with `modules`, the names in sys.modules at exit are written there."""
    if modules is None:
        command = [sys.executable, "-m", "bilat", *args]
    else:
        command = [sys.executable, "-c", _RUNNER, str(modules), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def _modules(path: Path) -> set[str]:
    return set(path.read_text().split())


def _roots(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    shutil.copytree(MINI, tmp_path / "mini")
    return tmp_path / "mini" / "agreements.yaml"


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--format", "json"],
        ["list", "--country", "belarus", "--format", "csv"],
        ["search", "readmission", "--format", "json"],
        ["show", "pk-by-readmission", "--format", "json"],
        ["summary", "--format", "json"],
    ],
)
def test_a_fresh_query_imports_nothing_heavy(dataset: Path, tmp_path: Path, args: list[str]) -> None:
    env = _env(tmp_path, BILAT_DATA=str(dataset))  # the default database, in the cache folder
    first = _run(["list", "--format", "json"], env)  # builds the database
    assert first.returncode == 0, first.stderr
    modules = tmp_path / "modules.txt"
    result = _run(args, env, modules)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    loaded = _modules(modules)
    assert "bilat.store" in loaded  # the runner did run bilat
    assert _roots(loaded, HEAVY + NOT_FOR_MACHINE_FORMATS) == []


def test_the_build_does_import_the_compiler(dataset: Path, tmp_path: Path) -> None:
    """The check above would pass vacuously if the runner never reached a build: make sure it can see one."""
    modules = tmp_path / "modules.txt"
    result = _run(["list", "--format", "json"], _env(tmp_path, BILAT_DATA=str(dataset)), modules)
    assert result.returncode == 0, result.stderr
    assert {"bilat.build.full", "yaml", "pydantic"} <= _modules(modules)


def test_a_second_run_on_a_fresh_database_does_not_rebuild(dataset: Path, tmp_path: Path) -> None:
    db = tmp_path / "bilat.sqlite"
    env = _env(tmp_path, BILAT_DATA=str(dataset), BILAT_DB=str(db))
    assert _run(["list", "--format", "json"], env).returncode == 0
    before = db.stat()
    second = _run(["list", "--format", "json"], env)
    assert second.returncode == 0, second.stderr
    after = db.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".bilat.sqlite.*"))


def test_a_folder_dataset_with_one_changed_file_rebuilds_correctly(tmp_path: Path) -> None:
    """Split the mini dataset over three files; edit one: the edit shows, the other files' records remain."""
    import yaml

    folder = tmp_path / "folder"
    shutil.copytree(MINI / "sources", folder / "sources")
    whole = yaml.safe_load((MINI / "agreements.yaml").read_text())
    agreements = whole.pop("agreements")
    (folder / "a-base.yaml").write_text(yaml.safe_dump(whole, sort_keys=False, allow_unicode=True))
    for i, agreement in enumerate(agreements):
        name = f"b-agreement-{i}.yaml"
        (folder / name).write_text(yaml.safe_dump({"agreements": [agreement]}, sort_keys=False, allow_unicode=True))
    db = tmp_path / "bilat.sqlite"
    env = _env(tmp_path, BILAT_DATA=str(folder), BILAT_DB=str(db))

    def titles() -> dict[str, str]:
        result = _run(["list", "--format", "json"], env)
        assert result.returncode == 0, result.stderr
        return {r["id"]: r["title"] for r in json.loads(result.stdout)}

    before = titles()
    assert len(before) == len(agreements) >= 3
    edited = folder / "b-agreement-1.yaml"
    record = yaml.safe_load(edited.read_text())
    record["agreements"][0]["title"] = "An edited title"
    edited.write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True))
    os.utime(edited, ns=(1, 1))  # an mtime unlike the last build's, whatever the clock's resolution
    after = titles()
    changed = agreements[1]["id"]
    assert after[changed] == "An edited title"
    assert {k: v for k, v in after.items() if k != changed} == {k: v for k, v in before.items() if k != changed}
    files = {r[0] for r in sqlite3.connect(db).execute("select distinct data_file from agreements")}
    assert files == {f"b-agreement-{i}.yaml" for i in range(len(agreements))}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the shortcut is Linux-only")
@pytest.mark.parametrize("xdg", [None, "", "relative/cache", "/abs/cache"])
@pytest.mark.parametrize("home", [None, "/home/someone", "relative"])
def test_cache_folder_agrees_with_platformdirs(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None, home: str | None
) -> None:
    import platformdirs

    for name, value in (("XDG_CACHE_HOME", xdg), ("HOME", home)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert cache_folder() == Path(platformdirs.user_cache_dir("bilat", appauthor=False))


# ---------------------------------------------------------------- the fast path (bilat.fast) answers as Typer does

# tests/test_cli_spec.py proves in-process that both doors read command lines alike; these few whole processes
# check that the answers (stdout, stderr, exit code) are the same too, through the real console script.
SAME_AS_TYPER = [
    ["list", "-c", "belarus", "-f", "csv"],
    ["search", '"skilled workers"', "-c", "belarus", "--format", "json"],
    ["show", "pk-be-labour-mou", "--format", "md"],
    ["show", "no-such-record"],
    ["summary", "--format", "table"],
    ["brief", "2025-04-12", "--format", "json"],
    ["list", "--since", "2025-13"],
    ["--quiet", "--no-color", "timeline", "-f", "csv"],
]


@pytest.fixture(scope="module")
def real_copy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The real dataset, copied, with a fresh database (built once for every case)."""
    folder = tmp_path_factory.mktemp("real")
    shutil.copytree(REPO / "data", folder / "data")
    env = _env(folder, BILAT_DATA=str(folder / "data" / "agreements.yaml"), BILAT_DB=str(folder / "bilat.sqlite"))
    env["COLUMNS"] = "100"
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "GITHUB_ACTIONS", "BILAT_NO_FASTPATH"):
        env.pop(name, None)
    assert _run(["list", "--format", "json"], env).returncode == 0
    return env


@pytest.mark.parametrize("args", SAME_AS_TYPER, ids=lambda args: " ".join(args) or "(none)")
def test_the_fast_path_answers_exactly_as_typer(real_copy: dict[str, str], args: list[str]) -> None:
    fast = _run(args, real_copy)
    typer = _run(args, {**real_copy, "BILAT_NO_FASTPATH": "1"})
    assert (fast.returncode, fast.stdout, fast.stderr) == (typer.returncode, typer.stdout, typer.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--country", "belarus", "--format", "json"],
        ["search", "readmission", "--format", "json"],
        ["show", "pk-be-labour-mou", "--format", "json"],
        ["summary", "--format", "json"],
        ["timeline", "--format", "csv"],
        ["brief", "belarus", "--format", "json"],
        ["list", "--country", "atlantis"],  # a usage error is reported without Typer too (pycountry: did you mean)
    ],
)
def test_queries_do_not_import_typer(real_copy: dict[str, str], tmp_path: Path, args: list[str]) -> None:
    modules = tmp_path / "modules.txt"
    result = _run(args, real_copy, modules)
    assert result.returncode in (0, 2), result.stderr
    heavy = HEAVY if result.returncode == 0 else ()
    assert _roots(_modules(modules), ("typer", "click", "rich", *heavy)) == []


def test_help_still_goes_through_typer(real_copy: dict[str, str], tmp_path: Path) -> None:
    modules = tmp_path / "modules.txt"
    result = _run(["list", "--help"], real_copy, modules)
    assert result.returncode == 0 and "--country" in result.stdout
    assert "typer" in _modules(modules)


# ---------------------------------------------------------------- a very common word is ranked among the newest matches


def test_a_very_common_word_ranks_only_the_newest_matches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from bilat import commands
    from bilat.build.full import build
    from bilat.read import search as query
    from bilat.read.filters import Filters
    from bilat.store import connect_readonly

    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec and spec.loader
    generator = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generator
    spec.loader.exec_module(generator)
    generator.generate(300, tmp_path / "data", per_file=100, docs=1, jobs=1)
    build(tmp_path / "data", tmp_path / "db.sqlite")
    conn = connect_readonly(tmp_path / "db.sqlite")
    monkeypatch.setattr(query, "RANKED_AT_MOST", 25)
    everything = conn.execute(
        "select s.record_id from search_index_fts join search_index s on s.rowid = search_index_fts.rowid "
        "where search_index_fts match 'cooperation' order by s.rowid desc"
    ).fetchall()
    assert len(everything) > 25
    result = query.search(conn, "cooperation", Filters(), limit=10)
    assert (result.matches, result.ranked) == (len(everything), 25)
    newest = {r[0] for r in everything[:25]}
    assert len(result.hits) == 10 and {hit["id"] for hit in result.hits} <= newest
    dates = conn.execute("select rowid, date_start from search_index order by rowid").fetchall()
    assert [d for _, d in dates if d] == sorted(d for _, d in dates if d)  # rowid order is date order
    # A filter narrows the candidates instead: every match is ranked.
    filtered = query.search(conn, "cooperation", Filters({"kind": ["mou"]}), limit=10)
    assert filtered.ranked is None and filtered.hits
    # A rare word: every match ranked, no note.
    assert query.search(conn, "zeolite", Filters()).ranked is None
    notes: list[str] = []

    class OnThisDatabase(Run):
        def connect(self, *, silent: bool = False) -> sqlite3.Connection:
            return conn

        def warn(self, message: str) -> None:
            notes.append(message)

    render = commands.search(Values(query="cooperation", fmt="json"), OnThisDatabase())
    monkeypatch.setattr(sys, "stdout", open(os.devnull, "w"))  # noqa: SIM115
    render()
    assert notes == [
        f"note: {len(everything):,} records match; the 25 most recent were ranked "
        "(add a word or a filter to narrow the search)"
    ]
