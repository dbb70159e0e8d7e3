"""The commands that open the compiled database to other tools, declared like those of `bilat.cli_spec`."""

from __future__ import annotations

from bilat.cli_parts import INT, ONE, TABLE_FORMAT, Arg, Cmd, Opt, limit_opt

OPEN_DATA = (
    Cmd(
        "sql",
        """Run one read-only SQL query against the compiled database, in any format.

    Only a query runs (SELECT, WITH, VALUES, EXPLAIN): the connection is read-only and nothing can be
    attached, written or loaded. Tables and views are listed in the README ("The database").

    \b
    Examples:
      bilat sql "select status, count(*) as n from agreements group by status"
      bilat sql "select * from agreement_overview where parties like '%BY%'" --format csv
    """,
        (limit_opt("At most this many rows."), TABLE_FORMAT),
        (Arg("statement", "One SQL query, quoted.", metavar="QUERY"),),
    ),
    Cmd(
        "db",
        """Print the path of the compiled database (rebuilt first if the data changed).

    \b
    Examples:
      bilat db
      sqlite3 "$(bilat db)" '.tables'
      datasette "$(bilat db)"
    """,
        (),
    ),
    Cmd(
        "export",
        """Write a Frictionless data package: one CSV per table, datapackage.json (types, descriptions, keys,
    sources) and the SQLite database, into FOLDER.

    The package is written beside FOLDER and swapped in whole, so a failed export leaves nothing half-written.
    FOLDER must be new, empty, or a package bilat exported before (which it replaces).

    \b
    Examples:
      bilat export bilat-data
      frictionless validate bilat-data/datapackage.json
      python -c "import pandas; print(pandas.read_csv('bilat-data/agreements.csv'))"
    """,
        (),
        (Arg("folder", "Where the package goes: a new folder, an empty one, or an earlier export.", metavar="FOLDER"),),
    ),
    Cmd(
        "serve",
        """Browse, facet and search the data in Datasette, read-only (needs the web extra: pip install 'bilat[web]').

    The database is rebuilt first if the data changed, then served as it stands; restart after editing the data.
    The first line on stdout is the address served. Ctrl-C stops it.

    \b
    Examples:
      bilat serve
      bilat serve --port 8080
      bilat serve --port 0 --host 127.0.0.1
    """,
        (
            Opt("port", ("--port", "-p"), INT, "The port (0: a free one).", metavar="N", default=8001),
            Opt(
                "host",
                ("--host",),
                ONE,
                "The address to listen on; 0.0.0.0 serves the network.",
                metavar="HOST",
                default="127.0.0.1",
            ),
        ),
    ),
)
