"""A PDF report shown inside the app, page by page, and handed to the system viewer.

Our PySide6 wheels have no QtPdf module, but Qt ships a `pdf` image-format plugin
(`imageformats/libqpdf.so`, built on the same PDFium), which `QImageReader` reads page by
page and which works offscreen too. Pages are rendered on the task runner, so a long
report never freezes the window. "Open in viewer" writes a temporary file and asks the
desktop to open it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldapp.ui.tasks import TaskRunner
from fieldapp.ui.widgets import make_button, make_label

#: Page width in pixels on screen (A4 at about 120 dpi): readable without zooming.
PAGE_WIDTH = 1000


def pdf_renders() -> bool:
    """Whether this Qt can render PDF pages (its `pdf` image-format plugin is present)."""
    return b"pdf" in [bytes(f.data()) for f in QImageReader.supportedImageFormats()]


def render_pages(pdf: bytes, width: int = PAGE_WIDTH, limit: int = 50) -> list[QImage]:
    """The first `limit` pages of a PDF as images `width` pixels wide.

    QImage (unlike QPixmap) may be made on a worker thread.
    """
    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, QByteArray(b"pdf"))
    count = max(1, reader.imageCount())
    pages: list[QImage] = []
    for number in range(min(count, limit)):
        if number and not reader.jumpToImage(number):
            break
        size = reader.size()
        if size.isValid() and size.width() > 0:
            height = round(size.height() * width / size.width())
            reader.setScaledSize(QSize(width, height))
        image = reader.read()
        if image.isNull():
            break
        pages.append(image)
    buffer.close()
    return pages


class PdfPreview(QDialog):
    """A report's pages in a scrolling column, with "open in the system viewer"."""

    def __init__(
        self,
        title: str,
        pdf: bytes,
        tasks: TaskRunner,
        file_name: str = "rapport.pdf",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pdf_preview")
        self.setWindowTitle(title)
        self.pdf = pdf
        self.file_name = file_name
        self.opened: Path | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.heading = make_label(title, role="heading")
        bar.addWidget(self.heading, 1)
        self.open_button = make_button(self.tr("Open in PDF viewer"))
        self.open_button.setObjectName("open_pdf")
        self.open_button.clicked.connect(self.open_externally)
        self.close_button = make_button(self.tr("Close"))
        self.close_button.clicked.connect(self.accept)
        bar.addWidget(self.open_button)
        bar.addWidget(self.close_button)
        layout.addLayout(bar)
        self.pages_area = QScrollArea()
        self.pages_area.setWidgetResizable(True)
        self.pages_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.column = QWidget()
        self.column.setObjectName("pdf_pages")
        self.pages_layout = QVBoxLayout(self.column)
        self.pages_layout.setSpacing(16)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.status = make_label(self.tr("Rendering the report…"), role="muted")
        self.pages_layout.addWidget(self.status)
        self.pages_area.setWidget(self.column)
        layout.addWidget(self.pages_area, 1)
        self.page_labels: list[QLabel] = []
        if pdf_renders():
            tasks.run(lambda: render_pages(pdf), self._rendered, context=self)
        else:
            self.status.setText(
                self.tr("This computer cannot show PDF pages here; open the report in a viewer.")
            )

    def _rendered(self, pages: list[QImage]) -> None:
        self.status.hide()
        for image in pages:
            label = QLabel()
            label.setObjectName("pdf_page")
            label.setPixmap(QPixmap.fromImage(image))
            label.setStyleSheet("background: white; border: 1px solid #c8ccd0;")
            self.pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.page_labels.append(label)

    def open_externally(self) -> bool:
        """Write the PDF to a temporary file and let the desktop open it."""
        folder = Path(tempfile.mkdtemp(prefix="fieldapp-report-"))
        path = folder / self.file_name
        path.write_bytes(self.pdf)
        self.opened = path
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
