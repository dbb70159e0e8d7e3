"""Source texts are read only from regular files inside sources/, of bounded size (review P1-P7).

Each case names a hostile `file:` in the mini fixture (or plants a link, FIFO or
huge file in sources/), then checks three doors: `read_source` itself, `bilat
validate` (exit 3, located at the `file:` value) and a query command (exit 3,
nothing from outside in the database).
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from pathlib import Path

import pytest

import bilat.source_files as source_files
from bilat.model import Source
from bilat.source_files import SourceFileError, name_problem, read_source
from conftest import cli

SECRET = "SECRET_TOKEN=hunter2-do-not-leak"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A secret file outside the dataset's folder."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.env").write_text(SECRET + "\n")
    return folder / "secret.env"


def _name_beta(mini: Path, name: str) -> None:
    """Source `beta` now names `name` (YAML double-quoted, so any text fits)."""
    text = mini.read_text()
    assert "    file: beta.txt\n" in text
    mini.write_text(text.replace("    file: beta.txt\n", f'    file: "{name}"\n', 1))


def _refused_everywhere(mini: Path, message: str) -> str:
    """Validate says `message` at the `file:` value; a query command refuses to build; no secret anywhere."""
    result = cli("validate", str(mini))
    assert result.exit_code == 3, result.stdout + result.stderr
    line = next(
        i for i, text in enumerate(mini.read_text().splitlines(), 1) if text.startswith("    file: ") and i > 10
    )
    assert re.search(rf"agreements\.yaml:{line}:11: sources\[1\]\.file: .*{re.escape(message)}", result.stdout), (
        result.stdout
    )
    built = cli("list", "--format", "json")
    assert built.exit_code == 3, built.stdout + built.stderr
    db = mini.parent.parent / "bilat.sqlite"  # BILAT_DB of the `isolated` fixture
    if db.exists():
        texts = [row[0] or "" for row in sqlite3.connect(db).execute("select text from sources")]
        assert not any(SECRET in t or "root:" in t for t in texts)
    for output in (result.stdout, result.stderr, built.stdout, built.stderr):
        assert SECRET not in output
    return result.stdout


def test_the_real_sources_are_read(mini: Path) -> None:
    assert "Readmission Agreement" in read_source(mini.parent / "sources", "beta.txt")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../../outside/secret.env", "must stay inside the sources folder (no '..')"),
        ("sub/../../outside/secret.env", "must stay inside the sources folder (no '..')"),
        ("..\\\\outside\\\\secret.env", "must stay inside the sources folder (no '..')"),
        ("/etc/passwd", "must be a path relative to the sources folder, not an absolute path"),
        ("/proc/self/environ", "must be a path relative to the sources folder, not an absolute path"),
        ("/dev/zero", "must be a path relative to the sources folder, not an absolute path"),
        ("/dev/stdin", "must be a path relative to the sources folder, not an absolute path"),
        ("C:\\\\Windows\\\\win.ini", "not an absolute path"),
    ],
)
def test_a_name_outside_the_folder_is_refused(mini: Path, outside: Path, name: str, message: str) -> None:
    _name_beta(mini, name)
    _refused_everywhere(mini, message)


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "a/../../b", "C:\\x", "..", "./../x"])
def test_the_model_refuses_such_names_early(name: str) -> None:
    record = {"id": "s", "outlet": None, "published": "2025", "kind": "news-report", "file": name}
    with pytest.raises(ValueError, match=r"sources folder"):
        Source.model_validate(record)
    assert name_problem(name)


@pytest.mark.parametrize("name", ["beta.txt", "a..b.txt", "..hidden.txt"])
def test_ordinary_names_pass_the_name_check(name: str) -> None:
    assert name_problem(name) is None


def test_a_link_to_a_file_outside_is_refused(mini: Path, outside: Path) -> None:
    beta = mini.parent / "sources" / "beta.txt"
    beta.unlink()
    beta.symlink_to(outside)
    _refused_everywhere(mini, "source text sources/beta.txt is a link to a file outside the sources folder")


def test_a_link_to_a_missing_file_outside_says_the_same(mini: Path, outside: Path) -> None:
    """The message must not tell whether a file outside exists (an oracle in CI logs)."""
    beta = mini.parent / "sources" / "beta.txt"
    beta.unlink()
    beta.symlink_to(outside.parent / "no-such-file")
    missing = _refused_everywhere(mini, "is a link to a file outside the sources folder")
    beta.unlink()
    beta.symlink_to(outside)
    present = cli("validate", str(mini)).stdout
    assert missing == present


def test_a_missing_file_outside_does_not_reveal_anything(mini: Path, outside: Path) -> None:
    _name_beta(mini, "../../outside/no-such-file")
    missing = _refused_everywhere(mini, "must stay inside the sources folder")
    _name_beta_again = mini.read_text().replace("no-such-file", "secret.env")
    mini.write_text(_name_beta_again)
    assert cli("validate", str(mini)).stdout == missing.replace("no-such-file", "secret.env")
    assert str(outside.parent) not in missing


def test_a_link_inside_the_folder_is_followed(mini: Path) -> None:
    sources = mini.parent / "sources"
    (sources / "beta.txt").rename(sources / "beta-real.txt")
    (sources / "beta.txt").symlink_to("beta-real.txt")
    assert cli("validate", str(mini)).exit_code == 0


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_link_to_a_device_is_refused(mini: Path, device: str) -> None:
    beta = mini.parent / "sources" / "beta.txt"
    beta.unlink()
    beta.symlink_to(device)
    _refused_everywhere(mini, "is a link to a file outside the sources folder")


def test_a_fifo_inside_the_folder_is_refused_without_hanging(mini: Path) -> None:
    beta = mini.parent / "sources" / "beta.txt"
    beta.unlink()
    os.mkfifo(beta)
    done: list[str] = []
    worker = threading.Thread(target=lambda: done.append(_refused_everywhere(mini, "is not a regular file")))
    worker.start()
    worker.join(timeout=30)
    if worker.is_alive():  # unblock the reader so the test run can end, then fail
        with open(beta, "w"):
            pass
        pytest.fail("reading a FIFO in sources/ hung")
    assert done


def test_a_folder_is_not_a_source_text(mini: Path) -> None:
    beta = mini.parent / "sources" / "beta.txt"
    beta.unlink()
    beta.mkdir()
    _refused_everywhere(mini, "is not a regular file")


def test_a_file_over_the_cap_is_refused(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source_files, "MAX_SOURCE_BYTES", 100)
    _refused_everywhere(mini, "over the limit of 100")


def test_a_sparse_file_over_16_mib_is_refused_without_reading_it(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    with open(sources / "huge.txt", "wb") as stream:
        stream.truncate(source_files.MAX_SOURCE_BYTES + 1)  # sparse: no disk space, no memory
    with pytest.raises(SourceFileError, match="16,777,217 bytes, over the limit of 16,777,216"):
        read_source(sources, "huge.txt")


def test_a_file_of_exactly_the_cap_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source_files, "MAX_SOURCE_BYTES", 10)
    (tmp_path / "ten.txt").write_text("0123456789")
    assert read_source(tmp_path, "ten.txt") == "0123456789"


def test_a_source_text_that_is_not_utf8_is_located(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("line one\ncaf\xe9\n".encode("latin-1"))
    with pytest.raises(SourceFileError, match=r"not UTF-8 text \(line 2, column 4\)"):
        read_source(tmp_path, "latin1.txt")


def test_no_sources_folder(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match="there is no sources folder"):
        read_source(tmp_path / "nowhere", "beta.txt")


def test_a_sources_folder_that_links_outside_the_data_folder_is_refused(tmp_path: Path) -> None:
    # Review of the fix: `sources -> /` made every absolute file "inside" the folder.
    data = tmp_path / "data"
    data.mkdir()
    (data / "sources").symlink_to("/")
    with pytest.raises(SourceFileError, match="link to a folder outside the data folder"):
        read_source(data / "sources", "passwd")


def test_a_sources_folder_linked_inside_the_data_folder_is_fine(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "texts").mkdir(parents=True)
    (data / "texts" / "a.txt").write_text("hello")
    (data / "sources").symlink_to("texts")
    assert read_source(data / "sources", "a.txt") == "hello"


def test_a_file_in_a_subfolder_is_refused(tmp_path: Path) -> None:
    # The freshness check watches the folder's own files: a text in a subfolder would go stale unseen.
    (tmp_path / "sources" / "sub").mkdir(parents=True)
    (tmp_path / "sources" / "sub" / "a.txt").write_text("hello")
    with pytest.raises(SourceFileError, match="not in a subfolder"):
        read_source(tmp_path / "sources", "sub/a.txt")
