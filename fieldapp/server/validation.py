"""A pushed version checked against its form and the registry before anything is stored.

The device only finalizes what its form engine accepts; the server checks the same with
the same core code (`coerce_answer`, the compiled form's fields, choices and outcomes), so
a hand-made or damaged version is refused with a 422 that names every problem, and a
stored version always fits its form, the registry and the columns. Required answers and
constraints are not re-evaluated: their expressions may read the clock, and a device on
an older engine could otherwise be refused a version its officer could never change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.core.answers import MAX_REPLIES, MAX_REPLY_CHARS
from fieldapp.core.doortest import (
    DOOR_TEST_FORM,
    DoorTestVisit,
    groups_taken,
    round_visit_problem,
    visit_from_document,
)
from fieldapp.core.engine import FormEngine, coerce_answer
from fieldapp.core.entities import Assignment, DoorTestRound
from fieldapp.core.forms import ATTACHMENT_TYPES, QuestionType
from fieldapp.core.inspection import InspectionVersion
from fieldapp.core.texts import Text
from fieldapp.protocol.models import ErrorCode, ReviewAction, ReviewEvent
from fieldapp.server import schema
from fieldapp.server.accounts import Principal
from fieldapp.server.database import lock_names
from fieldapp.server.errors import ApiError

#: Longest text answer; a note of a few pages. Longer is a paste accident or an attack.
MAX_TEXT_ANSWER = 20_000
#: Rows per repeat when the form sets no maximum.
MAX_ROWS = 500
#: Longest id of a repeat row (the device makes UUIDs).
MAX_ROW_ID = 64
#: Registry ids and attachment fields, as the columns hold them.
MAX_REGISTRY_ID = 128
MAX_MEDIA_TYPE = 100
MAX_ATTACHMENTS = 500
#: Problems listed in one answer; the rest are counted.
MAX_PROBLEMS = 20


class VersionCheck:
    """The problems of one pushed version, collected so the 422 names them all."""

    def __init__(self, engine: FormEngine, version: InspectionVersion) -> None:
        self.engine = engine
        self.version = version
        self.problems: list[str] = []

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def document(self) -> None:
        document = self.version.document
        if set(document) - {"replies"} != {"answers", "repeats"}:
            self.problem("document: must hold exactly 'answers' and 'repeats', and 'replies'")
            return
        answers, repeats = document["answers"], document["repeats"]
        if not isinstance(answers, dict) or not isinstance(repeats, dict):
            self.problem("document: 'answers' and 'repeats' must be objects")
            return
        self.answers(answers, None, "answers")
        for repeat, rows in repeats.items():
            self.repeat(repeat, rows)
        if "replies" in document:
            self.replies(document["replies"], repeats)

    def replies(self, replies: Any, repeats: Mapping[str, Any]) -> None:
        """The boa's replies to a return's comments: only in a correction, one per commented
        name (and row), in canonical order, each a short text on a name of the form."""
        if self.version.base_version_id is None:
            self.problem("replies: only a correction (a version with a base) carries replies")
            return
        if not isinstance(replies, list) or not replies:
            self.problem("replies: a non-empty list, left out when there are none")
            return
        if len(replies) > MAX_REPLIES:
            self.problem(f"replies: {len(replies)} replies, at most {MAX_REPLIES}")
            return
        keys: list[tuple[str, str]] = []
        for index, item in enumerate(replies):
            at = f"replies[{index}]"
            if not isinstance(item, dict) or set(item) != {"question", "row", "text"}:
                self.problem(
                    f"{at}: a reply is {{'question': name, 'row': id or null, 'text': ...}}"
                )
                continue
            question, row, text = item["question"], item["row"], item["text"]
            if not isinstance(question, str) or question not in self.engine.fields:
                shown = repr(question[:64]) if isinstance(question, str) else "not a name"
                self.problem(f"{at}.question: {shown} is no question, group or section of the form")
                continue
            if not isinstance(text, str) or not text.strip() or text != text.strip():
                self.problem(f"{at}.text: a text, not empty, without surrounding spaces")
                continue
            if len(text) > MAX_REPLY_CHARS:
                self.problem(f"{at}.text: longer than {MAX_REPLY_CHARS} characters")
                continue
            if row is not None:
                field = self.engine.fields[question]
                repeat = question if field.kind is QuestionType.REPEAT else field.repeat
                rows = repeats.get(repeat or "") if repeat is not None else None
                known = isinstance(rows, list) and any(
                    isinstance(r, dict) and r.get("row") == row for r in rows
                )
                if not isinstance(row, str) or not known:
                    self.problem(f"{at}.row: not a row of this version's {repeat or 'repeats'}")
                    continue
            keys.append((question, row or ""))
        if len(set(keys)) != len(keys):
            self.problem("replies: one reply per question (and row)")
        elif keys != sorted(keys):
            self.problem("replies: not in canonical order (by question, then row)")

    def replies_answer_the_return(self, connection: Connection) -> None:
        """Each reply answers a comment of the latest return of the version's base. A base
        the server does not hold is left to the push, which refuses it as `unknown_base`;
        once the base arrives the version is checked again."""
        version = self.version
        replies = version.document.get("replies")
        if not replies or version.base_version_id is None:
            return
        base_known = connection.execute(
            sa.select(schema.versions.c.version_id).where(
                schema.versions.c.version_id == version.base_version_id
            )
        ).first()
        if base_known is None:
            return
        payload = connection.execute(
            sa.select(schema.review_events.c.payload)
            .where(schema.review_events.c.version_id == version.base_version_id)
            .where(schema.review_events.c.action == ReviewAction.RETURNED.value)
            .order_by(schema.review_events.c.at.desc())
            .limit(1)
        ).scalar_one_or_none()
        if payload is None:
            self.problem(
                "replies: the base version was not returned, so there is nothing to reply to"
            )
            return
        commented = {
            comment.question for comment in ReviewEvent.model_validate_json(payload).comments
        }
        for index, item in enumerate(replies):
            if item["question"] not in commented:
                self.problem(
                    f"replies[{index}].question: the return made no comment on"
                    f" {item['question'][:64]!r}"
                )

    def repeat(self, repeat: str, rows: Any) -> None:
        where = f"repeats.{repeat[:64]}"
        field = self.engine.fields.get(repeat)
        if field is None or field.kind is not QuestionType.REPEAT:
            self.problem(f"{where}: the form has no repeat of this name")
            return
        if not isinstance(rows, list):
            self.problem(f"{where}: must be a list of rows")
            return
        most = field.question.max_rows or MAX_ROWS
        if len(rows) > most:
            self.problem(f"{where}: {len(rows)} rows, at most {most}")
            return
        seen: set[str] = set()
        for index, item in enumerate(rows):
            at = f"{where}[{index}]"
            if not isinstance(item, dict) or set(item) != {"row", "answers"}:
                self.problem(f"{at}: a row is {{'row': id, 'answers': {{...}}}}")
                continue
            row, answers = item["row"], item["answers"]
            if not isinstance(row, str) or not 0 < len(row) <= MAX_ROW_ID or row in seen:
                self.problem(f"{at}.row: a unique id of 1 to {MAX_ROW_ID} characters")
                continue
            seen.add(row)
            if not isinstance(answers, dict):
                self.problem(f"{at}.answers: must be an object")
                continue
            self.answers(answers, repeat, f"{at}.answers")

    def answers(self, answers: Mapping[str, Any], repeat: str | None, where: str) -> None:
        # Every answer of every version received passes here: the place of a problem is
        # spelled out only when there is one.
        fields = self.engine.fields
        for name, raw in answers.items():
            field = fields.get(name)
            if field is None or not field.is_question:
                self.problem(f"{where}.{name[:64]}: the form has no question of this name")
                continue
            if field.repeat != repeat:
                self.problem(
                    f"{where}.{name[:64]}: this question belongs to "
                    f"{field.repeat or 'the top level'}"
                )
                continue
            if isinstance(raw, str) and len(raw) > MAX_TEXT_ANSWER:
                self.problem(f"{where}.{name[:64]}: longer than {MAX_TEXT_ANSWER} characters")
                continue
            if isinstance(raw, list) and len(raw) > MAX_ATTACHMENTS:
                self.problem(f"{where}.{name[:64]}: more than {MAX_ATTACHMENTS} items")
                continue
            try:
                coerce_answer(field, tuple(raw) if isinstance(raw, list) else raw)
            except (TypeError, ValueError) as error:
                self.problem(f"{where}.{name[:64]}: {str(error)[:200]}")

    def outcomes(self) -> None:
        known = {compiled.outcome.name for compiled in self.engine.outcomes}
        names = self.version.outcomes
        if len(set(names)) != len(names):
            self.problem("outcomes: a name appears twice")
        unknown = [name for name in names if name not in known]
        if unknown:
            shown = ", ".join(repr(name[:64]) for name in unknown[:5])
            self.problem(f"outcomes: not outcomes of this form: {shown} ({len(unknown)} in all)")

    def attachments(self) -> None:
        attachments = self.version.attachments
        if len(attachments) > MAX_ATTACHMENTS:
            self.problem(f"attachments: more than {MAX_ATTACHMENTS}")
            return
        by_key = {(a.question, a.sha256): a for a in attachments}
        if len(by_key) != len(attachments):
            self.problem("attachments: a file appears twice for one question")
        for index, attachment in enumerate(attachments):
            at = f"attachments[{index}]"
            field = self.engine.fields.get(attachment.question)
            if field is None or field.kind not in ATTACHMENT_TYPES:
                self.problem(f"{at}.question: not a photo or signature question")
            if len(attachment.media_type) > MAX_MEDIA_TYPE:
                self.problem(f"{at}.media_type: too long")
            photo = field is not None and field.kind is QuestionType.IMAGE
            has_details = (attachment.original, attachment.taken_at, attachment.position)
            if not photo and any(detail is not None for detail in has_details):
                self.problem(f"{at}: only a photo has a time, a position or an original")
            original = attachment.original
            if original is None:
                continue
            if original == attachment.sha256:
                self.problem(f"{at}.original: a photo is not its own original")
                continue
            # The original must travel in the same version, so it is uploaded, checked for
            # completeness and readable by whoever reads the annotated photo.
            kept = by_key.get((attachment.question, original))
            if kept is None:
                self.problem(f"{at}.original: not an attachment of the same question")
            elif kept.original is not None:
                self.problem(f"{at}.original: names an annotated photo, not one as taken")

    def registry(
        self, connection: Connection, principal: Principal, seen: References | None = None
    ) -> None:
        version = self.version
        for kind, key in (("venue", version.venue_id), ("area", version.area_id)):
            if key is not None and _reference(connection, kind, key, seen) is None:
                self.problem(f"{kind}_id: {key[:64]!r} is not in the registry")
        if version.assignment_id is None:
            return
        payload = _reference(connection, "assignment", version.assignment_id, seen)
        if payload is None:
            self.problem(f"assignment_id: {version.assignment_id[:64]!r} is not in the registry")
            return
        assignment = Assignment.model_validate_json(payload)
        if assignment.assignee is not None:
            mine = assignment.assignee == principal.username
        else:
            mine = assignment.team is not None and assignment.team == principal.team
        if not mine:
            self.problem("assignment_id: the assignment is not yours or your team's")
        if assignment.form_id.value != version.form_id:
            self.problem("assignment_id: the assignment is for another form")

    def lengths(self) -> None:
        version = self.version
        for name, value in (
            ("venue_id", version.venue_id),
            ("area_id", version.area_id),
            ("assignment_id", version.assignment_id),
        ):
            if value is not None and not 0 < len(value) <= MAX_REGISTRY_ID:
                self.problem(f"{name}: 1 to {MAX_REGISTRY_ID} characters")

    def refusal(self) -> ApiError | None:
        if not self.problems:
            return None
        problems = self.problems[:MAX_PROBLEMS]
        if len(self.problems) > MAX_PROBLEMS:
            problems.append(f"… and {len(self.problems) - MAX_PROBLEMS} more")
        return ApiError(
            422,
            ErrorCode.INVALID,
            "Deze versie past niet bij haar formulier of het register: " + problems[0],
            "This version does not fit its form or the registry: " + problems[0],
            problems=problems,
        )


#: Registry entries already read in one transaction, by (kind, key): a batch of versions
#: names the same venues, areas and assignments again and again.
References = dict[tuple[str, str], str | None]


def check_version(
    connection: Connection,
    engine: FormEngine,
    principal: Principal,
    version: InspectionVersion,
    seen: References | None = None,
) -> None:
    """Raise a 422 naming every way the version does not fit its form or the registry.
    `seen`: the registry entries read before in the same transaction (a batch's checks
    share it). Whether a door-test visit fits its round is asked in the write transaction
    that stores it (`round_refusal`)."""
    check = VersionCheck(engine, version)
    check.lengths()
    check.document()
    check.outcomes()
    check.attachments()
    if not check.problems:
        check.registry(connection, principal, seen)
        check.replies_answer_the_return(connection)
    refusal = check.refusal()
    if refusal is not None:
        raise refusal


@dataclass(frozen=True)
class RoundVisit:
    """A pushed door-test visit and the round it names (the id casefolded, as rounds are
    compared): decoded once per push and handed to every check that needs it."""

    round_id: str
    visit: DoorTestVisit


def round_visit(engine: FormEngine, version: InspectionVersion) -> RoundVisit | None:
    """The round a door-test visit names, or None for other forms and a visit that names
    none."""
    if version.form_id != DOOR_TEST_FORM:
        return None
    visit = visit_from_document(engine, version.document.get("answers", {}))
    if visit is None or not visit.test_id or len(visit.test_id) > MAX_REGISTRY_ID:
        return None
    return RoundVisit(visit.test_id.casefold(), visit)


def lock_rounds(connection: Connection, round_ids: Iterable[str]) -> None:
    """Put this write transaction in the row of every round it names, before it writes
    (`database.lock_names`). Taken one by one as a batch reached each visit, a batch
    waiting for one round held another, and two batches naming two rounds in crossed
    order deadlocked; all at once, in one order, they do not."""
    lock_names(connection, "door-test round", round_ids)


def round_refusal(
    connection: Connection,
    engine: FormEngine,
    principal: Principal,
    version: InspectionVersion,
    named: RoundVisit,
) -> ApiError | None:
    """The 422 for a door-test visit that cannot count for the round it names, or None.

    Asked in the write transaction that stores the visit, after `lock_rounds` took the
    round, and atomic with it: checked before that transaction, two visits of one group
    pushed at once (a tester's tablet and her phone) each found the group free and both
    were stored. Under the lock the second writer waits until the first commits; its
    check, a new statement, then sees the first visit.

    Chosen over a unique index on (round, group) in a table filled at push: a visit's
    round and group are answers a correction may change, and the check counts only the
    heads of other inspections at the round's venue, so such a table would have to follow
    every move of a head, and its migration could not be made unique on a database where
    the race already let a third visit in. A lock adds no state and leaves the check as it
    is, the same rule the device applies.
    """
    held = connection.execute(
        sa.select(schema.versions.c.version_id).where(
            schema.versions.c.version_id == version.version_id
        )
    ).first()
    if held is not None:
        # Sent again (the device lost the receipt): the push answers the first receipt, or
        # a conflict for other content under the same id. The round may have been planned
        # anew since; a visit the server holds is not judged again.
        return None
    problem = round_problem(connection, engine, principal, version, named)
    if problem is None:
        return None
    return ApiError(422, ErrorCode.INVALID, problem.nl, problem.en)


def round_problem(
    connection: Connection,
    engine: FormEngine,
    principal: Principal,
    version: InspectionVersion,
    named: RoundVisit,
) -> Text | None:
    """Why a door-test visit cannot count for the round it names, as the device says it
    (`fieldapp.core.doortest.round_visit_problem`: another venue or evening, another
    tester's group, or a third visit). None for an id no round has. Only atomic with the
    push's writes as `round_refusal` asks it."""
    visit = named.visit
    payload = _reference(connection, "round", named.round_id)
    if payload is None:
        return None
    planned = DoorTestRound.model_validate_json(payload)
    # Every door test at the venue that names this round, streamed (a cap on how many were
    # read let a third visit through at a busy venue). A stored record is the server's own
    # canonical JSON, so a visit of the round holds `"test_id":"<id>"` as such; the
    # database finds those (ignoring case, as rounds are compared) and only they are
    # decoded, so visits of other rounds at the venue cost a text scan, not a parse each.
    quoted = json.dumps(visit.test_id, ensure_ascii=False)
    pattern = (
        '%"test_id":' + quoted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    )
    query = (
        sa.select(schema.versions.c.record)
        .join(
            schema.inspections,
            schema.inspections.c.head_version_id == schema.versions.c.version_id,
        )
        .where(schema.inspections.c.form_id == DOOR_TEST_FORM)
        .where(schema.inspections.c.venue_id == planned.venue)
        .where(schema.inspections.c.inspection_id != version.inspection_id)
        .where(schema.versions.c.record.ilike(pattern, escape="\\"))
    )
    # Streamed by the statement's option: the connection's (`connection.execution_options`)
    # would stay on the push's write connection and stream its inserts too.
    with connection.execute(query.execution_options(yield_per=100)) as heads:
        taken = groups_taken(
            engine,
            planned,
            (json.loads(record).get("document", {}).get("answers", {}) for (record,) in heads),
        )
    return round_visit_problem(planned, visit, taken=taken, author=principal.username)


def _reference(
    connection: Connection, kind: str, key: str, seen: References | None = None
) -> str | None:
    if len(key) > MAX_REGISTRY_ID:
        return None
    if seen is not None and (kind, key) in seen:
        return seen[kind, key]
    payload = connection.execute(
        sa.select(schema.reference.c.payload)
        .where(schema.reference.c.kind == kind)
        .where(schema.reference.c.key == key)
    ).scalar_one_or_none()
    found = None if payload is None else str(payload)
    if seen is not None:
        seen[kind, key] = found
    return found
