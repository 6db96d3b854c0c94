"""Checking a profile end to end: database integrity, audit chain, versions, outbox, files.

`check_profile` (the engine of `Profile.verify` and `fieldapp.store.verify`) returns one
plain sentence per problem and names what is wrong — the audit entry
by number, the attachment by its file — so a person or an auditor can look at exactly that.
An empty list means: the database and its encryption are intact, every finalized version
still hashes to what was recorded at finalize, the audit chain is unbroken, every version
is in the outbox exactly once and agrees with its inspection's status, and every file a
row refers to is present and decrypts to the bytes its name promises.
"""

from __future__ import annotations

import json
import zlib

from pydantic import ValidationError

from fieldapp.core.forms import ATTACHMENT_TYPES
from fieldapp.core.inspection import InspectionStatus, InspectionVersion
from fieldapp.store.attachments import AttachmentStore
from fieldapp.store.audit import AuditLog
from fieldapp.store.database import ProfileDatabase
from fieldapp.store.records import OutboxState
from fieldapp.store.reference import FormCatalog
from fieldapp.store.schema import PROTECTIVE_TRIGGERS
from fieldapp.store.versions import decode_record


def check_profile(
    database: ProfileDatabase,
    attachments: AttachmentStore,
    audit_log: AuditLog,
    forms: FormCatalog,
    *,
    deep: bool = True,
) -> list[str]:
    """Every problem found, as sentences; `deep=False` only checks files exist with the
    right size instead of decrypting and hashing each one."""
    with database.lock:
        problems: list[str] = []
        problems += _database(database)
        problems += _triggers(database)
        chain_problems, finalize_hashes = audit_log.verify()
        problems += chain_problems
        versions, version_problems = _versions(database)
        problems += version_problems
        problems += _finalize_entries(versions, finalize_hashes)
        problems += _outbox(database, versions)
        problems += _attachments(database, attachments, deep)
        problems += _draft_files(database, forms)
        return problems


def _database(database: ProfileDatabase) -> list[str]:
    found = [str(row[0]) for row in database.rows("PRAGMA integrity_check")]
    problems = [] if found == ["ok"] else [f"database integrity: {line}" for line in found]
    problems += [
        f"database encryption integrity: {' '.join(str(part) for part in row)}"
        for row in database.rows("PRAGMA cipher_integrity_check")
    ]
    return problems


def _triggers(database: ProfileDatabase) -> list[str]:
    present = {
        str(row[0])
        for row in database.rows("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    return [
        f"protective trigger {name} is missing: finalized data could have been changed"
        for name in PROTECTIVE_TRIGGERS
        if name not in present
    ]


def _versions(database: ProfileDatabase) -> tuple[dict[str, InspectionVersion], list[str]]:
    problems: list[str] = []
    versions: dict[str, InspectionVersion] = {}
    last = ""
    while True:
        rows = database.rows(
            "SELECT version_id, inspection_id, content_hash, record FROM versions"
            " WHERE version_id > ? ORDER BY version_id LIMIT 2000",
            (last,),
        )
        if not rows:
            break
        for version_id, inspection_id, stored_hash, record in rows:
            label = f"version {version_id} of inspection {inspection_id}"
            try:
                version = decode_record(record)
            except (zlib.error, ValidationError, ValueError) as error:
                problems.append(f"{label} cannot be read: {error}")
                continue
            if version.version_id != version_id or version.inspection_id != inspection_id:
                problems.append(f"{label} holds the record of another version")
            if version.content_hash != stored_hash or not version.hash_matches():
                problems.append(f"{label} was changed: its content no longer matches its hash")
            versions[str(version_id)] = version
        last = str(rows[-1][0])
    return versions, problems


def _finalize_entries(
    versions: dict[str, InspectionVersion], recorded: dict[str, str]
) -> list[str]:
    problems = []
    for version_id, version in versions.items():
        entry_hash = recorded.get(version_id)
        if entry_hash is None:
            problems.append(
                f"version {version_id} of inspection {version.inspection_id} has no "
                "finalize entry in the audit log"
            )
        elif entry_hash != version.content_hash:
            problems.append(
                f"version {version_id} of inspection {version.inspection_id} differs from the "
                "content hash its audit entry recorded"
            )
    for version_id in recorded.keys() - versions.keys():
        problems.append(f"the audit log records version {version_id}, which is not here")
    return problems


def _outbox(database: ProfileDatabase, versions: dict[str, InspectionVersion]) -> list[str]:
    problems = []
    outbox = {
        str(version_id): (str(inspection_id), OutboxState(state))
        for version_id, inspection_id, state in database.rows(
            "SELECT version_id, inspection_id, state FROM outbox"
        )
    }
    for version_id, version in versions.items():
        if version_id not in outbox:
            problems.append(
                f"version {version_id} of inspection {version.inspection_id} is finalized "
                "but not in the outbox"
            )
    for version_id, (inspection_id, _state) in outbox.items():
        if version_id not in versions:
            problems.append(
                f"the outbox holds version {version_id} of inspection {inspection_id}, "
                "which was never finalized"
            )
        elif versions[version_id].inspection_id != inspection_id:
            problems.append(f"the outbox entry of version {version_id} names another inspection")
    for inspection_id, status, current in database.rows(
        "SELECT id, status, current_version_id FROM inspections"
    ):
        status = InspectionStatus(status)
        label = f"inspection {inspection_id} ({status.value})"
        if current is None:
            if status is not InspectionStatus.DRAFT:
                problems.append(f"{label} has no finalized version")
            continue
        current_version = versions.get(str(current))
        if current_version is None or current_version.inspection_id != inspection_id:
            problems.append(f"{label} names version {current}, which is not one of its own")
            continue
        state = outbox.get(str(current), (None, None))[1]
        if status is InspectionStatus.FINALIZED and state not in (
            OutboxState.PENDING,
            OutboxState.HELD,
        ):
            problems.append(f"{label}: its version {current} is not waiting in the outbox")
        reviewed = (InspectionStatus.SENT, InspectionStatus.RETURNED, InspectionStatus.APPROVED)
        if status in reviewed and state is not OutboxState.SENT:
            problems.append(f"{label}: its version {current} is not marked sent in the outbox")
    return problems


def _attachments(database: ProfileDatabase, store: AttachmentStore, deep: bool) -> list[str]:
    problems = []
    rows = database.rows(
        "SELECT inspection_id, sha256, size, group_concat(DISTINCT question) FROM ("
        " SELECT inspection_id, sha256, size, question FROM version_attachments"
        " UNION ALL SELECT inspection_id, sha256, size, question FROM draft_attachments)"
        " GROUP BY inspection_id, sha256, size"
    )
    for inspection_id, sha, size, questions in rows:
        path = store.path_for(str(inspection_id), str(sha))
        if deep:
            problem = store.problem(str(inspection_id), str(sha), int(size))
        else:
            problem = None if store.exists(str(inspection_id), str(sha), int(size)) else "missing"
        if problem is not None:
            problems.append(
                f"attachment file {store.relative(path)} ({questions} of inspection "
                f"{inspection_id}): {problem}"
            )
    return problems


def _draft_files(database: ProfileDatabase, forms: FormCatalog) -> list[str]:
    """A draft's photo answers must each have their attachment row (and so their file)."""
    problems = []
    drafts = database.rows(
        "SELECT id, form_id, form_version FROM inspections WHERE status = 'draft'"
    )
    for inspection_id, form_id, version in drafts:
        engine = forms.engine(str(form_id), str(version))
        known = {
            (str(q), str(r), str(s))
            for q, r, s in database.rows(
                "SELECT question, row_id, sha256 FROM draft_attachments WHERE inspection_id = ?",
                (inspection_id,),
            )
        }
        for name, row, raw in database.rows(
            "SELECT name, row_id, value FROM answers WHERE inspection_id = ?", (inspection_id,)
        ):
            field = engine.fields.get(str(name))
            if field is None or field.kind not in ATTACHMENT_TYPES:
                continue
            value = json.loads(raw)
            for sha in value if isinstance(value, list) else [value]:
                if (str(name), str(row), str(sha)) not in known:
                    problems.append(
                        f"draft {inspection_id}: answer {name} refers to file {sha} that has "
                        "no attachment record"
                    )
    return problems
