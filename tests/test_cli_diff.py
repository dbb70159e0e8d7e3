"""`bilat diff [OLD] [NEW]` through the CLI: files, folders and git revisions (a real temporary repository),
formats, exit codes, sides that do not load; and bilat.revisions and bilat.diff_sides below it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bilat.diff_sides import load_side, same_files
from bilat.problems import InvalidDataError, UsageError
from bilat.revisions import Repository, extract, locate, wanted
from conftest import MINI_DATA, REPO, cli, shell

REVIEW = REPO / "tests" / "fixtures" / "review"
BEFORE, AFTER = "tests/fixtures/review/before.yaml", "tests/fixtures/review/after.yaml"  # as the README names them
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, env={**os.environ, **GIT_ENV}, check=True
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding the mini dataset in data/ (and a file that is no part of it), committed once."""
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    top = tmp_path / "repo"
    shutil.copytree(MINI_DATA, top / "data")
    (top / "notes.txt").write_text("not the dataset\n")
    git(top, "init", "-q")
    git(top, "add", ".")
    git(top, "commit", "-qm", "the dataset")
    monkeypatch.setenv("BILAT_DATA", str(top / "data" / "agreements.yaml"))
    monkeypatch.chdir(top)
    return top


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def diff_json(*args: str) -> dict[str, object]:
    result = cli("diff", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


# ---------------------------------------------------------------- two files


@pytest.fixture(autouse=True)
def at_the_top(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository's top folder, where BEFORE and AFTER are (the git tests move to their own)."""
    monkeypatch.chdir(REPO)


def test_two_files_in_markdown_when_piped() -> None:
    result = cli("diff", BEFORE, AFTER)
    assert result.exit_code == 0 and result.stderr == ""
    text = result.stdout
    assert text.startswith(f"## Dataset changes: `{BEFORE}` -> `{AFTER}`\n")
    assert "- Renamed `labour-mou-finalised` -> `pk-be-labour-mou-finalised`" in text
    assert "- Removed `de-moor-spelling`" in text and "- Added `belgian-secretary-of-state`" in text
    assert "  - aliases: added “De Moor”" in text


def test_two_files_in_json() -> None:
    data = diff_json(BEFORE, AFTER)
    assert data["counts"] == {"added": 1, "removed": 1, "renamed": 1, "changed": 3}
    sections = data["sections"]
    assert isinstance(sections, dict)
    (renamed,) = sections["follow_ups"]["renamed"]
    assert (renamed["from"], renamed["to"], renamed["changes"]) == (
        "labour-mou-finalised",
        "pk-be-labour-mou-finalised",
        [],
    )
    assert renamed["at"].startswith(f"{AFTER}:")
    changed = {e["id"]: e for e in sections["agreements"]["changed"]}
    title = changed["pk-be-labour-mou"]["changes"][0]
    assert title == {
        "field": "title",
        "item": None,
        "part": None,
        "change": "changed",
        "old": "MoU on labour partnerships [draft]",
        "new": "MoU on labour partnerships between Pakistan and Belgium",
    }


def test_a_file_against_itself_has_no_changes_and_exit_code_says_whether_there_are() -> None:
    same = cli("diff", BEFORE, BEFORE)
    assert (same.exit_code, same.stdout) == (0, "No changes.\n")
    assert cli("diff", BEFORE, BEFORE, "--exit-code").exit_code == 0
    changed = cli("diff", BEFORE, AFTER, "--exit-code")
    assert changed.exit_code == 1 and changed.stdout.startswith("## Dataset changes") and changed.stderr == ""


def test_on_a_terminal_format_the_markdown_is_drawn_by_rich() -> None:
    result = cli("diff", BEFORE, AFTER, "--format", "table")
    assert result.exit_code == 0
    assert "Dataset changes" in result.stdout and "## Dataset" not in result.stdout
    assert "Renamed labour-mou-finalised -> pk-be-labour-mou-finalised" in " ".join(result.stdout.split())


def test_a_bad_format_is_a_usage_error() -> None:
    result = cli("diff", BEFORE, AFTER, "--format", "csv")
    assert result.exit_code == 2 and "unknown format 'csv'" in result.stderr


def test_a_folder_dataset_and_a_record_moved_between_its_files(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        shutil.copytree(MINI_DATA / "sources", folder / "sources")
    text = (MINI_DATA / "agreements.yaml").read_text(encoding="utf-8")
    head, tail = text.split("follow_ups:", 1)
    (old / "main.yaml").write_text(text, encoding="utf-8")
    (new / "main.yaml").write_text(head, encoding="utf-8")
    (new / "promises.yaml").write_text("follow_ups:" + tail, encoding="utf-8")
    data = diff_json(str(old), str(new))
    sections = data["sections"]
    assert isinstance(sections, dict)
    moved = sections["follow_ups"]["changed"][0]
    assert moved["changes"] == [
        {"field": "file", "item": None, "part": None, "change": "changed", "old": "main.yaml", "new": "promises.yaml"}
    ]
    assert moved["at"] == f"{new / 'promises.yaml'}:2"
    assert data["counts"] == {"added": 0, "removed": 0, "renamed": 0, "changed": 2}  # the discrepancy moved too
    assert [e["id"] for e in sections["discrepancies"]["changed"]] == ["de-moor-spelling"]


def test_files_the_same_in_both_folders_are_not_read_unless_a_source_text_changed(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        shutil.copytree(MINI_DATA / "sources", folder / "sources")
        shutil.copy(MINI_DATA / "agreements.yaml", folder / "main.yaml")
        (folder / "same.yaml").write_text("people: [unreadable\n")  # the same broken file on both sides
    assert same_files(old, new) == {"main.yaml", "same.yaml"}
    assert cli("diff", str(old), str(new)).stdout == "No changes.\n"
    edit(new / "main.yaml", "title: Readmission Agreement\n", "title: Readmission\n")
    assert same_files(old, new) == {"same.yaml"}
    assert "- Changed `pk-by-readmission`: Readmission" in cli("diff", str(old), str(new)).stdout
    edit(new / "sources" / "beta.txt", "signed a", "initialled a")  # its source record is in main.yaml
    assert same_files(old, new) == frozenset()
    result = cli("diff", str(old), str(new))
    assert result.exit_code == 3 and "same.yaml:2:1: YAML syntax" in result.stderr  # every file read now
    (new / "same.yaml").write_text("people: []\n")
    (old / "same.yaml").write_text("people: []\n")
    assert "  - text: “" in cli("diff", str(old), str(new)).stdout


# ---------------------------------------------------------------- sides that do not load


def test_a_side_that_does_not_load_names_the_side_and_the_place(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(MINI_DATA, broken)
    edit(broken / "agreements.yaml", "    title: Readmission Agreement\n", "    title: [unclosed\n")
    result = cli("diff", BEFORE, str(broken / "agreements.yaml"))
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: NEW ({broken / 'agreements.yaml'}) does not load: ")
    assert f"{broken / 'agreements.yaml'}:" in result.stderr and "YAML syntax" in result.stderr


def test_a_record_that_breaks_the_model_or_an_id_used_twice_does_not_load(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(MINI_DATA, bad)
    edit(bad / "agreements.yaml", "    kind: mou\n", "    kind: treaty\n")
    with pytest.raises(InvalidDataError) as caught:
        load_side(bad / "agreements.yaml", "bad", "OLD")
    assert caught.value.code == 3 and "OLD (bad) does not load: " in caught.value.message
    assert "agreements[0].kind" in caught.value.message
    edit(bad / "agreements.yaml", "    kind: treaty\n", "    kind: mou\n")
    edit(bad / "agreements.yaml", "  - id: pk-by-readmission\n", "  - id: pk-by-skilled-workers\n")
    result = cli("diff", str(bad / "agreements.yaml"), BEFORE)
    assert result.exit_code == 3 and "duplicate id 'pk-by-skilled-workers'" in result.stderr


def test_a_side_is_read_with_its_places_and_source_texts() -> None:
    side = load_side(MINI_DATA / "agreements.yaml", "mini", "OLD")
    records = side.records["agreements"]
    assert list(records) == ["pk-be-labour-mou", "pk-by-skilled-workers", "pk-by-readmission"]
    line = int(records["pk-by-readmission"].at.rsplit(":", 1)[1])
    text = (MINI_DATA / "agreements.yaml").read_text(encoding="utf-8").splitlines()
    assert text[line - 1] == "  - id: pk-by-readmission"
    assert side.texts["alpha"] == (MINI_DATA / "sources" / "alpha.txt").read_text(encoding="utf-8")
    assert records["pk-by-readmission"].data["quantity"] is None  # the model's defaults filled in


def test_a_label_that_would_drive_the_terminal_is_shown(tmp_path: Path) -> None:
    folder = tmp_path / "x\x1b]0;owned\x07"
    shutil.copytree(MINI_DATA, folder)
    edit(folder / "agreements.yaml", "    title: Readmission Agreement\n", "    title: Readmission\n")
    result = cli("diff", BEFORE, str(folder / "agreements.yaml"))
    assert result.exit_code == 0 and "\x1b" not in result.stdout and "\\x1b]0;owned\\x07" in result.stdout


# ---------------------------------------------------------------- git revisions


def test_with_no_argument_head_against_the_working_tree(repo: Path) -> None:
    assert cli("diff").stdout == "No changes.\n"
    edit(repo / "data" / "agreements.yaml", "title: Readmission Agreement\n", "title: Readmission Agreement (2025)\n")
    result = cli("diff")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("## Dataset changes: `HEAD` -> `data/agreements.yaml`\n")
    assert "  - title: “Readmission Agreement” -> “Readmission Agreement (2025)”" in result.stdout
    assert cli("diff", "HEAD").stdout == result.stdout  # one argument: that version against the working tree


def test_two_revisions_and_the_places_of_a_revision(repo: Path) -> None:
    edit(repo / "data" / "agreements.yaml", "  - id: pk-by-readmission\n", "  - id: pk-by-readmission-agreement\n")
    git(repo, "commit", "-qam", "rename")
    assert cli("diff").stdout == "No changes.\n"
    data = diff_json("HEAD~1", "HEAD")
    assert (data["old"], data["new"]) == ("HEAD~1", "HEAD")
    sections = data["sections"]
    assert isinstance(sections, dict)
    (renamed,) = sections["agreements"]["renamed"]
    assert (renamed["from"], renamed["to"]) == ("pk-by-readmission", "pk-by-readmission-agreement")
    assert renamed["at"].startswith("HEAD:data/agreements.yaml:")
    assert diff_json("HEAD", "HEAD~1")["sections"]["agreements"]["renamed"][0]["to"] == "pk-by-readmission"  # type: ignore[index]


def test_a_source_text_changed_at_a_revision(repo: Path) -> None:
    edit(repo / "data" / "sources" / "beta.txt", "signed a Readmission", "initialled a Readmission")
    (change,) = diff_json()["sections"]["sources"]["changed"][0]["changes"]  # type: ignore[index]
    assert change["field"] == "text" and "signed" in change["old"] and "initialled" in change["new"]


def test_a_revision_that_does_not_load_is_named_at_its_place(repo: Path) -> None:
    edit(repo / "data" / "agreements.yaml", "    kind: mou\n", "    kind: treaty\n")
    git(repo, "commit", "-qam", "broken")
    edit(repo / "data" / "agreements.yaml", "    kind: treaty\n", "    kind: mou\n")
    git(repo, "commit", "-qam", "fixed")
    result = cli("diff", "HEAD~1", "HEAD")
    assert result.exit_code == 3
    assert result.stderr.startswith("error: OLD (HEAD~1) does not load: HEAD~1:data/agreements.yaml:")
    assert "agreements[0].kind" in result.stderr


def test_unknown_revisions_and_no_repository_are_usage_errors(repo: Path, tmp_path: Path) -> None:
    result = cli("diff", "no-such-revision")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "'no-such-revision' is neither a file or folder nor a revision git knows" in result.stderr
    outside = tmp_path / "outside"
    shutil.copytree(MINI_DATA, outside)
    result = cli("--data", str(outside / "agreements.yaml"), "diff")
    assert result.exit_code == 2 and "is not in a git repository" in result.stderr
    (repo / "data" / "agreements.yaml").rename(repo / "data" / "moved.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "moved")
    result = cli("--data", str(repo / "data" / "moved.yaml"), "diff", "HEAD~1")
    assert result.exit_code == 2 and "HEAD~1: there is no data/moved.yaml in that revision" in result.stderr


def test_a_path_that_exists_wins_over_a_revision(repo: Path) -> None:
    shutil.copy(REVIEW / "after.yaml", repo / "HEAD")
    shutil.copytree(REVIEW / "sources", repo / "sources")
    result = cli("diff", "HEAD")
    assert result.exit_code == 0
    assert result.stdout.startswith("## Dataset changes: `HEAD` -> `data/agreements.yaml`")
    assert "belgian-secretary-of-state" in result.stdout  # in after.yaml only: the file was read, not HEAD


def test_the_installed_command_piped_from_a_repository(repo: Path, tmp_path: Path) -> None:
    edit(repo / "data" / "agreements.yaml", "    title: Readmission Agreement\n", "    title: Readmission\n")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc = shell(f"cd {repo} && bilat diff | cat", env={"TMPDIR": str(scratch)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("## Dataset changes: `HEAD` -> `data/agreements.yaml`")
    assert "  - title: “Readmission Agreement” -> “Readmission”" in proc.stdout
    assert list(scratch.iterdir()) == []  # the copy of HEAD is gone
    proc = shell(f"cd {repo} && bilat diff --exit-code HEAD > /dev/null", env={"TMPDIR": str(scratch)})
    assert proc.returncode == 1 and proc.stderr == ""


# ---------------------------------------------------------------- bilat.revisions


def test_only_the_datasets_files_are_copied_out(repo: Path, tmp_path: Path) -> None:
    (repo / "data" / "sources" / "deeper").mkdir()
    (repo / "data" / "sources" / "deeper" / "x.txt").write_text("no\n")
    (repo / "data" / "other.yaml").write_text("sources: []\n")
    os.symlink("/etc/passwd", repo / "data" / "sources" / "link.txt")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "more files")
    found = locate(repo / "data" / "agreements.yaml", what="HEAD")
    assert found == Repository(repo.resolve(), "data/agreements.yaml", False)
    into = tmp_path / "copy"
    path = extract(found, "HEAD", into)
    assert path == into.resolve() / "data" / "agreements.yaml"
    copied = sorted(str(p.relative_to(into)) for p in into.rglob("*") if p.is_file() or p.is_symlink())
    assert copied == ["data/agreements.yaml", "data/sources/alpha.txt", "data/sources/beta.txt"]
    assert path.read_bytes() == (MINI_DATA / "agreements.yaml").read_bytes()


def test_a_folder_dataset_at_the_top_of_its_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    top = tmp_path / "top"
    shutil.copytree(MINI_DATA, top)
    (top / "more").mkdir()
    (top / "more" / "b.yml").write_text("people: []\n")
    (top / "README").write_text("x\n")
    git(top, "init", "-q")
    git(top, "add", ".")
    git(top, "commit", "-qm", "top")
    found = locate(top, what="HEAD")
    assert (found.path, found.folder) == ("", True)
    assert [wanted(found, n) for n in ("agreements.yaml", "more/b.yml", "README", "sources/a.txt")] == [
        "agreements.yaml",
        "more/b.yml",
        None,
        "sources/a.txt",
    ]
    monkeypatch.setenv("BILAT_DATA", str(top))
    assert cli("diff").stdout == "No changes.\n"
    edit(top / "more" / "b.yml", "people: []\n", "people: []\norganisations: []\n")
    assert cli("diff", "HEAD").stdout == "No changes.\n"


def test_a_revision_is_never_read_as_an_option(repo: Path, tmp_path: Path) -> None:
    found = locate(repo / "data" / "agreements.yaml", what="x")
    with pytest.raises(UsageError, match="neither a file or folder nor a revision"):
        extract(found, "--output=/tmp/x", tmp_path / "copy")


def test_a_saved_copy_of_the_file_without_its_sources_is_compared(real: Path, tmp_path: Path) -> None:
    """A copy kept aside (`cp agreements.yaml old.yaml`) has no sources folder: its records are still compared."""
    saved = tmp_path / "aside" / "old.yaml"
    saved.parent.mkdir()
    shutil.copy(real, saved)
    edit(real, "title: MoU on labor partnership", "title: MoU on labour partnership")
    result = diff_json(str(saved), str(real))
    (changed,) = result["sections"]["agreements"]["changed"]  # type: ignore[index]
    assert changed["id"] == "pk-be-labour-mou"


def test_a_source_text_edited_since_registered_is_shown_not_refused(real: Path) -> None:
    """A stale checksum is validate's to report; the diff shows what the edit did to the text."""
    from bilat.load import read_plain

    (data,) = read_plain(real)
    source = next(s for s in data["sources"] if s.get("sha256"))
    text = real.parent / "sources" / source["file"]
    before = text.read_text(encoding="utf-8")
    saved = real.parent.parent / "before"
    shutil.copytree(real.parent, saved)
    text.write_text(before.replace("Pakistan", "Pakistan (sic)", 1), encoding="utf-8")
    result = diff_json(str(saved / "agreements.yaml"), str(real))
    (changed,) = result["sections"]["sources"]["changed"]  # type: ignore[index]
    assert changed["id"] == source["id"] and changed["changes"][0]["field"] == "text"
    assert cli("validate").exit_code == 3  # and validate says the text changed since it was registered
