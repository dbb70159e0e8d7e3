"""The body of `bilat coverage [SOURCE]`: which sentences of the sources the dataset cites, marks or misses.

The dataset is read and checked as `bilat validate` reads it (bilat.validate, bilat.coverage); an invalid one
exits 3 as the build does.  Off the query path: nothing here is imported until the command runs.
"""

from __future__ import annotations

from bilat.cli_spec import Values
from bilat.run_context import Run

TYPE_CHECKING = False  # collections.abc stays off the query path (start-up): commands imports this module
if TYPE_CHECKING:
    from collections.abc import Callable

    Render = Callable[[], None]


def coverage(values: Values, run: Run) -> Render:
    """Every source's sentences that state something and that no record cites, with the ratio covered."""
    import sys

    from bilat.coverage_render import write_coverage
    from bilat.problems import InvalidDataError, UsageError
    from bilat.render import choose_format
    from bilat.store import resolve
    from bilat.validate import check_dataset

    out_format = choose_format(values.text("fmt"), ("table", "json", "md"))
    data = resolve(run.data, run.db).data
    if not data.exists() and not data.is_symlink():  # --data or BILAT_DATA names nothing: usage, as validate
        raise UsageError(f"{data}: data file not found (set --data or BILAT_DATA)")
    problems = check_dataset(data)
    if problems:
        raise InvalidDataError(problems)
    sources = problems.coverage or []
    wanted = values.text("source")
    if wanted is not None:
        chosen = [c for c in sources if c.source == wanted]
        if not chosen:
            raise UsageError(unknown_source(wanted, [c.source for c in sources]))
        sources = chosen
    return lambda: write_coverage(sources, out_format, sys.stdout, color=run.color)


def unknown_source(wanted: str, ids: list[str]) -> str:
    """`unknown source 'x' (did you mean 'y'?)`, else the sources there are (the first few)."""
    from bilat.suggest import did_you_mean

    hint = did_you_mean(wanted, ids, cutoff=0.6)
    if not hint and ids:
        listed = ", ".join(ids[:6]) + (f" and {len(ids) - 6:,} more" if len(ids) > 6 else "")
        hint = f" (the sources: {listed})"
    return f"unknown source {wanted!r}{hint or ' (the dataset has no sources)'}"
