"""Writing a file the user named with --output: atomically when it is a file, never replacing anything else.

- A regular file (or a new name) is written through a temporary file in the same
  folder and `os.replace`d, keeping the old file's permissions: never half a note.
- A symbolic link is followed: its target is written, the link stays.
- A FIFO or a character device (`/dev/null`, `/dev/stdout`, a terminal) is written
  into, never replaced; a FIFO with no reader is an error at once, not a hang.
- A directory, a block device or a socket is refused.

Standard library only.
"""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import suppress
from pathlib import Path

from bilat.problems import UsageError


def write_output(name: str, text: str) -> None:
    """Write `text` (UTF-8) to the file the user named `name`; UsageError, naming it, when that cannot be done."""
    if not name.strip():
        raise UsageError("--output: the file name is empty (leave --output out to write to stdout)")
    path = Path(name).expanduser()
    try:
        mode = os.stat(path).st_mode  # follows links, /dev/stdout's to a pipe included
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UsageError(f"--output: cannot write to {str(path)!r}: {exc.strerror or exc}") from None
    if mode is None or stat.S_ISREG(mode):
        if path.is_symlink():  # replace the link's target, keep the link
            path = Path(os.path.realpath(path))
        _replace(path, text, None if mode is None else stat.S_IMODE(mode))
    elif stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        _write_into(path, text)
    else:
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise UsageError(f"--output: {str(path)!r} is {kind}; bilat will not replace it")


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _replace(path: Path, text: str, mode: int | None) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"--output: the folder {str(folder)!r} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(f"--output: cannot write to {str(path)!r}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, _new_file_mode() if mode is None else mode)
        os.replace(tmp_name, path)
    except BaseException as exc:
        with suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):
            raise UsageError(f"--output: cannot write to {str(path)!r}: {exc.strerror or exc}") from None
        raise


def _write_into(path: Path, text: str) -> None:
    """Write into a FIFO or device in place; O_NONBLOCK so a FIFO nobody reads fails at once instead of hanging."""
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        why = "nothing is reading from it" if exc.errno == getattr(__import__("errno"), "ENXIO", -1) else exc.strerror
        raise UsageError(f"--output: cannot write to {str(path)!r}: {why}") from None
    try:
        os.set_blocking(fd, True)  # now that it is open, wait for a slow reader like any writer
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n", closefd=False) as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"--output: cannot write to {str(path)!r}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
