"""Issue 15: a boa draws an arrow, a circle and a label on a photo in the form, through the
real widgets on a real profile; the marked copy replaces the photo in the answer and the
photo as taken is kept beside it, in the store and in the finalized version."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from fieldapp.app.inspections import StoreAnswerSink
from fieldapp.app.venues import RegistryDirectory
from fieldapp.core.inspection import PhotoPosition
from fieldapp.core.locations import seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.store import Profile
from fieldapp.ui.runner.annotate import AnnotationCanvas, AnnotationDialog, Tool
from fieldapp.ui.runner.media import ImageQuestion, PhotoViewer, png_bytes
from fieldapp.ui.runner.runner import FormRunner
from fieldapp.ui.runner.services import DeviceSupport, RunnerServices
from fieldapp.ui.tasks import TaskRunner
from fieldapp.ui.theme import TOUCH
from tests.support.qt import child, draw
from tests.support.store import fill_draft, new_profile

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

HERE = PhotoPosition(lat=52.07712, lon=4.30012, accuracy=6.0)
#: The photo's size, and the arrow drawn on it, in the photo's own pixels.
SIZE = (1200, 900)
TAIL, TIP = QPointF(200, 700), QPointF(700, 300)


@pytest.fixture
def profile(tmp_path: Path) -> Iterator[Profile]:
    opened = new_profile(tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def tasks(qtbot: QtBot) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait()


def street_scene() -> bytes:
    """A PNG photo: sky, a wall and a door, so a mark shows against several colours."""
    image = QImage(SIZE[0], SIZE[1], QImage.Format.Format_RGB32)
    image.fill(QColor("#7fa7c9"))
    painter = QPainter(image)
    painter.fillRect(0, 450, SIZE[0], 450, QColor("#8a5a3c"))
    painter.fillRect(850, 520, 180, 380, QColor("#1d2b36"))
    painter.end()
    return png_bytes(image)


def open_form(
    qtbot: QtBot, profile: Profile, tasks: TaskRunner, draft: str
) -> tuple[FormRunner, ImageQuestion]:
    world = load_world(seeds_directory())
    services = RunnerServices(
        tasks=tasks,
        venues=RegistryDirectory(world.venues, world.areas),
        devices=DeviceSupport(),
        clock=lambda: datetime(2026, 12, 20, 23, 0),
    )
    sink = StoreAnswerSink(profile, draft, lambda: HERE)
    runner = FormRunner(profile.resume(draft), sink, services, "nl", subject="Weimar 12")
    qtbot.addWidget(runner)
    runner.resize(1280, 800)
    runner.show()
    runner.go_to_page(runner._page_of["stock_photo"])
    widget = runner.question_widget("stock_photo")
    assert isinstance(widget, ImageQuestion)
    qtbot.waitUntil(widget.isVisible)
    return runner, widget


def drag(canvas: AnnotationCanvas, start: QPointF, end: QPointF) -> None:
    """A finger or mouse from `start` to `end`, both in the photo's pixels."""
    a, b = canvas.to_widget(start), canvas.to_widget(end)
    steps = [a + (b - a) * (i / 8) for i in range(9)]
    draw(canvas, [(round(p.x()), round(p.y())) for p in steps])


def test_a_boa_marks_a_photo_and_the_original_is_kept_beside_it(
    qtbot: QtBot, profile: Profile, tasks: TaskRunner
) -> None:
    draft = fill_draft(profile, "coffeeshop_inspection", seed=7)
    sink = StoreAnswerSink(profile, draft, lambda: HERE)
    taken = sink.save_attachment("stock_photo", None, street_scene(), "image/png")
    runner, widget = open_form(qtbot, profile, tasks, draft)
    photos = runner.session.value("stock_photo")
    assert isinstance(photos, tuple) and photos[-1] == taken
    qtbot.waitUntil(lambda: widget.photo_count == len(photos))

    tile = child(widget, QFrame, f"photo_{len(photos)}")
    qtbot.mouseClick(child(tile, QPushButton, "open_photo"), Qt.MouseButton.LeftButton)
    viewer = child(widget, PhotoViewer)
    mark = child(viewer, QPushButton, "mark_photo")
    qtbot.waitUntil(mark.isEnabled)
    assert viewer.image.size().width() == SIZE[0]  # the full-size photo, not the thumbnail
    # Under it, when it was taken and where the device was, in the person's language.
    details = child(viewer, QLabel, "photo_details")
    moment = profile.clock().astimezone()
    qtbot.waitUntil(lambda: "52.07712, 4.30012" in details.text())
    assert f"{moment.day} " in details.text() and f"{moment:%H:%M}" in details.text()
    assert "6 m" in details.text()
    qtbot.mouseClick(mark, Qt.MouseButton.LeftButton)
    dialog = child(viewer, AnnotationDialog)
    qtbot.waitExposed(dialog)
    canvas = dialog.canvas
    for name in ("tool_arrow", "tool_circle", "tool_label", "undo_mark", "save_annotation"):
        button = child(dialog, QPushButton, name)
        assert button.height() >= TOUCH and button.width() >= TOUCH, name
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus, name
    save = child(dialog, QPushButton, "save_annotation")
    assert not save.isEnabled()

    # An arrow, then a circle that is taken back, then a label typed and placed.
    drag(canvas, TAIL, TIP)
    assert [m.tool for m in canvas.marks] == [Tool.ARROW] and save.isEnabled()
    qtbot.mouseClick(child(dialog, QPushButton, "tool_circle"), Qt.MouseButton.LeftButton)
    drag(canvas, QPointF(850, 500), QPointF(1050, 880))
    qtbot.mouseClick(child(dialog, QPushButton, "undo_mark"), Qt.MouseButton.LeftButton)
    assert [m.tool for m in canvas.marks] == [Tool.ARROW]
    qtbot.keyClicks(child(dialog, QLineEdit, "label_text"), "voorraad")
    assert canvas.tool is Tool.LABEL
    drag(canvas, QPointF(720, 260), QPointF(720, 260))
    assert [m.tool for m in canvas.marks] == [Tool.ARROW, Tool.LABEL]
    assert canvas.marks[1].text == "voorraad"
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)

    def replaced() -> bool:
        value = runner.session.value("stock_photo")
        return isinstance(value, tuple) and taken not in value

    qtbot.waitUntil(replaced, timeout=10_000)
    value = runner.session.value("stock_photo")
    assert isinstance(value, tuple) and len(value) == len(photos)
    marked = value[-1]  # in the place of the photo it marks
    assert value[:-1] == photos[:-1]
    qtbot.waitUntil(lambda: widget.photo_count == len(photos) and not viewer.image.isNull())
    qtbot.waitUntil(lambda: "Marks drawn" in details.text())
    assert "52.07712, 4.30012" in details.text()  # the marked copy keeps the photo's facts

    # The answer in the store holds the marked copy; its entry names the photo as taken,
    # with the time and position of the photo as taken; both files are in the store.
    assert profile.resume(draft).value("stock_photo") == value
    entry = profile.photo_details(draft, "stock_photo", marked)
    assert entry is not None and entry.original == taken
    before = profile.photo_details(draft, "stock_photo", taken)
    assert before is not None and before.original is None
    assert entry.taken_at == before.taken_at and entry.taken_at is not None
    assert entry.taken_at.astimezone(UTC) == profile.clock()
    assert entry.position == HERE and entry.media_type == "image/png"
    original = QImage.fromData(profile.read_attachment(taken))
    result = QImage.fromData(profile.read_attachment(marked))
    assert original.size() == result.size() == viewer.image.size()
    assert original.pixelColor(10, 10) == QColor("#7fa7c9")

    # Where the arrow runs the pixels turned red; away from every mark they are untouched.
    middle = (TAIL + TIP) / 2
    red = result.pixelColor(round(middle.x()), round(middle.y()))
    assert red.red() > 180 and red.green() < 60 and red.blue() < 60, red.name()
    assert original.pixelColor(round(middle.x()), round(middle.y())) != red
    for x, y in ((10, 10), (1190, 10), (1190, 890), (60, 860), (950, 700), (400, 120)):
        assert result.pixel(x, y) == original.pixel(x, y), (x, y)

    # Finalized, the version carries both: the marked one in the answer, the original
    # as an attachment of the same question that the marked one names.
    viewer.close()
    tasks.wait()
    version = profile.finalize(draft)
    attachments = {a.sha256: a for a in version.attachments if a.question == "stock_photo"}
    assert attachments[marked].original == taken
    assert taken in attachments and attachments[taken].original is None
    assert version.document["answers"]["stock_photo"][-1] == marked
    assert taken not in version.document["answers"]["stock_photo"]
    assert version.hash_matches()


def test_marks_can_be_drawn_with_the_keyboard_alone(
    qtbot: QtBot, profile: Profile, tasks: TaskRunner
) -> None:
    """Tab to a tool, Enter on the photo puts the mark in the middle, Ctrl+Z takes it back,
    Ctrl+S saves; Escape leaves without a change."""
    image = QImage.fromData(street_scene())
    saved: list[int] = []
    parent = PhotoViewer("Voorraad")
    qtbot.addWidget(parent)
    parent.resize(1000, 700)
    parent.show()
    dialog = AnnotationDialog.ask(parent, "Voorraad", image, lambda marks: saved.append(len(marks)))
    qtbot.waitExposed(dialog)
    canvas = dialog.canvas
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert [m.tool for m in canvas.marks] == [Tool.ARROW]
    dialog.circle.setFocus()
    qtbot.keyClick(dialog.circle, Qt.Key.Key_Space)
    assert canvas.tool is Tool.CIRCLE
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert [m.tool for m in canvas.marks] == [Tool.ARROW, Tool.CIRCLE]
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [m.tool for m in canvas.marks] == [Tool.ARROW]
    text = child(dialog, QLineEdit, "label_text")
    text.setFocus()
    qtbot.keyClicks(text, "ingang")
    qtbot.keyClick(text, Qt.Key.Key_Return)
    assert [m.text for m in canvas.marks] == ["", "ingang"]
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(canvas, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved == [2]

    again = AnnotationDialog.ask(parent, "Voorraad", image, lambda marks: saved.append(len(marks)))
    qtbot.waitExposed(again)
    qtbot.keyClick(again.canvas, Qt.Key.Key_Return)
    with qtbot.waitSignal(again.finished):
        qtbot.keyClick(again.canvas, Qt.Key.Key_Escape)
    assert saved == [2]
