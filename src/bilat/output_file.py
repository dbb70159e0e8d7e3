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

import errno
import os
import re
import stat
import sys
import tempfile
from contextlib import suppress
from pathlib import Path

from bilat.problems import UsageError


def write_output(name: str, text: str) -> None:
    """Write `text` (UTF-8) to the file the user named `name`; UsageError, naming it, when that cannot be done."""
    if not name.strip():
        raise UsageError("--output: the file name is empty (leave --output out to write to stdout)")
    path = Path(name).expanduser()
    fd = _open_descriptor(name)
    if fd is not None:  # /dev/stdout, /dev/fd/3...: the file the shell opened, at its offset, never replaced
        _write_descriptor(fd, name, text)
        return
    try:
        info: os.stat_result | None = os.stat(path)  # follows links
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UsageError(f"--output: cannot write to {str(path)!r}: {exc.strerror or exc}") from None
    mode = None if info is None else info.st_mode
    if info is None or stat.S_ISREG(info.st_mode):
        if path.is_symlink():  # replace the link's target, keep the link
            path = Path(os.path.realpath(path))
        if info is not None and not os.access(path, os.W_OK):
            raise UsageError(f"--output: cannot write to {str(path)!r}: Permission denied")
        if info is not None and (info.st_nlink > 1 or info.st_uid != _uid(info.st_uid)):
            _write_into(path, text, truncate=True)  # keep its owner and its other names, as `>` does
            return
        _replace(path, text, None if mode is None else stat.S_IMODE(mode))
    elif mode is not None and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        _write_into(path, text)
    else:
        kind = "a folder" if mode is not None and stat.S_ISDIR(mode) else "not a regular file"
        raise UsageError(f"--output: {str(path)!r} is {kind}; bilat will not replace it")


_FD_NAMES = {"/dev/stdout": 1, "/dev/stderr": 2}
_FD_PATH = re.compile(r"/(?:dev/fd|proc/self/fd|proc/(\d+)/fd)/(\d+)\Z")


def _open_descriptor(name: str) -> int | None:
    """The descriptor a name such as /dev/stdout or /dev/fd/3 stands for, when it is one of this process's."""
    if name in _FD_NAMES:
        return _FD_NAMES[name]
    match = _FD_PATH.match(name)
    if match and (match.group(1) is None or int(match.group(1)) == os.getpid()):
        return int(match.group(2))
    return None


def _write_descriptor(fd: int, name: str, text: str) -> None:
    """Write to an open descriptor: it keeps its offset and mode (`>>` appends), as a shell redirection does."""
    if fd == 1:
        sys.stdout.write(text)  # through the guarded stdout: a closed pipe ends quietly
        return
    data = text.encode("utf-8")
    try:
        while data:
            data = data[os.write(fd, data) :]
    except OSError as exc:
        raise UsageError(f"--output: cannot write to {name!r}: {exc.strerror or exc}") from None


def _uid(default: int) -> int:
    return os.getuid() if hasattr(os, "getuid") else default


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


def _write_into(path: Path, text: str, *, truncate: bool = False) -> None:
    """Write into a file, FIFO or device in place; O_NONBLOCK so a FIFO nobody reads fails at once, not hangs."""
    flags = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | (os.O_TRUNC if truncate else 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        fifo = exc.errno == errno.ENXIO and path.is_fifo()
        why = "nothing is reading from it" if fifo else exc.strerror
        raise UsageError(f"--output: cannot write to {str(path)!r}: {why}") from None
    try:
        os.set_blocking(fd, True)  # now that it is open, wait for a slow reader like any writer
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n", closefd=False) as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"--output: cannot write to {str(path)!r}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
