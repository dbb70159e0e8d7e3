"""--output writes a file atomically and never replaces a device, a FIFO or a folder (review cases I14-I17)."""

from __future__ import annotations

import os
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from bilat.output_file import write_output
from bilat.problems import UsageError
from conftest import bilat_script, cli


def test_a_new_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "note.md"
    write_output(str(target), "# Note\n")
    assert target.read_text() == "# Note\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_an_existing_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "note.md"
    target.write_text("old\n")
    target.chmod(0o640)
    write_output(str(target), "new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old\n")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_output(str(link), "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"


@pytest.mark.parametrize("name", ["", "  "])
def test_an_empty_name_is_a_usage_error(name: str) -> None:
    with pytest.raises(UsageError, match="empty"):
        write_output(name, "x")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        write_output(str(tmp_path), "x")


def test_a_fifo_without_a_reader_fails_at_once_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="nothing is reading"):
        write_output(str(fifo), "x")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_fifo_with_a_reader_gets_the_text(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader_open, written = threading.Event(), threading.Event()

    def read() -> None:
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        reader_open.set()
        written.wait(10)  # the short text waits in the pipe's buffer
        os.set_blocking(fd, True)
        with os.fdopen(fd) as stream:
            received.append(stream.read())

    thread = threading.Thread(target=read)
    thread.start()
    reader_open.wait(10)
    write_output(str(fifo), "through the pipe\n")
    written.set()
    thread.join(10)
    assert received == ["through the pipe\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="making a device node needs root")
def test_a_device_is_written_into_never_replaced(tmp_path: Path) -> None:
    node = tmp_path / "null"  # a private copy of /dev/null's node: a regression would lose only this copy
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    write_output(str(node), "discarded\n")
    assert stat.S_ISCHR(node.stat().st_mode)


def test_brief_output_through_the_cli(real: Path, tmp_path: Path) -> None:
    target = tmp_path / "note.md"
    result = cli("brief", "2025-04-12", "--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_text().startswith("# Pakistan and Belarus")
    result = cli("brief", "2025-04-12", "--output", "")
    assert result.exit_code == 2 and "--output: the file name is empty" in result.stderr


def test_brief_output_to_dev_stdout_in_a_pipe(real: Path) -> None:
    env = {**os.environ}
    proc = subprocess.run(
        f"{bilat_script()} brief 2025-04-12 -o /dev/stdout | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# Pakistan and Belarus")


def test_dev_stdout_appending_to_a_file_keeps_what_was_there(real: Path, tmp_path: Path) -> None:
    # Review of the fix: /dev/stdout resolved to the file and replaced it, losing what >> had kept.
    log = tmp_path / "log.txt"
    log.write_text("line1 of my log\n")
    proc = subprocess.run(
        f"{{ echo HEADER; {bilat_script()} brief 2025-04-12 -o /dev/stdout; echo FOOTER; }} >> {log}",
        shell=True,
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    text = log.read_text()
    assert text.startswith("line1 of my log\nHEADER\n# Pakistan and Belarus") and text.endswith("FOOTER\n")


def test_a_hard_linked_file_is_written_in_place(tmp_path: Path) -> None:
    target = tmp_path / "note.md"
    target.write_text("old\n")
    other = tmp_path / "other-name.md"
    os.link(target, other)
    write_output(str(target), "new\n")
    assert other.read_text() == "new\n" and target.read_text() == "new\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_a_read_only_file_is_refused_as_the_shell_would(tmp_path: Path) -> None:
    target = tmp_path / "ro.md"
    target.write_text("protected\n")
    target.chmod(0o444)
    with pytest.raises(UsageError, match="Permission denied"):
        write_output(str(target), "x")
    assert target.read_text() == "protected\n"
