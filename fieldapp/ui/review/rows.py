"""How the review screens draw their rows: inbox cards of two lines, answers that wrap.

The inbox pane is narrow next to the detail, so each inspection is one card instead of six
squeezed columns: the venue and the date of the last activity on the first line; checklist
· officer on the second, with the status and a coloured mark for the signals (the worst
one's colour, with how many) at its right. The full list of signals is in the row's
tooltip and in the detail.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from fieldapp.protocol.models import InspectionSummary
from fieldapp.ui.models import RECORD_ROLE
from fieldapp.ui.review.inbox import SEVERITY_ROLE, InboxColumn, InboxModel
from fieldapp.ui.theme import current_colours

ModelIndex = QModelIndex | QPersistentModelIndex

#: Space around a card's text, and between its two lines.
PADDING = 10
GAP = 3


class InboxCardDelegate(QStyledItemDelegate):
    """Paints an inbox row (its venue column; the view hides the others) as a two-line card."""

    def row_height(self, font: QFont) -> int:
        bold = QFont(font)
        bold.setWeight(QFont.Weight.DemiBold)
        return QFontMetrics(bold).height() + GAP + QFontMetrics(font).height() + 2 * PADDING

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        return QSize(320, self.row_height(option.font))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget: QWidget | None = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        # Background and selection as the style draws them, without the venue's text.
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        summary = index.data(RECORD_ROLE)
        if not isinstance(summary, InspectionSummary):
            return
        colours = current_colours()

        def text(column: InboxColumn) -> str:
            return str(index.model().index(index.row(), column).data() or "")

        rect: QRect = opt.rect.adjusted(PADDING + 2, PADDING, -PADDING - 2, -PADDING)
        font = QFont(opt.font)
        bold = QFont(font)
        bold.setWeight(QFont.Weight.DemiBold)
        plain, strong = QFontMetrics(font), QFontMetrics(bold)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)

        # Line 1: the venue, and at the right the date of the last activity.
        top = QRect(rect.left(), rect.top(), rect.width(), strong.height())
        received = text(InboxColumn.RECEIVED)
        received_width = plain.horizontalAdvance(received) + 2
        painter.setFont(font)
        painter.setPen(QColor(colours.muted))
        painter.drawText(top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, received)
        room = top.width() - received_width - 12
        painter.setPen(QColor(colours.text))
        painter.setFont(bold)
        venue = text(InboxColumn.VENUE) or text(InboxColumn.FORM)
        painter.drawText(
            QRect(top.left(), top.top(), room, top.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            strong.elidedText(venue, Qt.TextElideMode.ElideRight, room),
        )

        # Line 2: checklist · officer; at the right the status in its colour and the mark
        # for the signals (the worst one's colour, with how many there are).
        line = QRect(rect.left(), top.bottom() + 1 + GAP, rect.width(), plain.height())
        right = line.right()
        severity = index.data(SEVERITY_ROLE)
        if severity and summary.outcomes:
            background, foreground = colours.severity.get(str(severity), ("#dde9f7", "#173f6b"))
            count = str(len(summary.outcomes))
            height = line.height()
            badge_width = max(strong.horizontalAdvance(count) + 14, height + 4)
            badge = QRect(right - badge_width + 1, line.top(), badge_width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(background))
            painter.drawRoundedRect(badge, height / 2, height / 2)
            painter.setPen(QColor(foreground))
            painter.setFont(bold)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, count)
            right = badge.left() - 8
        painter.setFont(font)
        status = text(InboxColumn.STATUS)
        status_colour = {
            "sent": colours.accent,
            "returned": colours.severity.get("attention", ("", colours.danger))[1],
            "approved": colours.ok,
        }.get(summary.status.value, colours.muted)
        status_width = min(plain.horizontalAdvance(status) + 2, (right - line.left()) // 2)
        painter.setPen(QColor(status_colour))
        painter.drawText(
            QRect(right - status_width + 1, line.top(), status_width, line.height()),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            plain.elidedText(status, Qt.TextElideMode.ElideRight, status_width),
        )
        model = index.model()
        visit = model.visit(summary) if isinstance(model, InboxModel) else text(InboxColumn.FORM)
        facts = " · ".join(part for part in (visit, text(InboxColumn.AUTHOR)) if part)
        room = right - status_width - 12 - line.left()
        painter.setPen(QColor(colours.muted))
        painter.drawText(
            QRect(line.left(), line.top(), room, line.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            plain.elidedText(facts, Qt.TextElideMode.ElideRight, room),
        )
        painter.restore()


class WrappingDelegate(QStyledItemDelegate):
    """Gives tree rows the height their text needs at the column's width, so it wraps.

    A QTreeView asks each column's delegate for a size without telling it the column's
    width; this one measures against the header's section width (less the indentation in
    the first column), so long questions and answers show in full over several lines.
    """

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text: str = opt.text
        if not text:
            return size
        width = self.view.header().sectionSize(index.column())
        if index.column() == 0:
            depth, parent = 0, index.parent()
            while parent.isValid():
                depth, parent = depth + 1, parent.parent()
            width -= self.view.indentation() * (depth + (1 if self.view.rootIsDecorated() else 0))
        style = self.view.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.view) + 1
        if opt.features & QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator:
            # The comment column's reopen box takes its share of the width.
            width -= style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, self.view)
            width -= 2 * margin
        width = max(40, width - 2 * margin - 4)
        metrics = QFontMetrics(opt.font)
        needed = metrics.boundingRect(
            QRect(0, 0, width, 100_000), int(Qt.TextFlag.TextWordWrap), text
        ).height()
        return QSize(size.width(), max(size.height(), needed + 6))
