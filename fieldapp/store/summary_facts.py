"""Each finalized version's period-summary facts, kept beside it for the summary to read.

A summary reads a line of JSON per inspection instead of decoding and evaluating its whole
record again.

`write_facts` is called by `insert_version`, the one writer of versions, with the version's
compiled form; `fill_missing_facts` computes them for the versions a profile held before
schema 8 (the migration calls it). A version and its form never change, so neither do its
facts (`fieldapp.core.summary.VersionFacts`); the summary still reads a version without
facts from its record, so a missing row costs time, never a wrong number.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import zlib
from collections.abc import Callable

from fieldapp.core.engine import FormEngine
from fieldapp.core.formfile import load_form_text
from fieldapp.core.inspection import InspectionStatus, InspectionVersion
from fieldapp.core.summary import SummaryRow

log = logging.getLogger(__name__)

#: Versions decoded per fetch while filling in facts.
_CHUNK = 500


def write_facts(
    connection: sqlite3.Connection, version: InspectionVersion, engine: FormEngine
) -> None:
    """Store what `version` (of `engine`'s form) tells a period summary."""
    row = SummaryRow.of_version(version, InspectionStatus.FINALIZED)
    _insert(connection, version.version_id, row, engine)


def fill_missing_facts(connection: sqlite3.Connection) -> int:
    """Compute the facts of every version that has none, with the forms the profile holds;
    returns how many were written. Inside the caller's transaction."""
    engines: dict[tuple[str, str], FormEngine] = {}

    def engine(form_id: str, version: str) -> FormEngine:
        key = (form_id, version)
        if key not in engines:
            text = connection.execute(
                "SELECT yaml FROM forms WHERE form_id = ? AND version = ?", key
            ).fetchone()
            if text is None:
                raise LookupError(f"the profile holds no form {form_id} {version}")
            engines[key] = load_form_text(str(text[0]), f"{form_id}-{version}.yaml")
        return engines[key]

    cursor = connection.execute(
        "SELECT v.version_id, v.record FROM versions v"
        " WHERE NOT EXISTS (SELECT 1 FROM summary_facts f WHERE f.version_id = v.version_id)"
    )
    written = 0
    # Fetched in chunks and written after each: the cursor must not see its own inserts.
    while batch := cursor.fetchmany(_CHUNK):
        for version_id, record in batch:
            try:
                _insert_record(connection, version_id, json.loads(zlib.decompress(record)), engine)
            except Exception:
                # Facts are a shortcut the summary can do without (it reads such a version
                # from its record); a version whose form is gone or no longer compiles must
                # not stop the migration, which would keep the profile, outbox and all,
                # from opening. Its traceback goes to the log.
                log.warning("no summary facts for version %s", version_id, exc_info=True)
                continue
            written += 1
    return written


def _insert_record(
    connection: sqlite3.Connection,
    version_id: str,
    record: dict[str, object],
    engine: Callable[[str, str], FormEngine],
) -> None:
    row = SummaryRow.of_record(record, InspectionStatus.FINALIZED)
    _insert(connection, version_id, row, engine(row.form_id, row.form_version))


def _insert(
    connection: sqlite3.Connection, version_id: str, row: SummaryRow, engine: FormEngine
) -> None:
    facts = row.facts(engine)
    connection.execute(
        "INSERT INTO summary_facts (version_id, started_day, facts) VALUES (?, ?, ?)",
        (version_id, facts.started_day, facts.to_json()),
    )
