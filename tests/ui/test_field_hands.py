"""The field app in real hands (issue 15): keyboard, touch, flow and language defects.

Each test is named after the defect it guards against and drives real widgets with qtbot.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from fieldapp.app.venues import RegistryDirectory
from fieldapp.core.engine import FormSession
from fieldapp.core.formfile import load_form_file, load_form_text
from fieldapp.core.locations import forms_directory, seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.ui.i18n import Translations
from fieldapp.ui.runner.picker import MomentPicker
from fieldapp.ui.runner.questions import (
    DateTimeQuestion,
    NumberQuestion,
    QuestionWidget,
    SelectOneQuestion,
)
from fieldapp.ui.runner.runner import FormRunner
from fieldapp.ui.runner.services import DeviceSupport, RunnerServices
from fieldapp.ui.runner.sink import MemoryAnswerSink
from fieldapp.ui.tasks import TaskRunner
from fieldapp.ui.theme import apply_theme
from fieldapp.ui.widgets import make_button
from tests.support.qt import EVERY_TYPE_FORM, child

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

NOW = datetime(2026, 12, 4, 21, 30)


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
    language: str = "nl",
) -> FormRunner:
    if session is None:
        session = load_form_text(EVERY_TYPE_FORM).session(clock=lambda: NOW)
    runner = FormRunner(session, sink, services, language, subject="Test")
    qtbot.addWidget(runner)
    runner.resize(1280, 800)
    runner.show()
    runner.activateWindow()
    return runner


def english(qtbot: QtBot) -> None:
    """English catalogues (for the plural forms) for the rest of the test."""
    app = QApplication.instance()
    assert app is not None
    translations = Translations(app)
    translations.apply("en")
    _installed.append(translations)


_installed: list[Translations] = []


@pytest.fixture(autouse=True)
def _remove_translations() -> Iterator[None]:
    yield
    while _installed:
        _installed.pop().remove()


def focused() -> object:
    return QApplication.focusWidget()


def test_keyboard_cannot_answer_no_on_yes_no_questions(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Defect 1: Tab, arrows, Space and Return reach and answer every choice."""
    runner = open_runner(qtbot, services, sink)
    question = child(runner, SelectOneQuestion, "question_switch")
    yes = child(question, QPushButton, "choice_yes")
    no = child(question, QPushButton, "choice_no")
    yes.setFocus()
    qtbot.waitUntil(lambda: focused() is yes)
    qtbot.keyClick(yes, Qt.Key.Key_Right)
    assert focused() is no
    qtbot.keyClick(no, Qt.Key.Key_Left)
    assert focused() is yes
    qtbot.keyClick(yes, Qt.Key.Key_Tab)
    assert focused() is no
    qtbot.keyClick(no, Qt.Key.Key_Space)
    assert runner.session.value("switch") == "no"
    qtbot.keyClick(no, Qt.Key.Key_Left)
    qtbot.keyClick(yes, Qt.Key.Key_Return)
    assert runner.session.value("switch") == "yes"
    assert not no.isChecked()
    # Radio lists: Tab visits every choice, Space or Return answers the focused one.
    colours = child(runner, SelectOneQuestion, "question_colour")
    red = child(colours, QRadioButton, "choice_red")
    blue = child(colours, QRadioButton, "choice_blue")
    red.setFocus()
    qtbot.waitUntil(lambda: focused() is red)
    qtbot.keyClick(red, Qt.Key.Key_Tab)
    assert focused() is blue
    qtbot.keyClick(blue, Qt.Key.Key_Return)
    assert runner.session.value("colour") == "blue"
    qtbot.keyClick(blue, Qt.Key.Key_Down)
    orange = child(colours, QRadioButton, "choice_orange")
    assert focused() is orange
    assert runner.session.value("colour") == "blue"  # moving is not answering
    qtbot.keyClick(orange, Qt.Key.Key_Space)
    assert runner.session.value("colour") == "orange"


def _luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.red())
        + 0.7152 * channel(colour.green())
        + 0.0722 * channel(colour.blue())
    )


def _contrast(a: QColor, b: QColor) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _strongest(image: QImage, background: QColor, xs: range, ys: range) -> float:
    """The strongest contrast against `background` of any pixel in the region: what the
    text or mark drawn there reaches."""
    return max(_contrast(background, image.pixelColor(x, y)) for x in xs for y in ys)


@pytest.mark.parametrize("theme", ["light", "dark", "high_contrast"])
def test_blue_primary_buttons_show_no_focus_ring(qtbot: QtBot, theme: str) -> None:
    """Defect 1: a focused button, primary, plain or chosen, changes visibly (≥ 3:1)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        window = QWidget()
        qtbot.addWidget(window)
        layout = QVBoxLayout(window)
        primary = make_button("Afronden", "primary")
        plain = make_button("Annuleren")
        chosen = make_button("Ja", "segment")
        chosen.setCheckable(True)
        chosen.setChecked(True)
        radio = QRadioButton("Rood")
        # A finding in the strip is a way to its answers, so it takes focus too.
        from fieldapp.core.forms import Outcome
        from fieldapp.ui.runner.outcomes import OutcomeChip
        from fieldapp.ui.runner.texts import FormTexts

        definition = load_form_text(EVERY_TYPE_FORM).definition
        finding = Outcome(
            name="stock_over_limit",
            when="1 = 1",
            severity="serious",
            label={"nl": "Voorraad boven het maximum"},
        )
        chip = OutcomeChip(finding, FormTexts(definition, "nl"))
        for widget in (primary, plain, chosen, radio, chip):
            layout.addWidget(widget)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        # Inside the focus ring, outside the plain border: the ring's extra width is kept
        # free around an unfocused control (a margin, or a transparent border).
        edge = 1
        for widget in (primary, plain, chosen, radio, chip):
            plain.setFocus() if widget is not plain else primary.setFocus()
            qtbot.waitUntil(lambda w=widget: not w.hasFocus())  # type: ignore[misc]
            # Grabbed through the window: what lies around a control is the window's.
            before = window.grab(widget.geometry()).toImage().pixelColor(edge, widget.height() // 2)
            widget.setFocus()
            qtbot.waitUntil(widget.hasFocus)
            after = window.grab(widget.geometry()).toImage().pixelColor(edge, widget.height() // 2)
            assert _contrast(before, after) >= 3, (widget.text(), before.name(), after.name())
    finally:
        app.setStyleSheet("")


def test_page_jumps_under_the_finger_after_answering(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Defect 3: answering (and clearing) a choice or breaking a constraint moves nothing below."""
    runner = open_runner(qtbot, services, sink)
    page = runner.stack.currentWidget()
    assert page is not None

    def top_of(name: str) -> int:
        widget = child(runner, QWidget, f"question_{name}")
        return widget.mapTo(page, widget.rect().topLeft()).y()

    qtbot.wait(1)
    before = {name: top_of(name) for name in ("weight", "colour", "warm_colour", "colours")}
    switch = child(runner, SelectOneQuestion, "question_switch")
    qtbot.mouseClick(child(switch, QPushButton, "choice_no"), Qt.MouseButton.LeftButton)
    colour = child(runner, SelectOneQuestion, "question_colour")
    qtbot.mouseClick(child(colour, QRadioButton, "choice_blue"), Qt.MouseButton.LeftButton)
    count = child(runner, NumberQuestion, "question_count")
    count_line = child(count, QLineEdit)
    count_line.setText("12")  # above the limit of 10: the constraint message shows
    qtbot.waitUntil(lambda: bool(count.shown_issue))
    qtbot.wait(1)
    after = {name: top_of(name) for name in before}
    assert after == before
    assert child(switch, QPushButton, "clear_answer").isVisible()
    assert child(colour, QPushButton, "clear_answer").isVisible()


MANY_FINDINGS_FORM = """
id: many_findings
version: "1"
title: {nl: "Veel bevindingen", en: "Many findings"}
languages: [nl, en]
roles: [boa]
retention_days: 30
questions:
  - {type: integer, name: level, label: {nl: "Niveau", en: "Level"}}
  - {type: text, name: below, label: {nl: "Daaronder", en: "Below"}}
outcomes:
""" + "".join(
    f"""  - name: finding_{n}
    when: "${{level}} > {n}"
    severity: violation
    label: {{nl: "Een lange bevinding nummer {n}", en: "A long finding number {n}"}}
"""
    for n in range(8)
)


def test_second_row_of_finding_chips_shifts_the_page(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Defect 3: findings stay on one row; the rest are counted on "+N", which opens the summary."""
    session = load_form_text(MANY_FINDINGS_FORM).session(clock=lambda: NOW)
    runner = open_runner(qtbot, services, sink, session)
    below = child(runner, QWidget, "question_below")
    qtbot.wait(1)
    before = below.mapTo(runner, below.rect().topLeft()).y()
    runner.answer(("level", None), 9)
    qtbot.wait(1)
    assert below.mapTo(runner, below.rect().topLeft()).y() == before
    strip = runner.outcomes
    assert 0 < strip.hidden_count < 8
    more = child(strip, QPushButton, "more_outcomes")
    assert more.isVisible()
    assert str(strip.hidden_count) in more.text()
    qtbot.mouseClick(more, Qt.MouseButton.LeftButton)
    assert runner.on_summary


def test_section_list_hides_which_sections_hold_comments(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Defect 2: in a correction the section list says which pages hold comments."""
    session = load_form_text(EVERY_TYPE_FORM).session(clock=lambda: NOW)
    english(qtbot)
    runner = FormRunner(
        session,
        sink,
        services,
        "en",
        subject="Test",
        comments={"count": "Count again", "weight": "Weigh again", "hour": "Which hour?"},
    )
    qtbot.addWidget(runner)
    runner.show()
    model = runner.section_model
    texts = [str(model.index(row, 0).data()) for row in range(model.rowCount())]
    assert "2 comments" in texts[0]
    assert "1 comment" in texts[1] and "comments" not in texts[1]
    assert "comment" not in texts[2]


def test_selected_section_name_wraps_over_its_status_line(qtbot: QtBot) -> None:
    """Defect 9: the row is tall enough for its title drawn bold (as when selected)."""
    from PySide6.QtGui import QFont, QFontMetrics
    from PySide6.QtWidgets import QListView, QStyleOptionViewItem

    from fieldapp.ui.runner.progress import Progress
    from fieldapp.ui.runner.sections import SectionDelegate, SectionListModel

    model = SectionListModel()
    title = "Gewogen voorraad en verpakkingen in de achterruimte"
    model.set_pages(["stock"], [title], "Samenvatting")
    model.update_page(0, True, Progress())
    view = QListView()
    qtbot.addWidget(view)
    delegate = SectionDelegate(view)
    view.setItemDelegate(delegate)
    view.setModel(model)
    option = QStyleOptionViewItem()
    option.font = QFont(view.font())
    bold = QFont(option.font)
    bold.setBold(True)
    for width in range(160, 420, 7):
        option.rect.setWidth(width)
        height = delegate.sizeHint(option, model.index(0, 0)).height()
        title_height = (
            QFontMetrics(bold)
            .boundingRect(0, 0, width - 28, 1000, Qt.TextFlag.TextWordWrap, title)
            .height()
        )
        # 8 px padding above and below, the status line under the title.
        assert height >= title_height + QFontMetrics(option.font).height() + 16, width


def test_approve_uses_generic_yes_no_with_yes_focused(qtbot: QtBot, tmp_path: Path) -> None:
    """Defect 10: approving asks with named buttons; Enter cancels, never approves."""
    from fieldapp.app.demo import load_demo_world
    from fieldapp.app.review.desk import ReviewDesk
    from fieldapp.app.session import KdfParams, SignedIn, sign_in
    from fieldapp.app.settings import Settings
    from fieldapp.sync.transport import CentralLine, Credentials
    from fieldapp.ui.app import build_context
    from fieldapp.ui.dialogs import Confirm
    from fieldapp.ui.errors import start_bug_log
    from fieldapp.ui.review.panel import ReviewPanel
    from tests.support.central import SUPERVISOR_CENTRUM

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    settings = Settings.load(tmp_path).with_value("idle_lock_minutes", 0)
    context = build_context(app, tmp_path, settings, start_bug_log(tmp_path))
    context.kdf = KdfParams.fast_for_tests()
    try:
        signed = sign_in(tmp_path, SUPERVISOR_CENTRUM, "demo", load_demo_world(), kdf=context.kdf)

        def desk(signed: SignedIn) -> ReviewDesk:
            # Nothing listens here: the inbox stays empty, which this test does not need.
            line = CentralLine(
                "http://127.0.0.1:9",
                device_id="t",
                credentials=Credentials(signed.user.username, "demo"),
            )
            return ReviewDesk(line, signed.user.username)

        panel = ReviewPanel(context, signed, desk)
        qtbot.addWidget(panel)
        panel.show()
        approved: list[bool] = []
        first = panel.confirm("Approve this inspection?", "Approve", lambda: approved.append(True))
        assert isinstance(first, Confirm)
        dialog = first
        qtbot.waitExposed(dialog)
        assert dialog.confirm.text() == "Approve"
        assert dialog.cancel.isDefault() and not dialog.confirm.isDefault()
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog.isVisible())
        assert approved == []
        second = panel.confirm("Approve this inspection?", "Approve", lambda: approved.append(True))
        assert isinstance(second, Confirm)
        qtbot.mouseClick(second.confirm, Qt.MouseButton.LeftButton)
        assert approved == [True]
    finally:
        context.tasks.wait()
        context.translations.remove()


def test_new_repeat_row_opens_scrolled_to_its_middle(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Defect 11: a new observation (taller than the view) opens at its first question."""
    session = load_form_file(forms_directory() / "neighbourhood_patrol.yaml").session(
        clock=lambda: NOW
    )
    runner = open_runner(qtbot, services, sink, session)
    view = runner.go_to_page(runner._page_of["observations"])
    qtbot.wait(1)
    runner.add_row("observations")
    new = runner.session.rows["observations"][-1]
    section = runner.repeat_section("observations")
    assert section is not None
    card = section.cards[new]
    first = next(q for q in card.findChildren(QuestionWidget) if q.isVisibleTo(card) and q.editable)
    viewport = view.viewport()

    def top() -> int:
        return first.mapTo(viewport, first.rect().topLeft()).y()

    qtbot.waitUntil(lambda: card.height() > viewport.height())
    qtbot.wait(20)  # every layout pass and deferred scroll has run
    assert 0 <= top() <= viewport.height() // 4, (top(), viewport.height())


def test_time_on_foot_asked_before_the_shift_end_is_known(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Defect 7: the time on foot is asked on the closing page, with the shift's end."""
    session = load_form_file(forms_directory() / "neighbourhood_patrol.yaml").session(
        clock=lambda: NOW
    )
    runner = open_runner(qtbot, services, sink, session)
    closing = runner._page_of["officer_signature"]
    assert runner._page_of["minutes_on_foot"] == closing
    assert runner._page_of["shift_end"] == closing
    assert runner._page_of["shift_start"] == 0
    # On its page the end comes before the time on foot it bounds.
    runner.go_to_page(closing)
    end, foot = runner.question_widget("shift_end"), runner.question_widget("minutes_on_foot")
    assert end is not None and foot is not None
    assert (
        end.mapTo(runner, end.rect().topLeft()).y() < foot.mapTo(runner, foot.rect().topLeft()).y()
    )


@pytest.mark.parametrize(
    ("form", "moments"),
    [
        ("coffeeshop_inspection", ["inspection_end"]),
        ("door_test", ["arrival_time", "visit_end_time"]),
        ("neighbourhood_patrol", ["shift_end"]),
    ],
)
def test_fresh_form_already_shows_an_answer_not_allowed(
    qtbot: QtBot,
    services: RunnerServices,
    sink: MemoryAnswerSink,
    form: str,
    moments: list[str],
) -> None:
    """Defect 4: no silent "now" for moments that are not facts yet; no error on a fresh form."""
    session = load_form_file(forms_directory() / f"{form}.yaml").session(clock=lambda: NOW)
    for name in moments:
        assert session.value(name) == "", name
    runner = open_runner(qtbot, services, sink, session)
    assert runner.progress.invalid == 0
    # One tap on "Now" fills it in; a wrong time says what to do.
    runner.go_to_question((moments[-1], None))
    widget = runner.question_widget(moments[-1])
    assert isinstance(widget, DateTimeQuestion)
    now = next(b for b in widget.findChildren(QPushButton) if b.text() in ("Nu", "Now"))
    qtbot.mouseClick(now, Qt.MouseButton.LeftButton)
    assert session.value(moments[-1]) == NOW
    message = session.engine.fields[moments[-1]].question.constraint_message or {}
    assert "tik op ‘Nu’" in message.get("nl", "")


def test_minus_on_an_empty_count_gives_minus_one(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Defect 14: "−" on an empty count leaves it empty; "+" starts at 1."""
    runner = open_runner(qtbot, services, sink)
    count = child(runner, NumberQuestion, "question_count")
    minus = next(b for b in count.findChildren(QPushButton) if b.text() == "−")
    plus = next(b for b in count.findChildren(QPushButton) if b.text() == "+")
    qtbot.mouseClick(minus, Qt.MouseButton.LeftButton)
    assert runner.session.value("count") == ""
    assert count.shown_issue is None
    qtbot.mouseClick(plus, Qt.MouseButton.LeftButton)
    assert runner.session.value("count") == 1


@pytest.mark.qt_log_ignore("This plugin does not support")
@pytest.mark.parametrize("theme", ["light", "high_contrast"])
def test_dropdown_rows_and_scrollbars_too_small_for_a_finger(qtbot: QtBot, theme: str) -> None:
    """Defect 14: dropdown rows are a finger high; scroll bars wide enough to drag."""
    from PySide6.QtWidgets import QComboBox, QListWidget

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        combo = QComboBox()
        combo.addItems(["Centrum", "Escamp", "Laak"])
        qtbot.addWidget(combo)
        combo.show()
        combo.showPopup()
        view = combo.view()
        qtbot.waitUntil(view.isVisible)
        assert view.visualRect(view.model().index(1, 0)).height() >= 44
        combo.hidePopup()
        listing = QListWidget()
        listing.addItems([str(n) for n in range(100)])
        qtbot.addWidget(listing)
        listing.resize(300, 200)
        listing.show()
        qtbot.waitUntil(lambda: listing.verticalScrollBar().isVisible())
        assert listing.verticalScrollBar().width() >= 20
    finally:
        app.setStyleSheet("")


def test_minimum_length_error_does_not_say_the_minimum() -> None:
    """Defect 14: the objective ground's length message names the form's minimum."""
    engine = load_form_file(forms_directory() / "neighbourhood_patrol.yaml")
    minimum = engine.definition.parameters["min_ground_description_length"]
    message = engine.fields["objective_ground_description"].question.constraint_message or {}
    for language in ("nl", "en"):
        assert str(minimum) in message[language], language


@pytest.mark.parametrize("theme", ["light", "dark", "high_contrast"])
def test_disabled_buttons_look_enabled_or_black(qtbot: QtBot, theme: str) -> None:
    """Defects 9 and 14: a disabled button reads clearly and looks unlike an enabled one."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        window = QWidget()
        qtbot.addWidget(window)
        layout = QVBoxLayout(window)
        for role in ("primary", None):
            enabled = make_button("Goedkeuren", role)
            disabled = make_button("Goedkeuren", role)
            disabled.setEnabled(False)
            layout.addWidget(enabled)
            layout.addWidget(disabled)
            window.show()
            qtbot.waitExposed(window)
            image = disabled.grab().toImage()
            background = image.pixelColor(image.width() // 8, image.height() // 2)
            strongest = _strongest(
                image,
                background,
                range(image.width() // 4, 3 * image.width() // 4),
                range(image.height() // 3, 2 * image.height() // 3),
            )
            assert strongest >= 3, (role, background.name())  # its text is readable

            def top_edge(button: QPushButton) -> set[str]:
                picture = button.grab().toImage()
                # The plain border's top row, below the room kept free for the focus ring.
                return {picture.pixelColor(x, 2).name() for x in range(20, picture.width() - 20)}

            assert len(top_edge(enabled)) == 1  # a solid border
            assert len(top_edge(disabled)) > 1  # a broken one: clearly not a button to tap
    finally:
        app.setStyleSheet("")


@pytest.mark.parametrize("theme", ["light", "dark", "high_contrast"])
def test_placeholder_text_was_faded_below_readable_contrast(qtbot: QtBot, theme: str) -> None:
    """Before: a style sheet rule gave every widget the text colour, and Qt then drew the
    hint inside an empty field ("Wachtwoord", "Zoek een vraag…") at half that colour: 3.3:1
    on white, 3.9:1 in high contrast. The theme's own hint colour reads at 4.5:1 or more,
    and still unlike a value: a typed one, or a disabled field's."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)

    def strongest_text(field: QLineEdit) -> tuple[float, str]:
        qtbot.addWidget(field)
        field.resize(240, 48)
        field.show()
        qtbot.waitExposed(field)
        image = field.grab().toImage()
        background = image.pixelColor(image.width() - 12, image.height() // 2)
        strongest = _strongest(
            image,
            background,
            range(8, image.width() // 2),
            range(image.height() // 4, 3 * image.height() // 4),
        )
        return strongest, background.name()

    try:
        empty = QLineEdit()
        empty.setPlaceholderText("Wachtwoord")
        hint, background = strongest_text(empty)
        assert hint >= 4.5, background
        for disabled in (False, True):
            filled = QLineEdit("10-12-2026")
            filled.setDisabled(disabled)
            value, _ = strongest_text(filled)
            assert value > 1.5 * hint, (disabled, value, hint)
    finally:
        app.setStyleSheet("")


@pytest.mark.parametrize("theme", ["light", "dark", "high_contrast", "discreet"])
def test_the_calendar_showed_no_month_or_year(qtbot: QtBot, theme: str) -> None:
    """Qt draws the month and year of a calendar's top bar in the palette's colour for
    text on a selection; on the bar's card background that was white on white. The date
    picker and every date field's pop-up show them in the text colour (4.5:1 or more),
    and its arrows, which Qt drew dark on the dark themes' dark buttons, in the theme's."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "dark" if theme == "discreet" else theme, discreet=theme == "discreet")
    try:
        calendar = QCalendarWidget()
        qtbot.addWidget(calendar)
        calendar.setSelectedDate(QDate(2026, 12, 4))
        calendar.resize(420, 360)
        calendar.show()
        qtbot.waitExposed(calendar)
        for name in ("qt_calendar_monthbutton", "qt_calendar_yearbutton"):
            button = calendar.findChild(QToolButton, name)
            assert button is not None and button.isVisible()
            image = button.grab().toImage()
            background = image.pixelColor(2, image.height() // 2)
            strongest = _strongest(
                image,
                background,
                range(image.width()),
                range(image.height() // 4, 3 * image.height() // 4),
            )
            assert strongest >= 4.5, (name, background.name())
        # The arrows to the month before and after: a control's part, 3:1 or more.
        for name in ("qt_calendar_prevmonth", "qt_calendar_nextmonth"):
            button = calendar.findChild(QToolButton, name)
            assert button is not None and button.isVisible()
            image = button.grab().toImage()
            middle = image.height() // 2
            background = image.pixelColor(image.width() // 2, 6)
            strongest = _strongest(
                image,
                background,
                range(image.width() // 4, 3 * image.width() // 4),
                range(middle - 6, middle + 6),
            )
            assert strongest >= 3, (name, background.name())
    finally:
        # Discreet mode is the application's state: later tests must not start in it.
        apply_theme(app, "light")
        app.setStyleSheet("")


def test_old_error_stays_visible_during_the_next_sign_in_attempt(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Defect 14: a new sign-in attempt clears the previous attempt's message at once."""
    from fieldapp.app.session import KdfParams
    from fieldapp.app.settings import Settings
    from fieldapp.ui.app import build_context
    from fieldapp.ui.errors import start_bug_log
    from fieldapp.ui.signin import SignInScreen

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    context = build_context(app, tmp_path, Settings.load(tmp_path), start_bug_log(tmp_path))
    context.kdf = KdfParams.fast_for_tests()
    try:
        screen = SignInScreen(context)
        qtbot.addWidget(screen)
        screen.show()
        screen.submit()  # nothing filled in: refused with a message
        assert screen.message.isVisible()
        screen.username.setText("kevin.sitaldin")
        screen.password.setText("verkeerd")
        screen.submit()
        assert not screen.message.isVisible()  # the old message is gone while it works
    finally:
        context.tasks.wait()
        context.translations.remove()


@pytest.mark.parametrize("theme", ["light", "high_contrast"])
def test_idle_lock_minute_buttons_clipped(qtbot: QtBot, tmp_path: Path, theme: str) -> None:
    """Defect 9: every segment in Settings is as wide as its text needs, in every theme."""
    from fieldapp.app.settings import Settings
    from fieldapp.ui.app import build_context
    from fieldapp.ui.errors import start_bug_log
    from fieldapp.ui.settings_dialog import SettingsDialog

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    context = build_context(app, tmp_path, Settings.load(tmp_path), start_bug_log(tmp_path))
    apply_theme(app, theme)
    try:
        dialog = SettingsDialog(context)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.wait(1)
        for button in [*dialog.locks.values(), *dialog.themes.values()]:
            assert button.width() >= button.sizeHint().width(), button.text()
            place = button.mapTo(dialog, button.rect().topLeft())
            assert dialog.rect().contains(button.rect().translated(place)), button.text()
    finally:
        app.setStyleSheet("")
        context.tasks.wait()
        context.translations.remove()


def test_discreet_mode_only_dims(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Defect 12: discreet mode hides the form's title and venue; the signature pad is dark."""
    from fieldapp.ui.runner.media import SignaturePad

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    runner = open_runner(qtbot, services, sink)
    title = runner.texts.text(runner.engine.definition.title)
    assert runner.title.text() == title
    assert runner.subject_label.isVisible()
    apply_theme(app, "light", discreet=True)
    try:
        qtbot.waitUntil(lambda: runner.title.text() != title)
        assert not runner.subject_label.isVisible()
        visible = " ".join(
            label.text() for label in runner.findChildren(QLabel) if label.isVisible()
        )
        assert title not in visible and "Test" not in visible.split()
        pad = SignaturePad()
        qtbot.addWidget(pad)
        pad.resize(480, 200)
        pad.show()
        qtbot.waitExposed(pad)
        assert pad.grab().toImage().pixelColor(5, 5).lightness() < 60
        # What is saved stays black ink on white paper.
        assert pad.image().pixelColor(5, 5).name() == "#ffffff"
    finally:
        apply_theme(app, "light")
        app.setStyleSheet("")
        app.setProperty("fieldapp_discreet", False)
    qtbot.waitUntil(lambda: runner.title.text() == title)


INSTRUCTIONS = {
    "nl": "Let op de weegschaal achter de bar; vraag naar het ijkrapport en fotografeer het "
    "certificaat. Meld je bij de beheerder voordat je de achterruimte in gaat.",
    "en": "Mind the scale behind the bar; ask for the calibration report and photograph the "
    "certificate. Report to the manager before entering the back room.",
}


def test_assignment_instructions_cut_and_never_shown_in_the_form(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Defect 5: the instructions are shown in full at the top of the form, and fold away."""
    session = load_form_text(EVERY_TYPE_FORM).session(clock=lambda: NOW)
    runner = FormRunner(session, sink, services, "nl", subject="Test", instructions=INSTRUCTIONS)
    qtbot.addWidget(runner)
    runner.resize(1280, 800)
    runner.show()
    text = child(runner, QLabel, "instructions_text")
    assert text.isVisible() and text.text() == INSTRUCTIONS["nl"]
    assert text.wordWrap()  # in full, over as many lines as it needs
    toggle = child(runner, QPushButton, "instructions_toggle")
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert not text.isVisible()
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert text.isVisible()
    runner.set_language("en")
    assert text.text() == INSTRUCTIONS["en"]
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "light", discreet=True)
    try:
        qtbot.waitUntil(lambda: not child(runner, QWidget, "instructions").isVisible())
    finally:
        apply_theme(app, "light")
        app.setStyleSheet("")
    # Without an assignment there is nothing to show.
    plain = open_runner(qtbot, services, MemoryAnswerSink())
    assert not child(plain, QWidget, "instructions").isVisible()


def test_the_venues_history_is_shown_above_the_form_in_the_forms_language(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Issue 13: a boa sees the venue's last visits, open actions and repeat offences."""
    from datetime import UTC, date

    from fieldapp.core.followup import FileFinding, FileVisit, Repetition, VenueFieldSummary

    history = VenueFieldSummary(
        venue_id="cs-weimar-241",
        updated_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        last_visits=(
            FileVisit(
                inspection_id="a" * 32,
                form_id="coffeeshop_inspection",
                form_title={"nl": "Coffeeshopcontrole", "en": "Coffeeshop inspection"},
                visited_at=datetime(2026, 10, 2, 21, 0, tzinfo=UTC),
                officers=(),
                status="approved",
                findings=(
                    FileFinding(
                        key="coffeeshop_inspection:criterion_J_violation",
                        label={"nl": "J-criterium: jeugdige binnen", "en": "Criterion J: minor"},
                        severity="immediate_closure",
                    ),
                ),
            ),
        ),
        open_actions=(("letter_of_intent", date(2026, 12, 16)),),
        repetitions=(
            Repetition(
                ladder_id="coffeeshop_j",
                label={"nl": "J-criterium: jeugdigen", "en": "Criterion J: minors"},
                period_months=24,
                count=1,
                last_at=datetime(2026, 10, 2, 21, 0, tzinfo=UTC),
            ),
        ),
    )
    session = load_form_text(EVERY_TYPE_FORM).session(clock=lambda: NOW)
    runner = FormRunner(session, sink, services, "nl", subject="Test", history=history)
    qtbot.addWidget(runner)
    runner.resize(1280, 800)
    runner.show()
    text = child(runner, QLabel, "venue_history_text")
    assert text.isVisible()
    assert "J-criterium: jeugdige binnen" in text.text()
    assert "Voornemen (brief)" in text.text() and "J-criterium: jeugdigen" in text.text()
    runner.set_language("en")
    assert "Criterion J: minors" in text.text() and "Letter of intent" in text.text()
    toggle = child(runner, QPushButton, "venue_history_toggle")
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert not text.isVisible()
    # Without a history (a mystery guest, or a patrol) there is nothing to show.
    plain = open_runner(qtbot, services, MemoryAnswerSink())
    assert not child(plain, QWidget, "venue_history").isVisible()


def test_patrol_offers_the_venues_location_and_gps_failure_turns_red(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Defect 6: no venue button without a venue; a failed GPS is a hint; a place answers."""
    from fieldapp.ui.runner.places import GeopointQuestion, VenuePicker

    session = load_form_file(forms_directory() / "neighbourhood_patrol.yaml").session(
        clock=lambda: NOW
    )
    runner = open_runner(qtbot, services, sink, session)
    runner.go_to_page(runner._page_of["observations"])
    runner.add_row("observations")
    row = runner.session.rows["observations"][-1]
    runner.answer(("category", row), "nuisance")
    location = runner.question_widget("observation_location", row)
    assert isinstance(location, GeopointQuestion)
    qtbot.waitUntil(location.isVisible)
    assert not child(location, QPushButton, "use_venue_location").isVisible()
    # Asked where the device is, the position source reports a time-out.
    location._waiting = True
    services.devices.not_located.emit()
    assert "No position found" in child(location, QLabel, "location_status").text()
    assert location.shown_issue is None
    assert location.property("problem") != "true"
    picker = location.pick_place()
    assert isinstance(picker, VenuePicker)
    qtbot.waitExposed(picker)
    picker.search.setText("Zoutmanstraat")
    qtbot.waitUntil(lambda: picker.model.rowCount() > 0)
    venue = picker.model.venue_at(0)
    picker._choose(0)
    value = runner.session.value("observation_location", row)
    assert isinstance(value, str) and value.startswith(f"{venue.lat:.6f} {venue.lon:.6f}")
    # A form with a venue keeps the venue's button.
    with_venue = open_runner(qtbot, services, MemoryAnswerSink())
    with_venue.go_to_page(with_venue._page_of["spot"])
    spot = with_venue.question_widget("spot")
    assert spot is not None
    qtbot.waitUntil(spot.isVisible)
    assert child(spot, QPushButton, "use_venue_location").isVisible()


def test_patrol_asks_the_boa_whether_the_area_is_fireworks_free() -> None:
    """Issue 10 follow-up: the area's flag answers the zone question; the boa is not asked."""
    from fieldapp.app.inspections import prefill_answers

    world = load_world(seeds_directory())
    patrol = load_form_file(forms_directory() / "neighbourhood_patrol.yaml")
    officer = world.user("kevin.sitaldin")
    for area in world.areas:
        session = patrol.session(clock=lambda: NOW)
        for name, value in prefill_answers(patrol, officer, None, area, "Team").items():
            session.set_answer(name, value)
        expected = "yes" if area.fireworks_free_zone else "no"
        assert session.value("area_fireworks_free_zone") == expected, area.id
        row, _changes = session.add_row("observations")
        session.set_answer("category", "fireworks", row)
        assert not session.is_relevant("fireworks_free_zone", row), area.id
    assert any(area.fireworks_free_zone for area in world.areas)


def test_photo_thumbnails_cannot_be_enlarged_in_the_form(
    qtbot: QtBot,
    services: RunnerServices,
    sink: MemoryAnswerSink,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Defect 14: a tap on a thumbnail opens the photo large, with zoom and a Close button."""
    from fieldapp.ui.runner.media import ImageQuestion, PhotoViewer
    from fieldapp.ui.runner.services import PhotoFiles
    from tests.support.qt import make_photo

    photo = make_photo(tmp_path / "scale.png", size=(1200, 900))
    monkeypatch.setattr(PhotoFiles, "ask", classmethod(lambda cls, *args: [photo]))
    runner = open_runner(qtbot, services, sink)
    runner.go_to_page(runner._page_of["photo"])
    widget = runner.question_widget("photo")
    assert isinstance(widget, ImageQuestion)
    qtbot.mouseClick(widget.findChild(QPushButton, "add_photo_file"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.photo_count == 1, timeout=5000)
    qtbot.mouseClick(child(widget, QPushButton, "open_photo"), Qt.MouseButton.LeftButton)
    viewer = child(widget, PhotoViewer)
    qtbot.waitExposed(viewer)
    shown = child(viewer, QLabel, "photo_view")
    qtbot.waitUntil(lambda: shown.pixmap() is not None and not shown.pixmap().isNull())
    fitted = shown.pixmap().width()
    assert fitted > 160  # larger than the thumbnail
    qtbot.mouseClick(child(viewer, QPushButton, "zoom_in"), Qt.MouseButton.LeftButton)
    assert shown.pixmap().width() > fitted
    qtbot.mouseClick(child(viewer, QPushButton, "close_photo"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not viewer.isVisible())


def test_summary_finds_a_question_by_words_and_jumps_there(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """What field workers expect: a search box in the summary finds a question and goes there."""
    runner = open_runner(qtbot, services, sink)
    summary = runner.show_summary()
    search = child(summary, QLineEdit, "question_search")
    qtbot.keyClicks(search, "warme")
    assert summary.find_questions("warme") == [("warm_colour", None)]
    link = child(summary, QPushButton, "match_warm_colour")
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    assert not runner.on_summary
    assert runner.current_page == runner._page_of["warm_colour"]
    assert summary.find_questions("bestaat niet") == []


def test_venue_search_needs_tab_before_down_and_enter(
    qtbot: QtBot, services: RunnerServices
) -> None:
    """Defect 14: in the new-inspection dialog, Down and Enter work from the search box."""
    from fieldapp.app.inspections import FormChoice
    from fieldapp.ui.new_inspection import NewInspectionDialog

    engine = load_form_file(forms_directory() / "coffeeshop_inspection.yaml")
    choice = FormChoice(engine.form_id, engine.version, engine.definition, "venue")
    dialog = NewInspectionDialog([choice], services.venues, "nl")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose_form(choice)
    search = child(dialog, QLineEdit, "where_search")
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    qtbot.keyClicks(search, "straat")
    assert dialog.list.model().rowCount() > 1
    qtbot.keyClick(search, Qt.Key.Key_Down)
    assert dialog.list.currentIndex().row() == 1
    assert search.hasFocus()  # still typing-ready
    chosen = dialog.venue_model.venue_at(1)
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert dialog.chosen == (engine.form_id, chosen.id, None)


def test_a_comment_on_a_whole_section_was_shown_nowhere(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Issue 15, defect 2: a supervisor's comment on a section (which reopens all of it)
    stands under the section's title, and on a nested group under the group's heading."""
    engine = load_form_file(forms_directory() / "coffeeshop_inspection.yaml")
    session = engine.session(clock=lambda: NOW)
    comment = "Fotografeer het ijkcertificaat van de weegschaal."
    runner = FormRunner(
        session, sink, services, "nl", subject="Test", comments={"criterion_g": comment}
    )
    qtbot.addWidget(runner)
    runner.resize(1280, 800)
    runner.show()
    index = next(i for i, spec in enumerate(runner.pages) if spec.key == "criterion_g")
    view = runner.go_to_page(index)
    label = child(view, QLabel, "section_comment")
    qtbot.waitUntil(label.isVisible)
    assert comment in label.text()
    other = runner.go_to_page(0)
    assert not child(other, QLabel, "section_comment").isVisible()


def test_tapping_a_finding_did_not_lead_to_its_answers(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Issue 15 (what field workers expect): a finding in the strip is a way to its
    answers: tapping "stock over the limit" opens the page with the weighed stock and
    puts the cursor there; the keyboard does the same with Return."""
    engine = load_form_file(forms_directory() / "coffeeshop_inspection.yaml")
    session = engine.session(clock=lambda: NOW)
    session.set_answer("stock_in_shop_grams", 650.0)
    runner = FormRunner(session, sink, services, "nl", subject="Test")
    qtbot.addWidget(runner)
    runner.resize(1280, 800)
    runner.show()
    runner.go_to_page(0)
    chip = runner.outcomes.chips["stock_over_limit"]
    qtbot.waitUntil(chip.isVisible)
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)

    def on_the_stock_page() -> bool:
        shown = runner.stack.currentWidget()
        return shown is not None and shown.objectName() == "page_criterion_g"

    qtbot.waitUntil(on_the_stock_page)
    runner.go_to_page(0)
    assert not on_the_stock_page()
    chip.setFocus()
    qtbot.keyClick(chip, Qt.Key.Key_Return)
    qtbot.waitUntil(on_the_stock_page)


def test_a_question_reopened_without_a_comment_was_not_marked(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Issue 15, defect 2: a question, part or section the supervisor reopened without a
    comment (an empty comment) says so, instead of showing nothing or "Supervisor: "."""
    engine = load_form_file(forms_directory() / "coffeeshop_inspection.yaml")
    session = engine.session(clock=lambda: NOW)
    runner = FormRunner(
        session,
        sink,
        services,
        "nl",
        subject="Test",
        comments={"criterion_g": "", "stock_in_shop_grams": ""},
    )
    qtbot.addWidget(runner)
    runner.resize(1280, 800)
    runner.show()
    index = next(i for i, spec in enumerate(runner.pages) if spec.key == "criterion_g")
    view = runner.go_to_page(index)
    section = child(view, QLabel, "section_comment")
    qtbot.waitUntil(section.isVisible)
    assert section.text() == "Your supervisor reopened this section."
    question = runner.question_widget("stock_in_shop_grams")
    assert question is not None
    qtbot.waitUntil(question.comment.isVisible)
    assert question.comment.text() == "Your supervisor reopened this question."


def _contents(widget: QWidget) -> tuple[int, int, int, int]:
    """Where the style puts a button's label or a line edit's text (left, top, right, bottom)."""
    from PySide6.QtWidgets import QStyle, QStyleOptionButton, QStyleOptionFrame

    if isinstance(widget, QPushButton):
        button = QStyleOptionButton()
        widget.initStyleOption(button)
        rect = widget.style().subElementRect(
            QStyle.SubElement.SE_PushButtonContents, button, widget
        )
    else:
        assert isinstance(widget, QLineEdit)
        frame = QStyleOptionFrame()
        widget.initStyleOption(frame)
        rect = widget.style().subElementRect(QStyle.SubElement.SE_LineEditContents, frame, widget)
    return rect.left(), rect.top(), rect.right(), rect.bottom()


@pytest.mark.parametrize("theme", ["light", "dark", "high_contrast"])
def test_focus_ring_eats_into_the_padding_and_clips_the_text(qtbot: QtBot, theme: str) -> None:
    """Issue 15 item 14: the ring drawn on focus is wider than the plain border; it must
    take no room from the text, so a button at its size hint still holds its whole label."""
    from fieldapp.ui.widgets import make_button

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        window = QWidget()
        qtbot.addWidget(window)
        layout = QVBoxLayout(window)
        buttons = [
            make_button("Synchroniseren"),
            make_button("Afronden", "primary"),
            make_button("Meer", "link"),
            make_button("Ja", "segment"),
            make_button("Sectie", "section"),
        ]
        edit = QLineEdit("07:15 Weimarstraat 241")
        for widget in (*buttons, edit):
            layout.addWidget(widget, alignment=Qt.AlignmentFlag.AlignLeft)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        other = make_button("Elders")
        layout.addWidget(other)
        for widget in (*buttons, edit):
            widget.setFixedWidth(widget.sizeHint().width())
            other.setFocus()
            qtbot.waitUntil(lambda w=widget: not w.hasFocus())  # type: ignore[misc]
            plain = _contents(widget)
            widget.setFocus()
            qtbot.waitUntil(widget.hasFocus)
            ringed = _contents(widget)
            assert ringed == plain, (theme, widget.property("role"), plain, ringed)
            if isinstance(widget, QPushButton):
                text = widget.fontMetrics().horizontalAdvance(widget.text())
                assert ringed[2] - ringed[0] + 1 >= text, (theme, widget.text())
    finally:
        app.setStyleSheet("")


def test_typing_0715_in_a_time_field_gives_07_15(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Issue 15 item 13: digits typed into a time fill it section by section, without
    tapping the hours first."""
    runner = open_runner(qtbot, services, sink)
    runner.go_to_question(("hour", None))
    widget = runner.question_widget("hour")
    assert isinstance(widget, DateTimeQuestion)
    now = next(b for b in widget.findChildren(QPushButton) if b.text() in ("Nu", "Now"))
    qtbot.mouseClick(now, Qt.MouseButton.LeftButton)
    assert runner.session.value("hour") == NOW.time()
    edit = widget.editor()
    assert edit is not None
    edit.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClicks(edit, "0715")
    assert runner.session.value("hour") == time(7, 15)


def _picker(qtbot: QtBot, widget: DateTimeQuestion, *, keyboard: bool = False) -> MomentPicker:
    button = child(widget, QPushButton, f"pick_{widget.field.name}")
    assert button.isVisible() and button.text() in ("Kiezen…", "Choose…")
    if keyboard:
        widget.window().activateWindow()
        qtbot.waitUntil(widget.window().isActiveWindow)
        button.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(button.hasFocus)
        qtbot.keyClick(button, Qt.Key.Key_Space)
    else:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.picker is not None and widget.picker.isVisible())
    picker = widget.picker
    assert isinstance(picker, MomentPicker)
    return picker


def test_time_and_date_questions_have_no_large_target_picker(
    qtbot: QtBot, services: RunnerServices, sink: MemoryAnswerSink
) -> None:
    """Issue 15 item 13: on a touch tablet a time or date is picked from buttons and days
    of at least 44 px, with Now, Cancel and OK, by finger or by keyboard."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "light")  # the sizes a finger gets come from the theme
    try:
        runner = open_runner(qtbot, services, sink)
        runner.go_to_question(("hour", None))
        hour = runner.question_widget("hour")
        assert isinstance(hour, DateTimeQuestion)
        picker = _picker(qtbot, hour)
        assert picker.hours is not None and picker.minutes is not None
        assert [b.text() for b in picker.hours.buttons] == [f"{h:02d}" for h in range(24)]
        assert [b.text() for b in picker.minutes.buttons] == [f"{m:02d}" for m in range(0, 60, 5)]
        for button in (
            *picker.hours.buttons,
            *picker.minutes.buttons,
            picker.now_button,
            picker.ok_button,
            picker.cancel_button,
        ):
            assert button.width() >= 44 and button.height() >= 44, button.text()
        assert picker.now_button.text() in ("Nu", "Now")
        assert picker.cancel_button.text() in ("Annuleren", "Cancel")
        assert picker.ok_button.text() == "OK"
        # By finger: 07, then 15, then OK.
        qtbot.mouseClick(child(picker, QPushButton, "hour_07"), Qt.MouseButton.LeftButton)
        qtbot.mouseClick(child(picker, QPushButton, "minute_15"), Qt.MouseButton.LeftButton)
        assert picker.shown.text() == "07:15"
        qtbot.mouseClick(picker.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: hour.picker is None)
        assert runner.session.value("hour") == time(7, 15)
        # Cancel leaves the answer as it was.
        picker = _picker(qtbot, hour)
        qtbot.mouseClick(child(picker, QPushButton, "hour_09"), Qt.MouseButton.LeftButton)
        qtbot.mouseClick(picker.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: hour.picker is None)
        assert runner.session.value("hour") == time(7, 15)
        # By keyboard: the picker opens on the chosen hour; arrows move, Space chooses, Tab
        # leaves a grid for the next, Return on OK takes it.
        picker = _picker(qtbot, hour, keyboard=True)
        qtbot.waitUntil(lambda: focused() is child(picker, QPushButton, "hour_07"))
        for key in (Qt.Key.Key_Down, Qt.Key.Key_Right, Qt.Key.Key_Space, Qt.Key.Key_Tab):
            qtbot.keyClick(QApplication.focusWidget(), key)
        assert focused() is child(picker, QPushButton, "minute_15")
        for key in (Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Space):
            qtbot.keyClick(QApplication.focusWidget(), key)
        assert picker.shown.text() == "14:25"
        for _ in range(4):
            if focused() is picker.ok_button:
                break
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert focused() is picker.ok_button
        qtbot.keyClick(picker.ok_button, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: hour.picker is None)
        assert runner.session.value("hour") == time(14, 25)

        # A date: a month of days a finger can hit, the arrow keys and Return.
        runner.go_to_question(("day", None))
        day = runner.question_widget("day")
        assert isinstance(day, DateTimeQuestion)
        before = runner.session.value("day")
        assert isinstance(before, date)
        picker = _picker(qtbot, day)
        assert picker.calendar is not None and picker.hours is None
        table = picker.calendar.findChild(QTableView)
        assert table is not None
        model = table.model()
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                cell = table.visualRect(model.index(row, column))
                assert cell.width() >= 44 and cell.height() >= 44, (row, column, cell)
        qtbot.waitUntil(lambda: picker.calendar is not None and picker.calendar.hasFocus())
        qtbot.keyClick(table, Qt.Key.Key_Right)
        qtbot.keyClick(table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: day.picker is None)
        assert runner.session.value("day") == before + timedelta(days=1)

        # Date and time together, and "Now".
        runner.go_to_question(("moment", None))
        moment = runner.question_widget("moment")
        assert isinstance(moment, DateTimeQuestion)
        picker = _picker(qtbot, moment)
        assert picker.calendar is not None and picker.hours is not None
        qtbot.mouseClick(child(picker, QPushButton, "hour_06"), Qt.MouseButton.LeftButton)
        qtbot.mouseClick(picker.now_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(picker.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: moment.picker is None)
        assert runner.session.value("moment") == NOW.replace(second=0, microsecond=0)
    finally:
        app.setStyleSheet("")


def test_a_location_question_kept_a_position_source_of_its_own(
    qtbot: QtBot, services: RunnerServices
) -> None:
    """The location question asks the device's one position source (`DeviceSupport`), so
    its fix also sorts the venue lists; the answer keeps altitude and accuracy, and a fix
    another screen asked for does not answer it."""
    from fieldapp.ui.devices import PositionFix
    from tests.ui.test_map import patrol_location

    runner, location = patrol_location(qtbot, services)
    row = runner.session.rows["observations"][-1]
    devices = services.devices
    devices.fixed.emit(PositionFix(52.1, 4.2, 3.0, 9.0))  # asked by another screen
    assert runner.session.value("observation_location", row) in ("", None)
    # The machine's position source is the edge a test stands in for (offscreen has none).
    asked: list[bool] = []

    def locate() -> bool:
        asked.append(True)
        return True

    devices.locate = locate  # type: ignore[method-assign]
    location._locate()
    assert asked == [True]
    devices.fixed.emit(PositionFix(52.078, 4.311, 2.5, 6.0))
    assert runner.session.value("observation_location", row) == "52.078000 4.311000 2.5 6.0"
