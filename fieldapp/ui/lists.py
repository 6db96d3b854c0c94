"""Item models for the home screens' lists: assignments, drafts, outbox, sent, returned,
and the supervisor's team and checklists.

Each declares its columns on `fieldapp.ui.models`. The inspection lists are paged
(`PagedTableModel`): their page source runs the store's query, filter included, on the
task runner, so a profile with 100,000 inspections opens as fast as one with ten and the
count beside a list is the number of rows in it. Status texts are plain sentences: why
something is not sent yet, what the supervisor said.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import IntEnum

from PySide6.QtCore import QCoreApplication, QObject

from fieldapp.app.inspections import AssignmentRow, LocalInspectionSummary, OutboxState
from fieldapp.core.forms import LocalText
from fieldapp.core.inspection import InspectionStatus
from fieldapp.ui.dates import short_date, short_date_time, short_time
from fieldapp.ui.models import Column, LoadedTableModel, PagedTableModel, PageSource, ordered


def when(moment: datetime | date | None) -> str:
    """A date, with the time for today and yesterday only: what people scan for."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        local = moment.astimezone() if moment.tzinfo else moment
        today = datetime.now(local.tzinfo).date()
        if local.date() == today:
            # Outside an f-string, where pyside6-lupdate finds the text to translate.
            return QCoreApplication.translate("Lists", "today") + " " + short_time(local)
        if (today - local.date()).days == 1:
            return QCoreApplication.translate("Lists", "yesterday") + " " + short_time(local)
        return short_date_time(local)
    return short_date(moment)


def local(text: LocalText | None, language: str) -> str:
    if not text:
        return ""
    return text.get(language) or next(iter(text.values()))


class InspectionColumn(IntEnum):
    FORM = 0
    SUBJECT = 1
    STATUS = 2
    FINDINGS = 3
    UPDATED = 4


class InspectionTableModel(PagedTableModel[LocalInspectionSummary, int]):
    """Inspections of one status, most recently changed first, fetched page by page.

    The cursor of a page is the offset of its first row in the query.
    """

    def __init__(
        self,
        source: PageSource[LocalInspectionSummary, int],
        form_titles: Mapping[str, LocalText],
        language: str,
        parent: QObject | None = None,
        *,
        finding_titles: Mapping[str, Mapping[str, LocalText]] | None = None,
    ) -> None:
        self._titles = dict(form_titles)
        #: Each form's findings by name: the short title a row shows of its first finding.
        self._finding_titles = {form: dict(names) for form, names in (finding_titles or {}).items()}
        self.language = language

        super().__init__(
            ordered(
                {
                    InspectionColumn.FORM: Column(
                        lambda: QCoreApplication.translate("Lists", "Checklist"), self._form
                    ),
                    InspectionColumn.SUBJECT: Column(
                        lambda: QCoreApplication.translate("Lists", "Venue or area"),
                        lambda summary: summary.venue_name or summary.area_name or "",
                    ),
                    InspectionColumn.STATUS: Column(
                        lambda: QCoreApplication.translate("Lists", "Status"),
                        status_text,
                        tooltip=status_text,
                    ),
                    InspectionColumn.FINDINGS: Column(
                        lambda: QCoreApplication.translate("Lists", "Findings"),
                        self._findings,
                        sort_key=lambda summary: len(findings_of(summary)),
                        tooltip=self._all_findings,
                    ),
                    InspectionColumn.UPDATED: Column(
                        lambda: QCoreApplication.translate("Lists", "Last change"),
                        lambda summary: when(summary.updated_at),
                        sort_key=lambda summary: summary.updated_at,
                    ),
                }
            ),
            source,
            parent=parent,
        )

    def set_language(self, language: str) -> None:
        self.language = language
        self.refresh_texts()

    def _form(self, summary: LocalInspectionSummary) -> str:
        return local(self._titles.get(summary.form_id), self.language) or summary.form_id

    def _finding_title(self, summary: LocalInspectionSummary, name: str) -> str:
        titles = self._finding_titles.get(summary.form_id, {})
        return local(titles.get(name), self.language) or name

    def _findings(self, summary: LocalInspectionSummary) -> str:
        """'2 findings · Stock over the limit': how many, and the most severe one."""
        names = findings_of(summary)
        if summary.status is InspectionStatus.DRAFT and not names:
            return ""  # nothing found so far: an empty cell, not "0 findings" on every draft
        found = len(names)  # a plain name: pyside6-lupdate sees the plural only so
        count = QCoreApplication.translate("Lists", "%n finding(s)", "", found)
        if not names:
            return count
        return f"{count} · {self._finding_title(summary, names[0])}"

    def _all_findings(self, summary: LocalInspectionSummary) -> str:
        return "\n".join(self._finding_title(summary, name) for name in findings_of(summary))


def findings_of(summary: LocalInspectionSummary) -> tuple[str, ...]:
    """The findings a row shows, most severe first: a draft's own so far (a correction's
    too), else those of the latest finalized version."""
    if summary.status is InspectionStatus.DRAFT:
        return summary.draft_outcomes or ()
    return summary.outcomes


def status_text(summary: LocalInspectionSummary) -> str:
    """Where an inspection stands, in plain words, with the reason when it is stuck."""
    status = summary.status
    if status is InspectionStatus.DRAFT:
        if summary.is_correction:
            return QCoreApplication.translate("Lists", "Correction in progress")
        return QCoreApplication.translate("Lists", "Draft: continue where you left off")
    if status is InspectionStatus.FINALIZED:
        outbox = summary.outbox
        if outbox is None or outbox.attempts == 0:
            return QCoreApplication.translate("Lists", "Waiting to be sent at the next sync")
        reason = outbox.last_error or QCoreApplication.translate("Lists", "no reason given")
        if outbox.state is OutboxState.HELD:
            return QCoreApplication.translate(
                "Lists", "Not accepted by the central store: %1. Ask your supervisor what to do."
            ).replace("%1", reason)
        return (
            QCoreApplication.translate(
                "Lists", "Sending failed (%1 attempts): %2. It is tried again automatically."
            )
            .replace("%1", str(outbox.attempts))
            .replace("%2", reason)
        )
    if status is InspectionStatus.SENT:
        sent = summary.outbox.sent_at if summary.outbox else None
        return (
            QCoreApplication.translate("Lists", "Sent %1").replace("%1", when(sent))
            if sent
            else QCoreApplication.translate("Lists", "Sent")
        )
    if status is InspectionStatus.RETURNED:
        review = summary.review
        if review is None:
            return QCoreApplication.translate("Lists", "Returned for correction")
        # A question reopened without a comment has an empty text.
        comments = "; ".join(text for text in review.comments.values() if text)
        said = review.comment or comments or QCoreApplication.translate("Lists", "no comment")
        return (
            QCoreApplication.translate("Lists", "Returned by %1: %2")
            .replace("%1", review.reviewer)
            .replace("%2", said)
        )
    if status is InspectionStatus.APPROVED:
        return QCoreApplication.translate("Lists", "Approved")
    return status.value


class AssignmentColumn(IntEnum):
    DUE = 0
    FORM = 1
    SUBJECT = 2
    NOTE = 3
    PROGRESS = 4


class AssignmentTableModel(LoadedTableModel[AssignmentRow]):
    """Assignments from the centre, by due date, with how far each one is."""

    def __init__(
        self,
        form_titles: Mapping[str, LocalText],
        language: str,
        *,
        show_assignee: bool = False,
        people: Mapping[str, str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        self._titles = dict(form_titles)
        self.language = language
        self._show_assignee = show_assignee
        self._people = dict(people or {})
        super().__init__(
            ordered(
                {
                    AssignmentColumn.DUE: Column(
                        lambda: QCoreApplication.translate("Lists", "Due"),
                        lambda row: when(row.assignment.due),
                        sort_key=lambda row: row.assignment.due,
                    ),
                    AssignmentColumn.FORM: Column(
                        lambda: QCoreApplication.translate("Lists", "Checklist"), self._form
                    ),
                    AssignmentColumn.SUBJECT: Column(
                        lambda: QCoreApplication.translate("Lists", "Venue or area"), subject
                    ),
                    AssignmentColumn.NOTE: Column(
                        lambda: QCoreApplication.translate("Lists", "Instructions"),
                        self._note,
                        tooltip=self._note,
                    ),
                    AssignmentColumn.PROGRESS: Column(self._progress_header, self._progress),
                }
            ),
            parent=parent,
        )

    def set_people(self, people: Mapping[str, str]) -> None:
        """Display names by user name (and team names by id) for the 'assigned to' column."""
        self._people = dict(people)
        self.refresh_texts()

    def set_language(self, language: str) -> None:
        self.language = language
        self.refresh_texts()

    def _form(self, row: AssignmentRow) -> str:
        assignment = row.assignment
        title = local(self._titles.get(assignment.form_id.value), self.language)
        if assignment.group_role is not None:
            group = (
                QCoreApplication.translate("Lists", "test group")
                if assignment.group_role.value == "test"
                else QCoreApplication.translate("Lists", "control group")
            )
            title = f"{title} · {group}"
        return title or assignment.form_id.value

    def _note(self, row: AssignmentRow) -> str:
        return local(row.assignment.note, self.language)

    def _progress_header(self) -> str:
        if self._show_assignee:
            return QCoreApplication.translate("Lists", "Assigned to")
        return QCoreApplication.translate("Lists", "State")

    def _progress(self, row: AssignmentRow) -> str:
        if self._show_assignee:
            who = row.assignment.assignee or row.assignment.team or ""
            return self._people.get(who, who)
        inspection = row.inspection
        if inspection is None:
            return QCoreApplication.translate("Lists", "Not started")
        return {
            InspectionStatus.DRAFT: QCoreApplication.translate("Lists", "Started"),
            InspectionStatus.FINALIZED: QCoreApplication.translate(
                "Lists", "Finalized, waiting to be sent"
            ),
            InspectionStatus.SENT: QCoreApplication.translate("Lists", "Sent"),
            InspectionStatus.RETURNED: QCoreApplication.translate(
                "Lists", "Returned for correction"
            ),
            InspectionStatus.APPROVED: QCoreApplication.translate("Lists", "Approved"),
        }[inspection.status]


def subject(row: AssignmentRow) -> str:
    """Where an assignment takes place: the venue with its address, or the area."""
    if row.venue is not None:
        return f"{row.venue.name}, {row.venue.street} {row.venue.house_number}"
    if row.area is not None:
        return row.area.name
    return ""


class PersonColumn(IntEnum):
    NAME = 0
    ROLE = 1
    TEAM = 2


#: A team member as the supervisor's overview lists them: name, role, team.
TeamMember = tuple[str, str, str]


class TeamTableModel(LoadedTableModel[TeamMember]):
    """The people of the teams a supervisor leads: name (pseudonym for testers), role, team."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            ordered(
                {
                    PersonColumn.NAME: Column(
                        lambda: QCoreApplication.translate("Lists", "Name"),
                        lambda member: member[PersonColumn.NAME],
                    ),
                    PersonColumn.ROLE: Column(
                        lambda: QCoreApplication.translate("Lists", "Role"),
                        lambda member: member[PersonColumn.ROLE],
                    ),
                    PersonColumn.TEAM: Column(
                        lambda: QCoreApplication.translate("Lists", "Team"),
                        lambda member: member[PersonColumn.TEAM],
                    ),
                }
            ),
            parent=parent,
        )


class FormColumn(IntEnum):
    TITLE = 0
    VERSION = 1
    QUESTIONS = 2
    FINDINGS = 3
    WHO = 4


#: A checklist as the supervisor's overview lists it: form id, title, version, how many
#: questions and possible findings, and who fills it in.
FormInUse = tuple[str, LocalText, str, int, int, str]


class FormTableModel(LoadedTableModel[FormInUse]):
    """The checklists in use: title, version, how many questions and possible findings."""

    def __init__(self, language: str, parent: QObject | None = None) -> None:
        self.language = language
        super().__init__(
            ordered(
                {
                    FormColumn.TITLE: Column(
                        lambda: QCoreApplication.translate("Lists", "Checklist"),
                        lambda form: local(form[1], self.language) or form[0],
                    ),
                    FormColumn.VERSION: Column(
                        lambda: QCoreApplication.translate("Lists", "Version"),
                        lambda form: form[2],
                    ),
                    FormColumn.QUESTIONS: Column(
                        lambda: QCoreApplication.translate("Lists", "Questions"),
                        lambda form: str(form[3]),
                        sort_key=lambda form: form[3],
                    ),
                    FormColumn.FINDINGS: Column(
                        lambda: QCoreApplication.translate("Lists", "Possible findings"),
                        lambda form: str(form[4]),
                        sort_key=lambda form: form[4],
                    ),
                    FormColumn.WHO: Column(
                        lambda: QCoreApplication.translate("Lists", "Filled in by"),
                        lambda form: form[5],
                    ),
                }
            ),
            parent=parent,
        )

    def form_id(self, row: int) -> str:
        return self.record(row)[0]

    def set_language(self, language: str) -> None:
        self.language = language
        self.refresh_texts()
