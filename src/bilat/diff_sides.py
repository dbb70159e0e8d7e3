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


def load_side(data: Path, label: str, side: str, *, named: Callable[[str], str] | None = None) -> Side:
    """The dataset at `data` as one side (`side`: OLD or NEW) of a diff; `named` maps file names for messages."""
    from bilat.layout import data_files, sources_folder
    from bilat.load import display_name
    from bilat.source_files import SourceFileError, read_source
    from bilat.validate import Checker, iter_checked

    rename = named or (lambda name: name)
    folder = data.is_dir()
    relative = {display_name(p): (p.relative_to(data).as_posix() if folder else p.name) for p in data_files(data)}
    checker = Checker(data)
    records: dict[str, dict[str, Record]] = {section: {} for section in SECTIONS}
    files: dict[str, str] = {}  # source id -> its file name in sources/
    for doc, dataset in iter_checked(data, checker):
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
