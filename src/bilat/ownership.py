"""Which files bilat may read as its database and which it may replace: only its own, proven.

A compiled database carries bilat's SQLite `application_id` in its header
(bytes 68-71), set by every build.  bilat replaces a file only when:

- nothing is there yet, or
- the file's header says it is a bilat database (even a damaged one: the header is enough), or
- it is a SQLite database whose `_meta` table names a bilat version (built before the header mark), or
- it lies in bilat's own cache folder under the name bilat gave it (`in_own_folder`).

Anything else (a text file, another program's database, the dataset itself, a
directory, a FIFO, a device) is refused with one line naming the path, and left
untouched.  A database owned by another user, or one that other users could
write to, is neither read nor replaced: it could have been planted.

Standard library only: this runs before every query.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote

from bilat.problems import UsageError

APPLICATION_ID = 0x62696C74  # "bilt": SQLite's application_id for bilat databases
_MAGIC = b"SQLite format 3\x00"
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _refuse(path: Path, what: str, advice: str = "choose another --db or BILAT_DB") -> UsageError:
    return UsageError(f"{path}: {what}; bilat will not read or replace it ({advice})")


def _kind(mode: int) -> str | None:
    """What a file of this mode is, when it is not a regular file."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def check_readable(path: Path) -> bool:
    """Whether a database file exists at `path`; UsageError when one exists that bilat must not open.

    Called before SQLite opens the path: a FIFO would block the open for ever,
    and a database another user could have written is not to be trusted.
    """
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False  # nothing there (the build says why it cannot create it)
    except OSError as exc:  # a loop of links, a name too long, a folder we may not enter
        raise _refuse(path, f"cannot be examined ({exc.strerror or exc})") from None
    kind = _kind(info.st_mode)
    if kind:
        raise _refuse(path, f"{kind}, not a bilat database")
    if hasattr(os, "getuid") and info.st_uid not in (os.getuid(), 0):
        raise _refuse(path, f"owned by another user (uid {info.st_uid}), so it could have been planted")
    if info.st_mode & stat.S_IWOTH:
        raise _refuse(path, "writable by every user, so it could have been altered", f"chmod o-w {path}")
    _check_folder(path)
    return True


def _check_folder(path: Path) -> None:
    """A folder every user may write to (and not sticky, as /tmp is) lets another user swap the database."""
    try:
        info = os.stat(path.parent if str(path.parent) else ".")
    except OSError:
        return
    if info.st_mode & stat.S_IWOTH and not info.st_mode & stat.S_ISVTX:
        raise _refuse(path, "its folder is writable by every user, so the database could be swapped")


def readonly_uri(path: Path, *, immutable: bool = False) -> str:
    """A SQLite URI that opens `path` read-only (a `#` or `?` in the name stays part of it).

    `immutable` also keeps SQLite from creating `-shm`/`-wal` files beside a
    database in WAL mode: for looking at a file that may not be ours.
    """
    return f"file:{quote(os.fsencode(path.resolve()))}?mode=ro" + ("&immutable=1" if immutable else "")


def check_side_file(path: Path, fd: int) -> None:
    """A lock or memo file bilat opened beside its database must be a regular file of ours, not writable by others.

    Another user could otherwise hold the lock for ever or plant a memo that says the data is invalid.
    """
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(path, "not a regular file")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise _refuse(path, f"owned by another user (uid {info.st_uid})")
    if info.st_mode & (stat.S_IWOTH | stat.S_IWGRP):
        raise _refuse(path, "writable by other users", f"chmod go-w {path}")


def header_says_ours(path: Path) -> bool:
    """Whether the file's SQLite header carries bilat's application_id."""
    try:
        with open(path, "rb") as stream:
            header = stream.read(100)
    except OSError:
        return False
    return len(header) == 100 and header.startswith(_MAGIC) and int.from_bytes(header[68:72], "big") == APPLICATION_ID


def _meta_says_ours(path: Path) -> bool:
    """A SQLite database written by bilat before the header mark: its `_meta` names a bilat version."""
    try:
        with open(path, "rb") as stream:
            if stream.read(16) != _MAGIC:
                return False
        conn = sqlite3.connect(readonly_uri(path, immutable=True), uri=True)
    except (OSError, sqlite3.Error):
        return False
    try:
        row = conn.execute("select value from _meta where key = 'bilat_version'").fetchone()
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return row is not None


def check_replaceable(path: Path, *, in_own_folder: bool) -> None:
    """Raise UsageError unless bilat may replace (or create) its database at `path`.

    Called before the build and again under the lock just before the swap, so a
    file put there while the build ran is not replaced either.
    """
    if not check_readable(path):
        if os.path.lexists(path) and not path.exists():
            raise _refuse(path, "a broken symbolic link")
        _check_folder(path)  # refused before building, not only when read back
        return
    if in_own_folder or header_says_ours(path) or _meta_says_ours(path):
        return
    raise _refuse(path, _what_is(path), "choose another --db or BILAT_DB, or remove the file yourself")


def _what_is(path: Path) -> str:
    """A short description of a regular file that is not a bilat database, for the refusal."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(16)
    except OSError:
        return "cannot be read, so it cannot be proven to be a bilat database"
    if not head:
        return "an empty file, not a bilat database"
    if head == _MAGIC:
        return "a SQLite database that bilat did not write"
    return "not a bilat database"
