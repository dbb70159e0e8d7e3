"""The `datapackage.json` of an export: every table as a CSV resource with its fields' types and descriptions,
its primary and foreign keys, and the news reports the data comes from (Frictionless Tabular Data Package v1).

Built from the one declaration of the schema (`bilat.build.schema`) and its descriptions
(`bilat.build.descriptions`), so the package, Datasette's metadata and the README say the same.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from bilat import __version__
from bilat.build.descriptions import INTERNAL
from bilat.build.descriptions import TABLES as DESCRIBED
from bilat.build.schema import FOREIGN_KEYS, TABLES

MARKER = "bilat-export"
"""A property of every package bilat writes: how `bilat export` knows a folder it may replace is its own."""

# Columns that always hold a whole day (the others hold dates at their own precision: 2025, 2025-04, 2025-04-12).
_DAYS = {"published", "date_start", "date_end"}

DATA_TERMS = (
    "The records (agreements, events, people, statuses and their evidence) are the bilat developers' work, "
    "under the MIT licence. The quoted news texts (sources.text) remain their publishers': they are included "
    "so that every quote can be checked, not for republication (see NOTICE in the bilat repository)."
)


def exported_tables() -> list[str]:
    """The tables a reader gets (bilat's bookkeeping tables stay out)."""
    return [name for name in TABLES if name not in INTERNAL]


def csv_name(table: str) -> str:
    return f"{table}.csv"


def _field(table: str, column: str, kind: str) -> dict[str, str]:
    about = DESCRIBED[table][1][column]
    if kind == "INTEGER":
        return {"name": column, "type": "integer", "description": about}
    if column in _DAYS:
        return {"name": column, "type": "date", "description": about}
    return {"name": column, "type": "string", "description": about}


def resource(table: str) -> dict[str, Any]:
    """One table as a tabular data resource: its CSV, fields, keys."""
    declared = TABLES[table]
    schema: dict[str, Any] = {"fields": [_field(table, name, kind) for name, kind in declared.columns]}
    if declared.key:
        schema["primaryKey"] = [declared.key]
    keys = [
        {"fields": [column], "reference": {"resource": "" if to == table else to, "fields": [to_column]}}
        for (source, column), (to, to_column) in FOREIGN_KEYS.items()
        if source == table
    ]
    if keys:
        schema["foreignKeys"] = keys
    return {
        "name": table.replace("_", "-"),
        "path": csv_name(table),
        "profile": "tabular-data-resource",
        "title": table,
        "description": DESCRIBED[table][0],
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


def _reports(conn: sqlite3.Connection) -> list[dict[str, str]]:
    """The news reports, as the package's `sources`: outlet, date and headline, with the URL where known."""
    cited = []
    for outlet, published, title, url in conn.execute(
        "select outlet, published, title, url from sources order by published, id"
    ):
        words = f"{outlet or 'Outlet not named'}, {published}" + (f": {title}" if title else "")
        cited.append({"title": words, **({"path": url} if url else {})})
    return cited


def descriptor(conn: sqlite3.Connection, *, database_file: str) -> dict[str, Any]:
    """The whole `datapackage.json` for the database open on `conn`."""
    resources = [resource(table) for table in exported_tables()]
    # Frictionless resolves a foreign key by resource name: point them at the names given above.
    for res in resources:
        for key in res["schema"].get("foreignKeys", []):
            if key["reference"]["resource"]:
                key["reference"]["resource"] = key["reference"]["resource"].replace("_", "-")
    return {
        "profile": "tabular-data-package",
        "name": "bilat-agreements",
        "title": "Bilateral agreements, with verbatim evidence (bilat)",
        "description": (
            "Agreements, commitments and engagements, every fact traced to a verbatim quote from a news report. "
            f"One CSV per table of the compiled database ({database_file}, also in this folder: open it with "
            "sqlite3 or Datasette). Dates are ISO 8601 at their own precision (2025, 2025-04, 2025-04-12); "
            "lists kept in one column are JSON arrays. " + DATA_TERMS
        ),
        "version": __version__,
        "licenses": [{"name": "MIT", "path": "https://opensource.org/licenses/MIT", "title": "MIT (the records)"}],
        "sources": _reports(conn),
        "resources": resources,
        MARKER: {"database": database_file, "bilat_version": __version__},
    }
