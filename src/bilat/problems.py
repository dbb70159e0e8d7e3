"""Problems found in a dataset, each located at FILE:LINE:COLUMN, and the errors the CLI maps to exit codes.

Cheap to import: the query path uses the exceptions.  Every message for the
user passes through `bilat.visible`: a YAML key or value with an escape
sequence in it is shown (`\\x1b]0;...`), never obeyed by the terminal.
"""

from __future__ import annotations

import sys
from enum import IntEnum
from functools import total_ordering

from bilat.visible import visible


def one_line(message: str) -> str:
    """A message on one line (a YAML reader error, for one, spans two)."""
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


MESSAGE_LIMIT = 2000  # characters of one message: an id or query of 100,000 characters is not echoed whole


def say(message: str) -> None:
    """A message for the user, on stderr (never mixed with data), with any control character shown."""
    message = message.rstrip("\n")
    if len(message) > MESSAGE_LIMIT:
        message = f"{message[:MESSAGE_LIMIT]}… ({len(message) - MESSAGE_LIMIT:,} more characters)"
    sys.stderr.write(visible(message) + "\n")


def debugging() -> bool:
    """Whether BILAT_DEBUG asks for tracebacks: 1/true/yes/on do; unset, empty, 0/false/no/off do not."""
    import os

    return os.environ.get("BILAT_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


class ExitCode(IntEnum):
    """The exit codes scripts can rely on (documented in the README)."""

    OK = 0
    NOT_FOUND = 1
    USAGE = 2
    INVALID_DATA = 3
    INTERNAL = 70  # a bug: please report it with the output of --debug
    IO_ERROR = 74  # a file could not be read or written: permissions, a full disk, a loop of links (sysexits)
    INTERRUPTED = 130


@total_ordering
class Problem:
    """One thing wrong in the dataset, where it is: ordered by file, line, column (a plain class: no dataclasses
    import on the query path, which uses this module)."""

    __slots__ = ("column", "file", "line", "message", "path")

    def __init__(self, file: str, line: int, column: int, path: str, message: str) -> None:
        self.file = file
        self.line = line  # 1-based
        self.column = column  # 1-based
        self.path = path  # e.g. agreements[1].status
        self.message = message

    def _key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.path, self.message)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and self._key() == other._key()

    def __lt__(self, other: Problem) -> bool:
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Problem{self._key()!r}"

    def __str__(self) -> str:
        """FILE:LINE:COLUMN: path: message, printable as it is (`bilat validate` writes it to stdout)."""
        where = f"{self.file}:{self.line}:{self.column}"
        return visible(f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}")


class Finished(Exception):
    """A command that has written its whole answer and ends with `code`, saying nothing more (`diff --exit-code`)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class PipeClosed(Exception):
    """The reader of stdout went away (`bilat list | head`): not an OSError, so nothing on the way catches it."""


class BilatError(Exception):
    """An expected failure: the CLI prints its message on one line and exits with `code`."""

    code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(BilatError):
    code = ExitCode.USAGE


class NotFoundError(BilatError):
    code = ExitCode.NOT_FOUND


class InvalidDataError(BilatError):
    """The dataset is invalid; `problems` holds every problem found."""

    code = ExitCode.INVALID_DATA

    def __init__(self, problems: list[Problem], message: str | None = None, *, omitted: int | None = None) -> None:
        self.omitted = getattr(problems, "omitted", 0) if omitted is None else omitted  # beyond the cap (validate)
        self.problems = sorted(problems)
        first = str(self.problems[0]) if self.problems else (message or "invalid dataset")
        more = len(self.problems) - 1 + self.omitted
        summary = (
            first
            if more <= 0
            else f"{first} (and {more:,} more problem{'s' if more > 1 else ''}: bilat validate {self.problems[0].file})"
        )
        super().__init__(message or summary)


class DatabaseError(BilatError):
    code = ExitCode.INVALID_DATA


class IOFailure(BilatError):
    """The operating system refused to read or write a file: not a bug, not bad data."""

    code = ExitCode.IO_ERROR


def io_failure(exc: BaseException) -> IOFailure | None:
    """`exc` as one line for the user when it is the operating system saying no; None for anything else.

    Python reports a loop of symbolic links from Path.resolve as a RuntimeError.
    """
    if isinstance(exc, RuntimeError) and str(exc).startswith("Symlink loop"):
        return IOFailure(f"{str(exc).removeprefix('Symlink loop from ').strip(chr(39))}: a loop of symbolic links")
    if not isinstance(exc, OSError) or isinstance(exc, BrokenPipeError):
        return None
    why = exc.strerror or str(exc)
    if exc.filename is None:
        return IOFailure(f"cannot write the output: {why}")
    import os

    return IOFailure(f"{os.fsdecode(exc.filename)}: {why}")
