"""Reading a source text named by `sources[].file`: only a regular file inside the sources folder, of bounded size.

A dataset is reviewed in diffs, but a `file:` line looks harmless: without these
checks `../../.ssh/id_rsa`, `/proc/self/environ` or a symlink out of the folder
would be copied into the database and printed by `bilat show`, `/dev/zero` would
exhaust memory and `/dev/stdin` would wait for input.  Both the validator and the
build read source texts through `read_source`, so the rule is written once.

Standard library only.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_SOURCE_BYTES = 16 * 1024 * 1024  # a news report is a few kB; 16 MiB leaves room for a long treaty text


class SourceFileError(Exception):
    """The source text cannot be used; the message says why, without revealing anything outside the folder."""


def read_source(folder: Path, name: str) -> str:
    """The text of `name` (a path relative to `folder`), as UTF-8; SourceFileError when it is not allowed or unreadable.

    Allowed: a relative path without `..`, naming a regular file that, with every
    symlink resolved, is still inside `folder`, and is at most MAX_SOURCE_BYTES.
    """
    problem = _name_problem(name)
    if problem:
        raise SourceFileError(problem)
    try:
        root = folder.resolve(strict=True)
    except (OSError, RuntimeError):
        raise SourceFileError(f"source text {name!r} is missing: there is no sources folder") from None
    path = root / name
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise SourceFileError(f"source text sources/{name} is missing or unreadable") from None
    if not real.is_relative_to(root):
        raise SourceFileError(f"source text sources/{name} is a link to a file outside the sources folder")
    # O_NONBLOCK: a FIFO put in the folder must not hang the open; fstat then says what was opened.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
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
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceFileError(f"source text sources/{name} is not UTF-8 text (byte {exc.start})") from None


def _name_problem(name: str) -> str | None:
    """Why `name` cannot name a file inside the sources folder, judged from the text alone."""
    if not name.strip():
        return "a source file name cannot be blank"
    if "\x00" in name:
        return "a source file name cannot contain a NUL character"
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or os.path.isabs(name):
        return f"source file {name!r} must be a path relative to the sources folder, not an absolute path"
    parts = name.replace("\\", "/").split("/")
    if ".." in parts:
        return f"source file {name!r} must stay inside the sources folder (no '..')"
    return None
