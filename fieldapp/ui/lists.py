"""Item models for the home screen's lists: assignments, drafts, outbox, sent, returned.

Each is a `QAbstractTableModel` over a row cache of plain records from the store. The
inspection lists load page by page (`canFetchMore`/`fetchMore`) through a loader that
runs on the task runner, so a profile with 100,000 inspections opens as fast as one with
ten. Status texts are plain sentences: why something is not sent yet, what the
supervisor said.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from fieldapp.app.inspections import AssignmentRow, LocalInspectionSummary, OutboxState
from fieldapp.core.forms import LocalText
from fieldapp.core.inspection import InspectionStatus

ModelIndex = QModelIndex | QPersistentModelIndex

#: The record behind a row (an `LocalInspectionSummary` or an `AssignmentRow`).
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1

PAGE = 200

#: Loads `limit` rows from `offset` and calls back with them (on the UI thread).
PageLoader = Callable[[int, int, Callable[[list[LocalInspectionSummary]], None]], None]


def when(moment: datetime | date | None) -> str:
    """A date, with the time for today and yesterday only: what people scan for."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        local = moment.astimezone() if moment.tzinfo else moment
        today = datetime.now(local.tzinfo).date()
        if local.date() == today:
            return QCoreApplication.translate("Lists", "today") + local.strftime(" %H:%M")
        if (today - local.date()).days == 1:
            return QCoreApplication.translate("Lists", "yesterday") + local.strftime(" %H:%M")
        return local.strftime("%d-%m-%Y %H:%M")
    return moment.strftime("%d-%m-%Y")


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


class InspectionTableModel(QAbstractTableModel):
    """Inspections of one status, most recently changed first, loaded page by page."""

    def __init__(
        self,
        loader: PageLoader,
        form_titles: Mapping[str, LocalText],
        language: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._loader = loader
        self._titles = dict(form_titles)
        self.language = language
        self._rows: list[LocalInspectionSummary] = []
        self._complete = False
        self._loading = False
        self._generation = 0
        #: True once the first page arrived (an empty list is then really empty).
        self.loaded_once = False

    # -- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Forget the cache and load the first page again."""
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._complete = False
        self._loading = False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._complete and not self._loading

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._complete or self._loading:
            return
        self._loading = True
        generation = self._generation
        self._loader(len(self._rows), PAGE, lambda rows: self._arrived(generation, rows))

    def _arrived(self, generation: int, rows: list[LocalInspectionSummary]) -> None:
        if generation != self._generation:
            return  # an answer to a load that a reload replaced
        self._loading = False
        if len(rows) < PAGE:
            self._complete = True
        if rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.loaded_once = True

    @property
    def loading(self) -> bool:
        return self._loading

    def record(self, row: int) -> LocalInspectionSummary:
        return self._rows[row]

    def set_language(self, language: str) -> None:
        self.language = language
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(InspectionColumn) - 1)
            )
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(InspectionColumn) - 1)

    # -- the model -------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(InspectionColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = {
            InspectionColumn.FORM: QCoreApplication.translate("Lists", "Checklist"),
            InspectionColumn.SUBJECT: QCoreApplication.translate("Lists", "Venue or area"),
            InspectionColumn.STATUS: QCoreApplication.translate("Lists", "Status"),
            InspectionColumn.FINDINGS: QCoreApplication.translate("Lists", "Findings"),
            InspectionColumn.UPDATED: QCoreApplication.translate("Lists", "Last change"),
        }
        return names.get(InspectionColumn(section)) if 0 <= section < len(names) else None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        summary = self._rows[index.row()]
        column = InspectionColumn(index.column())
        if role == RECORD_ROLE:
            return summary
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(summary, column)
        if role == Qt.ItemDataRole.ToolTipRole and column is InspectionColumn.STATUS:
            return self._text(summary, column)
        return None

    def _text(self, summary: LocalInspectionSummary, column: InspectionColumn) -> str:
        if column is InspectionColumn.FORM:
            return local(self._titles.get(summary.form_id), self.language) or summary.form_id
        if column is InspectionColumn.SUBJECT:
            return summary.venue_name or summary.area_name or ""
        if column is InspectionColumn.STATUS:
            return status_text(summary)
        if column is InspectionColumn.FINDINGS:
            count = len(summary.outcomes)
            if summary.status is InspectionStatus.DRAFT and not count:
                return ""
            return QCoreApplication.translate("Lists", "%n finding(s)", "", count)
        return when(summary.updated_at)


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
        comments = "; ".join(review.comments.values())
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


class AssignmentTableModel(QAbstractTableModel):
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
        super().__init__(parent)
        self._titles = dict(form_titles)
        self.language = language
        self._rows: list[AssignmentRow] = []
        self._show_assignee = show_assignee
        self._people = dict(people or {})

    def set_people(self, people: Mapping[str, str]) -> None:
        """Display names by user name (and team names by id) for the 'assigned to' column."""
        self._people = dict(people)

    def set_rows(self, rows: Sequence[AssignmentRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def record(self, row: int) -> AssignmentRow:
        return self._rows[row]

    def set_language(self, language: str) -> None:
        self.beginResetModel()
        self.language = language
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(AssignmentColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = {
            AssignmentColumn.DUE: QCoreApplication.translate("Lists", "Due"),
            AssignmentColumn.FORM: QCoreApplication.translate("Lists", "Checklist"),
            AssignmentColumn.SUBJECT: QCoreApplication.translate("Lists", "Venue or area"),
            AssignmentColumn.NOTE: QCoreApplication.translate("Lists", "Instructions"),
            AssignmentColumn.PROGRESS: QCoreApplication.translate("Lists", "Assigned to")
            if self._show_assignee
            else QCoreApplication.translate("Lists", "State"),
        }
        return names.get(AssignmentColumn(section)) if 0 <= section < len(names) else None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = AssignmentColumn(index.column())
        if role == RECORD_ROLE:
            return row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column is AssignmentColumn.NOTE:
            return self._text(row, column)
        return None

    def _text(self, row: AssignmentRow, column: AssignmentColumn) -> str:
        assignment = row.assignment
        if column is AssignmentColumn.DUE:
            return when(assignment.due)
        if column is AssignmentColumn.FORM:
            title = local(self._titles.get(assignment.form_id.value), self.language)
            if assignment.group_role is not None:
                group = (
                    QCoreApplication.translate("Lists", "test group")
                    if assignment.group_role.value == "test"
                    else QCoreApplication.translate("Lists", "control group")
                )
                title = f"{title} · {group}"
            return title or assignment.form_id.value
        if column is AssignmentColumn.SUBJECT:
            if row.venue is not None:
                return f"{row.venue.name}, {row.venue.street} {row.venue.house_number}"
            if row.area is not None:
                return row.area.name
            return ""
        if column is AssignmentColumn.NOTE:
            return local(assignment.note, self.language)
        if self._show_assignee:
            who = assignment.assignee or assignment.team or ""
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


class PersonColumn(IntEnum):
    NAME = 0
    ROLE = 1
    TEAM = 2


class TeamTableModel(QAbstractTableModel):
    """The people of the teams a supervisor leads: name (pseudonym for testers), role, team."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, str]] = []

    def set_rows(self, rows: Sequence[tuple[str, str, str]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(PersonColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = (
            QCoreApplication.translate("Lists", "Name"),
            QCoreApplication.translate("Lists", "Role"),
            QCoreApplication.translate("Lists", "Team"),
        )
        return names[section] if 0 <= section < len(names) else None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._rows[index.row()][index.column()]
        return None


class FormColumn(IntEnum):
    TITLE = 0
    VERSION = 1
    QUESTIONS = 2
    FINDINGS = 3
    WHO = 4


class FormTableModel(QAbstractTableModel):
    """The checklists in use: title, version, how many questions and possible findings."""

    def __init__(self, language: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self._rows: list[tuple[str, LocalText, str, int, int, str]] = []

    def set_rows(self, rows: Sequence[tuple[str, LocalText, str, int, int, str]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def form_id(self, row: int) -> str:
        return self._rows[row][0]

    def set_language(self, language: str) -> None:
        self.beginResetModel()
        self.language = language
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FormColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = (
            QCoreApplication.translate("Lists", "Checklist"),
            QCoreApplication.translate("Lists", "Version"),
            QCoreApplication.translate("Lists", "Questions"),
            QCoreApplication.translate("Lists", "Possible findings"),
            QCoreApplication.translate("Lists", "Filled in by"),
        )
        return names[section] if 0 <= section < len(names) else None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        form_id, title, version, questions, findings, who = self._rows[index.row()]
        column = FormColumn(index.column())
        if column is FormColumn.TITLE:
            return local(title, self.language) or form_id
        if column is FormColumn.VERSION:
            return version
        if column is FormColumn.QUESTIONS:
            return str(questions)
        if column is FormColumn.FINDINGS:
            return str(findings)
        return who
