"""Values shortened for a reviewer: one line, a bounded length, and for a pair the place where they differ.

`bilat diff` shows a changed title or quote as `old -> new`.  A long text
changed in one word is shown as the passage around that word in both
versions (`…signed on 12 April…` -> `…signed on 14 April…`), never as two
heads that look the same.  Whitespace counts as quotes count it (runs are
one space); a change in whitespace alone is shown with the whitespace
spelled out (`\\n`), so the two sides still read differently.

Standard library only; no I/O.
"""

from __future__ import annotations

import json

LIMIT = 80  # characters of one side of a change in Markdown and on a terminal
CONTEXT = 16  # characters kept before the first difference when the difference alone fills the room


def one_line(text: str) -> str:
    """`text` with every run of whitespace as one space (as a quote is compared with its source)."""
    return " ".join(text.split())


def shorten(text: str, limit: int = LIMIT) -> str:
    """`text` on one line, cut to `limit` characters (ending `…`)."""
    flat = one_line(text)
    return flat if len(flat) <= limit else flat[: max(limit - 1, 1)] + "…"


def shorten_pair(old: str, new: str, limit: int = LIMIT) -> tuple[str, str]:
    """`old` and `new` on one line each, at most about `limit` characters, around the first place they differ.

    Two different texts always come out different: when their one-line forms are the same (a change in
    whitespace only) they are shown as JSON strings (`"a\\nb"`), and when the windows around the change
    would still read alike, in full.
    """
    a, b = one_line(old), one_line(new)
    if a == b and old != new:
        a, b = json.dumps(old, ensure_ascii=False)[1:-1], json.dumps(new, ensure_ascii=False)[1:-1]
    if len(a) <= limit and len(b) <= limit:
        return a, b
    start = _common_prefix(a, b)
    tail = _common_suffix(a[start:], b[start:])
    shown = _window(a, start, len(a) - tail, limit), _window(b, start, len(b) - tail, limit)
    if shown[0] == shown[1] and a != b:
        return a, b
    return shown


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _window(text: str, start: int, end: int, limit: int) -> str:
    """The part of `text` from `start` to `end` (where it differs) with context around it, about `limit` long."""
    if len(text) <= limit:
        return text
    if end - start + CONTEXT >= limit:  # the difference alone fills the room: a little before it, then its start
        low = max(0, start - CONTEXT)
        return ("…" if low else "") + text[low : low + limit] + "…"
    low = max(0, start - (limit - (end - start)) // 2)
    high = min(len(text), low + limit)
    low = max(0, high - limit)
    space = text.find(" ", low, min(start, low + CONTEXT)) if low else -1
    if space >= 0:  # begin at a word, not inside one
        low, high = space + 1, min(len(text), space + 1 + limit)
    return ("…" if low else "") + text[low:high] + ("…" if high < len(text) else "")
