"""The bodies of the commands that open the compiled database to other tools: `db` (its path), `sql`, `export`, `serve`."""

from __future__ import annotations

import sys

from bilat.cli_spec import Values
from bilat.command_kit import bounded, plural, read_with
from bilat.run_context import Run

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    from collections.abc import Callable

    Render = Callable[[], None]


def db(values: Values, run: Run) -> Render:
    """The database's path, once it is fresh: `sqlite3 "$(bilat db)"`, `datasette "$(bilat db)"`."""
    read_with(run, lambda conn: None)  # rebuilds it first when the data changed
    path = str(run.store.db) if run.store is not None else ""

    def render() -> None:
        sys.stdout.write(path + "\n")

    return render


def sql(values: Values, run: Run) -> Render:
    from bilat.read.sql import run_query
    from bilat.render import Column, choose_format, write_records

    out_format = choose_format(values.text("fmt"))
    statement = values.text("statement") or ""
    columns, rows = read_with(run, lambda conn: run_query(conn, statement, limit=bounded(values.number("limit"))))
    shown = [Column(name, name, 60, min_width=8) for name in columns]
    return lambda: write_records(
        rows, out_format, shown, title=plural(len(rows), "row"), fields=columns, color=run.color
    )


def export(values: Values, run: Run) -> Render:
    """The data package of the fresh database, swapped into FOLDER whole (bilat.publish.export_folder)."""
    from pathlib import Path

    from bilat.problems import InvalidDataError
    from bilat.publish.export_folder import export as write_package
    from bilat.store import is_fresh

    folder = Path(values.text("folder") or "")
    read_with(run, lambda conn: None)  # rebuilt first when the data changed
    if run.store is not None and not is_fresh(run.store):  # invalid: what is served is the last good database
        raise InvalidDataError(
            [],
            "export: the data is invalid, and a package of the last good database would pass for it: "
            "fix the data first (bilat validate lists every problem)",
        )
    counts = read_with(run, lambda conn: write_package(conn, folder))

    def render() -> None:
        sys.stdout.write(f"{folder}\n")
        if not run.quiet:
            rows = sum(counts.values())
            run.warn(f"exported {plural(len(counts), 'table')} ({plural(rows, 'row')}) to {folder}")

    return render


def serve(values: Values, run: Run) -> Render:
    """Datasette on the fresh database, until interrupted (bilat.publish.serve)."""
    from bilat.publish.serve import bind, check_installed
    from bilat.publish.serve import serve as run_server

    check_installed()
    read_with(run, lambda conn: None)  # rebuilds it first when the data changed
    host = values.text("host") or "127.0.0.1"
    port = values.number("port")
    sock = bind(host, 8001 if port is None else port)
    if host not in ("127.0.0.1", "localhost", "::1"):
        run.warn(f"serve: listening on {host}: anyone who can reach this machine can read the data")
    db = run.store.db if run.store is not None else None

    def render() -> None:
        if db is not None:
            run_server(db, sock, say=lambda line: None if run.quiet else run.warn(line))

    return render
