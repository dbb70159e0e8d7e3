"""Progress of a build that lasts, for the user: nothing in the first second, then at most one line a second."""

from __future__ import annotations

import time
from collections.abc import Callable

Progress = Callable[[str], None]


class Reporter:
    """Progress on stderr for builds that last: nothing in the first second, then at most one line a second.

    A phase (phase=True) is told as soon as the first second has passed; the lines between phases at most
    once a second.
    """

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, message: str, *, phase: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if now - self.started < 1 or (not phase and now - self.last < 1):
            return
        self.last = now
        self.progress(f"bilat: {message}")
