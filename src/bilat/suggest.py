"""Did you mean: the closest of some candidates to what was typed, as the hint an error message ends with.

One place for every "unknown value" message (a vocabulary word, a country, a record id, a brief's target).
`difflib` is imported only on that error path.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


def closest(text: str, candidates: Iterable[str], *, n: int = 1, cutoff: float = 0.75) -> list[str]:
    """Up to `n` candidates close to `text`, best first (difflib's ratio at least `cutoff`)."""
    import difflib

    return difflib.get_close_matches(text, list(candidates), n=n, cutoff=cutoff)


def did_you_mean(text: str, candidates: Iterable[str], *, cutoff: float = 0.75) -> str:
    """` (did you mean 'x'?)`, or "" when nothing is close enough."""
    found = closest(text, candidates, cutoff=cutoff)
    return f" (did you mean {found[0]!r}?)" if found else ""


_BRITISH = {"labor": "labour", "defense": "defence", "program": "programme", "center": "centre"}


def did_you_mean_value(text: str, allowed: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for a vocabulary word: the closest value, else those it begins or is a word of
    (`labour` -> labour-mobility, `memorandum` -> memorandum-of-cooperation); "" when none."""
    values = list(allowed)
    typed = text.strip().lower().replace("_", "-").replace(" ", "-")
    typed = "-".join(_BRITISH.get(word, word) for word in typed.split("-"))  # the vocabularies spell British
    near = did_you_mean(typed, values, cutoff=0.6)
    if near:
        return near
    wider = [v for v in values if len(typed) >= 3 and (v.startswith(typed) or typed in v.split("-"))]
    return f" (did you mean {' or '.join(repr(v) for v in wider[:3])}?)" if wider else ""
