"""The house rules that keep bilat layered, checked on the source (AST), not by convention.

- No import loop between bilat's modules, counting imports made inside functions too.
- The build (bilat.build, bilat.layout, bilat.validate) never imports bilat.store: store calls the build, not back.
- Renderers take plain data: they never import sqlite3, the store or the read layer.
- The brief composes a note from what the read layer returns: no SQL in bilat.brief.
- The doors (cli, fast, cli_spec, commands) hold no SQL.
- No module is longer than ~450 lines; no function longer than ~60 without a reason in its docstring
  (a docstring that says "Long because ...").
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "bilat"
MAX_LINES = 450
MAX_FUNCTION_LINES = 60


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """The bilat modules `name` imports anywhere in its source (module level or inside a function)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        found |= {t for t in targets if t in MODULES and t != name}
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def _reaches(start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        for nxt in GRAPH[todo.pop()]:
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def _package_parents(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_import_loop(name: str) -> None:
    loops = [m for m in GRAPH[name] if m not in _package_parents(name) and _reaches(m, name)]
    assert not loops, f"{name} imports {loops}, which import {name} back"


def _in(prefixes: tuple[str, ...]) -> list[str]:
    return [m for m in MODULES if any(m == p or m.startswith(p + ".") for p in prefixes)]


def test_the_build_never_imports_the_store() -> None:
    for name in _in(("bilat.build", "bilat.layout", "bilat.validate", "bilat.load", "bilat.model")):
        assert "bilat.store" not in GRAPH[name], name


def _source(name: str) -> str:
    return MODULES[name].read_text(encoding="utf-8")


RENDERERS = ("bilat.render", "bilat.show_render", "bilat.brief_render", "bilat.summary_render", "bilat.files")


def test_renderers_never_touch_the_database() -> None:
    for name in _in(RENDERERS):
        assert not GRAPH[name] & {"bilat.store", *_in(("bilat.read",))}, name
        assert not re.search(r"^\s*(import sqlite3|from sqlite3)", _source(name), re.M), name


_SQL = re.compile(r"\.execute(many)?\(|\bselect\b[^\n]*\bfrom\b", re.I)


def test_the_brief_writes_no_sql() -> None:
    for name in _in(("bilat.brief",)):
        assert not _SQL.search(_source(name)), f"{name} runs SQL: it belongs in the read layer"


def test_the_doors_hold_no_sql() -> None:
    for name in ("bilat.cli", "bilat.fast", "bilat.commands", "bilat.__main__"):
        assert not _SQL.search(_source(name)), name
    # The declarations may show SQL in `bilat sql --help`'s examples, but never run any.
    assert not re.search(r"\.execute(many)?\(", _source("bilat.cli_spec"))


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_too_long(name: str) -> None:
    lines = len(_source(name).splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines (at most {MAX_LINES}): split it by concern"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_function_is_too_long_without_a_reason(name: str) -> None:
    for node in ast.walk(ast.parse(_source(name))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            reason = "Long because" in (ast.get_docstring(node) or "")
            assert length <= MAX_FUNCTION_LINES or reason, (
                f"{name}.{node.name} has {length} lines (at most {MAX_FUNCTION_LINES}): split it, "
                "or say in its docstring why not ('Long because ...')"
            )
