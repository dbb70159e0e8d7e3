"""Where the data and the compiled database live, whether the database is fresh, and opening it.

This is the query path: standard library only.  The compiler (PyYAML,
pydantic, sqlite-utils) is imported only when the database is stale.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import zlib
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from bilat.problems import DatabaseError, UsageError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from bilat.compile import BuildReport

DB_SCHEMA_VERSION = "4"  # bump when the compiled tables change: older databases are rebuilt
Warn = Callable[[str], None]


@dataclass(frozen=True)
class Store:
    data: Path
    db: Path
    db_chosen: bool  # --db or BILAT_DB was given (then never silently moved elsewhere)


def default_data() -> Path:
    """The dataset shipped with bilat (in the wheel), or the repository's when running from a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "_data" / "agreements.yaml"
    if packaged.exists():
        return packaged
    return here.parent.parent / "data" / "agreements.yaml"


def cache_folder() -> Path:
    """The platform's cache folder for bilat (platformdirs' answer; on Linux worked out here, ~10 ms sooner)."""
    if sys.platform.startswith("linux"):
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        if os.path.isabs(xdg):
            return Path(xdg) / "bilat"
        home = os.environ.get("HOME", "")
        if os.path.isabs(home):
            return Path(home) / ".cache" / "bilat"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("bilat", appauthor=False))


def resolve(data: str | None = None, db: str | None = None) -> Store:
    """The store for --data/BILAT_DATA and --db/BILAT_DB, with their defaults."""
    data = data or os.environ.get("BILAT_DATA") or None
    db = db or os.environ.get("BILAT_DB") or None
    data_path = Path(data).expanduser() if data else default_data()
    if db:
        return Store(data_path, Path(db).expanduser(), True)
    return Store(data_path, cache_folder() / _db_name(data_path), False)


def _db_name(data: Path) -> str:
    key = str(data.resolve())
    return f"{data.stem}-{zlib.crc32(key.encode()):08x}.sqlite"


def data_files(data: Path) -> list[Path]:
    """The YAML files of a dataset: the file itself, or every *.yaml / *.yml under a folder, sorted."""
    if data.is_dir():
        return sorted(Path(entry.path) for entry in _yaml_entries(str(data)))
    return [data]


def _yaml_entries(folder: str) -> Iterator[os.DirEntry[str]]:
    """Every *.yaml / *.yml file under `folder` (os.scandir: one system call per folder, not per name)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):  # as Path.rglob: linked folders are not walked
                yield from _yaml_entries(entry.path)
            elif entry.name.endswith((".yaml", ".yml")) and entry.name not in (".yaml", ".yml") and entry.is_file():
                yield entry
        except OSError:
            continue


def sources_folder(data: Path) -> Path:
    """Source texts live in sources/ beside the data file (or inside the data folder)."""
    return (data if data.is_dir() else data.parent) / "sources"


def fingerprint(data: Path) -> str:
    """A cheap summary of everything the database is compiled from: names, sizes and mtimes (stat, no reading).

    One stat per YAML file and per source text: ~0.03 ms for one file, ~4 ms for a folder of 2,750 files.
    """
    from bilat import __version__

    parts = [f"bilat {__version__} schema {DB_SCHEMA_VERSION}", str(data.resolve())]
    lines: list[str] = []
    if data.is_dir():
        _stat_tree(str(data), "", lines)
    else:
        lines.append(_stat(data.name, data))
        _stat_sources(str(data.parent / "sources"), "", lines)
    lines.sort()
    return "\n".join(parts + lines)


def _stat_tree(folder: str, prefix: str, lines: list[str]) -> None:
    """Stat lines for every YAML file under `folder`, and for every entry of its sources/ folder, in one walk."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        name = prefix + entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                if name == "sources":
                    _stat_sources(entry.path, "sources/", lines)
                else:
                    _stat_tree(entry.path, name + "/", lines)
            elif entry.name.endswith((".yaml", ".yml")):
                lines.append(_stat(name, entry))
        except OSError:
            continue


def _stat_sources(folder: str, prefix: str, lines: list[str]) -> None:
    """Stat lines for every entry of a sources folder (and the YAML files under its subfolders)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        lines.append(_stat(prefix + entry.name, entry))
        try:
            if entry.is_dir(follow_symlinks=False):
                _stat_tree(entry.path, f"{prefix}{entry.name}/", lines)
        except OSError:
            continue


def _stat(name: str, entry: os.DirEntry[str] | Path) -> str:
    try:
        st = entry.stat()
    except OSError:
        return f"{name} missing"
    return f"{name} {st.st_size} {st.st_mtime_ns}"


def connect_readonly(db: Path) -> sqlite3.Connection:
    """Open the database read-only (a missing file is an error, never a new empty database)."""
    uri = f"file:{quote(str(db.resolve()))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def stored_fingerprint(db: Path) -> str | None:
    """The fingerprint the database was built from; None when it is missing, corrupt or from another schema."""
    if not db.is_file():
        return None
    try:
        conn = connect_readonly(db)
    except sqlite3.Error:
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


_in_use: Store | None = None  # the store open_fresh last used, for heal()


def open_fresh(store: Store, warn: Warn, *, quiet: bool = False) -> sqlite3.Connection:
    """A read-only connection to an up-to-date database, compiling it first when it is stale."""
    global _in_use
    _in_use = store
    fp = fingerprint(store.data)
    try:  # one connection: it answers the freshness check, then the query
        conn: sqlite3.Connection | None = connect_readonly(store.db)
    except sqlite3.Error:
        conn = None
    if conn is not None and _stored(conn) == fp:
        return conn
    if conn is not None:
        conn.close()
    store = _in_use = rebuild(store, warn, quiet=quiet, reason="stale")[0]
    try:
        conn = connect_readonly(store.db)
        conn.execute("select 1 from _meta limit 1")
    except sqlite3.Error as exc:
        raise DatabaseError(f"{store.db}: cannot open the database: {exc}") from None
    return conn


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
    try:
        return store, _locked_build(store, warn, quiet=quiet, reason=reason)
    except OSError as exc:
        if not _in_folder(exc, store.db.parent):
            raise  # not about writing the database (reading the data, say)
        why = f"{exc.strerror}: {os.fsdecode(exc.filename)}" if exc.strerror and exc.filename else str(exc)
        if store.db_chosen:
            raise DatabaseError(f"{store.db}: cannot write the database ({why})") from None
        import tempfile  # only here: ~3 ms on every command otherwise

        fallback = _private_folder(Path(tempfile.gettempdir()) / f"bilat-{_uid()}") / store.db.name
        warn(f"warning: cannot write {store.db.parent} ({why}); using {fallback} instead")
        store = Store(store.data, fallback, True)
        if reason != "forced" and stored_fingerprint(fallback) == fingerprint(store.data):
            return store, None
        return store, _locked_build(store, warn, quiet=quiet, reason=reason)


def _private_folder(folder: Path) -> Path:
    """`folder` in the shared temp folder, made ours alone: refused when another user made it or can write to it."""
    folder.mkdir(mode=0o700, exist_ok=True)
    st = folder.stat()
    if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
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


def heal(problem: BaseException, warn: Warn, *, quiet: bool = False) -> str | None:
    """Replace the database open_fresh used, found damaged by a query, with a full build; the line to tell the user.

    None when no database was opened (nothing to heal).
    """
    store = _in_use
    if store is None:
        return None
    try:
        with _lock(store.db.with_name(store.db.name + ".lock")):
            store.db.unlink(missing_ok=True)  # so the build starts from nothing, not from a copy of the damage
        store = rebuild(store, warn, quiet=quiet)[0]
    except Exception as exc:
        reason = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        return f"{store.db}: the database is damaged ({problem}) and could not be rebuilt: {reason}"
    return f"{store.db}: the database was damaged ({problem}); it has been rebuilt: run the command again"


def _uid() -> str:
    return str(os.getuid()) if hasattr(os, "getuid") else "user"


def _locked_build(store: Store, warn: Warn, *, quiet: bool, reason: str) -> BuildReport | None:
    store.db.parent.mkdir(parents=True, exist_ok=True)
    with _lock(store.db.with_name(store.db.name + ".lock")):
        if reason == "stale" and stored_fingerprint(store.db) == fingerprint(store.data):
            return None  # another process built it while we waited
        from bilat.compile import build

        progress = None if quiet or not sys.stderr.isatty() else warn
        return build(store.data, store.db, progress=progress)


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on `path` (no-op where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            with suppress(OSError):
                fcntl.flock(handle, fcntl.LOCK_UN)
