"""The section list beside the form: one row per page and one for the summary.

A real item model (checked with qtmodeltester): the title, how far the page is, and
whether it applies. Pages that do not apply (their group is not relevant) are hidden by
the view, not removed, so row numbers stay the page numbers.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from fieldapp.core.forms import Severity
from fieldapp.ui.runner.progress import Progress
from fieldapp.ui.theme import TOUCH, current_colours

ModelIndex = QModelIndex | QPersistentModelIndex

#: The page's key (its group name), or "" for the summary row.
PAGE_KEY_ROLE = Qt.ItemDataRole.UserRole + 1
#: True when the page's group is relevant.
APPLIES_ROLE = Qt.ItemDataRole.UserRole + 2
#: The page's `Progress`.
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 3


class SectionListModel(QAbstractListModel):
    """Pages and the summary, with a status line per page."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keys: list[str] = []
        self._titles: list[str] = []
        self._applies: list[bool] = []
        self._progress: list[Progress] = []
        self._summary_title = ""

    def set_pages(self, keys: list[str], titles: list[str], summary_title: str) -> None:
        self.beginResetModel()
        self._keys = list(keys)
        self._titles = list(titles)
        self._applies = [True] * len(keys)
        self._progress = [Progress()] * len(keys)
        self._summary_title = summary_title
        self.endResetModel()

    def set_titles(self, titles: list[str], summary_title: str) -> None:
        self._titles = list(titles)
        self._summary_title = summary_title
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0))

    def update_page(self, row: int, applies: bool, progress: Progress) -> bool:
        """Store a page's state; True when it changed."""
        if self._applies[row] == applies and self._progress[row] == progress:
            return False
        self._applies[row] = applies
        self._progress[row] = progress
        index = self.index(row, 0)
        self.dataChanged.emit(index, index)
        return True

    def applies(self, row: int) -> bool:
        return row >= len(self._keys) or self._applies[row]

    @property
    def summary_row(self) -> int:
        return len(self._keys)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._keys) + (1 if self._keys else 0)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if self.applies(index.row()):
            flags |= Qt.ItemFlag.ItemIsEnabled
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        row = index.row()
        summary = row == len(self._keys)
        if role == Qt.ItemDataRole.DisplayRole:
            if summary:
                return self._summary_title
            return f"{self._titles[row]}\n{self._status(row)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if summary:
                return self._summary_title
            return f"{self._titles[row]}, {self._status(row)}"
        if role == PAGE_KEY_ROLE:
            return "" if summary else self._keys[row]
        if role == APPLIES_ROLE:
            return self.applies(row)
        if role == PROGRESS_ROLE:
            return None if summary else self._progress[row]
        return None

    def _status(self, row: int) -> str:
        if not self._applies[row]:
            return self.tr("does not apply")
        progress = self._progress[row]
        if progress.invalid:
            return self.tr("%n answer(s) not allowed", "", progress.invalid)
        if progress.missing:
            return self.tr("%n required question(s) open", "", progress.missing)
        if not progress.total:
            return self.tr("nothing to fill in yet")
        if progress.answered == progress.total:
            return "✓ " + self.tr("complete")
        return (
            self.tr("%1 of %2 answered")
            .replace("%1", str(progress.answered))
            .replace("%2", str(progress.total))
        )


class SectionDelegate(QStyledItemDelegate):
    """Draws a section as a title over a coloured status line, with room for a finger."""

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        lines = 1 if index.data(PAGE_KEY_ROLE) == "" else 2
        width = max(120, option.rect.width() or 260)
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "").split("\n")[0]
        title_height = metrics.boundingRect(
            0, 0, width - 32, 1000, Qt.TextFlag.TextWordWrap, title
        ).height()
        height = title_height + (metrics.height() if lines == 2 else 0) + 20
        return QSize(width, max(TOUCH + 8, height))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        colours = current_colours()
        painter.save()
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, QColor(colours.selected))
            painter.fillRect(rect.x(), rect.y(), 4, rect.height(), QColor(colours.accent))
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        title, _, status = text.partition("\n")
        applies = bool(index.data(APPLIES_ROLE))
        progress = index.data(PROGRESS_ROLE)
        metrics = QFontMetrics(option.font)
        inner = rect.adjusted(16, 8, -12, -8)
        font = QFont(option.font)
        font.setBold(selected)
        painter.setFont(font)
        painter.setPen(QColor(colours.text if applies else colours.muted))
        title_rect = QRect(inner)
        if status:
            title_rect.setBottom(inner.bottom() - metrics.height())
        painter.drawText(
            title_rect, Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignVCenter, title
        )
        if status:
            colour = colours.muted
            if isinstance(progress, Progress) and applies:
                if progress.invalid:
                    colour = colours.danger
                elif progress.missing:
                    colour = colours.severity[Severity.ATTENTION.value][1]
                elif progress.total and progress.answered == progress.total:
                    colour = colours.ok
            small = QFont(option.font)
            small.setPointSizeF(max(8.0, option.font.pointSizeF() - 1.5))
            painter.setFont(small)
            painter.setPen(QColor(colour))
            status_rect = QRect(
                inner.x(), inner.bottom() - metrics.height() + 2, inner.width(), metrics.height()
            )
            painter.drawText(status_rect, Qt.AlignmentFlag.AlignLeft, status)
        painter.restore()
