"""What needs the whole dataset, checked in SQL once the rows are in; and the problems located exactly.

The rows of every file are inserted first; then dangling references, ids used
twice and quotes whose source lives in another file are found by queries, which
say only which data files offend.  The validator then reads those files alone,
seeded with every other file's ids from the database, and says where and why,
exactly as `bilat validate` would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from bilat.build.schema import RECORD_TABLES, TABLE_OF_TYPE
from bilat.layout import Snapshot, data_file_path
from bilat.load import display_name, read_documents
from bilat.problems import Problem
from bilat.validate import SECTIONS, Checker, check_dataset, normalise

# A quote waiting for its source's text: (source id, quote, the data file it is in).
PendingQuote = tuple[str, str, str]

# SQL giving the data_file of every record with a reference to an id that does not exist.
_DANGLING = [
    """select p.data_file from person_roles r join people p on p.id = r.person_id
       where r.organisation_id is not null and r.organisation_id not in (select id from organisations)""",
    """select e.data_file from event_participants x join events e on e.id = x.event_id
       where x.person_id not in (select id from people)""",
    """select e.data_file from event_organisations x join events e on e.id = x.event_id
       where x.organisation_id not in (select id from organisations)""",
    "select data_file from events where part_of is not null and part_of not in (select id from events)",
    """select a.data_file from agreement_institutions x join agreements a on a.id = x.agreement_id
       where x.organisation_id not in (select id from organisations)""",
    """select a.data_file from status_steps x join agreements a on a.id = x.agreement_id
       where x.event_id is not null and x.event_id not in (select id from events)""",
    "select data_file from follow_ups where event_id not in (select id from events)",
    """select f.data_file from follow_up_agreements x join follow_ups f on f.id = x.follow_up_id
       where x.agreement_id not in (select id from agreements)""",
    """select d.data_file from readings x join discrepancies d on d.id = x.discrepancy_id
       where x.source_id not in (select id from sources)""",
    *(
        f"""select r.data_file from evidence x join {table} r on r.id = x.record_id
            where x.record_type = '{kind}' and x.source_id not in (select id from sources)"""
        for kind, table in TABLE_OF_TYPE.items()
    ),
]
_ALL_IDS = " union all ".join(f"select id, data_file from {t}" for t in RECORD_TABLES)


class DataChanged(Exception):
    """The data changed while a build was reading it, so the problems it found can no longer be shown."""


def check(conn: sqlite3.Connection, pending: list[PendingQuote]) -> set[str]:
    """The data files with a dangling reference, an id used twice, or a quote not found in its source."""
    offending: set[str] = set()
    for sql in _DANGLING:
        offending.update(r[0] for r in conn.execute(sql))
    duplicated = f"select id from ({_ALL_IDS}) group by id having count(*) > 1"
    offending.update(r[0] for r in conn.execute(f"select data_file from ({_ALL_IDS}) where id in ({duplicated})"))
    offending |= _check_quotes(conn, pending)
    return offending


def _check_quotes(conn: sqlite3.Connection, pending: Iterable[PendingQuote]) -> set[str]:
    """Quotes whose source is in another file: checked against that source's text, one source at a time."""
    offending: set[str] = set()
    texts: dict[str, str | None] = {}
    for source, quote, name in sorted(pending):
        if source not in texts:
            texts.clear()  # sorted by source: one text in memory at a time
            row = conn.execute("select text from sources where id = ?", (source,)).fetchone()
            texts[source] = normalise(row[0]) if row and row[0] is not None else None
        text = texts[source]
        if text is not None and normalise(quote) not in text:
            offending.add(name)
    return offending


def locate_problems(conn: sqlite3.Connection, data: Path, offending: set[str], fp: str) -> list[Problem]:
    """Every problem of the offending files, located exactly, as `bilat validate` reports them.

    The validator reads only those files; every other file's ids come from the database.  When it finds
    nothing there, the whole dataset is checked; when that finds nothing either, the data changed since
    the build read it (fingerprint `fp`): DataChanged.
    """
    problems: list[Problem] = []
    try:
        checker = Checker(data)
        _seed(checker, conn, data, offending)
        for path in sorted(data_file_path(data, name) for name in offending):
            for doc in read_documents(path):
                checker.add(doc)
        problems = checker.finish()
    except Exception:  # pragma: no cover - the validator changed shape: fall back to the whole check
        problems = []
    problems = problems or check_dataset(data)
    if not problems:
        if Snapshot.take(data).fingerprint() != fp:
            raise DataChanged  # fixed while the build ran: what was read is gone, build what is there now
        # pragma: no cover - the build and the validator disagree on unchanged data: a bug, not bad data
        raise RuntimeError(f"the build rejected {', '.join(sorted(offending))} but bilat validate finds no problem")
    return problems


def _seed(checker: Checker, conn: sqlite3.Connection, data: Path, offending: set[str]) -> None:
    """The ids of every record outside the offending files, as the validator would have collected them."""
    for section in SECTIONS:
        extra = ", file" if section == "sources" else ""
        for row in conn.execute(f"select id, data_file{extra} from [{section}]"):
            if row[1] in offending:
                continue
            checker.ids[row[0]] = (section, display_name(data_file_path(data, row[1])))
            checker.by_section[section].add(row[0])
            if section == "sources":
                checker.source_files[row[0]] = row[2]
