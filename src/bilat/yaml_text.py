"""YAML scalars written by hand, so that a record bilat writes reads back as exactly what was meant.

A plain scalar is used only where YAML 1.1 (PyYAML, which bilat reads data with) and YAML 1.2 agree it is
text: an id such as `report-2025-04-12`.  Everything else is double-quoted, with every character YAML
would not keep as it is (controls, line and paragraph separators, a byte-order mark) escaped.

Standard library only.
"""

from __future__ import annotations

import re

_PLAIN = re.compile(r"[a-z][a-z0-9-]*")
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]')
_SHORT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}


def scalar(value: str | None) -> str:
    """`value` as a YAML scalar on one line: plain when that is safe, else double-quoted; None is `null`."""
    if value is None:
        return "null"
    if _PLAIN.fullmatch(value) and value not in _YAML11_WORDS:
        return value
    return quoted(value)


def quoted(value: str) -> str:
    """`value` double-quoted, always (dates, country codes: "2025-04-12", "NO")."""
    return '"' + _ESCAPE.sub(lambda m: _SHORT.get(m.group(), f"\\u{ord(m.group()):04x}"), value) + '"'
