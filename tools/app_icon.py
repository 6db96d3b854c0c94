"""Render the app icon, resources/icons/fieldapp.svg, into the PNG and ICO files that ship.

    python -m tools.app_icon

The SVG is the source. Linux desktops take the PNG (and the SVG), the Qt window takes the
PNG, and Windows wants an `.ico` with several sizes for the executable, the Start menu and
the installer; Qt's SVG renderer draws each size and Pillow writes the `.ico`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SOURCE = ICONS / "fieldapp.svg"
#: The sizes Windows picks from (16 to 256 px); the largest is also the PNG.
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int) -> Image.Image:
    """The SVG drawn at `size` × `size` pixels, as a Pillow image with transparency."""
    # RGBA8888: the bytes are in Pillow's RGBA order, rows without padding.
    image = QImage(size, size, QImage.Format.Format_RGBA8888)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(SOURCE)).render(painter)
    painter.end()
    return Image.frombytes("RGBA", (size, size), bytes(image.constBits()))


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    images = {size: render(size) for size in SIZES}
    images[256].save(ICONS / "fieldapp.png")
    images[256].save(ICONS / "fieldapp.ico", sizes=[(size, size) for size in SIZES])
    print(f"wrote {ICONS / 'fieldapp.png'} and {ICONS / 'fieldapp.ico'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
