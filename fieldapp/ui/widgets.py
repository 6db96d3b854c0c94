"""Small building blocks shared by the screens: a flow layout, kinetic scrolling, roles.

`role` is a dynamic property the style sheet in `theme.py` keys on, so widgets say what
they are (`primary`, `hint`, `issue`) and never pick colours themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, QTimer
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPushButton,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractItemView

# PySide6 makes the Python enums of Qt's namespace (`Qt.AlignmentFlag` and some ninety
# more) all at once, the first time any one of them is used: about 20 ms, a sixth of a bare
# window's whole start (bench/bench_start.py). The few the sign-in window needs are set
# through Qt's property system by number instead, so it comes up without them;
# tests/ui/test_start.py checks that it does, and that these numbers are Qt's.
#: `Qt.TextFormat.PlainText`
PLAIN_TEXT = 0
#: `Qt.ScrollBarPolicy.ScrollBarAlwaysOff`
SCROLL_BAR_ALWAYS_OFF = 1


#: A time or number field with step buttons.
Stepper = TypeVar("Stepper", bound=QAbstractSpinBox)


def set_role(widget: QWidget, role: str) -> None:
    """Give `widget` a style role and re-polish it when it changes."""
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def set_flag(widget: QWidget, name: str, value: str | bool) -> None:
    """Set a style property such as `problem` or `severity` and re-polish."""
    text = value if isinstance(value, str) else ("true" if value else "false")
    if widget.property(name) == text:
        return
    widget.setProperty(name, text)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def make_label(text: str = "", role: str | None = None, *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    # Never rich text, whatever a name holds (by number: see PLAIN_TEXT).
    label.setProperty("textFormat", PLAIN_TEXT)
    if role:
        label.setProperty("role", role)
    return label


def with_room_before_text(field: Stepper) -> Stepper:
    """`field` (a time or number field with step buttons) with room before its text.

    The theme's padding does not reach the text inside a spin box with step buttons (Qt
    lays it out from the frame), so "22:30" stood against the border. A field with a
    calendar drop-down is padded by the theme already and does not need this."""
    edit = field.findChild(QLineEdit)
    if edit is not None:
        edit.setTextMargins(8, 0, 0, 0)
    return field


def make_button(text: str = "", role: str | None = None) -> QPushButton:
    button = QPushButton(text)
    if role:
        button.setProperty("role", role)
    button.setAutoDefault(False)
    return button


def at_start(widget: QWidget) -> QHBoxLayout:
    """A row with `widget` at its natural width at the start of the line (left, or right in
    a right-to-left language): `Qt.AlignmentFlag.AlignLeft` without Qt's enums."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(widget)
    row.addStretch(1)
    return row


def keep_place(widget: QWidget) -> None:
    """Let `widget` keep its space while hidden, so showing it never moves what is below."""
    policy = widget.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    widget.setSizePolicy(policy)


def make_card(role: str = "card") -> QFrame:
    frame = QFrame()
    frame.setProperty("role", role)
    return frame


def tab_leaves(view: QAbstractItemView) -> None:
    """Tab goes on to the next control, as everywhere else; the arrow keys move within.

    A table's own Tab (Qt's default for tables) walked through every cell of every row
    first: five presses a row to get past a list of assignments.
    """
    view.setTabKeyNavigation(False)


def enable_kinetic_scrolling(area: QAbstractScrollArea, delay_ms: int = 0) -> None:
    """Flick to scroll with a finger; the mouse keeps selecting text and dragging sliders.

    Set up from the event loop, after `delay_ms`: the first time, PySide6 prepares every
    widget class it might hand back (tens of milliseconds), which the start-up window
    should not wait for.
    """
    QTimer.singleShot(delay_ms, area, lambda: _grab_touch(area))


def _grab_touch(area: QAbstractScrollArea) -> None:
    # Imported here, with the set-up it serves: not on the way to the start-up window.
    from PySide6.QtWidgets import QScroller, QScrollerProperties

    viewport = area.viewport()
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.TouchGesture)
    scroller = QScroller.scroller(viewport)
    properties = scroller.scrollerProperties()
    overshoot = QScrollerProperties.OvershootPolicy.OvershootAlwaysOff
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.VerticalOvershootPolicy, overshoot)
    properties.setScrollMetric(
        QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy, overshoot
    )
    scroller.setScrollerProperties(properties)


class FlowLayout(QLayout):
    """Lays children out left to right and wraps, like words in a paragraph."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        from PySide6.QtCore import Qt  # here, not at the start (see PLAIN_TEXT)

        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line = area.x(), area.y(), 0
        for item in self._items:
            widget = item.widget()
            if (
                widget is not None
                and widget.isHidden()
                and not widget.sizePolicy().retainSizeWhenHidden()
            ):
                continue
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and line > 0:
                x = area.x()
                y += line + self._spacing
                line = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y() + margins.bottom()
