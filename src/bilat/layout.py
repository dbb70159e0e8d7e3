"""Where a dataset and its database are on disk, what the database is built from, and opening it read-only.

A dataset is one YAML file or a folder of them (every *.yaml / *.yml under it,
linked folders not followed), with its source texts in sources/ beside the file
(or inside the folder).  The compiled database lives in the cache folder under a
name derived from the dataset's path, unless --db or BILAT_DB chose one.

`Snapshot` is the one walk that decides what the database is built from: the
freshness check (`fingerprint`: is the database stale?) and the incremental
build (which files changed since the last good database?) both read it, so they
can never disagree about which files count.

This is the query path: standard library only, cheap to import.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
import zlib
from pathlib import Path

from bilat.build.schema import DB_SCHEMA_VERSION
from bilat.ownership import readonly_uri

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

Stat = tuple[int, int, int]  # size, mtime_ns, ctime_ns; (-1, -1, -1) when the file cannot be stat'ed
MISSING: Stat = (-1, -1, -1)


# ---------------------------------------------------------------- where things are


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


def default_db(data: Path) -> Path:
    """The database of the dataset at `data` in the cache folder: one per dataset path."""
    key = str(data.resolve())
    return cache_folder() / f"{data.stem}-{zlib.crc32(key.encode()):08x}.sqlite"


def sources_folder(data: Path) -> Path:
    """Source texts live in sources/ beside the data file (or inside the data folder)."""
    return (data if data.is_dir() else data.parent) / "sources"


def data_files(data: Path) -> list[Path]:
    """The YAML files of a dataset: the file itself, or every *.yaml / *.yml under a folder, in path order."""
    if data.is_dir():
        return [data / name for name, _entry in _yaml_entries(str(data), "")]
    return [data]


def data_file_path(data: Path, name: str) -> Path:
    """The path of a data file from its name as the database stores it (relative to the data folder)."""
    return data / name if data.is_dir() else data


# ---------------------------------------------------------------- what the database is built from


class Snapshot:
    """What the database at hand is built from, by one walk of the dataset: every data file and source text, stat'ed.

    `yaml`: data file name (relative to the data folder, with /) -> its Stat, in path order (the order files
    are read in); `sources`: name of each entry directly in the sources folder -> its Stat, by name (a source text
    cannot be in a subfolder: bilat.source_files).  One stat per file: ~4 ms for a folder of 2,750 files.
    The ctime is what catches an edit that keeps the size and puts the mtime back (`touch -r`, `cp -p`,
    `rsync -a`, some sync tools): no program can set it, and it changes with every write, at no extra cost
    (the same stat call).  Hashing the contents instead would read every file on every command (~100 MB at
    250k records).
    """

    __slots__ = ("data", "sources", "yaml")

    def __init__(self, data: Path, yaml: dict[str, Stat], sources: dict[str, Stat]) -> None:
        self.data, self.yaml, self.sources = data, yaml, sources

    @classmethod
    def take(cls, data: Path) -> Snapshot:
        sources: dict[str, Stat] = {}
        if data.is_dir():  # sources/ is scanned once, on the way
            yaml = {name: _stat(entry) for name, entry in _yaml_entries(str(data), "", sources_into=sources)}
            folder = data / "sources"
            if sources or _real_folder(folder):
                return cls(data, yaml, sources)
        else:
            yaml = {data.name: _stat(data)}
            folder = data.parent / "sources"
        try:  # beside a data file, or a link to a folder inside the data folder (the walk does not follow links)
            with os.scandir(folder) as scan:
                sources.update((entry.name, _stat(entry)) for entry in sorted(scan, key=_name))
        except OSError:
            pass  # no sources folder (or not a folder): no source texts
        return cls(data, yaml, sources)

    def fingerprint(self) -> str:
        """A summary of everything the database is compiled from, stored in it: a different one means it is stale.

        It names bilat's version and the schema's, so a database built by another bilat is stale too.
        """
        from bilat import __version__

        lines = [f"bilat {__version__} schema {DB_SCHEMA_VERSION}", str(self.data.resolve())]
        for prefix, files in (("", self.yaml), ("sources/", self.sources)):
            lines += [
                f"{prefix}{name} {size} {mtime} {ctime}" if size >= 0 else f"{prefix}{name} missing"
                for name, (size, mtime, ctime) in files.items()
            ]
        return "\n".join(lines)


def fingerprint(data: Path) -> str:
    """The fingerprint of the dataset at `data` as it is now (Snapshot.fingerprint)."""
    return Snapshot.take(data).fingerprint()


def _yaml_entries(
    folder: str, prefix: str, *, sources_into: dict[str, Stat] | None = None, stat_into: dict[str, Stat] | None = None
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """(name relative to the data folder, entry) of every *.yaml / *.yml file under `folder`, in path order.

    os.scandir: one system call per folder, not per name.  Each folder's entries are taken in name order and
    a subfolder where its name falls, which is the order of sorting the paths (pathlib compares them part by part).
    With `sources_into` (at the top of a data folder), every entry of its sources/ folder is stat'ed into it
    on the way (`stat_into`, one level down), so that folder is scanned once.
    """
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=_name)
    except OSError:
        return
    for entry in entries:
        try:
            if stat_into is not None:
                stat_into[entry.name] = _stat(entry)  # DirEntry caches it: a YAML file here is stat'ed once
            if entry.is_dir(follow_symlinks=False):  # as Path.rglob: linked folders are not walked
                into = sources_into if entry.name == "sources" else None
                yield from _yaml_entries(entry.path, f"{prefix}{entry.name}/", stat_into=into)
            elif entry.name.endswith((".yaml", ".yml")) and entry.name not in (".yaml", ".yml") and entry.is_file():
                yield prefix + entry.name, entry
        except OSError:
            continue


def _real_folder(path: Path) -> bool:
    """Whether `path` is a folder itself, not a link to one."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _stat(entry: os.DirEntry[str] | Path) -> Stat:
    try:
        st = entry.stat()
    except OSError:
        return MISSING
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns)


# ---------------------------------------------------------------- opening the database


def connect_readonly(db: Path) -> sqlite3.Connection:
    """Open the database read-only (a missing file is an error, never a new empty database)."""
    conn = sqlite3.connect(readonly_uri(db), uri=True)
    conn.row_factory = sqlite3.Row
    return conn
