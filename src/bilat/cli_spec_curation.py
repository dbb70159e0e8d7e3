"""The commands for people who edit the dataset, declared like those of `bilat.cli_spec`.

They may import what they need when they run (they are off the query path); declaring them here stays cheap.
"""

from __future__ import annotations

from bilat.cli_parts import ONE, Arg, Cmd, Opt

CURATION = (
    Cmd(
        "validate",
        """Check the dataset: schema, ids, references, and every quote against its source.

    Prints every problem as FILE:LINE:COLUMN: path: message, then every warning (a date, quotation or
    reading the sources may not support). Exit 0 when valid (warnings alone exit 0), 3 when not,
    2 when the file named does not exist.

    \b
    Examples:
      bilat validate
      bilat validate data/agreements.yaml
    """,
        (),
        (Arg("file", "A data file or folder [default: --data].", metavar="[FILE]", required=False),),
    ),
    Cmd(
        "build",
        """Rebuild the database now (it is rebuilt automatically when the data changes).

    \b
    Example:
      bilat build
    """,
    ),
    Cmd(
        "schema",
        """Print the JSON Schema of the data file (for editors and check-jsonschema).

    \b
    Example:
      bilat schema > agreements.schema.json
    """,
    ),
    Cmd(
        "coverage",
        """List the sentences of each source that no record cites, and the share of them accounted for.

    A sentence is cited when a quote from that source shares a letter or digit with it, marked when a
    `not_recorded` quote of its source does (a reason says why it is left out); headlines, "Also Read"
    links and a post's credit are not sentences. Exit 0, whatever the coverage.

    \b
    Examples:
      bilat coverage
      bilat coverage tdi-2023-06-13
      bilat coverage --format json
    """,
        (
            Opt(
                "fmt",
                ("--format", "-f"),
                ONE,
                "table, json or md [default: table on a terminal, plain lines when piped]",
                metavar="FORMAT",
                complete=("table", "json", "md"),
            ),
        ),
        (Arg("source", "A source id [default: every source].", metavar="[SOURCE]", required=False),),
    ),
)
