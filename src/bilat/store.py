"""Where the data and the compiled database live, whether the database is fresh, and opening it.

This is the query path: standard library only.  The compiler (PyYAML,
pydantic, sqlite-utils) is imported only when the database is stale.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
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

DB_SCHEMA_VERSION = "1"  # bump when the compiled tables change: older databases are rebuilt
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
        return sorted(p for p in data.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    return [data]


def sources_folder(data: Path) -> Path:
    """Source texts live in sources/ beside the data file (or inside the data folder)."""
    return (data if data.is_dir() else data.parent) / "sources"


def fingerprint(data: Path) -> str:
    """A cheap summary of everything the database is compiled from: names, sizes and mtimes (stat, no reading)."""
    from bilat import __version__

    parts = [f"bilat {__version__} schema {DB_SCHEMA_VERSION}", str(data.resolve())]
    for path in data_files(data):
        parts.append(_stat(path))
    src = sources_folder(data)
    if src.is_dir():
        parts.extend(_stat(p) for p in sorted(src.iterdir()))
    return "\n".join(parts)


def _stat(path: Path) -> str:
    try:
        st = path.stat()
    except OSError:
        return f"{path.name} missing"
    return f"{path.name} {st.st_size} {st.st_mtime_ns}"


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
        try:
            row = conn.execute("select value from _meta where key = 'fingerprint'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def is_fresh(store: Store) -> bool:
    return stored_fingerprint(store.db) == fingerprint(store.data)


def open_fresh(store: Store, warn: Warn, *, quiet: bool = False) -> sqlite3.Connection:
    """A read-only connection to an up-to-date database, compiling it first when it is stale."""
    fp = fingerprint(store.data)
    if stored_fingerprint(store.db) != fp:
        store = rebuild(store, warn, quiet=quiet, reason="stale")[0]
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
    except PermissionError as exc:
        if store.db_chosen:
            raise DatabaseError(f"{store.db}: cannot write the database: {exc.strerror or exc}") from None
        fallback = Path(tempfile.gettempdir()) / f"bilat-{_uid()}" / store.db.name
        warn(f"warning: cannot write {store.db.parent} ({exc.strerror}); using {fallback} instead")
        store = Store(store.data, fallback, True)
        if stored_fingerprint(fallback) == fingerprint(store.data):
            return store, None
        return store, _locked_build(store, warn, quiet=quiet, reason=reason)


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
