"""The reliability review of 2026-12-03, re-run: every case it found failing or risky, as the reviewer ran it.

The review (101 cases, 17 defects) is summarised in the README's Safety section;
each test here is named by its case number (Y = YAML, P = paths, T = terminal and
CSV, C = concurrency and faults, I = input and environment) and runs the
installed `bilat` in a subprocess on a copy of the mini dataset, with
BILAT_DATA/BILAT_DB pointing into a temporary folder, exactly as a user's shell
would.  Cases that need a mount, 25,000 records or precise timing are run below
the CLI in tests/test_file_safety.py (named there).

Run just these: `.venv/bin/pytest -q tests/test_review_cases.py`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import MINI_DATA, bilat_script

OK, NOT_FOUND, USAGE, INVALID, INTERNAL = 0, 1, 2, 3, 70
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass
class Case:
    folder: Path

    @property
    def data(self) -> Path:
        return self.folder / "data" / "agreements.yaml"

    @property
    def db(self) -> Path:
        return self.folder / "db" / "bilat.sqlite"

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "BILAT_DATA": str(self.data), "BILAT_DB": str(self.db), **extra}

    def run(self, *args: str, timeout: float = 60, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [bilat_script(), *args],
            capture_output=True,
            text=True,
            env=self.env(**extra),
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def edit(self, change: Callable[[str], str]) -> None:
        text = self.data.read_text(encoding="utf-8")
        changed = change(text)
        assert changed != text, "the edit changed nothing"
        self.data.write_text(changed, encoding="utf-8")


@pytest.fixture
def case(tmp_path: Path) -> Case:
    folder = tmp_path / "case"
    shutil.copytree(MINI_DATA, folder / "data")
    (folder / "db").mkdir()
    return Case(folder)


def _clean(proc: subprocess.CompletedProcess[str]) -> None:
    """No traceback, no internal error, and nothing raw from the data on either stream."""
    assert proc.returncode != INTERNAL, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not CONTROL.search(proc.stderr), repr(proc.stderr)


def _invalid(proc: subprocess.CompletedProcess[str], *pattern: str) -> str:
    """Exit 3 with located problems; returns stdout+stderr for further checks."""
    _clean(proc)
    assert proc.returncode == INVALID, (proc.returncode, proc.stdout, proc.stderr)
    text = proc.stdout + proc.stderr
    assert re.search(r"agreements\.yaml:\d+:\d+: ", text), text
    for p in pattern:
        assert re.search(p, text), (p, text)
    return text


# ---------------------------------------------------------------- 1. YAML


def test_Y4b_nesting_between_python_and_libyaml_limits_is_located(case: Case) -> None:
    nest = "[" * 600 + "migration" + "]" * 600
    case.edit(lambda t: t.replace("sectors: [migration]", f"sectors: {nest}"))
    for args in (["validate"], ["list", "-n", "1"]):
        _invalid(case.run(*args))


def test_Y5_a_problem_bomb_is_capped(case: Case) -> None:
    bomb = "[" + ", ".join(["x"] * 20_000) + "]"
    case.edit(lambda t: t.replace("sectors: [migration]", f"sectors: {bomb}"))
    started = time.monotonic()
    proc = case.run("validate")
    _invalid(proc)
    assert len(proc.stdout.splitlines()) <= 1001
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("written", ["017", "0x10", "2:30", "0b11"])
def test_Y13_figures_are_decimal_as_a_person_reads_them(case: Case, written: str) -> None:
    case.edit(lambda t: t.replace("value: 150000", f"value: {written}"))
    _invalid(case.run("validate"), r"value")


@pytest.mark.parametrize("written", [".inf", "yes"])
def test_Y15_hints_name_what_the_field_expects(case: Case, written: str) -> None:
    case.edit(lambda t: t.replace("value: 150000", f"value: {written}"))
    text = _invalid(case.run("validate"))
    assert "expected text" not in text


@pytest.mark.parametrize("written", ["100000000000000000000000", "-150000"])
def test_Y16_Y17_figures_out_of_range_are_rejected_by_validate_and_build(case: Case, written: str) -> None:
    case.edit(lambda t: t.replace("value: 150000", f"value: {written}"))
    _invalid(case.run("validate"), r"figures\[0\]\.value")
    _invalid(case.run("list"))


def test_Y21_invalid_utf8_is_located_at_its_line(case: Case) -> None:
    raw = case.data.read_bytes().replace(b"title: Readmission Agreement\n", b"title: Readmission \xc3\x28greement\n")
    case.data.write_bytes(raw)
    line = raw[: raw.index(b"\xc3\x28")].count(b"\n") + 1
    text = _invalid(case.run("validate"))
    assert f"agreements.yaml:{line}:" in text


@pytest.mark.parametrize(
    "content", ["", "# only a comment\n", "---\n---\n", "~\n", "sources: []\nagreements: []\n"], ids=repr
)
def test_Y23_an_empty_dataset_is_an_error_and_the_last_good_one_is_served(case: Case, content: str) -> None:
    assert case.run("build").returncode == OK
    before = case.db.read_bytes()
    case.data.write_text(content, encoding="utf-8")
    _invalid(case.run("validate"), "no records")
    _invalid(case.run("build"))
    proc = case.run("list", "--format", "json")
    _clean(proc)
    assert proc.returncode == OK and len(json.loads(proc.stdout)) == 3
    assert proc.stderr.startswith("warning: the data is invalid")
    assert case.db.read_bytes() == before


def test_Y23_a_dataset_that_says_it_is_empty_is_empty(case: Case) -> None:
    case.data.write_text("empty: true\n", encoding="utf-8")
    proc = case.run("list", "--format", "json")
    _clean(proc)
    assert proc.returncode == OK and json.loads(proc.stdout) == []


def test_Y24_python_tags_execute_nothing(case: Case) -> None:
    marker = case.folder / "PWNED"
    case.edit(lambda t: f'x-attack: !!python/object/apply:os.system ["touch {marker}"]\n' + t)
    _invalid(case.run("list"))
    assert not marker.exists()


def test_Y26_a_blank_title_is_rejected(case: Case) -> None:
    case.edit(lambda t: t.replace("title: Readmission Agreement\n", 'title: " "\n'))
    _invalid(case.run("validate"), r"title")


@pytest.mark.parametrize("quote", ['" "', '"\\t\\n"', '"a"'])
def test_Y27_a_quote_needs_real_content(case: Case, quote: str) -> None:
    case.edit(lambda t: t.replace('quote: "signed a Readmission Agreement"', f"quote: {quote}"))
    _invalid(case.run("validate"), r"quote")


# ---------------------------------------------------------------- 2. paths


def _with_source_file(case: Case, name: str) -> None:
    case.edit(lambda t: t.replace("file: beta.txt", f"file: {json.dumps(name)}"))


@pytest.mark.parametrize(
    "name", ["../../outside/secret.env", "/etc/passwd", "/proc/self/environ", "/dev/zero", "/dev/stdin"]
)
def test_P1_P2_P4_P5_P6_source_files_stay_inside_the_sources_folder(case: Case, name: str) -> None:
    outside = case.folder / "outside"
    outside.mkdir()
    (outside / "secret.env").write_text("SECRET_TOKEN=hunter2\n")
    _with_source_file(case, name)
    proc = subprocess.run(
        [bilat_script(), "list", "-n", "1"],
        input="typed on stdin\n",
        capture_output=True,
        text=True,
        env=case.env(CI_SECRET="ghp_FAKE_TOKEN"),
        timeout=60,
    )
    _invalid(proc, r"sources\[1\]\.file")
    _invalid(case.run("validate"), r"sources\[1\]\.file")
    assert not case.db.exists()
    for secret in ("hunter2", "ghp_FAKE", "root:", "typed on stdin"):
        assert secret not in proc.stdout + proc.stderr


def test_P3_a_symlink_out_of_the_sources_folder_is_refused(case: Case) -> None:
    secret = case.folder / "secret.env"
    secret.write_text("SECRET_TOKEN=hunter2\n")
    link = case.data.parent / "sources" / "beta.txt"
    link.unlink()
    link.symlink_to(secret)
    _invalid(case.run("validate"), "outside the sources folder")


def test_P7_a_missing_file_outside_reveals_nothing(case: Case) -> None:
    _with_source_file(case, "../../../../../../root/.ssh/id_rsa")
    text = _invalid(case.run("validate"))
    assert "/root/.ssh" not in text.replace("../../../../../../root/.ssh/id_rsa", "")


def test_P10_non_utf8_paths_in_the_environment(case: Case) -> None:
    for name in (b"BILAT_DB", b"BILAT_DATA"):
        env = {**os.environb, b"BILAT_DATA": os.fsencode(case.data), name: os.fsencode(case.folder) + b"/bad\xff"}
        proc = subprocess.run([bilat_script(), "list", "-n", "1"], capture_output=True, env=env, timeout=60)
        assert proc.returncode == USAGE and b"not valid UTF-8" in proc.stderr


# ---------------------------------------------------------------- 3. terminal and CSV


def test_T1_T4_escapes_in_the_data_never_reach_the_terminal(case: Case) -> None:
    case.edit(
        lambda t: t.replace("title: Readmission Agreement\n", 'title: "Readmission \\e]0;pwned\\a\\e[2J"\n').replace(
            "people:\n", 'people:\n  "\\e]0;pwned-by-key\\a": x\n', 1
        )
    )
    for args in (["validate"], ["list"], ["show", "pk-by-readmission"], ["brief", "2025-04-12"]):
        proc = case.run(*args)
        _clean(proc)
        assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout


def test_T6_csv_cells_that_would_be_formulas_are_neutralised(case: Case) -> None:
    case.edit(lambda t: t.replace("title: Readmission Agreement\n", "title: '=HYPERLINK(\"http://evil.example\")'\n"))
    for fmt in ("csv", "tsv"):
        proc = case.run("list", "--format", fmt)
        _clean(proc)
        assert proc.returncode == OK
        assert "'=HYPERLINK" in proc.stdout
        assert not re.search(r"(^|[,\t])=HYPERLINK", proc.stdout)
    proc = case.run("list", "--format", "json")
    assert any(r["title"].startswith("=HYPERLINK") for r in json.loads(proc.stdout))


# ---------------------------------------------------------------- 4. concurrency and faults


def test_C5_readers_of_invalid_data_do_not_queue_behind_failing_builds(case: Case) -> None:
    assert case.run("build").returncode == OK
    case.edit(lambda t: t.replace("status: signed", "status: sined"))
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            [bilat_script(), "list", "--format", "json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=case.env(),
        )
        for _ in range(8)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == OK and len(json.loads(out)) == 3, err
        assert err.startswith("warning: the data is invalid")
    assert time.monotonic() - started < 30
    memo = json.loads(case.db.with_name("bilat.sqlite.failed").read_text())
    assert memo["problems"]


def test_C6_temporary_files_of_a_killed_build_are_removed(case: Case) -> None:
    assert case.run("build").returncode == OK
    left = case.db.with_name(".bilat.sqlite.k1ll3d.tmp")
    left.write_bytes(b"\0" * 4096)
    case.edit(lambda t: t + "\n")
    assert case.run("list").returncode == OK
    assert not left.exists()


def test_C16_a_directory_as_the_database_is_named_and_untouched(case: Case) -> None:
    folder = case.folder / "adir"
    folder.mkdir()
    (folder / "inside.txt").write_text("x")
    proc = case.run("list", BILAT_DB=str(folder))
    _clean(proc)
    assert proc.returncode == USAGE and f"{folder}: a directory" in proc.stderr
    assert [p.name for p in folder.iterdir()] == ["inside.txt"]


def test_C17_a_symlinked_database_keeps_its_link(case: Case) -> None:
    kept = case.folder / "kept.sqlite"
    link = case.folder / "link.sqlite"
    link.symlink_to(kept)
    assert case.run("list", BILAT_DB=str(link)).returncode == OK
    assert link.is_symlink() and kept.is_file()


def test_C19_a_fifo_as_the_database_does_not_hang(case: Case) -> None:
    fifo = case.folder / "fifo"
    os.mkfifo(fifo)
    proc = case.run("list", "-n", "1", BILAT_DB=str(fifo), timeout=20)
    assert proc.returncode == USAGE and "a FIFO" in proc.stderr


def test_C20_an_edit_that_puts_size_and_mtime_back_is_seen(case: Case) -> None:
    assert case.run("list").returncode == OK
    before = case.data.stat()
    case.edit(lambda t: t.replace("MoU on labour partnerships [draft]", "MoU ON LABOUR PARTNERSHIPS [draft]"))
    os.utime(case.data, ns=(before.st_atime_ns, before.st_mtime_ns))
    proc = case.run("show", "pk-be-labour-mou", "--format", "json")
    assert json.loads(proc.stdout)["title"] == "MoU ON LABOUR PARTNERSHIPS [draft]"


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to give the file away")
def test_C21_a_database_planted_by_another_user_is_refused(case: Case) -> None:
    assert case.run("build").returncode == OK
    conn = sqlite3.connect(case.db)
    conn.execute("update agreements set title = 'FORGED'")
    conn.commit()
    conn.close()
    os.chown(case.db, 65534, 65534)
    proc = case.run("list")
    assert proc.returncode == USAGE and "owned by another user" in proc.stderr and "FORGED" not in proc.stdout


# ---------------------------------------------------------------- 5. input and environment


@pytest.mark.parametrize("command", [["list"], ["search", "readmission"], ["timeline"]])
def test_I2_a_limit_beyond_sqlite_integers(case: Case, command: list[str]) -> None:
    proc = case.run(*command, "--limit", "100000000000000000000")
    _clean(proc)
    assert proc.returncode == OK and proc.stdout


@pytest.mark.parametrize("args", [["--since", ""], ["--since", "0000"], ["--until", "0000"]])
def test_I5_I6_empty_and_year_zero_dates(case: Case, args: list[str]) -> None:
    proc = case.run("list", *args)
    _clean(proc)
    assert proc.returncode == USAGE


def test_I14_an_empty_output_name(case: Case) -> None:
    proc = case.run("brief", "2025-04-12", "--output", "")
    assert proc.returncode == USAGE and proc.stdout == ""


def test_I16_output_to_dev_stdout_in_a_pipe(case: Case) -> None:
    proc = subprocess.run(
        f"{bilat_script()} brief 2025-04-12 -o /dev/stdout | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        env=case.env(),
        timeout=60,
    )
    assert proc.returncode == OK and proc.stdout.startswith("# ")


def test_I19_columns_zero_on_a_terminal_still_draws(case: Case) -> None:
    pytest.importorskip("pty")
    proc = subprocess.run(
        ["script", "-qec", f"{bilat_script()} list", "/dev/null"],
        capture_output=True,
        text=True,
        env=case.env(COLUMNS="0"),
        timeout=60,
    )
    assert "pk-by-readmission" in proc.stdout.replace("\r\n", "\n").replace("\n", "")


@pytest.mark.parametrize(
    "env", [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}], ids=["ascii", "C"]
)
@pytest.mark.parametrize("args", [["show", "pk-be-labour-mou"], ["brief", "2025-04-12"]])
def test_I21_a_non_utf8_stdout(case: Case, env: dict[str, str], args: list[str]) -> None:
    proc = case.run(*args, **env)
    _clean(proc)
    assert proc.returncode == OK and proc.stdout


def test_I22_bilat_debug_zero_is_off(case: Case) -> None:
    proc = case.run("show", "nope", BILAT_DEBUG="0")
    assert proc.returncode == NOT_FOUND and "Traceback" not in proc.stderr


def test_I24_dev_null_as_the_data_is_refused(case: Case) -> None:
    proc = case.run("list", "-n", "1", BILAT_DATA="/dev/null")
    _clean(proc)
    assert proc.returncode == USAGE and "/dev/null: not a regular file or a folder" in proc.stderr


FOREIGN: dict[str, Callable[[Path], object]] = {
    "I26-text-file": lambda p: p.write_text("Quarterly accounts\nrow1,100\n"),
    "I27-other-sqlite": lambda p: sqlite3.connect(p).execute("create table customers (name text)").connection.commit(),
}


@pytest.mark.parametrize("kind", list(FOREIGN))
@pytest.mark.parametrize("args", [["list", "-n", "2"], ["build"]])
def test_I26_I27_a_file_that_is_not_bilats_is_never_replaced(case: Case, kind: str, args: list[str]) -> None:
    target = case.folder / "valuable.dat"
    FOREIGN[kind](target)
    target.chmod(0o644)
    before = (target.read_bytes(), stat.S_IMODE(target.stat().st_mode))
    proc = case.run(*args, BILAT_DB=str(target))
    _clean(proc)
    assert proc.returncode == USAGE and str(target) in proc.stderr
    assert (target.read_bytes(), stat.S_IMODE(target.stat().st_mode)) == before
    assert not target.with_name("valuable.dat.lock").exists()


def test_I28_db_naming_the_dataset_itself(case: Case) -> None:
    before = case.data.read_bytes()
    proc = case.run("--db", str(case.data), "list", "-n", "1")
    assert proc.returncode == USAGE
    assert case.data.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="making a device node needs root")
def test_I29_I15_a_device_is_never_replaced(case: Case) -> None:
    node = case.folder / "null"  # a private /dev/null node: a regression would lose only this copy
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    assert case.run("list", "-n", "1", BILAT_DB=str(node)).returncode == USAGE
    assert case.run("brief", "2025-04-12", "-o", str(node)).returncode == OK
    assert stat.S_ISCHR(node.stat().st_mode)


def test_I30_tab_completion_never_writes(case: Case) -> None:
    target = case.folder / "tab.txt"
    target.write_text("keep me\n")
    proc = case.run(
        BILAT_DB=str(target), _BILAT_COMPLETE="complete_bash", COMP_WORDS="bilat show pk-be-l", COMP_CWORD="2"
    )
    _clean(proc)
    assert target.read_text() == "keep me\n"
