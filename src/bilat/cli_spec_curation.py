"""The commands for people who edit the dataset, declared like those of `bilat.cli_spec`.

They may import what they need when they run (they are off the query path); declaring them here stays cheap.
"""

from __future__ import annotations

from bilat.cli_parts import FLAG, NO_PAGER, NOTE_FORMAT, ONE, TABLE_FORMAT, Arg, Cmd, Opt, limit_opt

NEW_KINDS = ("agreement", "event", "person", "follow-up")  # bilat.skeletons.KINDS, without importing it
SOURCE_KIND_CHOICES = ("news-report", "press-release", "social-media-post")  # bilat.vocab.SOURCE_KINDS

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
            NOTE_FORMAT,
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
    Cmd(
        "sources",
        """Add a report's text to the dataset (sources add), or list the sources and their texts' state.

    sources add FILE stores the text in the sources folder (UTF-8, plain text: Markdown is stored as the
    words a reader sees; not UTF-8: refused), registers it with a free id and the text's SHA-256, and
    prints the id. The same text twice is refused, naming the source that has it. sources list says of
    each text: checked (as registered), changed (edited since: bilat validate says so), unchecked (no
    checksum) or unreadable.

    \b
    Examples:
      bilat sources add report.txt --outlet "Dawn" --published 2025-04-14 --dateline Islamabad
      bilat sources add article.md --outlet "" --published 2025-04-14 --title "Pakistan, Belarus sign MoUs"
      bilat sources list
    """,
        (
            Opt("outlet", ("--outlet",), ONE, "The outlet as the report names it ('' for none). [add]", metavar="NAME"),
            Opt("published", ("--published",), ONE, "The report's date, YYYY-MM-DD. [add]", metavar="DATE"),
            Opt("dateline", ("--dateline",), ONE, "The dateline place, if the report has one. [add]", metavar="PLACE"),
            Opt(
                "kind",
                ("--kind",),
                ONE,
                "news-report (default), press-release or social-media-post. [add]",
                metavar="KIND",
                complete=SOURCE_KIND_CHOICES,
            ),
            Opt("url", ("--url",), ONE, "Where the report was published (http or https). [add]", metavar="URL"),
            Opt("title", ("--title",), ONE, "The report's headline. [add]", metavar="HEADLINE"),
            TABLE_FORMAT,
        ),
        (
            Arg("action", "add or list.", metavar="ACTION", complete=("add", "list")),
            Arg("file", "The report's text: .txt or .md (- reads stdin). [add]", metavar="[FILE]", required=False),
        ),
    ),
    Cmd(
        "new",
        """Print the YAML skeleton of a new record drawn from a source; --write appends it to the data file.

    Every required field is there, empty, for you to fill; each optional one is a comment; the allowed
    values of each vocabulary are listed; the id is free; the evidence names the source with an empty
    quote. --write adds it at the end of its section, every other line of the file kept as it was, and
    prints its id: bilat validate then lists what is still empty (exit 3) until it is filled.

    \b
    Examples:
      bilat new agreement --source report-2025-04-12
      bilat new event --source report-2025-04-12 --write
      bilat new person --source tdi-2023-06-13 --write
      bilat new follow-up --source urdupoint-2025-02-10
    """,
        (
            Opt(
                "source",
                ("--source",),
                ONE,
                "The id of the source it is drawn from (bilat sources list).",
                metavar="ID",
            ),
            Opt("write", ("--write",), FLAG, "Append it to the data file instead of printing it.", default=False),
        ),
        (Arg("kind", "agreement, event, person or follow-up.", metavar="KIND", complete=NEW_KINDS),),
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
