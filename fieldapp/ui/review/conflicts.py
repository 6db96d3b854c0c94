"""The held conflicts, for supervisors and administrators: what the central store kept aside.

A version that did not build on the inspection's newest version (two devices corrected
the same inspection, or a device was restored from an old backup) is refused with
`stale_base` and held on the server, so nothing anyone entered is lost. This dialog lists
them, newest first, from the review area; the request runs on the task runner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.review.desk import ReviewDesk
from fieldapp.protocol.models import HeldConflict
from fieldapp.ui.context import AppContext
from fieldapp.ui.dates import short_date_time
from fieldapp.ui.widgets import make_button, make_label, tab_leaves

log = logging.getLogger(__name__)

#: The columns, in order.
COLUMNS = ("received", "person", "checklist", "venue", "what")


class ConflictsDialog(QDialog):
    """The held conflicts of the people this supervisor (or administrator) may see."""

    def __init__(
        self,
        context: AppContext,
        desk: ReviewDesk,
        names: Mapping[str, Mapping[str, str]],
        problem_text: Callable[[BaseException, str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("held_conflicts_dialog")
        self.context = context
        self.desk = desk
        #: "people", "forms", "venues": id → what a person reads.
        self.names = names
        self._problem_text = problem_text
        self.conflicts: list[HeldConflict] | None = None
        layout = QVBoxLayout(self)
        self.explanation = make_label(role="hint")
        self.explanation.setObjectName("held_conflicts_explanation")
        layout.addWidget(self.explanation)
        self.message = make_label()
        self.message.setObjectName("held_conflicts_message")
        layout.addWidget(self.message)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("held_conflicts")
        tab_leaves(self.table)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        # The reason is a sentence: it gets the room, the dates and names what they need.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.refresh_button = make_button()
        self.refresh_button.setObjectName("held_conflicts_refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.close_button = make_button(role="primary")
        self.close_button.clicked.connect(self.accept)
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.resize(960, 520)
        self.retranslate()
        self.refresh()

    # --- loading ------------------------------------------------------------------------

    def refresh(self) -> None:
        self.refresh_button.setEnabled(False)
        self.message.setText(self.tr("Loading…"))
        self.message.show()
        self.context.tasks.run(self.desk.held_conflicts, self._loaded, self._failed, context=self)

    def _loaded(self, conflicts: list[HeldConflict]) -> None:
        self.conflicts = conflicts
        self.refresh_button.setEnabled(True)
        self._fill()

    def _failed(self, error: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.message.setText(self._problem_text(error, self.context.language))
        self.message.show()

    def _fill(self) -> None:
        conflicts = self.conflicts or []
        self.table.setRowCount(len(conflicts))
        people = self.names.get("people", {})
        forms = self.names.get("forms", {})
        venues = self.names.get("venues", {})
        for row, conflict in enumerate(conflicts):
            version = conflict.version
            # A patrol has an area instead of a venue.
            venue = version.venue_id or version.area_id or ""
            cells = (
                short_date_time(conflict.received_at.astimezone()),
                people.get(conflict.author, conflict.author),
                forms.get(version.form_id, version.form_id),
                venues.get(venue, venue),
                self.tr("Built on an older version; a newer one was already there")
                if conflict.head_version_id is not None
                else self.tr("The version it built on is not on the central store"),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, conflict.version_id)
                item.setToolTip(f"{conflict.inspection_id} / {conflict.version_id}")
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        if conflicts:
            self.message.hide()
        else:
            self.message.setText(self.tr("No held conflicts: nothing was kept aside."))
            self.message.show()

    # --- texts --------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Held conflicts"))
        self.explanation.setText(
            self.tr(
                "Versions the central store did not accept because they did not build on "
                "the newest version of their inspection (for example two devices corrected "
                "the same inspection). They are kept here so nothing is lost; ask the "
                "officer to sync and correct the inspection again if something is missing."
            )
        )
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Received"),
                self.tr("Officer"),
                self.tr("Checklist"),
                self.tr("Venue or area"),
                self.tr("Why it was kept"),
            ]
        )
        self.refresh_button.setText(self.tr("Refresh"))
        self.close_button.setText(self.tr("Close"))
        if self.conflicts is not None:
            self._fill()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
