"""Reading a source text named by `sources[].file`: only a regular file inside the sources folder, of bounded size.

A dataset is reviewed in diffs, but a `file:` line looks harmless: without these
checks `../../.ssh/id_rsa`, `/proc/self/environ` or a symlink out of the folder
would be copied into the database and printed by `bilat show`, `/dev/zero` would
exhaust memory and `/dev/stdin` would wait for input.  Both the validator and the
build read source texts through `read_source`, so the rule is written once.

Standard library only (and bilat.vocab).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bilat.vocab import FORBIDDEN, forbidden_character

MAX_SOURCE_BYTES = 16 * 1024 * 1024  # a news report is a few kB; 16 MiB leaves room for a long treaty text


class SourceFileError(Exception):
    """The source text cannot be used; the message says why, without revealing anything outside the folder."""


def read_source(folder: Path, name: str) -> str:
    """The text of `name` (a path relative to `folder`), as UTF-8; SourceFileError when it is not allowed or unreadable.

    Allowed: a relative path without `..`, naming a regular file that, with every
    symlink resolved, is still inside `folder`, and is at most MAX_SOURCE_BYTES.
    """
    problem = name_problem(name)
    if problem:
        raise SourceFileError(problem)
    try:
        root = folder.resolve(strict=True)
        home = folder.parent.resolve(strict=True)
    except (OSError, RuntimeError):
        raise SourceFileError(f"source text {name!r} is missing: there is no sources folder") from None
    if not root.is_relative_to(home):  # sources/ itself a link to /, say: everything would be "inside" it
        raise SourceFileError(f"the sources folder {folder} is a link to a folder outside the data folder")
    real = _inside(root, name)
    # O_NONBLOCK: a FIFO put in the folder must not hang the open; fstat then says what was opened.
    # O_NOFOLLOW: `real` has no link left in it; one planted there since it was resolved is not followed.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(real, flags)
    except OSError:
        raise SourceFileError(f"source text sources/{name} is missing or unreadable") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceFileError(f"source text sources/{name} is not a regular file")
        if info.st_size > MAX_SOURCE_BYTES:
            raise SourceFileError(
                f"source text sources/{name} is {info.st_size:,} bytes, over the limit of {MAX_SOURCE_BYTES:,}"
            )
        with os.fdopen(fd, "rb", closefd=False) as stream:
            raw = stream.read(MAX_SOURCE_BYTES + 1)
    except OSError:
        raise SourceFileError(f"source text sources/{name} is unreadable") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_SOURCE_BYTES:  # it grew while being read
        raise SourceFileError(f"source text sources/{name} is over the limit of {MAX_SOURCE_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _place(raw[: exc.start].decode("utf-8"), exc.start)
        raise SourceFileError(f"source text sources/{name} is not UTF-8 text (line {line}, column {column})") from None
    bad = FORBIDDEN.search(text)
    if bad:
        line, column = _place(text, bad.start())
        raise SourceFileError(f"source text sources/{name}, line {line}, column {column}: {forbidden_character(text)}")
    return text


def _inside(root: Path, name: str) -> Path:
    """`root / name` with every link resolved, when that is inside `root`; SourceFileError otherwise.

    Containment is judged before existence, so that a link out of the folder is
    refused alike whether its target exists or not: the message must not tell a
    dataset's author (reading a CI log) which files exist outside the folder.
    """
    try:
        loose = (root / name).resolve(strict=False)
    except (OSError, RuntimeError):  # a loop of links
        raise SourceFileError(f"source text sources/{name} is missing or unreadable") from None
    if not loose.is_relative_to(root):
        raise SourceFileError(f"source text sources/{name} is a link to a file outside the sources folder")
    try:
        real = loose.resolve(strict=True)
    except (OSError, RuntimeError):
        raise SourceFileError(f"source text sources/{name} is missing or unreadable") from None
    if not real.is_relative_to(root):  # pragma: no cover - a link changed between the two resolutions
        raise SourceFileError(f"source text sources/{name} is a link to a file outside the sources folder")
    return real


def _place(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of character `index` of `text`."""
    before = text[:index]
    line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return before.count("\n") + before.count("\r") - before.count("\r\n") + 1, index - line_start + 1


def name_problem(name: str) -> str | None:
    """Why `name` cannot name a file inside the sources folder, judged from the text alone (None: it can)."""
    if not name.strip():
        return "a source file name cannot be blank"
    if "\x00" in name:
        return "a source file name cannot contain a NUL character"
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or os.path.isabs(name):
        return f"source file {name!r} must be a path relative to the sources folder, not an absolute path"
    parts = name.replace("\\", "/").split("/")
    if ".." in parts:
        return f"source file {name!r} must stay inside the sources folder (no '..')"
    if len(parts) > 1:  # the freshness check and the incremental build look at the folder's own files only
        return f"source file {name!r} must be a file directly in the sources folder, not in a subfolder"
    return None
