"""The body of `bilat diff [OLD] [NEW]`: what changed in the dataset, record by record and field by field.

OLD and NEW are each a data file, a data folder, or a git revision of the
`--data` dataset (`bilat.diff_sides` says how one is told from the other);
OLD defaults to `HEAD`, NEW to the `--data` dataset as it is on disk.  Both
sides are read and compared before anything is written; a revision's copy
lives in a temporary folder removed before the answer is printed.
"""

from __future__ import annotations

import sys

from bilat.cli_spec import Values
from bilat.problems import Finished, UsageError
from bilat.run_context import Run

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from bilat.dataset_diff import DatasetDiff

    Render = Callable[[], None]

FORMATS = ("table", "md", "json")


def diff(values: Values, run: Run) -> Render:
    from bilat.render import choose_format

    out_format = choose_format(values.text("fmt"), FORMATS)
    if out_format == "plain":
        out_format = "md"  # piped: the Markdown a pull request's description takes
    found = compare(values.text("old"), values.text("new"), run)

    def render() -> None:
        from bilat.diff_render import write_diff

        write_diff(found, out_format, sys.stdout, color=run.color, pager=not values.flag("no_pager"))
        if values.flag("exit_code") and found.count():
            raise Finished(1)  # as `git diff --exit-code`: 1 when there are changes

    return render


def compare(old: str | None, new: str | None, run: Run) -> DatasetDiff:
    """The diff between the two sides named on the command line (None: HEAD, then the --data dataset)."""
    import tempfile
    from pathlib import Path

    from bilat.dataset_diff import diff_datasets
    from bilat.diff_sides import load_side, same_files
    from bilat.store import resolve

    data = resolve(run.data, run.db).data
    with tempfile.TemporaryDirectory(prefix="bilat-diff-") as scratch:
        before = _where(old if old is not None else "HEAD", "OLD", data, Path(scratch) / "old")
        after = _where(new, "NEW", data, Path(scratch) / "new")
        skip = same_files(before.path, after.path)
        sides = [load_side(w.path, w.label, w.side, named=w.named, skip=skip) for w in (before, after)]
        return diff_datasets(*sides)


class _Where:
    """Where one side is read from: its path, its label, which side, how its files are named in messages."""

    __slots__ = ("label", "named", "path", "side")

    def __init__(self, path: Path, label: str, side: str, named: Callable[[str], str] | None = None) -> None:
        self.path, self.label, self.side, self.named = path, label, side, named


def _where(word: str | None, side: str, data: Path, scratch: Path) -> _Where:
    """One side: the --data dataset (None), a dataset on disk, or the --data dataset at a git revision."""
    from pathlib import Path

    from bilat.diff_sides import is_path
    from bilat.load import display_name

    if word is None or is_path(word):
        path = data if word is None else Path(word).expanduser()
        if word is None and not path.exists():
            raise UsageError(f"{path}: data file not found (set --data or BILAT_DATA)")
        if not (path.is_file() or path.is_dir()):
            raise UsageError(f"{side}: {word} is neither a data file nor a folder")
        return _Where(path, display_name(path), side)
    from bilat.revisions import extract, locate

    if not word.strip():
        raise UsageError(f"{side}: an empty name is neither a file nor a revision")
    copy = extract(locate(data, what=word), word, scratch)
    root = scratch.resolve()

    def named(file: str) -> str:
        """`REV:PATH` for a file of the copy (named relative to the current folder, or in full)."""
        try:
            return f"{word}:{Path(file).resolve().relative_to(root).as_posix()}"
        except ValueError:
            return file

    return _Where(copy, word, side, named)
