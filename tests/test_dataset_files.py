"""bilat.dataset_files: the curation commands write only the dataset's own files, whole, never through a link."""

from __future__ import annotations

import difflib
import os
import stat
from pathlib import Path

import pytest

from bilat.dataset_files import add_new_file, file_for, read_data_file, replace_data_file, sources_dir
from bilat.problems import UsageError
from conftest import MINI_DATA, cli, copy_dataset


def test_a_data_file_is_replaced_whole_keeping_its_mode(tmp_path: Path) -> None:
    data = tmp_path / "agreements.yaml"
    data.write_text("sources: []\n", encoding="utf-8")
    data.chmod(0o640)
    replace_data_file(data, data, "sources: []\n", "people: []\n")
    assert data.read_text(encoding="utf-8") == "people: []\n"
    assert stat.S_IMODE(data.stat().st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["agreements.yaml"]  # no temporary file left


def test_a_data_file_changed_since_it_was_read_is_left_as_it_is(tmp_path: Path) -> None:
    data = tmp_path / "agreements.yaml"
    data.write_text("sources: []\n# saved by an editor meanwhile\n", encoding="utf-8")
    with pytest.raises(UsageError, match="changed while bilat was adding to it: nothing written"):
        replace_data_file(data, data, "sources: []\n", "people: []\n")
    assert data.read_text(encoding="utf-8") == "sources: []\n# saved by an editor meanwhile\n"


def test_links_and_other_names_are_refused(tmp_path: Path) -> None:
    data = tmp_path / "agreements.yaml"
    data.write_text("sources: []\n", encoding="utf-8")
    os.link(data, tmp_path / "other-name.yaml")
    with pytest.raises(UsageError, match="has other hard links"):
        read_data_file(data, data)
    os.unlink(tmp_path / "other-name.yaml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "agreements.yaml").symlink_to(data)
    with pytest.raises(UsageError, match="is a symbolic link"):
        read_data_file(tmp_path / "data" / "agreements.yaml", tmp_path / "data" / "agreements.yaml")
    with pytest.raises(UsageError, match="is a symbolic link"):
        file_for(tmp_path / "data" / "agreements.yaml", "people")
    inner = tmp_path / "data" / "inner.yaml"  # its data folder is data/; elsewhere/ is outside it
    inner.write_text("sources: []\n", encoding="utf-8")
    (tmp_path / "data" / "sources").symlink_to(elsewhere)
    with pytest.raises(UsageError, match="not a folder inside the data folder"):
        sources_dir(inner)
    assert os.listdir(elsewhere) == []


def test_a_new_source_file_never_replaces_one(tmp_path: Path) -> None:
    add_new_file(tmp_path, "000_a.txt", "first\n")
    with pytest.raises(FileExistsError):
        add_new_file(tmp_path, "000_a.txt", "second\n")
    assert (tmp_path / "000_a.txt").read_text(encoding="utf-8") == "first\n"
    assert os.listdir(tmp_path) == ["000_a.txt"]


def test_a_missing_sources_folder_is_made(tmp_path: Path) -> None:
    data = tmp_path / "agreements.yaml"
    data.write_text("empty: true\n", encoding="utf-8")
    assert sources_dir(data) == (tmp_path / "sources").resolve() and (tmp_path / "sources").is_dir()


def test_a_folder_dataset_gets_each_record_in_the_file_with_its_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_dataset(MINI_DATA, tmp_path / "ds").parent
    text = (folder / "agreements.yaml").read_text(encoding="utf-8")
    cut = text.index("\nagreements:") + 1
    (folder / "a.yaml").write_text(text[:cut], encoding="utf-8")
    (folder / "b.yaml").write_text(text[cut:], encoding="utf-8")
    (folder / "agreements.yaml").unlink()
    monkeypatch.setenv("BILAT_DATA", str(folder))
    report = tmp_path / "r.txt"
    report.write_text("A text for a folder dataset.\n", encoding="utf-8")
    assert cli("sources", "add", str(report), "--outlet", "X", "--published", "2025-01-02").stdout == "x-2025-01-02\n"
    assert cli("new", "agreement", "--source", "x-2025-01-02", "--write").exit_code == 0
    assert "- id: x-2025-01-02" in (folder / "a.yaml").read_text(encoding="utf-8")
    assert "- id: agreement-from-x-2025-01-02" in (folder / "b.yaml").read_text(encoding="utf-8")
    changes = difflib.ndiff(text[cut:].splitlines(), (folder / "b.yaml").read_text(encoding="utf-8").splitlines())
    assert not [line for line in changes if line.startswith(("- ", "? "))]  # lines added, none changed
    assert sorted(os.listdir(folder / "sources"))[0].startswith("000_")
