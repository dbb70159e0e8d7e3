"""A pydantic validation error as the problems a curator reads: located at FILE:LINE:COLUMN, in words.

Never a regular expression or a pydantic type name: what the field expects, what was found, and how to write
it (including YAML 1.1's surprises: an unquoted `no` is false, `2024-11-26` a date).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bilat.load import Document, Path_, format_path
from bilat.model import TEXT_PATTERN, text_problem
from bilat.problems import Problem
from bilat.validate_messages import choice_message, empty_message, pattern_message, shown

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator


def schema_problems(exc: ValidationError, doc: Document, prefix: Path_ = ()) -> Iterator[Problem]:
    for error in exc.errors(include_url=False, include_input=False, include_context=True):
        kind = error["type"]
        path = _data_path(doc.data, (*prefix, *error["loc"]), kind)
        if path in doc.flagged:
            continue  # the loader has already said what is wrong with this value
        if kind == "missing":
            yield doc.problem(path, "required field is missing")
            continue
        if kind == "extra_forbidden":
            line, column = doc.key_marks.get(path, doc.where(path))
            yield Problem(doc.file, line, column, format_path(path), "unknown field")
            continue
        yield doc.problem(path, _message(error, doc, path))


# What a field of each pydantic type error expects, in words, and how to write it.
_EXPECTED = {
    "string_type": ("text", "quote it"),
    "int_type": ("a whole number", "write it in decimal digits"),
    "list_type": ("a list", "write a list, [] for none, or leave the field out where it is optional"),
    "bool_type": ("true or false", "write true or false"),
    "model_type": ("a mapping of fields", "write the fields"),
    "dict_type": ("a mapping of fields", "write the fields"),
}


def _message(error: Any, doc: Document, path: Path_) -> str:
    """A pydantic error in the user's words, with a hint when YAML 1.1 typed an unquoted value."""
    kind = error["type"]
    message: str = error["msg"]
    if path and _value_at(doc.data, path) in ("", []):  # left empty, as bilat new leaves what is to fill
        ctx = error.get("ctx", {})
        expected, owner = str(ctx.get("pattern", ctx.get("expected", ""))), _value_at(doc.data, path[:-1])
        field = next((str(p) for p in reversed(path) if isinstance(p, str)), "")
        return empty_message(kind, field, expected, owner.get("source") if isinstance(owner, dict) else None)
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == TEXT_PATTERN:
        value = _value_at(doc.data, path)
        return text_problem(value) if isinstance(value, str) else message
    if kind == "string_pattern_mismatch":  # never a regular expression: what the field expects, in words
        value = _value_at(doc.data, path)
        worded = pattern_message(str(error.get("ctx", {}).get("pattern")), value)
        return worded or f"got {shown(value)}, which is not of the form this field takes (see `bilat schema`)"
    if kind in ("literal_error", "enum") and "expected" in error.get("ctx", {}):
        field = next((str(p) for p in reversed(path) if isinstance(p, str)), "values")
        return choice_message(str(error["ctx"]["expected"]), _value_at(doc.data, path), field.replace("_", " "))
    plain = doc.plain_scalars.get(path)
    if plain and kind in _EXPECTED:
        text, what = plain
        expected, advice = _EXPECTED[kind]
        reads = f"YAML 1.1 reads unquoted {text} as {what}" if text else "an empty value is null in YAML"
        if kind == "string_type":
            advice = f'quote it ("{text}")'
        return f"expected {expected}, but {reads}: {advice}"
    return message


def _value_at(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _data_path(data: Any, loc: tuple[Any, ...], kind: str) -> Path_:
    """Pydantic's error location, less its type tags (str, function-after[...]), as a path into the data."""
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and last and kind == "missing":
            path.append(part)
    return tuple(path)
