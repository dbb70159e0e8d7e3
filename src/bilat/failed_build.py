"""A memo of the last failed build: the data's fingerprint and its problems, beside the database.

Without it every command on an invalid dataset re-ran the whole failing build
under the lock, one reader after another (ten readers of 25,000 records waited
13 to 84 s each).  With it, a build that fails for a fingerprint is run once;
until the data changes again every command answers at once, from the memo.

The memo is `NAME.failed` beside the database `NAME`: JSON with a marker, written
atomically, replaced only when it carries that marker, removed by the next good
build.  Standard library only.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any

from bilat.ownership import check_side_file
from bilat.problems import InvalidDataError, Problem, UsageError

MARKER = "bilat failed build"
KEPT = 1000  # problems remembered; the count says how many there were


def memo_path(db: Path) -> Path:
    return db.with_name(db.name + ".failed")


def read(db: Path, fingerprint: str) -> InvalidDataError | None:
    """The failure of the build of this exact fingerprint, as it was raised; None (no memo, another state, not ours)."""
    memo = _load(memo_path(db))
    if memo is None or memo.get("fingerprint") != fingerprint:
        return None
    try:
        problems = [
            Problem(str(f), int(line), int(col), str(path), str(msg)) for f, line, col, path, msg in memo["problems"]
        ]
        total = int(memo["total"])
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    return InvalidDataError(problems, omitted=max(total - len(problems), 0)) if problems else None


def write(db: Path, fingerprint: str, failure: InvalidDataError) -> None:
    """Remember that the data at `fingerprint` does not build (best effort: a memo that cannot be written is skipped)."""
    problems = failure.problems
    path = memo_path(db)
    if os.path.lexists(path) and _load(path) is None:
        return  # a file of someone else's (or not a memo): never replaced
    body = {
        "marker": MARKER,
        "fingerprint": fingerprint,
        "total": len(problems) + failure.omitted,
        "problems": [[p.file, p.line, p.column, p.path, p.message] for p in problems[:KEPT]],
    }
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{db.name}.", suffix=".tmp", dir=db.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            json.dump(body, stream, ensure_ascii=True)
        os.replace(tmp, path)
    except (OSError, ValueError):
        with suppress(OSError):
            os.unlink(tmp)


def forget(db: Path) -> None:
    """Remove the memo after a good build (only when it is ours)."""
    path = memo_path(db)
    if _load(path) is not None:
        with suppress(OSError):
            path.unlink()


def _load(path: Path) -> dict[str, Any] | None:
    """The memo at `path` when it is ours: a regular file we own that no one else may write, with the marker."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        check_side_file(path, fd)
        if os.fstat(fd).st_size > 64 * 1024 * 1024:
            return None
        with os.fdopen(fd, "rb", closefd=False) as stream:
            memo = json.loads(stream.read().decode("utf-8"))
    except (OSError, ValueError, UsageError):
        return None
    finally:
        os.close(fd)
    return memo if isinstance(memo, dict) and memo.get("marker") == MARKER else None
