"""Which database to use, whether it is fresh, opening it, and rebuilding it (under a lock) when it is not.

Where things are on disk and what the database is built from are bilat.layout's;
compiling is bilat.build's, called from here and never calling back.  This is the
query path: standard library only.  The compiler (PyYAML, pydantic) is imported
only when the database is stale.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from pathlib import Path

from bilat.build.schema import DB_SCHEMA_VERSION
from bilat.layout import connect_readonly, default_data, default_db, fingerprint
from bilat.ownership import check_readable, check_replaceable, header_says_ours
from bilat.problems import DatabaseError, InvalidDataError, UsageError

TYPE_CHECKING = False  # typing, dataclasses and contextlib stay off the query path (start-up)
if TYPE_CHECKING:
    from collections.abc import Callable

    from bilat.build.full import BuildReport

    Warn = Callable[[str], None]


class Store:
    """A dataset and its database; `db_chosen`: --db or BILAT_DB was given (then never silently moved elsewhere)."""

    __slots__ = ("data", "db", "db_chosen")

    def __init__(self, data: Path, db: Path, db_chosen: bool) -> None:
        self.data, self.db, self.db_chosen = data, db, db_chosen

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Store) and (self.data, self.db, self.db_chosen) == (
            other.data,
            other.db,
            other.db_chosen,
        )

    def __hash__(self) -> int:
        return hash((self.data, self.db, self.db_chosen))

    def __repr__(self) -> str:
        return f"Store(data={self.data!r}, db={self.db!r}, db_chosen={self.db_chosen!r})"


def resolve(data: str | None = None, db: str | None = None) -> Store:
    """The store for --data/BILAT_DATA and --db/BILAT_DB, with their defaults.

    A chosen database reached through a symbolic link is the link's target: the
    build replaces the target, never the link, so a database kept elsewhere stays
    current.  A path that is not UTF-8 text is a usage error, as it is in argv.
    """
    data = _text(data, "--data") or _text(os.environ.get("BILAT_DATA"), "BILAT_DATA") or None
    db = _text(db, "--db") or _text(os.environ.get("BILAT_DB"), "BILAT_DB") or None
    data_path = Path(data).expanduser() if data else default_data()
    if db:
        db_path = Path(db).expanduser()
        if db_path.is_symlink():
            _check_link_owner(db_path)
            db_path = Path(os.path.realpath(db_path))
        return Store(data_path, db_path, True)
    return Store(data_path, default_db(data_path), False)


def _check_link_owner(link: Path) -> None:
    """A --db link made by another user (in a shared folder such as /tmp) is not followed: it could aim anywhere."""
    if hasattr(os, "getuid") and os.lstat(link).st_uid not in (os.getuid(), 0):
        raise UsageError(f"{link}: a symbolic link made by another user; bilat will not follow it")


def _text(value: str | None, name: str) -> str | None:
    """`value`, checked to be UTF-8 text (undecodable bytes reach Python as surrogate escapes)."""
    if value:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise UsageError(f"{name}: the path {shown!r} is not valid UTF-8 text") from None
    return value


def _ours(db: Path) -> bool:
    """Whether a database of bilat's is at `db`, safe to open (UsageError when something that is not is there).

    Only a file whose header carries bilat's mark is opened by SQLite here: opening
    another program's database, even read-only, can leave `-shm` files beside it.
    """
    return check_readable(db) and header_says_ours(db)


def stored_fingerprint(db: Path) -> str | None:
    """The fingerprint the database was built from; None when it is missing, corrupt or from another schema."""
    try:
        if not _ours(db):
            return None
        conn = connect_readonly(db)
    except (sqlite3.Error, UsageError):
        return None
    try:
        return _stored(conn)
    finally:
        conn.close()


def _stored(conn: sqlite3.Connection) -> str | None:
    try:
        meta = dict(conn.execute("select key, value from _meta where key in ('fingerprint', 'schema_version')"))
    except sqlite3.Error:
        return None
    return meta.get("fingerprint") if meta.get("schema_version") == DB_SCHEMA_VERSION else None


def is_fresh(store: Store) -> bool:
    return stored_fingerprint(store.db) == fingerprint(store.data)


class CannotWriteError(DatabaseError):
    """The database could not be written (disk full, read-only folder...): not a problem of the data."""


class Opened:
    """A read-only connection, and the store it is a connection to (what `heal` rebuilds if it turns out damaged).

    The store is the one asked for, or the temporary folder's when the cache folder could not be written.
    """

    __slots__ = ("conn", "store")

    def __init__(self, conn: sqlite3.Connection, store: Store) -> None:
        self.conn, self.store = conn, store


def open_fresh(store: Store, warn: Warn, *, quiet: bool = False) -> Opened:
    """A read-only connection to an up-to-date database, compiling it first when it is stale.

    When the data is invalid, or the new database cannot be written, and a
    database built from the same data is there, that last good database is
    served with one warning rather than nothing: the answer may be stale, and
    the warning says so and why.
    """
    fp = fingerprint(store.data)
    conn: sqlite3.Connection | None = None
    if _ours(store.db):
        try:  # one connection: it answers the freshness check, then the query
            conn = connect_readonly(store.db)
        except sqlite3.Error:
            conn = None
    if conn is not None and _stored(conn) == fp:
        return Opened(conn, store)
    if conn is not None:
        conn.close()
    try:
        store = rebuild(store, warn, quiet=quiet, reason="stale")[0]
    except (InvalidDataError, CannotWriteError) as exc:
        stale = _last_good(store)
        if stale is None:
            raise
        warn(f"warning: {_why_stale(exc)}; showing the last good database, built {stale[1]}")
        return Opened(stale[0], store)
    try:
        conn = connect_readonly(store.db)
        conn.execute("select 1 from _meta limit 1")
    except sqlite3.Error as exc:
        raise DatabaseError(f"{store.db}: cannot open the database: {exc}") from None
    return Opened(conn, store)


def _why_stale(exc: BaseException) -> str:
    if isinstance(exc, InvalidDataError):
        count = len(exc.problems) + exc.omitted
        more = f" (and {count - 1} more: bilat validate)" if count > 1 else " (bilat validate)"
        first = str(exc.problems[0]) if exc.problems else exc.message
        return f"the data is invalid: {first}{more}"
    return getattr(exc, "message", str(exc))


def _last_good(store: Store) -> tuple[sqlite3.Connection, str] | None:
    """A connection to the database at store.db when it was built from the same data, and when it was built."""
    try:
        if not _ours(store.db):
            return None
        conn = connect_readonly(store.db)
    except (sqlite3.Error, UsageError):
        return None
    try:
        meta = dict(conn.execute("select key, value from _meta"))
        if meta.get("schema_version") == DB_SCHEMA_VERSION and meta.get("data") == str(store.data.resolve()):
            return conn, str(meta.get("built_at", "at an unknown time"))
    except sqlite3.Error:
        pass
    conn.close()
    return None


def rebuild(
    store: Store, warn: Warn, *, quiet: bool = False, reason: str = "forced"
) -> tuple[Store, BuildReport | None]:
    """Compile the database (under a lock, so concurrent first runs build it once).

    When the cache folder cannot be written, the database is built in a
    temporary folder instead, with a warning.  Returns the store actually used
    and the build report (None when another process built it meanwhile).
    """
    if not store.data.exists():
        raise UsageError(f"{store.data}: data file not found (set --data or BILAT_DATA)")
    if not (store.data.is_file() or store.data.is_dir()):  # a FIFO would hang the reader
        raise UsageError(f"{store.data}: not a regular file or a folder")
    try:
        return store, _locked_build(store, warn, quiet=quiet, reason=reason)
    except (OSError, sqlite3.OperationalError) as exc:
        why = _write_failure(exc, store.db)
        if why is None:
            raise  # not about writing the database (reading the data, say)
        if store.db_chosen:
            raise CannotWriteError(f"{store.db}: cannot write the database ({why})") from None
        import tempfile  # only here: ~3 ms on every command otherwise

        fallback = _private_folder(Path(tempfile.gettempdir()) / f"bilat-{_uid()}") / store.db.name
        warn(f"warning: cannot write {store.db.parent} ({why}); using {fallback} instead")
        store = Store(store.data, fallback, True)
        if reason != "forced" and stored_fingerprint(fallback) == fingerprint(store.data):
            return store, None
        try:
            return store, _locked_build(store, warn, quiet=quiet, reason=reason)
        except (OSError, sqlite3.OperationalError) as again:
            why = _write_failure(again, fallback)
            if why is None:
                raise
            raise CannotWriteError(f"{fallback}: cannot write the database ({why})") from None


_WRITE_ERRORS = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_READONLY")


def _write_failure(exc: BaseException, db: Path) -> str | None:
    """Why writing the database at `db` failed, when `exc` says it did; None for any other error."""
    if isinstance(exc, sqlite3.OperationalError):
        name = getattr(exc, "sqlite_errorname", "") or ""
        if name.startswith(_WRITE_ERRORS) or "disk is full" in str(exc):
            return "the disk is full" if "FULL" in name or "full" in str(exc) else str(exc)
        return None
    if not isinstance(exc, OSError) or not _in_folder(exc, db.parent):
        return None
    if exc.strerror and exc.filename:
        name = os.fsdecode(exc.filename)
        if isinstance(exc, (FileExistsError, NotADirectoryError)) and Path(name).is_file():
            return f"{name} is a file, not a folder"
        shown = db if name.endswith(".tmp") and Path(name).parent == db.parent else name  # never the temp file's name
        return f"{exc.strerror}: {shown}"
    return str(exc)


def _private_folder(folder: Path) -> Path:
    """`folder` in the shared temp folder, made ours alone: refused when another user made it or can write to it."""
    folder.mkdir(mode=0o700, exist_ok=True)
    st = folder.lstat()  # a link planted under our name is not followed
    if stat.S_ISLNK(st.st_mode) or (hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022)):
        raise DatabaseError(f"{folder}: not safe to use as a database folder (owned or writable by another user)")
    return folder


def _in_folder(exc: OSError, folder: Path) -> bool:
    """Whether `exc` is about `folder`, a folder above it (a file where a folder should be), or a file in it."""
    for name in (exc.filename, exc.filename2):
        if name is None:
            continue
        path = Path(os.fsdecode(name)).absolute()
        if folder.absolute().is_relative_to(path) or path.is_relative_to(folder.absolute()):
            return True
    return False


def is_damaged(exc: BaseException) -> bool:
    """Whether a query failed because the database file is damaged or incomplete (not because of a bug)."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or str(exc).startswith("no such table")


def heal(store: Store | None, problem: BaseException, warn: Warn, *, quiet: bool = False) -> str | None:
    """Replace the database at `store` (the one open_fresh opened), found damaged by a query, with a full build.

    Returns the line to tell the user; None when no database was opened (nothing
    to heal).  A file bilat cannot prove is its own is never removed (bilat.ownership).
    """
    if store is None:
        return None
    try:
        check_replaceable(store.db, in_own_folder=not store.db_chosen)
        from bilat.locking import lock

        with lock(_lock_path(store.db)):
            store.db.unlink(missing_ok=True)  # so the build starts from nothing, not from a copy of the damage
        store = rebuild(store, warn, quiet=quiet)[0]
    except Exception as exc:
        reason = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        return f"{store.db}: the database is damaged ({problem}) and could not be rebuilt: {reason}"
    return f"{store.db}: the database was damaged ({problem}); it has been rebuilt: run the command again"


def _uid() -> str:
    return str(os.getuid()) if hasattr(os, "getuid") else "user"


def _lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def _locked_build(store: Store, warn: Warn, *, quiet: bool, reason: str) -> BuildReport | None:
    """Build under the lock; a build that failed for this exact state of the data is not run again.

    Everything written beside the database is checked first (bilat.ownership):
    a file bilat cannot prove is its own is refused before even the lock file
    is made.  Temporary files left by a killed build are removed under the lock.
    """
    from bilat import failed_build

    check_replaceable(store.db, in_own_folder=not store.db_chosen)
    if store.db_chosen and not os.path.lexists(store.db.parent):  # a typo in --db must not make folders
        raise UsageError(f"--db {store.db}: the folder {store.db.parent} does not exist (create it, or choose another)")
    store.db.parent.mkdir(parents=True, exist_ok=True)
    fp = fingerprint(store.data)
    if reason == "stale" and (known := failed_build.read(store.db, fp)):
        raise known
    from bilat.locking import lock, signals_raise

    with lock(_lock_path(store.db), None if quiet or not sys.stderr.isatty() else warn):
        fp = fingerprint(store.data)
        if reason == "stale":
            if stored_fingerprint(store.db) == fp:
                return None  # another process built it while we waited
            if known := failed_build.read(store.db, fp):
                raise known  # another process found it invalid while we waited
        _remove_leftovers(store.db)
        from bilat.build.full import build

        progress = None if quiet or not sys.stderr.isatty() else warn

        def guard() -> None:  # just before the swap: the file at store.db may have changed during the build
            check_replaceable(store.db, in_own_folder=not store.db_chosen)

        try:
            with signals_raise():
                report = build(store.data, store.db, progress=progress, guard=guard)
        except InvalidDataError as exc:
            if exc.problems:
                failed_build.write(store.db, fp, exc)
            raise
        failed_build.forget(store.db)
        return report


def _remove_leftovers(db: Path) -> None:
    """Temporary files of builds that were killed (kill -9, a power cut): only ours, only under the lock.

    Every temporary file beside the database is written under this lock, so one
    found while holding it belongs to a process that died.
    """
    prefix = f".{db.name}."
    try:
        entries = list(os.scandir(db.parent))
    except OSError:
        return
    uid = os.getuid() if hasattr(os, "getuid") else None
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and (uid is None or info.st_uid == uid):
                os.unlink(entry.path)
        except OSError:
            pass
