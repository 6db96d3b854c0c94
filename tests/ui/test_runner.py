"""The form runner with an in-memory sink: every question type, live updates, repeats, media."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from fieldapp.app.venues import RegistryDirectory
from fieldapp.core.engine import FormSession
from fieldapp.core.errors import FieldappError
from fieldapp.core.formfile import load_form_file, load_form_text
from fieldapp.core.locations import forms_directory, seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.ui.dialogs import Confirm
from fieldapp.ui.runner.media import ImageQuestion, SignatureDialog, SignatureQuestion
from fieldapp.ui.runner.places import GeopointQuestion, VenuePicker, VenueQuestion
from fieldapp.ui.runner.questions import (
    AcknowledgeQuestion,
    CalculatedQuestion,
    DateTimeQuestion,
    NoteQuestion,
    NumberQuestion,
    RatingQuestion,
    SelectMultipleQuestion,
    SelectOneQuestion,
    TextQuestion,
)
from fieldapp.ui.runner.runner import FormRunner, Position
from fieldapp.ui.runner.services import DeviceSupport, PhotoFiles, RunnerServices
from fieldapp.ui.runner.sink import MemoryAnswerSink
from fieldapp.ui.tasks import TaskRunner
from tests.support.qt import (
    EVERY_TYPE_FORM,
    SIGNATURE_STROKE,
    StrayWindows,
    child,
    draw,
    focus_within,
    make_photo,
)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

NOW = datetime(2026, 12, 4, 21, 30)


@pytest.fixture(autouse=True)
def stray_windows(qtbot: QtBot) -> Iterator[StrayWindows]:
    with StrayWindows.watching(FormRunner) as watcher:
        yield watcher
    assert watcher.seen == []


@pytest.fixture
def services(qtbot: QtBot) -> Iterator[RunnerServices]:
    world = load_world(seeds_directory())
    tasks = TaskRunner()
    yield RunnerServices(
        tasks=tasks,
        venues=RegistryDirectory(world.venues, world.areas),
        devices=DeviceSupport(),
        clock=lambda: NOW,
    )
    tasks.wait()


@pytest.fixture
def sink() -> MemoryAnswerSink:
    return MemoryAnswerSink(signatures=frozenset({"signed"}))


def open_runner(
    qtbot: QtBot,
    services: RunnerServices,
    sink: MemoryAnswerSink,
    session: FormSession | None = None,
    start: Position | None = None,
    language: str = "nl",
) -> FormRunner:
    if session is None:
        session = load_form_text(EVERY_TYPE_FORM).session(clock=lambda: NOW)
    runner = FormRunner(session, sink, services, language, subject="Test", start=start)
    qtbot.addWidget(runner)
    runner.resize(1280, 800)
    runner.show()
    return runner


def saved(qtbot: QtBot, runner: FormRunner) -> None:
    qtbot.waitUntil(lambda: runner.autosave.idle, timeout=5000)


def test_every_question_type_gets_its_widget(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    runner = open_runner(qtbot, services, sink)
    for index in range(len(runner.pages)):
        runner.go_to_page(index)
    saved(qtbot, runner)
    expected = {
        "intro": NoteQuestion,
        "title_text": TextQuestion,
        "long_text": TextQuestion,
        "count": NumberQuestion,
        "weight": NumberQuestion,
        "double_weight": CalculatedQuestion,
        "switch": SelectOneQuestion,
        "colour": SelectOneQuestion,
        "warm_colour": SelectOneQuestion,
        "colours": SelectMultipleQuestion,
        "day": DateTimeQuestion,
        "hour": DateTimeQuestion,
        "moment": DateTimeQuestion,
        "place": VenueQuestion,
        "spot": GeopointQuestion,
        "stars": RatingQuestion,
        "agree": AcknowledgeQuestion,
        "photo": ImageQuestion,
        "signed": SignatureQuestion,
    }
    for name, kind in expected.items():
        assert isinstance(runner.question_widget(name), kind), name
    # A calculation without a label is plumbing for outcomes: no widget.
    assert runner.question_widget("hidden_flag") is None
    assert runner.repeat_section("things") is not None
    # One page per top-level group or repeat, and the summary.
    assert [page.key for page in runner.pages] == ["basics", "moments", "things", "closing"]
    assert runner.section_model.rowCount() == 5
    # Defaults: the date is today, the moment is now.
    day = runner.question_widget("day")
    assert day is not None and day.findChild(QLabel) is not None
    assert runner.session.answers[("moment", None)] == NOW


def test_answers_update_only_what_changed(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    runner = open_runner(qtbot, services, sink)
    only_if_yes = runner.question_widget("only_if_yes")
    assert only_if_yes is not None and only_if_yes.isHidden()

    # Relevance, live: "Ja" shows the question.
    switch = runner.question_widget("switch")
    assert switch is not None
    qtbot.mouseClick(switch.findChild(QPushButton, "choice_yes"), Qt.MouseButton.LeftButton)
    assert only_if_yes.isVisible()

    # A constraint violation shows its message, in the form's language, at once.
    count = runner.question_widget("count")
    assert count is not None
    line = child(count, QLineEdit)
    qtbot.keyClicks(line, "12")
    assert count.issue_label.isVisible()
    assert count.issue_label.text() == "⚠ Hooguit 10."
    line.clear()
    qtbot.keyClicks(line, "7")
    assert not count.issue_label.isVisible()
    # An outcome appears as it arises.
    assert "many" in runner.outcomes.chips

    # The calculated value follows, read-only; a decimal comma is a decimal.
    weight = runner.question_widget("weight")
    assert weight is not None
    qtbot.keyClicks(weight.findChild(QLineEdit), "150,5")
    double = runner.question_widget("double_weight")
    assert double is not None
    assert "301" in child(double, QLabel, "").text() or "301" in _texts(double)
    assert "heavy" in runner.outcomes.chips

    # A choice filter hides choices; the list shows only warm colours.
    warm = runner.question_widget("warm_colour")
    assert warm is not None
    combo = child(warm, QComboBox)
    assert combo.count() == 5  # an empty "choose" entry and four colours

    saved(qtbot, runner)
    assert sink.answers[("count", None)] == 7
    assert sink.answers[("weight", None)] == 150.5
    assert sink.answers[("switch", None)] == "yes"


def _texts(widget: object) -> str:
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    return " ".join(label.text() for label in widget.findChildren(QLabel))


def test_required_messages_appear_once_the_page_is_left(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    runner = open_runner(qtbot, services, sink)
    title = runner.question_widget("title_text")
    assert title is not None and not title.issue_label.isVisible()
    qtbot.mouseClick(runner.next, Qt.MouseButton.LeftButton)
    assert runner.current_page == 1
    assert title.shown_issue == "Deze vraag is verplicht."


def test_repeat_rows_can_be_added_moved_and_removed(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    runner = open_runner(qtbot, services, sink)
    runner.go_to_page(2)
    section = runner.repeat_section("things")
    assert section is not None
    for number in range(1, 4):
        qtbot.mouseClick(section.add, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda number=number: len(section.cards) == number)  # type: ignore[misc]
    # max_rows is 3: no more rows.
    assert not section.add.isEnabled()
    first, second, third = runner.session.rows["things"]
    name = runner.question_widget("thing_name", second)
    assert name is not None
    qtbot.keyClicks(name.findChild(QLineEdit), "Tweede")
    # Defaults of a new row are filled in.
    assert runner.session.answers[("thing_count", first)] == 1
    qtbot.mouseClick(section.cards[second].up, Qt.MouseButton.LeftButton)
    assert runner.session.rows["things"] == [second, first, third]
    assert section.cards[second].number == 1
    remove = section.cards[third].remove
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert third in runner.session.rows["things"]  # the first tap only asks
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert runner.session.rows["things"] == [second, first]
    saved(qtbot, runner)
    assert sink.rows["things"] == [second, first]
    assert sink.answers[("thing_name", second)] == "Tweede"
    assert sink.answers[("thing_count", first)] == 1  # the default went with the new row
    assert section.add.isEnabled()


def test_a_row_s_title_read_observations_1_as_if_it_counted_one(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Before: a repeat's row card was titled with the repeat's plural label and its
    number ("Observations 1"), which reads as a count. It now says which row it is."""
    runner = open_runner(qtbot, services, sink, language="en")
    runner.go_to_page(2)
    section = runner.repeat_section("things")
    assert section is not None
    label = section.texts.text(section.field.question.label)
    for number in (1, 2):
        qtbot.mouseClick(section.add, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda number=number: len(section.cards) == number)  # type: ignore[misc]
    first, second = runner.session.rows["things"]
    assert section.cards[first].title.text() == f"{label} – no. 1"
    assert section.cards[second].title.text() == f"{label} – no. 2"
    qtbot.mouseClick(section.cards[second].up, Qt.MouseButton.LeftButton)
    assert section.cards[second].title.text() == f"{label} – no. 1"


def test_photos_are_added_from_a_file_and_deleted(
    qtbot: QtBot,
    services: RunnerServices,
    sink: MemoryAnswerSink,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    photo = make_photo(tmp_path / "evidence.png")
    monkeypatch.setattr(PhotoFiles, "ask", classmethod(lambda cls, *args: [photo]))
    runner = open_runner(qtbot, services, sink)
    runner.go_to_page(3)
    widget = runner.question_widget("photo")
    assert isinstance(widget, ImageQuestion)
    qtbot.mouseClick(widget.findChild(QPushButton, "add_photo_file"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.photo_count == 1, timeout=5000)
    saved(qtbot, runner)
    photos = sink.answers[("photo", None)]
    assert isinstance(photos, tuple)
    (sha,) = photos
    assert sink.attachments[sha] == photo.read_bytes()  # evidence kept byte for byte
    tile = widget.findChild(QPushButton, "delete_photo")
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert widget.photo_count == 0
    saved(qtbot, runner)
    assert ("photo", None) not in sink.answers

    # A file that is not a photo is refused in plain words.
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    monkeypatch.setattr(PhotoFiles, "ask", classmethod(lambda cls, *args: [bad]))
    qtbot.mouseClick(widget.findChild(QPushButton, "add_photo_file"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.shown_issue is not None, timeout=5000)


def test_a_signature_is_drawn_on_the_pad(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    runner = open_runner(qtbot, services, sink)
    runner.go_to_page(3)
    widget = runner.question_widget("signed")
    assert isinstance(widget, SignatureQuestion)
    qtbot.mouseClick(widget.findChild(QPushButton, "sign"), Qt.MouseButton.LeftButton)
    dialog = widget.findChild(SignatureDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert not dialog.use.isEnabled()
    draw(dialog.pad, SIGNATURE_STROKE)
    assert dialog.use.isEnabled()
    qtbot.mouseClick(dialog.use, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(runner.session.answers.get(("signed", None))), timeout=5000)
    saved(qtbot, runner)
    sha = sink.answers[("signed", None)]
    assert isinstance(sha, str)
    assert sink.attachments[sha].startswith(b"\x89PNG")
    assert sink.media_types[sha] == "image/png"


def test_venue_is_picked_from_the_registry_by_street(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    runner = open_runner(qtbot, services, sink)
    runner.go_to_page(1)
    widget = runner.question_widget("place")
    assert isinstance(widget, VenueQuestion)
    qtbot.mouseClick(
        widget.findChild(QPushButton, "choose_venue_button"), Qt.MouseButton.LeftButton
    )
    picker = widget.findChild(VenuePicker)
    assert picker is not None
    qtbot.keyClicks(picker.search, "weimar 241")
    assert picker.model.rowCount() == 1
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert runner.session.answers[("place", None)] == "cs-weimar-241"
    # The geopoint can take the venue's coordinates.
    spot = runner.question_widget("spot")
    assert isinstance(spot, GeopointQuestion)
    qtbot.mouseClick(spot.findChild(QPushButton, "use_venue_location"), Qt.MouseButton.LeftButton)
    assert runner.session.answers[("spot", None)] == "52.072680 4.284220"
    # Or be typed, with Dutch decimal commas.
    line = child(spot, QLineEdit, "coordinates")
    line.clear()
    qtbot.keyClicks(line, "52,0799, 4,3113")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert runner.session.answers[("spot", None)] == "52.079900 4.311300"


def test_summary_lists_what_is_open_and_finalize_confirms(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    runner = open_runner(qtbot, services, sink)
    summary = runner.show_summary()
    assert summary.missing_count >= 3
    assert not summary.finalize_button.isEnabled()
    # Fill in what is required, through the widgets.
    runner.go_to_question(("title_text", None))
    title = runner.question_widget("title_text")
    assert title is not None
    qtbot.keyClicks(title.findChild(QLineEdit), "Controle")
    runner.go_to_page(2)
    section = runner.repeat_section("things")
    assert section is not None
    qtbot.mouseClick(section.add, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(section.cards) == 1)
    (row,) = runner.session.rows["things"]
    name = runner.question_widget("thing_name", row)
    assert name is not None
    qtbot.keyClicks(name.findChild(QLineEdit), "Fiets")
    summary = runner.show_summary()
    # The signature can be given right on the summary.
    sign = summary.findChild(QPushButton, "sign_signed")
    assert sign is not None
    qtbot.mouseClick(sign, Qt.MouseButton.LeftButton)
    dialog = runner.findChild(SignatureDialog)
    assert dialog is not None
    draw(dialog.pad, SIGNATURE_STROKE)
    qtbot.mouseClick(dialog.use, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(runner.session.answers.get(("signed", None))), timeout=5000)
    summary = runner.show_summary()
    assert summary.missing_count == 0
    assert summary.finalize_button.isEnabled()
    qtbot.mouseClick(summary.finalize_button, Qt.MouseButton.LeftButton)
    confirm = runner.findChild(Confirm)
    assert confirm is not None
    with qtbot.waitSignal(runner.finalize_requested, timeout=2000):
        qtbot.mouseClick(confirm.confirm, Qt.MouseButton.LeftButton)


def test_language_switch_rereads_form_and_screen_texts(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    runner = open_runner(qtbot, services, sink)
    title = runner.question_widget("title_text")
    assert title is not None
    assert title.title.text() == "Titel *"
    runner.set_language("en")
    assert title.title.text() == "Title *"
    assert runner.title.text() == "Every question type"
    runner.set_language("nl")
    assert runner.title.text() == "Alle soorten vragen"


def test_a_failed_save_is_told_and_retried(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    runner = open_runner(qtbot, services, sink)
    saved(qtbot, runner)
    sink.fail_next = FieldappError({"nl": "De schijf is vol.", "en": "The disk is full."})
    title = runner.question_widget("title_text")
    assert title is not None
    qtbot.keyClicks(title.findChild(QLineEdit), "A")
    qtbot.waitUntil(lambda: runner.retry.isVisible(), timeout=5000)
    assert "De schijf is vol." in runner.save_state.text()
    # What was typed stays on screen and is not lost: retrying saves it.
    qtbot.keyClicks(title.findChild(QLineEdit), "B")
    qtbot.mouseClick(runner.retry, Qt.MouseButton.LeftButton)
    saved(qtbot, runner)
    assert sink.answers[("title_text", None)] == "AB"
    assert not runner.retry.isVisible()


def test_resume_opens_on_the_saved_question(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    runner = open_runner(qtbot, services, sink, start=Position("moments", "hour"))
    runner.activateWindow()
    qtbot.waitUntil(runner.isActiveWindow)
    assert runner.current_page == 1
    hour = runner.question_widget("hour")
    assert hour is not None
    qtbot.waitUntil(lambda: focus_within(hour))


def test_keyboard_enter_goes_on_and_shortcuts_turn_pages(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    runner = open_runner(qtbot, services, sink)
    runner.activateWindow()
    qtbot.waitUntil(runner.isActiveWindow)
    title = runner.question_widget("title_text")
    assert title is not None
    line = child(title, QLineEdit)
    line.setFocus()
    qtbot.keyClicks(line, "Controle")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    long_text = runner.question_widget("long_text")
    assert long_text is not None
    focused = QApplication.focusWidget()
    assert focused is not None and long_text.isAncestorOf(focused)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert runner.current_page == 1
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert runner.current_page == 0


def test_touch_targets_are_large_enough(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    from fieldapp.ui.theme import apply_theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "high_contrast")
    try:
        runner = open_runner(qtbot, services, sink)
        for index in range(len(runner.pages)):
            runner.go_to_page(index)
            qtbot.wait(1)  # let layouts settle before measuring
            view = runner.stack.currentWidget()
            assert view is not None
            for button in view.findChildren(QPushButton):
                if button.isVisible():
                    assert button.height() >= 44, button.text()
            for box in view.findChildren(QCheckBox):
                if box.isVisible():
                    assert box.height() >= 44, box.text()
    finally:
        app.setStyleSheet("")


def test_section_and_venue_models_pass_the_model_tester(
    qtbot: QtBot, qtmodeltester: object, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    from pytestqt.modeltest import ModelTester

    assert isinstance(qtmodeltester, ModelTester)
    runner = open_runner(qtbot, services, sink)
    qtmodeltester.check(runner.section_model)
    runner.answer(("switch", None), "no")
    qtmodeltester.check(runner.section_model)
    picker = VenuePicker(services.venues, None, [])
    qtbot.addWidget(picker)
    qtmodeltester.check(picker.model)
    picker.search.setText("markt")
    qtmodeltester.check(picker.model)


def test_an_empty_repeat_s_page_said_nothing_to_fill_in_beside_a_finding_that_it_was_needed(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Before: a patrol's page of referrals, with no row yet, said "nothing to fill in yet"
    in the page list, as if it were done, while the findings said a referral was needed
    and not recorded. An empty repeat's page says nothing has been added yet."""
    patrol = load_form_file(forms_directory() / "neighbourhood_patrol.yaml")
    runner = open_runner(qtbot, services, sink, patrol.session(clock=lambda: NOW), language="en")
    model = runner.section_model
    page = next(n for n, spec in enumerate(runner.pages) if spec.key == "referrals")
    status = str(model.data(model.index(page, 0))).splitlines()[-1]
    assert status == "nothing added yet", status
    runner.go_to_page(page)
    section = runner.repeat_section("referrals")
    assert section is not None
    qtbot.mouseClick(section.add, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "added yet" not in str(model.data(model.index(page, 0))))
