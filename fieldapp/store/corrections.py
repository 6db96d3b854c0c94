"""Corrections: a returned inspection turned back into a draft that corrects the returned version.

The draft starts with the returned version's answers and photos. Only the questions the
supervisor commented on are reopened, with the photo questions beside them; a comment on a
section, group or repeat reopens everything in it (`reopened_by`); all of them when the
return names no question. The drafts module enforces that on every change. Finalizing it
makes a new version whose base is the returned one, which stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fieldapp.core.answers import session_from_document
from fieldapp.core.engine import Field, FormEngine, FormSession
from fieldapp.core.forms import ATTACHMENT_TYPES, QuestionType
from fieldapp.core.inspection import InspectionStatus
from fieldapp.store import audit
from fieldapp.store.database import ProfileDatabase
from fieldapp.store.drafts import add_draft_attachment, write_answer, write_rows
from fieldapp.store.errors import NotEditable
from fieldapp.store.finalized import FinalizedVersions
from fieldapp.store.inspections import read_inspection
from fieldapp.store.reference import FormCatalog
from fieldapp.store.reviews import Reviews
from fieldapp.store.schema import NEXT_CHANGE
from fieldapp.store.times import Clock, iso, wall_clock


class Corrections:
    """Starting corrections in one profile; `actor` is the profile's user."""

    def __init__(
        self,
        database: ProfileDatabase,
        forms: FormCatalog,
        versions: FinalizedVersions,
        reviews: Reviews,
        actor: str,
        clock: Clock,
    ) -> None:
        self._database = database
        self._forms = forms
        self._versions = versions
        self._reviews = reviews
        self._actor = actor
        self._clock = clock

    def start(self, inspection_id: str) -> FormSession:
        """Make the returned inspection a correction draft; returns a new session of it."""
        with self._database.reading() as connection:
            inspection = read_inspection(connection, inspection_id)
        if inspection.status is not InspectionStatus.RETURNED:
            raise NotEditable(inspection.status.value)
        assert inspection.current_version_id is not None
        base = self._versions.version(inspection.current_version_id)
        engine = self._forms.engine(base.form_id, base.form_version)
        review = self._reviews.latest(inspection_id, base.version_id, "returned")
        commented = set(review.comments) if review is not None else set()
        reopened = reopened_by(engine, commented)
        if not reopened:
            reopened = {name for name, f in engine.fields.items() if f.parent is None}
        session = session_from_document(engine, base.document, wall_clock(self._clock))
        attachments = {(a.question, a.sha256): a for a in base.attachments}
        now = iso(self._clock())
        with self._database.transaction(durable=True) as connection:
            # Another process may have started it a moment ago: look again while writing.
            current = read_inspection(connection, inspection_id)
            if current != inspection:
                raise NotEditable(current.status.value)
            connection.execute(
                "UPDATE inspections SET status = 'draft', base_version_id = ?,"
                f" draft_started_at = ?, updated_at = ?, changed_seq = {NEXT_CHANGE}"
                " WHERE id = ?",
                (base.version_id, now, now, inspection_id),
            )
            for (name, row), value in session.answers.items():
                write_answer(connection, inspection_id, name, row, value)
            for repeat, rows in session.rows.items():
                write_rows(connection, inspection_id, repeat, rows)
            for (name, row), value in session.answers.items():
                if engine.fields[name].kind not in ATTACHMENT_TYPES:
                    continue
                for sha in value if isinstance(value, tuple) else (value,):
                    known = attachments.get((name, str(sha)))
                    if known is not None:
                        add_draft_attachment(connection, inspection_id, row, known, now)
                        # An annotated photo's original is kept in the correction too.
                        original = attachments.get((name, known.original or ""))
                        if original is not None:
                            add_draft_attachment(connection, inspection_id, row, original, now)
            connection.executemany(
                "INSERT OR IGNORE INTO reopened_questions (inspection_id, question) VALUES (?, ?)",
                [(inspection_id, name) for name in sorted(reopened)],
            )
            audit.append(
                connection,
                at=now,
                actor=self._actor,
                action="correction_started",
                inspection_id=inspection_id,
                version_id=base.version_id,
                payload={"reopened": sorted(reopened)},
            )
        return session


def reopened_by(engine: FormEngine, commented: Iterable[str]) -> set[str]:
    """The questions a return reopens: each commented question with the photo questions
    beside it (in the same group), and every question inside a commented group, section or
    repeat. So a supervisor who asks for a photo of the scale's certificate on the weighing
    question, or on the whole section, does not leave the boa in front of a locked photo
    question."""
    fields = engine.fields
    reopened: set[str] = set()
    for name in commented:
        field_ = fields.get(name)
        if field_ is None:
            continue
        reopened.add(name)
        if field_.kind in (QuestionType.GROUP, QuestionType.REPEAT):
            reopened.update(other for other in fields if _inside(fields, other, name))
        else:
            reopened.update(
                other
                for other, candidate in fields.items()
                if candidate.parent == field_.parent
                and candidate.parent is not None
                and candidate.kind is QuestionType.IMAGE
            )
    return reopened


def _inside(fields: Mapping[str, Field], name: str, ancestor: str) -> bool:
    parent = fields[name].parent
    while parent is not None:
        if parent == ancestor:
            return True
        parent = fields[parent].parent
    return False
