"""Inspections: the forms a person may start, starting and opening one, pre-filling, lists.

Qt-free and small: each function is one thing a person does, composed of the store's
own use cases, and runs on the task runner's serial lane (never on the UI thread). The
screens only wire them to buttons; `fieldapp.app.session` signs the person in first.

Pre-filling follows one documented convention: a new inspection's questions named like a
fact the app already knows are filled in from it — the assignment's paired test
(`test_id`) and group (`group_role`), the tester's pseudonym (`tester_pseudonym`), the
patrol's area (`area`, and `district` by its choice label) and team (`team`), and whether
the venue's file on the central store shows an earlier violation within the sanction
policy's period (`previous_violation`, from the `VenueFieldSummary` boa's devices pull;
"no" when the device has pulled the world and holds no history of the venue). A form
without such questions is simply not pre-filled. Started with `carry_over`, a draft also
takes the answers its form declares stable from the venue's last visit
(`fieldapp.app.visits`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fieldapp.app.visits import CarriedOver, carried_over, carry_over_into
from fieldapp.core.engine import FormEngine, FormSession
from fieldapp.core.entities import Area, Assignment, Role, User, Venue
from fieldapp.core.expr import Value
from fieldapp.core.followup import VenueFieldSummary
from fieldapp.core.forms import FormDefinition, QuestionType
from fieldapp.core.inspection import Attachment, InspectionStatus, PhotoPosition
from fieldapp.core.photos import facts_of, stamp
from fieldapp.store import LocalInspectionSummary, OutboxState, Profile, SavedPosition

if TYPE_CHECKING:
    from fieldapp.app.session import SignedIn

# LocalInspectionSummary, OutboxState and SavedPosition: the store's rows as screens show them.
__all__ = [
    "AssignmentRow",
    "FormChoice",
    "LocalInspectionSummary",
    "OpenedInspection",
    "OutboxState",
    "SavedPosition",
    "StoreAnswerSink",
    "assignment_rows",
    "begin_inspection",
    "correct_inspection",
    "forms_for",
    "open_inspection",
    "prefill_answers",
    "subject_of",
]


# -- forms --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormChoice:
    """A form a person may start: id, version, title per language, what it is about."""

    form_id: str
    version: str
    definition: FormDefinition
    #: 'venue' when the form asks for a venue at the top, 'area' otherwise.
    subject: str


def forms_for(profile: Profile, role: Role | None) -> list[FormChoice]:
    """The newest version of every form the role may fill in (every form for None)."""
    newest: dict[str, FormEngine] = {}
    for text in profile.forms.forms():
        engine = profile.engine(text.form_id)
        newest[engine.form_id] = engine
    found = []
    for engine in newest.values():
        definition = engine.definition
        if role is not None and role.value not in definition.roles:
            continue
        venue = any(
            f.kind is QuestionType.VENUE and f.repeat is None for f in engine.fields.values()
        )
        found.append(
            FormChoice(engine.form_id, engine.version, definition, "venue" if venue else "area")
        )
    return sorted(found, key=lambda choice: choice.form_id)


# -- starting and opening -----------------------------------------------------------------


def prefill_answers(
    engine: FormEngine,
    user: User,
    assignment: Assignment | None,
    area: Area | None,
    team_name: str | None,
    history: VenueFieldSummary | None = None,
    history_known: bool = False,
) -> dict[str, Value]:
    """Answers a new inspection can start with, by the convention in the module docstring.

    `history_known` says the device has pulled the central store's world, so a venue
    without a `history` has none.
    """
    facts: dict[str, str] = {}
    if history is not None:
        facts["previous_violation"] = "yes" if history.previous_violation else "no"
    elif history_known:
        facts["previous_violation"] = "no"
    if assignment is not None and assignment.paired_test:
        facts["test_id"] = assignment.paired_test
    if assignment is not None and assignment.group_role is not None:
        facts["group_role"] = assignment.group_role.value
    if user.pseudonym:
        facts["tester_pseudonym"] = user.pseudonym
    if area is not None:
        facts["area"] = area.name
        facts["district"] = area.district
        # The area register knows whether the wijk is fireworks-free; the boa is not asked.
        facts["area_fireworks_free_zone"] = "yes" if area.fireworks_free_zone else "no"
    if team_name:
        facts["team"] = team_name
    answers: dict[str, Value] = {}
    for name, value in facts.items():
        field_ = engine.fields.get(name)
        if field_ is None or field_.repeat is not None or not field_.holds_answer:
            continue
        if field_.kind is QuestionType.TEXT:
            answers[name] = value
        elif field_.kind is QuestionType.SELECT_ONE:
            for choice in field_.choices or ():
                if choice.name == value or value in choice.label.values():
                    answers[name] = choice.name
                    break
    return answers


def begin_inspection(
    signed: SignedIn,
    form_id: str,
    *,
    venue_id: str | None = None,
    area_id: str | None = None,
    assignment_id: str | None = None,
    carry_over: bool = False,
) -> str:
    """Start a draft (the store saves its defaults and venue), pre-fill what is known, and
    with `carry_over` take the stable answers of the last visit (`fieldapp.app.visits`)."""
    profile = signed.profile
    inspection_id = profile.start_inspection(
        form_id, venue_id=venue_id, area_id=area_id, assignment_id=assignment_id
    )
    assignment = profile.assignment(assignment_id) if assignment_id else None
    area_ref = area_id or (assignment.area if assignment else None)
    area = profile.area(area_ref) if area_ref else None
    team = signed.teams.get(signed.user.team or "") if signed.user.team else None
    session = profile.resume(inspection_id)
    venue_ref = venue_id or (assignment.venue if assignment else None)
    history = profile.venue_summary(venue_ref) if venue_ref else None
    prefilled = prefill_answers(
        session.engine,
        signed.user,
        assignment,
        area,
        team,
        history,
        history_known=venue_ref is not None and profile.pull_cursor() is not None,
    )
    for name, value in prefilled.items():
        if (name, None) not in session.answers:
            profile.set_answer(inspection_id, name, value)
    if carry_over and venue_ref:
        carry_over_into(profile, inspection_id, venue_ref)
    if venue_id or (assignment and assignment.venue):
        signed.venues.note_used(venue_id or (assignment.venue if assignment else "") or "")
    return inspection_id


@dataclass(frozen=True)
class OpenedInspection:
    """What the form runner needs to show one inspection."""

    inspection_id: str
    summary: LocalInspectionSummary
    #: The one live session of the inspection: the screen's (the store keeps answers only).
    session: FormSession
    position: SavedPosition | None
    subject: str
    editable: bool
    #: For a correction, the questions the supervisor reopened; None means all.
    reopened: frozenset[str] | None
    #: The supervisor's comments per question, for a correction or a returned one.
    comments: Mapping[str, str]
    #: The assignment's instructions per language (empty when there is no assignment).
    instructions: Mapping[str, str] = field(default_factory=dict)
    #: The venue's short history from its file, shown before a draft (boa's devices only).
    history: VenueFieldSummary | None = None
    #: The answers a draft took from the venue's last visit, to be checked.
    carried: CarriedOver | None = None
    #: A correction draft's replies to the comments so far, per commented name (None:
    #: not a correction draft, so no replies are asked for).
    replies: Mapping[str, str] | None = None


def subject_of(profile: Profile, summary: LocalInspectionSummary) -> str:
    """'Het Kleine Veentje · Weimarstraat 241, 2562 HB' or the area's name."""
    if summary.venue_id:
        venue: Venue | None = profile.venue(summary.venue_id)
        if venue is not None:
            return f"{venue.name} · {venue.address}"
        return summary.venue_name or summary.venue_id
    if summary.area_id:
        return summary.area_name or summary.area_id
    return ""


def open_inspection(profile: Profile, inspection_id: str) -> OpenedInspection:
    """A draft to continue (resuming where the person was), or a finalized one to read."""
    summary = profile.inspection(inspection_id)
    session = profile.resume(inspection_id)  # a new one, the screen's own
    editable = summary.status is InspectionStatus.DRAFT
    position = profile.position(inspection_id) if editable else None
    reopened = profile.reopened_questions(inspection_id) if summary.is_correction else None
    review = summary.review
    comments = dict(review.comments) if review is not None and review.kind == "returned" else {}
    assignment = profile.assignment(summary.assignment_id) if summary.assignment_id else None
    instructions = dict(assignment.note or {}) if assignment is not None else {}
    history = profile.venue_summary(summary.venue_id) if editable and summary.venue_id else None
    # What was carried over was checked when the first version was finalized.
    carried = (
        carried_over(profile, inspection_id) if editable and not summary.is_correction else None
    )
    replies = profile.replies(inspection_id) if editable and summary.is_correction else None
    return OpenedInspection(
        inspection_id,
        summary,
        session,
        position,
        subject_of(profile, summary),
        editable,
        reopened,
        comments,
        instructions,
        history,
        carried,
        replies,
    )


def correct_inspection(profile: Profile, inspection_id: str) -> OpenedInspection:
    """Turn a returned inspection into a correction draft and open it."""
    profile.start_correction(inspection_id)
    return open_inspection(profile, inspection_id)


class StoreAnswerSink:
    """The runner's `AnswerSink` on a profile: each change is one store use case."""

    def __init__(
        self,
        profile: Profile,
        inspection_id: str,
        position: Callable[[], PhotoPosition | None] | None = None,
    ) -> None:
        self.profile = profile
        self.inspection_id = inspection_id
        #: Where the device is now (None: it does not know), asked when a photo comes in.
        self.position = position

    def save_answer(self, name: str, row: str | None, value: Value) -> None:
        self.profile.set_answer(self.inspection_id, name, value, row)

    def save_row_added(self, repeat: str, row: str, answers: Mapping[str, Value]) -> None:
        self.profile.add_row(self.inspection_id, repeat, row, answers)

    def save_row_removed(self, repeat: str, row: str) -> None:
        self.profile.remove_row(self.inspection_id, repeat, row)

    def save_row_moved(self, repeat: str, row: str, index: int) -> None:
        self.profile.move_row(self.inspection_id, repeat, row, index)

    def save_attachment(self, question: str, row: str | None, data: bytes, media_type: str) -> str:
        now = self.profile.clock().astimezone()
        where = self.position() if self.position is not None else None
        facts = facts_of(data)
        # A file that says when it was taken (a camera's EXIF DateTimeOriginal) keeps that
        # moment; anything else was taken when it is attached. Without its offset the
        # camera's clock is this device's local time.
        taken_at = now if facts.taken_at is None else facts.taken_at.astimezone()
        if facts.taken_at is not None:
            # Taken at another moment (a photo from the gallery): where the device is now
            # says nothing about it; only the file's own position does.
            where = None
        if where is None and facts.position is not None:
            where = PhotoPosition(lat=facts.position[0], lon=facts.position[1])
        if media_type == "image/jpeg":
            # The moment and position go into the photo's own EXIF too (under its hash),
            # so the file alone still says them; a file that says when it was taken keeps it.
            point = None if where is None else (where.lat, where.lon)
            data = stamp(data, now, point)
        attachment = self.profile.attach_file(
            self.inspection_id,
            question,
            data,
            row=row,
            media_type=media_type,
            taken_at=taken_at,
            position=where,
        )
        return attachment.sha256

    def save_annotation(
        self, question: str, row: str | None, shown: str, data: bytes, media_type: str
    ) -> str:
        entry = self.profile.photo_details(self.inspection_id, question, shown, row)
        if media_type == "image/jpeg" and entry is not None and entry.taken_at is not None:
            # The marked copy says when and where the photo was taken in its own EXIF too,
            # as the photo did (drawing on it made a new file without it).
            where = None if entry.position is None else (entry.position.lat, entry.position.lon)
            data = stamp(data, entry.taken_at, where)
        attachment = self.profile.annotate_photo(
            self.inspection_id, question, shown, data, row=row, media_type=media_type
        )
        return attachment.sha256

    def photo_details(self, question: str, row: str | None, sha256: str) -> Attachment | None:
        return self.profile.photo_details(self.inspection_id, question, sha256, row)

    def remove_attachment(self, question: str, row: str | None, sha256: str) -> None:
        self.profile.remove_attachment(self.inspection_id, question, sha256, row)

    def load_attachment(self, sha256: str) -> bytes:
        return self.profile.read_attachment(sha256)

    def save_position(self, page: str, question: str | None, row: str | None) -> None:
        self.profile.set_position(self.inspection_id, page, question, row)

    def save_reply(self, question: str, text: str) -> None:
        self.profile.set_reply(self.inspection_id, question, text)


# -- lists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentRow:
    """One assignment as the home screen lists it, with the inspection made for it."""

    assignment: Assignment
    venue: Venue | None
    area: Area | None
    inspection: LocalInspectionSummary | None


def assignment_rows(
    profile: Profile, username: str | None, form_ids: Iterable[str] | None = None
) -> list[AssignmentRow]:
    """The person's assignments (all of them for None), by due date, with their progress."""
    wanted = frozenset(form_ids) if form_ids is not None else None
    latest: dict[str, LocalInspectionSummary] = {}
    for summary in profile.inspections(limit=2000):
        if summary.assignment_id and summary.assignment_id not in latest:
            latest[summary.assignment_id] = summary
    venues = {venue.id: venue for venue in profile.venues()}
    areas = {area.id: area for area in profile.areas()}
    rows = []
    for assignment in profile.assignments(username):
        if wanted is not None and assignment.form_id.value not in wanted:
            continue
        rows.append(
            AssignmentRow(
                assignment,
                venues.get(assignment.venue or ""),
                areas.get(assignment.area or ""),
                latest.get(assignment.id),
            )
        )
    return rows
