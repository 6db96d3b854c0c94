"""Gathers everything the review detail shows, off the UI thread, in one piece of work.

`load_review` asks the central store for the inspection (all versions and reviews), the
venue's earlier inspections and, for a door test, the other visit of the pair; it lays the
answers out as the inspection report does (form order, labels, relevant answers only) and
works out what changed since the returned version. The widgets only display the result;
`relabel` lays the same answers out again in another language without asking again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fieldapp.app.review.desk import InboxFilter, ReviewDesk
from fieldapp.app.review.source import CentralReportSource
from fieldapp.core.answers import replies_of
from fieldapp.core.engine import FormEngine
from fieldapp.core.forms import ATTACHMENT_TYPES, Outcome
from fieldapp.core.inspection import InspectionStatus
from fieldapp.core.photos import PhotoFacts
from fieldapp.core.texts import language_of
from fieldapp.protocol.models import InspectionDetail, InspectionSummary, ReviewAction
from fieldapp.reports.answered import Section, answered_sections
from fieldapp.reports.changes import AnswerChange, answer_changes
from fieldapp.reports.door_test_report import pair_outcome
from fieldapp.reports.i18n import Language, local
from fieldapp.reports.model import ReportDoorTest, ReportInspection, is_door_test
from fieldapp.reports.text import facts_caption


@dataclass(frozen=True)
class PairView:
    """The two visits of a paired door test and their assessment (None: one is missing)."""

    pair: ReportDoorTest
    result: str
    explanation: str
    gap_minutes: float | None


@dataclass(frozen=True)
class Photo:
    sha256: str
    caption: str
    signature: bool = False
    #: When it was taken and where the device was, as the report writes it ("" unknown).
    details: str = ""
    #: For a photo with marks drawn on it: the photo as taken, kept with the inspection.
    original: str | None = None


@dataclass(frozen=True)
class ReplyView:
    """The author's reply to the comment on one question, group or section, in the head
    version (a correction), with the comment it answers."""

    question: str
    label: str
    text: str
    #: The comment of the return the correction answers ("" when none is known).
    comment: str = ""


@dataclass
class LoadedReview:
    detail: InspectionDetail
    report: ReportInspection
    sections: list[Section]
    outcomes: list[Outcome]
    #: Questions a comment may be attached to: (name, label), in form order.
    questions: list[tuple[str, str]]
    photos: list[Photo] = field(default_factory=list)
    location: str = ""
    pair: PairView | None = None
    #: What the head version changed against the version it corrects.
    changes: list[AnswerChange] = field(default_factory=list)
    #: The inspection the supervisor may act on: its head is unreviewed and not approved.
    actionable: bool = False
    #: The head version's replies to the comments of the return it corrects.
    replies: list[ReplyView] = field(default_factory=list)

    @property
    def summary(self) -> InspectionSummary:
        return self.detail.summary

    @property
    def head_version_id(self) -> str:
        return self.detail.summary.head_version_id


def load_review(
    desk: ReviewDesk, source: CentralReportSource, inspection_id: str, language: str
) -> LoadedReview:
    detail = desk.detail(inspection_id)
    report = source.from_detail(detail)
    pair = _pair(desk, source, detail, report) if is_door_test(report.engine) else None
    return _laid_out(detail, report, pair, source, language_of(language))


def relabel(loaded: LoadedReview, source: CentralReportSource, language: str) -> LoadedReview:
    """The same loaded inspection laid out in another language, without asking the central
    store again: a supervisor who switches language keeps what she was reading."""
    pair = loaded.pair.pair if loaded.pair is not None else None
    return _laid_out(loaded.detail, loaded.report, pair, source, language_of(language))


def _laid_out(
    detail: InspectionDetail,
    report: ReportInspection,
    pair: ReportDoorTest | None,
    source: CentralReportSource,
    lang: Language,
) -> LoadedReview:
    session = report.session
    engine = report.engine
    sections = answered_sections(report, lang)
    questions = [
        (name, local(f.question.label, lang, name))
        for name, f in engine.fields.items()
        if f.is_question and session.is_relevant(name)
    ]
    photos: list[Photo] = []
    location = ""
    for (name, _row), value in session.answers.items():
        f = engine.fields.get(name)
        if f is None or not session.is_relevant(name):
            continue
        label = local(f.question.label, lang, name)
        if f.kind in ATTACHMENT_TYPES:
            hashes = value if isinstance(value, tuple) else (value,)
            signature = f.kind.value == "signature"
            entries = report.photo_entries(name)
            for sha in hashes:
                if not sha:
                    continue
                entry = entries.get(str(sha))
                photos.append(
                    Photo(
                        str(sha),
                        label,
                        signature,
                        facts_caption(PhotoFacts(), lang, entry),
                        None if entry is None else entry.original,
                    )
                )
        elif f.kind.value == "geopoint" and value and not location:
            location = f"{label}: {value}"
    changes = []
    versions = detail.versions
    if len(versions) > 1:
        head = versions[-1].version
        base = next(
            (s.version for s in versions if s.version.version_id == head.base_version_id),
            versions[-2].version,
        )
        changes = answer_changes(engine, base, head, lang, source.venues())
    replies = _replies(detail, engine, lang)
    status = detail.summary.status
    return LoadedReview(
        detail=detail,
        report=report,
        sections=sections,
        outcomes=report.outcomes(),
        questions=questions,
        photos=photos,
        location=location,
        pair=_pair_view(pair, lang) if pair is not None else None,
        changes=changes,
        actionable=status in (InspectionStatus.SENT, InspectionStatus.FINALIZED),
        replies=replies,
    )


def _replies(detail: InspectionDetail, engine: FormEngine, lang: Language) -> list[ReplyView]:
    """The head version's replies, each with the comment of the return it answers."""
    head = detail.versions[-1].version
    found = replies_of(head.document)
    if not found:
        return []
    comments: dict[str, str] = {}
    for event in detail.reviews:
        if event.version_id == head.base_version_id and event.action is ReviewAction.RETURNED:
            comments = {}
            for comment in event.comments:
                joined = comments.get(comment.question)
                comments[comment.question] = (
                    comment.text if not joined else f"{joined}\n{comment.text}"
                )
    views = []
    for reply in found:
        f = engine.fields.get(reply.question)
        label = local(f.question.label, lang, reply.question) if f is not None else reply.question
        views.append(ReplyView(reply.question, label, reply.text, comments.get(reply.question, "")))
    return views


def _pair(
    desk: ReviewDesk,
    source: CentralReportSource,
    detail: InspectionDetail,
    report: ReportInspection,
) -> ReportDoorTest | None:
    answers = detail.versions[-1].version.document.get("answers", {})
    test_id = answers.get("test_id")
    role = answers.get("group_role")
    if not test_id or role not in ("test", "control"):
        return None
    partner: ReportInspection | None = None
    # The other visit went to the same venue: the server narrows by venue, we by test id.
    wanted = InboxFilter(form_id=detail.summary.form_id, venue_id=detail.summary.venue_id)
    for item in desk.summaries(wanted):
        if item.inspection_id == detail.summary.inspection_id:
            continue
        other = desk.detail(item.inspection_id)
        other_answers = other.versions[-1].version.document.get("answers", {})
        if other_answers.get("test_id") == test_id:
            partner = source.from_detail(other, with_earlier=False)
            break
    test, control = (report, partner) if role == "test" else (partner, report)
    return ReportDoorTest(str(test_id), test, control, report.venue)


def _pair_view(pair: ReportDoorTest, lang: Language) -> PairView:
    outcome = pair_outcome(pair)
    if outcome is None:
        return PairView(pair, "", "", None)
    return PairView(
        pair, outcome.result.value, local(outcome.explanation, lang), outcome.gap_minutes
    )
