"""Marks on a photo: arrows, circles and text labels drawn on the full-size image, undone, saved.

A boa points at what a photo proves ("this jar", "this door") without editing the evidence:
the marks are drawn with QPainter on a copy of the full-size photo, in red with a white
outline so they read on a dark doorway and on a white wall alike, and the store keeps the
photo as taken beside the annotated one (`fieldapp.store.drafts.Drafts.annotate_photo`).
The screen and the saved picture draw the same marks with the same code (`draw_marks`), in
the photo's own pixels, so what the boa saw is what is saved.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from fieldapp.ui.theme import TOUCH
from fieldapp.ui.widgets import make_button, make_label

#: Red that reads on grey street and green foliage, and a white edge for dark photos.
MARK_COLOUR = QColor("#e10600")
EDGE_COLOUR = QColor("#ffffff")


class Tool(Enum):
    """What a drag (or Enter) on the photo draws."""

    ARROW = "arrow"
    CIRCLE = "circle"
    LABEL = "label"


@dataclass(frozen=True, slots=True)
class Mark:
    """One mark in the photo's own pixels: an arrow from `start` to its tip at `end`, an
    ellipse in the box of the two, or `text` whose first letter starts at `start`."""

    tool: Tool
    start: QPointF
    end: QPointF
    text: str = ""


def stroke_width(size: QSize) -> float:
    """Lines about as thick on a 12-megapixel photo as on a screenshot, relative to it."""
    return max(3.0, max(size.width(), size.height()) / 160)


def _arrow_head(mark: Mark, width: float) -> tuple[QPointF, QPolygonF]:
    """Where the shaft ends, and the head's triangle with its tip at `mark.end`."""
    dx, dy = mark.end.x() - mark.start.x(), mark.end.y() - mark.start.y()
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    head = min(width * 5, length * 0.6)
    base = QPointF(mark.end.x() - ux * head, mark.end.y() - uy * head)
    side = head * 0.55
    left = QPointF(base.x() - uy * side, base.y() + ux * side)
    right = QPointF(base.x() + uy * side, base.y() - ux * side)
    return base, QPolygonF([mark.end, left, right])


def _label_path(mark: Mark, size: QSize) -> QPainterPath:
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(16, round(max(size.width(), size.height()) / 24)))
    path = QPainterPath()
    path.addText(mark.start, font, mark.text)
    return path


def draw_marks(painter: QPainter, marks: Sequence[Mark], size: QSize) -> None:
    """Draw `marks` for a photo of `size`, in its pixel coordinates: each first in white,
    wider, then in red on top, so the red has an edge on any background."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    width = stroke_width(size)
    for mark in marks:
        for colour, thickness in ((EDGE_COLOUR, width * 2.2), (MARK_COLOUR, width)):
            pen = QPen(
                colour,
                thickness,
                Qt.PenStyle.SolidLine,
                Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin,
            )
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            if mark.tool is Tool.ARROW:
                base, head = _arrow_head(mark, width)
                painter.drawLine(mark.start, base)
                painter.setBrush(colour)
                painter.drawPolygon(head)
            elif mark.tool is Tool.CIRCLE:
                painter.drawEllipse(QRectF(mark.start, mark.end).normalized())
            else:
                path = _label_path(mark, size)
                if colour == EDGE_COLOUR:
                    painter.strokePath(path, pen)
                else:
                    painter.fillPath(path, colour)


def annotated(image: QImage, marks: Sequence[Mark]) -> QImage:
    """A copy of the full-size `image` with `marks` drawn on it; safe on a worker thread."""
    result = image.convertToFormat(QImage.Format.Format_RGB32)
    painter = QPainter(result)
    draw_marks(painter, marks, result.size())
    painter.end()
    return result


class AnnotationCanvas(QWidget):
    """The photo fitted to the widget; a drag draws the chosen mark, Enter puts one in the
    middle (for the keyboard), and everything is kept in the photo's own pixels.

    Signals:
        changed(): a mark was added or undone.
        needs_text(): the label tool was used before any text was typed.
    """

    changed = Signal()
    needs_text = Signal()

    def __init__(self, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotation_canvas")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.image = image
        self.marks: list[Mark] = []
        self.tool = Tool.ARROW
        self.label_text: Callable[[], str] = lambda: ""
        self._pressed: QPointF | None = None
        self._dragging: QPointF | None = None
        self._scaled = QPixmap()
        self._scale = 1.0
        self._offset = QPointF(0, 0)

    # -- geometry: widget pixels <-> photo pixels ------------------------------------------

    def _fit(self) -> None:
        size = self.image.size()
        if size.isEmpty():
            return
        fitted = size.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        self._scale = fitted.width() / size.width()
        self._offset = QPointF(
            (self.width() - fitted.width()) / 2, (self.height() - fitted.height()) / 2
        )
        self._scaled = QPixmap.fromImage(
            self.image.scaled(
                fitted,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def to_photo(self, point: QPointF) -> QPointF:
        """A point of the widget in the photo's pixels, kept inside the photo."""
        x = (point.x() - self._offset.x()) / self._scale
        y = (point.y() - self._offset.y()) / self._scale
        return QPointF(
            min(max(x, 0.0), float(self.image.width())),
            min(max(y, 0.0), float(self.image.height())),
        )

    def to_widget(self, point: QPointF) -> QPointF:
        return QPointF(
            point.x() * self._scale + self._offset.x(), point.y() * self._scale + self._offset.y()
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    # -- marks -------------------------------------------------------------------------------

    def undo(self) -> None:
        if self.marks:
            self.marks.pop()
            self.update()
            self.changed.emit()

    def _mark(self, start: QPointF, end: QPointF) -> Mark | None:
        if self.tool is Tool.LABEL:
            text = self.label_text().strip()
            if not text:
                return None
            return Mark(Tool.LABEL, end, end, text)
        return Mark(self.tool, start, end)

    def _add(self, start: QPointF, end: QPointF) -> None:
        if self.tool is not Tool.LABEL:
            # A tap is not an arrow or a circle: a finger resting on the screen draws nothing.
            reach = math.hypot(end.x() - start.x(), end.y() - start.y()) * self._scale
            if reach < 8:
                return
        mark = self._mark(start, end)
        if mark is None:
            self.needs_text.emit()
            return
        self.marks.append(mark)
        self.update()
        self.changed.emit()

    def place_in_middle(self) -> None:
        """The keyboard's way to draw: the chosen mark around the middle of the photo."""
        width, height = self.image.width(), self.image.height()
        middle = QPointF(width / 2, height / 2)
        if self.tool is Tool.ARROW:
            self._add(QPointF(width * 0.3, height * 0.3), middle)
        elif self.tool is Tool.CIRCLE:
            self._add(QPointF(width * 0.35, height * 0.35), QPointF(width * 0.65, height * 0.65))
        else:
            self._add(middle, middle)

    # -- pointer and keys ----------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._pressed = self.to_photo(event.position())
            self._dragging = self._pressed

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pressed is not None and event.buttons() & Qt.MouseButton.LeftButton:
            self._dragging = self.to_photo(event.position())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._pressed is not None:
            start, self._pressed, self._dragging = self._pressed, None, None
            self._add(start, self.to_photo(event.position()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.place_in_middle()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#1b1e22"))
        if self._scaled.isNull():
            painter.end()
            return
        painter.drawPixmap(self._offset, self._scaled)
        painter.translate(self._offset)
        painter.scale(self._scale, self._scale)
        marks = list(self.marks)
        if self._pressed is not None and self._dragging is not None:
            preview = self._mark(self._pressed, self._dragging)
            if preview is not None:
                marks.append(preview)
        draw_marks(painter, marks, self.image.size())
        painter.end()


class AnnotationDialog(QDialog):
    """The photo large, the three tools, Undo, and Save or Cancel; opened window-modal."""

    def __init__(self, title: str, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotation_dialog")
        self.setWindowTitle(title)
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        self.heading = make_label(role="hint")
        self.canvas = AnnotationCanvas(image)
        self.tools = QButtonGroup(self)
        self.tools.setExclusive(True)
        self.arrow = self._tool_button("tool_arrow", Tool.ARROW)
        self.circle = self._tool_button("tool_circle", Tool.CIRCLE)
        self.label = self._tool_button("tool_label", Tool.LABEL)
        self.arrow.setChecked(True)
        self.text = QLineEdit()
        self.text.setObjectName("label_text")
        self.text.setMinimumHeight(TOUCH)
        self.text.setMaxLength(80)
        self.text.textEdited.connect(self._typing)
        self.text.returnPressed.connect(self._label_from_keyboard)
        self.canvas.label_text = self.text.text
        self.canvas.needs_text.connect(self._ask_for_text)
        self.undo = make_button()
        self.undo.setObjectName("undo_mark")
        self.undo.setMinimumSize(TOUCH, TOUCH)
        self.undo.clicked.connect(self.canvas.undo)
        self.cancel = make_button()
        self.cancel.setObjectName("cancel_annotation")
        self.cancel.setMinimumSize(TOUCH, TOUCH)
        self.cancel.clicked.connect(self.reject)
        self.save = make_button(role="primary")
        self.save.setObjectName("save_annotation")
        self.save.setMinimumSize(TOUCH, TOUCH)
        self.save.clicked.connect(self.accept)
        self.canvas.changed.connect(self._marks_changed)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.canvas.undo)
        QShortcut(QKeySequence.StandardKey.Save, self, self._save_from_keyboard)
        tools = QHBoxLayout()
        for widget in (self.arrow, self.circle, self.label):
            tools.addWidget(widget)
        tools.addWidget(self.text, 1)
        tools.addWidget(self.undo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.heading, 1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.save)
        layout.addLayout(tools)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(buttons)
        self._marks_changed()
        self.retranslate()
        self.canvas.setFocus()

    def _tool_button(self, name: str, tool: Tool) -> QPushButton:
        button = make_button()
        button.setObjectName(name)
        button.setCheckable(True)
        button.setMinimumSize(TOUCH, TOUCH)
        self.tools.addButton(button)

        def chosen(on: bool) -> None:
            if on:
                self.canvas.tool = tool

        button.toggled.connect(chosen)
        return button

    def _typing(self, text: str) -> None:
        # Typing a label's text means the next tap places it.
        if text.strip():
            self.label.setChecked(True)

    def retranslate(self) -> None:
        self.arrow.setText(self.tr("Arrow"))
        self.arrow.setToolTip(self.tr("Drag from where the arrow starts to what it points at"))
        self.circle.setText(self.tr("Circle"))
        self.circle.setToolTip(self.tr("Drag across what the circle goes around"))
        self.label.setText(self.tr("Text"))
        self.label.setToolTip(self.tr("Type the text, then tap where it goes"))
        self.text.setPlaceholderText(self.tr("Text for a label"))
        self.text.setAccessibleName(self.tr("Text for a label"))
        self.undo.setText(self.tr("Undo"))
        self.cancel.setText(self.tr("Cancel"))
        self.save.setText(self.tr("Save marked photo"))
        self.canvas.setAccessibleName(
            self.tr("Photo to mark: drag to draw, or press Enter to draw in the middle")
        )
        self.heading.setText(
            self.tr("The photo as taken is kept; the marked copy is shown in the report.")
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _marks_changed(self) -> None:
        marked = bool(self.canvas.marks)
        self.save.setEnabled(marked)
        self.undo.setEnabled(marked)

    def _ask_for_text(self) -> None:
        self.text.setFocus()
        self.heading.setText(self.tr("Type the label's text first, then tap where it goes."))

    def _label_from_keyboard(self) -> None:
        if self.text.text().strip():
            self.label.setChecked(True)
            self.canvas.place_in_middle()

    def _save_from_keyboard(self) -> None:
        if self.save.isEnabled():
            self.accept()

    @property
    def marks(self) -> list[Mark]:
        return list(self.canvas.marks)

    @classmethod
    def ask(
        cls, parent: QWidget, title: str, image: QImage, done: Callable[[list[Mark]], None]
    ) -> AnnotationDialog:
        """Show the photo to mark; `done(marks)` runs when the person saves."""
        dialog = cls(title, image, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and dialog.canvas.marks:
                done(dialog.marks)

        dialog.finished.connect(finished)
        window = parent.window()
        dialog.resize(window.size() * 0.95)
        dialog.open()
        return dialog
