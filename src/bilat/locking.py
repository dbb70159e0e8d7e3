"""Locks and signals for a build: one process builds a database at a time, and a killed build cleans up.

Imported only when a database is (re)built, so `contextlib` stays off the query path.
"""

from __future__ import annotations

import errno
import os
from contextlib import contextmanager, suppress

from bilat.ownership import check_side_file
from bilat.problems import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    Warn = Callable[[str], None]


@contextmanager
def signals_raise() -> Iterator[None]:
    """SIGTERM and SIGHUP raise while a build runs, so its temporary file is removed as for Ctrl-C."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = [n for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    old = {n: signal.getsignal(getattr(signal, n)) for n in names}

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    for n in names:
        signal.signal(getattr(signal, n), stop)
    try:
        yield
    finally:
        for n, handler in old.items():
            signal.signal(getattr(signal, n), handler)


@contextmanager
def lock(path: Path, warn: Warn | None = None) -> Iterator[None]:
    """An exclusive advisory lock on `path` (no-op where fcntl is missing); says so when it has to wait.

    The lock file is opened without following a link and without blocking (a
    FIFO put there must not hang the command), and must be a regular file.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UsageError(f"{path}: the lock file is a symbolic link; bilat will not use it") from None
        raise
    try:
        check_side_file(path, fd)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if warn is not None:
                warn(f"bilat: waiting for another bilat process that is building {path.with_suffix('')}")
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            with suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
