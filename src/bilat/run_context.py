"""One run of `bilat`: what the global options and the environment said, passed from the door to the commands.

It replaces module globals and `os.environ` edits: the door (the fast parser
or the Typer app) makes one `Run`, and every command body takes its data,
database, quietness, colour and debugging from it.  Cheap to import.
"""

from __future__ import annotations

import os

from bilat.problems import debugging, say

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3

    from bilat.cli_spec import Values
    from bilat.store import Store


class Run:
    """The settings of this run: the dataset and database asked for, and how to talk to the user."""

    __slots__ = ("color", "data", "db", "debug", "quiet", "store")

    def __init__(
        self,
        *,
        data: str | None = None,
        db: str | None = None,
        quiet: bool = False,
        no_color: bool = False,
        debug: bool = False,
    ) -> None:
        self.data, self.db, self.quiet = data, db, quiet
        self.color = not no_color and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        """Colour is allowed (on a terminal): not under --no-color, NO_COLOR or TERM=dumb."""
        self.debug = debug or debugging()
        """Tracebacks instead of one-line errors: --debug or BILAT_DEBUG=1/true/yes/on."""
        self.store: Store | None = None
        """The database this run opened (set by `connect`), so a damaged one can be rebuilt."""

    @classmethod
    def of(cls, values: Values) -> Run:
        """The run the global options in `values` ask for (given before or after the command)."""
        return cls(
            data=values.text("data"),
            db=values.text("db"),
            quiet=values.flag("quiet"),
            no_color=values.flag("no_color"),
            debug=values.flag("debug"),
        )

    def warn(self, message: str) -> None:
        """A note or warning for the user, on stderr."""
        say(message)

    def connect(self, *, silent: bool = False) -> sqlite3.Connection:
        """A read-only connection to a fresh database (compiled first when the data changed).

        `silent` (for shell completion) keeps warnings off the terminal in the middle of a TAB.
        """
        from bilat.store import open_fresh, resolve

        self.store = resolve(self.data, self.db)
        warn = (lambda _message: None) if silent else self.warn
        opened = open_fresh(self.store, warn, quiet=self.quiet or silent)
        self.store = opened.store  # the temporary folder's, when the cache folder could not be written
        return opened.conn
