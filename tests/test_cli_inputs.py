"""Option values from the reliability review (I2, I5, I6): huge limits, empty and impossible dates.

Each runs through Typer (CliRunner) and through the installed script's fast path, which must agree.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import bilat_script, cli

HUGE = ["9223372036854775807", "9223372036854775808", "100000000000000000000"]


def _both(*args: str) -> list[tuple[int, str, str]]:
    typer = cli(*args)
    proc = subprocess.run([bilat_script(), *args], capture_output=True, text=True, env={**os.environ}, timeout=60)
    return [(typer.exit_code, typer.stdout, typer.stderr), (proc.returncode, proc.stdout, proc.stderr)]


@pytest.mark.parametrize("limit", HUGE)
@pytest.mark.parametrize("command", [["list"], ["search", "labour"], ["timeline"]])
def test_a_limit_beyond_sqlite_integers_means_every_row(mini: Path, command: list[str], limit: str) -> None:
    expected = json.loads(cli(*command, "--format", "json").stdout)
    for code, out, err in _both(*command, "--limit", limit, "--format", "json"):
        assert code == 0, err
        assert json.loads(out) == expected


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--since", "", "--since: '' is not a date"),
        ("--until", "", "--until: '' is not a date"),
        ("--since", "0000", "there is no year 0"),
        ("--until", "0000-01", "there is no year 0"),
    ],
)
def test_empty_and_impossible_dates_are_usage_errors(mini: Path, option: str, value: str, message: str) -> None:
    for code, out, err in _both("list", option, value):
        assert code == 2, err
        assert out == ""
        assert err.startswith("error: ") and message in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("value, traceback", [("0", False), ("", False), ("no", False), ("1", True), ("true", True)])
def test_bilat_debug_is_read_as_a_switch(mini: Path, value: str, traceback: bool) -> None:
    env = {**os.environ, "BILAT_DEBUG": value}
    proc = subprocess.run([bilat_script(), "show", "nope"], capture_output=True, text=True, env=env, timeout=60)
    assert ("Traceback" in proc.stderr) is traceback, proc.stderr
    if not traceback:
        assert proc.returncode == 1 and proc.stderr.startswith("error: no record with id 'nope'")


def test_a_limit_with_more_digits_than_python_converts_is_a_usage_error(mini: Path) -> None:
    for code, out, err in _both("list", "--limit", "9" * 4301):
        assert code == 2 and out == "" and "Traceback" not in err, err


@pytest.mark.parametrize("args", [["list"], ["list", "--format", "json"], ["show", "khar"], ["brief", "2025-04-12"]])
def test_a_full_disk_on_stdout_is_one_line_and_exit_74(mini: Path, args: list[str]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    proc = subprocess.run(
        f"{bilat_script()} {' '.join(args)} > /dev/full", shell=True, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 74, proc.stderr
    assert proc.stderr == "error: cannot write the output: No space left on device\n"


def test_a_loop_of_links_as_the_data_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    env = {**os.environ, "BILAT_DATA": str(tmp_path / "a")}
    for args in (["list"], ["validate"]):
        proc = subprocess.run([bilat_script(), *args], capture_output=True, text=True, env=env, timeout=60)
        assert proc.returncode == 74 and proc.stderr == f"error: {tmp_path / 'a'}: a loop of symbolic links\n"


def test_a_huge_argument_is_not_echoed_whole(mini: Path) -> None:
    for code, out, err in _both("show", "a" * 120_000):
        assert code == 1 and out == ""
        assert len(err) < 2_200 and err.rstrip().endswith("more characters)")


@pytest.mark.parametrize("option", ["--no-color", "-q", "--quiet", "--debug"])
def test_global_options_work_after_the_command_too(real: Path, option: str) -> None:
    before = cli(option, "list", "--format", "json")
    after = cli("list", option, "--format", "json")
    assert after.exit_code == before.exit_code == 0, after.stderr
    assert after.stdout == before.stdout


def test_data_after_the_command_wins_over_data_before(real: Path, mini: Path) -> None:
    result = cli("--data", str(real), "list", "--data", str(mini), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == cli("--data", str(mini), "list", "--format", "json").stdout


def test_a_comma_list_is_either_value(real: Path) -> None:
    both = json.loads(cli("list", "--status", "agreed,signed", "--format", "json").stdout)
    repeated = json.loads(cli("list", "-s", "agreed", "-s", "signed", "--format", "json").stdout)
    assert both == repeated and {r["status"] for r in both} == {"agreed", "signed"}
    countries = json.loads(cli("list", "--country", "belarus,belgium", "--format", "json").stdout)
    assert len(countries) == len(json.loads(cli("list", "--format", "json").stdout))
    bad = cli("list", "--status", "agreed,sined")
    assert bad.exit_code == 2 and "unknown value 'sined' (did you mean 'signed'?)" in bad.stderr


def test_brief_output_named_json_is_json(real: Path, tmp_path: Path) -> None:
    target = tmp_path / "note.json"
    assert cli("brief", "2025-04-12", "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["target"]["value"] == "2025-04-12"
    markdown = tmp_path / "note.md"
    assert cli("brief", "2025-04-12", "-o", str(markdown)).exit_code == 0
    assert markdown.read_text(encoding="utf-8").startswith("# Pakistan and Belarus")


@pytest.mark.parametrize(
    ("option", "typed", "meant"),
    [
        ("--sector", "labour", "labour-mobility"),
        ("--sector", "labor", "labour-mobility"),
        ("--kind", "memorandum", "memorandum-of-cooperation"),
    ],
)
def test_a_word_of_a_vocabulary_value_is_suggested(real: Path, option: str, typed: str, meant: str) -> None:
    result = cli("list", option, typed)
    assert result.exit_code == 2 and f"(did you mean '{meant}'?)" in result.stderr


def test_show_takes_an_id_in_any_case(real: Path) -> None:
    upper = cli("show", "PK-BE-LABOUR-MOU", "--format", "json")
    assert upper.exit_code == 0 and json.loads(upper.stdout)["id"] == "pk-be-labour-mou"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Turkiye", "TR"),
        ("ivory coast", "CI"),
        ("White Russia", "BY"),
        ("Vietnamese", "VN"),
        ("Cote d'Ivoire", "CI"),
        ("Republic of Korea", "KR"),
        ("Holland", "NL"),
        ("Burma", "MM"),
        ("Türkiye", "TR"),
    ],
)
def test_country_names_people_use_resolve(real: Path, typed: str, code: str) -> None:
    import sqlite3

    from bilat.countries import resolve_country

    result = cli("list", "--country", typed, "--format", "json")
    assert result.exit_code == 0, result.stderr
    conn = sqlite3.connect(cli("db").stdout.strip())
    assert resolve_country(conn, typed) == code
