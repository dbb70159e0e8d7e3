"""Appending one record to a section of a YAML data file, leaving every other byte of the file as it was.

A curator's data file is reviewed in diffs: its comments, its order, its quoting and its line breaks are
theirs.  Loading it and dumping it again (even round-trip) rewraps and requotes; so the record is written
as text and inserted at the end of its section, found from ruamel.yaml's node marks (the lines where each
top-level key and each item starts).  The result is then read back with PyYAML, the loader bilat reads
data with, and must be the old data plus that one record, or nothing is written.

- After the last item of the section, before the blank lines and comments that lead to the next section
  (`# People: ...` above `people:` stays above it); a blank line first when the records are spaced by one.
- At the items' own indentation (the block arrives written at column 0).
- A section that is missing is added at the end of the document; one written bare (`agreements:`) gets its
  first item.  One written in flow style (`[]`, `[a, b]`) or as null (`~`) is refused with what to write.

ruamel.yaml is imported only here, and this module only by the curation commands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_MARKER = re.compile(r"(?:---|\.\.\.)(?:[ \t\r\n]|$)")  # a document marker, at column 0
_COMMENT_OR_BLANK = re.compile(r"[ \t]*(?:#.*)?")


class InsertError(Exception):
    """The record cannot be inserted without disturbing the file; the message says why and what to do."""


@dataclass(frozen=True)
class Inserted:
    """The new text of the file, the 1-based line where the record starts in it, and what was inserted.

    `added` (a blank line or the section's key, then the record as indented) starts at character `at` of
    `text`; the rest of `text` is the old file, less nothing (a line break is added to a last line without).
    """

    text: str
    line: int
    block: str
    at: int
    added: str


def append_record(text: str, section: str, block: str) -> Inserted:
    """`text` with `block` (one list item, `- ...` at column 0, ending in a newline) at the end of `section`.

    The first document with that section takes it, else the first document (the section is added there).
    The block takes the file's line endings.  InsertError when the file is not YAML, the section cannot take
    it, or the result would not read back as the old data plus exactly that record.
    """
    if not block.startswith("- ") or not block.endswith("\n"):
        raise ValueError("a block is one list item written at column 0, ending in a newline")
    lines = text.splitlines(keepends=True)
    eol = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    roots = _compose(text)
    mappings = [i for i, root in enumerate(roots) if type(root).__name__ == "MappingNode"]
    if roots and not mappings and any(_MARKER.match(line) for line in lines):
        raise InsertError("the data file holds only empty documents (---): write the section in one of them first")
    doc = next((i for i in mappings if _key(roots[i], section) is not None), mappings[0] if mappings else None)
    placements = _placements(lines, roots, doc, section, block)
    unspaced = [(at, piece.lstrip("\n")) for at, piece in placements if piece.startswith("\n")]
    for at, piece in placements + unspaced:  # a keep-chomped (|+) value above would take in a blank line
        before = lines[:at]
        ends = eol if before and not before[-1].endswith(("\n", "\r")) else ""  # else the record joins it
        added = piece.replace("\n", eol)
        new_text = "".join(before) + ends + added + "".join(lines[at:])
        if _reads_back(text, new_text, doc, section, block):
            start = piece.rfind("\n", 0, piece.index("- ")) + 1  # where the record's first line starts
            offset = len(new_text) - len(added) - sum(map(len, lines[at:]))
            return Inserted(new_text, at + 1 + piece.count("\n", 0, start), piece[start:], offset, added)
    if text and not text.endswith(("\n", "\r")):  # a block scalar on the last line would gain the line break
        raise InsertError(
            "the file's last line has no line break, and adding one would change its last value: end the file "
            "with a line break (and check that value), then run this again"
        )
    raise InsertError(
        f"bilat could not add the record to {section} without changing what the rest of the file says; "
        "add it by hand (bilat new prints it)"
    )


def _compose(text: str) -> list[Any]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        roots = list(YAML(typ="rt").compose_all(text))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise InsertError(f"the data file is not valid YAML{where}: fix it first (bilat validate says where)") from None
    for root in roots:
        empty = type(root).__name__ == "ScalarNode" and str(root.tag).endswith(":null") and not root.value
        if not empty and (type(root).__name__ != "MappingNode" or root.flow_style):
            raise InsertError("a document of the data file is not a block mapping of sections (sources:, events:...)")
    return roots


def _key(root: Any, section: str) -> tuple[Any, Any] | None:
    """The (key node, value node) of `section` in a document's top-level mapping."""
    return next(((k, v) for k, v in root.value if getattr(k, "value", None) == section), None)


def _placements(lines: list[str], roots: list[Any], doc: int | None, section: str, block: str) -> list[tuple[int, str]]:
    """Where the block may go (line index) and the text to put there, best first."""
    if doc is None:  # no document at all: an empty file, or comments only
        return [(len(lines), _spaced(lines, len(lines)) + f"{section}:\n" + indented(block, 2))]
    root = roots[doc]
    end = _document_end(lines, root.start_mark.line)
    found = _key(root, section)
    if found is None:
        return [(end, _spaced(lines, end) + f"{section}:\n" + indented(block, 2))]
    key, value = found
    later = [k.start_mark.line for k, _v in root.value if k.start_mark.line > key.start_mark.line]
    stop = min(later, default=end)
    kind = type(value).__name__
    if kind == "ScalarNode" and str(value.tag).endswith(":null") and value.value == "":
        return [(_back(lines, stop, key.start_mark.line + 1, 0), indented(block, 2))]
    if kind != "SequenceNode":
        what = "null (~ or null)" if kind == "ScalarNode" and str(value.tag).endswith(":null") else "not a list"
        raise InsertError(f"{section}: is {what}: write `{section}:` alone on its line, then run this again")
    if value.flow_style or not value.value:
        raise InsertError(
            f"{section}: is written in flow style ([...]): write it as a block list (`{section}:` then one "
            "`- ` item a line), then run this again"
        )
    items = value.value
    dash = _dash_column(lines, items[-1])
    first_line = _item_line(lines, items[-1])
    piece = ("\n" if len(items) > 1 and _spaced_above(lines, first_line, dash) else "") + indented(block, dash)
    return [(_back(lines, stop, first_line + 1, dash), piece), (stop, piece)]


def _document_end(lines: list[str], start: int) -> int:
    """The index of the line that ends the document starting at line `start` (a marker), or the end of the file."""
    return next((i for i in range(start + 1, len(lines)) if _MARKER.match(lines[i])), len(lines))


def _back(lines: list[str], stop: int, floor: int, dash: int) -> int:
    """From `stop`, back over blank lines and comments at or left of the items' dash, not above `floor`."""
    at = stop
    while at > floor and _COMMENT_OR_BLANK.fullmatch(lines[at - 1].rstrip("\r\n")):
        line = lines[at - 1]
        if line.strip() and _indent(line) > dash:
            break  # an indented comment belongs to the last record
        at -= 1
    return at


def _item_line(lines: list[str], item: Any) -> int:
    """The line of an item's dash (the item's node may start on the line after a bare `-`)."""
    line: int = item.start_mark.line
    while line > 0 and not lines[line][: item.start_mark.column if line == item.start_mark.line else None].strip():
        line -= 1
    return line


def _dash_column(lines: list[str], item: Any) -> int:
    return _indent(lines[_item_line(lines, item)])


def _spaced_above(lines: list[str], line: int, dash: int) -> bool:
    """Whether a blank line stands above the item at `line` (comments at its dash skipped): records spaced."""
    at = line - 1
    while at >= 0 and lines[at].lstrip(" ").startswith("#") and _indent(lines[at]) <= dash:
        at -= 1
    return at >= 0 and not lines[at].strip()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _spaced(lines: list[str], at: int) -> str:
    """A blank line before a new section, unless one is there already (or the file is empty)."""
    return "\n" if at > 0 and lines[at - 1].strip() else ""


def indented(block: str, by: int) -> str:
    pad = " " * by
    return "".join(pad + line if line.strip() else line for line in block.splitlines(keepends=True))


def _reads_back(old: str, new: str, doc: int | None, section: str, block: str) -> bool:
    """Whether `new` reads (with PyYAML, as bilat reads data) as `old` with the block's record appended."""
    import yaml

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        before = list(yaml.load_all(old, Loader=loader))
        after = list(yaml.load_all(new, Loader=loader))
        record = yaml.load(block, Loader=loader)
    except yaml.YAMLError:
        return False
    if len(after) != max(len(before), 1) or not isinstance(record, list) or len(record) != 1:
        return False
    before, doc = before or [None], doc or 0
    if len(before) != len(after) or not isinstance(before[doc], (dict, type(None))):
        return False
    expected = dict(before[doc] or {})
    expected[section] = [*(expected.get(section) or []), record[0]]
    return after[doc] == expected and all(
        a == b for i, (a, b) in enumerate(zip(before, after, strict=True)) if i != doc
    )
