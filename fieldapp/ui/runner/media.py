"""Photos and signatures: adding from a file or the camera, thumbnails, the signature pad.

Evidence is kept exactly as taken: the bytes of a photo file go to the store unchanged
and only the thumbnail on screen is scaled. Reading files, decoding images and storing
them run on the task runner; the answer refers to a file only after the store has it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import shiboken6
from PySide6.QtCore import (
    QBuffer,
    QEvent,
    QIODevice,
    QPointF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QIcon,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from fieldapp.core.engine import Field
from fieldapp.core.expr import Value
from fieldapp.core.inspection import Attachment
from fieldapp.core.photos import PhotoFacts
from fieldapp.core.texts import language_of
from fieldapp.reports.text import facts_caption
from fieldapp.ui.runner.annotate import AnnotationDialog, Mark, annotated
from fieldapp.ui.runner.autosave import Autosave
from fieldapp.ui.runner.questions import QuestionWidget
from fieldapp.ui.runner.services import PHOTO_TYPES, RunnerServices
from fieldapp.ui.runner.texts import FormTexts
from fieldapp.ui.tasks import TaskRunner
from fieldapp.ui.theme import is_discreet
from fieldapp.ui.widgets import (
    FlowLayout,
    enable_kinetic_scrolling,
    make_button,
    make_label,
    set_role,
)

log = logging.getLogger(__name__)

THUMBNAIL = QSize(160, 120)
#: A photo's moment as the reports write it: "4 december 2026, 20:00".

#: Magic numbers of the image formats a camera or phone produces.
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"RIFF", "image/webp"),
)


def media_type_of(data: bytes, suffix: str = "") -> str | None:
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    return PHOTO_TYPES.get(suffix.lower())


def thumbnail_of(data: bytes) -> QImage:
    """A small image for the screen; safe on a worker thread (QImage, not QPixmap)."""
    image = QImage.fromData(data)
    if image.isNull():
        return image
    return image.scaled(
        THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


class PhotoFileUnreadable(Exception):
    """A chosen file that is not a photo this app can keep."""


def read_photo(path: Path) -> tuple[bytes, str, QImage]:
    data = path.read_bytes()
    media_type = media_type_of(data, path.suffix)
    thumb = thumbnail_of(data)
    if media_type is None or thumb.isNull():
        raise PhotoFileUnreadable(str(path))
    return data, media_type, thumb


def _reader(path: Path) -> Callable[[], tuple[bytes, str, QImage]]:
    return lambda: read_photo(path)


def png_bytes(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # The stubs ask for bytes here, but PySide6 takes only str at run time.
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    return bytes(buffer.data().data())


def jpeg_bytes(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPG", 92)  # type: ignore[call-overload]
    return bytes(buffer.data().data())


class Media:
    """One runner's attachments: store new ones through the autosave queue, show thumbnails."""

    def __init__(self, autosave: Autosave, tasks: TaskRunner) -> None:
        self._autosave = autosave
        self._tasks = tasks
        self._thumbnails: dict[str, QPixmap] = {}
        #: What each photo opened full size is stored as, so a marked copy keeps it.
        self._media_types: dict[str, str] = {}

    def add(
        self,
        question: str,
        row: str | None,
        data: bytes,
        media_type: str,
        thumb: QImage,
        done: Callable[[str], None],
    ) -> None:
        """Store a photo or signature; `done(sha256)` once the store refers to it."""

        def stored(sha: str) -> None:
            self._thumbnails[sha] = QPixmap.fromImage(thumb)
            done(sha)

        self._autosave.attachment(question, row, data, media_type, stored)

    def remove(self, question: str, row: str | None, sha: str) -> None:
        self._autosave.attachment_removed(question, row, sha)

    def annotate(
        self,
        question: str,
        row: str | None,
        shown: str,
        image: QImage,
        marks: Sequence[Mark],
        done: Callable[[str, QImage], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Draw `marks` on the full-size photo `shown` and store the result in its place;
        `done(sha256, image)` once the answer refers to it, `failed(error)` when drawing
        fails. Drawing and encoding a camera photo takes a moment, so it runs off the UI
        thread; the photo keeps its format."""
        media_type = self._media_types.get(shown, "image/jpeg")

        def draw() -> tuple[bytes, QImage, QImage]:
            marked = annotated(image, marks)
            data = png_bytes(marked) if media_type == "image/png" else jpeg_bytes(marked)
            return data, marked, thumbnail_of(data)

        def drawn(result: tuple[bytes, QImage, QImage]) -> None:
            data, marked, thumb = result
            kept_as = "image/png" if media_type == "image/png" else "image/jpeg"

            def stored(sha: str) -> None:
                self._thumbnails[sha] = QPixmap.fromImage(thumb)
                self._media_types[sha] = kept_as
                done(sha, marked)

            self._autosave.annotation(question, row, shown, data, kept_as, stored)

        self._tasks.run(draw, drawn, failed, context=self._autosave)

    def details(
        self,
        question: str,
        row: str | None,
        sha: str,
        done: Callable[[Attachment | None], None],
    ) -> None:
        """The photo's entry (when, where, its original), read on the store's lane."""
        sink = self._autosave.sink

        def failed(error: BaseException) -> None:
            log.warning("cannot read the entry of attachment %s: %s", sha, error)
            done(None)

        self._tasks.run(
            lambda: sink.photo_details(question, row, sha),
            done,
            failed,
            serial=True,
            context=self._autosave,
        )

    def full_image(self, sha: str, done: Callable[[QImage], None]) -> None:
        """The photo at full size, read off the UI thread (a null image if it cannot be read)."""
        sink = self._autosave.sink

        def load() -> tuple[QImage, str | None]:
            data = sink.load_attachment(sha)
            image = QImage()
            image.loadFromData(data)
            return image, media_type_of(data)

        def loaded(result: tuple[QImage, str | None]) -> None:
            image, media_type = result
            if media_type is not None:
                self._media_types[sha] = media_type
            done(image)

        def failed(error: BaseException) -> None:
            log.warning("cannot show attachment %s: %s", sha, error)
            done(QImage())

        self._tasks.run(load, loaded, failed, serial=True, context=self._autosave)

    def thumbnail(self, sha: str, done: Callable[[QPixmap | None], None]) -> None:
        cached = self._thumbnails.get(sha)
        if cached is not None:
            done(cached)
            return
        sink = self._autosave.sink

        def load() -> QImage:
            return thumbnail_of(sink.load_attachment(sha))

        def loaded(image: QImage) -> None:
            if image.isNull():
                done(None)
                return
            pixmap = QPixmap.fromImage(image)
            self._thumbnails[sha] = pixmap
            done(pixmap)

        def failed(error: BaseException) -> None:
            log.warning("cannot show attachment %s: %s", sha, error)
            done(None)

        self._tasks.run(load, loaded, failed, serial=True, context=self._autosave)


class PhotoViewer(QDialog):
    """A photo as large as the window, with zoom and a Close button a finger can hit
    (Escape closes it too); with `markable`, a button to draw marks on it.

    Signals:
        mark_requested(): the person wants to draw on the photo shown.
    """

    mark_requested = Signal()

    def __init__(
        self, title: str, parent: QWidget | None = None, *, markable: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("photo_viewer")
        self.setWindowTitle(title)
        self.setModal(True)
        self._image = QImage()
        self._zoom = 1.0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        self.picture = QLabel(self.tr("Loading…"))
        self.picture.setObjectName("photo_view")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area = QScrollArea()
        self.area.setWidget(self.picture)
        self.area.setWidgetResizable(False)
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        enable_kinetic_scrolling(self.area)
        self.zoom_out = make_button("−")
        self.zoom_out.setObjectName("zoom_out")
        self.zoom_out.setAccessibleName(self.tr("Zoom out"))
        self.zoom_out.clicked.connect(lambda: self._set_zoom(self._zoom / 1.5))
        self.fit = make_button(self.tr("Fit"))
        self.fit.setObjectName("zoom_fit")
        self.fit.clicked.connect(lambda: self._set_zoom(1.0))
        self.zoom_in = make_button("+")
        self.zoom_in.setObjectName("zoom_in")
        self.zoom_in.setAccessibleName(self.tr("Zoom in"))
        self.zoom_in.clicked.connect(lambda: self._set_zoom(self._zoom * 1.5))
        self.mark = make_button(self.tr("Draw on photo…"))
        self.mark.setObjectName("mark_photo")
        self.mark.setToolTip(self.tr("Arrows, circles and text; the photo as taken is kept"))
        self.mark.clicked.connect(self.mark_requested)
        self.mark.setVisible(markable)
        self.mark.setEnabled(False)
        self.close_button = make_button(self.tr("Close"), "primary")
        self.close_button.setObjectName("close_photo")
        self.close_button.clicked.connect(self.accept)
        #: What is known of when and where the photo was taken, under it.
        self.details = make_label(role="muted")
        self.details.setObjectName("photo_details")
        self.details.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.zoom_out)
        buttons.addWidget(self.fit)
        buttons.addWidget(self.zoom_in)
        buttons.addWidget(self.mark)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        self._buttons = buttons
        layout.addWidget(self.area, 1)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        self.close_button.setFocus()

    @property
    def image(self) -> QImage:
        return self._image

    def add_button(self, button: QPushButton) -> None:
        """A button of the screen that opened the viewer, beside the zoom buttons."""
        self._buttons.insertWidget(self._buttons.count() - 2, button)

    def show_image(self, image: QImage) -> None:
        self._image = image
        if image.isNull():
            self.picture.setText(self.tr("This photo cannot be shown."))
            self.picture.adjustSize()
            self.mark.setEnabled(False)
            return
        self.mark.setEnabled(True)
        self._set_zoom(1.0)

    def show_details(self, text: str) -> None:
        self.details.setText(text)
        self.details.setVisible(bool(text))

    @property
    def zoom(self) -> float:
        return self._zoom

    def _set_zoom(self, zoom: float) -> None:
        """1.0 fits the photo in the window; more enlarges it up to 8 times that."""
        self._zoom = max(1.0, min(8.0, zoom))
        if self._image.isNull():
            return
        room = self.area.viewport().size() - QSize(4, 4)
        fitted = self._image.size().scaled(room, Qt.AspectRatioMode.KeepAspectRatio)
        size = fitted * self._zoom
        self.picture.setPixmap(
            QPixmap.fromImage(
                self._image.scaled(
                    size,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        )
        self.picture.adjustSize()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._set_zoom(self._zoom)


class _Thumbnail(QFrame):
    """One photo with a delete button that asks 'sure?' by turning red first; a tap on the
    picture opens it large.

    Signals:
        removed(str): the person confirmed deleting the photo with this sha256.
        opened(str): the person tapped the photo to see it large.
    """

    removed = Signal(str)
    opened = Signal(str)

    def __init__(self, sha: str, number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sha = sha
        self.setProperty("role", "row")
        self.setObjectName(f"photo_{number}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.image = QPushButton()
        self.image.setObjectName("open_photo")
        self.image.setProperty("role", "photo")
        self.image.setAutoDefault(False)
        self.image.setFixedSize(THUMBNAIL + QSize(8, 8))
        self.image.setIconSize(THUMBNAIL)
        self.image.setText("…")
        self.image.clicked.connect(lambda: self.opened.emit(self.sha))
        self.delete = make_button("×")
        self.delete.setObjectName("delete_photo")
        self.delete.clicked.connect(self._delete_clicked)
        self._armed = False
        layout.addWidget(self.image)
        layout.addWidget(self.delete)
        self.number = number
        self.retranslate()

    def retranslate(self) -> None:
        self.delete.setText(self.tr("Delete?") if self._armed else "×")
        self.delete.setAccessibleName(self.tr("Delete photo %1").replace("%1", str(self.number)))
        self.image.setAccessibleName(
            self.tr("Photo %1: show it large").replace("%1", str(self.number))
        )

    def show_pixmap(self, pixmap: QPixmap | None) -> None:
        if pixmap is None:
            self.image.setText(self.tr("Cannot show"))
        else:
            self.image.setText("")
            self.image.setIcon(QIcon(pixmap))

    def _delete_clicked(self) -> None:
        if self._armed:
            self.removed.emit(self.sha)
            return
        self._armed = True
        set_role(self.delete, "danger")
        self.retranslate()


class ImageQuestion(QuestionWidget):
    """Photos as thumbnails, added from a file or the camera; each can be deleted."""

    def __init__(
        self,
        field: Field,
        row: str | None,
        texts: FormTexts,
        services: RunnerServices,
        media: Media,
        parent: QWidget | None = None,
    ) -> None:
        self.media = media
        super().__init__(field, row, texts, services, parent)

    def build(self) -> None:
        self._shas: tuple[str, ...] = ()
        self._tiles: dict[str, _Thumbnail] = {}
        self._strip = QWidget()
        self._flow = FlowLayout(self._strip)
        self._strip.hide()
        self._from_file = make_button()
        self._from_file.setObjectName("add_photo_file")
        self._from_file.clicked.connect(self._choose_files)
        self._camera = make_button()
        self._camera.setObjectName("take_photo")
        self._camera.clicked.connect(self._open_camera)
        self._busy = make_label(role="muted", wrap=False)
        self._busy.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self._from_file)
        buttons.addWidget(self._camera)
        buttons.addWidget(self._busy)
        buttons.addStretch(1)
        self.body.addWidget(self._strip)
        self.body.addLayout(buttons)
        for button in (self._from_file, self._camera):
            button.setVisible(self.editable)
        self.services.devices.changed.connect(self._devices_known)
        self._devices_known()

    def editor(self) -> QWidget | None:
        return self._from_file

    def _devices_known(self) -> None:
        self._camera.setVisible(self.editable and self.services.devices.camera)

    def _retranslate_editor(self) -> None:
        self._from_file.setText(self.tr("Add photo from file…"))
        self._camera.setText(self.tr("Take photo…"))
        self._busy.setText(self.tr("Adding photo…"))
        for tile in self._tiles.values():
            tile.retranslate()

    def _choose_files(self) -> None:
        paths = self.services.photo_files.ask(self, self.tr("Choose photos"), self.tr("Photos"))
        for path in paths:
            self._busy.show()
            self.services.tasks.run(
                _reader(path), self._photo_read, self._photo_refused, context=self
            )

    def _open_camera(self) -> None:
        from fieldapp.ui.runner.camera import CameraDialog

        CameraDialog.ask(self, self._photo_taken)

    def _photo_taken(self, data: bytes) -> None:
        self._busy.show()
        self.services.tasks.run(
            lambda: (data, "image/jpeg", thumbnail_of(data)),
            self._photo_read,
            self._photo_refused,
            context=self,
        )

    def _photo_read(self, result: tuple[bytes, str, QImage]) -> None:
        data, media_type, thumb = result
        self.media.add(self.field.name, self.row, data, media_type, thumb, self._stored)

    def _photo_refused(self, error: BaseException) -> None:
        self._busy.hide()
        if isinstance(error, PhotoFileUnreadable | OSError):
            self.set_local_problem(self.tr("That file is not a photo this app can keep."))
            return
        raise error

    def _stored(self, sha: str) -> None:
        self._busy.hide()
        self.set_local_problem(None)
        if sha in self._shas:
            return
        self._shas = (*self._shas, sha)
        self._sync_tiles()
        self.emit_answer(self._shas)

    def _remove(self, sha: str) -> None:
        self.media.remove(self.field.name, self.row, sha)
        self._shas = tuple(s for s in self._shas if s != sha)
        self._sync_tiles()
        self.emit_answer(self._shas if self._shas else "")

    def _show(self, value: Value) -> None:
        self._shas = tuple(value) if isinstance(value, tuple) else ()
        self._sync_tiles()

    def _sync_tiles(self) -> None:
        for sha in [sha for sha in self._tiles if sha not in self._shas]:
            tile = self._tiles.pop(sha)
            self._flow.removeWidget(tile)
            tile.deleteLater()
        for number, sha in enumerate(self._shas, start=1):
            existing = self._tiles.get(sha)
            if existing is None:
                tile = _Thumbnail(sha, number)
                tile.delete.setVisible(self.editable)
                tile.removed.connect(self._remove)
                tile.opened.connect(self.open_photo)
                self._tiles[sha] = tile
                self._flow.addWidget(tile)
                self.media.thumbnail(sha, tile.show_pixmap)
            elif existing.number != number:
                existing.number = number
                existing.retranslate()
        self._strip.setVisible(bool(self._shas))
        self._strip.updateGeometry()

    def open_photo(self, sha: str) -> PhotoViewer:
        """Show one of the photos as large as the window, with zoom (and, while the
        question can be changed, a button to draw marks on it)."""
        title = self.texts.text(self.field.question.label)
        viewer = PhotoViewer(title, self, markable=self.editable)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        window = self.window()
        viewer.resize(window.size() * 0.9)
        shown = [sha]

        def marks_drawn(marks: list[Mark]) -> None:
            viewer.mark.setEnabled(False)
            self._busy.setText(self.tr("Saving marked photo…"))
            self._busy.show()
            self.media.annotate(
                self.field.name, self.row, shown[0], viewer.image, marks, stored, not_drawn
            )

        def not_drawn(error: BaseException) -> None:
            # The photo stays as it was; the person may try again. The error is a bug of
            # the drawing: it goes to the log with its traceback.
            self._busy.hide()
            if shiboken6.isValid(viewer):
                viewer.mark.setEnabled(True)
            raise error

        def stored(new: str, image: QImage) -> None:
            self._annotated(shown[0], new)
            shown[0] = new
            if shiboken6.isValid(viewer):
                viewer.show_image(image)
                self.media.details(self.field.name, self.row, new, described)

        def described(entry: Attachment | None) -> None:
            # The viewer may have been closed while the entry was read.
            if shiboken6.isValid(viewer):
                viewer.show_details(self._photo_note(entry))

        viewer.mark_requested.connect(
            lambda: AnnotationDialog.ask(viewer, title, viewer.image, marks_drawn)
        )
        viewer.open()
        self.media.full_image(sha, viewer.show_image)
        self.media.details(self.field.name, self.row, sha, described)
        return viewer

    def _photo_note(self, entry: Attachment | None) -> str:
        """Under the photo: when it was taken and where (as the report writes them, in the
        person's language), and whether marks were drawn on it."""
        if entry is None:
            return ""
        parts = [facts_caption(PhotoFacts(), language_of(self.texts.language), entry)]
        if entry.original is not None:
            parts.append(self.tr("Marks drawn; the photo as taken is kept"))
        text = " · ".join(part for part in parts if part)
        # The report's words start lower case inside a caption; here they open a line.
        return text[:1].upper() + text[1:]

    def _annotated(self, shown: str, new: str) -> None:
        """A marked copy took the place of photo `shown`: same place in the list."""
        self._busy.hide()
        self._retranslate_editor()
        self._shas = tuple(dict.fromkeys(new if sha == shown else sha for sha in self._shas))
        # Rebuilt in order: the marked copy stands where the photo stood.
        for tile in self._tiles.values():
            self._flow.removeWidget(tile)
            tile.deleteLater()
        self._tiles.clear()
        self._sync_tiles()
        self.emit_answer(self._shas)

    @property
    def photo_count(self) -> int:
        return len(self._shas)


class SignaturePad(QWidget):
    """Draw with a mouse, a pen or a finger; ink is kept as paths and rendered to a PNG.

    Signals:
        changed(): a stroke was finished or the pad was cleared.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signature_pad")
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setMinimumSize(480, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._strokes: list[QPainterPath] = []
        self._current: QPainterPath | None = None

    @property
    def is_empty(self) -> bool:
        return not any(path.length() > 2 for path in self._strokes)

    def clear(self) -> None:
        self._strokes.clear()
        self._current = None
        self.update()
        self.changed.emit()

    def image(self, scale: float = 2.0) -> QImage:
        """The ink in black on white at `scale` times the pad's size."""
        size = self.size() * scale
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        self._draw(painter, QColor("black"))
        painter.end()
        return image

    def png(self) -> bytes:
        return png_bytes(self.image())

    # Strokes from every kind of pointer end up here.
    def _begin(self, point: QPointF) -> None:
        self._current = QPainterPath(point)
        self._strokes.append(self._current)
        self.update()

    def _extend(self, point: QPointF) -> None:
        if self._current is not None:
            self._current.lineTo(point)
            self.update()

    def _end(self) -> None:
        if self._current is not None:
            if self._current.length() < 1:
                # A tap makes a dot: give it a little length so it shows and counts.
                self._current.lineTo(self._current.currentPosition() + QPointF(1.5, 1.5))
            self._current = None
            self.update()
            self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position())
            self._end()

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position())
        elif kind == QEvent.Type.TabletMove:
            self._extend(event.position())
        elif kind == QEvent.Type.TabletRelease:
            self._end()
        event.accept()

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QTouchEvent):
            points = event.points()
            if points:
                position = points[0].position()
                kind = event.type()
                if kind == QEvent.Type.TouchBegin:
                    self._begin(position)
                elif kind == QEvent.Type.TouchUpdate:
                    self._extend(position)
                elif kind in (QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
                    self._end()
            event.accept()
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # In discreet mode a bright white pad would light up a face in a dark doorway: the
        # pad is dark with light ink on screen; the saved signature stays black on white.
        discreet = is_discreet()
        painter.fillRect(self.rect(), QColor("#111315" if discreet else "white"))
        baseline = self.height() - 48
        painter.setPen(QPen(QColor("#4a5058" if discreet else "#9aa3ad"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(24, baseline, self.width() - 24, baseline)
        self._draw(painter, QColor("#c8ccd2" if discreet else "#0b1f3a"))
        painter.end()

    def _draw(self, painter: QPainter, colour: QColor) -> None:
        pen = QPen(
            colour, 3.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
        )
        painter.setPen(pen)
        for path in self._strokes:
            painter.drawPath(path)


class SignatureDialog(QDialog):
    """A large pad for signing; opened window-modal without a nested event loop."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signature_dialog")
        self.setWindowTitle(title)
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 20)
        self.heading = make_label(title, "heading")
        self.instruction = make_label(role="hint")
        self.pad = SignaturePad()
        self.pad.setMinimumSize(640, 260)
        self.clear = make_button()
        self.clear.clicked.connect(self.pad.clear)
        self.cancel = make_button()
        self.cancel.clicked.connect(self.reject)
        self.use = make_button(role="primary")
        self.use.setObjectName("use_signature")
        self.use.setEnabled(False)
        self.use.clicked.connect(self.accept)
        self.pad.changed.connect(lambda: self.use.setEnabled(not self.pad.is_empty))
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.use)
        layout.addWidget(self.heading)
        layout.addWidget(self.instruction)
        layout.addWidget(self.pad, 1)
        layout.addLayout(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.instruction.setText(
            self.tr("Sign in the white area with a finger, a pen or the mouse.")
        )
        self.pad.setAccessibleName(self.tr("Signature pad"))
        self.clear.setText(self.tr("Start again"))
        self.cancel.setText(self.tr("Cancel"))
        self.use.setText(self.tr("Use this signature"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @classmethod
    def ask(cls, parent: QWidget, title: str, done: Callable[[bytes], None]) -> SignatureDialog:
        """Show the pad; `done(png)` runs when the person uses their signature."""
        dialog = cls(title, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and not dialog.pad.is_empty:
                done(dialog.pad.png())

        dialog.finished.connect(finished)
        dialog.resize(820, 440)
        dialog.open()
        return dialog


class SignatureQuestion(QuestionWidget):
    """A signature: a preview of the stored one, and a button to sign (again)."""

    def __init__(
        self,
        field: Field,
        row: str | None,
        texts: FormTexts,
        services: RunnerServices,
        media: Media,
        parent: QWidget | None = None,
    ) -> None:
        self.media = media
        super().__init__(field, row, texts, services, parent)

    def build(self) -> None:
        self._sha = ""
        self._preview = QLabel()
        self._preview.setFixedSize(320, 120)
        self._preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._preview.setProperty("role", "value")
        self._sign = make_button(role="primary")
        self._sign.setObjectName("sign")
        self._sign.clicked.connect(self.open_pad)
        self._clear = make_button()
        self._clear.clicked.connect(self._cleared)
        self._busy = make_label(role="muted", wrap=False)
        self._busy.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self._sign)
        buttons.addWidget(self._clear)
        buttons.addWidget(self._busy)
        buttons.addStretch(1)
        self.body.addWidget(self._preview)
        self.body.addLayout(buttons)
        self._sign.setVisible(self.editable)
        self._clear.hide()

    def editor(self) -> QWidget | None:
        return self._sign

    def _retranslate_editor(self) -> None:
        self._sign.setText(self.tr("Sign again…") if self._sha else self.tr("Sign…"))
        self._clear.setText(self.tr("Remove signature"))
        self._busy.setText(self.tr("Saving signature…"))
        if not self._sha:
            self._preview.setText(self.tr("Not signed yet"))
        self._preview.setAccessibleName(
            self.tr("Signature present") if self._sha else self.tr("Not signed yet")
        )

    def open_pad(self) -> SignatureDialog:
        return SignatureDialog.ask(self, self.texts.text(self.field.question.label), self._signed)

    def _signed(self, png: bytes) -> None:
        self._busy.show()
        image = QImage.fromData(png)
        thumb = image.scaled(
            self._preview.size(),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.media.add(self.field.name, self.row, png, "image/png", thumb, self._stored)

    def _stored(self, sha: str) -> None:
        self._busy.hide()
        self._show(sha)
        self.emit_answer(sha)

    def _cleared(self) -> None:
        if self._sha:
            self.media.remove(self.field.name, self.row, self._sha)
        self._show("")
        self.emit_answer("")

    def _show(self, value: Value) -> None:
        self._sha = value if isinstance(value, str) else ""
        self._clear.setVisible(bool(self._sha) and self.editable)
        if self._sha:
            sha = self._sha
            self._preview.setText("…")
            self.media.thumbnail(sha, lambda pixmap: self._preview_loaded(sha, pixmap))
        else:
            self._preview.setPixmap(QPixmap())
        self._retranslate_editor()

    def _preview_loaded(self, sha: str, pixmap: QPixmap | None) -> None:
        if sha != self._sha:
            return
        if pixmap is None:
            self._preview.setText(self.tr("Signed"))
        else:
            self._preview.setPixmap(
                pixmap.scaled(
                    self._preview.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
