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
import sqlite3
import stat
import tempfile
from contextlib import closing
from pathlib import Path

from bilat.problems import UsageError
from bilat.publish.datapackage import MARKER, csv_name, descriptor, exported_tables

DATABASE_FILE = "agreements.sqlite"
_OURS = {"datapackage.json", DATABASE_FILE}


def export(conn: sqlite3.Connection, target: Path) -> dict[str, int]:
    """Write the package of the database open on `conn` to `target`; the rows written, by table."""
    target = Path(os.path.abspath(target))  # `out/`, `./out`, `a/../out`: the folder they name, links not followed
    _check_target(target)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.bilat-export-", dir=target.parent))
    try:
        counts = _write_package(conn, work)
        _swap_in(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return counts


def _write_package(conn: sqlite3.Connection, folder: Path) -> dict[str, int]:
    counts = {table: _write_csv(conn, table, folder / csv_name(table)) for table in exported_tables()}
    with closing(sqlite3.connect(folder / DATABASE_FILE)) as copy:
        conn.backup(copy)
    package = descriptor(conn, database_file=DATABASE_FILE)
    (folder / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", "utf-8")
    os.chmod(folder, 0o777 & ~_umask())  # mkdtemp makes it private; a package is for sharing, as umask allows
    return counts


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


def _check_target(target: Path) -> None:
    """Refuse a DIR that is not new, empty, or a package of bilat's own (one line, exit 2)."""
    if not target.parent.is_dir():
        raise UsageError(f"export: {target.parent} is not a folder (create it first)")
    here = Path.cwd()
    if target == here or target in here.parents:
        raise UsageError(
            f"export: {target} is the current folder or holds it; name a folder to put the package in "
            "(bilat export bilat-data)"
        )
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise UsageError(f"export: {target} is a symbolic link; give the folder itself")
    if not stat.S_ISDIR(mode):
        raise UsageError(f"export: {target} exists and is not a folder; choose a new folder")
    names = {entry.name for entry in os.scandir(target)}
    if not names:
        return
    listed = _package_files(target)
    if listed is None:
        raise UsageError(
            f"export: {target} is not empty and holds no package bilat exported; choose a new or empty folder"
        )
    strays = sorted(name for name in names if name not in listed or not stat.S_ISREG((target / name).lstat().st_mode))
    if strays:
        shown = ", ".join(strays[:3]) + (f" and {len(strays) - 3} more" if len(strays) > 3 else "")
        raise UsageError(
            f"export: {target} holds {shown}, not part of the package bilat exported there; "
            "move it out, or choose another folder"
        )


def _package_files(folder: Path) -> set[str] | None:
    """The files of the package bilat exported in `folder` (its resources, its database, datapackage.json), or
    None when its datapackage.json is missing, unreadable or not bilat's (it carries bilat's mark)."""
    try:
        package = json.loads((folder / "datapackage.json").read_text("utf-8"))
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
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.bilat-old-", dir=target.parent))
    try:
        os.rename(target, old / "package")
    except BaseException:
        os.rmdir(old)
        raise
    try:
        os.rename(work, target)
    except BaseException:
        os.rename(old / "package", target)  # put the old package back
        os.rmdir(old)
        raise
    shutil.rmtree(old, ignore_errors=True)
