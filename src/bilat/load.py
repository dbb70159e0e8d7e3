"""YAML -> plain Python documents, with a line:column for every value.

The loader does not guess: PyYAML's node tree is walked by hand so that
duplicate keys, aliases and impossible dates are reported with their place
instead of being silently accepted (last key wins) or raising a bare
ValueError.  Scalars keep the type YAML 1.1 gave them (``NO`` is a boolean,
``2025-04-12`` a date) so that the strict model rejects them with a hint.

A dataset is one YAML file or a folder of them; a file may hold several
documents (``---``), each a mapping of sections.  Documents are yielded one at
a time so a large dataset never sits in memory whole.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bilat.problems import Problem
from bilat.vocab import MAX_ITEMS, forbidden_character

try:  # libyaml is ~5x faster; fall back to the pure-Python loader without it.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

_constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)  # only its scalar constructors are used
yaml.constructor.SafeConstructor.__init__(_constructor)

Path_ = tuple[str | int, ...]

_YAML11_TAGS = {
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a floating-point number",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:null": "null",
}


@dataclass
class Document:
    """One YAML document of a data file, as plain Python, with the marks of its nodes."""

    file: str
    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)  # where each value starts
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)  # where each mapping key starts
    plain_scalars: dict[Path_, tuple[str, str]] = field(default_factory=dict)  # path -> (text, what YAML made of it)
    flagged: set[Path_] = field(default_factory=set)  # values the loader already reported: the model need not repeat it
    problems: list[Problem] = field(default_factory=list)

    def where(self, path: Path_) -> tuple[int, int]:
        """The line and column of the node at `path`, or of its nearest ancestor."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))

    def problem(self, path: Path_, message: str) -> Problem:
        line, column = self.where(path)
        return Problem(self.file, line, column, format_path(path), message)


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def display_name(path: Path) -> str:
    """A path as a user would type it: relative to the current folder when under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_documents(path: Path) -> Iterator[Document]:
    """Yield the documents of one YAML file; a syntax error yields a document holding that problem."""
    name = display_name(path)
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield Document(name, None, problems=[Problem(name, 1, 1, "", f"cannot read: {exc.strerror or exc}")])
        return
    with stream:
        loader = _Loader(stream)
        try:
            while loader.check_node():
                node = loader.get_node()
                doc = Document(name, None)
                doc.data = _build(node, doc)
                yield doc
        except yaml.reader.ReaderError as exc:  # not UTF-8 (or UTF-16) text: locate the byte, not "position 3094"
            yield Document(name, None, problems=[_reader_problem(name, path, exc)])
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            message = " ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
            yield Document(name, None, problems=[Problem(name, line, column, "", f"YAML syntax: {message}")])
        except yaml.YAMLError as exc:
            yield Document(name, None, problems=[Problem(name, 1, 1, "", f"YAML error: {exc}")])
        except UnicodeDecodeError as exc:
            yield Document(name, None, problems=[Problem(name, 1, 1, "", f"not UTF-8 text: {exc.reason}")])
        except RecursionError:  # the pure-Python composer recurses per level; libyaml stops at 1,000 levels itself
            yield Document(name, None, problems=[Problem(name, 1, 1, "", "YAML nesting is too deep")])
        finally:
            loader.dispose()


def _reader_problem(name: str, path: Path, exc: yaml.reader.ReaderError) -> Problem:
    """A byte libyaml cannot read (undecodable, or a raw control character), at its line and column."""
    line, column = _byte_place(path, exc.position)
    code = exc.character if isinstance(exc.character, int) and exc.character >= 0 else None
    if code is not None and "control character" in exc.reason:
        shown = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
        return Problem(name, line, column, "", f"control character {shown}: not allowed in the data")
    utf16 = "UTF-16" in exc.reason or "16" in str(exc.encoding)
    what = f"byte 0x{code:02x}: " if code is not None and code < 0x100 else ""
    return Problem(name, line, column, "", f"not {'UTF-16' if utf16 else 'UTF-8'} text: {what}{exc.reason}")


def _byte_place(path: Path, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of byte `offset` of the file at `path` (UTF-8 or UTF-16)."""
    try:
        with path.open("rb") as stream:
            head = stream.read(max(offset, 0))
    except OSError:
        return 1, 1
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    lines = re.split(r"\r\n|\r|\n", head.decode("utf-16" if utf16 else "utf-8", "replace"))
    return len(lines), len(lines[-1]) + 1


# A frame of the walk: the node, its path, and the container and slot its value goes into.
_Frame = tuple[yaml.Node, Path_, "list[Any] | dict[str, Any]", "int | str"]


def _build(root: yaml.Node, doc: Document) -> Any:
    """The node tree as plain Python, walked with an explicit stack: any depth libyaml accepts is safe.

    A recursive walk takes two Python frames per level, so YAML nested 489-997 deep
    (libyaml stops at 1,000) ended in RecursionError instead of a located problem.
    """
    seen: set[int] = set()
    top: list[Any] = [None]
    stack: list[_Frame] = [(root, (), top, 0)]
    while stack:
        node, path, parent, slot = stack.pop()
        parent[slot] = _value(node, path, doc, seen, stack)  # type: ignore[index]
    return top[0]


def _value(node: yaml.Node, path: Path_, doc: Document, seen: set[int], stack: list[_Frame]) -> Any:
    """The value of one node; the children of a mapping or sequence are pushed on `stack` to be filled in."""
    doc.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if id(node) in seen:
        doc.problems.append(doc.problem(path, "anchors and aliases are not allowed: write the value out"))
        return None
    if isinstance(node, yaml.MappingNode):
        seen.add(id(node))
        out: dict[str, Any] = {}
        children: list[_Frame] = []
        for key_node, value_node in node.value:
            key = _key(key_node, path, doc, out)
            if key is not None:
                out[key] = None
                children.append((value_node, (*path, key), out, key))
        stack.extend(reversed(children))  # popped in document order
        return out
    if isinstance(node, yaml.SequenceNode):
        seen.add(id(node))
        if len(path) > 2 and len(node.value) > MAX_ITEMS:  # inside a record: (section, index, field...)
            doc.problems.append(doc.problem(path, f"a list of {len(node.value):,} items: at most {MAX_ITEMS:,} here"))
            doc.flagged.add(path)
            return None  # its items are not walked: a million bad values cost no more than one
        items: list[Any] = [None] * len(node.value)
        stack.extend((item, (*path, i), items, i) for i, item in reversed(list(enumerate(node.value))))
        return items
    assert isinstance(node, yaml.ScalarNode)  # the three kinds of node libyaml composes
    return _scalar(node, path, doc)


def _key(key_node: yaml.Node, path: Path_, doc: Document, out: dict[str, Any]) -> str | None:
    """The text of a mapping key, or None (with a problem) when it is not plain text, repeated or unprintable."""
    key_mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    if not isinstance(key_node, yaml.ScalarNode):
        doc.problems.append(Problem(doc.file, *key_mark, format_path(path), "mapping keys must be plain text"))
        return None
    key = key_node.value
    child = (*path, key)
    bad = forbidden_character(key)
    if bad:
        doc.problems.append(Problem(doc.file, *key_mark, format_path(path), f"a mapping key has a {bad}"))
        return None
    if key in out:
        first = doc.key_marks.get(child, (0, 0))[0]
        doc.problems.append(Problem(doc.file, *key_mark, format_path(child), f"duplicate key (first at line {first})"))
        return None
    doc.key_marks[child] = key_mark
    return str(key)


def _scalar(node: yaml.ScalarNode, path: Path_, doc: Document) -> Any:
    tag = node.tag
    if tag == "tag:yaml.org,2002:str":
        bad = forbidden_character(node.value)
        if bad:
            doc.problems.append(doc.problem(path, bad))
            doc.flagged.add(path)
        return node.value
    if tag in _YAML11_TAGS and not node.style:  # plain (unquoted): '' from libyaml, None from PyYAML
        doc.plain_scalars[path] = (node.value, _YAML11_TAGS[tag])
    if tag == "tag:yaml.org,2002:int" and not _DECIMAL.match(node.value):
        doc.problems.append(doc.problem(path, _number_hint(node.value)))
        doc.flagged.add(path)  # the value stays what YAML 1.1 made of it: the loader's hint is the one problem
    if tag == "tag:yaml.org,2002:timestamp":
        try:
            value = _constructor.construct_yaml_timestamp(node)
        except ValueError:
            return node.value  # an impossible date such as 2001-13-45: the model says why, with its place
        return value.date() if isinstance(value, dt.datetime) else value
    constructors = _constructor.yaml_constructors
    if tag in constructors:
        try:
            return constructors[tag](_constructor, node)
        except (ValueError, yaml.YAMLError):
            return node.value
    doc.problems.append(doc.problem(path, f"unsupported YAML tag {tag}"))
    return None


# Numbers are decimal, as a person reads them.  YAML 1.1 also reads 017 as octal 15, 0x10 as 16, 0b11 as 3,
# 2:30 as base 60 (150) and 150_000 as 150000; YAML 1.2 readers (editors, check-jsonschema) read most of these
# differently, so a figure would silently mean one thing to bilat and another to the reviewer or their tools.
_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")


def _number_hint(text: str) -> str:
    """Why a YAML 1.1 integer that is not plain decimal digits is refused, with what YAML 1.1 makes of it."""
    try:
        value = _constructor.construct_yaml_int(yaml.ScalarNode("tag:yaml.org,2002:int", text))
    except (ValueError, yaml.YAMLError):  # pragma: no cover - the resolver only tags valid YAML 1.1 integers
        return f"{text} is not a number in decimal digits: write the number in decimal digits, or quote it"
    digits = text.lstrip("+-")
    if "_" in digits and _DECIMAL.match(text.replace("_", "")):
        how = f"YAML 1.1 reads {text} as {value} but other YAML readers as text"
    elif ":" in digits:
        how = f"YAML 1.1 reads {text} as base 60, {value}"
    elif digits[:2] in ("0x", "0X"):
        how = f"YAML 1.1 reads {text} as hexadecimal {value}"
    elif digits[:2] in ("0b", "0B"):
        how = f"YAML 1.1 reads {text} as binary {value}"
    else:
        how = f"YAML 1.1 reads {text} as octal {value}"
    return f"{how}: write the number in decimal digits, or quote it if it is text"


# ---------------------------------------------------------------- the fast reader of the build


class NotPlain(Exception):
    """The YAML uses something the fast reader leaves to the exact one (tags, aliases, duplicates, errors)."""


_STR, _NULL, _INT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null", "tag:yaml.org,2002:int"


def read_plain(path: Path) -> Iterator[Any]:
    """The documents of a YAML file as plain Python, without marks (~2x faster than read_documents).

    Only for YAML read_documents would read to the same values without a problem: anything else (a tag,
    an alias, a duplicate key, a boolean, a date, an odd number, a syntax error...) raises NotPlain, and
    read_documents has the last word.  The build reads every file this way first.
    """
    try:
        with path.open("rb") as stream:
            loader = _Loader(stream)
            try:
                while loader.check_node():
                    yield _plain(loader.get_node(), set())
            finally:
                loader.dispose()
    except (OSError, yaml.YAMLError, UnicodeDecodeError, RecursionError):
        raise NotPlain from None


def _plain(node: yaml.Node, seen: set[int]) -> Any:
    """A node as plain Python, when it is what read_documents would make of it without any problem."""
    kind = type(node)
    if kind is yaml.ScalarNode:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _NULL:
            return None
        if tag == _INT and _DECIMAL.match(node.value):
            try:
                return int(node.value)
            except ValueError:  # more digits than Python converts (4,300): the exact loader says what it is
                raise NotPlain from None
        raise NotPlain  # booleans, dates, odd numbers: the exact loader explains them
    if id(node) in seen:
        raise NotPlain  # an alias
    seen.add(id(node))
    if kind is yaml.MappingNode:
        out: dict[str, Any] = {}
        for key, value in node.value:
            if type(key) is not yaml.ScalarNode or key.value in out:
                raise NotPlain
            out[key.value] = _plain(value, seen)
        return out
    if kind is yaml.SequenceNode:
        return [_plain(item, seen) for item in node.value]
    raise NotPlain
