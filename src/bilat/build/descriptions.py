"""What every table, view and column of the compiled database means, said once.

For people who write SQL (`bilat sql`, `sqlite3 "$(bilat db)"`, Datasette): the README's "The database"
section is rendered from here (`database_markdown`, a test keeps the two equal), and a test checks that every
column the schema declares (`bilat.build.schema`) is described here and nothing else is.
Dates are ISO 8601 at their own precision (`2025`, `2025-04`, `2025-04-12`); `date_start`/`date_end` are the
first and last day such a date can mean; lists kept in one column are JSON arrays.
"""

from __future__ import annotations

INTERNAL = ("search_index", "_meta", "_data_files", "_source_files")  # bookkeeping: not described for readers

TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "agreements": (
        "Instruments and commitments (an MoU, an agreement, a roadmap, a commitment, an area of cooperation)",
        {
            "id": "stable id",
            "title": "a descriptive title (the formal title where a source gives one)",
            "kind": "mou, agreement, roadmap, commitment, area-of-cooperation... (README: Vocabularies)",
            "quantity": "how many instruments the record stands for when a source is vague (several), else null",
            "summary": "what the sources say of it, in the curators' words",
            "status": "the status of its latest step (README: Vocabularies)",
            "date": "the date of its latest dated step",
            "date_start": "the first day its first dated step can mean",
            "date_end": "the last day its latest dated step can mean",
            "first_date": "the date of its first dated step",
            "parties": "JSON array of the parties' ISO 3166 alpha-2 codes",
            "sectors": "JSON array of its sectors",
            "institutions": "JSON array of the organisations it is between (organisation ids)",
            "figures": "JSON array of its key figures ({value, unit})",
            "data_file": "the dataset file it comes from",
            "first_reported": "the publication date of the first source that states it",
            "year": "the year of date (for faceting by year); null when no step is dated",
        },
    ),
    "agreement_parties": (
        "One row per party to an agreement",
        {"agreement_id": "the agreement", "country": "ISO 3166 alpha-2 code"},
    ),
    "agreement_sectors": ("One row per sector of an agreement", {"agreement_id": "the agreement", "sector": "sector"}),
    "agreement_institutions": (
        "One row per institution an agreement is between",
        {"agreement_id": "the agreement", "organisation_id": "the organisation"},
    ),
    "figures": (
        "Key figures of agreements (150,000 skilled workers)",
        {
            "agreement_id": "the agreement",
            "seq": "order within the agreement",
            "value": "the number",
            "unit": "what it counts",
        },
    ),
    "status_steps": (
        "Each agreement's status history, one row per step, in order",
        {
            "agreement_id": "the agreement",
            "seq": "order within the agreement (0 is the first step)",
            "status": "the status reached at this step",
            "date": "its own date, or its event's; null when neither is known",
            "event_id": "the engagement where it happened, if any",
            "note": "how the sources word it, when that matters",
            "date_start": "the first day its date can mean",
            "dated_by_event": "1 when the date is its event's, 0 when the step has its own",
            "first_reported": "the publication date of the first source that states this step",
        },
    ),
    "events": (
        "Engagements: visits, meetings, talks, commission sessions",
        {
            "id": "stable id",
            "title": "a descriptive title",
            "kind": "visit, meeting, talks, commission-session or engagement",
            "date": "its date at its own precision",
            "date_precision": "day, month, year, or reported (only the report's date is known)",
            "date_start": "the first day its date can mean",
            "date_end": "the last day its date can mean",
            "date_derivation": "how the date was worked out, when the text says 'yesterday' or 'on Monday'",
            "place": "where, as the sources say, or null",
            "summary": "what happened, in the curators' words",
            "part_of": "the engagement it was part of (a meeting during a visit)",
            "countries": "JSON array of the countries taking part (alpha-2)",
            "data_file": "the dataset file it comes from",
            "first_reported": "the publication date of the first source that states it",
        },
    ),
    "event_countries": (
        "One row per country taking part in an engagement",
        {"event_id": "the engagement", "country": "alpha-2 code", "date_start": "the engagement's first day"},
    ),
    "event_participants": (
        "The people at each engagement",
        {"event_id": "the engagement", "seq": "order", "person_id": "the person", "role": "their role there"},
    ),
    "event_organisations": (
        "The organisations at each engagement",
        {"event_id": "the engagement", "organisation_id": "the organisation"},
    ),
    "people": (
        "People named in the sources",
        {
            "id": "stable id",
            "name": "the name the dataset uses",
            "country": "alpha-2 code, or null",
            "aliases": "JSON array of every other spelling or handle seen",
            "data_file": "the dataset file it comes from",
            "search_names": "the name and aliases together, as search reads them",
        },
    ),
    "person_aliases": ("Every spelling of each person's name", {"person_id": "the person", "alias": "a spelling"}),
    "person_roles": (
        "The roles each person held",
        {
            "person_id": "the person",
            "seq": "order",
            "title": "the role as a source gives it",
            "organisation_id": "the organisation, if any",
            "as_of": "when the role is attested",
        },
    ),
    "organisations": (
        "Ministries, commissions, companies and other bodies",
        {
            "id": "stable id",
            "name": "the name the dataset uses",
            "country": "alpha-2 code, or null when a source does not say",
            "aliases": "JSON array of other names",
            "data_file": "the dataset file it comes from",
            "search_names": "the name and aliases together, as search reads them",
        },
    ),
    "sources": (
        "The reports every quote comes from, with their full text",
        {
            "id": "stable id (bilat show ID prints the text)",
            "outlet": "the outlet as the report names it, or null",
            "published": "publication date",
            "dateline": "the dateline, or null",
            "kind": "news-report, press-release, social-media-post",
            "file": "the text's file in data/sources",
            "notes": "the curators' notes on the source",
            "text": "the full text",
            "data_file": "the dataset file it comes from",
            "title": "its headline, where the report gives one",
            "url": "where it was published, where known",
        },
    ),
    "evidence": (
        "Every verbatim quote, for every part of every record",
        {
            "record_type": "agreement, event, person, organisation, follow_up",
            "record_id": "the record",
            "part": "which part it supports ('' the record; status_history[0] a step; figures[0] a figure...)",
            "seq": "order",
            "source_id": "the source",
            "quote": "the words, exactly as in the source",
        },
    ),
    "follow_ups": (
        "Promises made at an engagement, and what became of them",
        {
            "id": "stable id",
            "description": "what was promised",
            "due": "the date or period it was due, where a source gives one",
            "place": "where, if stated",
            "event_id": "the engagement where it was promised",
            "status": "open, fulfilled or unclear",
            "outcome": "what a later source says became of it",
            "agreements": "JSON array of the agreements it is about",
            "data_file": "the dataset file it comes from",
            "first_reported": "the publication date of the first source that states it",
            "outcome_reported": "the publication date of the first source that says what became of it",
        },
    ),
    "follow_up_agreements": (
        "One row per agreement a promise is about",
        {"follow_up_id": "the promise", "agreement_id": "the agreement"},
    ),
    "discrepancies": (
        "Where the sources disagree (a name, a title, a date); every reading is kept",
        {
            "id": "stable id",
            "subject": "what it is about (person:id, or a record id)",
            "field": "which field (name, roles.title, title, date...)",
            "note": "the curators' note",
            "data_file": "the dataset file it comes from",
            "first_reported": "the publication date of the first source among its readings",
        },
    ),
    "readings": (
        "Each source's reading of a discrepancy",
        {
            "discrepancy_id": "the discrepancy",
            "seq": "order",
            "value": "what this source says",
            "source_id": "the source",
            "quote": "its words",
        },
    ),
    "countries": (
        "The countries the dataset uses (ISO 3166, from pycountry)",
        {
            "code": "alpha-2 code",
            "alpha3": "alpha-3 code",
            "name": "common name",
            "official_name": "official name",
            "demonym": "what its people are called, where bilat knows it",
        },
    ),
}

VIEWS: dict[str, str] = {
    "agreement_overview": "One row per agreement: parties, sectors, figures, current status, how many sources",
    "timeline": "Engagements and status steps in date order",
    "evidence_with_source": "Every quote with its source's outlet, date and file",
    "search_text": "The text search reads for each record (the external content of search_index_fts)",
}
FTS = {"agreements_fts": "Full-text index of agreements' titles and summaries (Datasette's ?_search=)"}


def database_markdown() -> str:
    """The README's list of tables and views, from the descriptions above."""
    lines = ["| table | what it holds |", "| --- | --- |"]
    for name, (about, columns) in TABLES.items():
        lines.append(f"| `{name}` | {about}: {', '.join(f'`{c}`' for c in columns)} |")
    lines += ["", "| view | what it shows |", "| --- | --- |"]
    lines += [f"| `{name}` | {about} |" for name, about in VIEWS.items()]
    return "\n".join(lines) + "\n"
