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

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bilat.problems import Problem

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
    "tag:yaml.org,2002:float": "a number",
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
                doc.data = _build(node, (), doc, set())
                yield doc
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            message = " ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
            yield Document(name, None, problems=[Problem(name, line, column, "", f"YAML syntax: {message}")])
        except yaml.YAMLError as exc:
            yield Document(name, None, problems=[Problem(name, 1, 1, "", f"YAML error: {exc}")])
        except UnicodeDecodeError as exc:
            yield Document(name, None, problems=[Problem(name, 1, 1, "", f"not UTF-8 text: {exc.reason}")])
        finally:
            loader.dispose()


def _build(node: yaml.Node, path: Path_, doc: Document, seen: set[int]) -> Any:
    doc.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if id(node) in seen:
        doc.problems.append(doc.problem(path, "anchors and aliases are not allowed: write the value out"))
        return None
    if isinstance(node, yaml.MappingNode):
        seen.add(id(node))
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                doc.problems.append(Problem(doc.file, *key_mark, format_path(path), "mapping keys must be plain text"))
                continue
            key = key_node.value
            child = (*path, key)
            if key in out:
                first = doc.key_marks.get(child, (0, 0))[0]
                doc.problems.append(
                    Problem(doc.file, *key_mark, format_path(child), f"duplicate key (first at line {first})")
                )
                continue
            doc.key_marks[child] = key_mark
            out[key] = _build(value_node, child, doc, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        seen.add(id(node))
        return [_build(item, (*path, i), doc, seen) for i, item in enumerate(node.value)]
    return _scalar(node, path, doc)


def _scalar(node: yaml.ScalarNode, path: Path_, doc: Document) -> Any:
    tag = node.tag
    if tag == "tag:yaml.org,2002:str":
        return node.value
    if tag in _YAML11_TAGS and not node.style:  # plain (unquoted): '' from libyaml, None from PyYAML
        doc.plain_scalars[path] = (node.value, _YAML11_TAGS[tag])
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
