"""The supervisor's inbox as a lazy item model over the central store's pages.

The server pages with `after`/`limit`, newest activity first, so the model grows as the
view scrolls (`canFetchMore`/`fetchMore`): opening an inbox of 100,000 inspections costs
one page, never the whole list. Rows are cached as they arrive, with their display texts
made once per row. Filters the server lacks (outcome, words) are applied to each page as
it arrives; the model keeps fetching while a page yields too few rows to fill the view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from fieldapp.app.review.desk import InboxFilter
from fieldapp.core.forms import Severity
from fieldapp.protocol.models import InspectionList, InspectionSummary
from fieldapp.ui.lists import RECORD_ROLE, when

ModelIndex = QModelIndex | QPersistentModelIndex

#: Fetches one page: (filter, after, limit, on_page, on_failure); calls back on the UI thread.
PageSource = Callable[
    [
        InboxFilter,
        str | None,
        int,
        Callable[[InspectionList], None],
        Callable[[BaseException], None],
    ],
    None,
]

# Item data: the worst `Severity` of a row's signals, or None (for the inbox's mark).
SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 21

PAGE = 200
#: A filtered page may drop most rows; keep fetching until this many rows are shown.
FILL = 60


class InboxColumn(IntEnum):
    RECEIVED = 0
    FORM = 1
    VENUE = 2
    AUTHOR = 3
    STATUS = 4
    OUTCOMES = 5


def status_name(status: str) -> str:
    names = {
        "sent": QCoreApplication.translate("Review", "To review"),
        "returned": QCoreApplication.translate("Review", "Returned"),
        "approved": QCoreApplication.translate("Review", "Approved"),
        "finalized": QCoreApplication.translate("Review", "Finalized"),
        "draft": QCoreApplication.translate("Review", "Draft"),
    }
    return names.get(status, status)


class Names:
    """What the rows show instead of ids: form titles, venue and area names, outcome labels."""

    def __init__(
        self,
        forms: Mapping[str, str] | None = None,
        venues: Mapping[str, str] | None = None,
        areas: Mapping[str, str] | None = None,
        outcomes: Mapping[str, str] | None = None,
        severities: Mapping[str, Severity] | None = None,
    ) -> None:
        self.forms = dict(forms or {})
        self.venues = dict(venues or {})
        self.areas = dict(areas or {})
        self.outcomes = dict(outcomes or {})
        # Outcome name -> how serious it is (the inbox colours its mark by the worst one).
        self.severities = dict(severities or {})

    def worst(self, summary: InspectionSummary) -> Severity | None:
        """The most serious of a row's signals (None without signals)."""
        found = [self.severities.get(name, Severity.INFO) for name in summary.outcomes]
        return max(found, key=lambda severity: severity.rank) if found else None

    def venue(self, summary: InspectionSummary) -> str:
        venue = self.venues.get(summary.venue_id or "", summary.venue_id or "")
        area = self.areas.get(summary.area_id or "", summary.area_id or "")
        return " · ".join(part for part in (venue, area) if part)

    def row_words(self, summary: InspectionSummary) -> str:
        """Everything a word search looks through for one row."""
        return " ".join(
            (
                self.forms.get(summary.form_id, summary.form_id),
                self.venue(summary),
                " ".join(self.outcomes.get(name, name) for name in summary.outcomes),
            )
        )


class InboxModel(QAbstractTableModel):
    """Rows of `InspectionSummary`, fetched page by page from a `PageSource`.

    Signals:
        loading_changed(bool): a page request started or ended.
        failed(object): a page could not be fetched (the exception).
    """

    loading_changed = Signal(bool)
    failed = Signal(object)

    def __init__(self, source: PageSource, names: Names, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._names = names
        self._filter = InboxFilter()
        self._rows: list[InspectionSummary] = []
        self._texts: list[tuple[str, ...] | None] = []
        self._after: str | None = None
        self._exhausted = True
        self._loading = False
        #: Bumped on every reset, so a late page of an earlier filter is dropped.
        self._generation = 0

    # --- loading ----------------------------------------------------------------------

    @property
    def filter(self) -> InboxFilter:
        return self._filter

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def complete(self) -> bool:
        return self._exhausted

    def set_names(self, names: Names) -> None:
        self._names = names
        self._texts = [None] * len(self._rows)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(InboxColumn) - 1)
            )

    def reload(self, wanted: InboxFilter | None = None) -> None:
        """Start over (with a new filter): drop the rows and fetch the first page."""
        self.beginResetModel()
        if wanted is not None:
            self._filter = wanted
        self._rows, self._texts = [], []
        self._after = None
        self._exhausted = False
        self._loading = False
        self._generation += 1
        self.endResetModel()
        self._fetch()

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetch()

    def _fetch(self) -> None:
        self._loading = True
        self.loading_changed.emit(True)
        generation = self._generation

        def arrived(page: InspectionList) -> None:
            if generation != self._generation:
                return
            self._loading = False
            self._append(page)
            self.loading_changed.emit(False)
            # A page thinned out by the local filters may not fill the view: go on.
            if not self._exhausted and self._filter.local and len(self._rows) < FILL:
                self._fetch()

        def refused(error: BaseException) -> None:
            if generation != self._generation:
                return
            self._loading = False
            self._exhausted = True
            self.loading_changed.emit(False)
            self.failed.emit(error)

        self._source(self._filter, self._after, PAGE, arrived, refused)

    def _append(self, page: InspectionList) -> None:
        self._after = page.next_after
        self._exhausted = page.next_after is None
        items = page.items
        if self._filter.local:
            items = [item for item in items if self._filter.matches(item, self._names.row_words)]
        if not items:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(items) - 1)
        self._rows.extend(items)
        self._texts.extend([None] * len(items))
        self.endInsertRows()

    # --- the model ----------------------------------------------------------------------

    def summary(self, row: int) -> InspectionSummary:
        return self._rows[row]

    def row_of(self, inspection_id: str) -> int | None:
        for row, item in enumerate(self._rows):
            if item.inspection_id == inspection_id:
                return row
        return None

    def replace(self, summary: InspectionSummary) -> None:
        """Show a summary's new state (after an action) without reloading the list."""
        row = self.row_of(summary.inspection_id)
        if row is None:
            return
        self._rows[row] = summary
        self._texts[row] = None
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(InboxColumn) - 1))

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(InboxColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(InboxColumn):
            return None
        titles = {
            InboxColumn.RECEIVED: QCoreApplication.translate("Review", "Last activity"),
            InboxColumn.FORM: QCoreApplication.translate("Review", "Checklist"),
            InboxColumn.VENUE: QCoreApplication.translate("Review", "Venue or area"),
            InboxColumn.AUTHOR: QCoreApplication.translate("Review", "Officer or tester"),
            InboxColumn.STATUS: QCoreApplication.translate("Review", "Status"),
            InboxColumn.OUTCOMES: QCoreApplication.translate("Review", "Signals"),
        }
        return titles[InboxColumn(section)]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == RECORD_ROLE:
            return self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts_of(index.row())[index.column()]
        if role == SEVERITY_ROLE:
            return self._names.worst(self._rows[index.row()])
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            # The whole row, signals listed in full: the inbox shows one compact card per
            # inspection, so the tooltip and a screen reader get everything at once.
            return self.description(index.row())
        return None

    def description(self, row: int) -> str:
        """One row in words: venue, then checklist, date, officer and status, then signals."""
        texts = self._texts_of(row)
        lines = [
            texts[InboxColumn.VENUE],
            " · ".join(
                text
                for text in (
                    texts[InboxColumn.FORM],
                    texts[InboxColumn.RECEIVED],
                    texts[InboxColumn.AUTHOR],
                    texts[InboxColumn.STATUS],
                )
                if text
            ),
        ]
        outcomes = self._rows[row].outcomes
        if outcomes:
            names = self._names.outcomes
            lines.append(QCoreApplication.translate("Review", "Signals:"))
            lines.extend(f"• {names.get(name, name)}" for name in outcomes)
        else:
            lines.append(QCoreApplication.translate("Review", "No signals"))
        return "\n".join(line for line in lines if line)

    def _texts_of(self, row: int) -> tuple[str, ...]:
        cached = self._texts[row]
        if cached is not None:
            return cached
        item = self._rows[row]
        names = self._names
        # A plain "%1" (not a plural "%n"): lupdate reads plurals only from self.tr().
        version = QCoreApplication.translate("Review", "version %1")
        versions = (
            f" ({version.replace('%1', str(item.version_count))})" if item.version_count > 1 else ""
        )
        texts = (
            when(item.last_received_at),
            names.forms.get(item.form_id, item.form_id),
            names.venue(item),
            item.author_name,
            status_name(item.status.value) + versions,
            ", ".join(names.outcomes.get(name, name) for name in item.outcomes),
        )
        self._texts[row] = texts
        return texts
