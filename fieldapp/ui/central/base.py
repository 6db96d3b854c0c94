"""What the planning and administration screens share: the connection, the banner, tables.

Every request runs on the task runner (`CentralPanel.call`); the widgets only show the
answer. A refusal or an unreachable store becomes the banner's plain sentence with the
server's problems listed under it, and nothing typed on the screen or in a dialog is
cleared: the person fixes it, or waits for the connection, and tries again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QDateTime, QEvent, QLocale, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.administration import CentralError, guarded
from fieldapp.app.session import SignedIn
from fieldapp.ui.context import AppContext
from fieldapp.ui.errors import describe
from fieldapp.ui.widgets import make_label, set_role, tab_leaves

T = TypeVar("T")


class Banner(QFrame):
    """A sentence about the last request, and the problems the server named under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.text = make_label()
        self.text.setObjectName("banner_text")
        layout.addWidget(self.text)
        self.problems = QListWidget()
        self.problems.setObjectName("banner_problems")
        self.problems.setMaximumHeight(160)
        layout.addWidget(self.problems)
        self.clear()

    def clear(self) -> None:
        self.text.clear()
        self.problems.clear()
        self.problems.hide()
        self.hide()

    def say(self, sentence: str, problems: Sequence[str] = (), *, error: bool = True) -> None:
        set_role(self, "notice_error" if error else "notice")
        self.text.setText(sentence)
        self.problems.clear()
        self.problems.addItems(list(problems))
        self.problems.setVisible(bool(problems))
        self.show()

    def tell(self, error: BaseException, language: str, log_file: Any = None) -> None:
        """The sentence for `error` (a bug's traceback goes to the log)."""
        problems = error.problem_lines(language) if isinstance(error, CentralError) else []
        self.say(describe(error, language, log_file), problems)


def run_central(
    context: AppContext,
    owner: QWidget,
    banner: Banner,
    work: Callable[[], T],
    on_success: Callable[[T], None],
    on_failure: Callable[[BaseException], None] | None = None,
) -> None:
    """Run `work` off the UI thread; a failure is told on `banner` (and to `on_failure`)."""

    def failed(error: BaseException) -> None:
        banner.tell(error, context.language, context.log_file)
        if on_failure is not None:
            on_failure(error)

    def succeeded(result: T) -> None:
        banner.clear()
        on_success(result)

    context.tasks.run(guarded(work), succeeded, failed, context=owner)


class CentralPanel(QWidget):
    """A tab that talks to the central store through the supervisor's or admin's line."""

    def __init__(self, context: AppContext, signed: SignedIn, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.signed = signed
        self.username = signed.user.username
        #: The review desk whose line this panel uses (made off the UI thread).
        self.desk: Any = None
        self.banner = Banner()

    def connect_central(self) -> None:
        """Make the line to the central store, then `connected()`."""
        factory = self.context.review_desk
        assert factory is not None
        signed = self.signed

        def made(desk: Any) -> None:
            self.desk = desk
            # The line lives as long as the tab: signing out deletes the home and its tabs.
            self.destroyed.connect(lambda *_: desk.close())
            self.connected()

        def gone(desk: object) -> None:
            # The tab was closed (signed out) before the line was made.
            close = getattr(desk, "close", None)
            if callable(close):
                close()

        def deliver(desk: object) -> None:
            if shiboken6.isValid(self):
                made(desk)
            else:
                gone(desk)

        def failed(error: BaseException) -> None:
            if shiboken6.isValid(self):
                self.banner.tell(error, self.context.language, self.context.log_file)

        self.context.tasks.run(lambda: factory(signed), deliver, failed)

    def connected(self) -> None:
        """The line is there: load what the panel shows."""

    def call(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        run_central(self.context, self, self.banner, work, on_success, on_failure)

    def close_line(self) -> None:
        desk, self.desk = self.desk, None
        if desk is not None:
            desk.close()

    def tab_title(self) -> str:
        return ""

    def retitle(self) -> None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QTabWidget):
            parent = parent.parentWidget()
        if isinstance(parent, QTabWidget):
            index = parent.indexOf(self)
            if index >= 0:
                parent.setTabText(index, self.tab_title())

    def retranslate(self) -> None:
        self.retitle()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.retitle()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event: Any) -> None:
        self.close_line()
        super().closeEvent(event)


#: The narrowest a column is made to let the others fit (unless its contents are narrower).
NARROWEST_COLUMN = 90


def fitted_widths(natural: Sequence[int], available: int) -> list[int]:
    """Column widths that fit `available` pixels: each column its `natural` width, but
    when together they are wider, the widest give up room first (all cut to one cap,
    never below `NARROWEST_COLUMN`), so one long name does not push the last columns out
    of sight. When even that is too wide the table scrolls sideways."""
    if sum(natural) <= available or not natural:
        return list(natural)
    floor = [min(width, NARROWEST_COLUMN) for width in natural]
    if sum(floor) >= available:
        return floor
    # The largest cap at which the columns fit: the water level over the widths.
    low, high = 0, max(natural)
    while low < high:
        cap = (low + high + 1) // 2
        if sum(max(f, min(w, cap)) for w, f in zip(natural, floor, strict=True)) <= available:
            low = cap
        else:
            high = cap - 1
    return [max(f, min(w, low)) for w, f in zip(natural, floor, strict=True)]


class TranslatedPage(QWidget):
    """A page of a central panel that follows the app's language: `retranslate` runs on
    each change and also refills what the page shows in words of its own."""

    def retranslate(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class _ColumnFitter(QObject):
    """Fits a table's columns to its width again whenever the table is resized, until the
    person drags a column to a width of their own (then until the table is filled anew)."""

    def __init__(self, table: QTableWidget) -> None:
        super().__init__(table)
        self.table = table
        self.natural: list[int] = []
        self._applying = False
        self._by_hand = False
        # The viewport, not the table: it also narrows when the vertical scroll bar appears.
        self.viewport = table.viewport()
        self.viewport.installEventFilter(self)
        table.horizontalHeader().sectionResized.connect(self._resized)

    def _resized(self, column: int, _old: int, _new: int) -> None:
        # The stretched last column follows the table's width; any other change not made
        # here is the person's.
        if not self._applying and column != self.table.horizontalHeader().count() - 1:
            self._by_hand = True

    def refit(self) -> None:
        table = self.table
        header = table.horizontalHeader()
        # Not `resizeColumnsToContents`: it leaves a stretched last column at its default
        # width, so "Aanwijzingen" was cut to "anwijzinge".
        self.natural = [
            max(table.sizeHintForColumn(column), header.sectionSizeHint(column))
            for column in range(header.count())
        ]
        self._by_hand = False
        self.apply()

    def apply(self) -> None:
        header = self.table.horizontalHeader()
        if len(self.natural) != header.count():
            return
        available = self.table.viewport().width()
        self._applying = True
        try:
            for column, width in enumerate(fitted_widths(self.natural, available)):
                header.resizeSection(column, width)
        finally:
            self._applying = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A table being destroyed still sends its viewport's last events.
        if (
            event.type() == QEvent.Type.Resize
            and watched is self.viewport
            and shiboken6.isValid(self.table)
            and not self._by_hand
        ):
            self.apply()
        return False


def fit_columns(table: QTableWidget) -> None:
    """Size `table`'s columns to their contents within its width (see `fitted_widths`);
    a cell cut short shows its whole text as a tooltip."""
    fitter = table.findChild(_ColumnFitter)
    if fitter is None:
        fitter = _ColumnFitter(table)
    fitter.refit()


def make_table(name: str, headers: Sequence[str] = ()) -> QTableWidget:
    """A read-only table with whole-row selection and touch-sized rows."""
    table = QTableWidget()
    table.setObjectName(name)
    tab_leaves(table)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(44)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    table.setAlternatingRowColors(True)
    if headers:
        set_headers(table, headers)
    return table


def set_headers(table: QTableWidget, headers: Sequence[str]) -> None:
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(list(headers))


def fill(table: QTableWidget, rows: Sequence[Sequence[str]], keys: Sequence[str]) -> None:
    """Put `rows` in `table`; each row's key is kept in its first cell (Qt.UserRole).

    The row chosen before stays chosen, by its key: filled again in the order given and then
    sorted as the person sorted it, the selection otherwise stayed on the same row number,
    another person or venue, and a button acted on that one."""
    chosen = selected_key(table)
    scrolled = table.verticalScrollBar().value()
    table.setSortingEnabled(False)
    table.setRowCount(len(rows))
    for row, (cells, key) in enumerate(zip(rows, keys, strict=True)):
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if len(text) > 12:  # may be cut short by `fit_columns`: the tooltip has it all
                item.setToolTip(text)
            if column == 0:
                item.setData(Qt.ItemDataRole.UserRole, key)
            table.setItem(row, column, item)
    table.setSortingEnabled(True)
    if chosen is not None and not select_key(table, chosen):
        table.clearSelection()
    # Choosing the row again must not scroll the list away from where the person was.
    table.verticalScrollBar().setValue(scrolled)


def selected_key(table: QTableWidget) -> str | None:
    row = table.currentRow()
    if row < 0 or not table.selectionModel().hasSelection():
        return None
    item = table.item(row, 0)
    if item is None:
        return None
    key = item.data(Qt.ItemDataRole.UserRole)
    return str(key) if key is not None else None


def select_key(table: QTableWidget, key: str) -> bool:
    for row in range(table.rowCount()):
        item = table.item(row, 0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) == key:
            table.selectRow(row)
            return True
    return False


def button_bar(*buttons: QWidget) -> QHBoxLayout:
    """Buttons in a row, left-aligned."""
    bar = QHBoxLayout()
    for button in buttons:
        bar.addWidget(button)
    bar.addStretch(1)
    return bar


def moment_text(moment: datetime) -> str:
    """A moment as the person's locale writes a short date and time."""
    stamp = QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))
    return QLocale().toString(stamp, QLocale.FormatType.ShortFormat)
