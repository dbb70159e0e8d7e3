"""Where the curation commands write, and how: only the dataset's YAML files and its sources folder, atomically.

`bilat sources add` and `bilat new --write` change a curator's files, so:

- they write only a data file of the dataset (the one named, or one found in the data folder) and new
  files in its sources/ folder: never a file reached through a symbolic link, never outside the data
  folder (a sources/ that is a link out of it is refused, as bilat.source_files refuses to read one);
- a data file is replaced whole through a temporary file in its own folder (`os.replace`), keeping its
  permissions, and only if it still holds what was read (an editor that saved meanwhile is not undone);
- a new source text never replaces a file: it is linked into place under a name no file has.

Standard library only.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from contextlib import suppress
from pathlib import Path

from bilat.layout import data_files, sources_folder
from bilat.problems import UsageError

MAX_DATA_BYTES = 512 * 1024 * 1024  # a data file bilat will rewrite; the real one is 150 kB


def data_root(data: Path) -> Path:
    """The data folder: the dataset's folder, or the folder of its one file."""
    return data if data.is_dir() else data.parent


def file_for(data: Path, section: str) -> Path:
    """The data file a new record of `section` goes in: the dataset's file, else the first with that section."""
    if data.is_symlink():
        raise UsageError(f"{data} is a symbolic link: bilat writes only the dataset's own files (name its target)")
    if not data.is_dir():
        return data
    files = data_files(data)
    if not files:
        raise UsageError(f"{data}: no *.yaml data file in this folder to add the record to")
    header = re.compile(rf"^{re.escape(section)}:", re.M)
    return next((f for f in files if header.search(_read(f, data).decode("utf-8", "replace"))), files[0])


def read_data_file(path: Path, data: Path) -> str:
    """The text of a data file about to be changed (UTF-8, line endings as they are); UsageError when it may not be."""
    try:
        return _read(path, data).decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text: bilat validate says where") from None


def _read(path: Path, data: Path) -> bytes:
    _check_data_file(path, data)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise UsageError(f"{path} is not a regular file: bilat will not change it")
        raw = stream.read(MAX_DATA_BYTES + 1)
    if len(raw) > MAX_DATA_BYTES:
        raise UsageError(f"{path} is over {MAX_DATA_BYTES:,} bytes: bilat will not rewrite it")
    return raw


def _check_data_file(path: Path, data: Path) -> None:
    """A data file may be changed when it is a regular file, no link, with no other name, inside the data folder."""
    try:
        info = os.lstat(path)
    except OSError:
        raise UsageError(f"{path}: data file not found (set --data or BILAT_DATA)") from None
    if stat.S_ISLNK(info.st_mode):
        raise UsageError(f"{path} is a symbolic link: bilat writes only the dataset's own files (name its target)")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{path} is not a regular file: bilat will not change it")
    if info.st_nlink > 1:
        raise UsageError(f"{path} has other hard links: bilat replaces a data file whole and would part them")
    if not path.resolve().is_relative_to(data_root(data).resolve()):
        raise UsageError(f"{path} is outside the data folder {data_root(data)}: bilat will not change it")


def replace_data_file(path: Path, data: Path, old: str, new: str) -> None:
    """Replace the data file's text `old` with `new`, atomically; UsageError if it changed since it was read."""
    if read_data_file(path, data) != old:
        raise UsageError(f"{path} changed while bilat was adding to it: nothing written; run the command again")
    mode = stat.S_IMODE(os.stat(path).st_mode)
    tmp = _temporary(path.parent, path.name, new)
    try:
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def sources_dir(data: Path) -> Path:
    """The dataset's sources folder, made if missing; UsageError when it is a link out of the data folder."""
    folder = sources_folder(data)
    root = data_root(data).resolve()
    if not folder.exists() and not folder.is_symlink():
        folder.mkdir()
    real = folder.resolve()
    if not real.is_relative_to(root) or not real.is_dir():
        raise UsageError(
            f"the sources folder {folder} is not a folder inside the data folder: bilat will not write there"
        )
    return real


def add_new_file(folder: Path, name: str, text: str) -> Path:
    """Write `text` as the new file `folder/name`; FileExistsError when a file of that name is there already."""
    target = folder / name
    tmp = _temporary(folder, name, text)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        os.link(tmp, target)  # never replaces: fails when the name is taken
    finally:
        with suppress(OSError):
            os.unlink(tmp)
    return target


def _temporary(folder: Path, name: str, text: str) -> str:
    """A temporary file in `folder` holding `text` (UTF-8, written as it is), flushed to disk; its path."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
