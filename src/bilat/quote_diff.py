"""Where a quote departs from its source: the nearest passage, and the first thing that differs, in words.

A quote is checked against its source's normalised text (whitespace runs are one space, bilat.model.normalise).
When it is not there, `nearest_difference` finds the passage it was most likely copied from and says what
differs first: a straight ' typed for the source's curly ’, a dash, a full stop the source does not have
there, a reworded word (whole words, not the letters that differ), with the character of the quote where it
is, the line of the source and a few words of the source around it.

The passage is found by seeds: pieces of the quote looked up with `str.find` (C speed), each voting for
where the quote would begin; difflib then compares only that passage with the quote.  A 100 KB source costs
milliseconds per quote, not the seconds a character-by-character search of the whole text would.  Off the
query path (validation only).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate

_CONTEXT = 32  # characters of the source shown on each side of the difference (cut at word boundaries)
_ALIKE = 0.6  # the share of the quote a passage must have, character for character, to be shown as its source
FAR = "; no passage of the source is close to it: is it the right source?"
_SEED_HITS = 20  # occurrences of one seed counted at most (a common word would otherwise outvote the rest)

# The characters a curator mistakes for each other, named as they would say it.
_PLAIN_NAMES = {
    "'": "a straight apostrophe",
    '"': "a straight double quotation mark",
    "’": "a curly apostrophe or closing single quotation mark",
    "‘": "a curly opening single quotation mark",
    "“": "a curly opening double quotation mark",
    "”": "a curly closing double quotation mark",
    "`": "a backtick",
    "´": "an acute accent",
    "-": "a hyphen",
    "‐": "a hyphen",
    "‑": "a non-breaking hyphen",
    "–": "an en dash",
    "—": "an em dash",
    "−": "a minus sign",
    " ": "a space",
    "\u00a0": "a non-breaking space",
    "\u202f": "a narrow non-breaking space",
    "\u200b": "a zero-width space",
    "\ufeff": "a zero-width no-break space",
    ".": "a full stop",
    ",": "a comma",
    "…": "an ellipsis",
}


def line_breaks(raw: str) -> list[int]:
    """For each line break of `raw`, the offset in its normalised text where the next line begins.

    The validator matches quotes in the normalised text (newlines are spaces there); this maps an offset back
    to the line of the file a curator opens: `bisect_right(breaks, offset) + 1`.
    """
    breaks: list[int] = []
    offset = 0
    for match in re.finditer(r"\s+|\S+", raw):
        token = match.group()
        if not token[0].isspace():
            offset += len(token)
            continue
        if offset:  # leading whitespace is stripped, any later run becomes one space
            offset += 1
        breaks.extend([offset] * (token.count("\n") + token.count("\r") - token.count("\r\n")))
    return breaks


def nearest_difference(quote: str, text: str, breaks: list[int] | None = None) -> str:
    """Where `text` has nearly `quote`, and what differs first: `; ...` to add to the message, or ""."""
    from difflib import SequenceMatcher

    start = _likely_start(quote, text)
    if start is None:
        return FAR
    pad = 8 + len(quote) // 4  # room for what the quote left out or added
    lo, hi = max(0, start - pad), min(len(text), start + len(quote) + pad)
    window = text[lo:hi]
    ops = _edges(SequenceMatcher(None, window, quote, autojunk=False).get_opcodes(), window, quote)
    differences = [op for op in ops if op[0] != "equal"]
    alike = sum(j2 - j1 for tag, _i1, _i2, j1, j2 in ops if tag == "equal")
    if alike < _ALIKE * len(quote):
        return FAR
    if not differences:
        return ""
    tag, i1, i2, j1, j2 = whole_words(differences[0], window, quote)
    where = lo + i1
    line = bisect_right(breaks or [], where) + 1
    more = len(differences) - 1
    also = f" (and {more} more difference{'s' * (more != 1)})" if more else ""
    return (
        f"; {_difference(tag, window[i1:i2], quote[j1:j2])} at character {j1 + 1} of the quote{also}; "
        f"the source, line {line}: {_around(text, where, where + max(i2 - i1, 1))}"
    )


def _likely_start(quote: str, text: str) -> int | None:
    """Where in `text` the quote most likely begins: pieces of the quote vote for it; None when none is found."""
    for size in (12, 6):
        if len(quote) < size:
            continue
        votes: Counter[int] = Counter()
        for offset in range(0, len(quote) - size + 1, max(1, size // 2)):
            seed, found, at = quote[offset : offset + size], 0, -1
            while found < _SEED_HITS and (at := text.find(seed, at + 1)) >= 0:
                votes[at - offset] += 1
                found += 1
        if votes:
            return _best(votes, len(quote) // 8)
    return None


def _best(votes: Counter[int], slack: int) -> int:
    """The start with the most votes within `slack` of it (a quote that left a word out splits its votes)."""
    starts = sorted(votes)
    totals = list(accumulate(votes[s] for s in starts))

    def near(k: int) -> int:
        lo, hi = bisect_left(starts, starts[k] - slack), bisect_right(starts, starts[k] + slack)
        return totals[hi - 1] - (totals[lo - 1] if lo else 0)

    return starts[max(range(len(starts)), key=lambda k: (near(k), votes[starts[k]], -k))]


Op = tuple[str, int, int, int, int]  # difflib's opcode: tag, source [i1, i2), quote [j1, j2)


def _edges(ops: Sequence[Op], window: str, quote: str) -> list[Op]:
    """The differences of the quote with its passage, less the passage's context on either side.

    The source before the quote's first word and after its last is not a difference; a match of one or two
    characters at an end (the quote's last '.' against a full stop further on) is not a match; a quote that
    ends where the source goes on is said to have its last characters extra ("workers." in "workers to
    Belarus."), or different when the source has other punctuation there ("ties." in "ties, and").
    """
    ops = list(ops)
    while ops and ops[0][0] == "delete":
        ops.pop(0)
    while ops and ops[-1][0] == "delete":
        ops.pop()
    if len(ops) >= 2 and ops[-1][0] == "equal" and ops[-1][4] - ops[-1][3] < 3 and ops[-2][0] != "equal":
        ops[-2:] = [("replace", ops[-2][1], ops[-1][2], ops[-2][3], ops[-1][4])]
    if len(ops) >= 2 and ops[0][0] == "equal" and ops[0][4] - ops[0][3] < 3 and ops[1][0] != "equal":
        ops[:2] = [("replace", ops[0][1], ops[1][2], ops[0][3], ops[1][4])]
    if ops and ops[-1][0] == "replace" and ops[-1][4] == len(quote):
        _tag, i1, i2, j1, j2 = ops[-1]
        i2 = min(i2, i1 + j2 - j1)
        while i1 < i2 < len(window) and window[i2 - 1].isalnum() and window[i2].isalnum():
            i2 += 1
        goes_on = window[i1].isspace() or (quote[j1].isalnum() and not window[i1].isalnum())  # minister, | ministers
        ops[-1] = ("insert", i1, i1, j1, j2) if goes_on else ("replace", i1, i2, j1, j2)
    if ops and ops[0][0] == "replace" and ops[0][3] == 0:
        _tag, i1, i2, j1, j2 = ops[0]
        i1 = max(i1, i2 - (j2 - j1))
        while 0 < i1 < i2 and window[i1].isalnum() and window[i1 - 1].isalnum():  # the whole word: Anatoly
            i1 -= 1
        ops[0] = ("insert", i2, i2, j1, j2) if window[i2 - 1].isspace() else ("replace", i1, i2, j1, j2)
    return ops


def whole_words(op: Op, window: str, quote: str) -> Op:
    """A difference inside a word widened to the whole word on both sides (enhance/improve, not enhanc/improv)."""
    tag, i1, i2, j1, j2 = op
    first, last = (window[i1:i2] or quote[j1:j2])[:1], (window[i1:i2] or quote[j1:j2])[-1:]
    if first.isalnum():
        while i1 > 0 and j1 > 0 and window[i1 - 1].isalnum() and window[i1 - 1] == quote[j1 - 1]:
            i1, j1 = i1 - 1, j1 - 1
    if last.isalnum():
        while i2 < len(window) and j2 < len(quote) and window[i2].isalnum() and window[i2] == quote[j2]:
            i2, j2 = i2 + 1, j2 + 1
    return ("replace" if i1 < i2 and j1 < j2 else tag), i1, i2, j1, j2


def _difference(tag: str, source_has: str, quote_has: str) -> str:
    if tag == "replace":
        return f"the source has {chars(source_has)} where the quote has {chars(quote_has)}"
    if tag == "insert":
        return f"the quote has {chars(quote_has)}, which the source does not have there,"
    return f"the source has {chars(source_has)}, which the quote leaves out,"


def chars(text: str) -> str:
    """Characters as a curator can tell them apart: `' –' (a space and an en dash, U+0020 U+2013)`."""
    if len(text) > 40:
        return repr(text[:39] + "…")
    marks = [c for c in dict.fromkeys(text) if not c.isalnum()]
    if not marks or len(text) > 3:
        return repr(text)
    names = " and ".join(_PLAIN_NAMES.get(c) or str(unicodedata.name(c, "an unnamed character")) for c in marks)
    return f"{text!r} ({names}, {' '.join(f'U+{ord(c):04X}' for c in marks)})"


def _around(text: str, start: int, end: int) -> str:
    """A few words of the source around [start, end), cut at word boundaries."""
    lo, hi = max(0, start - _CONTEXT), min(len(text), end + _CONTEXT)
    while 0 < lo < start and not text[lo - 1].isspace():
        lo += 1
    while end < hi < len(text) and not text[hi].isspace():
        hi -= 1
    return ("“…" if lo else "“") + text[lo:hi].strip() + ("…”" if hi < len(text) else "”")


__all__ = ["chars", "line_breaks", "nearest_difference"]
