"""The store's schema as a list of forward migrations; the version lives in `PRAGMA user_version`.

Migration N takes a database at version N-1 to version N inside one transaction, so a crash
half-way leaves the old version intact. A database newer than the last migration this code
knows is refused, never silently downgraded. Finalized versions and the audit log are
protected by triggers as well as by the code: a bug, or a person with the key and a SQL
shell, cannot change them without dropping a trigger, which `verify` notices.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fieldapp.store.database import ProfileDatabase
from fieldapp.store.errors import ProfileTooNew
from fieldapp.store.summary_facts import fill_missing_facts

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    summary: str
    apply: Callable[[sqlite3.Connection], None]


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    statements = [part.strip() for part in sql.split(";\n") if part.strip()]

    def apply(connection: sqlite3.Connection) -> None:
        # executescript would COMMIT first; one statement at a time stays in our transaction.
        for statement in statements:
            connection.execute(statement)

    return apply


#: Triggers that keep finalized data unchangeable; `verify` checks they are all present.
PROTECTIVE_TRIGGERS = (
    "versions_never_change",
    "versions_never_deleted",
    "version_attachments_never_change",
    "version_attachments_never_deleted",
    "audit_log_never_changes",
    "audit_log_never_deleted",
    "answers_only_in_drafts",
    "answers_only_in_drafts_update",
    "repeat_rows_only_in_drafts",
    "draft_attachments_only_in_drafts",
    "draft_replies_only_in_drafts",
)

_V1 = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE areas (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    data TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE venues (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    area_id TEXT,
    data TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE forms (
    form_id TEXT NOT NULL,
    version TEXT NOT NULL,
    yaml TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (form_id, version)
) WITHOUT ROWID;

CREATE TABLE assignments (
    id TEXT PRIMARY KEY,
    form_id TEXT NOT NULL,
    venue_id TEXT,
    area_id TEXT,
    assignee TEXT,
    team TEXT,
    due TEXT,
    data TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    data TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE team_users (
    username TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    team TEXT,
    data TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE inspections (
    id TEXT PRIMARY KEY,
    form_id TEXT NOT NULL,
    form_version TEXT NOT NULL,
    venue_id TEXT,
    area_id TEXT,
    assignment_id TEXT,
    author TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('draft', 'finalized', 'sent', 'returned', 'approved')),
    started_at TEXT NOT NULL,
    draft_started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    changed_seq INTEGER NOT NULL,
    base_version_id TEXT,
    current_version_id TEXT
);

CREATE INDEX inspections_by_status ON inspections (status, changed_seq);

CREATE INDEX inspections_by_change ON inspections (changed_seq);

CREATE TABLE answers (
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    name TEXT NOT NULL,
    row_id TEXT NOT NULL DEFAULT '',
    value TEXT NOT NULL,
    PRIMARY KEY (inspection_id, name, row_id)
) WITHOUT ROWID;

CREATE TABLE repeat_rows (
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    repeat TEXT NOT NULL,
    row_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (inspection_id, row_id)
) WITHOUT ROWID;

CREATE TABLE draft_attachments (
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    question TEXT NOT NULL,
    row_id TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (inspection_id, question, row_id, sha256)
) WITHOUT ROWID;

CREATE TABLE file_intents (
    path TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE versions (
    version_id TEXT PRIMARY KEY,
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    base_version_id TEXT,
    content_hash TEXT NOT NULL,
    finalized_at TEXT NOT NULL,
    outcomes TEXT NOT NULL,
    record BLOB NOT NULL
);

CREATE INDEX versions_by_inspection ON versions (inspection_id);

CREATE TABLE version_attachments (
    version_id TEXT NOT NULL REFERENCES versions (version_id),
    inspection_id TEXT NOT NULL,
    question TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    PRIMARY KEY (version_id, question, sha256)
);

CREATE INDEX version_attachments_by_sha ON version_attachments (sha256);

CREATE TABLE outbox (
    version_id TEXT PRIMARY KEY REFERENCES versions (version_id),
    inspection_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'held', 'sent')),
    queued_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    last_attempt_at TEXT,
    server_receipt TEXT,
    sent_at TEXT
);

CREATE INDEX outbox_by_state ON outbox (state, queued_at);

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    version_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('returned', 'approved')),
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL,
    comment TEXT,
    UNIQUE (version_id, kind)
);

CREATE TABLE review_comments (
    review_id INTEGER NOT NULL REFERENCES reviews (id),
    question TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (review_id, question)
);

CREATE TABLE reopened_questions (
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    question TEXT NOT NULL,
    PRIMARY KEY (inspection_id, question)
) WITHOUT ROWID;

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    inspection_id TEXT,
    version_id TEXT,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL
);

CREATE INDEX audit_by_version ON audit_log (version_id);

CREATE TRIGGER versions_never_change BEFORE UPDATE ON versions
BEGIN SELECT RAISE(ABORT, 'a finalized version never changes'); END;

CREATE TRIGGER versions_never_deleted BEFORE DELETE ON versions
BEGIN SELECT RAISE(ABORT, 'a finalized version is never deleted'); END;

CREATE TRIGGER version_attachments_never_change BEFORE UPDATE ON version_attachments
BEGIN SELECT RAISE(ABORT, 'a finalized version never changes'); END;

CREATE TRIGGER version_attachments_never_deleted BEFORE DELETE ON version_attachments
BEGIN SELECT RAISE(ABORT, 'a finalized version is never deleted'); END;

CREATE TRIGGER audit_log_never_changes BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TRIGGER audit_log_never_deleted BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TRIGGER answers_only_in_drafts BEFORE INSERT ON answers
WHEN (SELECT status FROM inspections WHERE id = NEW.inspection_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'only a draft takes answers'); END;

CREATE TRIGGER answers_only_in_drafts_update BEFORE UPDATE ON answers
WHEN (SELECT status FROM inspections WHERE id = NEW.inspection_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'only a draft takes answers'); END;

CREATE TRIGGER repeat_rows_only_in_drafts BEFORE INSERT ON repeat_rows
WHEN (SELECT status FROM inspections WHERE id = NEW.inspection_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'only a draft takes answers'); END;

CREATE TRIGGER draft_attachments_only_in_drafts BEFORE INSERT ON draft_attachments
WHEN (SELECT status FROM inspections WHERE id = NEW.inspection_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'only a draft takes answers'); END
"""

# v2 remembers where the person was in each draft, so reopening the app (or resuming after
# a crash) lands on the same page and question instead of the top of a 60-question form.
_V2 = """
ALTER TABLE inspections ADD COLUMN position_page TEXT;
ALTER TABLE inspections ADD COLUMN position_question TEXT;
ALTER TABLE inspections ADD COLUMN position_row TEXT;
ALTER TABLE inspections ADD COLUMN position_at TEXT
"""

# v3 keeps the door-test rounds the central store plans (a tester's device gets the round
# of her own visit, the other tester hidden), so the device pairs and checks visits by the
# same round the server does.
_V3 = """
CREATE TABLE door_test_rounds (
    id TEXT PRIMARY KEY,
    venue_id TEXT NOT NULL,
    date TEXT NOT NULL,
    data TEXT NOT NULL
)
"""

# v4 keeps each venue's short history as the central store sends it to boa's (recent
# visits, open actions, repeat offences), so a boa sees it offline before an inspection
# and the coffeeshop form's "previous violation" is filled in from it.
_V4 = """
CREATE TABLE venue_summaries (
    venue_id TEXT PRIMARY KEY,
    data TEXT NOT NULL
)
"""

# v5 keeps the boa's replies to the supervisor's comments while a correction is a draft,
# one per commented question, group or section; finalize moves them into the version.
_V5 = """
CREATE TABLE draft_replies (
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    question TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (inspection_id, question)
) WITHOUT ROWID;

CREATE TRIGGER draft_replies_only_in_drafts BEFORE INSERT ON draft_replies
WHEN (SELECT status FROM inspections WHERE id = NEW.inspection_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'only a draft takes answers'); END
"""

# v6 keeps the findings a draft's answers add up to, for the drafts list. The store does
# not run the form's engine on every autosave: the triggers only forget the findings when a
# draft's answers, rows or photos change (or an inspection becomes a draft again), and the
# list works them out again once, off the UI thread (`Drafts.note_outcomes`).
_V6 = """
ALTER TABLE inspections ADD COLUMN draft_outcomes TEXT;

CREATE TRIGGER draft_outcomes_after_answer AFTER INSERT ON answers
BEGIN UPDATE inspections SET draft_outcomes = NULL
    WHERE id = NEW.inspection_id AND draft_outcomes IS NOT NULL; END;

CREATE TRIGGER draft_outcomes_after_answer_change AFTER UPDATE ON answers
BEGIN UPDATE inspections SET draft_outcomes = NULL
    WHERE id = NEW.inspection_id AND draft_outcomes IS NOT NULL; END;

CREATE TRIGGER draft_outcomes_after_answer_removed AFTER DELETE ON answers
BEGIN UPDATE inspections SET draft_outcomes = NULL
    WHERE id = OLD.inspection_id AND draft_outcomes IS NOT NULL; END;

CREATE TRIGGER draft_outcomes_after_row AFTER INSERT ON repeat_rows
BEGIN UPDATE inspections SET draft_outcomes = NULL
    WHERE id = NEW.inspection_id AND draft_outcomes IS NOT NULL; END;

CREATE TRIGGER draft_outcomes_after_row_change AFTER UPDATE ON repeat_rows
BEGIN UPDATE inspections SET draft_outcomes = NULL
    WHERE id = NEW.inspection_id AND draft_outcomes IS NOT NULL; END;

CREATE TRIGGER draft_outcomes_after_row_removed AFTER DELETE ON repeat_rows
BEGIN UPDATE inspections SET draft_outcomes = NULL
    WHERE id = OLD.inspection_id AND draft_outcomes IS NOT NULL; END;

CREATE TRIGGER draft_outcomes_after_photo AFTER INSERT ON draft_attachments
BEGIN UPDATE inspections SET draft_outcomes = NULL
    WHERE id = NEW.inspection_id AND draft_outcomes IS NOT NULL; END;

CREATE TRIGGER draft_outcomes_after_photo_removed AFTER DELETE ON draft_attachments
BEGIN UPDATE inspections SET draft_outcomes = NULL
    WHERE id = OLD.inspection_id AND draft_outcomes IS NOT NULL; END;

CREATE TRIGGER draft_outcomes_after_status AFTER UPDATE OF status ON inspections
WHEN NEW.status IS NOT OLD.status
BEGIN UPDATE inspections SET draft_outcomes = NULL
    WHERE id = NEW.id AND draft_outcomes IS NOT NULL; END
"""

# v7 keeps each draft photo's details beside it (JSON: when it was taken, where the device
# was, and for an annotated photo the photo as taken), so they are frozen with the version.
_V7 = """
ALTER TABLE draft_attachments ADD COLUMN details TEXT NOT NULL DEFAULT '{}'
"""

# v8 keeps each version's period-summary facts beside it (fieldapp.store.summary_facts), so
# a summary over a year reads a line of JSON per inspection, not its whole record.
_V8 = """
CREATE TABLE summary_facts (
    version_id TEXT PRIMARY KEY REFERENCES versions(version_id),
    started_day TEXT NOT NULL,
    facts TEXT NOT NULL
)
"""


def _summary_facts(connection: sqlite3.Connection) -> None:
    _script(_V8)(connection)
    fill_missing_facts(connection)


# v9 notes the round each door-test visit names beside its version, so a round's visits
# (its report, the round check at finalize) are found by an index instead of decoding every
# door test of the profile. The round of the versions already there is read from them.
_V9 = """
CREATE TABLE version_rounds (
    version_id TEXT PRIMARY KEY REFERENCES versions (version_id),
    round TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX version_rounds_by_round ON version_rounds (round)
"""


def _note_rounds(connection: sqlite3.Connection) -> None:
    from fieldapp.core.doortest import DOOR_TEST_FORM
    from fieldapp.store.finalized import note_round
    from fieldapp.store.versions import decode_record

    _script(_V9)(connection)
    rows = connection.cursor().execute(
        "SELECT v.record FROM versions AS v JOIN inspections AS i ON i.id = v.inspection_id"
        " WHERE i.form_id = ?",
        (DOOR_TEST_FORM,),
    )
    # Row by row: a profile may hold many thousands of door tests. Writing to another table
    # while reading this query is safe in SQLite.
    for (record,) in rows:
        note_round(connection, decode_record(record))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "inspections, attachments, outbox, audit log, reference data", _script(_V1)),
    Migration(2, "remember the page and question each draft was left on", _script(_V2)),
    Migration(3, "door-test rounds planned on the central store", _script(_V3)),
    Migration(4, "the venue's short history for boa's", _script(_V4)),
    Migration(5, "a correction's replies to the supervisor's comments", _script(_V5)),
    Migration(6, "the findings of each draft, for the drafts list", _script(_V6)),
    Migration(7, "a draft photo's time, position and original", _script(_V7)),
    Migration(8, "each version's facts for the period summary", _summary_facts),
    Migration(9, "the round of each door-test visit, for finding a round's visits", _note_rounds),
)

LATEST_VERSION = MIGRATIONS[-1].version

#: The next value of `inspections.changed_seq`. Lists are ordered by this counter, not by
#: the device clock, which can jump.
NEXT_CHANGE = "(SELECT coalesce(max(changed_seq), 0) + 1 FROM inspections)"


def schema_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def check_not_newer(connection: sqlite3.Connection) -> int:
    """The database's version; `ProfileTooNew` when this code does not know it."""
    found = schema_version(connection)
    if found > LATEST_VERSION:
        raise ProfileTooNew(found, LATEST_VERSION)
    return found


def pending_migrations(current: int, target: int = LATEST_VERSION) -> list[Migration]:
    return [m for m in MIGRATIONS if current < m.version <= target]


def apply_migration(connection: sqlite3.Connection, migration: Migration) -> None:
    """Run one migration and set `user_version`, in one transaction (the caller's)."""
    migration.apply(connection)
    # PRAGMA takes no parameters; the version is our own integer.
    connection.execute(f"PRAGMA user_version = {int(migration.version)}")


def migrate(database: ProfileDatabase, directory: Path, target: int = LATEST_VERSION) -> None:
    """Bring the schema to `target`, one transaction per migration, after a backup copy in
    `directory` (the profile's folder). `target` below the latest is for tests only."""
    with database.lock:
        current = check_not_newer(database.connection)
        steps = pending_migrations(current, target)
        if not steps:
            return
        if current > 0:
            # Keep the last pre-migration state, encrypted like the original, in case a
            # migration turns out wrong in the field.
            keep = directory / f"before-schema-{steps[-1].version}.db"
            keep.unlink(missing_ok=True)
            database.connection.execute("VACUUM INTO ?", (str(keep),))
        for migration in steps:
            with database.transaction(durable=True) as connection:
                apply_migration(connection, migration)
            log.info("profile schema now at version %d: %s", migration.version, migration.summary)
