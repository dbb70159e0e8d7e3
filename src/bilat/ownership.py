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
    except FileNotFoundError:
        return False
    except OSError:
        return False  # unreadable: SQLite's open fails, and the build reports why
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
        conn = sqlite3.connect(f"file:{quote(os.fsencode(path.resolve()))}?mode=ro", uri=True)
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
    """Raise UsageError unless bilat may replace (or create) its database at `path`."""
    if not check_readable(path):
        if os.path.lexists(path) and not path.exists():
            raise _refuse(path, "a broken symbolic link")
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
