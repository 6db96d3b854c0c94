"""The app's parts on their own: settings, the task runner, autosave, search, pre-filling."""

from __future__ import annotations

import argparse
import json
import re
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from fieldapp.app.inspections import prefill_answers
from fieldapp.app.settings import DECLARED, Settings
from fieldapp.app.venues import RegistryDirectory, fold
from fieldapp.core.errors import FieldappError
from fieldapp.core.files import write_atomically
from fieldapp.core.formfile import load_form_file
from fieldapp.core.locations import forms_directory, seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.ui.runner.autosave import Autosave, SaveState
from fieldapp.ui.runner.places import parse_coordinates
from fieldapp.ui.runner.sink import MemoryAnswerSink
from fieldapp.ui.runner.texts import parse_number
from fieldapp.ui.tasks import TaskRunner

# -- settings -----------------------------------------------------------------------------


def test_every_setting_is_declared_once_with_a_valid_default() -> None:
    names = [setting.name for setting in DECLARED]
    assert len(names) == len(set(names))
    for setting in DECLARED:
        assert setting.description
        assert setting.accepts(setting.default), setting.name


def test_settings_round_trip_and_refuse_bad_values(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path)
    assert settings.language == "nl"  # Dutch by default
    assert settings.theme == "light"
    changed = settings.with_value("language", "en").with_value("idle_lock_minutes", 15)
    changed.save()
    again = Settings.load(tmp_path)
    assert again.language == "en" and again.idle_lock_minutes == 15
    with pytest.raises(ValueError):
        settings.with_value("theme", "pink")
    with pytest.raises(ValueError):
        settings.with_value("idle_lock_minutes", True)
    with pytest.raises(ValueError):
        settings.with_value("colour", "red")


def test_a_hand_edited_settings_file_never_stops_the_app(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "settings.json").write_text(
        json.dumps({"language": "fr", "theme": "dark", "idle_lock_minutes": -3, "extra": 1})
    )
    settings = Settings.load(tmp_path)
    assert settings.language == "nl"
    assert settings.theme == "dark"
    assert settings.idle_lock_minutes == 5
    (tmp_path / "settings.json").write_text("{not json")
    assert Settings.load(tmp_path).theme == "light"


def test_settings_are_written_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "settings.json"
    target.write_text('{"theme": "dark"}')

    def broken_replace(self: Path, other: Path) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomically(target, '{"theme": "light"}')
    # The old file is untouched and no temporary file is left behind.
    assert target.read_text() == '{"theme": "dark"}'
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_the_lang_option_is_for_one_run_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldapp import cli

    started: list[argparse.Namespace] = []

    def run(args: argparse.Namespace) -> int:
        started.append(args)
        return 0

    monkeypatch.setattr("fieldapp.ui.app.run", run)
    assert cli.main(["--home", str(tmp_path), "--lang", "en"]) == 0
    assert started[0].lang == "en"
    assert started[0].home == str(tmp_path)


def test_a_start_that_ended_early_left_the_cycle_collector_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command turns Python's cycle collector off for the app's start, and the app
    turns it on once its window is up. A start that ended before (an error, or here a
    stand-in for the app) left it off for the rest of the process."""
    import gc

    from fieldapp import cli

    def run(args: argparse.Namespace) -> int:
        assert not gc.isenabled()  # off while the window's modules load
        raise OSError("the home folder cannot be written")

    monkeypatch.setattr("fieldapp.ui.app.run", run)
    assert gc.isenabled()
    assert cli.main(["--home", str(tmp_path)]) == 1
    assert gc.isenabled()


# -- the task runner ----------------------------------------------------------------------


def test_tasks_run_off_the_ui_thread_and_answer_on_it(qtbot: QtBot) -> None:
    tasks = TaskRunner()
    ui_thread = QThread.currentThread()
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker"] = threading.current_thread() is threading.main_thread()
        return 42

    def done(result: int) -> None:
        seen["result"] = result
        seen["on_ui"] = QThread.currentThread() is ui_thread

    tasks.run(work, done)
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen == {"worker": False, "result": 42, "on_ui": True}
    tasks.wait()


def test_a_failure_without_a_handler_reaches_the_runner_signal(qtbot: QtBot) -> None:
    tasks = TaskRunner()

    def fail() -> None:
        raise FieldappError({"nl": "De schijf is vol.", "en": "The disk is full."})

    with qtbot.waitSignal(tasks.failed) as blocker:
        tasks.run(fail)
    assert isinstance(blocker.args[0], FieldappError)
    tasks.wait()


def test_serial_tasks_keep_their_order(qtbot: QtBot) -> None:
    tasks = TaskRunner()
    order: list[int] = []
    done: list[int] = []

    def work(number: int) -> Callable[[], None]:
        return lambda: order.append(number)

    def finished(number: int) -> Callable[[None], None]:
        return lambda _result: done.append(number)

    for number in range(50):
        tasks.run(work(number), finished(number), serial=True)
    qtbot.waitUntil(lambda: len(done) == 50)
    assert order == list(range(50)) and done == list(range(50))
    tasks.wait()


# -- autosave -----------------------------------------------------------------------------


def test_autosave_keeps_order_coalesces_typing_and_retries(qtbot: QtBot) -> None:
    tasks = TaskRunner()
    sink = MemoryAnswerSink()
    autosave = Autosave(sink, tasks)
    for text in ("B", "Bo", "Boa", "Boa 4411"):
        autosave.answer("inspectors", None, text)
    autosave.answer("announced", None, "no")
    qtbot.waitUntil(lambda: autosave.idle)
    assert sink.answers == {("inspectors", None): "Boa 4411", ("announced", None): "no"}
    assert sink.calls < 5  # typing a word is not a save per letter
    assert autosave.state is SaveState.SAVED

    sink.fail_next = FieldappError({"nl": "Vol.", "en": "Full."})
    with qtbot.waitSignal(autosave.save_failed):
        autosave.answer("announced", None, "yes")
    autosave.answer("inspectors", None, "")  # waits behind the failed save
    assert state_of(autosave) is SaveState.FAILED
    assert sink.answers[("announced", None)] == "no"
    autosave.retry()
    qtbot.waitUntil(lambda: autosave.idle)
    assert sink.answers == {("announced", None): "yes"}
    tasks.wait()


# -- small pure helpers -------------------------------------------------------------------


def test_numbers_and_coordinates_are_read_as_people_type_them() -> None:
    assert parse_number("12,5", whole=False) == 12.5
    assert parse_number(" 1 000 ", whole=True) == 1000
    assert parse_number("1,5", whole=True) is None
    assert parse_number("abc", whole=False) is None
    # Read by QLocale in the form's language; the other decimal mark is still understood.
    assert parse_number("12.5", whole=False, language="en") == 12.5
    assert parse_number("12,5", whole=False, language="en") == 12.5
    assert parse_number("-3", whole=True, language="en") == -3
    assert parse_coordinates("52.0799, 4.3113") == "52.079900 4.311300"
    assert parse_coordinates("52,0799, 4,3113") == "52.079900 4.311300"
    assert parse_coordinates("52,0799 4,3113") == "52.079900 4.311300"
    assert parse_coordinates("95, 4") is None
    assert parse_coordinates("Hoefkade") is None


def test_venue_search_by_name_or_street_with_recent_first() -> None:
    world = load_world(seeds_directory())
    directory = RegistryDirectory(world.venues, world.areas)
    assert fold("Yıldız Café") == "yildiz cafe"
    weimar = directory.search("weimarstraat")
    assert weimar and all(v.street == "Weimarstraat" for v in weimar)
    directory.note_used(weimar[-1].id)
    assert directory.search("weimar")[0].id == weimar[-1].id
    assert directory.search("2562")  # postcode
    assert not directory.search("nergens te vinden")


def test_known_facts_fill_in_a_new_inspection() -> None:
    world = load_world(seeds_directory())
    door = load_form_file(forms_directory() / "door_test.yaml")
    tester = world.user("mg-noord-3")
    assignment = next(a for a in world.assignments if a.assignee == "mg-noord-3")
    assert prefill_answers(door, tester, assignment, None, None) == {
        "test_id": assignment.paired_test,
        "group_role": "test",
        "tester_pseudonym": "Tester Noord-3",
    }
    patrol = load_form_file(forms_directory() / "neighbourhood_patrol.yaml")
    officer = world.user("kevin.sitaldin")
    area = world.area("laak")
    filled = prefill_answers(patrol, officer, None, area, "Team Centrum")
    assert filled == {
        "area": area.name,
        "district": "laak",
        "team": "Team Centrum",
        "area_fireworks_free_zone": "yes" if area.fireworks_free_zone else "no",
    }
    coffeeshop = load_form_file(forms_directory() / "coffeeshop_inspection.yaml")
    assert prefill_answers(coffeeshop, officer, None, area, "Team Centrum") == {}


def test_errors_of_the_world_read_plainly_and_bugs_are_logged(tmp_path: Path) -> None:
    from fieldapp.ui.errors import describe, start_bug_log

    log_file = start_bug_log(tmp_path)
    error = FieldappError({"nl": "De schijf is vol.", "en": "The disk is full."})
    assert describe(error, "nl", log_file) == "De schijf is vol."
    assert describe(error, "en", log_file) == "The disk is full."
    try:
        raise KeyError("question")
    except KeyError as bug:
        sentence = describe(bug, "en", log_file)
    assert str(log_file) in sentence
    assert "Traceback" in log_file.read_text()


def test_themes_keep_touch_targets_and_contrast(qtbot: QtBot) -> None:
    from fieldapp.ui.theme import HIGH_CONTRAST, TOUCH, apply_theme, style_sheet

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    for name in ("light", "dark", "high_contrast"):
        apply_theme(app, name)
        assert f"min-height: {TOUCH}px" in app.styleSheet()
    assert "#000000" in style_sheet(HIGH_CONTRAST)
    app.setStyleSheet("")


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_time_and_number_fields_drew_their_step_buttons_as_bare_lines(qtbot: QtBot) -> None:
    """Before: under the theme, a time or number field's step buttons were a few bare
    lines in a corner and its text stood against the frame (the planning's door-test
    round: "22:30", "30 min"). Now each button shows an arrow in its middle, and the text
    has room before it. (The round dialog's own fields: test_central_screens.)"""
    from PySide6.QtCore import QTime
    from PySide6.QtWidgets import QLineEdit, QSpinBox, QTimeEdit, QWidget

    from fieldapp.ui.theme import TOUCH, apply_theme
    from fieldapp.ui.widgets import with_room_before_text

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    for theme in ("light", "dark", "high_contrast"):
        apply_theme(app, theme)
        for url in re.findall(r"url\(([^)]+)\)", app.styleSheet()):
            assert Path(url).is_file(), url
    apply_theme(app, "light")
    time_edit = with_room_before_text(QTimeEdit(QTime(22, 30)))
    spin = with_room_before_text(QSpinBox())
    spin.setValue(30)
    for field in (time_edit, spin):
        qtbot.addWidget(field)
        field.resize(300, TOUCH)
        field.show()
        qtbot.waitExposed(field)

    def inner(widget: QWidget) -> QLineEdit:
        edit = widget.findChild(QLineEdit)
        assert edit is not None
        return edit

    assert inner(time_edit).textMargins().left() >= 6
    assert inner(spin).textMargins().left() >= 6
    for field in (time_edit, spin):
        picture = field.grab().toImage()
        middle_x = picture.width() - TOUCH // 2
        for middle_y in (picture.height() // 4, picture.height() * 3 // 4):
            inked = sum(
                1
                for x in range(middle_x - 6, middle_x + 7)
                for y in range(middle_y - 4, middle_y + 5)
                if picture.pixelColor(x, y).lightness() < 110
            )
            assert inked >= 6, (type(field).__name__, middle_y, inked)
    app.setStyleSheet("")


def test_item_models_may_answer_none_as_often_as_views_ask(qtbot: QtBot) -> None:
    # PySide6 6.12.0 on CPython 3.11 drops a reference to None for every None a Python
    # data() hands to C++ and aborts the interpreter after a few thousand; this keeps a
    # pinned version with that defect from landing.
    from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

    class Nothing(QAbstractListModel):
        def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
            return 1

        def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
            return None

    model = Nothing()
    index = model.index(0, 0)
    for _ in range(50_000):
        index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data(Qt.ItemDataRole.DisplayRole) is None


def test_signals_may_be_emitted_as_often_as_people_type(qtbot: QtBot) -> None:
    # The same defect for True in 6.12.0: every emit() from Python loses a reference to it.
    from PySide6.QtCore import QObject, Signal

    class Typist(QObject):
        typed = Signal(str)

    typist = Typist()
    received: list[str] = []
    typist.typed.connect(received.append)
    for _ in range(50_000):
        typist.typed.emit("a")
    assert len(received) == 50_000


def state_of(autosave: Autosave) -> SaveState:
    """The save state as it is now (a plain read, so that a check after an action is not
    narrowed by the check before it)."""
    return autosave.state


def test_numbers_are_written_by_qlocale_in_the_forms_language() -> None:
    from fieldapp.core.formfile import load_form_text
    from fieldapp.ui.runner.texts import FormTexts
    from tests.support.qt import EVERY_TYPE_FORM

    definition = load_form_text(EVERY_TYPE_FORM).definition
    dutch, english = FormTexts(definition, "nl"), FormTexts(definition, "en")
    assert dutch.number(1234.5) == "1234,5"  # no group separator: it would read as a decimal
    assert english.number(1234.5) == "1234.5"
    assert dutch.number(0.125) == "0,125" and dutch.number(7) == "7"
    assert dutch.parse(dutch.number(1234.5), whole=False) == 1234.5
