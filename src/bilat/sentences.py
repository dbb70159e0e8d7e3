"""A source text cut into sentences, and the lines that state nothing (a headline, an "Also Read" link...).

`split(text)` returns segments that partition the text: joined back they give it exactly, each segment
carrying the whitespace after it.  The rules, kept simple (README, "Coverage"):

1. Paragraphs are separated by a blank line; a single line break is a space.
2. A text that begins with `date YYYY-MM-DD` (the date line the reports were saved with) has that as its
   *header*.
3. The first paragraph is a *headline* when it is one line, another paragraph follows, and it does not
   end a sentence (no `.`, `!` or `?` at its end, closing quotes and brackets aside) nor hold a post's
   credit (rule 5).
4. A paragraph that begins "Also Read", "Read also" or "Read more:" is a *link*.
5. An embedded post's `pic.twitter.com/...` link, the emoji before it and its credit after it (`— Name
   (@handle) June 12, 2023`), to the end of the paragraph, is a *credit*.
6. Inside a paragraph a sentence ends at `.`, `!` or `?` (and any closing quotes or brackets) followed by
   a space, unless the next word begins with a small letter, or the word ended is an abbreviation that
   comes before a name (Mr., Dr., H.E., Feb. ...), an initial (G.) or letters with full stops (U.S.).
   Each line that begins with a bullet (`•`, `*`, `-`, `–`) or a number and `.` or `)` (a list's item)
   begins a sentence, and that number's full stop ends none.
7. Any other paragraph that does not end a sentence runs on into the next paragraph (a sentence the copy
   broke in two: "between Heavy" / "Industries Taxila (HIT) ..."), unless the next is a link or the
   paragraph ends with an item of a list.
8. A segment with no letter or digit is *blank*.

Only *sentence* segments state something; the others are what a report is dressed in.  Standard library
only, off the query path.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import NamedTuple

SENTENCE, HEADER, HEADLINE, LINK, CREDIT, BLANK = "sentence", "header", "headline", "link", "credit", "blank"
KINDS = (SENTENCE, HEADER, HEADLINE, LINK, CREDIT, BLANK)

_HEADER = re.compile(r"\s*date\s+\d{4}-\d{2}-\d{2}(?!\S)\s*")
_NON_SPACE = re.compile(r"\S")
_PARAGRAPH_BREAK = re.compile(r"\n(?:[^\S\n]*\n)+")
_LINK = re.compile(r"(?:also\s+read|read\s+also)\b|read\s+more\s*:", re.IGNORECASE)
_CREDIT = re.compile(r"pic\.twitter\.com/", re.IGNORECASE)
_ITEM_MARK = r"(?:[•*–-]|\d{1,3}[.)])[^\S\n]"  # a bullet, or a number and `.` or `)`, then a space
_ITEM = re.compile(rf"\n[^\S\n]*({_ITEM_MARK})")  # a line of a paragraph that is an item of a list
_ITEM_START = re.compile(rf"[^\S\n]*{_ITEM_MARK}")
_CLOSERS = "”\"’'»)\\]"
_END = re.compile(rf"(?<![.!?])[.!?]++[{_CLOSERS}]*+(?=\s)")  # possessive: a long run of stops is tried once
_LETTERS_WITH_STOPS = re.compile(r"\.?(?:[^\W\d_]\.)*[^\W\d_]")  # G, U.S, H.E, .E (a truncated H.E.)
# Words that come before a name or a number: their full stop never ends a sentence.
TITLES = ("mr", "mrs", "ms", "messrs", "dr", "prof", "sr", "jr", "st", "gen", "lt", "col", "maj", "capt", "sen", "gov")
MONTHS = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
ABBREVIATIONS = frozenset(TITLES + MONTHS)


class Segment(NamedTuple):
    """`text[start:end]`, the whitespace after it included, and what it is (one of KINDS)."""

    start: int
    end: int
    kind: str

    def states(self) -> bool:
        """Whether this segment is a sentence that states something."""
        return self.kind == SENTENCE


def split(text: str) -> list[Segment]:
    """The segments of `text`, in order: they partition it (no gap, no overlap, none empty)."""
    if not text:
        return []
    segments: list[Segment] = []
    pos = 0
    header = _HEADER.match(text)
    if header and header.end() > 0:
        segments.append(Segment(0, header.end(), HEADER))
        pos = header.end()
    paragraphs = _paragraphs(text, pos)
    runs_on = False
    for i, (start, end) in enumerate(paragraphs):
        content_end = len(text.rstrip()) if i == len(paragraphs) - 1 else end
        parts = _paragraph(text, start, content_end, first=i == 0, last=i == len(paragraphs) - 1)
        if runs_on and parts[0].kind == SENTENCE:  # the sentence left open by the last paragraph goes on here
            open_sentence = segments.pop()
            parts[0] = Segment(open_sentence.start, parts[0].end, SENTENCE)
        runs_on = parts[-1].kind == SENTENCE and not _ends_sentence(text, start, content_end)
        runs_on = runs_on and not _ITEM_START.match(text, parts[-1].start)  # a list's last item ends there
        parts[-1] = parts[-1]._replace(end=end)  # the blank lines after a paragraph go with its last segment
        segments.extend(parts)
    if not segments:  # whitespace only
        return [Segment(0, len(text), BLANK)]
    if segments[0].start > 0:  # whitespace before the first paragraph goes with it
        segments[0] = segments[0]._replace(start=0)
    return [s if s.kind != SENTENCE or _has_word(text, s) else s._replace(kind=BLANK) for s in segments]


def _skip_space(text: str, at: int, end: int) -> int:
    """The index of the first character of `text[at:end]` that is not whitespace (`end`: none)."""
    found = _NON_SPACE.search(text, at, end)
    return found.start() if found else end


def _ends_sentence(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` ends with `.`, `!` or `?` (closing quotes, brackets and whitespace aside)."""
    at = end
    while at > start and (text[at - 1].isspace() or text[at - 1] in _CLOSERS):
        at -= 1
    return at > start and text[at - 1] in ".!?"


def _has_word(text: str, segment: Segment) -> bool:
    return any(c.isalnum() for c in text[segment.start : segment.end])


def _paragraphs(text: str, pos: int) -> list[tuple[int, int]]:
    """(start, end) of each paragraph after `pos`: from its first character to the next paragraph's first."""
    starts: list[int] = []
    first = _skip_space(text, pos, len(text))
    if first < len(text):
        starts.append(first)
    for match in _PARAGRAPH_BREAK.finditer(text, pos):
        after = _skip_space(text, match.end(), len(text))
        if after < len(text) and after > (starts[-1] if starts else -1):
            starts.append(after)
    return [(s, starts[i + 1] if i + 1 < len(starts) else len(text)) for i, s in enumerate(starts)]


def _paragraph(text: str, start: int, end: int, *, first: bool, last: bool) -> list[Segment]:
    """The segments of one paragraph's content, `text[start:end]` (end: where its trailing whitespace begins)."""
    end = start + len(text[start:end].rstrip())
    if _LINK.match(text, start, end):
        return [Segment(start, end, LINK)]
    stop = _credit_start(text, start, end)
    one_line = text.find("\n", start, end) == text.find("\r", start, end) == -1
    if first and not last and one_line and stop == end and not _ends_sentence(text, start, end):
        return [Segment(start, end, HEADLINE)]
    parts = _sentences(text, start, stop) if stop > start else []
    if stop < end:
        parts.append(Segment(stop, end, CREDIT))
    return parts


def _credit_start(text: str, start: int, end: int) -> int:
    """Where an embedded post's credit begins in `text[start:end]` (its link and the emoji before it); `end`: none."""
    link = _CREDIT.search(text, start, end)
    if link is None:
        return end
    at = link.start()
    while at > start and not (text[at - 1].isalnum() or text[at - 1] in ".!?"):
        at -= 1  # the emoji and spaces before the link belong to the post's credit
    while at < link.start() and text[at].isspace():
        at += 1
    return at


def _sentences(text: str, start: int, end: int) -> list[Segment]:
    """The sentences of `text[start:end]`, each with the spaces after it: cut after each sentence's end and
    before each item of a list."""
    cuts = sorted({*_ends(text, start, end), *(m.start(1) for m in _ITEM.finditer(text, start, end))})
    bounds = [start, *(c for c in cuts if start < c < end), end]
    return [Segment(a, b, SENTENCE) for a, b in pairwise(bounds)]


def _ends(text: str, start: int, end: int) -> list[int]:
    """Where the sentences after the first begin: after each `.`, `!` or `?` that ends one (rule 6)."""
    cuts = []
    for match in _END.finditer(text, start, end):
        following = _skip_space(text, match.end(), end)
        if following < end and not text[following].islower() and not _abbreviation(text, start, match):
            cuts.append(following)
    return cuts


def _abbreviation(text: str, start: int, match: re.Match[str]) -> bool:
    """Whether the full stop of `match` closes an abbreviation or a list's number rather than a sentence."""
    if match.group() != ".":
        return False
    at = match.start()
    while at > start and not text[at - 1].isspace():  # back to the start of the word (each word walked once)
        at -= 1
    token = text[at : match.start()].lstrip("(“\"‘'[")
    if token.isdigit() and _at_line_start(text, start, at):
        return True  # "1. " numbering an item
    return token.lower() in ABBREVIATIONS or bool(_LETTERS_WITH_STOPS.fullmatch(token))


def _at_line_start(text: str, start: int, at: int) -> bool:
    """Whether only spaces or tabs stand between `at` and the start of its line (or of the paragraph)."""
    while at > start and text[at - 1] in " \t":
        at -= 1
    return at == start or text[at - 1] in "\r\n"
