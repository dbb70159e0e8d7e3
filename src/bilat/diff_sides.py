"""The two sides of `bilat diff`: each a data file, a data folder, or a git revision, loaded as `bilat validate` loads.

A command-line word that names an existing file or folder is that dataset;
any other word is a git revision of the `--data` dataset (`HEAD`, `main~1`,
`abc123`), copied out by `bilat.revisions` into a temporary folder of bilat's
own.  A path that exists wins: with a file called `HEAD` in the current
folder, `HEAD` is that file, and the revision is written another way git
reads it (`@`, `HEAD^{commit}`).

A side loads when its YAML reads and every record fits the model, with no
id used twice (`bilat validate`'s reader and checks, less references and
quotes, which `bilat validate` checks); otherwise `InvalidDataError` (exit 3)
names the side and the first problem at FILE:LINE:COLUMN.  The files of a
revision are named `REV:PATH` (`HEAD:data/agreements.yaml:12:5`).

When both sides are folders with the same source texts, a data file that is
byte for byte the same in both is read by neither (`same_files`): its records
are the same on both sides, so they change nothing in the diff, and a change
to one file of a large folder dataset is compared in the time it takes to
read that file.  (A problem inside such a file is then `bilat validate`'s to
find.)

Imports the validator (PyYAML, pydantic) when it runs: only `bilat diff` comes here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bilat.dataset_diff import SECTIONS, Record, Side
from bilat.problems import InvalidDataError, Problem


def is_path(word: str) -> bool:
    """Whether a side given on the command line is a dataset on disk (else it is read as a revision)."""
    path = Path(word).expanduser()
    return path.exists() or path.is_symlink()


def same_files(old: Path, new: Path) -> frozenset[str]:
    """The data files (names relative to the folder) two folder datasets both have, byte for byte the same.

    None when their source texts differ: a source record in an unchanged file may then have a changed text.
    """
    from bilat.layout import data_files, sources_folder

    if not (old.is_dir() and new.is_dir()):
        return frozenset()
    texts = [sorted(p for p in sources_folder(side).glob("*") if p.is_file()) for side in (old, new)]
    if [p.name for p in texts[0]] != [p.name for p in texts[1]] or not all(map(_same, *texts)):
        return frozenset()
    theirs = {p.relative_to(new).as_posix(): p for p in data_files(new)}
    return frozenset(
        name
        for path in data_files(old)
        if (name := path.relative_to(old).as_posix()) in theirs and _same(path, theirs[name])
    )


def _same(a: Path, b: Path) -> bool:
    """Whether two files hold the same bytes (False when either cannot be read: the loader says why)."""
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def load_side(
    data: Path, label: str, side: str, *, named: Callable[[str], str] | None = None, skip: frozenset[str] = frozenset()
) -> Side:
    """The dataset at `data` as one side (`side`: OLD or NEW) of a diff; `named` maps file names for messages.

    The data files named in `skip` (relative to a folder dataset) are not read.
    """
    from bilat.layout import data_files, sources_folder
    from bilat.load import display_name, read_documents
    from bilat.source_files import SourceFileError, read_source
    from bilat.validate import Checker

    rename = named or (lambda name: name)
    folder = data.is_dir()
    paths = {(p.relative_to(data).as_posix() if folder else p.name): p for p in data_files(data)}
    paths = {name: path for name, path in paths.items() if name not in skip}
    relative = {display_name(path): name for name, path in paths.items()}
    checker = Checker(data, texts=False)  # a text missing or edited since registered is validate's to report
    records: dict[str, dict[str, Record]] = {section: {} for section in SECTIONS}
    files: dict[str, str] = {}  # source id -> its file name in sources/
    documents = ((doc, checker.add(doc)) for path in paths.values() for doc in read_documents(path))
    for doc, dataset in documents:
        if dataset is None:
            continue
        for section in SECTIONS:
            for i, model in enumerate(getattr(dataset, section)):
                fields = model.model_dump()
                line, _column = doc.where((section, i))
                record = Record(fields, f"{rename(doc.file)}:{line}", relative.get(doc.file, doc.file))
                records[section].setdefault(record.id, record)
                if section == "sources":
                    files.setdefault(record.id, fields["file"])
    if checker.problems:
        raise InvalidDataError([], _message(side, label, sorted(set(checker.problems)), rename))
    texts: dict[str, str] = {}
    for source, name in files.items():
        try:
            texts[source] = read_source(sources_folder(data), name)
        except SourceFileError:
            continue  # the checker has said so
    return Side(label, records, texts, folder)


def _message(side: str, label: str, problems: list[Problem], rename: Callable[[str], str]) -> str:
    first = problems[0]
    where = Problem(rename(first.file), first.line, first.column, first.path, first.message)
    more = f" (and {len(problems) - 1:,} more problems)" if len(problems) > 1 else ""
    return f"{side} ({label}) does not load: {where}{more}"
