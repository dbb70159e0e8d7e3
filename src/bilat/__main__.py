"""Entry point: `bilat` and `python -m bilat`.

Broken pipes (`bilat list | head -n 1`) and Ctrl-C end quietly here, once, for
every command.  Typer's vendored Click turns EPIPE into exit 1, so stdout is
wrapped to raise `PipeClosed` (not an OSError) that Click lets through; then the
Python docs' "Note on SIGPIPE" recipe points stdout at devnull.

A stdout or stderr that cannot encode UTF-8 (`PYTHONIOENCODING=ascii`,
`LC_ALL=C PYTHONUTF8=0`) writes what it cannot encode as backslash escapes
instead of failing halfway with UnicodeEncodeError; JSON is then written as
ASCII (`bilat.render.json_text`), so it stays valid.
"""

from __future__ import annotations

import os
import sys

from bilat.problems import PipeClosed

TYPE_CHECKING = False  # typing is not imported at run time: start-up is measured in milliseconds
if TYPE_CHECKING:
    from typing import Any


class _GuardedStdout:
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except BrokenPipeError:
            raise PipeClosed from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise PipeClosed from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main() -> None:
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:  # started with the stream closed (`bilat list >&-`): discard, as print() does
            setattr(sys, name, open(os.devnull, "w"))  # noqa: SIM115 - lives as long as the process
        _tolerate_encoding(getattr(sys, name))
    real_stdout = sys.stdout
    sys.stdout = _GuardedStdout(real_stdout)
    try:
        from bilat.fast import run as run_fast  # the query commands, without importing Typer (~35 ms)

        code = run_fast(sys.argv[1:])
        if code is None:
            from bilat.cli import run

            code = run()
        sys.stdout.flush()
    except (PipeClosed, BrokenPipeError):
        code = 0  # the reader stopped reading: that is how pipes end, not an error
        _silence(real_stdout)
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        code = 130
    except OSError as exc:  # the last flush of stdout: a full disk (`> /dev/full`), a terminal gone
        from bilat.problems import io_failure, say

        failure = io_failure(exc)
        say(f"error: {failure.message if failure else exc}")
        code = int(failure.code) if failure else 74
        _silence(real_stdout)
    sys.stdout = real_stdout
    sys.exit(code)


def _tolerate_encoding(stream: Any) -> None:
    """Let a stream that is not UTF-8 write `\\u2019` for what it cannot encode, rather than raise."""
    from bilat.visible import writes_utf8

    if writes_utf8(stream):
        return
    try:  # noqa: SIM105 - contextlib.suppress would import contextlib on every start
        stream.reconfigure(errors="backslashreplace")
    except (AttributeError, ValueError, OSError):  # not a TextIOWrapper: leave it as it is
        pass


def _silence(stream: Any) -> None:
    # Python flushes stdout again at exit; point it at devnull so that flush cannot fail.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    main()
