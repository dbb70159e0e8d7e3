"""Exit codes per command, one line on stderr, no traceback: not on errors, broken pipes or Ctrl-C; --debug shows it."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from bilat import __version__
from conftest import cli, shell
from contract_data import large_dataset

OK, NOT_FOUND, USAGE, INVALID, INTERNAL, INTERRUPTED = 0, 1, 2, 3, 70, 130


def _one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--country", "belarus", "--status", "signed", "--format", "json"],
        ["list", "--country", "FR"],  # a real country without data: empty, still success
        ["search", "labour"],
        ["search", "zzzzzz-nothing-matches"],  # an empty search result is success
        ["search", "readmission", "--since", "2030"],
        ["show", "pk-by-readmission"],
        ["show", "khar"],
        ["summary"],
        ["summarise", "--format", "csv"],
        ["timeline", "--since", "2025-04"],
        ["validate"],
        ["build"],
        ["schema"],
        ["--version"],
        ["list", "--help"],
    ],
)
def test_success_is_0(mini: Path, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == OK, result.stderr
    assert "error" not in result.stderr


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["show", "no-such-record"], NOT_FOUND, "no record with id 'no-such-record'"),
        (["show", "pk-by-readmision"], NOT_FOUND, "closest: pk-by-readmission"),
        (["list", "--bogus"], USAGE, "No such option: --bogus"),
        (["nosuch"], USAGE, "No such command 'nosuch'"),
        (["list", "--since", "2025-13-45"], USAGE, "'2025-13-45' is not a real date"),
        (["list", "--until", "yesterday"], USAGE, "'yesterday' is not a date"),
        (["timeline", "--since", "2026", "--until", "2025"], USAGE, "is after --until"),
        (["list", "--country", "narnia"], USAGE, "unknown country 'narnia'"),
        (["search", "x", "--country", "narnia"], USAGE, "unknown country"),
        (["summary", "--country", "atlantis"], USAGE, "unknown country"),
        (["list", "--format", "xml"], USAGE, "unknown format 'xml'"),
        (["show", "khar", "--format", "csv"], USAGE, "unknown format 'csv'"),
        (["list", "--status", "sined"], USAGE, "did you mean 'signed'"),
        (["list", "--sort", "sideways"], USAGE, "unknown order 'sideways'"),
        (["list", "--limit", "0"], USAGE, "--limit"),
        (["list", "--limit", "many"], USAGE, "--limit"),
        (["search"], USAGE, "Missing argument"),
        (["search", ""], USAGE, "the query is empty"),
        (["search", "*"], USAGE, "nothing searchable"),
        (["show"], USAGE, "Missing argument 'ID'"),
        (["--data", "/nonexistent/agreements.yaml", "list"], USAGE, "data file not found"),
        (["validate", "/nonexistent/agreements.yaml"], USAGE, "no such file or folder"),
        (["--data", "/nonexistent/agreements.yaml", "validate"], USAGE, "data file not found"),
    ],
)
def test_errors_exit_with_their_code_and_one_line(mini: Path, args: list[str], code: int, message: str) -> None:
    result = cli(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    if args[0] == "validate":  # validate lists the problems on stdout and counts them on stderr
        assert result.stderr.count("\n") == 1 and message in result.stderr
        return
    assert message in _one_error_line(result.stderr)
    assert result.stdout == ""


def test_invalid_dataset_is_3_with_file_line_column(mini: Path) -> None:
    text = mini.read_text(encoding="utf-8").replace("kind: mou\n", "kind: treaty-of-sorts\n")
    mini.write_text(text, encoding="utf-8")
    for args in (["list"], ["search", "labour"], ["show", "khar"], ["summary"], ["timeline"], ["build"]):
        result = cli(*args)
        assert result.exit_code == INVALID, args
        line = _one_error_line(result.stderr)
        assert line.startswith(f"error: {mini}:"), line
        assert "agreements[0].kind" in line


def test_brief_exit_codes(mini: Path) -> None:
    pytest.importorskip("bilat.brief", reason="the brief command is not in this tree yet")
    assert cli("brief", "2025-04-12", "--format", "md").exit_code == OK
    nothing = cli("brief", "1999-01-01", "--format", "md")
    assert nothing.exit_code == NOT_FOUND
    _one_error_line(nothing.stderr)
    bad = cli("brief", "2025-13-45")
    assert bad.exit_code == USAGE
    _one_error_line(bad.stderr)


def test_no_arguments_shows_the_help_not_an_error(mini: Path) -> None:
    result = cli()
    assert result.exit_code == USAGE
    assert "Usage: bilat" in result.stderr + result.stdout
    assert "error:" not in result.stderr


def test_an_internal_error_is_70_with_one_line(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bilat.read.listing

    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(bilat.read.listing, "list_agreements", boom)
    result = cli("list")
    assert result.exit_code == INTERNAL
    line = _one_error_line(result.stderr)
    assert "RuntimeError: a bug" in line and "--debug" in line


@pytest.mark.parametrize("how", [["--debug"], ["BILAT_DEBUG=1"]])
def test_debug_shows_the_traceback(mini: Path, how: list[str]) -> None:
    prefix, flag = (how[0] + " ", "") if "=" in how[0] else ("", how[0] + " ")
    proc = shell(f"{prefix}bilat {flag}show no-such-record")
    assert proc.returncode != 0
    assert "Traceback (most recent call last)" in proc.stderr
    assert "NotFoundError" in proc.stderr


def test_without_debug_the_installed_script_prints_one_line(mini: Path) -> None:
    proc = shell("bilat show no-such-record")
    assert proc.returncode == NOT_FOUND
    _one_error_line(proc.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["show", b"\xff".decode("utf-8", "surrogateescape")],
        ["search", "labour\udcff"],
        ["list", "--country", "\udce9tats"],
        ["--db", "/tmp/\udcff/x.sqlite", "list"],
    ],
)
def test_an_argument_that_is_not_utf8_is_a_usage_error(mini: Path, args: list[str]) -> None:
    # What Python makes of invalid UTF-8 in argv (surrogate escapes), as the shell passes it to the script.
    argv = [a.encode("utf-8", "surrogateescape") for a in args]
    from conftest import bilat_script

    proc = subprocess.run([bilat_script().encode(), *argv], capture_output=True)
    assert proc.returncode == USAGE, proc.stderr
    line = _one_error_line(proc.stderr.decode("utf-8", "replace"))
    assert "UTF-8" in line


# ---------------------------------------------------------------- broken pipes


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A dataset of more than a megabyte of output, built once for the module; its BILAT_DATA and BILAT_DB."""
    folder = tmp_path_factory.mktemp("large")
    env = {"BILAT_DATA": str(large_dataset(folder / "large")), "BILAT_DB": str(folder / "large.sqlite")}
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        assert cli("build").exit_code == 0
    return env


@pytest.mark.parametrize(
    "command",
    [
        "bilat list",
        "bilat list --format json",
        "bilat list --format jsonl",
        "bilat list --format csv",
        "bilat list --format md",
        "bilat list --format table",
        "bilat search generated --limit 3000",
        "bilat timeline --format tsv",
    ],
)
def test_head_ends_a_large_output_quietly(large: dict[str, str], command: str) -> None:
    # More than a megabyte: the writer is still writing when head exits, so it does meet a closed pipe.
    proc = shell(f"{command} | head -n 1", large)
    assert proc.returncode == 0, proc.stderr  # pipefail: bilat's own exit code
    assert proc.stderr == ""
    assert proc.stdout.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--format", "json"],
        ["search", "labour"],
        ["show", "pk-by-readmission"],
        ["summary"],
        ["timeline", "--format", "csv"],
        ["schema"],
        ["--help"],
        ["list", "--help"],
        ["--version"],
        ["--show-completion", "bash"],
    ],
)
def test_a_reader_gone_before_the_first_write_is_quiet(mini: Path, args: list[str]) -> None:
    from conftest import bilat_script

    assert cli("build").exit_code == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write meets EPIPE, deterministically
    try:
        proc = subprocess.run([bilat_script(), *args], stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write_end)
    assert proc.returncode == 0
    assert proc.stderr == ""


def test_a_closed_stdout_is_no_traceback(mini: Path) -> None:
    proc = shell("bilat list >&-")
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert proc.stderr.count("\n") <= 1


def test_a_full_disk_is_one_line(mini: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    proc = shell("bilat list --format json > /dev/full")
    assert proc.returncode != 0
    line = _one_error_line(proc.stderr)
    assert "No space left" in line


# ---------------------------------------------------------------- Ctrl-C


def _waiting_on_lock(pid: int) -> bool:
    # /proc/locks lists a blocked lock request as "N: -> FLOCK ADVISORY WRITE <pid> ..."
    return any("->" in line and f" {pid} " in line for line in Path("/proc/locks").read_text().splitlines())


def test_ctrl_c_while_running_is_130_and_quiet(mini: Path, tmp_path: Path) -> None:
    from conftest import bilat_script

    if not Path("/proc/locks").exists():
        pytest.skip("needs /proc/locks to see the process wait")
    db = Path(os.environ["BILAT_DB"])
    # Hold the build lock so that the first run waits for it: a running process, deterministically.
    with open(db.with_name(db.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.Popen(
            [bilat_script(), "list"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # A background job (nohup, cron, `pytest &`) starts with SIGINT ignored, and a child inherits that:
            # give bilat the disposition a terminal's foreground process has, which is what this test is about.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            deadline = time.monotonic() + 60
            while not _waiting_on_lock(proc.pid):
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "bilat never waited for the lock"
                time.sleep(0.02)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == INTERRUPTED
    assert out == ""
    assert "Traceback" not in err and "Aborted" not in err and "KeyboardInterrupt" not in err
    assert err.strip() == ""
    assert not list(db.parent.glob(f".{db.name}.*.tmp"))  # no half-built file left behind
    # And the interrupted run did no harm: the next one builds and answers.
    after = cli("list", "--format", "json")
    assert after.exit_code == OK and len(json.loads(after.stdout)) == 3


def test_version_matches_the_package(mini: Path) -> None:
    proc = shell("bilat --version")
    assert proc.returncode == 0
    assert proc.stdout == f"bilat {__version__}\n"
