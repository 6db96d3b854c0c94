"""Helpers for the app's own GUI tests and benchmarks: generated photos, pen strokes, forms.

Kept in the package (not in tests/) so the tests, the benchmark and the screenshot script
share them; nothing here runs in the app itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QWidget,
)

from fieldapp.ui.runner.media import png_bytes

W = TypeVar("W", bound=QObject)

#: A form with one question of every type, nested groups and a repeat.
EVERY_TYPE_FORM = """
id: every_type
version: "1"
title: {nl: "Alle soorten vragen", en: "Every question type"}
languages: [nl, en]
roles: [boa]
retention_days: 30
parameters:
  limit: 10
choices:
  yes_no:
    - {name: "yes", label: {nl: "Ja", en: "Yes"}}
    - {name: "no", label: {nl: "Nee", en: "No"}}
  colour:
    - {name: red, label: {nl: "Rood", en: "Red"}, attributes: {warm: true}}
    - {name: blue, label: {nl: "Blauw", en: "Blue"}, attributes: {warm: false}}
    - {name: orange, label: {nl: "Oranje", en: "Orange"}, attributes: {warm: true}}
    - {name: green, label: {nl: "Groen", en: "Green"}, attributes: {warm: false}}
questions:
  - type: group
    name: basics
    label: {nl: "Basis", en: "Basics"}
    hint: {nl: "Eerste pagina", en: "First page"}
    questions:
      - {type: note, name: intro, label: {nl: "Lees dit eerst.", en: "Read this first."}}
      - {type: text, name: title_text, label: {nl: "Titel", en: "Title"}, required: true}
      - {type: text, name: long_text, label: {nl: "Verhaal", en: "Story"},
         appearance: multiline,
         personal_data: {category: description, purpose: {nl: "Proef", en: "Test"},
                         retention_days: 30}}
      - {type: integer, name: count, label: {nl: "Aantal", en: "Count"},
         constraint: ". <= ${limit}",
         constraint_message: {nl: "Hooguit 10.", en: "At most 10."},
         unit: {nl: "stuks", en: "pieces"}}
      - {type: decimal, name: weight, label: {nl: "Gewicht", en: "Weight"},
         unit: {nl: "g", en: "g"}}
      - {type: calculate, name: double_weight, calculation: "${weight} * 2",
         label: {nl: "Dubbel gewicht", en: "Double weight"}, unit: {nl: "g", en: "g"}}
      - {type: calculate, name: hidden_flag, calculation: "if(${count} > 3, 1, 0)"}
      - {type: select_one yes_no, name: switch, label: {nl: "Schakelaar", en: "Switch"},
         appearance: horizontal}
      - {type: text, name: only_if_yes, label: {nl: "Alleen bij ja", en: "Only if yes"},
         relevant: "${switch} = 'yes'", required: true}
      - {type: select_one colour, name: colour, label: {nl: "Kleur", en: "Colour"}}
      - {type: select_one colour, name: warm_colour, label: {nl: "Warme kleur", en: "Warm colour"},
         choice_filter: "warm", appearance: minimal}
      - {type: select_multiple colour, name: colours, label: {nl: "Kleuren", en: "Colours"}}
  - type: group
    name: moments
    label: {nl: "Tijd en plaats", en: "Time and place"}
    questions:
      - {type: date, name: day, label: {nl: "Dag", en: "Day"}, default: today}
      - {type: time, name: hour, label: {nl: "Uur", en: "Hour"}}
      - {type: datetime, name: moment, label: {nl: "Moment", en: "Moment"}, default: now}
      - {type: venue, name: place, label: {nl: "Zaak", en: "Venue"}}
      - {type: geopoint, name: spot, label: {nl: "Plek", en: "Spot"}}
      - type: group
        name: inner
        label: {nl: "Binnengroep", en: "Inner group"}
        relevant: "${switch} = 'no'"
        questions:
          - {type: rating, name: stars, label: {nl: "Sterren", en: "Stars"}, max_rating: 5}
          - {type: acknowledge, name: agree, label: {nl: "Akkoord", en: "Agreed"}}
  - type: repeat
    name: things
    label: {nl: "Dingen", en: "Things"}
    min_rows: 1
    max_rows: 3
    questions:
      - {type: text, name: thing_name, label: {nl: "Naam", en: "Name"}, required: true}
      - {type: integer, name: thing_count, label: {nl: "Aantal", en: "Count"}, default: 1}
      - {type: image, name: thing_photo, label: {nl: "Foto", en: "Photo"}}
  - type: group
    name: closing
    label: {nl: "Afronding", en: "Closing"}
    questions:
      - {type: image, name: photo, label: {nl: "Foto's", en: "Photos"}}
      - type: signature
        name: signed
        label: {nl: "Handtekening", en: "Signature"}
        required: true
        personal_data:
          category: signature
          purpose: {nl: "Ondertekening", en: "Signing"}
          retention_days: 30
outcomes:
  - name: many
    when: "${count} > 5"
    severity: violation
    label: {nl: "Veel stuks", en: "Many pieces"}
  - name: heavy
    when: "${weight} > 100"
    severity: serious
    label: {nl: "Zwaar", en: "Heavy"}
    explanation: {nl: "Meer dan 100 gram.", en: "More than 100 grams."}
"""


def make_photo(path: Path, colour: str = "#2a7ab0", size: tuple[int, int] = (320, 240)) -> Path:
    """Write a small PNG photo to `path` (a generated picture, not a real one)."""
    image = QImage(size[0], size[1], QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    painter = QPainter(image)
    painter.fillRect(20, 20, size[0] // 2, size[1] // 2, QColor("#f2c14e"))
    painter.end()
    path.write_bytes(png_bytes(image))
    return path


def draw(widget: QWidget, points: Iterable[tuple[int, int]]) -> None:
    """Press, move through `points` and release the left button, as a hand would."""
    positions = [QPointF(x, y) for x, y in points]
    if not positions:
        return

    def send(kind: QEvent.Type, where: QPointF, buttons: Qt.MouseButton) -> None:
        global_where = QPointF(widget.mapToGlobal(QPoint(int(where.x()), int(where.y()))))
        button = (
            Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
        )
        event = QMouseEvent(
            kind, where, global_where, button, buttons, Qt.KeyboardModifier.NoModifier
        )
        QApplication.sendEvent(widget, event)

    send(QEvent.Type.MouseButtonPress, positions[0], Qt.MouseButton.LeftButton)
    for point in positions[1:]:
        send(QEvent.Type.MouseMove, point, Qt.MouseButton.LeftButton)
    send(QEvent.Type.MouseButtonRelease, positions[-1], Qt.MouseButton.NoButton)


class StrayWindows(QObject):
    """Records windows that appear and are not the app's main window, a dialog or a popup.

    A widget made visible before it is put in a layout becomes a window for a moment: on
    a desktop that flashes, and it takes the keyboard focus from the app.
    """

    def __init__(self, allowed: tuple[type[QWidget], ...] = ()) -> None:
        super().__init__()
        self.seen: list[str] = []
        self._allowed = (QMainWindow, QDialog, QMenu, *allowed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and not isinstance(watched, self._allowed)
            and watched.windowType() not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)
            and watched.parentWidget() is None
        ):
            text = watched.text() if isinstance(watched, QLabel | QAbstractButton) else ""
            self.seen.append(f"{type(watched).__name__} {watched.objectName()} {text}".strip())
        return False

    @classmethod
    @contextmanager
    def watching(cls, *allowed: type[QWidget]) -> Iterator[StrayWindows]:
        """Watch while the block runs; `allowed` are windows the test itself shows."""
        app = QApplication.instance()
        assert app is not None
        watcher = cls(allowed)
        app.installEventFilter(watcher)
        try:
            yield watcher
        finally:
            app.removeEventFilter(watcher)


#: A signature-like zigzag inside a 480×200 pad.
SIGNATURE_STROKE = [(40 + 12 * i, 120 + (25 if i % 2 else -25)) for i in range(30)]


def child(parent: QObject | None, kind: type[W], name: str | None = None) -> W:
    """The child of `parent` of this kind (and name); a test that finds none fails here."""
    assert parent is not None
    found = parent.findChild(kind, name) if name is not None else parent.findChild(kind)
    assert found is not None, f"no {kind.__name__} {name or ''} in {parent!r}"
    return found


def focus_within(widget: QWidget) -> bool:
    """True when the keyboard focus is on `widget` or one of its children."""
    focused = QApplication.focusWidget()
    return focused is not None and (focused is widget or widget.isAncestorOf(focused))
