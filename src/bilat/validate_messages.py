"""What a curator reads when the dataset is wrong: each problem in words, with the fix when it can be told.

- a value of the wrong form says what the field expects, never a regular expression ("a date as YYYY,
  YYYY-MM or YYYY-MM-DD", "a two-letter ISO 3166 country code such as PK"), and the value it would be
  when that is clear ("26 November 2024" -> "2024-11-26", "Belarus" -> "BY");
- a status, kind, sector or id that is nearly right gets a did-you-mean;
- a quote not found in its source says where the source has nearly that text, and which characters differ
  (a straight ' typed for the source's curly ’, a dash, a space, a full stop the source does not have).

Off the query path (validation and builds only), so difflib and pycountry are fine here.
"""

from __future__ import annotations

import re

from bilat import dates
from bilat.suggest import did_you_mean, did_you_mean_value

ID_WORDS = "an id: lower-case letters, digits and hyphens, starting with a letter or digit"
DATE_WORDS = 'a date as YYYY, YYYY-MM or YYYY-MM-DD (e.g. "2025-04-12")'
COUNTRY_WORDS = "a two-letter ISO 3166 country code such as PK or BY"
_SHOWN_AT_MOST = 12  # allowed values listed in a message; longer lists point at the README's vocabulary


def shown(value: object) -> str:
    """A value as a message quotes it: text in quotes (cut at 80 characters), anything else by what it is."""
    if isinstance(value, str):
        return repr(value if len(value) <= 80 else value[:79] + "…")
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing (null)" if value is None else str(value)[:80]


def pattern_message(pattern: str, value: object) -> str | None:
    """The words for a value that does not match a field's pattern; None for a pattern this does not know."""
    if pattern == r"^[A-Z]{2}$":
        return f"expected {COUNTRY_WORDS}, got {shown(value)}" + _country_hint(value)
    if pattern.startswith(r"^\d{4}"):
        return f"expected {DATE_WORDS}, got {shown(value)}" + _date_hint(value)
    if pattern.startswith("^[0-9a-f]{64}"):
        return f"expected the SHA-256 of the source text (64 hexadecimal digits, as sha256sum prints it), got {shown(value)}"
    if pattern.startswith("^https?://"):
        return f"expected a web address starting with http:// or https://, got {shown(value)}"
    if pattern.startswith("^[a-z0-9]"):
        hint = ""
        if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9 _-]+", value):
            hint = f' (write "{re.sub(r"[ _]+", "-", value.strip().lower())}")'
        return f"expected {ID_WORDS}, got {shown(value)}{hint}"
    return None


def _date_hint(value: object) -> str:
    if not isinstance(value, str):
        return ""
    try:
        iso = dates.typed(value)
    except dates.AmbiguousDate as exc:
        return f" (it could be {exc.readings[0]} or {exc.readings[1]}: write the one meant)"
    if iso is None:
        return ""
    try:
        dates.span(iso)
    except dates.NotADate:
        return ""
    return f' (write "{iso}")'


def _country_hint(value: object) -> str:
    """` (write "BY" for Belarus)` when `value` names a country (bilat.countries reads it as `--country` does),
    ` (did you mean 'Belarus'? write "BY")` when it nearly does; "" otherwise."""
    from bilat.countries import country_code, country_name, nearest_country

    if not isinstance(value, str) or not value.strip():
        return ""
    code = country_code(value)
    if code is not None:
        name = country_name(code)
        return f' (write "{code}" for {name})' if name else f' (write "{code}")'
    near = nearest_country(value)
    code = country_code(near) if near else None
    return f' (did you mean {near!r}? write "{code}")' if near and code else ""


def choice_message(expected: str, value: object, field: str = "value") -> str:
    """A value outside a vocabulary: the nearest allowed value, else the allowed values (a few) or where they are.

    `field` names the vocabulary for a long list ("sectors": the 26 allowed sectors)."""
    allowed = re.findall(r"'([^']*)'", expected)
    value_shown = shown(value)
    near = did_you_mean_value(value, allowed) if isinstance(value, str) else ""
    if near:
        return f"unknown value {value_shown}{near}"
    if len(allowed) <= _SHOWN_AT_MOST:
        return f"unknown value {value_shown} (one of: {', '.join(allowed)})"
    return (
        f"unknown value {value_shown}: not one of the {len(allowed)} allowed {field} "
        "(listed under Vocabularies in the README, and by `bilat schema`)"
    )


def unknown_id_hint(target: str, known: list[str]) -> str:
    """` (did you mean 'x'?)` for an id one or two letters off one the dataset has."""
    return did_you_mean(target, known, cutoff=0.8)


# ---------------------------------------------------------------- a value left empty (bilat new's skeletons)

_AT_LEAST_ONE = {
    "parties": 'country code, quoted: ["PK", "BY"]',
    "countries": 'country code, quoted: ["PK", "BY"]',
    "sectors": "sector (listed under Vocabularies in the README)",
    "status_history": "status step",
    "evidence": "piece of evidence (source and quote)",
    "readings": "reading",
}


def empty_message(kind: str, field: str, expected: str, source: object = None) -> str:
    """The words for a value left empty (`""`, `[]`): what to write there, never "should have at least 1 character".

    `kind` is pydantic's error type, `expected` what the model allows (a literal's choices, a pattern), `source`
    the source an empty quote is to come from.
    """
    if field == "quote":
        named = f"source {source!r}" if isinstance(source, str) and source else "its source"
        return f"empty quote: copy here, verbatim, the words of {named} that support this"
    if kind == "too_short":
        return f"empty list: write at least one {_AT_LEAST_ONE.get(field, 'item')}"
    if kind in ("literal_error", "enum"):
        allowed = re.findall(r"'([^']*)'", expected)
        if len(allowed) <= _SHOWN_AT_MOST:
            return f"empty: write one of: {', '.join(allowed)}"
        return (
            f"empty: write one of the {len(allowed)} allowed {field.replace('_', ' ')} (see Vocabularies in the README)"
        )
    if kind == "string_pattern_mismatch" and (worded := pattern_message(expected, "")):
        return "empty: write " + worded.removeprefix("expected ").split(", got ")[0]
    return "empty: write the text, or leave the field out where it is optional"


# ---------------------------------------------------------------- a quote not found


def quote_message(
    source: str, quote: str, short: str, text: str | None, breaks: list[int] | None = None, elsewhere: str = ""
) -> str:
    """The whole message for a quote not found in the text of `source` (`elsewhere`: another source that has it)."""
    from bilat.quote_diff import nearest_difference

    message = f"quote not found in source {source!r}: {short}"
    if elsewhere:
        return message + f"; it is in source {elsewhere!r}: is that the source meant?"
    inner = quote[1:-1].strip() if len(quote) > 2 else ""
    if inner and quote[0] in _OPENING and quote[-1] in _CLOSING and text and inner in text:
        return message + f"; the source has these words without the quotation marks {quote[0]}…{quote[-1]}: drop them"
    return message + (nearest_difference(quote, text, breaks) if text else "")


_OPENING, _CLOSING = "\"'“‘«", "\"'”’»"


__all__ = ["choice_message", "empty_message", "pattern_message", "quote_message", "unknown_id_hint"]
