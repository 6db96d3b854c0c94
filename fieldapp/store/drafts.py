"""Drafts: answers, repeat rows, photos and where the person was, each change committed at once.

The store saves an answer as the plain value it is given. Before each write it checks only
that the change may be saved: the inspection is still a draft, its form has the question
(and the repeat row), the value is of the question's kind, and a correction reopened the
question. It keeps no live session of its own: the screen owns the one live `FormSession`
of an open draft and works out relevance, calculations and outcomes there. The store runs
the form's engine only where it decides something itself — at finalize (what blocks, what
is frozen, which hidden answers are left out) and in a correction (a locked question that
a reopened answer made required stays answerable).

Finalize validates, freezes the version, chains it into the audit log and queues it in the
outbox in a single synchronous=FULL transaction.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from fieldapp.core.answers import (
    MAX_REPLY_CHARS,
    Reply,
    answers_document,
    decode_value,
    encode_value,
    with_replies,
)
from fieldapp.core.engine import Field, FormEngine, FormSession, coerce_answer
from fieldapp.core.errors import AnswerError, FieldappError
from fieldapp.core.expr import Value
from fieldapp.core.expr.values import is_empty
from fieldapp.core.forms import ATTACHMENT_TYPES, QuestionType
from fieldapp.core.inspection import (
    PHOTO_DETAILS,
    Attachment,
    InspectionStatus,
    InspectionVersion,
    PhotoPosition,
    new_id,
)
from fieldapp.store import audit
from fieldapp.store.attachments import AttachmentStore, sha256_hex, sniff_media_type
from fieldapp.store.database import ProfileDatabase
from fieldapp.store.errors import (
    AttachmentMissing,
    AttachmentTooLarge,
    BlockingProblem,
    FinalizeBlocked,
    NotEditable,
    QuestionLocked,
    UnknownInspection,
)
from fieldapp.store.finalized import insert_version
from fieldapp.store.inspections import InspectionRow, insert_inspection, read_draft
from fieldapp.store.records import SavedPosition
from fieldapp.store.reference import FormCatalog
from fieldapp.store.round_check import round_problem
from fieldapp.store.schema import NEXT_CHANGE
from fieldapp.store.times import Clock, iso, parse_time, wall_clock

#: While one draft is being edited, its "changed" time is rewritten at most this often.
TOUCH_SECONDS = 30.0
#: The tables that hold a draft's state; finalize and discard empty them.
DRAFT_TABLES = (
    "answers",
    "repeat_rows",
    "draft_attachments",
    "reopened_questions",
    "draft_replies",
)

log = logging.getLogger(__name__)


class Drafts:
    """The drafts of one profile; `actor` is the profile's user, `clock` the device's."""

    def __init__(
        self,
        database: ProfileDatabase,
        forms: FormCatalog,
        attachments: AttachmentStore,
        actor: str,
        clock: Clock,
    ) -> None:
        self._database = database
        self._forms = forms
        self._attachments = attachments
        self._actor = actor
        self._clock = clock
        self._wall_clock = wall_clock(clock)
        #: The draft last marked changed, and when (monotonic seconds).
        self._last_touch: tuple[str, float] = ("", 0.0)

    # -- starting ----------------------------------------------------------------------

    def start(
        self,
        engine: FormEngine,
        *,
        venue_id: str | None,
        area_id: str | None,
        assignment_id: str | None,
    ) -> str:
        """Make a new draft of `engine`'s form (its id is made here) and return its id.

        The form's defaults ("now") and its venue question are saved at once, like any
        other answer.
        """
        session = engine.session(clock=self._wall_clock)
        if venue_id is not None:
            for name, field_ in engine.fields.items():
                if field_.kind is QuestionType.VENUE and field_.repeat is None:
                    session.set_answer(name, venue_id)
                    break
        inspection_id = new_id()
        now = self._now()
        with self._database.transaction() as connection:
            insert_inspection(
                connection,
                InspectionRow(
                    inspection_id,
                    engine.form_id,
                    engine.version,
                    venue_id,
                    area_id,
                    assignment_id,
                    self._actor,
                    InspectionStatus.DRAFT,
                    now,
                    now,
                    now,
                    None,
                    None,
                ),
            )
            for (name, row), value in session.answers.items():
                write_answer(connection, inspection_id, name, row, value)
            audit.append(
                connection,
                at=now,
                actor=self._actor,
                action="inspection_started",
                inspection_id=inspection_id,
                payload={"form_id": engine.form_id, "form_version": engine.version},
            )
        return inspection_id

    # -- answers and rows --------------------------------------------------------------

    def set_answer(self, inspection_id: str, name: str, value: Value, row: str | None) -> None:
        with self._database.transaction() as connection:
            draft, engine = self._editing(connection, inspection_id)
            field_ = _answer_field(engine, name, row)
            if field_.kind in ATTACHMENT_TYPES:
                raise ValueError(f"'{name}' takes files: use attach_file / remove_attachment")
            if row is not None:
                _check_row(connection, inspection_id, field_, row)
            self._check_editable(connection, draft, engine, name)
            write_answer(connection, inspection_id, name, row, _coerce(field_, value))
            self._touch(connection, inspection_id)

    def add_row(
        self,
        inspection_id: str,
        repeat: str,
        row: str | None,
        answers: Mapping[str, Value],
    ) -> str:
        with self._database.transaction() as connection:
            draft, engine = self._editing(connection, inspection_id)
            field_ = _repeat_field(engine, repeat)
            self._check_editable(connection, draft, engine, repeat)
            rows = _rows_of(connection, inspection_id, repeat)
            maximum = field_.question.max_rows
            if maximum is not None and len(rows) >= maximum:
                raise AnswerError(f"'{repeat}' has at most {maximum} rows")
            row = row or new_id()
            if connection.execute(
                "SELECT 1 FROM repeat_rows WHERE inspection_id = ? AND row_id = ?",
                (inspection_id, row),
            ).fetchone():
                raise AnswerError(f"row {row} already exists")
            connection.execute(
                "INSERT INTO repeat_rows (inspection_id, repeat, row_id, position)"
                " VALUES (?, ?, ?, ?)",
                (inspection_id, repeat, row, len(rows)),
            )
            for name, value in answers.items():
                inner = _answer_field(engine, name, row)
                if inner.repeat != repeat or inner.kind in ATTACHMENT_TYPES:
                    raise AnswerError(f"'{name}' is not an answer of a new '{repeat}' row")
                write_answer(connection, inspection_id, name, row, _coerce(inner, value))
            self._touch(connection, inspection_id)
        return row

    def remove_row(self, inspection_id: str, repeat: str, row: str) -> None:
        with self._database.transaction() as connection:
            draft, engine = self._editing(connection, inspection_id)
            _repeat_field(engine, repeat)
            self._check_editable(connection, draft, engine, repeat)
            rows = _rows_of(connection, inspection_id, repeat)
            if row not in rows:
                raise AnswerError(f"'{repeat}' has no row {row}")
            for table in ("repeat_rows", "answers"):
                connection.execute(
                    f"DELETE FROM {table} WHERE inspection_id = ? AND row_id = ?",
                    (inspection_id, row),
                )
            shas = [
                str(found[0])
                for found in connection.execute(
                    "SELECT sha256 FROM draft_attachments WHERE inspection_id = ? AND row_id = ?",
                    (inspection_id, row),
                ).fetchall()
            ]
            connection.execute(
                "DELETE FROM draft_attachments WHERE inspection_id = ? AND row_id = ?",
                (inspection_id, row),
            )
            write_rows(connection, inspection_id, repeat, [r for r in rows if r != row])
            released = self._attachments.release(connection, inspection_id, shas, self._now())
            self._touch(connection, inspection_id)
        self._attachments.delete_released(released)

    def move_row(self, inspection_id: str, repeat: str, row: str, index: int) -> None:
        with self._database.transaction() as connection:
            draft, engine = self._editing(connection, inspection_id)
            _repeat_field(engine, repeat)
            self._check_editable(connection, draft, engine, repeat)
            rows = _rows_of(connection, inspection_id, repeat)
            if row not in rows:
                raise ValueError(f"'{repeat}' has no row {row}")
            rows.remove(row)
            rows.insert(max(0, min(index, len(rows))), row)
            write_rows(connection, inspection_id, repeat, rows)
            self._touch(connection, inspection_id)

    # -- photos and signatures ---------------------------------------------------------

    def _store_file(
        self,
        inspection_id: str,
        question: str,
        row: str | None,
        data: bytes,
        *,
        photo_only: bool = False,
    ) -> tuple[Field, FormEngine, str]:
        """Check that `question` (in `row`) takes a file now (a photo, with `photo_only`),
        and keep `data` in the draft's folder; returns the question's field, the form and
        the file's announced name."""
        limit = self._database.settings.max_attachment_bytes
        sha = sha256_hex(data)
        # Announce the file first: if we die before the row commits, the next open knows
        # which file to remove instead of sweeping the whole folder.
        with self._database.transaction() as connection:
            draft, engine = self._editing(connection, inspection_id)
            field_ = _file_field(engine, question, row)
            if photo_only and field_.kind is not QuestionType.IMAGE:
                raise ValueError(f"'{question}' is not a photo question")
            if row is not None:
                _check_row(connection, inspection_id, field_, row)
            self._check_editable(connection, draft, engine, question)
            if len(data) > limit:
                raise AttachmentTooLarge(len(data), limit)
            relative = self._attachments.announce(connection, inspection_id, sha, self._now())
        self._attachments.write(inspection_id, sha, data)
        return field_, engine, relative

    def attach_file(
        self,
        inspection_id: str,
        question: str,
        source: Path | bytes,
        row: str | None,
        media_type: str | None,
        taken_at: datetime | None = None,
        position: PhotoPosition | None = None,
    ) -> Attachment:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        sha = sha256_hex(data)
        media = media_type or sniff_media_type(data)
        field_, engine, relative = self._store_file(inspection_id, question, row, data)
        with self._database.transaction() as connection:
            read_draft(connection, inspection_id)
            current = saved_answer(connection, engine, inspection_id, question, row)
            replaced: list[str] = []
            new_value: Value
            if field_.kind is QuestionType.SIGNATURE:
                new_value = sha
                if isinstance(current, str) and current and current != sha:
                    replaced.append(current)
            else:
                names = tuple(current) if isinstance(current, tuple) else ()
                new_value = names if sha in names else (*names, sha)
            photo = field_.kind is QuestionType.IMAGE
            attachment = Attachment(
                question=question,
                sha256=sha,
                size=len(data),
                media_type=media,
                # A signature is signed now, on this screen: it has no moment of its own.
                taken_at=taken_at if photo else None,
                position=position if photo else None,
            )
            add_draft_attachment(connection, inspection_id, row, attachment, self._now())
            for old in replaced:
                connection.execute(
                    "DELETE FROM draft_attachments WHERE inspection_id = ? AND question = ?"
                    " AND row_id = ? AND sha256 = ?",
                    (inspection_id, question, row or "", old),
                )
            write_answer(connection, inspection_id, question, row, new_value)
            self._attachments.settled(connection, relative)
            released = self._attachments.release(connection, inspection_id, replaced, self._now())
            self._touch(connection, inspection_id)
        self._attachments.delete_released(released)
        return attachment

    def remove_attachment(
        self, inspection_id: str, question: str, sha256: str, row: str | None
    ) -> None:
        with self._database.transaction() as connection:
            draft, engine = self._editing(connection, inspection_id)
            _file_field(engine, question, row)
            self._check_editable(connection, draft, engine, question)
            current = saved_answer(connection, engine, inspection_id, question, row)
            new_value: Value
            if isinstance(current, tuple):
                new_value = tuple(name for name in current if name != sha256)
            else:
                new_value = "" if current == sha256 else current
            removed = draft_attachment(connection, inspection_id, question, row, sha256)
            # A deleted annotated photo takes the photo as taken with it, unless the answer
            # still shows that photo (attached again) or another marked copy keeps it.
            gone = [sha256]
            original = removed.original if removed is not None else None
            shown = set(new_value) if isinstance(new_value, tuple) else {new_value}
            if original is not None and original not in shown:
                kept_by_others = {
                    other.original
                    for other in question_attachments(connection, inspection_id, question, row)
                    if other.sha256 != sha256
                }
                if original not in kept_by_others:
                    gone.append(original)
            connection.executemany(
                "DELETE FROM draft_attachments WHERE inspection_id = ? AND question = ?"
                " AND row_id = ? AND sha256 = ?",
                [(inspection_id, question, row or "", sha) for sha in gone],
            )
            write_answer(connection, inspection_id, question, row, new_value)
            released = self._attachments.release(connection, inspection_id, gone, self._now())
            self._touch(connection, inspection_id)
        self._attachments.delete_released(released)

    def annotate_photo(
        self,
        inspection_id: str,
        question: str,
        shown: str,
        data: bytes,
        row: str | None,
        media_type: str,
    ) -> Attachment:
        """`data` is photo `shown` with marks drawn on it: it takes `shown`'s place in the
        answer, with its time and position, and names the photo as taken as its original,
        which stays attached. Annotating an annotated photo again keeps the one original
        and lets the earlier annotation go."""
        sha = sha256_hex(data)
        _field, engine, relative = self._store_file(
            inspection_id, question, row, data, photo_only=True
        )
        with self._database.transaction() as connection:
            read_draft(connection, inspection_id)
            current = saved_answer(connection, engine, inspection_id, question, row)
            names = tuple(current) if isinstance(current, tuple) else ()
            before = draft_attachment(connection, inspection_id, question, row, shown)
            if shown not in names or before is None:
                raise AnswerError(f"'{question}' has no photo {shown}")
            original = before.original or before.sha256
            if sha == original:
                raise AnswerError("an annotated photo must differ from the photo as taken")
            attachment = Attachment(
                question=question,
                sha256=sha,
                size=len(data),
                media_type=media_type,
                original=original,
                taken_at=before.taken_at,
                position=before.position,
            )
            connection.execute(
                "DELETE FROM draft_attachments WHERE inspection_id = ? AND question = ?"
                " AND row_id = ? AND sha256 = ?",
                (inspection_id, question, row or "", sha),
            )
            add_draft_attachment(connection, inspection_id, row, attachment, self._now())
            replaced = [] if shown == original else [shown]
            connection.executemany(
                "DELETE FROM draft_attachments WHERE inspection_id = ? AND question = ?"
                " AND row_id = ? AND sha256 = ?",
                [(inspection_id, question, row or "", old) for old in replaced],
            )
            new_value = tuple(dict.fromkeys(sha if name == shown else name for name in names))
            write_answer(connection, inspection_id, question, row, new_value)
            self._attachments.settled(connection, relative)
            released = self._attachments.release(connection, inspection_id, replaced, self._now())
            self._touch(connection, inspection_id)
        self._attachments.delete_released(released)
        return attachment

    def photo_details(
        self, inspection_id: str, question: str, sha256: str, row: str | None
    ) -> Attachment | None:
        """A draft photo as its answer refers to it: size, type, time, position, original."""
        with self._database.reading() as connection:
            return draft_attachment(connection, inspection_id, question, row, sha256)

    # -- replies to the supervisor --------------------------------------------------------

    def set_reply(self, inspection_id: str, question: str, text: str) -> None:
        """Save the boa's reply to the supervisor's comment on `question` (a question, group
        or section the return commented on); an empty one is removed. Only a correction
        takes replies."""
        text = text.strip()
        if len(text) > MAX_REPLY_CHARS:
            raise AnswerError(f"a reply has at most {MAX_REPLY_CHARS} characters")
        with self._database.transaction() as connection:
            draft = read_draft(connection, inspection_id)
            if draft.base_version_id is None:
                raise NotEditable(draft.status.value)
            if question not in commented_names(connection, inspection_id, draft.base_version_id):
                raise AnswerError(f"the supervisor made no comment on '{question}'")
            if text:
                connection.execute(
                    "INSERT OR REPLACE INTO draft_replies (inspection_id, question, text)"
                    " VALUES (?, ?, ?)",
                    (inspection_id, question, text),
                )
            else:
                connection.execute(
                    "DELETE FROM draft_replies WHERE inspection_id = ? AND question = ?",
                    (inspection_id, question),
                )
            self._touch(connection, inspection_id)

    def replies(self, inspection_id: str) -> dict[str, str]:
        """The replies saved in a draft, per question."""
        with self._database.reading() as connection:
            return saved_replies(connection, inspection_id)

    # -- where the person was ----------------------------------------------------------

    def set_position(
        self, inspection_id: str, page: str, question: str | None, row: str | None
    ) -> None:
        with self._database.transaction() as connection:
            updated = connection.execute(
                "UPDATE inspections SET position_page = ?, position_question = ?,"
                " position_row = ?, position_at = ? WHERE id = ?",
                (page, question, row, self._now(), inspection_id),
            ).rowcount
            if not updated:
                raise UnknownInspection(inspection_id)

    def position(self, inspection_id: str) -> SavedPosition | None:
        found = self._database.row(
            "SELECT position_page, position_question, position_row, position_at"
            " FROM inspections WHERE id = ?",
            (inspection_id,),
        )
        if found is None:
            raise UnknownInspection(inspection_id)
        page, question, row, at = found
        if page is None:
            return None
        return SavedPosition(str(page), question, row, parse_time(at))

    # -- reading back ------------------------------------------------------------------

    def session(self, connection: sqlite3.Connection, draft: InspectionRow) -> FormSession:
        """A new session evaluated from what is saved (the caller holds a transaction)."""
        engine = self._forms.engine(draft.form_id, draft.form_version)
        return saved_session(connection, engine, draft.id, self._wall_clock)

    def note_outcomes(self, inspection_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """Work out the findings of these drafts as saved and keep them for the lists.

        Only drafts whose findings are not known yet are evaluated (a change to a draft's
        answers, rows or photos forgets them: the v6 triggers), each in its own short
        transaction, so the result always belongs to the answers it was read from.
        """
        found: dict[str, tuple[str, ...]] = {}
        for inspection_id in inspection_ids:
            with self._database.transaction() as connection:
                known = connection.execute(
                    "SELECT draft_outcomes FROM inspections WHERE id = ? AND status = 'draft'",
                    (inspection_id,),
                ).fetchone()
                if known is None:
                    continue  # finalized or discarded meanwhile: no draft findings
                if known[0] is not None:
                    found[inspection_id] = tuple(json.loads(known[0]))
                    continue
                try:
                    session = self.session(connection, read_draft(connection, inspection_id))
                except FieldappError:
                    # Its form cannot be built here (e.g. withdrawn): the list shows no
                    # findings for this one instead of failing for every draft.
                    log.warning("findings of draft %s not worked out", inspection_id, exc_info=True)
                    continue
                names = tuple(outcome.name for outcome in session.outcomes())
                connection.execute(
                    "UPDATE inspections SET draft_outcomes = ? WHERE id = ?",
                    (json.dumps(list(names)), inspection_id),
                )
                found[inspection_id] = names
        return found

    # -- editability -------------------------------------------------------------------

    def reopened_questions(
        self, connection: sqlite3.Connection, draft: InspectionRow
    ) -> frozenset[str]:
        engine = self._forms.engine(draft.form_id, draft.form_version)
        return expand(engine, _reopened(connection, draft.id))

    def is_editable(self, connection: sqlite3.Connection, draft: InspectionRow, name: str) -> bool:
        if draft.status is not InspectionStatus.DRAFT:
            return False
        engine = self._forms.engine(draft.form_id, draft.form_version)
        try:
            self._check_editable(connection, draft, engine, name, keep_open=False)
        except QuestionLocked:
            return False
        return True

    def _check_editable(
        self,
        connection: sqlite3.Connection,
        draft: InspectionRow,
        engine: FormEngine,
        name: str,
        *,
        keep_open: bool = True,
    ) -> None:
        """`QuestionLocked` unless `name` may change; `keep_open` (inside a writing
        transaction) records a question opened by an issue as reopened."""
        if draft.base_version_id is None:
            return
        if name in expand(engine, _reopened(connection, draft.id)):
            return
        # A reopened answer can make another question relevant and required (or break its
        # constraint); that one must be answerable, or the correction could never finish.
        session = saved_session(connection, engine, draft.id, self._wall_clock)
        if any(key[0] == name for key in session.issues):
            if not keep_open:
                return
            # And it stays open: its first keystroke ends the issue, not the correction.
            connection.execute(
                "INSERT OR IGNORE INTO reopened_questions (inspection_id, question) VALUES (?, ?)",
                (draft.id, name),
            )
            return
        raise QuestionLocked(name)

    # -- finalizing and discarding -----------------------------------------------------

    def finalize(self, inspection_id: str) -> InspectionVersion:
        with self._database.transaction(durable=True) as connection:
            # Read, evaluate and freeze inside the writing transaction: the version is
            # exactly what is on disk, whatever another process did a moment before.
            draft = read_draft(connection, inspection_id)
            session = self.session(connection, draft)
            engine = session.engine
            blocking = [
                BlockingProblem(name, row, dict(issue.message))
                for (name, row), issue in session.problems()
            ]
            if not blocking:
                # Only a complete visit is held against its round: the answers it is
                # checked on are then the ones that will be frozen.
                planned = round_problem(connection, session, inspection_id, draft.author)
                blocking = [] if planned is None else [planned]
            if blocking:
                labels = {
                    name: dict(field_.question.label or {})
                    for name, field_ in engine.fields.items()
                }
                raise FinalizeBlocked(blocking, labels)
            # Hidden answers are not frozen: possibly personal data the form no longer asks.
            document = answers_document(session, relevant_only=True)
            base = draft.base_version_id
            if base is not None:
                # The replies travel inside the document, so the content hash covers them;
                # only replies to what the return commented on (a later return may differ).
                commented = commented_names(connection, inspection_id, base)
                replies = saved_replies(connection, inspection_id)
                document = with_replies(
                    document,
                    (Reply(name, text) for name, text in replies.items() if name in commented),
                )
            attachments = self._attachments_of(connection, inspection_id, session)
            finalized_at = self._clock()
            version = InspectionVersion(
                inspection_id=inspection_id,
                version_id=new_id(),
                base_version_id=base,
                form_id=engine.form_id,
                form_version=engine.version,
                author=draft.author,
                venue_id=draft.venue_id,
                area_id=draft.area_id,
                assignment_id=draft.assignment_id,
                started_at=parse_time(draft.draft_started_at),
                finalized_at=finalized_at,
                document=document,
                attachments=attachments,
                outcomes=tuple(outcome.name for outcome in session.outcomes()),
                content_hash=InspectionVersion.hash_of(
                    engine.form_id, engine.version, base, document, attachments
                ),
            )
            insert_version(connection, version, engine, actor=self._actor, at=iso(finalized_at))
            for table in DRAFT_TABLES:
                connection.execute(f"DELETE FROM {table} WHERE inspection_id = ?", (inspection_id,))
            connection.execute(
                "UPDATE inspections SET status = 'finalized', current_version_id = ?,"
                f" updated_at = ?, changed_seq = {NEXT_CHANGE} WHERE id = ?",
                (version.version_id, iso(finalized_at), inspection_id),
            )
        self._database.checkpoint_if_large()
        return version

    def _attachments_of(
        self, connection: sqlite3.Connection, inspection_id: str, session: FormSession
    ) -> tuple[Attachment, ...]:
        rows = connection.execute(
            "SELECT question, sha256, size, media_type, details FROM draft_attachments"
            " WHERE inspection_id = ?",
            (inspection_id,),
        ).fetchall()
        known = {(str(row[0]), str(row[1])): _attachment_of(row) for row in rows}
        found: dict[tuple[str, str], Attachment] = {}

        def freeze(name: str, sha: str) -> Attachment:
            attachment = known.get((name, sha))
            if attachment is None or not self._attachments.exists(
                inspection_id, sha, attachment.size
            ):
                raise AttachmentMissing(sha, f"the file of '{name}' is not on this device")
            found[(name, sha)] = attachment
            return attachment

        for (name, _row), value in session.answers.items():
            if session.engine.fields[name].kind not in ATTACHMENT_TYPES:
                continue
            for sha in value if isinstance(value, tuple) else (value,):
                shown = freeze(name, str(sha))
                # The photo as taken travels with the annotated one that shows it.
                if shown.original is not None:
                    freeze(name, shown.original)
        return tuple(found[key] for key in sorted(found))

    def discard(self, inspection_id: str) -> None:
        with self._database.transaction(durable=True) as connection:
            draft = read_draft(connection, inspection_id)
            if draft.base_version_id is not None:
                raise NotEditable("correction")
            shas = [
                str(found[0])
                for found in connection.execute(
                    "SELECT DISTINCT sha256 FROM draft_attachments WHERE inspection_id = ?",
                    (inspection_id,),
                ).fetchall()
            ]
            for table in ("answers", "repeat_rows", "draft_attachments"):
                connection.execute(f"DELETE FROM {table} WHERE inspection_id = ?", (inspection_id,))
            released = self._attachments.release(
                connection, inspection_id, shas, self._now(), ignore_drafts=True
            )
            connection.execute("DELETE FROM inspections WHERE id = ?", (inspection_id,))
            audit.append(
                connection,
                at=self._now(),
                actor=self._actor,
                action="draft_discarded",
                inspection_id=inspection_id,
            )
        self._attachments.delete_released(released)

    # -- internals ---------------------------------------------------------------------

    def _now(self) -> str:
        return iso(self._clock())

    def _editing(
        self, connection: sqlite3.Connection, inspection_id: str
    ) -> tuple[InspectionRow, FormEngine]:
        draft = read_draft(connection, inspection_id)
        return draft, self._forms.engine(draft.form_id, draft.form_version)

    def _touch(self, connection: sqlite3.Connection, inspection_id: str) -> None:
        """Mark the inspection changed now, for the order and times the lists show.

        While someone keeps typing into one draft it is already on top of the list and its
        time moves by seconds, so the row is rewritten at most every `TOUCH_SECONDS`:
        that spares a page write on nearly every autosave.
        """
        last_id, last_at = self._last_touch
        moment = time.monotonic()
        if last_id == inspection_id and moment - last_at < TOUCH_SECONDS:
            return
        now = self._now()
        moved = connection.execute(
            f"UPDATE inspections SET updated_at = ?, changed_seq = {NEXT_CHANGE}"
            " WHERE id = ? AND changed_seq < (SELECT max(changed_seq) FROM inspections)",
            (now, inspection_id),
        ).rowcount
        if not moved:
            connection.execute(
                "UPDATE inspections SET updated_at = ? WHERE id = ?", (now, inspection_id)
            )
        self._last_touch = (inspection_id, moment)


# -- the draft tables, shared with corrections ---------------------------------------------


def write_answer(
    connection: sqlite3.Connection, inspection_id: str, name: str, row: str | None, value: Value
) -> None:
    """Save one answer as it is; an empty one is removed."""
    if is_empty(value):
        connection.execute(
            "DELETE FROM answers WHERE inspection_id = ? AND name = ? AND row_id = ?",
            (inspection_id, name, row or ""),
        )
        return
    connection.execute(
        "INSERT OR REPLACE INTO answers (inspection_id, name, row_id, value) VALUES (?, ?, ?, ?)",
        (
            inspection_id,
            name,
            row or "",
            json.dumps(encode_value(value), ensure_ascii=False, separators=(",", ":")),
        ),
    )


def write_rows(
    connection: sqlite3.Connection, inspection_id: str, repeat: str, rows: Iterable[str]
) -> None:
    """Save the order of a repeat's rows."""
    connection.executemany(
        "INSERT OR REPLACE INTO repeat_rows (inspection_id, repeat, row_id, position)"
        " VALUES (?, ?, ?, ?)",
        [(inspection_id, repeat, row, index) for index, row in enumerate(rows)],
    )


def add_draft_attachment(
    connection: sqlite3.Connection,
    inspection_id: str,
    row: str | None,
    attachment: Attachment,
    at: str,
) -> None:
    """Note that a draft's answer refers to this file (a second note is a no-op)."""
    details = attachment.model_dump(mode="json", include=set(PHOTO_DETAILS), exclude_none=True)
    connection.execute(
        "INSERT OR IGNORE INTO draft_attachments (inspection_id, question, row_id, sha256, size,"
        " media_type, added_at, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            inspection_id,
            attachment.question,
            row or "",
            attachment.sha256,
            attachment.size,
            attachment.media_type,
            at,
            json.dumps(details, sort_keys=True, separators=(",", ":")),
        ),
    )


def draft_attachment(
    connection: sqlite3.Connection,
    inspection_id: str,
    question: str,
    row: str | None,
    sha256: str,
) -> Attachment | None:
    """One file a draft's question refers to (or keeps as an original), with its details."""
    found = connection.execute(
        "SELECT question, sha256, size, media_type, details FROM draft_attachments"
        " WHERE inspection_id = ? AND question = ? AND row_id = ? AND sha256 = ?",
        (inspection_id, question, row or "", sha256),
    ).fetchone()
    return None if found is None else _attachment_of(found)


def question_attachments(
    connection: sqlite3.Connection, inspection_id: str, question: str, row: str | None
) -> list[Attachment]:
    """Every file one question (in one row) of a draft refers to or keeps as an original."""
    found = connection.execute(
        "SELECT question, sha256, size, media_type, details FROM draft_attachments"
        " WHERE inspection_id = ? AND question = ? AND row_id = ?",
        (inspection_id, question, row or ""),
    ).fetchall()
    return [_attachment_of(item) for item in found]


def _attachment_of(row: Sequence[object]) -> Attachment:
    question, sha, size, media_type, details = row
    return Attachment.model_validate(
        {
            "question": question,
            "sha256": sha,
            "size": size,
            "media_type": media_type,
            **json.loads(str(details)),
        }
    )


def saved_answer(
    connection: sqlite3.Connection,
    engine: FormEngine,
    inspection_id: str,
    name: str,
    row: str | None,
) -> Value:
    found = connection.execute(
        "SELECT value FROM answers WHERE inspection_id = ? AND name = ? AND row_id = ?",
        (inspection_id, name, row or ""),
    ).fetchone()
    return "" if found is None else decode_value(engine, name, json.loads(found[0]))


def saved_session(
    connection: sqlite3.Connection, engine: FormEngine, inspection_id: str, clock: Clock
) -> FormSession:
    """The draft's answers and rows as a session, evaluated (defaults are not re-applied:
    an answer the person cleared stays cleared)."""
    answers: dict[tuple[str, str | None], Value] = {}
    for name, row_id, raw in connection.execute(
        "SELECT name, row_id, value FROM answers WHERE inspection_id = ?", (inspection_id,)
    ).fetchall():
        answers[(str(name), str(row_id) or None)] = decode_value(engine, name, json.loads(raw))
    rows: dict[str, list[str]] = {}
    for repeat, row_id in connection.execute(
        "SELECT repeat, row_id FROM repeat_rows WHERE inspection_id = ? ORDER BY repeat, position",
        (inspection_id,),
    ).fetchall():
        rows.setdefault(str(repeat), []).append(str(row_id))
    return engine.session(answers, rows, clock=clock, resumed=True)


def expand(engine: FormEngine, names: Iterable[str]) -> frozenset[str]:
    """Names plus everything inside the groups and repeats among them."""
    wanted = set(names)
    found = set()
    for name in engine.fields:
        current: str | None = name
        while current is not None:
            if current in wanted:
                found.add(name)
                break
            current = engine.fields[current].parent
    return frozenset(found)


def saved_replies(connection: sqlite3.Connection, inspection_id: str) -> dict[str, str]:
    return {
        str(question): str(text)
        for question, text in connection.execute(
            "SELECT question, text FROM draft_replies WHERE inspection_id = ? ORDER BY question",
            (inspection_id,),
        ).fetchall()
    }


def commented_names(
    connection: sqlite3.Connection, inspection_id: str, version_id: str
) -> frozenset[str]:
    """What the latest return of `version_id` commented on: the names a reply may answer."""
    return frozenset(
        str(row[0])
        for row in connection.execute(
            "SELECT question FROM review_comments WHERE review_id = (SELECT max(id) FROM reviews"
            " WHERE inspection_id = ? AND version_id = ? AND kind = 'returned')",
            (inspection_id, version_id),
        ).fetchall()
    )


def _reopened(connection: sqlite3.Connection, inspection_id: str) -> set[str]:
    return {
        str(row[0])
        for row in connection.execute(
            "SELECT question FROM reopened_questions WHERE inspection_id = ?", (inspection_id,)
        ).fetchall()
    }


def _rows_of(connection: sqlite3.Connection, inspection_id: str, repeat: str) -> list[str]:
    return [
        str(row[0])
        for row in connection.execute(
            "SELECT row_id FROM repeat_rows WHERE inspection_id = ? AND repeat = ?"
            " ORDER BY position",
            (inspection_id, repeat),
        ).fetchall()
    ]


def _check_row(connection: sqlite3.Connection, inspection_id: str, field_: Field, row: str) -> None:
    if not connection.execute(
        "SELECT 1 FROM repeat_rows WHERE inspection_id = ? AND repeat = ? AND row_id = ?",
        (inspection_id, field_.repeat, row),
    ).fetchone():
        raise AnswerError(f"'{field_.repeat}' has no row {row}")


def _answer_field(engine: FormEngine, name: str, row: str | None) -> Field:
    """The question an answer is for, with the same complaints a session makes."""
    field_ = engine.fields.get(name)
    if field_ is None:
        raise AnswerError(f"the form has no question '{name}'")
    if (field_.repeat is None) != (row is None):
        raise AnswerError(f"'{name}' {'needs' if row is None else 'takes no'} a row id")
    if not field_.holds_answer or field_.calculation is not None:
        raise AnswerError(f"'{name}' does not take an answer")
    return field_


def _file_field(engine: FormEngine, question: str, row: str | None) -> Field:
    field_ = _answer_field(engine, question, row)
    if field_.kind not in ATTACHMENT_TYPES:
        raise ValueError(f"'{question}' is a {field_.kind.value} question, not a file")
    return field_


def _repeat_field(engine: FormEngine, repeat: str) -> Field:
    field_ = engine.fields.get(repeat)
    if field_ is None or field_.kind is not QuestionType.REPEAT:
        raise AnswerError(f"'{repeat}' is not a repeat")
    return field_


def _coerce(field_: Field, value: Value) -> Value:
    try:
        return coerce_answer(field_, value)
    except (TypeError, ValueError) as error:
        raise AnswerError(f"'{field_.name}': {error}") from None
