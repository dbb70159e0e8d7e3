"""The bodies of the commands that change the dataset: `sources` (add, list) and `new` (a record's skeleton).

Cheap to import (bilat.commands imports it for its table of bodies): everything they use is imported when
they run, off the query path.  The work is in bilat.source_add, bilat.skeletons, bilat.yaml_insert and
bilat.dataset_files; here the command line is checked and the result printed: the new id on stdout, where
it went on stderr.
"""

from __future__ import annotations

import sys

from bilat.cli_spec import Values
from bilat.problems import UsageError
from bilat.run_context import Run
from bilat.visible import visible

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    Render = Callable[[], None]

ADD_OPTIONS = ("outlet", "published", "dateline", "kind", "url", "title")
SOURCE_FIELDS = ("id", "published", "outlet", "kind", "file", "sha256", "title", "url")


def _dataset(run: Run) -> Path:
    from bilat.store import resolve

    data = resolve(run.data, run.db).data
    if not data.exists() and not data.is_symlink():
        raise UsageError(f"{data}: data file not found (set --data or BILAT_DATA)")
    return data


def sources(values: Values, run: Run) -> Render:
    action = values.text("action") or ""
    if action == "add":
        return _add(values, run)
    if action == "list":
        given = [f"--{name}" for name in ADD_OPTIONS if values.text(name) is not None]
        if given or values.text("file"):
            raise UsageError(
                f"sources list takes no file and no {' or '.join(given) or 'FILE'}: they are for sources add"
            )
        return _list(values, run)
    from bilat.suggest import did_you_mean

    raise UsageError(f"sources: unknown action {action!r}: add or list{did_you_mean(action, ('add', 'list'))}")


def _add(values: Values, run: Run) -> Render:
    from pathlib import Path

    from bilat.source_add import add_source

    file = values.text("file")
    if not file:
        raise UsageError("sources add: name the report's file: bilat sources add FILE --outlet NAME --published DATE")
    given = {"--outlet": values.text("outlet") is not None, "--published": bool(values.text("published"))}
    missing = [option for option, there in given.items() if not there]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        hint = " (--outlet '' for a report naming none)" if "--outlet" in missing else " (YYYY-MM-DD)"
        raise UsageError(f"sources add: {' and '.join(missing)} {verb} required{hint}")
    added = add_source(_dataset(run), Path(file), {name: values.text(name) for name in ADD_OPTIONS})

    def render() -> None:
        sys.stdout.write(visible(added.id) + "\n")
        if not run.quiet:
            run.warn(
                f"{added.data_file}:{added.line}: added source {added.id}, its text in sources/{added.file.name} "
                f"({added.characters:,} characters); find quotes with bilat quote TEXT --source {added.id}, "
                f"start records with bilat new KIND --source {added.id}"
            )

    return render


def _list(values: Values, run: Run) -> Render:
    from bilat.layout import data_files, sources_folder
    from bilat.load import read_documents
    from bilat.render import Column, choose_format, write_records
    from bilat.source_checksum import file_sha256

    data = _dataset(run)
    out_format = choose_format(values.text("fmt"))
    folder = sources_folder(data)
    rows: list[dict[str, object]] = []
    for path in data_files(data):
        for doc in read_documents(path):
            records = doc.data.get("sources") if isinstance(doc.data, dict) else None
            for record in records if isinstance(records, list) else []:
                if isinstance(record, dict):
                    row = {field: record.get(field) for field in SOURCE_FIELDS}
                    rows.append({**row, "text": _text_state(folder, record, file_sha256)})
    columns = [
        Column("id", "id", no_wrap=True),
        Column("published", "published", no_wrap=True),
        Column("outlet", "outlet", 30, optional=True),
        Column("file", "file", no_wrap=True, optional=True),
        Column("text", "text", no_wrap=True),
    ]
    fields = [*SOURCE_FIELDS, "text"]
    return lambda: write_records(
        rows, out_format, columns, title=f"{len(rows)} sources", fields=fields, color=run.color
    )


def _text_state(folder: Path, record: dict[str, object], checksum: Callable[[Path, str], str | None]) -> str:
    """`checked` (the text is as registered), `changed`, `unchecked` (no sha256 recorded) or `unreadable`."""
    name = record.get("file")
    actual = checksum(folder, name) if isinstance(name, str) else None
    if actual is None:
        return "unreadable"
    recorded = record.get("sha256")
    if not isinstance(recorded, str):
        return "unchecked"
    return "checked" if recorded == actual else "changed"


def new(values: Values, run: Run) -> Render:
    from bilat.new_record import new_record

    written = new_record(_dataset(run), values.text("kind") or "", values.text("source"), write=values.flag("write"))

    def render() -> None:
        if not written.line:
            sys.stdout.write(visible(written.block))  # the data's own text is in it: shown, never obeyed
            return
        sys.stdout.write(visible(written.id) + "\n")
        if not run.quiet:
            run.warn(
                f"{written.data_file}:{written.line}: added {written.kind} {written.id}: fill in its empty values "
                "(bilat validate lists them)"
            )
            if written.unfilled:
                run.warn(
                    f"note: {written.unfilled} is there from an earlier bilat new: fill it in, or delete it if "
                    "this one replaces it"
                )

    return render
