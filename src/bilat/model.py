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
    SECTORS,
    SOURCE_KINDS,
    STATUSES,
)

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


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
Text = Annotated[str, Field(min_length=1)]
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
    quote: Text


EvidenceList = Annotated[list[Evidence], Field(min_length=1)]


class Source(Strict):
    """One report the data is drawn from."""

    id: Id
    outlet: Text | None = Field(description="The outlet as the report names it; null when it names none.")
    published: IsoDate
    dateline: Text | None = Field(None, description="The dateline place, null when the report has none.")
    kind: SourceKind
    file: Text = Field(description="The report's text, relative to the sources/ folder beside the data file.")
    notes: Text | None = None


class Role(Strict):
    title: Text
    organisation: Id | None = None
    as_of: IsoDate | None = Field(None, description="When a source shows the person in this role.")
    evidence: EvidenceList


class Person(Strict):
    id: Id
    name: Text = Field(description="The canonical spelling.")
    aliases: list[Text] = Field(default_factory=list, description="Every other spelling or handle seen.")
    country: Country | None = None
    roles: list[Role] = Field(default_factory=list)
    evidence: EvidenceList


class Organisation(Strict):
    id: Id
    name: Text
    aliases: list[Text] = Field(default_factory=list)
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
    countries: Annotated[list[Country], Field(min_length=1)]
    participants: list[Participant] = Field(default_factory=list)
    organisations: list[Id] = Field(default_factory=list)
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
    value: int
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
    parties: Annotated[list[Country], Field(min_length=1)]
    institutions: list[Id] = Field(default_factory=list)
    sectors: Annotated[list[Sector], Field(min_length=1)]
    summary: Text
    figures: list[Figure] = Field(default_factory=list)
    status_history: Annotated[list[StatusStep], Field(min_length=1)]
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
    agreements: list[Id] = Field(default_factory=list)
    status: FollowUpStatus
    outcome: Outcome | None = None
    evidence: EvidenceList


class Reading(Strict):
    value: Text
    source: Id
    quote: Text


class Discrepancy(Strict):
    """Where sources disagree (spellings, dates, counts): every reading is kept."""

    id: Id
    subject: Text = Field(description="What the readings are about, e.g. person:nicole-de-moor.")
    field: Text
    note: Text | None = None
    readings: Annotated[list[Reading], Field(min_length=2)]


class Dataset(Strict):
    sources: list[Source] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    organisations: list[Organisation] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    follow_ups: list[FollowUp] = Field(default_factory=list)
    discrepancies: list[Discrepancy] = Field(default_factory=list)


def json_schema() -> dict[str, object]:
    """The JSON Schema of one data file, for editors and check-jsonschema."""
    schema = Dataset.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "bilat dataset"
    return schema
