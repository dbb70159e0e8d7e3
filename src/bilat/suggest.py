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
