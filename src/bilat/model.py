"""The typed records of data/agreements.yaml, and the JSON Schema made from them.

Everything here is strict: a field that YAML 1.1 turned into a boolean, a number
or a date where the model wants text is an error, not a silent coercion.  The
vocabularies (statuses, sectors, kinds...) are defined once, here, and are
documented in the README from these definitions.

Imported only on the build and validate paths (pydantic costs start-up time).
"""

from __future__ import annotations

import re
from datetime import date as _date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from bilat.vocab import (
    AGREEMENT_KINDS,
    DATE_PRECISIONS,
    EVENT_KINDS,
    FOLLOW_UP_STATUSES,
    FORBIDDEN_CLASS,
    MAX_ITEMS,
    SECTORS,
    SOURCE_KINDS,
    STATUSES,
    forbidden_character,
)

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SPACE = re.compile(r"\s+")

MIN_QUOTE_CHARS = 4  # a quote shorter than this (after normalising) is in almost any text: it proves nothing
MAX_FIGURE = 2**63 - 1  # SQLite's largest integer

# Text: at least one character that is not whitespace, and no control character (bilat.vocab.FORBIDDEN_CLASS).
# One regular expression, checked in pydantic's core (fast on a 250,000-record build); bilat validate turns a
# mismatch into a message that says which of the two it is (`text_problem`).
TEXT_PATTERN = f"^[^{FORBIDDEN_CLASS}]*[^\\s{FORBIDDEN_CLASS}][^{FORBIDDEN_CLASS}]*$"


def normalise(text: str) -> str:
    """Whitespace runs become one space: the only liberty a quote may take with its source."""
    return _SPACE.sub(" ", text).strip()


def text_problem(value: str) -> str:
    """Why `value` does not match TEXT_PATTERN, in words."""
    return forbidden_character(value) or "blank text: write the text, or leave the field out where it is optional"


def _check_quote(value: str) -> str:
    """A quote must say something: a blank or one-letter quote is "in" every source, so it would verify anything."""
    text = normalise(value)
    if len(text) < MIN_QUOTE_CHARS or not any(c.isalnum() for c in text):
        raise ValueError(
            f"a quote needs at least {MIN_QUOTE_CHARS} characters with a letter or digit: {text!r} proves nothing"
        )
    return value


def _check_file_name(value: str) -> str:
    """Refuse an absolute path or `..` as soon as the schema is read (bilat.source_files has the last word)."""
    from bilat.source_files import name_problem

    problem = name_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _check_date(value: str) -> str:
    match = _DATE_RE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        _date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date ({exc})") from None
    return value


Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=120)]
Text = Annotated[
    str,
    Field(
        min_length=1,
        pattern=TEXT_PATTERN,
        description="Text: not blank, and no control character (C0 except tab and newlines, DEL, C1, bidi controls).",
    ),
]
Quote = Annotated[
    Text,
    Field(description=f"Verbatim from the source: at least {MIN_QUOTE_CHARS} characters with a letter or digit."),
    AfterValidator(_check_quote),
]
FileName = Annotated[
    Text,
    Field(
        description="The report's text, relative to the sources/ folder beside the data file (no '..').",
        json_schema_extra={"pattern": r"^(?![/\\]|[A-Za-z]:)(?!(.*[/\\])?\.\.([/\\]|$))"},
    ),
    AfterValidator(_check_file_name),
]
IsoDate = Annotated[
    str,
    Field(
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description="ISO 8601 date at day, month or year precision: YYYY-MM-DD, YYYY-MM or YYYY. Quote it.",
    ),
    AfterValidator(_check_date),
]
Country = Annotated[
    str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code, quoted (NO is a boolean in YAML 1.1)")
]

Status = Literal[STATUSES]  # type: ignore[valid-type]
Sector = Literal[SECTORS]  # type: ignore[valid-type]
AgreementKind = Literal[AGREEMENT_KINDS]  # type: ignore[valid-type]
EventKind = Literal[EVENT_KINDS]  # type: ignore[valid-type]
SourceKind = Literal[SOURCE_KINDS]  # type: ignore[valid-type]
DatePrecision = Literal[DATE_PRECISIONS]  # type: ignore[valid-type]
FollowUpStatus = Literal[FOLLOW_UP_STATUSES]  # type: ignore[valid-type]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Evidence(Strict):
    """A short verbatim quote from a source: it must appear in that source's text."""

    source: Id
    quote: Quote


EvidenceList = Annotated[list[Evidence], Field(min_length=1, max_length=MAX_ITEMS)]
Countries = Annotated[list[Country], Field(min_length=1, max_length=MAX_ITEMS)]
Ids = Annotated[list[Id], Field(max_length=MAX_ITEMS)]
Texts = Annotated[list[Text], Field(max_length=MAX_ITEMS)]


Url = Annotated[str, Field(pattern=r"^https?://[^\s]+$", max_length=2000)]
Sha256 = Annotated[
    str,
    Field(
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of the source text file as registered (what sha256sum prints; bilat sources add "
        "writes it): bilat validate reports a text edited since, whose quotes may now mean something else.",
    ),
]


class NotRecorded(Strict):
    """A passage of the source deliberately not recorded (commentary, background...), and why (`bilat coverage`)."""

    quote: Quote
    reason: Text = Field(description="Why nothing is recorded from it, e.g. the outlet's own commentary.")


class Source(Strict):
    """One report the data is drawn from."""

    id: Id
    outlet: Text | None = Field(description="The outlet as the report names it; null when it names none.")
    published: IsoDate
    dateline: Text | None = Field(None, description="The dateline place, null when the report has none.")
    kind: SourceKind
    file: FileName
    notes: Text | None = None
    title: Text | None = Field(None, description="The headline, as the report gives it; cited with the source.")
    url: Url | None = Field(None, description="Where the report was published (http or https).")
    sha256: Sha256 | None = None
    not_recorded: Annotated[list[NotRecorded], Field(max_length=MAX_ITEMS)] = Field(
        default_factory=list,
        description="Sentences deliberately not recorded, each with its reason: they count as covered.",
    )


class Role(Strict):
    title: Text
    organisation: Id | None = None
    as_of: IsoDate | None = Field(None, description="When a source shows the person in this role.")
    evidence: EvidenceList


class Person(Strict):
    id: Id
    name: Text = Field(description="The canonical spelling.")
    aliases: Texts = Field(default_factory=list, description="Every other spelling or handle seen.")
    country: Country | None = None
    roles: Annotated[list[Role], Field(max_length=MAX_ITEMS)] = Field(default_factory=list)
    evidence: EvidenceList


class Organisation(Strict):
    id: Id
    name: Text
    aliases: Texts = Field(default_factory=list)
    country: Country | None = None
    evidence: EvidenceList


class Participant(Strict):
    person: Id
    role: Text | None = Field(None, description="The part played at this event, e.g. co-chair.")


class Event(Strict):
    """An engagement: a meeting, a visit, a commission session..."""

    id: Id
    title: Text
    kind: EventKind
    date: IsoDate
    date_precision: DatePrecision
    date_derivation: Text | None = Field(
        None, description='How the date was derived when the text gives it indirectly ("yesterday", "on Monday").'
    )
    place: Text | None = Field(None, description="Where it took place; null when no source states it.")
    countries: Countries
    participants: Annotated[list[Participant], Field(max_length=MAX_ITEMS)] = Field(default_factory=list)
    organisations: Ids = Field(default_factory=list)
    summary: Text
    part_of: Id | None = Field(None, description="A larger event (a visit) this one belongs to.")
    evidence: EvidenceList

    @model_validator(mode="after")
    def _precision_matches_date(self) -> Event:
        needed = {"day": 3, "reported": 3, "month": 2, "year": 1}[self.date_precision]
        if len(self.date.split("-")) != needed:
            raise ValueError(f"date {self.date!r} does not have {self.date_precision!r} precision")
        return self


class Figure(Strict):
    """A number the source gives, e.g. 150,000 (skilled workers): a count or an amount, never negative."""

    value: Annotated[int, Field(ge=0, le=MAX_FIGURE, description="Decimal digits, e.g. 150000 (not 150_000).")]
    unit: Text
    evidence: EvidenceList


class StatusStep(Strict):
    status: Status
    date: IsoDate | None = None
    event: Id | None = None
    note: Text | None = None
    evidence: EvidenceList


class Agreement(Strict):
    """An instrument or commitment, as the sources describe it."""

    id: Id
    title: Text
    kind: AgreementKind
    quantity: Text | None = Field(
        None, description='For a group of instruments the source does not list one by one, e.g. "several".'
    )
    parties: Countries
    institutions: Ids = Field(default_factory=list)
    sectors: Annotated[list[Sector], Field(min_length=1, max_length=MAX_ITEMS)]
    summary: Text
    figures: Annotated[list[Figure], Field(max_length=MAX_ITEMS)] = Field(default_factory=list)
    status_history: Annotated[list[StatusStep], Field(min_length=1, max_length=MAX_ITEMS)]
    evidence: EvidenceList


class Outcome(Strict):
    note: Text
    evidence: EvidenceList


class FollowUp(Strict):
    """Something promised for later, and what became of it where a later source shows it."""

    id: Id
    description: Text
    due: IsoDate | None = None
    place: Text | None = None
    event: Id = Field(description="The event where it was promised.")
    agreements: Ids = Field(default_factory=list)
    status: FollowUpStatus
    outcome: Outcome | None = None
    evidence: EvidenceList


class Reading(Strict):
    value: Text
    source: Id
    quote: Quote


class Discrepancy(Strict):
    """Where sources disagree (spellings, dates, counts): every reading is kept."""

    id: Id
    subject: Text = Field(description="What the readings are about, e.g. person:nicole-de-moor.")
    field: Text
    note: Text | None = None
    readings: Annotated[list[Reading], Field(min_length=2, max_length=MAX_ITEMS)]


class Dataset(Strict):
    """One YAML document of the dataset: any of the sections, each a list of records.

    A dataset with no records at all is refused (an empty or truncated file would
    otherwise replace a good database with nothing) unless a document says
    `empty: true`: a dataset that is empty on purpose.
    """

    empty: bool = Field(
        False,
        description="true: this document is empty on purpose (a dataset with no records is otherwise refused as "
        "an empty or truncated file); a document with records cannot say it.",
    )
    sources: list[Source] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    organisations: list[Organisation] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    follow_ups: list[FollowUp] = Field(default_factory=list)
    discrepancies: list[Discrepancy] = Field(default_factory=list)

    @model_validator(mode="after")
    def _empty_means_empty(self) -> Dataset:
        if self.empty and record_count(self):
            raise ValueError(
                f"empty: true, but this document has {record_count(self):,} records: remove one or the other"
            )
        return self


SECTIONS = ("sources", "people", "organisations", "events", "agreements", "follow_ups", "discrepancies")


def record_count(dataset: Dataset) -> int:
    """How many records (of every section) a document holds."""
    return sum(len(getattr(dataset, section)) for section in SECTIONS)


def declared_empty(dataset: Dataset) -> bool:
    """Whether this document says the dataset is empty on purpose (`empty: true`).

    The build calls it when it has read no records: a dataset with no records is
    refused unless one of its documents says so.
    """
    return dataset.empty


def json_schema() -> dict[str, object]:
    """The JSON Schema of one data file, for editors and check-jsonschema."""
    schema = Dataset.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "bilat dataset"
    return schema
