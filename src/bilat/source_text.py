"""A report's file as `bilat sources add` stores it: UTF-8, `\\n` line endings, no byte-order mark, plain text.

Quotes are checked against the stored text, so it must be the words a reader reads:

- plain text (`.txt`, or any other name) is kept as it is, less a byte-order mark, with `\\r\\n` and `\\r`
  made `\\n`, trailing blank lines made one final newline;
- Markdown (`.md`, `.markdown`) is stored as its plain text: heading marks, emphasis, inline code marks,
  link targets, images, strike-through marks, inline HTML tags, blockquote marks, fences and escapes dropped,
  entities read (`&amp;` is `&`) (`**150,000** [workers](u)`
  reads `150,000 workers`), so a quote copied from the rendered page is found;
- a file that is not UTF-8 text, holds a control character (bilat.vocab.FORBIDDEN), is empty, or is
  HTML (by its name or what it holds), PDF or a word processor's is refused with what to do (SourceTextError).

Standard library only.
"""

from __future__ import annotations

import html
import re

from bilat.source_files import MAX_SOURCE_BYTES
from bilat.vocab import FORBIDDEN, forbidden_character

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
_CONVERT_FIRST = {
    ".html": "HTML",
    ".htm": "HTML",
    ".xhtml": "HTML",
    ".pdf": "PDF",
    ".doc": "a Word document",
    ".docx": "a Word document",
    ".odt": "an OpenDocument text",
    ".rtf": "RTF",
}


# HTML told by what is in the file, whatever its name: a page anywhere; in plain text, a paragraph or break tag too.
_HTML_PAGE = re.compile(r"(?i)<!doctype\s+html|<html[\s>]|<body[\s>]|<head[\s>]")
_HTML = re.compile(_HTML_PAGE.pattern + r"|(?i:</p>|</div>|<br\s*/?>|<p[\s>]|<div[\s>])")


class SourceTextError(Exception):
    """The file cannot be stored as a source text; the message says why, and what to do."""


def stored_text(raw: bytes, suffix: str) -> str:
    """The text to store for a file of bytes `raw` whose name ends in `suffix` (e.g. ".md")."""
    suffix = suffix.lower()
    if suffix in _CONVERT_FIRST:
        raise SourceTextError(
            f"is {_CONVERT_FIRST[suffix]}: save the report's text as plain text or Markdown first "
            "(e.g. pandoc -t plain, pdftotext), then add that"
        )
    if len(raw) > MAX_SOURCE_BYTES:
        raise SourceTextError(f"is {len(raw):,} bytes, over the limit of {MAX_SOURCE_BYTES:,} for a source text")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceTextError("is UTF-16 text: save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8), then add that")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8", "replace")
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        raise SourceTextError(
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at line {line}, column {column}): convert it "
            "first, e.g. iconv -f WINDOWS-1252 -t UTF-8"
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    markup = (_HTML_PAGE if suffix in MARKDOWN_SUFFIXES else _HTML).search(text)
    if markup:
        line = text.count("\n", 0, markup.start()) + 1
        raise SourceTextError(
            f"holds HTML ({markup.group().strip()!r} at line {line}): save the text a reader sees as plain text "
            "or Markdown first (e.g. pandoc -t plain), then add that"
        )
    if suffix in MARKDOWN_SUFFIXES:
        text = markdown_text(text)
    bad = FORBIDDEN.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise SourceTextError(f"line {line}: {forbidden_character(text.splitlines()[line - 1])}")
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n")).strip("\n")
    if not any(ch.isalnum() for ch in text):
        raise SourceTextError("holds no text (it is empty, or has no letter or digit)")
    return text + "\n"


# ---------------------------------------------------------------- Markdown -> the text a reader reads

_FENCE = re.compile(r" {0,3}(```|~~~)")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_QUOTE_MARK = re.compile(r" {0,3}>[ \t]?")
_BULLET = re.compile(r"^( {0,3})[*+][ \t]+")
_REFERENCE = re.compile(r" {0,3}\[[^\]]+\]:[ \t]*\S+.*$")
_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)[ \t]*"), ""),  # an image: not the report's words
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # a link: its words
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # a reference link
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # an autolink
    (re.compile(r"(`+)(.+?)\1"), r"\2"),  # inline code
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])"), r"\1"),  # emphasis with *
    (re.compile(r"(?<![_\w])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![_\w])"), r"\1"),  # emphasis with _
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),  # struck through: the words are still there to read
    (re.compile(r"(?i)<br\s*/?>"), "\n"),  # inline HTML: a line break
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),  # other inline tags: their words only
]
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")  # a backslash escape: the character, never markup
_HELD = 0xE000  # escaped characters are held in the private use area while the markup is read


def markdown_text(text: str) -> str:
    """The words of a Markdown document as a reader sees them, one paragraph a line group as written."""
    out: list[str] = []
    fenced = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            out.append(line)
            continue
        if _RULE.match(line) or _REFERENCE.match(line):
            out.append("")
            continue
        if _SETEXT.match(line) and out and out[-1].strip():
            continue  # the underline of the heading above
        while _QUOTE_MARK.match(line):
            line = _QUOTE_MARK.sub("", line, count=1)
        heading = _HEADING.match(line)
        if heading:
            line = heading.group(1)
        line = _BULLET.sub(r"\1- ", line, count=1)
        line = _ESCAPED.sub(lambda m: chr(_HELD + ord(m.group(1))), line)
        for pattern, replacement in _INLINE:
            line = pattern.sub(replacement, line)
        line = html.unescape(line)  # &amp; reads &, &nbsp; a space
        out.append(re.sub("[\ue000-\ue07f]", lambda m: chr(ord(m.group()) - _HELD), line))
    return "\n".join(out)
