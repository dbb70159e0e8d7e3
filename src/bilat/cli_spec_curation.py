"""The commands for people who edit the dataset, declared like those of `bilat.cli_spec`.

They may import what they need when they run (they are off the query path); declaring them here stays cheap.
"""

from __future__ import annotations

from bilat.cli_parts import FLAG, NO_PAGER, ONE, TABLE_FORMAT, Arg, Cmd, Opt, limit_opt

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
        "diff",
        """What changed in the dataset between two versions, record by record and field by field.

    OLD and NEW are each a data file, a data folder, or a git revision of the --data dataset (HEAD,
    main~1, abc123); a path that exists wins over a revision of the same name. OLD defaults to HEAD, NEW
    to the --data dataset as it is on disk. Records added, removed, renamed (the same record under a new
    id) and changed, with each field old -> new, status steps and quotes added, removed or changed.
    Markdown when piped (for a pull request), Rich on a terminal, --format json for tools. Exit 0, with
    or without changes (1 when there are changes under --exit-code); 2 for a revision git does not know;
    3 when a side does not load.

    \b
    Examples:
      bilat diff
      bilat diff HEAD~1 HEAD
      bilat diff main --format md > changes.md
      bilat diff old.yaml new.yaml --format json | jq '.counts'
    """,
        (
            Opt(
                "fmt",
                ("--format", "-f"),
                ONE,
                "table (Rich), md or json [default: table on a terminal, md when piped]",
                metavar="FORMAT",
                complete=("table", "md", "json"),
            ),
            Opt("exit_code", ("--exit-code",), FLAG, "Exit 1 when there are changes (as git diff).", default=False),
            NO_PAGER,
        ),
        (
            Arg("old", "A data file or folder, or a git revision [default: HEAD].", metavar="[OLD]", required=False),
            Arg(
                "new",
                "A data file or folder, or a git revision [default: the --data dataset on disk].",
                metavar="[NEW]",
                required=False,
            ),
        ),
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
        "quote",
        """Where a phrase is in the source texts, to paste a quote sure to validate: exact matches, then near misses.

    An exact match is one bilat validate accepts (the phrase character for character, spaces and line
    breaks aside); each gives its source id, the line of the file, the characters to paste and the
    sentence around them. Near misses follow, best first (curly for straight quotes, a dash, a word or two
    different), each with the source's characters to paste and what differs. Exit 0 when an exact match
    is found, 1 when none is (near misses are still printed), 2 for an empty text or an unknown --source.

    \b
    Examples:
      bilat quote "Belarus's offer"
      bilat quote "skilled workers" --source report-2025-04-12
      bilat quote "labour mobility" --format json | jq -r '.[0].paste'
    """,
        (
            Opt("source", ("--source",), ONE, "Look only in this source (its id).", metavar="ID"),
            limit_opt("At most this many findings, exact ones first.", 10),
            TABLE_FORMAT,
        ),
        (Arg("text", "The words to find, as you would quote them.", metavar="TEXT"),),
    ),
)
