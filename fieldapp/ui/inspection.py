"""One inspection on screen: the form runner wired to the store.

A draft opens where the person left it and saves every change through the store. A
finalized, sent or returned inspection opens read-only; a returned one shows the
supervisor's comments and can be turned into a correction. Closing waits until every
change is saved; finalizing runs the store's finalize and locks the version.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from fieldapp.app.inspections import OpenedInspection, StoreAnswerSink
from fieldapp.app.maps import find_map_tiles
from fieldapp.app.session import SignedIn
from fieldapp.core.inspection import InspectionStatus, PhotoPosition
from fieldapp.ui.context import AppContext
from fieldapp.ui.devices import last_known_position
from fieldapp.ui.errors import describe
from fieldapp.ui.runner.autosave import SaveState
from fieldapp.ui.runner.runner import FormRunner, Position
from fieldapp.ui.runner.services import RunnerServices
from fieldapp.ui.runner.sink import AnswerSink
from fieldapp.ui.widgets import make_button, make_label


class InspectionScreen(QWidget):
    """Signals:
    closed(): the person left the form and everything is saved.
    finalized(str): the inspection was finalized (its id); it waits in the outbox.
    correction_requested(str): the person wants to correct this returned inspection.
    """

    closed = Signal()
    finalized = Signal(str)
    correction_requested = Signal(str)

    def __init__(
        self,
        context: AppContext,
        signed: SignedIn,
        opened: OpenedInspection,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.signed = signed
        self.opened = opened
        self.setObjectName("inspection")
        self._closing = False
        self._finalizing = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        summary = opened.summary
        self.banner = QFrame()
        self.banner.setObjectName("inspection_banner")
        self.banner.setProperty("role", "notice")
        banner = QHBoxLayout(self.banner)
        banner.setContentsMargins(20, 10, 14, 10)
        self.banner_text = make_label()
        self.correct = make_button(role="primary")
        self.correct.setObjectName("start_correction")
        self.correct.clicked.connect(lambda: self.correction_requested.emit(opened.inspection_id))
        banner.addWidget(self.banner_text, 1)
        banner.addWidget(self.correct)
        self.correct.setVisible(summary.status is InspectionStatus.RETURNED)
        layout.addWidget(self.banner)

        services = RunnerServices(
            tasks=context.tasks,
            venues=signed.venues,
            devices=context.devices,
            photo_files=context.photo_files,
            clock=context.clock,
            map_tiles=find_map_tiles(context.home),
            read_only=not opened.editable,
            editable=opened.reopened,
        )
        # A photo is stamped with the device's last known position when it has one; a
        # machine without a position source is not asked (its plugins only complain).
        devices = context.devices

        def device_position() -> PhotoPosition | None:
            return last_known_position() if devices.position else None

        sink: AnswerSink = StoreAnswerSink(signed.profile, opened.inspection_id, device_position)
        start = None
        if opened.position is not None:
            position = opened.position
            start = Position(position.page, position.question, position.row)
        self.runner = FormRunner(
            opened.session,
            sink,
            services,
            context.language,
            subject=opened.subject,
            start=start,
            comments=opened.comments,
            replies=opened.replies,
            instructions=opened.instructions,
            history=opened.history,
            carried=opened.carried,
        )
        self.runner.close_requested.connect(self.close_inspection)
        self.runner.finalize_requested.connect(self._finalize)
        layout.addWidget(self.runner, 1)
        self.retranslate()

    @property
    def inspection_id(self) -> str:
        return self.opened.inspection_id

    def close_inspection(self) -> None:
        """Leave once every change is saved (at once when nothing is waiting)."""
        autosave = self.runner.autosave
        if autosave.idle:
            self.closed.emit()
            return
        if not self._closing:
            self._closing = True
            autosave.state_changed.connect(self._saved_while_closing)

    def _saved_while_closing(self, state: SaveState) -> None:
        if state is SaveState.SAVED and self._closing:
            self._closing = False
            self.closed.emit()

    def _finalize(self) -> None:
        if self._finalizing:
            return
        self._finalizing = True
        autosave = self.runner.autosave
        if autosave.idle:
            self._run_finalize()
        else:
            # Changes still waiting in the autosave queue go first.
            autosave.state_changed.connect(self._saved_before_finalize)

    def _saved_before_finalize(self, state: SaveState) -> None:
        if state is SaveState.SAVING or not self._finalizing:
            return
        self.runner.autosave.state_changed.disconnect(self._saved_before_finalize)
        if state is SaveState.SAVED:
            self._run_finalize()
        else:
            self._finalizing = False

    def _run_finalize(self) -> None:
        profile = self.signed.profile
        inspection_id = self.opened.inspection_id
        self.context.tasks.run(
            lambda: profile.finalize(inspection_id),
            lambda _version: self._finalized(),
            self._refused,
            serial=True,
            context=self,
        )

    def _finalized(self) -> None:
        self._finalizing = False
        self.finalized.emit(self.opened.inspection_id)

    def _refused(self, error: BaseException) -> None:
        self._finalizing = False
        self.banner.show()
        self.banner.setProperty("role", "notice_error")
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner_text.setText(
            self.tr("Not finalized: %1").replace(
                "%1", describe(error, self.context.language, self.context.log_file)
            )
        )
        self.runner.show_summary()

    def set_language(self, language: str) -> None:
        self.runner.set_language(language)
        self.retranslate()

    def retranslate(self) -> None:
        opened = self.opened
        summary = opened.summary
        review = summary.review
        text = ""
        if summary.status is InspectionStatus.RETURNED:
            said = (review.comment if review else None) or self.tr("see the comments below")
            who = review.reviewer if review else ""
            text = self.tr("Returned by %1: %2").replace("%1", who).replace("%2", said)
        elif summary.is_correction:
            text = self.tr(
                "Correction: only the questions your supervisor commented on can be changed."
            )
        elif summary.status is InspectionStatus.FINALIZED:
            text = self.tr("Finalized: waiting to be sent. It can no longer be changed.")
        elif summary.status is InspectionStatus.SENT:
            text = self.tr("Sent. This is the version that was sent; it cannot be changed.")
        elif summary.status is InspectionStatus.APPROVED:
            text = self.tr("Approved by your supervisor.")
        self.banner_text.setText(text)
        self.banner.setVisible(bool(text))
        self.correct.setText(self.tr("Correct it…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
