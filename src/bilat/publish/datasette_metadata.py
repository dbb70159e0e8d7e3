"""What Datasette shows beside the data (`bilat serve`): titles, the data's terms, a description of every table,
view and column (from `bilat.build.descriptions`, like the README and the data package), facets, the full-text
index of the agreements, labels for foreign keys, and the canned queries a desk officer clicks."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from bilat.build.descriptions import FTS, INTERNAL, TABLES, VIEWS
from bilat.publish.datapackage import DATA_TERMS

DATABASE = "agreements"
"""The name the database is served under: /agreements, /agreements/agreements..."""

# The column that names a row, shown beside a foreign key that points at it.
_LABELS = {
    "agreements": "title",
    "events": "title",
    "people": "name",
    "organisations": "name",
    "countries": "name",
    "sources": "outlet",
    "follow_ups": "description",
    "discrepancies": "subject",
}

_FACETS: dict[str, list[Any]] = {
    "agreements": ["status", "kind", {"array": "parties"}, {"array": "sectors"}, "year"],
    "events": ["kind", {"array": "countries"}, "date_precision"],
    "status_steps": ["status"],
    "follow_ups": ["status"],
    "evidence": ["record_type", "source_id"],
    "agreement_overview": ["status", "kind"],
}

_SORT_DESC = {"agreements": "date_start", "events": "date_start", "sources": "published"}

QUERIES: dict[str, dict[str, str]] = {
    "signed_by_country": {
        "title": "Signed instruments by country",
        "description": "Every instrument whose current status is signed, with the other party; "
        "type part of a country's name or its code to narrow it (empty: all).",
        "sql": """select c.name as country, a.id, a.title, a.kind, a.date
from agreements a
join agreement_parties p on p.agreement_id = a.id
join countries c on c.code = p.country
where a.status = 'signed' and c.code != 'PK'
  and (:country = '' or c.code = upper(:country) or c.name like '%' || :country || '%')
order by c.name, a.date_start, a.id""",
    },
    "labour_mobility": {
        "title": "Labour-mobility instruments",
        "description": "Instruments and commitments in the labour-mobility sector, latest first.",
        "sql": """select a.id, a.title, a.kind, a.status, a.date, a.parties
from agreements a join agreement_sectors s on s.agreement_id = a.id
where s.sector = 'labour-mobility'
order by a.date_start desc, a.id""",
    },
    "open_follow_ups": {
        "title": "Open follow-ups",
        "description": "Promises made at an engagement that no source shows kept (open or unclear), "
        "with the engagement they were made at.",
        "sql": """select f.id, f.description, f.due, f.status, e.title as raised_at, e.date as raised_on
from follow_ups f left join events e on e.id = f.event_id
where f.status != 'fulfilled'
order by e.date_start, f.id""",
    },
    "status_steps_in_order": {
        "title": "Status steps in date order",
        "description": "Every step of every agreement's status history, dated by itself or by its event; "
        "undated steps last.",
        "sql": """select s.date, s.status, a.id as agreement, a.title, s.note, s.event_id
from status_steps s join agreements a on a.id = s.agreement_id
order by s.date_start is null, s.date_start, a.id, s.seq""",
    },
}


# The column descriptions as a compact two-column list, so the rows start within the first screen.
_CSS = (
    "dl.column-descriptions{display:grid;grid-template-columns:max-content 1fr;gap:0 1.5em;font-size:.9em}"
    "dl.column-descriptions dt{font-weight:600}dl.column-descriptions dd{margin:0}"
)
STYLESHEET = "data:text/css," + quote(_CSS)


def _table(name: str, about: str, columns: dict[str, str]) -> dict[str, Any]:
    meta: dict[str, Any] = {"description": about, "columns": columns}
    if name in _LABELS:
        meta["label_column"] = _LABELS[name]
    if name in _FACETS:
        meta["facets"] = _FACETS[name]
    if name in _SORT_DESC:
        meta["sort_desc"] = _SORT_DESC[name]
    return meta


def metadata(*, version: str) -> dict[str, Any]:
    """Datasette's metadata for the compiled database served as `agreements`."""
    tables: dict[str, Any] = {name: _table(name, about, columns) for name, (about, columns) in TABLES.items()}
    tables["agreements"]["fts_table"] = next(iter(FTS))
    tables |= {
        name: {"description": about, **({"facets": _FACETS[name]} if name in _FACETS else {})}
        for name, about in VIEWS.items()
    }
    tables |= {name: {"hidden": True} for name in (*INTERNAL, "search_vocab")}
    # bilat's bookkeeping names this machine's paths: its pages are refused (403), not only hidden
    tables |= {name: {"hidden": True, "allow": False} for name in ("_meta", "_data_files", "_source_files")}
    return {
        "title": "bilat: bilateral agreements, with verbatim evidence",
        "description": "Agreements, commitments and engagements; every fact is traced to a verbatim quote from a "
        "news report (the evidence table). Read-only: served by Datasette from bilat's compiled database.",
        "license": "MIT (the records); the quoted news texts remain their publishers'",
        "license_url": "https://opensource.org/licenses/MIT",
        "source": "News reports, quoted verbatim (the sources table)",
        "about": f"bilat {version}",
        "extra_css_urls": [STYLESHEET],
        "databases": {
            DATABASE: {
                "description": DATA_TERMS,
                "tables": tables,
                "queries": QUERIES,
            }
        },
    }
