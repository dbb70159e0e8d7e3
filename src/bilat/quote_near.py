"""Near misses: the passages of a source that a phrase was nearly copied from, and what differs, in words.

A curator types `Belarus's offer` where the source has `Belarus’s offer`, a hyphen for an en dash, or a word
of their own.  rapidfuzz's `partial_ratio_alignment` (C, bit-parallel) finds the best-aligned stretch of each
window of the source; the comparison folds the characters curators confuse (curly and straight quotes, the
dashes) so that those alone never hide a passage.  difflib then fits the passage to the phrase, widened to
whole words, and lists the differences, each named as `bilat validate` names them (`bilat.quote_diff.chars`:
the characters with their names and code points).  The passage is the source's own text: pasted, it
validates.  Off the query path: rapidfuzz is imported only by `bilat quote`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import Match, SequenceMatcher

from bilat.quote_diff import chars, whole_words

NEAR_SCORE = 75.0  # rapidfuzz's partial ratio (0-100) a stretch needs to be looked at
KEPT_SCORE = 70.0  # the ratio of the fitted passage to the phrase for it to be shown as a near miss
_WINDOW = 2000  # characters of the source aligned at once (at least four phrases long); windows overlap by a phrase
_DIFFLIB_MOST = 400 * 400  # characters of passage x phrase compared by difflib; beyond, by rapidfuzz
_MOST_CANDIDATES = 1000  # passages fitted per source at most (a short phrase in a very long source)
_SEED, _SEED_HITS, _MOST_WINDOWS = 12, 200, 64  # a long source: only the windows that share pieces with the phrase

# One character for another, so that folding keeps every offset: the quotation marks and dashes curators confuse.
_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)


@dataclass(frozen=True)
class Difference:
    """One place where the passage and the phrase differ: what each has there, and that said in words."""

    at: int  # 1-based character of the (normalised) phrase where it differs
    source: str  # what the source has there ("" when the phrase has something the source does not)
    typed: str  # what the phrase has there ("" when the phrase leaves out what the source has)
    says: str


@dataclass(frozen=True)
class Near:
    """A passage of a source close to the phrase: [start, end) of its normalised text, its score, its differences."""

    start: int
    end: int
    score: float  # rapidfuzz's ratio of passage and phrase, 0-100
    differences: tuple[Difference, ...]


def fold(text: str) -> str:
    """`text` with curly quotes straight and every dash a hyphen, character for character (same length)."""
    return text.translate(_FOLD)


def near_misses(phrase: str, text: str, taken: Sequence[tuple[int, int]] = ()) -> list[Near]:
    """The passages of `text` (normalised) close to `phrase` (normalised) but not it, best first.

    Passages overlapping a span of `taken` (the exact occurrences) or a better passage are left out.
    """
    from rapidfuzz import fuzz

    folded_phrase, folded_text, size = fold(phrase), fold(text), len(phrase)
    window = max(_WINDOW, 4 * size)
    candidates: list[Near] = []
    for lo in windows(folded_phrase, folded_text, window):
        for hit_start, hit_end in _alignments(folded_phrase, folded_text, lo, min(len(text), lo + window)):
            start, end = fitted(phrase, text, hit_start, hit_end)
            score = fuzz.ratio(phrase, text[start:end])
            if score >= KEPT_SCORE and text[start:end] != phrase:
                candidates.append(Near(start, end, round(score, 1), differences(text[start:end], phrase)))
            if len(candidates) >= _MOST_CANDIDATES:
                break
        if len(candidates) >= _MOST_CANDIDATES:
            break
    kept: list[Near] = []
    for near in sorted(candidates, key=lambda n: (-n.score, n.start)):
        if not any(near.start < end and start < near.end for start, end in [*taken, *((k.start, k.end) for k in kept)]):
            kept.append(near)
    return kept


def _alignments(phrase: str, text: str, lo: int, hi: int) -> Iterator[tuple[int, int]]:
    """Every stretch of text[lo:hi] that rapidfuzz aligns with `phrase` at NEAR_SCORE or better, best first per part.

    `partial_ratio_alignment` gives the best stretch only; the parts of the window before and after it are
    searched again, so an exact occurrence (left out later) hides no near miss beside it.  A part shorter than
    half the phrase cannot hold a passage with a ratio of KEPT_SCORE to it.
    """
    from rapidfuzz import fuzz

    parts = [(lo, hi)]
    while parts:
        a, b = parts.pop()
        if b - a < max(1, len(phrase) // 2):
            continue
        hit = fuzz.partial_ratio_alignment(phrase, text[a:b], score_cutoff=NEAR_SCORE)
        if hit is None or hit.dest_end <= hit.dest_start:
            continue
        yield a + hit.dest_start, a + hit.dest_end
        parts += [(a + hit.dest_end, b), (a, a + hit.dest_start)]


def windows(phrase: str, text: str, window: int) -> list[int]:
    """Where the windows of `text` aligned with `phrase` begin: every one, or in a long source those sharing most.

    A window begins every `window - len(phrase)` characters, so any passage as long as the phrase is whole in
    one of them.  Aligning a long phrase costs time in proportion to the text: in a source of more than four
    windows, a phrase of two seeds or more is aligned only where its pieces of _SEED characters are found
    (`str.find`, C speed), in the _MOST_WINDOWS windows with the most of them.
    """
    size = len(phrase)
    step = window - size
    if len(text) <= 4 * window or size < 2 * _SEED:
        return list(range(0, max(1, len(text) - size + 1), step))
    votes: Counter[int] = Counter()
    for offset in range(0, size - _SEED + 1, _SEED // 2):
        seed, found, at = phrase[offset : offset + _SEED], 0, -1
        while found < _SEED_HITS and (at := text.find(seed, at + 1)) >= 0:
            votes[max(0, at - offset) // step] += 1
            found += 1
    return sorted(k * step for k, _votes in votes.most_common(_MOST_WINDOWS))


def fitted(phrase: str, text: str, start: int, end: int) -> tuple[int, int]:
    """The passage of `text` around [start, end) that `phrase` was copied from, as whole words.

    rapidfuzz aligns a stretch as long as the phrase; a phrase that left a word out or added one is longer or
    shorter than its passage, so difflib fits the two near there: the passage runs from the source's match of
    the phrase's first characters to its match of the last (what the phrase has before or after its first and
    last match counts as replaced), then out to the ends of the words it cuts, without the punctuation
    around them when the phrase begins or ends with a letter or digit.
    """
    pad = 8 + len(phrase) // 4
    lo, hi = max(0, start - pad), min(len(text), end + pad)
    region = fold(text[lo:hi])
    blocks = [Match(i1, j1, i2 - i1) for tag, i1, i2, j1, _j2 in _opcodes(region, fold(phrase)) if tag == "equal"]
    solid = [k for k, b in enumerate(blocks) if b.size >= 3] or list(range(len(blocks)))
    if not solid:
        return start, end
    low, high = solid[0], solid[-1]  # and the small matches right beside them (`ty` of mobil|ty)
    while low > 0 and _beside(blocks[low - 1], blocks[low]):
        low -= 1
    while high < len(blocks) - 1 and _beside(blocks[high], blocks[high + 1]):
        high += 1
    first, last = blocks[low], blocks[high]
    start = max(lo, lo + first.a - first.b)
    end = min(hi, lo + last.a + last.size + (len(phrase) - last.b - last.size))
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    while start < end and (text[start] == " " or (phrase[:1].isalnum() and not text[start].isalnum())):
        start += 1  # a phrase that begins with a letter or digit does not begin with the source's `“` or `(`
    while end > start and (text[end - 1] == " " or (phrase[-1:].isalnum() and not text[end - 1].isalnum())):
        end -= 1  # nor end with its `,` or `.`
    return start, end


def _beside(before: Match, after: Match) -> bool:
    """Two matches of difflib with at most two characters between them, in the source and in the phrase."""
    return after.a - (before.a + before.size) <= 2 and after.b - (before.b + before.size) <= 2


Op = tuple[str, int, int, int, int]  # difflib's opcode: tag, passage [i1, i2), phrase [j1, j2)


def _opcodes(a: str, b: str) -> list[Op]:
    """How `b` differs from `a`, as difflib's opcodes: by difflib (its longest matches read as a person would
    compare), or, when the two are long, by rapidfuzz's Levenshtein alignment (C; difflib takes seconds there)."""
    if len(a) * len(b) <= _DIFFLIB_MOST:
        return list(SequenceMatcher(None, a, b, autojunk=False).get_opcodes())
    from rapidfuzz.distance import Levenshtein

    return [(op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end) for op in Levenshtein.opcodes(a, b)]


def differences(passage: str, phrase: str) -> tuple[Difference, ...]:
    """Every difference of `phrase` from `passage`, in the phrase's order; a reworded word is named whole."""
    ops = [op for op in _opcodes(passage, phrase) if op[0] != "equal"]
    merged: list[Op] = []
    for op in (whole_words(op, passage, phrase) for op in ops):
        if merged and (op[1] <= merged[-1][2] or op[3] <= merged[-1][4]):
            last = merged.pop()
            op = ("replace", min(last[1], op[1]), max(last[2], op[2]), min(last[3], op[3]), max(last[4], op[4]))
        merged.append(op)
    return tuple(_said(passage[i1:i2], phrase[j1:j2], j1) for _tag, i1, i2, j1, j2 in merged)


def _said(source: str, typed: str, j1: int) -> Difference:
    if source and typed:
        says = f"the source has {chars(source)} where the text has {chars(typed)}"
    elif typed:
        says = f"the text has {chars(typed)}, which the source does not have there"
    else:
        says = f"the source has {chars(source)}, which the text leaves out"
    return Difference(j1 + 1, source, typed, f"{says} (character {j1 + 1})")


__all__ = ["KEPT_SCORE", "NEAR_SCORE", "Difference", "Near", "differences", "fitted", "fold", "near_misses"]
