"""Taking a photo with the device camera (QtMultimedia, loaded only when asked for).

QtMultimedia needs system libraries (libpulse, GStreamer or FFmpeg) that a laptop may
lack; importing it lazily keeps the app starting without them, and `DeviceSupport`
only offers this dialog where a camera was found.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from fieldapp.ui.runner.media import jpeg_bytes
from fieldapp.ui.widgets import make_button, make_label


class CameraDialog(QDialog):
    """A live view and a shutter button; the photo is handed over as JPEG bytes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaCaptureSession
        from PySide6.QtMultimediaWidgets import QVideoWidget

        self.setObjectName("camera_dialog")
        self.setModal(True)
        self.photo: bytes | None = None
        layout = QVBoxLayout(self)
        self.status = make_label(role="hint")
        self.view = QVideoWidget()
        self.view.setMinimumSize(640, 420)
        self.shutter = make_button(role="primary")
        self.shutter.clicked.connect(self._capture)
        self.cancel = make_button()
        self.cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.shutter)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._camera: Any = QCamera(self)
        self._capture_image: Any = QImageCapture(self)
        self._session: Any = QMediaCaptureSession(self)
        self._session.setCamera(self._camera)
        self._session.setImageCapture(self._capture_image)
        self._session.setVideoOutput(self.view)
        self._capture_image.imageCaptured.connect(self._captured)
        self._capture_image.errorOccurred.connect(self._error)
        self._camera.errorOccurred.connect(self._error)
        self.retranslate()
        self._camera.start()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Take photo"))
        self.status.setText(self.tr("Point the camera and press the shutter button."))
        self.shutter.setText(self.tr("Take photo"))
        self.cancel.setText(self.tr("Cancel"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _capture(self) -> None:
        self.shutter.setEnabled(False)
        self._capture_image.capture()

    def _captured(self, _request: int, image: QImage) -> None:
        self.photo = jpeg_bytes(image)
        self._camera.stop()
        self.accept()

    def _error(self, *_args: object) -> None:
        self.status.setText(self.tr("The camera cannot be used right now."))
        self.shutter.setEnabled(False)

    @classmethod
    def ask(cls, parent: QWidget, done: Callable[[bytes], None]) -> CameraDialog:
        dialog = cls(parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def finished(result: int) -> None:
            dialog._camera.stop()
            if result == QDialog.DialogCode.Accepted and dialog.photo:
                done(dialog.photo)

        dialog.finished.connect(finished)
        dialog.open()
        return dialog
