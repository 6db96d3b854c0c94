"""The supervisor's photo view in review (issue 15): full screen with zoom, a Close button
and Escape, when and where each photo was taken, and a marked photo's original; loaded
from a real central store after a real sync."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QLabel, QListWidget, QPushButton
from pytestqt.qtbot import QtBot

from fieldapp.app.inspections import StoreAnswerSink
from fieldapp.app.review.desk import CentralReference, ReviewDesk
from fieldapp.app.review.loading import LoadedReview, load_review
from fieldapp.app.review.source import CentralReportSource
from fieldapp.core.inspection import PhotoPosition
from fieldapp.store.images import street_photo
from fieldapp.sync.transport import CentralLine, Credentials
from fieldapp.ui.review.detail import ReviewDetail
from fieldapp.ui.runner.media import PhotoViewer
from tests.support.central import BOA, DEMO_PASSWORD, SUPERVISOR_CENTRUM, Central, running_central
from tests.support.qt import child
from tests.support.store import fill_draft, new_profile
from tests.support.sync import client_for

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

HERE = PhotoPosition(lat=52.07712, lon=4.30012, accuracy=6.0)


class Reviewed:
    """One coffeeshop inspection with a marked stock photo, as the supervisor loads it."""

    def __init__(self, loaded: LoadedReview, blobs: dict[str, bytes], taken: str, marked: str):
        self.loaded = loaded
        self.blobs = blobs
        self.taken = taken
        self.marked = marked

    def detail(self, qtbot: QtBot) -> ReviewDetail:
        detail = ReviewDetail(
            lambda sha, show: show(QImage.fromData(self.blobs[sha])), language="nl"
        )
        qtbot.addWidget(detail)
        detail.resize(1280, 800)
        detail.show()
        detail.show_loaded(self.loaded)
        return detail


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reviewed]:
    home = tmp_path_factory.mktemp("review-photos")
    with running_central("sqlite", home / "central", "photos") as central:
        yield _reviewed(central, home)


def _reviewed(central: Central, home: Path) -> Reviewed:
    with new_profile(home / "device", username=BOA) as profile:
        draft = fill_draft(profile, "coffeeshop_inspection", seed=31)
        sink = StoreAnswerSink(profile, draft, lambda: HERE)
        taken = sink.save_attachment("stock_photo", None, street_photo(5), "image/jpeg")
        marked = sink.save_annotation("stock_photo", None, taken, street_photo(6), "image/jpeg")
        version = profile.finalize(draft)
        with client_for(profile, central.url) as sync:
            assert sync.sync_once().complete
    line = CentralLine(
        central.url,
        device_id="review-photos",
        credentials=Credentials(SUPERVISOR_CENTRUM, DEMO_PASSWORD),
    )
    try:
        reference = CentralReference.pull(line, SUPERVISOR_CENTRUM)
        desk = ReviewDesk(line, SUPERVISOR_CENTRUM)
        source = CentralReportSource(desk, reference.engine, reference.venues, reference.areas)
        loaded = load_review(desk, source, version.inspection_id, "nl")
        blobs = {a.sha256: desk.blob(a.sha256) for a in version.attachments}
    finally:
        line.close()
    return Reviewed(loaded, blobs, taken, marked)


def open_first_photo(qtbot: QtBot, detail: ReviewDetail, sha: str) -> QDialog:
    photos = child(detail, QListWidget, "review_photos")
    row = next(
        n for n in range(photos.count()) if photos.item(n).data(Qt.ItemDataRole.UserRole) == sha
    )
    photos.setCurrentRow(row)
    photos.setFocus()
    detail.tabs.setCurrentWidget(detail.photos_tab)
    qtbot.waitUntil(photos.isVisible)
    qtbot.keyClick(photos, Qt.Key.Key_Return)  # the item is activated, as a double click
    viewer = child(detail, QDialog)
    qtbot.waitUntil(viewer.isVisible)
    return viewer


def test_review_photo_viewer_had_no_close_button(qtbot: QtBot, reviewed: Reviewed) -> None:
    """Defect: the supervisor's photo window had neither a Close button nor zoom buttons;
    now it closes with its button and with Escape, and zooms like the form's viewer."""
    detail = reviewed.detail(qtbot)
    viewer = open_first_photo(qtbot, detail, reviewed.marked)
    close = child(viewer, QPushButton, "close_photo")
    assert close.isVisible() and close.text() in ("Close", "Sluiten")
    assert child(viewer, QPushButton, "zoom_in").isVisible()
    with qtbot.waitSignal(viewer.finished):
        qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not viewer.isVisible()
    qtbot.waitUntil(lambda: detail.findChild(QDialog) is None)

    again = open_first_photo(qtbot, detail, reviewed.marked)
    with qtbot.waitSignal(again.finished):
        qtbot.keyClick(again, Qt.Key.Key_Escape)
    assert not again.isVisible()


def test_the_supervisor_sees_when_and_where_and_the_photo_as_taken(
    qtbot: QtBot, reviewed: Reviewed
) -> None:
    detail = reviewed.detail(qtbot)
    photos = child(detail, QListWidget, "review_photos")
    texts = [photos.item(n).text() for n in range(photos.count())]
    marked_text = next(
        photos.item(n).text()
        for n in range(photos.count())
        if photos.item(n).data(Qt.ItemDataRole.UserRole) == reviewed.marked
    )
    assert "52.07712, 4.30012 (nauwkeurigheid 6 m)" in marked_text, texts
    assert "genomen " in marked_text
    # The photo as taken is no answer of its own: it is reached from its marked copy.
    assert not any(
        photos.item(n).data(Qt.ItemDataRole.UserRole) == reviewed.taken
        for n in range(photos.count())
    )

    viewer = open_first_photo(qtbot, detail, reviewed.marked)
    assert isinstance(viewer, PhotoViewer)
    assert viewer.isMaximized()
    details = child(viewer, QLabel, "photo_details")
    assert "52.07712, 4.30012" in details.text() and reviewed.marked in details.text()
    marked_image = QImage.fromData(reviewed.blobs[reviewed.marked])
    taken_image = QImage.fromData(reviewed.blobs[reviewed.taken])
    assert viewer.image == marked_image
    toggle = child(viewer, QPushButton, "show_original")
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: viewer.image == taken_image)
    assert reviewed.taken in details.text()
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert viewer.image == marked_image
    assert reviewed.marked in details.text()
    with qtbot.waitSignal(viewer.finished):
        qtbot.keyClick(viewer, Qt.Key.Key_Escape)
