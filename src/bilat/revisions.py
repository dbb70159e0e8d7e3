"""A dataset as it was at a git revision (`HEAD`, `main~1`, `abc123`), copied out into a folder of bilat's own.

Git runs in the dataset's folder (`git rev-parse --show-toplevel --show-prefix`
says where the dataset is inside its repository); `git ls-tree` lists the
dataset's files at the revision and `git cat-file --batch` reads them.  Only
what a dataset is made of is copied: the data file and the texts directly in
its `sources/` folder beside it, or, for a folder dataset, every `*.yaml` /
`*.yml` under it and its `sources/`.  Only plain files are copied (no
symbolic links, no submodules), each to the same path under the folder given,
which the caller made and removes.  Nothing of the repository is written.

A revision git does not know, a dataset outside any repository, a revision
without the dataset, or no git at all: a `UsageError` (exit 2).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bilat.problems import UsageError, one_line


@dataclass(frozen=True)
class Repository:
    """Where a dataset is in its git repository: the work tree's top folder, the dataset's path from there."""

    top: Path
    path: str  # with `/`, "" when the dataset is the whole repository (a folder dataset)
    folder: bool  # a folder dataset (else one data file)


def _git(args: list[str], cwd: Path, *, what: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=120)
    except FileNotFoundError:
        raise UsageError(f"{what}: git is not installed, and it is needed to read a revision") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"{what}: git did not answer within 120 s") from None


def _said(process: subprocess.CompletedProcess[bytes]) -> str:
    """The first line git wrote on stderr, for a message."""
    lines = process.stderr.decode("utf-8", "replace").strip().splitlines()
    return one_line(lines[0]) if lines else f"git exited {process.returncode}"


def locate(data: Path, *, what: str) -> Repository:
    """The repository the dataset at `data` is in (UsageError when it is in none); a link is followed first."""
    data = data.resolve()
    folder = data if data.is_dir() else data.parent
    if not folder.is_dir():
        raise UsageError(f"{what}: {data} is not in a git repository (its folder does not exist)")
    done = _git(["rev-parse", "--show-toplevel", "--show-prefix"], folder, what=what)
    lines = done.stdout.decode("utf-8", "surrogateescape").splitlines()
    if done.returncode != 0 or not lines:
        raise UsageError(f"{what}: {data} is not in a git repository ({_said(done)})")
    prefix = lines[1] if len(lines) > 1 else ""
    path = prefix.rstrip("/") if data.is_dir() else prefix + data.name
    return Repository(Path(lines[0]), path, data.is_dir())


def commit_of(repo: Repository, revision: str) -> str | None:
    """The commit `revision` names in `repo`, or None when git knows no such revision."""
    if not revision or revision.startswith("-"):
        return None  # never read as one of git's options
    done = _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], repo.top, what=revision)
    commit = done.stdout.decode("ascii", "replace").strip()
    return commit if done.returncode == 0 and commit else None


def wanted(repo: Repository, name: str) -> str | None:
    """Where the file `name` (a path in the repository) goes under the copy, or None when no dataset needs it."""
    if repo.folder:
        inside = PurePosixPath(name).relative_to(repo.path) if repo.path else PurePosixPath(name)
        if name.endswith((".yaml", ".yml")) and inside.name not in (".yaml", ".yml"):
            return name
        return name if inside.parent == PurePosixPath("sources") else None
    if name == repo.path:
        return name
    return name if PurePosixPath(name).parent == PurePosixPath(repo.path).parent / "sources" else None


def _listing(repo: Repository, commit: str, revision: str) -> list[tuple[str, str]]:
    """(object id, path) of every plain file of the dataset at `commit`."""
    parent = PurePosixPath(repo.path).parent
    if repo.folder:
        specs = [repo.path + "/"] if repo.path else []
    else:
        specs = [repo.path, f"{parent / 'sources'}/" if str(parent) != "." else "sources/"]
    done = _git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", *specs], repo.top, what=revision)
    if done.returncode != 0:
        raise UsageError(f"{revision}: git cannot list the dataset ({_said(done)})")
    files = []
    for entry in done.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _tab, raw = entry.partition(b"\t")
        mode, kind, oid = meta.decode("ascii", "replace").split()
        name = os.fsdecode(raw)
        if kind == "blob" and mode in ("100644", "100755") and wanted(repo, name):
            files.append((oid, name))
    return files


def extract(repo: Repository, revision: str, into: Path) -> Path:
    """Copy the dataset as it was at `revision` under `into`; the path of the dataset there (a file or a folder)."""
    commit = commit_of(repo, revision)
    if commit is None:
        raise UsageError(f"{revision!r} is neither a file or folder nor a revision git knows in {repo.top}")
    files = _listing(repo, commit, revision)
    shown = repo.path or "the repository's top folder"
    has_data = any(name == repo.path for _oid, name in files) if not repo.folder else bool(files)
    if not has_data:
        raise UsageError(f"{revision}: there is no {shown} in that revision")
    root = into.resolve()
    with subprocess.Popen(
        ["git", "cat-file", "--batch"], cwd=repo.top, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as batch:
        assert batch.stdin is not None and batch.stdout is not None
        for oid, name in files:
            batch.stdin.write(oid.encode("ascii") + b"\n")
            batch.stdin.flush()
            header = batch.stdout.readline().split()
            if len(header) != 3 or header[1] != b"blob":
                raise UsageError(f"{revision}: git cannot read {name}")
            body = batch.stdout.read(int(header[2]) + 1)[:-1]  # the content, then a newline
            target = (root / name).resolve()
            if not target.is_relative_to(root):
                raise UsageError(f"{revision}: {name} is outside the repository")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
        batch.stdin.close()
    return root / repo.path if repo.path else root
