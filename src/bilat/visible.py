"""Text that cannot drive a terminal: control characters in the data are shown, never obeyed.

The dataset is reviewed, but its text (titles, quotes, YAML keys, source files)
is still data: an ESC in a title must not retitle the user's terminal, clear
the screen or plant an OSC 8 link, and a bidi override must not reorder what
the reader sees (CVE-2021-42574, "Trojan Source").  Every writer for people
(tables, plain lines, Markdown, messages) passes its text through `visible`;
machine formats keep the data (`json_visible` only re-spells JSON strings).

Standard library only, and cheap: this module is on every command's start-up path.
"""

from __future__ import annotations

import codecs
import re

TYPE_CHECKING = False  # typing stays off the query path (start-up)
if TYPE_CHECKING:
    from typing import IO, Any

# C0 controls except tab and newline, a carriage return unless it ends a line (CRLF is harmless: the line is
# ending anyway), DEL, C1 controls (U+0080-U+009F; U+009B is CSI on some terminals), the bidi embeddings,
# overrides and isolates, and lone surrogates (undecodable bytes from argv or the environment: they cannot be
# written to a UTF-8 stream at all).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]|\r(?!\n)")

# In JSON text every C0 control is already escaped by `json`; these are the ones it leaves raw.
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every character that could act on a terminal written as an escape (`\\x1b`, `\\u202e`).

    Newlines and tabs stay (they lay text out, they do not command the terminal).  Backslashes are left as they
    are, so a literal `\\x1b` typed in the data looks the same as an escaped ESC: harmless, and `visible` stays
    idempotent, so two layers of output may both apply it.
    """
    if _UNSAFE.search(text) is None:  # the usual case: no copy
        return text
    return _UNSAFE.sub(_escape, text)


def json_visible(text: str) -> str:
    """JSON text with DEL, C1 controls, bidi controls and line separators spelled `\\u0085` inside strings.

    `json.dumps(..., ensure_ascii=False)` escapes C0 controls only.  Outside strings JSON is ASCII, so this
    only re-spells string contents: a JSON reader gets exactly the same data.
    """
    if _JSON_RAW.search(text) is None:
        return text
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def writes_utf8(stream: IO[str] | Any) -> bool:
    """Whether `stream` encodes UTF-8 (else JSON is written as ASCII, and other text is backslash-escaped)."""
    encoding = getattr(stream, "encoding", None)
    if not isinstance(encoding, str):
        return True  # a StringIO or a test runner's buffer: text, no encoding to respect
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False
