"""`bilat export DIR`: the data package written beside itself and swapped in whole.

Everything is written into a new hidden folder next to DIR, then that folder takes DIR's place, so a failed or
interrupted export never leaves half a package, and the package that was there stays until the new one is
complete.  DIR may be new, an empty folder, or a package bilat exported before (its `datapackage.json` carries
bilat's mark); anything else is refused and left untouched: bilat replaces only what it can prove is its own.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from bilat.problems import UsageError
from bilat.publish.datapackage import MARKER, csv_name, descriptor, exported_tables

DATABASE_FILE = "agreements.sqlite"
_OURS = {"datapackage.json", DATABASE_FILE}


def export(conn: sqlite3.Connection, target: Path) -> dict[str, int]:
    """Write the package of the database open on `conn` to `target`; the rows written, by table."""
    from bilat.locking import signals_raise

    target = Path(os.path.abspath(target))  # `out/`, `./out`, `a/../out`: the folder they name, links not followed
    _check_target(target)
    with signals_raise():  # SIGTERM and SIGHUP clean up as Ctrl-C does
        work = Path(tempfile.mkdtemp(prefix=f".{target.name[:100]}.bilat-export-", dir=target.parent))
        try:
            counts = _write_package(conn, work)
            with _signals_held():  # the swap and its clean-up are not cut in the middle
                _swap_in(work, target)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    return counts


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP wait until the block is done (then they act as usual)."""
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _write_package(conn: sqlite3.Connection, folder: Path) -> dict[str, int]:
    counts = {table: _write_csv(conn, table, folder / csv_name(table)) for table in exported_tables()}
    with closing(sqlite3.connect(folder / DATABASE_FILE)) as copy:
        conn.backup(copy)
        _published(copy)
    package = descriptor(conn, database_file=DATABASE_FILE)
    (folder / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", "utf-8")
    os.chmod(folder, 0o777 & ~_umask())  # mkdtemp makes it private; a package is for sharing, as umask allows
    return counts


def _published(copy: sqlite3.Connection) -> None:
    """The copy as it is published: bilat's bookkeeping (where the data was on this machine, file stamps) gone,
    and no longer marked as a database bilat may rebuild."""
    for table in ("_meta", "_data_files", "_source_files"):
        copy.execute(f"drop table if exists [{table}]")
    copy.execute("pragma application_id = 0")
    copy.commit()
    copy.execute("vacuum")


def _write_csv(conn: sqlite3.Connection, table: str, path: Path) -> int:
    """One table as RFC 4180 CSV with a header; NULL is an empty field. The rows written."""
    cursor = conn.execute(f"select * from [{table}] order by rowid")
    n = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([d[0] for d in cursor.description])
        for row in cursor:
            writer.writerow(row)
            n += 1
    return n


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _check_target(target: Path, what: str | None = None) -> None:
    """Refuse a DIR that is not new, empty, or a package of bilat's own (one line, exit 2)."""
    name = what or str(target)
    if not target.parent.is_dir():
        raise UsageError(f"export: {target.parent} is not a folder (create it first)")
    if _holds_the_current_folder(target):
        raise UsageError(
            f"export: {name} is the current folder or holds it; name a folder to put the package in "
            "(bilat export bilat-data)"
        )
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise UsageError(f"export: {name} is a symbolic link; give the folder itself")
    if not stat.S_ISDIR(mode):
        raise UsageError(f"export: {name} exists and is not a folder; choose a new folder")
    names = {entry.name for entry in os.scandir(target)}
    if not names:
        return
    listed = _package_files(target)
    if listed is None:
        raise UsageError(
            f"export: {name} is not empty and holds no package bilat exported; choose a new or empty folder"
        )
    strays = sorted(n for n in names if n not in listed or not stat.S_ISREG((target / n).lstat().st_mode))
    if strays:
        said = ", ".join(strays[:3]) + (f" and {len(strays) - 3} more" if len(strays) > 3 else "")
        raise UsageError(
            f"export: {name} holds {said}, not part of the package bilat exported there; "
            "move it out, or choose another folder"
        )


def _holds_the_current_folder(target: Path) -> bool:
    """`target` is the current folder or one of its parents, however it is spelt (links included)."""
    try:
        there = os.stat(target)
    except OSError:
        return False
    here = Path.cwd()
    return any(os.path.samestat(there, os.stat(folder)) for folder in (here, *here.parents))


_MAX_DESCRIPTOR = 16 * 1024 * 1024


def _package_files(folder: Path) -> set[str] | None:
    """The files of the package bilat exported in `folder` (its resources, its database, datapackage.json), or
    None when its datapackage.json is missing, not a plain file, unreadable or not bilat's (bilat's mark)."""
    path = folder / "datapackage.json"
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_DESCRIPTOR:
            return None  # a FIFO, a device, a link: never opened
        package = json.loads(path.read_text("utf-8"))
        listed = {resource["path"] for resource in package["resources"]}
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return _OURS | listed if MARKER in package else None


def _swap_in(work: Path, target: Path) -> None:
    """`work` becomes `target`; the package that was at `target` (if any) is removed only once it has."""
    if not target.exists():
        os.rename(work, target)
        return
    if not any(target.iterdir()):
        os.rmdir(target)
        os.rename(work, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name[:100]}.bilat-old-", dir=target.parent))
    try:
        os.rename(target, old / "package")
    except BaseException:
        os.rmdir(old)
        raise
    try:  # checked again now that it cannot change: a file saved into it during the export is not deleted
        _check_target(old / "package", what=str(target))
    except BaseException:
        os.rename(old / "package", target)
        os.rmdir(old)
        raise
    try:
        os.rename(work, target)
    except BaseException:
        os.rename(old / "package", target)  # put the old package back
        os.rmdir(old)
        raise
    shutil.rmtree(old, ignore_errors=True)
