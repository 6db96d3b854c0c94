"""The supervisor's review detail shows each repeat row's answers under their own labels
(issue 11, defect 6), on all three forms, loaded from a real central store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from fieldapp.app.review.desk import CentralReference, ReviewDesk
from fieldapp.app.review.loading import LoadedReview, load_review
from fieldapp.app.review.source import CentralReportSource
from fieldapp.core.answers import session_from_document
from fieldapp.core.forms import QuestionType
from fieldapp.reports.text import format_answer
from fieldapp.sync.transport import CentralLine, Credentials
from fieldapp.ui.review.detail import QUESTION_ROLE, ReviewDetail
from tests.support.central import (
    BOA,
    DEMO_PASSWORD,
    MYSTERY_GUEST,
    SUPERVISOR_CENTRUM,
    SUPERVISOR_UITGAAN,
    Central,
    running_central,
)
from tests.support.store import fill_draft, new_profile
from tests.support.sync import client_for

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    with running_central("sqlite", tmp_path_factory.mktemp("rows"), "rows") as running:
        yield running


def children(item: QTreeWidgetItem | None) -> list[QTreeWidgetItem]:
    assert item is not None
    found = [item.child(n) for n in range(item.childCount())]
    return [child for child in found if child is not None]


def loaded_from_central(
    central: Central, supervisor: str, inspection_id: str, language: str
) -> tuple[LoadedReview, CentralReference]:
    """What the review screen loads for `inspection_id`, as `supervisor` over HTTP."""
    line = CentralLine(
        central.url, device_id="rows-test", credentials=Credentials(supervisor, DEMO_PASSWORD)
    )
    try:
        reference = CentralReference.pull(line, supervisor)
        desk = ReviewDesk(line, supervisor)
        source = CentralReportSource(desk, reference.engine, reference.venues, reference.areas)
        return load_review(desk, source, inspection_id, language), reference
    finally:
        line.close()


def pushed_shop_inspection(central: Central, tmp_path: Path) -> str:
    """A coffeeshop inspection by a boa, finalized and synced to `central`."""
    with new_profile(tmp_path / "device", username=BOA) as profile:
        inspection_id = fill_draft(profile, "coffeeshop_inspection", 21)
        profile.finalize(inspection_id)
        with client_for(profile, central.url) as sync:
            assert sync.sync_once().complete
    return inspection_id


@pytest.mark.parametrize(
    ("author", "supervisor", "form_id", "seed"),
    [
        (BOA, SUPERVISOR_CENTRUM, "neighbourhood_patrol", 12),
        (BOA, SUPERVISOR_CENTRUM, "coffeeshop_inspection", 11),
        (MYSTERY_GUEST, SUPERVISOR_UITGAAN, "door_test", 3),
    ],
)
def test_repeat_row_labels_are_paired_with_the_wrong_values(
    central: Central,
    qtbot: QtBot,
    tmp_path: Path,
    author: str,
    supervisor: str,
    form_id: str,
    seed: int,
) -> None:
    with new_profile(tmp_path / "device", username=author) as profile:
        inspection_id = fill_draft(profile, form_id, seed)
        version = profile.finalize(inspection_id)
        engine = profile.engine(form_id, version.form_version)
        with client_for(profile, central.url) as sync:
            assert sync.sync_once().complete
    loaded, reference = loaded_from_central(central, supervisor, inspection_id, "nl")
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    detail = ReviewDetail(lambda sha, show: show(image), "nl")
    qtbot.addWidget(detail)
    detail.show_loaded(loaded)
    # What each row should read, straight from the stored answers and the form.
    session = session_from_document(engine, version.document)
    expected: dict[str, list[dict[str, str]]] = {}
    for repeat, rows in session.rows.items():
        per_row = []
        for row in rows:
            cells = {}
            for name, f in engine.fields.items():
                if f.repeat != repeat or not f.holds_answer:
                    continue
                if f.kind in (QuestionType.IMAGE, QuestionType.SIGNATURE, QuestionType.CALCULATE):
                    continue
                if not session.is_relevant(name, row):
                    continue
                text = format_answer(f, session.value(name, row), "nl", reference.venues)
                if text:
                    cells[local_label(f.question.label, name)] = text
            per_row.append(cells)
        expected[repeat] = per_row
    shown: dict[str, list[dict[str, str]]] = {}
    tree = detail.answers
    for index in range(tree.topLevelItemCount()):
        for item in children(tree.topLevelItem(index)):
            repeat = item.data(0, QUESTION_ROLE)
            if repeat in expected:
                shown[str(repeat)] = [
                    {cell.text(0): cell.text(1) for cell in children(row)} for row in children(item)
                ]
    wanted = {name: lines for name, lines in expected.items() if lines}
    assert set(shown) == set(wanted)
    for name, lines in wanted.items():
        assert len(shown[name]) == len(lines)
        for seen, cells_wanted in zip(shown[name], lines, strict=True):
            assert seen == cells_wanted
    if form_id != "door_test":
        assert any(shown.values())


def local_label(label: dict[str, str] | None, name: str) -> str:
    return (label or {}).get("nl", name)


def test_a_section_or_a_photo_question_could_not_be_commented_on(
    central: Central, qtbot: QtBot, tmp_path: Path
) -> None:
    """Issue 15, defect 2: the supervisor can reopen a whole section (its unanswered photo
    question too) or comment on a photo question, not only on an answered question; the
    return sends what she wrote, and the device reopens what it names."""
    inspection_id = pushed_shop_inspection(central, tmp_path)
    loaded, _ = loaded_from_central(central, SUPERVISOR_CENTRUM, inspection_id, "nl")
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    detail = ReviewDetail(lambda sha, show: show(image), "nl")
    qtbot.addWidget(detail)
    detail.show_loaded(loaded)
    tree = detail.answers
    sections = [tree.topLevelItem(n) for n in range(tree.topLevelItemCount())]
    section = next(
        s for s in sections if s is not None and s.data(0, QUESTION_ROLE) == "criterion_g"
    )
    assert section.flags() & Qt.ItemFlag.ItemIsEditable
    photos = [
        item
        for s in sections
        for item in children(s)
        if item.text(1) == "zie Foto's" or item.text(1) == "see Photos"
    ]
    assert photos and all(item.data(0, QUESTION_ROLE) for item in photos)
    assert detail.comment_on("criterion_g", "Fotografeer het ijkcertificaat van de weegschaal.")
    assert detail.comment_on(str(photos[0].data(0, QUESTION_ROLE)), "Scherper graag.")
    sent = {comment.question: comment.text for comment in detail.comments()}
    assert sent["criterion_g"].startswith("Fotografeer")
    assert len(sent) == 2


def test_the_review_header_read_version_1_of_a_date(
    central: Central, qtbot: QtBot, tmp_path: Path
) -> None:
    """Before: the detail's header said "version 1 of 4 December 2026, 12:00", which reads
    as one of a number of versions. It now says the version was received on that day."""
    inspection_id = pushed_shop_inspection(central, tmp_path)
    loaded, _ = loaded_from_central(central, SUPERVISOR_CENTRUM, inspection_id, "en")
    detail = ReviewDetail(lambda sha, show: None, "en")
    qtbot.addWidget(detail)
    detail.show_loaded(loaded)
    received = loaded.summary.last_received_at
    facts = detail.facts.text()
    assert f"version 1, received {received.day} " in facts
    assert " of " not in facts
