"""A source text's checksum (`sources[].sha256`), and what `bilat validate` says when the text has changed since.

A quote is checked against its source's text, so an edit to the text (a correction, a re-download that
differs, a paragraph removed) can leave every quote found while changing what one of them means in its
context.  `bilat sources add` records the SHA-256 of the text it stored; `bilat validate` reports a text
whose checksum no longer matches, at the checksum's line and column, so the curator looks again.

Standard library only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from bilat.source_files import SourceFileError, read_source


def text_sha256(text: str) -> str:
    """The SHA-256 of `text` as stored (UTF-8): the same as `sha256sum` prints for the file."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_sha256(folder: Path, name: str) -> str | None:
    """The SHA-256 of the source text `name` in `folder`, or None when it cannot be read (reported elsewhere)."""
    try:
        return text_sha256(read_source(folder, name))
    except SourceFileError:
        return None


def changed_text(folder: Path, name: str, recorded: object) -> str | None:
    """Why the source text `name` no longer matches its recorded checksum; None when it does or cannot be told.

    `recorded` is the value of `sha256:` as written; one of the wrong form is the schema's to report.
    """
    if not isinstance(recorded, str) or len(recorded) != 64:
        return None
    actual = file_sha256(folder, name)
    if actual is None or actual == recorded.lower():
        return None
    return (
        f"the source text sources/{name} has changed since it was registered (its SHA-256 is now "
        f"{actual[:12]}…, not the {recorded[:12]}… recorded): a quote that still matches could now mean "
        f'something else. Read this source\'s quotes again in the new text, then record sha256: "{actual}"'
    )
